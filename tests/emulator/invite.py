"""POST /communications/calls/{id}/participants/invite: validation and the operation it creates.

Validation mirrors what Graph documents (graph-api.md sections 1, 2, 8). The operation's
lifecycle is isolated in ``_run_operation`` so later behaviour switches (running operations,
per-identity failures) change that one function and read ``state.config``.
"""

import copy
from urllib.parse import quote

from emulator import resources
from emulator.errors import GraphError
from emulator.state import new_guid

MAX_PARTICIPANTS = 5
MAX_CLIENT_CONTEXT = 256
BODY_KEYS = ("participants", "clientContext")
PARTICIPANT_KEYS = ("@odata.type", "identity", "participantId", "replacesCallId", "removeFromDefaultAudioRoutingGroup", "hidden")
BETA_ONLY_PARTICIPANT_KEYS = ("endpointType",)
PARTICIPANT_TYPE = "#microsoft.graph.invitationParticipantInfo"
ENDPOINT_TYPES = ("default", "voicemail", "skypeForBusiness", "skypeForBusinessVoipPhone", "unknownFutureValue")
_STRING_KEYS = ("participantId", "replacesCallId")
_BOOL_KEYS = ("removeFromDefaultAudioRoutingGroup", "hidden")


def _bad(message):
    return GraphError(400, "BadRequest", message)


def _unknown_property(name, type_name, hint=""):
    # The wording of OData's model binder, which is what Graph answers for unknown properties.
    return _bad(f"The property '{name}' does not exist on type '{type_name}'. Make sure to only use property names "
                f"that are defined by the type or mark the type as open type.{hint}")


def _check_participant(info, index, version):
    where = f"participants[{index}]"
    if not isinstance(info, dict):
        raise _bad(f"'{where}' must be an invitationParticipantInfo object.")
    allowed = PARTICIPANT_KEYS + (BETA_ONLY_PARTICIPANT_KEYS if version == "beta" else ())
    for key in info:
        if key not in allowed:
            hint = " 'endpointType' exists on invitationParticipantInfo under /beta only." if key in BETA_ONLY_PARTICIPANT_KEYS else ""
            raise _unknown_property(key, "microsoft.graph.invitationParticipantInfo", hint)
    odata_type = info.get("@odata.type")
    if odata_type is not None and odata_type.lstrip("#") != PARTICIPANT_TYPE.lstrip("#"):
        raise _bad(f"'{where}.@odata.type' must be '{PARTICIPANT_TYPE}'; got {odata_type!r}.")
    if "identity" not in info:
        raise _bad(f"'{where}.identity' is required.")
    resources.check_identity_set(info["identity"], f"{where}.identity")
    for key in _STRING_KEYS:
        if info.get(key) is not None and not isinstance(info[key], str):
            raise _bad(f"'{where}.{key}' must be a string.")
    for key in _BOOL_KEYS:
        if info.get(key) is not None and not isinstance(info[key], bool):
            raise _bad(f"'{where}.{key}' must be a boolean.")
    if info.get("endpointType") is not None and info["endpointType"] not in ENDPOINT_TYPES:
        raise _bad(f"'{where}.endpointType' must be one of {', '.join(ENDPOINT_TYPES)}; got {info['endpointType']!r}.")


def validate_body(body, version):
    """Raise GraphError 400 naming the offending field unless ``body`` is a valid invite body."""
    if not isinstance(body, dict):
        raise _bad("The request body must be a JSON object with 'participants' and optional 'clientContext'.")
    for key in body:
        if key not in BODY_KEYS:
            raise _unknown_property(key, "microsoft.graph.invite (action parameters: participants, clientContext)")
    participants = body.get("participants")
    if participants is None:
        raise _bad("'participants' is required.")
    if not isinstance(participants, list) or not participants:
        raise _bad("'participants' must be a non-empty collection of invitationParticipantInfo.")
    if len(participants) > MAX_PARTICIPANTS:
        raise _bad(f"'participants': at most {MAX_PARTICIPANTS} participants can be invited in one request; got {len(participants)}.")
    context = body.get("clientContext")
    if context is not None:
        if not isinstance(context, str):
            raise _bad("'clientContext' must be a string.")
        if len(context) > MAX_CLIENT_CONTEXT:
            raise _bad(f"'clientContext' exceeds the maximum length of {MAX_CLIENT_CONTEXT} characters (got {len(context)}).")
    for index, info in enumerate(participants):
        _check_participant(info, index, version)


def _check_call(call, body):
    if call.state != "established":
        raise _bad(f"Call is in state '{call.state}'; participants can only be invited into an established call.")
    if len(body["participants"]) > 1 and not call.group:
        raise _bad("'participants': inviting multiple participants is only supported for group calls.")


def _add_to_roster(call, info):
    """Put an invitee in the roster, unless the same identity is already there."""
    present = set()
    for entry in call.participants:
        present |= resources.identity_keys(entry["info"]["identity"])
    if resources.identity_keys(info["identity"]) & present:
        return
    call.participants.append(resources.participant(info["identity"], info.get("endpointType") or "default"))


def _run_operation(call, operation):
    """Carry out an invite operation. Now: every invitee joins at once and the operation completes."""
    for info in operation["participants"]:
        _add_to_roster(call, info)
    operation["status"] = "completed"


def invite(state, call_id, body, version):
    """Validate, run and store an invite; return ``(operation copy, Location URL)``."""
    validate_body(body, version)
    with state.lock:
        call = state.get_call(call_id)
        if call is None:
            raise GraphError(404, "itemNotFound", "Call not found.")
        _check_call(call, body)
        operation = {
            "@odata.type": "#microsoft.graph.inviteParticipantsOperation",
            "id": new_guid(),
            "status": "notStarted",
            "clientContext": body.get("clientContext"),
            "participants": copy.deepcopy(body["participants"]),
            "resultInfo": None,
        }
        call.operations[operation["id"]] = operation
        _run_operation(call, operation)
        result = copy.deepcopy(operation)
    location = f"{state.base_url}/{version}/{resources.call_path(call_id)}/operations/{quote(result['id'], safe='')}"
    return result, location

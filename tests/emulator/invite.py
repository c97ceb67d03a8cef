"""POST /communications/calls/{id}/participants/invite: validation and the operation it creates.

Validation mirrors what Graph documents (Microsoft Graph docs: participant: invite, the invitationParticipantInfo and
identitySet resources, and the call resource's rule on duplicate identities). The operation's
lifecycle (running, then completed/failed per invited identity, evaluated lazily from
timestamps) is the "asynchronous lifecycle" section below; docs/docsite/rst/guide_emulator.rst describes it.
"""

import copy
from dataclasses import dataclass, field
from urllib.parse import quote

from emulator import resources
from emulator.clock import RESOLUTION
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


def unknown_property(name, type_name, hint=""):
    """400 with the wording of OData's model binder, which is what Graph answers for unknown properties."""
    return _bad(
        f"The property '{name}' does not exist on type '{type_name}'. Make sure to only use property names "
        f"that are defined by the type or mark the type as open type.{hint}"
    )


def check_participant(info, index, version, collection="participants"):
    """Raise GraphError 400 unless ``info`` is a valid invitationParticipantInfo (``collection[index]`` in messages)."""
    where = f"{collection}[{index}]"
    if not isinstance(info, dict):
        raise _bad(f"'{where}' must be an invitationParticipantInfo object.")
    allowed = PARTICIPANT_KEYS + (BETA_ONLY_PARTICIPANT_KEYS if version == "beta" else ())
    for key in info:
        if key not in allowed:
            hint = " 'endpointType' exists on invitationParticipantInfo under /beta only." if key in BETA_ONLY_PARTICIPANT_KEYS else ""
            raise unknown_property(key, "microsoft.graph.invitationParticipantInfo", hint)
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
            raise unknown_property(key, "microsoft.graph.invite (action parameters: participants, clientContext)")
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
        check_participant(info, index, version)


def _check_call(call, body):
    if call.state != "established":
        raise _bad(f"Call is in state '{call.state}'; participants can only be invited into an established call.")
    if call.bot_in_lobby:
        raise GraphError(403, "Forbidden", "The application is waiting in the meeting's lobby; it can invite participants once admitted.")
    if len(body["participants"]) > 1 and not call.group:
        raise _bad("'participants': inviting multiple participants is only supported for group calls.")


# --- The asynchronous lifecycle ----------------------------------------------------------------
#
# Nothing runs in the background. An invite stores, per invitee, the outcome chosen by config
# (invite_outcome / invite_outcomes / duplicate_invite) and the time it takes effect (t0 + after,
# on ``state.clock.now()``, which tests may drive by hand: clock.py). Every read of the call (call, roster, operations, admin views) and every invite
# first calls ``advance``, which applies every due outcome in time order, so two reads at the
# same moment see the same state and a test can predict it from the config alone.

ACTIVE_STATUSES = ("notStarted", "running")
RINGING_RESULTS = ("answer", "decline", "no_answer", "busy")
# result -> (resultInfo code, subcode, underlying reason). Codes of the failed-invite field
# reports' shape (e.g. microsoft-graph-comms-samples issue #410; Microsoft documents no failed invite); 408#10057 is Graph's call-end reason "Call timed out
# due to no signaling from callee endpoints"; the others are plausible choices, not documented.
FAILURES = {
    "decline": (603, 10003, "the participant declined the call"),
    "no_answer": (408, 10057, "the call was not answered"),
    "busy": (486, 10008, "the participant was busy"),
    "duplicate_failed": (409, 10100, "the participant is already in the call or is already being invited"),
    "canceled": (487, 10011, "the invitation was canceled because the participant was removed from the call"),
    "call_ended": (487, 10012, "the call ended before the participant answered"),
}


@dataclass
class Invitee:  # pylint: disable=too-many-instance-attributes
    """One invited identity of an operation and its (already decided) fate."""

    index: int
    info: dict
    # answer | decline | no_answer | busy (rings first) | duplicate (ignored) | duplicate_failed
    result: str
    due: float
    participant_id: str = None  # its roster entry while ringing (ringing_in_roster) or once answered
    done: bool = False
    done_at: float = None
    failure: dict = None  # resultInfo when it failed
    # Answered into the meeting's lobby (a phone without dial-in bypass): its entry isInLobby until admitted.
    held: bool = False


@dataclass
class InviteRun:
    """The lifecycle record of one inviteParticipantsOperation (stored in ``Call.invite_runs``)."""

    operation_id: str
    seq: int
    t0: float
    roster_kind: str
    invitees: list = field(default_factory=list)


def result_info(kind, identity_set):
    """The resultInfo of a failed invitee, worded like Graph's addParticipants failures."""
    code, subcode, reason = FAILURES[kind]
    return {
        "@odata.type": "#microsoft.graph.resultInfo",
        "code": code,
        "subcode": subcode,
        "message": f"addParticipants failed for participant {resources.participant_label(identity_set)}. "
        f"Underlying reason: {reason}. DiagCode: {code}#{subcode}",
    }


def outcome_for(config, identity_set):
    """The configured outcome of an identity: invite_outcomes by any of its ids (case-insensitive), else invite_outcome."""
    overrides = {key.lower(): value for key, value in config["invite_outcomes"].items()}
    for kind, identity in identity_set.items():
        if kind in resources.IDENTITY_KINDS and isinstance(identity, dict) and isinstance(identity.get("id"), str):
            outcome = overrides.get(identity["id"].lower())
            if outcome is not None:
                return outcome
    return config["invite_outcome"]


def _roster_ids(call):
    ids = set()
    for entry in call.participants:
        ids |= resources.identity_ids(entry["info"]["identity"])
    return ids


def _ringing_ids(call):
    """Ids of invitees whose outcome is still pending in some operation of the call."""
    ids = set()
    for run in call.invite_runs.values():
        for invitee in run.invitees:
            if not invitee.done and invitee.result in RINGING_RESULTS:
                ids |= resources.identity_ids(invitee.info["identity"])
    return ids


def _find_entry(call, participant_id):
    for entry in call.participants:
        if entry["id"] == participant_id:
            return entry
    return None


def _finish(invitee, at, failure=None):
    invitee.done, invitee.done_at, invitee.failure = True, at, failure


def _settle(call, run, invitee):
    """Apply one due outcome to the roster."""
    identity_set = invitee.info["identity"]
    if invitee.result == "answer" and call.phone_lobby and "phone" in identity_set:
        _hold(call, run, invitee)
    elif invitee.result == "answer":
        if invitee.participant_id is not None:
            entry = _find_entry(call, invitee.participant_id)
            if entry is None:  # removed while ringing (normally cancelled at removal already)
                _finish(invitee, invitee.due, result_info("canceled", identity_set))
                return
            entry["isInLobby"] = False
        elif not resources.identity_ids(identity_set) & _roster_ids(call):
            entry = resources.invitee_participant(identity_set, invitee.info.get("endpointType") or "default", run.roster_kind)
            call.participants.append(entry)
            invitee.participant_id = entry["id"]
        _finish(invitee, invitee.due)
    elif invitee.result in ("decline", "no_answer", "busy"):
        if invitee.participant_id is not None:
            call.participants[:] = [entry for entry in call.participants if entry["id"] != invitee.participant_id]
            invitee.participant_id = None
        _finish(invitee, invitee.due, result_info(invitee.result, identity_set))
    elif invitee.result == "duplicate_failed":
        _finish(invitee, invitee.due, result_info("duplicate_failed", identity_set))
    else:  # duplicate, ignored: nothing changes for this identity
        _finish(invitee, invitee.due)


def _hold(call, run, invitee):
    """A phone answered into a meeting that makes dial-in callers wait: listed in the lobby until admitted (lobby.py).

    Config lobby_invite_operation: the invitee is done (operation completed) at once, or held (running) until admitted.
    """
    entry = _find_entry(call, invitee.participant_id) if invitee.participant_id is not None else None
    if entry is None:
        entry = resources.invitee_participant(invitee.info["identity"], invitee.info.get("endpointType") or "default", run.roster_kind, in_lobby=True)
        call.participants.append(entry)
        invitee.participant_id = entry["id"]
    entry["isInLobby"] = True
    invitee.held = True
    if call.phone_lobby == "completed":
        _finish(invitee, invitee.due)


def admit_held(call, participant_ids, now):
    """Those entries were admitted from the lobby: their held invites complete now."""
    for run in call.invite_runs.values():
        for invitee in run.invitees:
            if invitee.held and invitee.participant_id in participant_ids:
                invitee.held = False
                if not invitee.done:
                    _finish(invitee, now)
        _update_status(call, run)


def ringing_entries(call):
    """Participant ids of lobby entries still being rung (ringing_in_roster): not admissible."""
    return {invitee.participant_id for invitee in pending_invitees(call) if not invitee.held and invitee.participant_id}


def _update_status(call, run):
    operation = call.operations.get(run.operation_id)
    if operation is None or operation["status"] not in ACTIVE_STATUSES:
        return
    if not all(invitee.done for invitee in run.invitees):
        return
    failed = sorted((invitee for invitee in run.invitees if invitee.failure), key=lambda inv: (inv.done_at, inv.index))
    operation["status"] = "failed" if failed else "completed"
    operation["resultInfo"] = copy.deepcopy(failed[0].failure) if failed else None


def advance(call, now):
    """Apply every outcome of the call's operations that is due at ``now`` (``state.clock.now()``; caller holds the lock)."""
    due = [
        (invitee.due, run.seq, invitee.index, run, invitee)
        for run in call.invite_runs.values()
        for invitee in run.invitees
        if not invitee.done and not invitee.held and invitee.due <= now + RESOLUTION
    ]
    due.sort(key=lambda item: item[:3])
    for dummy, dummy2, dummy3, run, invitee in due:
        _settle(call, run, invitee)
    for run in call.invite_runs.values():
        _update_status(call, run)


def participants_removed(call, participant_ids, now):
    """Someone left (admin API) or was removed (DELETE .../participants/{id}) at ``now``: cancel the pending invite of a
    removed lobby entry (Graph: removing an invited participant cancels the outstanding add-participant request,
    Microsoft Graph docs: participant: delete)."""
    for run in call.invite_runs.values():
        for invitee in run.invitees:
            if not invitee.done and invitee.participant_id in participant_ids:
                invitee.participant_id = None
                _finish(invitee, now, result_info("canceled", invitee.info["identity"]))
        _update_status(call, run)


def pending_invitees(call, operation_id=None):
    """Invitees still ringing (not done) in the call's runs, or in the run of ``operation_id`` only."""
    runs = call.invite_runs.values() if operation_id is None else [call.invite_runs[operation_id]] if operation_id in call.invite_runs else []
    return [invitee for run in runs for invitee in run.invitees if not invitee.done]


def cancel_invitees(call, invitees, now, kind):
    """Fail ``invitees`` at ``now`` with the resultInfo ``kind`` (FAILURES), drop their lobby entries, update their operations."""
    gone = set()
    for invitee in invitees:
        if invitee.done:
            continue
        if invitee.participant_id is not None:
            gone.add(invitee.participant_id)
            invitee.participant_id = None
        _finish(invitee, now, result_info(kind, invitee.info["identity"]))
    if gone:
        call.participants[:] = [entry for entry in call.participants if entry["id"] not in gone]
    for run in call.invite_runs.values():
        _update_status(call, run)


def plan_targets(call, targets, config, t0):
    """The InviteRun of a created call's ``targets``: planned now like an invite at ``t0`` (when the call will be
    established), stored by the caller in ``Call.targets_run`` and started by ``start_run``. 409 under duplicate_invite: error."""
    invitees = _plan(call, copy.deepcopy(targets), config, t0)
    return InviteRun(new_guid(), len(call.invite_runs), t0, config["roster_kind"], invitees)


def start_run(call, run, ringing_in_roster):
    """Attach a run planned by ``plan_targets`` (not listed as an operation) and ring its invitees."""
    run.seq = len(call.invite_runs)
    call.invite_runs[run.operation_id] = run
    _ring(call, run, ringing_in_roster)


def render_operation(operation, config):
    """A copy of a stored operation as Graph answers it: ``status`` spelled per config status_case."""
    result = copy.deepcopy(operation)
    status = result.get("status")
    if isinstance(status, str) and config["status_case"] == "Running":
        result["status"] = status[:1].upper() + status[1:]
    return result


def is_finished(operation):
    """True once an operation is completed or failed."""
    return operation["status"] not in ACTIVE_STATUSES


def _plan(call, participants, config, now):
    """Decide every invitee's fate now; raise 409 for a duplicate under duplicate_invite: error."""
    busy = _roster_ids(call) | _ringing_ids(call)
    invitees = []
    for index, info in enumerate(participants):
        identity_set = info["identity"]
        ids = resources.identity_ids(identity_set)
        if ids & busy:
            mode = config["duplicate_invite"]
            if mode == "error":
                kind, identity = resources.primary_identity(identity_set)
                raise GraphError(
                    409,
                    "Conflict",
                    f"Participant {kind} '{identity['id']}' ('participants[{index}]') is already in the call "
                    "or is already being invited; the same identity can't be invited multiple times.",
                )
            invitees.append(Invitee(index, info, "duplicate" if mode == "ignored" else "duplicate_failed", now))
            continue
        busy |= ids
        outcome = outcome_for(config, identity_set)
        # A no_answer without "after" rings until Graph gives up on its own (config no_answer_after).
        after = outcome.get("after", config["no_answer_after"])
        invitees.append(Invitee(index, info, outcome["result"], now + after))
    return invitees


def _ring(call, run, ringing_in_roster):
    """t0: with ringing_in_roster, everyone who is rung is listed in the lobby until they answer or fail."""
    if not ringing_in_roster:
        return
    for invitee in run.invitees:
        if invitee.result in RINGING_RESULTS:
            entry = resources.invitee_participant(invitee.info["identity"], invitee.info.get("endpointType") or "default", run.roster_kind, in_lobby=True)
            call.participants.append(entry)
            invitee.participant_id = entry["id"]


def invite(state, call, body, version):
    """Validate, run and store an invite into ``call`` (loaded and advanced to now by lifecycle.load_call; the caller
    holds ``state.lock``); return ``(operation copy, Location URL)``."""
    validate_body(body, version)
    with state.lock:
        _check_call(call, body)
        now = state.clock.now()
        advance(call, now)
        config = state.config_for(call)
        participants = copy.deepcopy(body["participants"])
        invitees = _plan(call, participants, config, now)
        operation = {
            "@odata.type": "#microsoft.graph.inviteParticipantsOperation",
            "id": new_guid(),
            "status": "running",
            "clientContext": body.get("clientContext"),
            "participants": participants,
            "resultInfo": None,
        }
        run = InviteRun(operation["id"], len(call.invite_runs), now, config["roster_kind"], invitees)
        call.operations[operation["id"]] = operation
        call.invite_runs[operation["id"]] = run
        _ring(call, run, config["ringing_in_roster"])
        # The action's response always shows the operation running, as Graph documents.
        result = render_operation(operation, config)
        advance(call, now)
    location = f"{state.base_url}/{version}/{resources.call_path(call.id)}/operations/{quote(result['id'], safe='')}"
    return result, location

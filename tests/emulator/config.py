"""Behaviour switches of the emulator, set through ``POST /_emulator/config``.

Each key is declared once in ``SETTINGS`` with its default, a validator and a one-line
description, so a new switch (failure modes, operation lifecycles, ...) is one entry here
plus the code that reads ``state.config_for(call)[key]`` (``state.config[key]`` where no call is involved).
"""

import copy
import math
import re

from emulator.assertions import validate_certificates
from emulator.federation import validate_credentials
from emulator.notify_signing import SIGNING_MODES


def _positive_int(value):
    # bool is a subclass of int; ``true`` must not silently mean a page size of 1.
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError("must be an integer >= 1")
    return value


class Setting:  # pylint: disable=too-few-public-methods
    """One configuration key: default value, validator (returns the value or raises ValueError), doc."""

    def __init__(self, default, validator, description):
        self.default = default
        self.validator = validator
        self.description = description


SETTINGS = {
    "page_size": Setting(100, _positive_int, "Most participants per page of GET .../participants (then @odata.nextLink)."),
}


# --- Invite lifecycle and the UNCONFIRMED Graph behaviours (not documented by Microsoft) ---------
# Read by invite.py, graph_api.py and users_api.py; documented in docs/docsite/rst/guide_emulator.rst ("Config keys").

INVITE_RESULTS = ("answer", "decline", "no_answer", "busy")
DUPLICATE_INVITE_MODES = ("ignored", "error", "failed_operation")
LIST_OPERATIONS_MODES = ("supported", "running_only")
LIST_OPERATIONS_ERRORS = (400, 403, 404, 405, 501)
GET_OPERATION_MODES = ("supported", "404_when_finished", "unsupported")
STATUS_CASES = ("Running", "running")
ROSTER_KINDS = ("own", "application")


def _choice(*allowed):
    def check(value):
        if isinstance(value, bool) or value not in allowed:
            raise ValueError(f"must be one of {', '.join(repr(item) for item in allowed)}")
        return value

    return check


def _boolean(value):
    if not isinstance(value, bool):
        raise ValueError("must be true or false")
    return value


def _outcome(value):
    """{"result": answer|decline|no_answer, "after": seconds >= 0}; without "after": 0, but no_answer keeps none (no_answer_after)."""
    if not isinstance(value, dict):
        raise ValueError('must be an object {"result": "answer"|"decline"|"no_answer"|"busy", "after": seconds}')
    unknown = sorted(set(value) - {"result", "after"})
    if unknown:
        raise ValueError(f"unknown outcome key(s) {', '.join(unknown)}; only 'result' and 'after' exist")
    if value.get("result") not in INVITE_RESULTS:
        raise ValueError(f"'result' must be one of {', '.join(INVITE_RESULTS)}")
    if "after" not in value and value["result"] == "no_answer":
        # Nobody answers: the invite fails on its own after config no_answer_after (about 60 s in the field).
        return {"result": "no_answer"}
    after = value.get("after", 0)
    if isinstance(after, bool) or not isinstance(after, (int, float)) or not math.isfinite(after) or after < 0:
        raise ValueError("'after' must be a number of seconds >= 0")
    return {"result": value["result"], "after": after}


def _outcomes(value):
    """{identity id: outcome}; ids are matched case-insensitively, so two keys may not differ by case only."""
    if not isinstance(value, dict):
        raise ValueError("must be an object mapping identity ids to outcomes")
    checked, seen = {}, {}
    for key, outcome in value.items():
        if not key:
            raise ValueError("identity ids must be non-empty strings")
        if key.lower() in seen:
            raise ValueError(f"'{seen[key.lower()]}' and '{key}' name the same identity (ids compare case-insensitively)")
        seen[key.lower()] = key
        try:
            checked[key] = _outcome(outcome)
        except ValueError as exc:
            raise ValueError(f"outcome for '{key}': {exc}") from exc
    return checked


def _list_operations(value):
    if value in LIST_OPERATIONS_MODES or (isinstance(value, int) and not isinstance(value, bool) and value in LIST_OPERATIONS_ERRORS):
        return value
    raise ValueError(
        f"must be one of {', '.join(repr(item) for item in LIST_OPERATIONS_MODES)} or an HTTP status {', '.join(str(item) for item in LIST_OPERATIONS_ERRORS)}"
    )


SETTINGS.update(
    {
        "invite_outcome": Setting(
            {"result": "answer", "after": 0}, _outcome, "Default outcome of every invited identity: answer/decline/no_answer after N seconds."
        ),
        "invite_outcomes": Setting({}, _outcomes, "Per-identity outcomes keyed by identity id (case-insensitive); override invite_outcome."),
        "duplicate_invite": Setting(
            "ignored", _choice(*DUPLICATE_INVITE_MODES), "Inviting someone in the roster or already ringing: ignored, error (409) or failed_operation."
        ),
        "list_operations": Setting("supported", _list_operations, "GET .../operations: supported, running_only, or answered with HTTP 400/403/404/405/501."),
        "get_operation": Setting(
            "supported",
            _choice(*GET_OPERATION_MODES),
            "GET .../operations/{id}: supported, 404_when_finished (404 once completed/failed) or unsupported (always 404).",
        ),
        "status_case": Setting("Running", _choice(*STATUS_CASES), "Operation status spelling: Running (PascalCase) or running (camelCase)."),
        "roster_kind": Setting("own", _choice(*ROSTER_KINDS), "Invitees in the roster under their own identity kind, or under application."),
        "ringing_in_roster": Setting(False, _boolean, "Ringing invitees are listed in the roster with isInLobby: true."),
        "users_permission": Setting(True, _boolean, "GET /users/{id}: allowed (true) or 403 Authorization_RequestDenied (false)."),
    }
)


# --- Authentication methods (docs/docsite/rst/guide_emulator.rst "Authentication methods") ------
# Read by token_api.py / assertions.py (client_certificates), state.issue_token (token_lifetime)
# and managed_identity.py (managed_identities).

_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def _client_ids(value):
    if not isinstance(value, list) or not all(isinstance(item, str) and _GUID.match(item) for item in value):
        raise ValueError("must be a list of client ids (GUID strings)")
    return [item.lower() for item in value]


def _secrets(value):
    if value is not None and (not isinstance(value, list) or not value or not all(isinstance(item, str) and item for item in value)):
        raise ValueError("must be null (the default secret) or a non-empty list of secrets (strings)")
    return value


SETTINGS.update(
    {
        "token_lifetime": Setting(3599, _positive_int, "Seconds a newly issued access token lives (expires_in); Graph refuses it after."),
        "client_certificates": Setting(
            [], validate_certificates, "PEM certificates registered for the default app: client assertions signed by their keys are accepted."
        ),
        "managed_identities": Setting([], _client_ids, "Client ids of user-assigned managed identities (the system-assigned one always exists)."),
        "federated_credentials": Setting(
            [], validate_credentials, "Federated credentials of the default app ({issuer, subject, audiences}): the tokens they match are client assertions."
        ),
        "client_secrets": Setting(None, _secrets, "The client secrets the default app accepts (a rotation replaces them); null is its one default secret."),
    }
)

# --- Calls the bot creates or joins, hang-up, participant removal, online meetings ---------------
# Read by lifecycle.py, calls_api.py and meetings_api.py; each models an UNCONFIRMED point (numbered as in the list
# of them in docs/docsite/rst/guide_emulator.rst) or a documented rule with a test-sized knob (guide_emulator.rst "Config keys").

CALLBACK_URI_MODES = ("required", "optional")
UNKNOWN_MEETING_MODES = ("terminate", "join")
SHORT_URL_PASSCODE_MODES = ("accepted", "rejected")
JOIN_MEETING_ID_TENANT_MODES = ("optional", "required")
CALLBACK_DELIVERY_MODES = ("ignored", "terminate_call")
JOIN_TWICE_MODES = ("second_call", "replace", "error")
ENDED_CALLS_MODES = ("404", "visible")
STATUS_404_204 = ("404", "204")
GROUP_CALL_ON_HANGUP_MODES = ("continues", "ends")
CANCEL_INVITE_BY_MODES = ("roster_entry", "operation_id", "none")
MEETING_USER_UPN_MODES = ("accepted", "rejected")
ACCESS_POLICY_ERROR_STATUSES = (403, 401, 400)


def _seconds(minimum_exclusive=False):
    """A finite number of seconds >= 0 (> 0 when ``minimum_exclusive``)."""

    def check(value):
        number = not isinstance(value, bool) and isinstance(value, (int, float)) and math.isfinite(value)
        if not number or value < 0 or (minimum_exclusive and value == 0):
            raise ValueError("must be a finite number of seconds " + ("> 0" if minimum_exclusive else ">= 0"))
        return value

    return check


def _status_choice(*allowed):
    """One of the HTTP statuses ``allowed`` (strings), also given as an integer; stored as the string."""

    def check(value):
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if value not in allowed:
            raise ValueError(f"must be one of {', '.join(repr(item) for item in allowed)}")
        return value

    return check


def _access_policy(value):
    """ "global", or the object ids (GUIDs) of the users the application access policy is granted to."""
    if value == "global":
        return value
    if not isinstance(value, list) or not all(isinstance(item, str) and _GUID.match(item) for item in value):
        raise ValueError("must be \"global\" or a list of user object ids (GUID strings)")
    return [item.lower() for item in value]


def _http_status(*allowed):
    def check(value):
        if isinstance(value, bool) or value not in allowed:
            raise ValueError(f"must be one of the integers {', '.join(str(item) for item in allowed)}")
        return value

    return check


SETTINGS.update(
    {
        "call_establish_after": Setting(2, _seconds(), "Seconds a call created by POST /communications/calls stays establishing."),
        "keep_alive_timeout": Setting(
            2700, _seconds(minimum_exclusive=True), "Seconds without a keepAlive (or since creation) after which a call ends with 408/8537."
        ),
        "callback_uri": Setting("required", _choice(*CALLBACK_URI_MODES), "A create-call body without callbackUri: 400 (required) or accepted."),
        "callback_delivery": Setting(
            "ignored",
            _choice(*CALLBACK_DELIVERY_MODES),
            "Callbacks are never sent: ignored, or terminate_call (the call ends 500/8510 instead of establishing).",
        ),
        "unknown_meeting": Setting(
            "terminate",
            _choice(*UNKNOWN_MEETING_MODES),
            "Joining a meeting the emulator does not know: terminated 400/2203, or join (the meeting is invented).",
        ),
        "short_url_passcode": Setting(
            "accepted",
            _choice(*SHORT_URL_PASSCODE_MODES),
            "joinMeetingId joins carrying a passcode: accepted when it matches, or rejected (terminated 403/2206).",
        ),
        "join_meeting_id_tenant": Setting(
            "optional", _choice(*JOIN_MEETING_ID_TENANT_MODES), "A joinMeetingIdMeetingInfo join without top-level tenantId: accepted, or 400 (required)."
        ),
        "join_twice": Setting(
            "second_call", _choice(*JOIN_TWICE_MODES), "The app joins a meeting it is already in: a second call, replace (the first ends 200/5000) or 409."
        ),
        "ended_calls": Setting(
            "404", _status_choice(*ENDED_CALLS_MODES), "Graph requests to an ended call: 404 code 9997, or visible (GET shows it terminated with resultInfo)."
        ),
        "delete_ended_call": Setting("404", _status_choice(*STATUS_404_204), "DELETE on an ended call: 404, or 204 changing nothing."),
        "group_call_on_hangup": Setting(
            "continues",
            _choice(*GROUP_CALL_ON_HANGUP_MODES),
            "After the bot hangs up a group call it created with targets: the others stay (admin view), or it ends.",
        ),
        "remove_participant_permission": Setting(
            True, _boolean, "DELETE .../participants/{id}: allowed, or 403 (no -AllowRemoveParticipantAppIds for the app)."
        ),
        "delete_missing_participant": Setting(
            "404", _status_choice(*STATUS_404_204), "DELETE .../participants/{id} of nobody in the roster: 404 itemNotFound, or 204."
        ),
        "cancel_invite_by": Setting(
            "roster_entry",
            _choice(*CANCEL_INVITE_BY_MODES),
            "Which DELETE .../participants/{id} cancels a ringing invite: its lobby entry, also its operation id, or none.",
        ),
        "meeting_user_upn": Setting(
            "accepted", _choice(*MEETING_USER_UPN_MODES), "/users/{userId}/onlineMeetings with a userPrincipalName as userId: accepted, or 404."
        ),
        "meeting_access_policy": Setting("global", _access_policy, "Users the application access policy is granted to: global, or a list of user object ids."),
        "access_policy_error_status": Setting(
            403, _http_status(*ACCESS_POLICY_ERROR_STATUSES), "HTTP status of the access-policy refusal (code Unauthorized): 403, 401 or 400."
        ),
        "create_or_get_updates": Setting(False, _boolean, "createOrGet of an existing meeting with another subject/times: ignored, or updates it."),
    }
)


# --- The lobby, and the invite answer's forms (field reports; docs/docsite/rst/guide_emulator.rst "The lobby") ----
# Read by meetings_api.py (meeting_lobby), lobby.py (bot_lobby, bot_lobby_timeout, lobby_invite_operation),
# invite.py (no_answer_after) and graph_api.py (invite_status, invite_location, invite_answer).

LOBBY_SCOPES = ("organizer", "organization", "organizationAndFederated", "everyone", "invited", "organizationExcludingGuests")
BOT_LOBBY_MODES = ("establishing", "established", "terminate")
LOBBY_INVITE_OPERATION_MODES = ("completed", "running")
INVITE_LOCATION_MODES = ("absolute", "relative", "absolute_app", "relative_app", "none")
INVITE_ANSWER_MODES = ("operation", "without_id", "empty")


def lobby_settings(value, where="lobbyBypassSettings"):
    """A lobbyBypassSettings object: {"scope": one of LOBBY_SCOPES, "isDialInBypassEnabled": bool}, both required."""
    if not isinstance(value, dict) or set(value) - {"@odata.type", "scope", "isDialInBypassEnabled"}:
        raise ValueError(f"'{where}' must be an object with 'scope' and 'isDialInBypassEnabled' only")
    if value.get("scope") not in LOBBY_SCOPES:
        raise ValueError(f"'{where}.scope' must be one of {', '.join(LOBBY_SCOPES)}")
    if not isinstance(value.get("isDialInBypassEnabled"), bool):
        raise ValueError(f"'{where}.isDialInBypassEnabled' must be true or false")
    return {"scope": value["scope"], "isDialInBypassEnabled": value["isDialInBypassEnabled"]}


# --- Call notifications to the callbackUri (notifier.py, notify_signing.py) ----------------
# Off by default: calls seeded or created by tests name callback URIs nobody listens on.

NOTIFICATION_DROP_KINDS = ("all", "call_state", "participants", "invite")
NOTIFICATION_ROSTER_MODES = ("full", "delta")


def _drop_kinds(value):
    if not isinstance(value, list) or any(isinstance(item, bool) or item not in NOTIFICATION_DROP_KINDS for item in value):
        raise ValueError(f"must be a list of {', '.join(repr(item) for item in NOTIFICATION_DROP_KINDS)}")
    return list(value)


SETTINGS.update(
    {
        "meeting_lobby": Setting(
            {"scope": "organization", "isDialInBypassEnabled": False},
            lobby_settings,
            "lobbyBypassSettings of a meeting createOrGet creates (the tenant default; Graph's own example shows this one).",
        ),
        "bot_lobby": Setting(
            "establishing",
            _choice(*BOT_LOBBY_MODES),
            "A bot joining a meeting whose lobby holds it: stays establishing, or established, its own roster entry isInLobby: "
            "true; or terminate (establishing, no lobby flag, then terminated 200/5855 after bot_lobby_timeout).",
        ),
        "bot_lobby_timeout": Setting(30, _seconds(), "Seconds a bot held in the lobby waits before its call ends (bot_lobby: terminate)."),
        "lobby_invite_operation": Setting(
            "completed",
            _choice(*LOBBY_INVITE_OPERATION_MODES),
            "An invitee who answers into a meeting's lobby: the invite operation completed at once, or running until admitted.",
        ),
        "no_answer_after": Setting(60, _seconds(), "Seconds an invite rings before it fails as not answered, for a no_answer outcome without 'after'."),
        "invite_status": Setting(200, _http_status(200, 202), "HTTP status of a successful invite: 200 or 202 (both carry the operation)."),
        "invite_location": Setting(
            "absolute",
            _choice(*INVITE_LOCATION_MODES),
            "The invite answer's Location: absolute or relative URL, of .../communications/calls/... or of .../app/calls/..., or none at all.",
        ),
        "invite_answer": Setting(
            "operation",
            _choice(*INVITE_ANSWER_MODES),
            "The invite answer's body: the operation, the operation with \"id\": null (as notifications show it), or empty.",
        ),
        "notifications": Setting(False, _boolean, "POST signed call notifications to every call's callbackUri (state, roster, finished invites)."),
        "notification_signing": Setting(
            "valid", _choice(*SIGNING_MODES), "How they are signed: valid, rotated_key, or one wrong way (bad_signature, expired, no_tenant, ...)."
        ),
        "notification_drop": Setting([], _drop_kinds, "Notification kinds never sent: call_state, participants, invite, or all."),
        "notification_delay": Setting(0, _seconds(), "Seconds (emulator clock) each notification waits before it is sent."),
        "notification_duplicate": Setting(False, _boolean, "Every notification POST is sent twice."),
        "notification_reorder": Setting(False, _boolean, "A call's notification POSTs go out pairwise swapped (each held until the next, or the end)."),
        "notification_roster": Setting(
            "full", _choice(*NOTIFICATION_ROSTER_MODES), "Roster changes as the whole roster (updated) or who came and went (created/deleted)."
        ),
    }
)


def defaults():
    """A fresh config dict holding every key at its default (deep copies: defaults may be dicts)."""
    return {key: copy.deepcopy(setting.default) for key, setting in SETTINGS.items()}


def validate(changes):
    """Check a partial config; return it normalised or raise ValueError naming the bad key."""
    if not isinstance(changes, dict):
        raise ValueError("The config body must be a JSON object of setting names to values.")
    checked = {}
    for key, value in changes.items():
        setting = SETTINGS.get(key)
        if setting is None:
            raise ValueError(f"Unknown config key '{key}'. Known keys: {', '.join(sorted(SETTINGS))}.")
        try:
            checked[key] = setting.validator(value)
        except ValueError as exc:
            raise ValueError(f"Invalid value for config key '{key}': {exc} (got {value!r}).") from exc
    return checked

"""The /_emulator/ admin API: seed calls and meetings, inspect state and the request log, reset, configure, faults, clock.

No token is needed, so it answers loopback clients only (403 otherwise), and its requests
are not written to the request log (tests assert on what the module sent, not on setup).
"""

import copy
import ipaddress

from emulator import config as config_mod
from emulator import federation
from emulator import invite as invite_mod
from emulator import lifecycle, lobby, meetings_api, resources, users_api
from emulator.errors import GraphError
from emulator.messages import Response
from emulator.notify_signing import Signer
from emulator.routing import Router
from emulator.state import CALL_STATES, Call, new_guid

CREATE_CALL_KEYS = ("participants", "group", "state", "id", "chat_info", "callback_uri", "config")
DEFAULT_CALLBACK_URI = "https://bot.contoso.com/api/calls"


def is_loopback(host):
    """True for 127.0.0.0/8, ::1 and IPv4-mapped loopback (::ffff:127.0.0.1); False otherwise."""
    try:
        address = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return (mapped or address).is_loopback


def _bad(message):
    return GraphError(400, "BadRequest", message)


def _json_object(req):
    if not req.body.strip():
        return {}
    body = req.json()
    if not isinstance(body, dict):
        raise _bad("The request body must be a JSON object.")
    return body


def _call_view(call, state):
    """The call as Graph's GET returns it, plus the roster, operations and its lifecycle (caller holds the lock).

    Like every Graph read, it first advances the call (lifecycle.py, its invite operations) to now;
    operation statuses are spelled per config status_case. Ended calls are shown too. Times are
    the clock's ``now`` values (GET /_emulator/clock).
    """
    lifecycle.advance(state, call, state.clock.now())
    view = resources.call_resource(call, state)
    view["participants"] = copy.deepcopy(call.participants)
    view["operations"] = [invite_mod.render_operation(operation, state.config_for(call)) for operation in call.operations.values()]
    view.update(
        {
            "origin": call.origin,
            "result_info": copy.deepcopy(call.result_info),
            "end_reason": call.end_reason,
            "created_at": call.created_at,
            "establish_at": call.establish_at,
            "last_keep_alive": call.last_keep_alive,
            "keep_alive_count": call.keep_alive_count,
            "keep_alive_deadline": lifecycle.keep_alive_deadline(call, state.config_for(call)),
            "ended_at": call.ended_at,
            "meeting_id": call.meeting_id,
            "joined_by": call.joined_by,
            "bot_in_lobby": call.bot_in_lobby,
            "lobby_end_at": call.lobby_end_at,
            # The call's own config keys (over the global config for requests on this call).
            "config": dict(call.config),
        }
    )
    return view


def _new_call(state, body):
    for key in body:
        if key not in CREATE_CALL_KEYS:
            raise _bad(f"Unknown key '{key}'. Known keys: {', '.join(CREATE_CALL_KEYS)}.")
    participants = body.get("participants", [])
    if not isinstance(participants, list):
        raise _bad("'participants' must be a list of identitySet objects.")
    for index, identity_set in enumerate(participants):
        resources.check_identity_set(identity_set, f"participants[{index}]")
    group = body.get("group", True)
    call_state = body.get("state", "established")
    call_id = body.get("id") or new_guid()
    chat_info = body.get("chat_info")
    callback_uri = body.get("callback_uri", DEFAULT_CALLBACK_URI)
    if not isinstance(group, bool):
        raise _bad("'group' must be a boolean.")
    if call_state not in CALL_STATES:
        raise _bad(f"'state' must be one of {', '.join(CALL_STATES)}; got {call_state!r}.")
    if not isinstance(call_id, str):
        raise _bad("'id' must be a non-empty string.")
    if chat_info is not None and not isinstance(chat_info, dict):
        raise _bad("'chat_info' must be an object (threadId, messageId, replyChainMessageId).")
    if not isinstance(callback_uri, str):
        raise _bad("'callback_uri' must be a string.")
    own_config = _call_config(body.get("config", {}))
    if group:
        chat_info = {**resources.default_chat_info(), **(chat_info or {})}
    bot = resources.participant(resources.bot_identity_set(state.app))
    now = state.clock.now()
    call = Call(
        id=call_id,
        group=group,
        state=call_state,
        chat_info=chat_info if group else None,
        callback_uri=callback_uri,
        my_participant_id=bot["id"],
        created_at=now,
        last_keep_alive=now,
    )
    call.participants = [bot] + [resources.participant(identity_set) for identity_set in participants]
    call.config = own_config
    return call


def _call_config(changes):
    """A call's own config keys (validated like POST /_emulator/config), answered for requests on that call only."""
    try:
        return config_mod.validate(changes)
    except ValueError as exc:
        raise _bad(f"'config': {exc}") from exc


def new_seeded_call(state, body):
    """Add the call an admin body describes (POST /_emulator/calls, or --seed); return it. 409 when its id is taken."""
    call = _new_call(state, body)
    if not state.add_call(call):
        raise GraphError(409, "Conflict", f"A call with id '{call.id}' already exists.")
    return call


def create_call(req, state):
    """POST /_emulator/calls"""
    call = new_seeded_call(state, _json_object(req))
    with state.lock:
        return Response(201, _call_view(call, state))


def list_calls(req, state):  # pylint: disable=unused-argument
    """GET /_emulator/calls"""
    with state.lock:
        return Response(200, {"value": [_call_view(call, state) for call in state.calls.values()]})


def get_call(req, state, call_id):  # pylint: disable=unused-argument
    """GET /_emulator/calls/{id}"""
    with state.lock:
        call = state.get_call(call_id)
        if call is None:
            raise GraphError(404, "itemNotFound", "Call not found.")
        return Response(200, _call_view(call, state))


def request_log(req, state):  # pylint: disable=unused-argument
    """GET /_emulator/requests"""
    return Response(200, state.requests())


def reset(req, state):
    """POST /_emulator/reset; body {"tokens": true} also forgets issued tokens."""
    body = _json_object(req)
    tokens = body.get("tokens", False)
    if set(body) - {"tokens"} or not isinstance(tokens, bool):
        raise _bad("The reset body may only hold {\"tokens\": true|false}.")
    state.reset(tokens=tokens)
    return Response(200, {"reset": True, "tokens_cleared": tokens, "config": state.get_config()})


def get_config(req, state):  # pylint: disable=unused-argument
    """GET /_emulator/config"""
    return Response(200, state.get_config())


def set_config(req, state):
    """POST /_emulator/config: merge keys, return the full config."""
    try:
        return Response(200, state.update_config(req.json()))
    except ValueError as exc:
        raise _bad(str(exc)) from exc


def info(req, state):  # pylint: disable=unused-argument
    """GET /_emulator/info: the same object as the first stdout line."""
    return Response(200, dict(state.info))


# --- fault injection (rules and matching live in faults.py) -----------------------------------


def _with_held(rules, state):
    """The rules, each hold rule with ``held``: how many requests it keeps waiting right now (tests wait for it)."""
    counts = state.holds.counts()
    for rule in rules:
        if rule["action"] == "hold":
            rule["held"] = counts.get(rule["id"], 0)
    return {"rules": rules}


def list_faults(req, state):  # pylint: disable=unused-argument
    """GET /_emulator/faults: every rule with its remaining count."""
    return Response(200, _with_held(state.faults.list(), state))


def add_faults(req, state):
    """POST /_emulator/faults {"rules": [...]}: append (all-or-nothing), return the full list."""
    body = _json_object(req)
    if set(body) != {"rules"}:
        raise _bad('The faults body must be {"rules": [rule, ...]}.')
    try:
        return Response(200, _with_held(state.faults.add(body["rules"]), state))
    except ValueError as exc:
        raise _bad(str(exc)) from exc


def clear_faults(req, state):  # pylint: disable=unused-argument
    """DELETE /_emulator/faults: drop every rule; held requests are answered 503 without being performed."""
    state.clear_faults()
    return Response(200, {"rules": []})


def release_held(req, state):  # pylint: disable=unused-argument
    """POST /_emulator/faults/release: perform every held request now (in arrival order), then answer."""
    return Response(200, {"released": state.holds.release_all()})


# --- the clock (clock.py): real, or manual and driven by tests --------------------------------

CLOCK_KEYS = ("mode", "advance", "tick")


def get_clock(req, state):  # pylint: disable=unused-argument
    """GET /_emulator/clock: {"mode", "now", "time", "tick"}."""
    return Response(200, state.clock.view())


def set_clock(req, state):
    """POST /_emulator/clock {"mode"?, "advance"?, "tick"?}: mode first, then tick, then advance (all-or-nothing)."""
    body = _json_object(req)
    for key, value in body.items():
        if key not in CLOCK_KEYS:
            raise _bad(f"Unknown clock key '{key}'. Known keys: {', '.join(CLOCK_KEYS)}.")
        if value is None:
            raise _bad(f"'{key}' must not be null.")
    try:
        state.clock.update(**body)
    except ValueError as exc:
        raise _bad(str(exc)) from exc
    if "advance" in body:
        # Apply what became due now (calls ending, invitees answering), so every view (and the next request) starts from it.
        with state.lock:
            lifecycle.advance_all(state)
    return Response(200, state.clock.view())


# --- call state, people leaving, directory users (docs/docsite/rst/guide_emulator.rst "Admin API") ---


def patch_call(req, state, call_id):
    """PATCH /_emulator/calls/{id} {"state": "...", "config": {...}}: change the call's state (e.g. terminated), merge
    keys into its own config (e.g. for a call created by POST /communications/calls); either or both."""
    body = _json_object(req)
    if not body or set(body) - {"state", "config"}:
        raise _bad('The body must be {"state": "<call state>", "config": {<keys>}}, either or both; nothing else can be changed.')
    if "state" not in body:
        own_config = _call_config(body["config"])
        with state.lock:
            call = lifecycle.load_any(state, call_id)
            call.config.update(own_config)
            return Response(200, _call_view(call, state))
    own_config = _call_config(body.get("config", {}))
    if body["state"] not in CALL_STATES:
        raise _bad(f"'state' must be one of {', '.join(CALL_STATES)}; got {body['state']!r}.")
    with state.lock:
        call = lifecycle.load_any(state, call_id)
        if call.ended:
            raise GraphError(409, "Conflict", f"The call ended ({call.end_reason}); its state can no longer change.")
        # The admin's state replaces a pending establishment (and the targets that would have rung then).
        call.establish_at, call.establish_failure, call.targets_run = None, None, None
        call.state = body["state"]
        call.config.update(own_config)
        return Response(200, _call_view(call, state))


def _remove(state, call, removed):
    """Drop roster entries (never the bot), cancel their pending invites; answer with what went and the call."""
    if call.my_participant_id in {entry["id"] for entry in removed}:
        raise _bad("The bot's own participant cannot leave; PATCH the call's state to 'terminated' instead.")
    gone = {entry["id"] for entry in removed}
    call.participants[:] = [entry for entry in call.participants if entry["id"] not in gone]
    invite_mod.participants_removed(call, gone, state.clock.now())
    return Response(200, {"removed": copy.deepcopy(removed), "call": _call_view(call, state)})


def remove_participant(req, state, call_id, participant_id):  # pylint: disable=unused-argument
    """DELETE /_emulator/calls/{id}/participants/{participantId}: that participant left the call."""
    with state.lock:
        call = lifecycle.load_any(state, call_id)
        removed = [entry for entry in call.participants if entry["id"] == participant_id]
        if not removed:
            raise GraphError(404, "itemNotFound", "Participant not found.")
        return _remove(state, call, removed)


def leave(req, state, call_id):
    """POST /_emulator/calls/{id}/leave {"id": "<identity id>"}: whoever has that identity id (any kind) left."""
    body = _json_object(req)
    if set(body) != {"id"} or not isinstance(body["id"], str) or not body["id"]:
        raise _bad('The body must be {"id": "<identity id>"}.')
    with state.lock:
        call = lifecycle.load_any(state, call_id)
        wanted = body["id"].lower()
        removed = [entry for entry in call.participants if wanted in resources.identity_ids(entry["info"]["identity"])]
        if not removed:
            raise GraphError(404, "itemNotFound", f"No participant with identity id '{body['id']}' in the call.")
        return _remove(state, call, removed)


def admit(req, state, call_id):
    """POST /_emulator/calls/{id}/admit {"id"?: "<identity id>"}: someone in the meeting admits whoever waits in the
    lobby with that identity id (the bot by its app id), or everyone waiting without "id"."""
    body = _json_object(req)
    if set(body) - {"id"} or ("id" in body and (not isinstance(body["id"], str) or not body["id"])):
        raise _bad('The body must be {} (everyone waiting) or {"id": "<identity id>"}.')
    with state.lock:
        call = lifecycle.load_any(state, call_id)
        if not lifecycle.is_alive(call):
            raise GraphError(409, "Conflict", f"The call ended ({call.end_reason}); nobody can be admitted.")
        admitted = lobby.admit(state, call, body.get("id"), lambda admitted_call: lifecycle.enter(state, admitted_call))
        if "id" in body and not admitted:
            raise GraphError(404, "itemNotFound", f"Nobody with identity id '{body['id']}' is waiting in the lobby.")
        return Response(200, {"admitted": copy.deepcopy(admitted), "call": _call_view(call, state)})


def add_user(req, state):
    """POST /_emulator/users {"id", "userPrincipalName", "displayName", "mail"?}: register a directory user."""
    return Response(201, users_api.add_user(state, _json_object(req)))


def list_users(req, state):  # pylint: disable=unused-argument
    """GET /_emulator/users"""
    with state.lock:
        return Response(200, {"value": copy.deepcopy(list(state.users.values()))})


# --- online meetings (meetings_api.py) -------------------------------------------------------------


def add_meeting(req, state):
    """POST /_emulator/meetings {"organizer", "subject"?, "external_id"?, "thread_id"?, "join_meeting_id"?, "passcode"?,
    "participants"?}: a meeting calls can join without createOrGet."""
    return Response(201, meetings_api.seed(state, _json_object(req)))


def list_meetings(req, state):  # pylint: disable=unused-argument
    """GET /_emulator/meetings"""
    with state.lock:
        return Response(200, {"value": [meetings_api.admin_view(state, meeting) for meeting in state.meetings.values()]})


def get_meeting(req, state, meeting_id):  # pylint: disable=unused-argument
    """GET /_emulator/meetings/{id}"""
    with state.lock:
        meeting = state.meetings.get(meeting_id)
        if meeting is None:
            raise GraphError(404, "itemNotFound", "Meeting not found.")
        return Response(200, meetings_api.admin_view(state, meeting))


# --- call notifications (notifier.py): the test issuer's OpenID document and keys, and what was sent ---


def notification_log(req, state):  # pylint: disable=unused-argument
    """GET /_emulator/notifications: every notification POST (status or error) and every dropped item, oldest first;
    ``pending`` (POSTs waiting for their delay or a reorder partner) and ``sweeps`` (how often changes were looked for)."""
    if state.notifier is None:
        return Response(200, {"notifications": [], "pending": 0, "sweeps": 0})
    return Response(200, {"notifications": state.notifier.log(), **state.notifier.counts()})


def notification_openid(req, state):  # pylint: disable=unused-argument
    """GET /_emulator/notifications/openid-configuration: the test issuer's OpenID document (jwks_uri)."""
    return Response(200, Signer.openid_document(state.base_url))


def notification_keys(req, state):  # pylint: disable=unused-argument
    """GET /_emulator/notifications/keys: the JWKS (with the rotated key under notification_signing: rotated_key)."""
    signer = state.notifier.signer if state.notifier else Signer()
    return Response(200, signer.jwks(state.get_config()["notification_signing"]))


# --- workload identity federation (federation.py): the test OIDC issuer -----------------------------------------


def oidc_configuration(req, state):  # pylint: disable=unused-argument
    """GET /_emulator/oidc/.well-known/openid-configuration: the test issuer's OpenID document."""
    return Response(200, federation.openid_configuration(state))


def oidc_keys(req, state):  # pylint: disable=unused-argument
    """GET /_emulator/oidc/keys: the test issuer's JWKS."""
    return Response(200, federation.jwks(state))


def oidc_token(req, state):
    """POST /_emulator/oidc/token {"subject", "audience"?, "issuer"?, "lifetime"?, "not_before"?, "signature"?}: a token of
    the test issuer, as a CI job or a pod gets one from its platform."""
    try:
        return Response(200, federation.mint(state, _json_object(req)))
    except ValueError as exc:
        raise _bad(str(exc)) from exc


ROUTER = Router(
    [
        ("GET", "info", info),
        ("GET", "calls", list_calls),
        ("POST", "calls", create_call),
        ("GET", "calls/{}", get_call),
        ("PATCH", "calls/{}", patch_call),
        ("DELETE", "calls/{}/participants/{}", remove_participant),
        ("POST", "calls/{}/leave", leave),
        ("POST", "calls/{}/admit", admit),
        ("GET", "users", list_users),
        ("POST", "users", add_user),
        ("GET", "meetings", list_meetings),
        ("POST", "meetings", add_meeting),
        ("GET", "meetings/{}", get_meeting),
        ("GET", "requests", request_log),
        ("POST", "reset", reset),
        ("GET", "config", get_config),
        ("POST", "config", set_config),
        ("GET", "faults", list_faults),
        ("POST", "faults", add_faults),
        ("DELETE", "faults", clear_faults),
        ("POST", "faults/release", release_held),
        ("GET", "clock", get_clock),
        ("POST", "clock", set_clock),
        ("GET", "notifications", notification_log),
        ("GET", "notifications/openid-configuration", notification_openid),
        ("GET", "notifications/keys", notification_keys),
        ("GET", "oidc/.well-known/openid-configuration", oidc_configuration),
        ("GET", "oidc/keys", oidc_keys),
        ("POST", "oidc/token", oidc_token),
    ]
)


def handle(req, state):
    """Serve an admin request (first segment is ``_emulator``)."""
    if not is_loopback(req.client_host):
        raise GraphError(403, "Forbidden", "The emulator admin API answers loopback clients only.")
    func, captures, allowed = ROUTER.match(req.method, req.segments[1:])
    if func is None:
        if allowed:
            raise GraphError(405, "BadRequest", "Specified HTTP method is not allowed for the request target.", {"Allow": ", ".join(allowed)})
        raise GraphError(404, "UnknownError", f"No admin route '{req.raw_path}'.")
    return func(req, state, *captures)

"""The /_emulator/ admin API: seed calls, inspect state and the request log, reset, configure.

No token is needed, so it answers loopback clients only (403 otherwise), and its requests
are not written to the request log (tests assert on what the module sent, not on setup).
"""

import copy
import ipaddress

from emulator import resources
from emulator.errors import GraphError
from emulator.messages import Response
from emulator.routing import Router
from emulator.state import CALL_STATES, Call, new_guid

CREATE_CALL_KEYS = ("participants", "group", "state", "id", "chat_info", "callback_uri")
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
    """The call as Graph's GET returns it, plus the roster and operations (caller holds the lock)."""
    view = resources.call_resource(call, state)
    view["participants"] = copy.deepcopy(call.participants)
    view["operations"] = copy.deepcopy(list(call.operations.values()))
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
    if group:
        chat_info = {**resources.default_chat_info(), **(chat_info or {})}
    bot = resources.participant(resources.bot_identity_set(state.app))
    call = Call(id=call_id, group=group, state=call_state, chat_info=chat_info if group else None,
                callback_uri=callback_uri, my_participant_id=bot["id"])
    call.participants = [bot] + [resources.participant(identity_set) for identity_set in participants]
    return call


def create_call(req, state):
    """POST /_emulator/calls"""
    call = _new_call(state, _json_object(req))
    if not state.add_call(call):
        raise GraphError(409, "Conflict", f"A call with id '{call.id}' already exists.")
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


ROUTER = Router([
    ("GET", "info", info),
    ("GET", "calls", list_calls),
    ("POST", "calls", create_call),
    ("GET", "calls/{}", get_call),
    ("GET", "requests", request_log),
    ("POST", "reset", reset),
    ("GET", "config", get_config),
    ("POST", "config", set_config),
])


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

"""Graph routes under /v1.0 and /beta: calls (create, keepAlive, hang up: calls_api.py), participants (paged, removal),
invite, operations (paged), users, online meetings (createOrGet, GET, PATCH: meetings_api.py)."""

import copy

from emulator import calls_api
from emulator import invite as invite_mod
from emulator import lifecycle, meetings_api, resources, users_api
from emulator.errors import GraphError
from emulator.messages import Response
from emulator.routing import Router

VERSIONS = {"v1.0": "v1.0", "beta": "beta"}
P2P_REFUSAL = resources.P2P_REFUSAL


def _group_call(state, call_id):
    """The call, refusing peer-to-peer calls as Graph documents for roster reads."""
    call = lifecycle.load_call(state, call_id)
    if not call.group:
        raise GraphError(400, "BadRequest", P2P_REFUSAL)
    return call


def _page(req, state, version, call_id, collection, items):
    """One page of a call's collection, paged by config page_size with $skiptoken offsets and an absolute nextLink."""
    token = req.query.get("$skiptoken", "0")
    if not isinstance(token, str) or not token.isdigit():
        raise GraphError(400, "BadRequest", f"Invalid $skiptoken value: {token!r}.")
    start, size = int(token), state.config_for(call_id)["page_size"]
    body = {
        "@odata.context": f"{state.base_url}/{version}/$metadata#communications/calls('{call_id}')/{collection}",
        "value": items[start : start + size],
    }
    if start + size < len(items):
        body["@odata.nextLink"] = f"{state.base_url}/{version}/{resources.call_path(call_id)}/{collection}?$skiptoken={start + size}"
    return body


def get_call(req, state, version, call_id):  # pylint: disable=unused-argument
    """GET /communications/calls/{id}"""
    with state.lock:
        return Response(200, resources.call_resource(lifecycle.load_call(state, call_id), state, version))


def list_participants(req, state, version, call_id):
    """GET /communications/calls/{id}/participants, paged by config page_size with $skiptoken offsets."""
    with state.lock:
        roster = copy.deepcopy(_group_call(state, call_id).participants)
    return Response(200, _page(req, state, version, call_id, "participants", roster))


def get_participant(req, state, version, call_id, participant_id):  # pylint: disable=unused-argument
    """GET /communications/calls/{id}/participants/{participantId}"""
    with state.lock:
        for entry in _group_call(state, call_id).participants:
            if entry["id"] == participant_id:
                body = copy.deepcopy(entry)
                body["@odata.context"] = f"{state.base_url}/{version}/$metadata#communications/calls('{call_id}')/participants/$entity"
                return Response(200, body)
    raise GraphError(404, "itemNotFound", "Participant not found.")


def invite(req, state, version, call_id):
    """POST /communications/calls/{id}/participants/invite"""
    if req.media_type() != "application/json":
        raise GraphError(415, "UnsupportedMediaType", "Content-Type must be application/json.")
    body = req.json()
    invite_mod.validate_body(body, version)
    with state.lock:
        call = lifecycle.load_call(state, call_id)
        operation, location = invite_mod.invite(state, call, body, version)
        config = state.config_for(call)
    headers = {} if config["invite_location"] == "none" else {"Location": _invite_location(location, state, version, config["invite_location"])}
    return Response(config["invite_status"], _invite_answer(operation, config["invite_answer"]), headers)


def _invite_answer(operation, mode):
    """The invite answer's body (config invite_answer): Graph's examples carry the operation with its id; its
    notifications show operations with "id": null, and an old revision of the docs answered 202 with no body."""
    if mode == "empty":
        return None
    return dict(operation, id=None) if mode == "without_id" else operation


def _invite_location(absolute, state, version, mode):
    """The invite answer's Location (config invite_location): Graph's documents showed it absolute and relative,
    under ``/communications/calls/`` and under ``/app/calls/`` (old beta revisions of participant: invite)."""
    path = absolute[len(f"{state.base_url}/{version}") :]
    if mode.endswith("_app"):
        path = path.replace("/communications/calls/", "/app/calls/", 1)
    return path if mode.startswith("relative") else f"{state.base_url}/{version}{path}"


# config list_operations as an HTTP status -> the error GET .../operations answers (whether or not the call exists).
LIST_OPERATIONS_ERRORS = {
    400: ("BadRequest", "Resource not found for the segment 'operations'.", {}),
    403: ("accessDenied", "The application does not have permission to list the operations of this call.", {}),
    404: ("UnknownError", "Resource not found for the segment path '/{path}/operations'.", {}),
    405: ("BadRequest", "Specified HTTP method is not allowed for the request target.", {"Allow": ""}),
    501: ("notSupported", "Listing the operations of a call is not supported.", {}),
}


def list_operations(req, state, version, call_id):
    """GET /communications/calls/{id}/operations (config list_operations: supported, running_only or an error status)."""
    mode = state.config_for(call_id)["list_operations"]
    if mode in LIST_OPERATIONS_ERRORS:
        code, message, headers = LIST_OPERATIONS_ERRORS[mode]
        raise GraphError(mode, code, message.format(path=resources.call_path(call_id)), headers)
    with state.lock:
        config = state.config_for(call_id)
        operations = [
            invite_mod.render_operation(operation, config)
            for operation in lifecycle.load_call(state, call_id).operations.values()
            if mode != "running_only" or not invite_mod.is_finished(operation)
        ]
    return Response(200, _page(req, state, version, call_id, "operations", operations))


def get_operation(req, state, version, call_id, operation_id):  # pylint: disable=unused-argument
    """GET /communications/calls/{id}/operations/{operationId} (config get_operation: supported, 404_when_finished, unsupported)."""
    if state.config_for(call_id)["get_operation"] == "unsupported":
        # Graph may not serve invite operations at all: the same 404, whether or not call and operation exist.
        raise GraphError(404, "itemNotFound", "Operation not found.")
    with state.lock:
        operation = lifecycle.load_call(state, call_id).operations.get(operation_id)
        config = state.config_for(call_id)
        if operation is None or (config["get_operation"] == "404_when_finished" and invite_mod.is_finished(operation)):
            raise GraphError(404, "itemNotFound", "Operation not found.")
        return Response(200, invite_mod.render_operation(operation, config))


ROUTER = Router(
    [
        ("POST", "communications/calls", calls_api.create_call),
        ("GET", "communications/calls", calls_api.list_calls),
        ("GET", "communications/calls/{}", get_call),
        ("DELETE", "communications/calls/{}", calls_api.hang_up),
        ("POST", "communications/calls/{}/keepAlive", calls_api.keep_alive),
        ("GET", "communications/calls/{}/participants", list_participants),
        ("POST", "communications/calls/{}/participants/invite", invite),
        ("GET", "communications/calls/{}/participants/{}", get_participant),
        ("DELETE", "communications/calls/{}/participants/{}", calls_api.remove_participant),
        ("GET", "communications/calls/{}/operations", list_operations),
        ("GET", "communications/calls/{}/operations/{}", get_operation),
        ("GET", "users", users_api.list_users),
        ("GET", "users/{}", users_api.get_user),
        ("POST", "users/{}/onlineMeetings/createOrGet", meetings_api.create_or_get),
        ("GET", "users/{}/onlineMeetings/{}", meetings_api.get_meeting),
        ("PATCH", "users/{}/onlineMeetings/{}", meetings_api.update_meeting),
    ]
)


def _authenticate(req, state):
    """Require a bearer token issued by this emulator, unexpired, for its tenant."""
    value = req.header("Authorization") or ""
    scheme, dummy, token = value.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise GraphError(401, "InvalidAuthenticationToken", "Access token is empty.", {"WWW-Authenticate": 'Bearer realm=""'})
    reason = state.check_token(token.strip())
    if reason:
        raise GraphError(401, "InvalidAuthenticationToken", reason, {"WWW-Authenticate": 'Bearer realm="", error="invalid_token"'})


def handle(req, state):
    """Serve one Graph request (first segment is a version)."""
    version = VERSIONS[req.segments[0].lower()]
    _authenticate(req, state)
    func, captures, allowed = ROUTER.match(req.method, req.segments[1:])
    if func is None:
        if allowed:
            raise GraphError(405, "BadRequest", "Specified HTTP method is not allowed for the request target.", {"Allow": ", ".join(allowed)})
        raise GraphError(404, "UnknownError", f"Resource not found for the segment path '/{'/'.join(req.segments[1:])}'.")
    return func(req, state, version, *captures)

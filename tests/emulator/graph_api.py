"""Graph routes under /v1.0 and /beta: calls, participants (paged), invite, operations."""

import copy

from emulator import invite as invite_mod
from emulator import resources
from emulator.errors import GraphError
from emulator.messages import Response
from emulator.routing import Router

VERSIONS = {"v1.0": "v1.0", "beta": "beta"}
P2P_REFUSAL = "This request doesn't support peer-to-peer calls."


def _load_call(state, call_id):
    call = state.get_call(call_id)
    if call is None:
        raise GraphError(404, "itemNotFound", "Call not found.")
    return call


def _group_call(state, call_id):
    """The call, refusing peer-to-peer calls as Graph documents for roster reads."""
    call = _load_call(state, call_id)
    if not call.group:
        raise GraphError(400, "BadRequest", P2P_REFUSAL)
    return call


def get_call(req, state, version, call_id):  # pylint: disable=unused-argument
    """GET /communications/calls/{id}"""
    with state.lock:
        return Response(200, resources.call_resource(_load_call(state, call_id), state, version))


def list_participants(req, state, version, call_id):
    """GET /communications/calls/{id}/participants, paged by config page_size with $skiptoken offsets."""
    with state.lock:
        roster = copy.deepcopy(_group_call(state, call_id).participants)
    token = req.query.get("$skiptoken", "0")
    if not isinstance(token, str) or not token.isdigit():
        raise GraphError(400, "BadRequest", f"Invalid $skiptoken value: {token!r}.")
    start, size = int(token), state.get_config()["page_size"]
    path = resources.call_path(call_id)
    body = {
        "@odata.context": f"{state.base_url}/{version}/$metadata#communications/calls('{call_id}')/participants",
        "value": roster[start:start + size],
    }
    if start + size < len(roster):
        body["@odata.nextLink"] = f"{state.base_url}/{version}/{path}/participants?$skiptoken={start + size}"
    return Response(200, body)


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
    operation, location = invite_mod.invite(state, call_id, req.json(), version)
    return Response(200, operation, {"Location": location})


def list_operations(req, state, version, call_id):  # pylint: disable=unused-argument
    """GET /communications/calls/{id}/operations"""
    with state.lock:
        operations = copy.deepcopy(list(_load_call(state, call_id).operations.values()))
    return Response(200, {
        "@odata.context": f"{state.base_url}/{version}/$metadata#communications/calls('{call_id}')/operations",
        "value": operations,
    })


def get_operation(req, state, version, call_id, operation_id):  # pylint: disable=unused-argument
    """GET /communications/calls/{id}/operations/{operationId}"""
    with state.lock:
        operation = _load_call(state, call_id).operations.get(operation_id)
        if operation is None:
            raise GraphError(404, "itemNotFound", "Operation not found.")
        return Response(200, copy.deepcopy(operation))


ROUTER = Router([
    ("GET", "communications/calls/{}", get_call),
    ("GET", "communications/calls/{}/participants", list_participants),
    ("POST", "communications/calls/{}/participants/invite", invite),
    ("GET", "communications/calls/{}/participants/{}", get_participant),
    ("GET", "communications/calls/{}/operations", list_operations),
    ("GET", "communications/calls/{}/operations/{}", get_operation),
])


def _authenticate(req, state):
    """Require a bearer token issued by this emulator, unexpired, for its tenant."""
    value = req.header("Authorization") or ""
    scheme, _, token = value.strip().partition(" ")
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

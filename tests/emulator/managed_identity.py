"""Managed identity endpoint, App Service style, on plain HTTP loopback in the emulator process.

``GET /msi/token?resource=...&api-version=2019-08-01[&client_id=...]`` with the header
``X-IDENTITY-HEADER: <identity_header>`` answers
``{"access_token", "expires_on", "resource", "token_type": "Bearer", "client_id"}``; the
token is a Graph token of the emulator's tenant like those of the token endpoint. MSAL's
``ManagedIdentityClient`` finds it through the environment variables ``IDENTITY_ENDPOINT``
(the ``managed_identity_endpoint`` of the first line) and ``IDENTITY_HEADER``.

Errors use App Service's shape ``{"statusCode", "message", "correlationId"}``. Requests are
recorded in the request log (the X-IDENTITY-HEADER value redacted) and can be faulted like
any other path.
"""

import hmac
import threading

from emulator.handler import EmulatorHandler
from emulator.messages import Response
from emulator.quiet_server import QuietThreadingHTTPServer

TOKEN_PATH = "/msi/token"
API_VERSION = "2019-08-01"
# Fixed, like the default app registration: tests and docs may rely on them.
IDENTITY_HEADER = "emulator-identity-header-not-a-secret"
SYSTEM_ASSIGNED_CLIENT_ID = "8e3a1c5d-2b7f-4e9a-b6c1-0d4f3e2a1b9c"
# Resources whose tokens Graph accepts (the same ones as the token endpoint's scopes, without /.default).
GRAPH_RESOURCE = "https://graph.microsoft.com"
GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"
UNSUPPORTED_SELECTORS = ("object_id", "principal_id", "mi_res_id", "msi_res_id")


class ManagedIdentityError(Exception):
    """An App Service identity endpoint error: ``{"statusCode", "message", "correlationId"}``."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


def _query_value(req, name):
    value = req.query.get(name)
    if isinstance(value, list):
        raise ManagedIdentityError(400, f"The query parameter '{name}' was given more than once.")
    return value


def _identity_client_id(req, state):
    """The client id of the selected identity (system-assigned without a selector)."""
    for name in UNSUPPORTED_SELECTORS:
        if name in req.query:
            raise ManagedIdentityError(400, f"Selecting an identity by '{name}' is not supported by this emulator; use client_id.")
    client_id = _query_value(req, "client_id")
    if not client_id:
        return SYSTEM_ASSIGNED_CLIENT_ID
    known = {SYSTEM_ASSIGNED_CLIENT_ID} | {item.lower() for item in state.get_config()["managed_identities"]}
    if client_id.lower() not in known:
        raise ManagedIdentityError(
            400,
            f"Unable to load the requested managed identity: no identity with client_id "
            f"'{client_id}' is assigned to this resource (emulator config key 'managed_identities').",
        )
    return client_id.lower()


def _check_resource(resource, state):
    if not resource:
        raise ManagedIdentityError(400, "The query parameter 'resource' is required (e.g. https://graph.microsoft.com).")
    normalised = resource.rstrip("/").lower()
    if normalised not in (GRAPH_RESOURCE, GRAPH_APP_ID, state.base_url.lower()):
        raise ManagedIdentityError(
            400, f"The resource '{resource}' is not served by this emulator; ask for {GRAPH_RESOURCE} (a resource, not a scope: no /.default)."
        )


def issue(req, state):
    """GET /msi/token"""
    if req.raw_path.rstrip("/") != TOKEN_PATH:
        raise ManagedIdentityError(404, f"No route '{req.raw_path}'; the managed identity endpoint is {TOKEN_PATH}.")
    if req.method != "GET":
        raise ManagedIdentityError(405, f"The managed identity endpoint accepts GET only, not {req.method}.")
    secret = req.header("X-IDENTITY-HEADER")
    if not secret:
        raise ManagedIdentityError(400, "The request must carry the X-IDENTITY-HEADER header (the IDENTITY_HEADER value).")
    if not hmac.compare_digest(secret.encode("utf-8"), IDENTITY_HEADER.encode("utf-8")):
        raise ManagedIdentityError(401, "The X-IDENTITY-HEADER value is not this endpoint's identity header.")
    api_version = _query_value(req, "api-version")
    if api_version != API_VERSION:
        raise ManagedIdentityError(400, f"Unsupported api-version {api_version!r}; this endpoint serves {API_VERSION}.")
    resource = _query_value(req, "resource")
    _check_resource(resource, state)
    client_id = _identity_client_id(req, state)
    lifetime = state.get_config()["token_lifetime"]
    token = state.issue_token(client_id, lifetime)
    return Response(
        200,
        {
            "access_token": token,
            "expires_on": str(int(state.clock.time() + lifetime)),
            "resource": resource,
            "token_type": "Bearer",
            "client_id": client_id,
        },
    )


class ManagedIdentityHandler(EmulatorHandler):
    """The emulator's handler (recording, faults, keep-alive) with the identity endpoint's routes."""

    def _route(self, req, state):
        try:
            return issue(req, state), "msi"
        except ManagedIdentityError as err:
            return Response(err.status, {"statusCode": err.status, "message": err.message, "correlationId": req.request_id}), "msi"

    @staticmethod
    def _kind(req):  # pylint: disable=unused-argument
        return "msi"


class ManagedIdentityServer(QuietThreadingHTTPServer):
    """Plain HTTP (as on App Service, where the endpoint is local) on loopback."""

    label = "managed identity connection error"

    def __init__(self, address, state):
        self.state = state
        super().__init__(address, ManagedIdentityHandler)

    @property
    def endpoint(self):
        """The URL for IDENTITY_ENDPOINT."""
        return f"http://127.0.0.1:{self.server_address[1]}{TOKEN_PATH}"


def start(state, port=0):
    """Bind 127.0.0.1:port (0 picks a free one), serve in a daemon thread; return the server."""
    server = ManagedIdentityServer(("127.0.0.1", port), state)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True, name="managed-identity").start()
    return server

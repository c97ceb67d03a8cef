"""Entra ID (token service) routes: OpenID discovery, JWKS and the client-credentials token endpoint.

Only what MSAL's ConfidentialClientApplication needs against ``https://127.0.0.1:PORT/{tenant}``
with instance discovery off: the discovery document, then a form POST to the token endpoint.
"""

import base64
import binascii
import hmac
from urllib.parse import unquote

from emulator import assertions, federation
from emulator.errors import TokenError
from emulator.messages import Response
from emulator.routing import Router

GRAPH_RESOURCE = "https://graph.microsoft.com"
# Graph's well-known application id; Entra accepts "<appId>/.default" as a scope too.
GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"
DEFAULT_SUFFIX = "/.default"
# OIDC scopes MSAL may add; they don't name a resource, so they are ignored when checking.
RESERVED_SCOPES = ("openid", "profile", "offline_access")


def _tenant_error(tenant, error="invalid_request"):
    return TokenError(
        400,
        error,
        90002,
        f"Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID "
        "and are signing into the correct cloud. This emulator knows one tenant only.",
    )


def _check_tenant(state, tenant, error="invalid_request"):
    if tenant.lower() != state.app.tenant_id.lower():
        raise _tenant_error(tenant, error)


def _missing(name):
    return TokenError(400, "invalid_request", 900144, f"The request body must contain the following parameter: '{name}'.")


def openid_configuration(req, state, tenant):  # pylint: disable=unused-argument
    """GET /{tenant}/v2.0/.well-known/openid-configuration"""
    _check_tenant(state, tenant, "invalid_tenant")
    root = f"{state.base_url}/{tenant}"
    return Response(
        200,
        {
            "token_endpoint": f"{root}/oauth2/v2.0/token",
            "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt", "client_secret_basic"],
            "jwks_uri": f"{root}/discovery/v2.0/keys",
            "response_modes_supported": ["query", "fragment", "form_post"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
            "issuer": f"{root}/v2.0",
            "request_uri_parameter_supported": False,
            "authorization_endpoint": f"{root}/oauth2/v2.0/authorize",
            "device_authorization_endpoint": f"{root}/oauth2/v2.0/devicecode",
            "end_session_endpoint": f"{root}/oauth2/v2.0/logout",
            "http_logout_supported": True,
            "frontchannel_logout_supported": True,
            "claims_supported": ["sub", "iss", "aud", "exp", "iat", "tid", "oid"],
            "tenant_region_scope": None,
            "cloud_instance_name": "emulator.invalid",
        },
    )


def jwks(req, state, tenant):  # pylint: disable=unused-argument
    """GET /{tenant}/discovery/v2.0/keys: tokens are opaque, so no signing keys."""
    _check_tenant(state, tenant, "invalid_tenant")
    return Response(200, {"keys": []})


def _client_credentials(req, form):
    """(client_id, client_secret) from the form, or from HTTP Basic (client_secret_basic)."""
    client_id, secret = form.get("client_id"), form.get("client_secret")
    scheme, dummy, value = (req.header("Authorization") or "").partition(" ")
    if scheme.lower() == "basic" and value:
        try:
            user, dummy, password = base64.b64decode(value.strip()).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise TokenError(401, "invalid_client", 7000218, "The Authorization header is not valid HTTP Basic.") from exc
        client_id, secret = client_id or unquote(user), unquote(password)
    return client_id, secret


def _check_scope(state, scope):
    requested = [item for item in scope.split() if item.lower() not in RESERVED_SCOPES]
    resources_ok = {state.base_url.lower(), GRAPH_RESOURCE, GRAPH_APP_ID}
    if len(requested) == 1 and requested[0].endswith(DEFAULT_SUFFIX):
        resource = requested[0][: -len(DEFAULT_SUFFIX)].rstrip("/").lower()
        if resource in resources_ok:
            return
    raise TokenError(
        400,
        "invalid_scope",
        1002012,
        f"The provided value for scope {scope} is not valid. Client credential flows "
        f"must have a scope value with /.default suffixed to the resource identifier "
        f"(application ID URI). This emulator serves {GRAPH_RESOURCE}/.default and "
        f"{state.base_url}/.default.",
    )


def token(req, state, tenant):
    """POST /{tenant}/oauth2/v2.0/token (client credentials: a client secret, a certificate's assertion or a federated token)."""
    _check_tenant(state, tenant)
    form = req.form()
    grant_type = form.get("grant_type")
    if not grant_type:
        raise _missing("grant_type")
    if grant_type != "client_credentials":
        raise TokenError(
            400, "unsupported_grant_type", 70003, f"The app requested an unsupported grant type '{grant_type}'. This emulator supports client_credentials only."
        )
    client_id, secret = _client_credentials(req, form)
    if not client_id:
        raise _missing("client_id")
    if client_id.lower() != state.app.client_id.lower():
        raise TokenError(
            400,
            "unauthorized_client",
            700016,
            f"Application with identifier '{client_id}' was not found in the "
            f"directory '{state.app.tenant_id}'. This can happen if the application "
            "has not been installed by the administrator of the tenant.",
        )
    if (form.get("client_assertion") or form.get("client_assertion_type")) and federation.is_federated(form, client_id):
        # Workload identity federation (federation.py), checked against config federated_credentials.
        federation.verify(form, state)
    elif form.get("client_assertion") or form.get("client_assertion_type"):
        # Certificate credentials (assertions.py), checked against config client_certificates.
        assertions.verify(form, state.get_config()["client_certificates"], f"{state.base_url}/{tenant}/oauth2/v2.0/token", client_id)
    elif not secret:
        raise TokenError(401, "invalid_client", 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.")
    elif not any(hmac.compare_digest(secret.encode("utf-8"), accepted.encode("utf-8")) for accepted in state.client_secrets()):
        raise TokenError(
            401,
            "invalid_client",
            7000215,
            "Invalid client secret provided. Ensure the secret being sent in the "
            "request is the client secret value, not the client secret ID, for a "
            f"secret added to app '{state.app.client_id}'.",
        )
    scope = form.get("scope")
    if not scope:
        raise _missing("scope")
    _check_scope(state, scope)
    lifetime = state.get_config()["token_lifetime"]
    return Response(
        200,
        {
            "token_type": "Bearer",
            "expires_in": lifetime,
            "ext_expires_in": lifetime,
            "access_token": state.issue_token(client_id, lifetime),
        },
        {"Cache-Control": "no-store, no-cache", "Pragma": "no-cache"},
    )


def token_wrong_method(req, state, tenant):  # pylint: disable=unused-argument
    """Entra answers a GET on the token endpoint with AADSTS900561."""
    raise TokenError(400, "invalid_request", 900561, f"The endpoint only accepts POST requests. Received a {req.method} request.")


ROUTER = Router(
    [
        ("GET", "{}/v2.0/.well-known/openid-configuration", openid_configuration),
        ("GET", "{}/discovery/v2.0/keys", jwks),
        ("POST", "{}/oauth2/v2.0/token", token),
        ("GET", "{}/oauth2/v2.0/token", token_wrong_method),
    ]
)


def handle(req, state):
    """Serve a token-service request; None when the path is not one of ours."""
    func, captures, _allowed = ROUTER.match(req.method, req.segments)
    if func is None:
        return None
    return func(req, state, *captures)

"""The token service: OpenID discovery, MSAL client credentials, and Entra-shaped errors."""
# pylint: disable=missing-function-docstring,redefined-outer-name  # pytest injects fixtures by parameter name

import base64
import re

import msal
import pytest

GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def _token_url(emu, tenant=None):
    return f"{emu.info['authority_host']}/{tenant or emu.info['tenant_id']}/oauth2/v2.0/token"


def _form(emu, **overrides):
    form = {
        "grant_type": "client_credentials",
        "client_id": emu.info["client_id"],
        "client_secret": emu.info["client_secret"],
        "scope": "https://graph.microsoft.com/.default",
    }
    form.update(overrides)
    return {key: value for key, value in form.items() if value is not None}


def _msal_app(emu, make_session, secret=None):
    return msal.ConfidentialClientApplication(
        emu.info["client_id"],
        client_credential=secret or emu.info["client_secret"],
        authority=f"{emu.info['authority_host']}/{emu.info['tenant_id']}",
        instance_discovery=False,
        http_client=make_session(emu.ca_path),
    )


def test_msal_gets_a_token_that_graph_accepts(emu, http, make_session):
    result = _msal_app(emu, make_session).acquire_token_for_client(scopes=["https://graph.microsoft.com/.default"])
    assert result.get("token_type") == "Bearer", result
    assert result["expires_in"] == 3599
    call = emu.create_call()
    response = http.get(f"/v1.0/communications/calls/{call['id']}", headers={"Authorization": f"Bearer {result['access_token']}"})
    assert response.status_code == 200
    paths = [entry["path"] for entry in emu.requests()]
    tenant = emu.info["tenant_id"]
    assert paths[:2] == [f"/{tenant}/v2.0/.well-known/openid-configuration", f"/{tenant}/oauth2/v2.0/token"]


def test_msal_reports_wrong_secret_as_error_dict(emu, make_session):
    result = _msal_app(emu, make_session, secret="not-the-secret").acquire_token_for_client(scopes=["https://graph.microsoft.com/.default"])
    assert result["error"] == "invalid_client"
    assert result["error_codes"] == [7000215]


def test_token_success_shape_and_emulator_resource_scope(emu, http):
    response = http.post(_token_url(emu), data=_form(emu, scope=f"{emu.base_url}/.default"))
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"token_type", "expires_in", "ext_expires_in", "access_token"}
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3599 and body["ext_expires_in"] == 3599
    assert response.headers["Content-Type"].startswith("application/json")


def test_token_client_secret_basic(emu, http):
    basic = base64.b64encode(f"{emu.info['client_id']}:{emu.info['client_secret']}".encode()).decode()
    response = http.post(_token_url(emu), data=_form(emu, client_id=None, client_secret=None), headers={"Authorization": f"Basic {basic}"})
    assert response.status_code == 200, response.text


def test_openid_configuration(emu, http):
    tenant = emu.info["tenant_id"]
    response = http.get(f"/{tenant}/v2.0/.well-known/openid-configuration")
    assert response.status_code == 200
    doc = response.json()
    assert doc["token_endpoint"] == f"{emu.base_url}/{tenant}/oauth2/v2.0/token"
    assert doc["authorization_endpoint"].startswith(f"{emu.base_url}/{tenant}/")
    assert doc["issuer"] == f"{emu.base_url}/{tenant}/v2.0"
    assert http.get(doc["jwks_uri"]).json() == {"keys": []}


def test_openid_configuration_unknown_tenant(http):
    response = http.get("/00000000-1111-2222-3333-444444444444/v2.0/.well-known/openid-configuration")
    assert response.status_code == 400
    body = response.json()
    assert body["error_codes"] == [90002] and body["error_description"].startswith("AADSTS90002: ")


@pytest.mark.parametrize(
    "case, tenant, overrides, status, error, code",
    [
        ("unknown tenant", "00000000-1111-2222-3333-444444444444", {}, 400, "invalid_request", 90002),
        ("unknown client", None, {"client_id": "11111111-2222-3333-4444-555555555555"}, 400, "unauthorized_client", 700016),
        ("wrong secret", None, {"client_secret": "wrong"}, 401, "invalid_client", 7000215),
        ("missing secret", None, {"client_secret": None}, 401, "invalid_client", 7000218),
        (
            "certificate",
            None,
            {"client_secret": None, "client_assertion": "a.b.c", "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"},
            401,
            "invalid_client",
            700027,
        ),
        ("bad grant", None, {"grant_type": "password"}, 400, "unsupported_grant_type", 70003),
        ("missing grant", None, {"grant_type": None}, 400, "invalid_request", 900144),
        ("not .default", None, {"scope": "https://graph.microsoft.com/Calls.Initiate.All"}, 400, "invalid_scope", 1002012),
        ("other resource", None, {"scope": "https://management.azure.com/.default"}, 400, "invalid_scope", 1002012),
        ("missing scope", None, {"scope": None}, 400, "invalid_request", 900144),
    ],
)
def test_token_errors(emu, http, case, tenant, overrides, status, error, code):  # pylint: disable=too-many-arguments,too-many-positional-arguments
    response = http.post(_token_url(emu, tenant), data=_form(emu, **overrides), headers={"client-request-id": "corr-" + case})
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) >= {"error", "error_description", "error_codes", "timestamp", "trace_id", "correlation_id"}
    assert body["error"] == error
    assert body["error_codes"] == [code]
    assert body["error_description"].startswith(f"AADSTS{code}: ")
    assert GUID.match(body["trace_id"])
    assert body["correlation_id"] == "corr-" + case
    assert "access_token" not in body
    # Secrets never reach the log.
    logged = emu.requests()[-1]["body"]
    assert logged.get("client_secret") in (None, "<redacted>") and logged.get("client_assertion") in (None, "<redacted>")


def test_token_endpoint_refuses_get(http, emu):
    response = http.get(_token_url(emu))
    assert response.status_code == 400
    assert response.json()["error_codes"] == [900561]

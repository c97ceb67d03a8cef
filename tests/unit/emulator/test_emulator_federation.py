"""Workload identity federation: the test OIDC issuer, config federated_credentials and client_secrets, and the token
endpoint's check of a federated token (each AADSTS refusal)."""
# pylint: disable=missing-function-docstring,redefined-outer-name  # pytest injects fixtures by parameter name

import base64
import json

import msal
import pytest

from emulator.client import AdminError

JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
SUBJECT = "repo:contoso/incident-ops:environment:production"


def _token_url(emu):
    return f"{emu.info['authority_host']}/{emu.info['tenant_id']}/oauth2/v2.0/token"


def _form(emu, assertion):
    return {
        "grant_type": "client_credentials",
        "client_id": emu.info["client_id"],
        "scope": "https://graph.microsoft.com/.default",
        "client_assertion_type": JWT_BEARER,
        "client_assertion": assertion,
    }


def _claims(token):
    part = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


@pytest.fixture
def trusted(emu):
    emu.clock(mode="manual")
    emu.trust_subject(SUBJECT)
    return emu


def test_the_test_issuer_publishes_its_openid_configuration_and_keys(emu, http):
    document = http.get("/_emulator/oidc/.well-known/openid-configuration").json()
    assert document["issuer"] == emu.oidc_issuer and document["jwks_uri"] == emu.oidc_issuer + "/keys"
    keys = http.get("/_emulator/oidc/keys").json()["keys"]
    assert [key["kid"] for key in keys] == ["emulator-oidc-key-1"] and keys[0]["kty"] == "RSA"


def test_minted_tokens_carry_the_claims_asked_for(trusted):
    now = trusted.clock()["time"]
    claims = _claims(trusted.federated_token(SUBJECT, lifetime=120, not_before=30))
    assert claims["iss"] == trusted.oidc_issuer and claims["sub"] == SUBJECT and claims["aud"] == "api://AzureADTokenExchange"
    assert (claims["nbf"], claims["exp"]) == (int(now) + 30, int(now) + 120)
    for body in ({}, {"subject": SUBJECT, "colour": "red"}, {"subject": SUBJECT, "signature": "none"}, {"subject": SUBJECT, "lifetime": "1h"}):
        with pytest.raises(AdminError) as caught:
            trusted.admin("POST", "/oidc/token", body)
        assert caught.value.status == 400


def test_msal_gets_a_token_with_a_federated_token(trusted, make_session):
    app = msal.ConfidentialClientApplication(
        trusted.info["client_id"],
        client_credential={"client_assertion": lambda: trusted.federated_token(SUBJECT)},
        authority=f"{trusted.info['authority_host']}/{trusted.info['tenant_id']}",
        instance_discovery=False,
        http_client=make_session(trusted.ca_path),
    )
    result = app.acquire_token_for_client(scopes=["https://graph.microsoft.com/.default"])
    assert "access_token" in result, result
    status, dummy, dummy = trusted.graph("GET", "/v1.0/communications/calls/none", token=result["access_token"])
    assert status == 404  # the token is good for Graph: the call is what is missing


@pytest.mark.parametrize(
    "case, subject, claims, status, code, words",
    [
        ("another issuer", SUBJECT, {"issuer": "https://token.actions.githubusercontent.com"}, 400, 700211, "assertion issuer 'https://token.actions"),
        ("another subject", "repo:contoso/other:ref:refs/heads/main", {}, 400, 700213, "assertion subject 'repo:contoso/other"),
        ("subject in another case", SUBJECT.upper(), {}, 400, 700213, "assertion subject"),
        ("another audience", SUBJECT, {"audience": "api://other"}, 400, 700212, "assertion audience 'api://other'"),
        ("expired", SUBJECT, {"lifetime": -1}, 401, 700024, "not within its valid time range"),
        ("not yet valid", SUBJECT, {"not_before": 60}, 401, 700024, "not within its valid time range"),
        ("unpublished key", SUBJECT, {"signature": "unknown_key"}, 401, 700027, "failed signature validation"),
    ],
)
# pylint: disable-next=too-many-arguments,too-many-positional-arguments
def test_each_refusal(trusted, http, case, subject, claims, status, code, words):
    assertion = trusted.federated_token(subject, **claims)
    response = http.post(_token_url(trusted), data=_form(trusted, assertion), headers={"client-request-id": case})
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"] == "invalid_client" and body["error_codes"] == [code]
    assert body["error_description"].startswith(f"AADSTS{code}: ") and words in body["error_description"]
    assert assertion not in response.text


def test_expiry_follows_the_emulator_clock(trusted, http):
    assertion = trusted.federated_token(SUBJECT, lifetime=300)
    assert http.post(_token_url(trusted), data=_form(trusted, assertion)).status_code == 200
    trusted.clock(advance=301)
    assert http.post(_token_url(trusted), data=_form(trusted, assertion)).json()["error_codes"] == [700024]


def test_no_federated_credential_by_default(emu, http):
    assertion = emu.federated_token(SUBJECT)
    assert http.post(_token_url(emu), data=_form(emu, assertion)).json()["error_codes"] == [700211]


def test_federated_credentials_config_is_validated(emu):
    for value in ("x", [{"issuer": "i"}], [{"issuer": "i", "subject": "s", "audiences": []}], [{"issuer": "i", "subject": "s", "extra": 1}]):
        with pytest.raises(AdminError) as caught:
            emu.config(federated_credentials=value)
        assert caught.value.status == 400 and "federated_credentials" in caught.value.body["error"]["message"]
    configured = emu.config(federated_credentials=[{"issuer": "https://i.example", "subject": "s"}])["federated_credentials"]
    assert configured == [{"name": "credential-0", "issuer": "https://i.example", "subject": "s", "audiences": ["api://AzureADTokenExchange"]}]
    assert emu.reset()["config"]["federated_credentials"] == []


def test_a_rotated_client_secret(emu, http):
    def status(secret):
        form = {
            "grant_type": "client_credentials",
            "client_id": emu.info["client_id"],
            "scope": "https://graph.microsoft.com/.default",
            "client_secret": secret,
        }
        return http.post(_token_url(emu), data=form).status_code

    assert status(emu.info["client_secret"]) == 200
    emu.config(client_secrets=["the-new-secret"])
    assert (status(emu.info["client_secret"]), status("the-new-secret")) == (401, 200)
    for value in ([], "s", [1]):
        with pytest.raises(AdminError):
            emu.config(client_secrets=value)
    emu.reset()
    assert status(emu.info["client_secret"]) == 200

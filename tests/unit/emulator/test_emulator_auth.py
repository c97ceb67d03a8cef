"""Authentication methods: certificate credentials (client assertions), token lifetime, managed identity."""
# pylint: disable=missing-function-docstring,redefined-outer-name  # pytest injects fixtures by parameter name

import base64
import json
import time
import uuid
from datetime import datetime, timedelta, timezone

import msal
import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from emulator.client import AdminError

GRAPH_SCOPE = ["https://graph.microsoft.com/.default"]
JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


class Credential:  # pylint: disable=too-few-public-methods
    """An RSA key with a self-signed certificate, as an app registration would hold."""

    def __init__(self, name):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        now = datetime.now(timezone.utc)
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
        self.cert = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(subject)
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=30))
            .sign(self.key, hashes.SHA256())
        )
        self.key_pem = self.key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
        self.cert_pem = self.cert.public_bytes(serialization.Encoding.PEM).decode()
        self.sha1_hex = self.cert.fingerprint(hashes.SHA1()).hex()  # nosec - x5t is SHA-1 by definition

    def x5t(self):
        return _b64url(self.cert.fingerprint(hashes.SHA1()))  # nosec

    def assertion(self, claims, algorithm="RS256", header=None):
        """A JWT signed with this key (built by hand: no PyJWT needed)."""
        head = {"alg": algorithm, "typ": "JWT", "x5t": self.x5t(), **(header or {})}
        signing_input = f"{_b64url(json.dumps(head).encode())}.{_b64url(json.dumps(claims).encode())}".encode()
        pad = padding.PKCS1v15() if algorithm == "RS256" else padding.PSS(padding.MGF1(hashes.SHA256()), 32)
        return signing_input.decode() + "." + _b64url(self.key.sign(signing_input, pad, hashes.SHA256()))


def _b64url(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@pytest.fixture(scope="module")
def registered():
    return Credential("msgraph.calls test app")


@pytest.fixture(scope="module")
def stranger():
    return Credential("not registered")


@pytest.fixture
def with_cert(emu, registered):
    emu.config(client_certificates=[registered.cert_pem])
    return emu


def _authority(emu):
    return f"{emu.info['authority_host']}/{emu.info['tenant_id']}"


def _token_url(emu):
    return f"{_authority(emu)}/oauth2/v2.0/token"


def _claims(emu, **overrides):
    now = int(time.time())
    claims = {
        "aud": _token_url(emu),
        "iss": emu.info["client_id"],
        "sub": emu.info["client_id"],
        "exp": now + 600,
        "nbf": now,
        "iat": now,
        "jti": str(uuid.uuid4()),
    }
    claims.update(overrides)
    return {key: value for key, value in claims.items() if value is not None}


def _assertion_form(emu, assertion):
    return {
        "grant_type": "client_credentials",
        "client_id": emu.info["client_id"],
        "scope": GRAPH_SCOPE[0],
        "client_assertion_type": JWT_BEARER,
        "client_assertion": assertion,
    }


def _msal_cert_app(emu, make_session, credential):
    return msal.ConfidentialClientApplication(
        emu.info["client_id"], client_credential=credential, authority=_authority(emu), instance_discovery=False, http_client=make_session(emu.ca_path)
    )


def _graph_ok(http, emu, token):
    call = emu.create_call()
    return http.get(f"/v1.0/communications/calls/{call['id']}", headers={"Authorization": f"Bearer {token}"}).status_code == 200


# --- certificate credentials -------------------------------------------------------------------


def test_msal_thumbprint_credential_rs256_x5t(with_cert, http, make_session, registered):
    emu = with_cert
    app = _msal_cert_app(emu, make_session, {"private_key": registered.key_pem, "thumbprint": registered.sha1_hex})
    result = app.acquire_token_for_client(scopes=GRAPH_SCOPE)
    assert result.get("token_type") == "Bearer", result
    assert _graph_ok(http, emu, result["access_token"])
    form = [entry for entry in emu.requests() if entry["path"].endswith("/oauth2/v2.0/token")][-1]["body"]
    assert form["client_assertion"] == "<redacted>" and form["client_assertion_type"] == JWT_BEARER


def test_msal_public_certificate_credential_ps256_x5c(with_cert, http, make_session, registered):
    emu = with_cert
    app = _msal_cert_app(emu, make_session, {"private_key": registered.key_pem, "public_certificate": registered.cert_pem})
    result = app.acquire_token_for_client(scopes=GRAPH_SCOPE)
    assert result.get("token_type") == "Bearer", result
    assert _graph_ok(http, emu, result["access_token"])


def test_msal_unregistered_certificate_is_refused(with_cert, make_session, stranger):
    app = _msal_cert_app(with_cert, make_session, {"private_key": stranger.key_pem, "thumbprint": stranger.sha1_hex})
    result = app.acquire_token_for_client(scopes=GRAPH_SCOPE)
    assert result["error"] == "invalid_client" and result["error_codes"] == [700027]
    assert "The key was not found" in result["error_description"]
    assert stranger.x5t() in result["error_description"]


def test_no_certificate_registered_by_default(emu, make_session, registered):
    assert emu.config()["client_certificates"] == []
    app = _msal_cert_app(emu, make_session, {"private_key": registered.key_pem, "public_certificate": registered.cert_pem})
    assert app.acquire_token_for_client(scopes=GRAPH_SCOPE)["error_codes"] == [700027]


@pytest.mark.parametrize(
    "case, overrides, code, words",
    [
        ("wrong audience", {"aud": "https://login.microsoftonline.com/common/oauth2/v2.0/token"}, 700023, "audience"),
        ("expired", {"exp": int(time.time()) - 60, "nbf": int(time.time()) - 660}, 700024, "not within its valid time range"),
        ("not yet valid", {"nbf": int(time.time()) + 600, "exp": int(time.time()) + 1200}, 700024, "valid time range"),
        ("issuer", {"iss": "11111111-2222-3333-4444-555555555555"}, 700021, "'iss'"),
        ("subject", {"sub": "someone-else"}, 700021, "'sub'"),
    ],
)
# pylint: disable-next=too-many-arguments,too-many-positional-arguments
def test_assertion_claims_are_checked(with_cert, http, registered, case, overrides, code, words):
    assertion = registered.assertion(_claims(with_cert, **overrides))
    response = http.post(_token_url(with_cert), data=_assertion_form(with_cert, assertion), headers={"client-request-id": case})
    assert response.status_code == 401, response.text
    body = response.json()
    assert body["error"] == "invalid_client" and body["error_codes"] == [code]
    assert body["error_description"].startswith(f"AADSTS{code}: ") and words in body["error_description"]


def test_hand_made_ps256_and_rs256_assertions(with_cert, http, registered):
    for algorithm in ("RS256", "PS256"):
        assertion = registered.assertion(_claims(with_cert), algorithm=algorithm)
        assert http.post(_token_url(with_cert), data=_assertion_form(with_cert, assertion)).status_code == 200


def test_bad_signature_and_malformed_assertions(with_cert, http, registered, stranger):
    good = registered.assertion(_claims(with_cert))
    forged = good.rsplit(".", 1)[0] + "." + stranger.assertion(_claims(with_cert)).rsplit(".", 1)[1]
    # Signed by another key while naming the registered certificate.
    impostor = stranger.assertion(_claims(with_cert), header={"x5t": registered.x5t()})
    for assertion in (forged, impostor, "a.b.c", "not-a-jwt"):
        body = http.post(_token_url(with_cert), data=_assertion_form(with_cert, assertion)).json()
        assert body["error"] == "invalid_client" and body["error_codes"] == [700027], body
        assert "failed signature validation" in body["error_description"]
    hs256 = registered.assertion(_claims(with_cert), header={"alg": "HS256"})
    assert http.post(_token_url(with_cert), data=_assertion_form(with_cert, hs256)).json()["error_codes"] == [700027]
    wrong_type = {**_assertion_form(with_cert, good), "client_assertion_type": "urn:example:saml"}
    response = http.post(_token_url(with_cert), data=wrong_type)
    assert response.status_code == 400 and response.json()["error_codes"] == [90011]


def test_client_certificates_config_is_validated(emu, registered):
    for value in ("not a list", ["not a certificate"], [registered.key_pem]):
        with pytest.raises(AdminError) as excinfo:
            emu.config(client_certificates=value)
        assert excinfo.value.status == 400 and "client_certificates" in excinfo.value.body["error"]["message"]
    assert emu.config(client_certificates=[registered.cert_pem])["client_certificates"] == [registered.cert_pem.strip() + "\n"]
    assert emu.reset()["config"]["client_certificates"] == []


# --- token lifetime ----------------------------------------------------------------------------


def test_token_lifetime_makes_tokens_expire(emu, http):
    assert emu.config()["token_lifetime"] == 3599
    emu.config(token_lifetime=1)
    emu.clock(mode="manual")  # the 1 s passes when the test says so, not when the machine gets round to it
    response = http.post(
        _token_url(emu),
        data={"grant_type": "client_credentials", "client_id": emu.info["client_id"], "client_secret": emu.info["client_secret"], "scope": GRAPH_SCOPE[0]},
    )
    body = response.json()
    assert body["expires_in"] == 1 and body["ext_expires_in"] == 1
    call = emu.create_call()
    url = f"/v1.0/communications/calls/{call['id']}"
    headers = {"Authorization": f"Bearer {body['access_token']}"}
    assert http.get(url, headers=headers).status_code == 200
    emu.clock(advance=0.9)
    assert http.get(url, headers=headers).status_code == 200
    emu.clock(advance=0.1)
    expired = http.get(url, headers=headers)
    assert expired.status_code == 401
    assert expired.json()["error"]["code"] == "InvalidAuthenticationToken"
    assert expired.json()["error"]["message"] == "Lifetime validation failed, the token is expired."
    with pytest.raises(AdminError):
        emu.config(token_lifetime=0)


# --- managed identity ---------------------------------------------------------------------------


@pytest.fixture
def mi_env(emu, monkeypatch):
    monkeypatch.setenv("IDENTITY_ENDPOINT", emu.info["managed_identity_endpoint"])
    monkeypatch.setenv("IDENTITY_HEADER", emu.info["identity_header"])
    for name in ("IDENTITY_SERVER_THUMBPRINT", "MSI_ENDPOINT", "MSI_SECRET", "IMDS_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)
    return emu


def test_first_line_advertises_the_managed_identity_endpoint(emu):
    info = emu.info
    assert info["managed_identity_endpoint"].startswith("http://127.0.0.1:")
    assert info["managed_identity_endpoint"].endswith("/msi/token")
    assert info["identity_header"] and info["managed_identity_client_id"]


def test_msal_system_assigned_managed_identity(mi_env, http):
    emu = mi_env
    client = msal.ManagedIdentityClient(msal.SystemAssignedManagedIdentity(), http_client=requests.Session())
    result = client.acquire_token_for_client(resource="https://graph.microsoft.com")
    assert result.get("token_type") == "Bearer", result
    assert 3500 < result["expires_in"] <= 3599
    assert _graph_ok(http, emu, result["access_token"])
    entry = [item for item in emu.requests() if item["path"] == "/msi/token"][-1]
    assert entry["status"] == 200 and entry["query"] == {"api-version": "2019-08-01", "resource": "https://graph.microsoft.com"}
    header = {name.lower(): value for name, value in entry["headers"].items()}["x-identity-header"]
    assert header == "<redacted>"
    assert emu.info["identity_header"] not in json.dumps(emu.requests())


def test_msal_user_assigned_managed_identity(mi_env, http):
    emu = mi_env
    client_id = "0f9e8d7c-6b5a-4c3d-2e1f-0a9b8c7d6e5f"
    client = msal.ManagedIdentityClient(msal.UserAssignedManagedIdentity(client_id=client_id), http_client=requests.Session())
    refused = client.acquire_token_for_client(resource="https://graph.microsoft.com")
    assert "access_token" not in refused and "Unable to load the requested managed identity" in refused["error_description"]
    emu.config(managed_identities=[client_id])
    result = client.acquire_token_for_client(resource="https://graph.microsoft.com")
    assert result.get("token_type") == "Bearer", result
    assert _graph_ok(http, emu, result["access_token"])
    assert [item["query"].get("client_id") for item in emu.requests() if item["path"] == "/msi/token"] == [client_id, client_id]


def test_managed_identity_refusals(emu):
    url = emu.info["managed_identity_endpoint"]
    params = {"api-version": "2019-08-01", "resource": "https://graph.microsoft.com"}
    good = {"X-IDENTITY-HEADER": emu.info["identity_header"]}
    cases = [
        ({}, params, 400, "X-IDENTITY-HEADER"),
        ({"X-IDENTITY-HEADER": "wrong"}, params, 401, "identity header"),
        (good, {**params, "api-version": "2017-09-01"}, 400, "api-version"),
        (good, {"api-version": "2019-08-01"}, 400, "'resource'"),
        (good, {**params, "resource": "https://management.azure.com"}, 400, "not served"),
        (good, {**params, "object_id": "x"}, 400, "object_id"),
    ]
    for headers, query, status, words in cases:
        response = requests.get(url, params=query, headers=headers, timeout=10)
        assert response.status_code == status, (query, response.text)
        body = response.json()
        assert body["statusCode"] == status and words in body["message"] and body["correlationId"]
    assert requests.post(url, params=params, headers=good, timeout=10).status_code == 405
    response = requests.get(url, params=params, headers=good, timeout=10)
    assert response.status_code == 200 and int(response.json()["expires_on"]) > time.time()


def test_managed_identity_endpoint_can_be_faulted(emu):
    emu.add_faults({"path": "^/msi/token$", "action": "status", "status": 503, "retry_after": "1"})
    url = emu.info["managed_identity_endpoint"]
    params = {"api-version": "2019-08-01", "resource": "https://graph.microsoft.com"}
    headers = {"X-IDENTITY-HEADER": emu.info["identity_header"]}
    response = requests.get(url, params=params, headers=headers, timeout=10)
    assert response.status_code == 503 and response.headers["Retry-After"] == "1"
    assert requests.get(url, params=params, headers=headers, timeout=10).status_code == 200
    assert [item.get("fault") for item in emu.requests()] == ["status", None]

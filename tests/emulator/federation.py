"""Workload identity federation: a test OIDC issuer, the app's federated credentials, and Entra's check of a federated
client assertion.

The test issuer stands for GitHub's, GitLab's or a Kubernetes cluster's OIDC provider: it lives under
``/_emulator/oidc`` (OpenID configuration, keys) and mints tokens on request (``POST /_emulator/oidc/token``), so
tests and the docs' examples can get one. The app's federated credentials (issuer, subject, audiences, as Entra's
``federatedIdentityCredential`` has them) are the config key ``federated_credentials``.

A client assertion whose ``iss`` is not the client id and that names no certificate is a federated token (a
certificate's assertion has ``iss`` = ``sub`` = the client id and an ``x5t`` or ``x5c`` header, assertions.py). It is
accepted when a federated credential of the app has its issuer (else AADSTS700211), it is signed by the test
issuer's key (else AADSTS700027), a credential of that issuer has its subject, matched exactly (else AADSTS700213)
and its audience (else AADSTS700212), and it is within its time range on the emulator's clock (else AADSTS700024;
the test issuer signs with that clock too). Every issuer a credential
names is taken to publish the test issuer's key: the emulator fetches nothing.
"""

import secrets

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from emulator import assertions
from emulator.errors import TokenError

AUDIENCE = "api://AzureADTokenExchange"
ISSUER_PATH = "/_emulator/oidc"
KID = "emulator-oidc-key-1"
# Signs the tokens minted with "signature": "unknown_key": a key the issuer never published.
FORGER_KID = "emulator-oidc-unpublished"
SIGNATURES = ("valid", "unknown_key")
DEFAULT_LIFETIME = 3600
DOC_URL = "https://learn.microsoft.com/entra/workload-id/workload-identity-federation"
FIC_HINT = f"Check your federated identity credential Subject, Audience and Issuer against the presented assertion. {DOC_URL}"
CREDENTIAL_KEYS = ("name", "issuer", "subject", "audiences")
MINT_KEYS = ("subject", "audience", "issuer", "lifetime", "not_before", "signature")


def issuer_url(state):
    """The test issuer's ``iss``: an https URL of the emulator itself, as a real issuer's is its own origin."""
    return state.base_url + ISSUER_PATH


def openid_configuration(state):
    return {
        "issuer": issuer_url(state),
        "jwks_uri": f"{issuer_url(state)}/keys",
        "response_types_supported": ["id_token"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "claims_supported": ["sub", "aud", "exp", "iat", "iss", "jti", "nbf"],
    }


def jwks(state):
    return {"keys": [state.oidc.jwk(KID)]}


# --- config federated_credentials --------------------------------------------------------------------------------


def _text(value, where):
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{where} must be a non-empty string")
    return value


def validate_credentials(value):
    """Config validator for ``federated_credentials``: [{"issuer", "subject", "audiences"?, "name"?}]."""
    if not isinstance(value, list):
        raise ValueError('must be a list of {"issuer", "subject", "audiences"?, "name"?} objects')
    checked = []
    for index, item in enumerate(value):
        where = f"entry {index}"
        if not isinstance(item, dict) or set(item) - set(CREDENTIAL_KEYS):
            raise ValueError(f"{where} must be an object with the keys {', '.join(CREDENTIAL_KEYS)} only")
        audiences = item.get("audiences", [AUDIENCE])
        if not isinstance(audiences, list) or len(audiences) != 1:
            # Entra takes exactly one audience per federated credential.
            raise ValueError(f"{where}: 'audiences' must be a list of one audience (default [{AUDIENCE!r}])")
        checked.append(
            {
                "name": _text(item.get("name", f"credential-{index}"), f"{where}: 'name'"),
                "issuer": _text(item.get("issuer"), f"{where}: 'issuer'"),
                "subject": _text(item.get("subject"), f"{where}: 'subject'"),
                "audiences": [_text(audiences[0], f"{where}: 'audiences[0]'")],
            }
        )
    return checked


# --- minting a token (POST /_emulator/oidc/token) ----------------------------------------------------------------


def _seconds(body, key, default):
    value = body.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"'{key}' must be a number of seconds")
    return value


def mint(state, body):
    """A token of the test issuer: {"token", "claims"}. ``lifetime`` may be negative (an expired token), ``not_before``
    seconds from now (a token not valid yet); ``issuer`` another issuer's name (still signed by the test key)."""
    if set(body) - set(MINT_KEYS):
        raise ValueError(f"Unknown key(s) {', '.join(sorted(set(body) - set(MINT_KEYS)))}. Known keys: {', '.join(MINT_KEYS)}.")
    subject = _text(body.get("subject"), "'subject'")
    audience = _text(body.get("audience", AUDIENCE), "'audience'")
    issuer = _text(body.get("issuer", issuer_url(state)), "'issuer'")
    lifetime = _seconds(body, "lifetime", DEFAULT_LIFETIME)
    not_before = _seconds(body, "not_before", 0)
    signature = body.get("signature", "valid")
    if signature not in SIGNATURES:
        raise ValueError(f"'signature' must be one of {', '.join(SIGNATURES)}")
    now = int(state.clock.time())
    claims = {
        "iss": issuer,
        "sub": subject,
        "aud": audience,
        "iat": now,
        "nbf": now + int(not_before),
        "exp": now + int(lifetime),
        "jti": secrets.token_hex(8),
    }
    signing_kid = KID if signature == "valid" else FORGER_KID
    token = state.oidc.sign({"typ": "JWT", "alg": "RS256", "kid": KID}, claims, signing_kid)
    return {"token": token, "claims": claims}


# --- the token endpoint's check --------------------------------------------------------------------------------


def is_federated(form, client_id):
    """Whether the form carries a federated token rather than a certificate's assertion, which names its certificate
    (x5t, x5t#S256 or x5c) and has the client id as its iss."""
    try:
        header, claims, dummy, dummy = assertions.parse(form.get("client_assertion") or "")
    except TokenError:
        return False  # the certificate check reports the malformed assertion
    issuer = claims.get("iss")
    names_certificate = any(key in header for key in ("x5t", "x5t#S256", "x5c"))
    return isinstance(issuer, str) and issuer.lower() != client_id.lower() and not names_certificate


def _no_match(code, what, value):
    return TokenError(400, "invalid_client", code, f"No matching federated identity record found for presented assertion {what} '{value}'. {FIC_HINT}")


def _check_signature(state, header, signed, signature):
    if header.get("alg") != "RS256" or header.get("kid") != KID:
        raise TokenError(401, "invalid_client", 700027, "Client assertion failed signature validation. [Reason - The key was not found.] " + FIC_HINT)
    try:
        state.oidc.public_key(KID).verify(signature, signed, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature as exc:
        raise TokenError(401, "invalid_client", 700027, "Client assertion failed signature validation. " + FIC_HINT) from exc


def _check_time(state, claims):
    now = state.clock.time()
    exp, nbf = claims.get("exp"), claims.get("nbf", 0)
    if not all(isinstance(value, (int, float)) and not isinstance(value, bool) for value in (exp, nbf)):
        raise TokenError(400, "invalid_request", 50027, "JWT token is invalid or malformed: 'exp' and 'nbf' must be numbers.")
    if exp <= now or nbf > now:
        raise TokenError(
            401,
            "invalid_client",
            700024,
            f"Client assertion is not within its valid time range. Current time: {assertions.iso(now)}, assertion valid from "
            f"{assertions.iso(nbf)}, expiry time of assertion {assertions.iso(exp)}. {DOC_URL}",
        )


def verify(form, state):
    """Accept the form's federated token, or raise the TokenError Entra answers."""
    header, claims, signed, signature = assertions.parse(assertions.form_assertion(form))
    issuer, subject, audience = claims.get("iss"), claims.get("sub"), claims.get("aud")
    if not isinstance(subject, str) or not isinstance(audience, str):
        raise TokenError(400, "invalid_request", 50027, "JWT token is invalid or malformed: it needs 'sub' and 'aud' claims (strings).")
    trusted = [credential for credential in state.get_config()["federated_credentials"] if credential["issuer"] == issuer]
    if not trusted:
        raise _no_match(700211, "issuer", issuer)
    _check_signature(state, header, signed, signature)
    matching = [credential for credential in trusted if credential["subject"] == subject]
    if not matching:
        raise _no_match(700213, "subject", subject)
    if not any(audience in credential["audiences"] for credential in matching):
        raise _no_match(700212, "audience", audience)
    _check_time(state, claims)

"""Certificate credentials: verify a client assertion (RFC 7523 JWT) like Entra ID does.

The app's certificates are registered through the config key ``client_certificates`` (a list
of PEM certificates). A token request with
``client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer`` and
``client_assertion=<JWT>`` is accepted when the JWT

- names a registered certificate: header ``x5t`` (base64url SHA-1 thumbprint), ``x5t#S256``
  (base64url SHA-256 thumbprint) or ``x5c`` (chain whose first certificate is registered);
- is signed with that certificate's RSA key, ``RS256`` or ``PS256``;
- has ``aud`` = this token endpoint's URL, ``iss`` = ``sub`` = the client id, ``exp`` in the
  future and ``nbf`` (if present) not in the future.

Only ``cryptography`` is used (no PyJWT in the emulator).
"""

import base64
import binascii
import functools
import json
import time
from datetime import datetime, timezone

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from emulator.errors import TokenError

JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
ALGORITHMS = ("RS256", "PS256")
DOC_HINT = "Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials ."


# --- config validation ------------------------------------------------------------------------


@functools.lru_cache(maxsize=64)
def _load_certificate(pem):
    return x509.load_pem_x509_certificate(pem.encode("ascii"))


def validate_certificates(value):
    """Config validator for ``client_certificates``: a list of PEM certificates with RSA keys."""
    if not isinstance(value, list):
        raise ValueError("must be a list of PEM certificate strings")
    checked = []
    for index, pem in enumerate(value):
        if not isinstance(pem, str) or "-----BEGIN CERTIFICATE-----" not in pem:
            raise ValueError(f"entry {index} is not a PEM certificate ('-----BEGIN CERTIFICATE-----' ...)")
        pem = pem.strip() + "\n"
        try:
            cert = _load_certificate(pem)
        except (ValueError, UnicodeEncodeError) as exc:
            raise ValueError(f"entry {index} is not a readable PEM certificate: {exc}") from exc
        if not isinstance(cert.public_key(), rsa.RSAPublicKey):
            raise ValueError(f"entry {index}: only RSA certificates can sign client assertions (RS256/PS256)")
        checked.append(pem)
    return checked


# --- JWT helpers --------------------------------------------------------------------------------


def _b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _b64url(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _malformed(detail):
    return TokenError(401, "invalid_client", 700027, f"Client assertion failed signature validation. [Reason - The JWT is malformed: {detail}] {DOC_HINT}")


def parse(assertion):
    parts = assertion.split(".")
    if len(parts) != 3:
        raise _malformed("A JWT has three base64url parts separated by dots.")
    try:
        header = json.loads(_b64url_decode(parts[0]))
        claims = json.loads(_b64url_decode(parts[1]))
        signature = _b64url_decode(parts[2])
    except (ValueError, binascii.Error) as exc:
        raise _malformed("Its header, payload or signature is not valid base64url JSON.") from exc
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise _malformed("Its header and payload must be JSON objects.")
    return header, claims, f"{parts[0]}.{parts[1]}".encode("ascii"), signature


def _signature_failed(detail=""):
    return TokenError(401, "invalid_client", 700027, f"Client assertion failed signature validation.{detail} {DOC_HINT}")


def _find_certificate(header, registered, client_id):
    """The registered certificate the JWT header names, or a 401 AADSTS700027."""
    by_sha1, by_sha256, by_der = {}, {}, {}
    for pem in registered:
        cert = _load_certificate(pem)
        by_sha1[_b64url(cert.fingerprint(hashes.SHA1()))] = cert  # nosec - x5t is SHA-1 by definition (RFC 7515)
        by_sha256[_b64url(cert.fingerprint(hashes.SHA256()))] = cert
        by_der[cert.public_bytes(serialization.Encoding.DER)] = cert
    named = None
    if isinstance(header.get("x5c"), list) and header["x5c"]:
        try:
            # MSAL keeps the PEM line breaks inside x5c entries: ignore whitespace.
            leaf = base64.b64decode("".join(header["x5c"][0].split()), validate=True)
        except (AttributeError, binascii.Error, TypeError, ValueError) as exc:
            raise _malformed("The x5c header is not a list of base64 DER certificates.") from exc
        if leaf in by_der:
            return by_der[leaf]
        named = _sha1_of_der(leaf)
    for key, table in (("x5t#S256", by_sha256), ("x5t", by_sha1)):
        value = header.get(key)
        if isinstance(value, str):
            # MSAL keeps the base64 '=' padding (x5t ends in '='); RFC 7515 omits it: accept both.
            if value.rstrip("=") in table:
                return table[value.rstrip("=")]
            named = named or value
    if named is None:
        raise _signature_failed(" [Reason - The JWT header has no x5t, x5t#S256 or x5c naming the signing certificate.]")
    raise _signature_failed(
        f" [Reason - The key was not found., Thumbprint of key used by client: '{named}', "
        f"Please register the certificate for app Id '{client_id}' (emulator config key "
        "'client_certificates').]"
    )


def _sha1_of_der(raw):
    """The base64url SHA-1 thumbprint of a DER certificate (what x5t would say), for messages."""
    digest = hashes.Hash(hashes.SHA1())  # nosec - thumbprints are SHA-1 by definition
    digest.update(raw)
    return _b64url(digest.finalize())


def _verify_signature(cert, algorithm, signed, signature):
    key = cert.public_key()
    if algorithm == "RS256":
        pad = padding.PKCS1v15()
    else:
        pad = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.AUTO)
    try:
        key.verify(signature, signed, pad, hashes.SHA256())
    except InvalidSignature as exc:
        raise _signature_failed() from exc


def iso(epoch):
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.0000000Z")


def _number(claims, name):
    value = claims.get(name)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _malformed(f"The '{name}' claim must be a number (seconds since the epoch).")
    return value


def _check_claims(claims, audience, client_id):
    aud = claims.get("aud")
    if not isinstance(aud, str) or aud.rstrip("/").lower() != audience.lower():
        raise TokenError(
            401, "invalid_client", 700023, f"Client assertion audience claim does not match Realm issuer. Expected '{audience}', got {aud!r}. {DOC_HINT}"
        )
    for name in ("iss", "sub"):
        value = claims.get(name)
        if not isinstance(value, str) or value.lower() != client_id.lower():
            raise TokenError(
                401,
                "invalid_client",
                700021,
                f"Client assertion application identifier doesn't match 'client_id' parameter ('{name}' is {value!r}). {DOC_HINT}",
            )
    # Real time, not state.clock: the client signs exp/nbf with its own (real) clock.
    now = time.time()
    exp = _number(claims, "exp")
    nbf = _number(claims, "nbf") if "nbf" in claims else None
    if exp <= now or (nbf is not None and nbf > now):
        raise TokenError(
            401,
            "invalid_client",
            700024,
            f"Client assertion is not within its valid time range. Current time: "
            f"{iso(now)}, assertion valid from {iso(nbf or 0)}, expiry time of "
            f"assertion {iso(exp)}. {DOC_HINT}",
        )


def form_assertion(form):
    """The form's client assertion (a string), or the TokenError Entra answers for a missing or wrong type."""
    assertion_type = form.get("client_assertion_type")
    assertion = form.get("client_assertion")
    if not assertion_type:
        raise TokenError(400, "invalid_request", 900144, "The request body must contain the following parameter: 'client_assertion_type'.")
    if assertion_type != JWT_BEARER:
        raise TokenError(400, "invalid_request", 90011, f"Unexpected client assertion type '{assertion_type}'; expected '{JWT_BEARER}'.")
    if not assertion or not isinstance(assertion, str):
        raise TokenError(400, "invalid_request", 900144, "The request body must contain the following parameter: 'client_assertion'.")
    return assertion


def verify(form, registered, audience, client_id):
    """Check the form's client assertion; return None if accepted, raise TokenError otherwise.

    ``registered``: PEM certificates (config ``client_certificates``); ``audience``: the URL of
    the token endpoint the request was sent to; ``client_id``: the form's client id.
    """
    assertion = form_assertion(form)
    header, claims, signed, signature = parse(assertion)
    algorithm = header.get("alg")
    if algorithm not in ALGORITHMS:
        raise _signature_failed(f" [Reason - Unsupported signing algorithm {algorithm!r}; use RS256 or PS256.]")
    cert = _find_certificate(header, registered, client_id)
    _verify_signature(cert, algorithm, signed, signature)
    _check_claims(claims, audience, client_id)

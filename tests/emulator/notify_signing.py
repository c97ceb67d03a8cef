"""The test issuer of call notifications: its keys (served as a JWKS), its OpenID document, and the tokens it signs.

Graph signs each notification with ``Authorization: Bearer <JWT>`` (Microsoft's Teams calling samples,
AuthenticationProvider.ValidateInboundRequestAsync): RS256 by a key the OpenID
document's ``jwks_uri`` names, ``iss`` https://api.botframework.com, ``aud`` the bot's app id, ``tid``. Config
notification_signing makes the emulator sign wrongly in each way a receiver must refuse (or rotate its key, which a
receiver must follow). The times in a token are the machine's (``time.time()``), not the emulator clock's: the
receiver checks them against its own clock.
"""

import base64
import json
import threading
import time

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

ISSUER = "https://api.botframework.com"
TOKEN_LIFETIME = 3600
SIGNING_MODES = (
    "valid",
    "bad_signature",
    "unknown_key",
    "expired",
    "not_yet_valid",
    "wrong_audience",
    "wrong_issuer",
    "no_tenant",
    "alg_none",
    "no_token",
    "rotated_key",
)
OPENID_PATH = "/_emulator/notifications/openid-configuration"
KEYS_PATH = "/_emulator/notifications/keys"


def _b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _int_b64(number):
    return _b64(number.to_bytes((number.bit_length() + 7) // 8, "big"))


class Signer:
    """RSA keys made on first use (a 2048-bit key costs tens of ms: not at every emulator start)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._keys = {}

    def _key(self, kid):
        with self._lock:
            if kid not in self._keys:
                self._keys[kid] = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            return self._keys[kid]

    def jwk(self, kid):
        """The public key ``kid`` as a JWK (RS256)."""
        numbers = self._key(kid).public_key().public_numbers()
        return {"kty": "RSA", "use": "sig", "alg": "RS256", "kid": kid, "n": _int_b64(numbers.n), "e": _int_b64(numbers.e)}

    def public_key(self, kid):
        return self._key(kid).public_key()

    def sign(self, header, claims, signing_kid):
        """A compact JWT of ``header`` and ``claims``, RS256-signed by the key ``signing_kid`` (unsigned for alg none)."""
        signed = _b64(json.dumps(header).encode()) + "." + _b64(json.dumps(claims).encode())
        signature = b""
        if header.get("alg") == "RS256":
            signature = self._key(signing_kid).sign(signed.encode(), padding.PKCS1v15(), hashes.SHA256())
        return signed + "." + _b64(signature)

    def jwks(self, mode):
        """The published keys: the issuer's key, and the new one once it rotated (mode rotated_key)."""
        kids = ["emulator-key-1"] + (["emulator-key-2"] if mode == "rotated_key" else [])
        return {"keys": [self.jwk(kid) for kid in kids]}

    @staticmethod
    def openid_document(base_url):
        return {
            "issuer": ISSUER,
            "jwks_uri": base_url + KEYS_PATH,
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["private_key_jwt"],
        }

    def authorization(self, mode, client_id, tenant_id):
        """The Authorization header value for ``mode`` (config notification_signing), or None (no_token)."""
        if mode == "no_token":
            return None
        now = int(time.time())
        claims = {"aud": client_id, "iss": ISSUER, "iat": now, "nbf": now, "exp": now + TOKEN_LIFETIME, "tid": tenant_id}
        kid, signing_kid, alg = "emulator-key-1", "emulator-key-1", "RS256"
        if mode == "expired":
            claims.update(iat=now - 2 * TOKEN_LIFETIME, nbf=now - 2 * TOKEN_LIFETIME, exp=now - TOKEN_LIFETIME)
        elif mode == "not_yet_valid":
            claims.update(iat=now + TOKEN_LIFETIME, nbf=now + TOKEN_LIFETIME, exp=now + 2 * TOKEN_LIFETIME)
        elif mode == "wrong_audience":
            claims["aud"] = "00000000-0000-0000-0000-000000000001"
        elif mode == "wrong_issuer":
            claims["iss"] = "https://sts.emulator.invalid/"
        elif mode == "no_tenant":
            del claims["tid"]
        elif mode == "bad_signature":
            signing_kid = "emulator-forger"  # a key nobody published, under the published key id
        elif mode == "unknown_key":
            kid = signing_kid = "emulator-unpublished"
        elif mode == "rotated_key":
            kid = signing_kid = "emulator-key-2"
        elif mode == "alg_none":
            alg = "none"
        return "Bearer " + self.sign({"typ": "JWT", "alg": alg, "kid": kid}, claims, signing_kid)

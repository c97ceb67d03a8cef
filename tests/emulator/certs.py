"""TLS material: a throw-away trustme CA and a server certificate, written to a directory.

Clients must verify the emulator like they verify Graph, so the CA certificate is written to
``ca.pem`` for them to trust (``ca_path``); nothing is added to any system trust store.
"""

import ipaddress
import os
import ssl
from dataclasses import dataclass

import trustme

# Names the server certificate is valid for: every way a test may spell loopback.
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True)
class CertificateFiles:
    """Paths of the PEM files written by ``create``."""

    ca_path: str
    cert_path: str
    key_path: str


def _extra_name(host):
    """The bind address too, when it is a specific non-loopback IP (e.g. a container address)."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return () if not host else (host,)
    if address.is_unspecified or host in LOOPBACK_NAMES:
        return ()
    return (host,)


def create(cert_dir, host="127.0.0.1"):
    """Write ca.pem, server.pem (chain) and server-key.pem to ``cert_dir``; return their paths."""
    os.makedirs(cert_dir, exist_ok=True)
    authority = trustme.CA(organization_name="msgraph.calls emulator", organization_unit_name="tests only")
    names = LOOPBACK_NAMES + tuple(name for name in _extra_name(host) if name not in LOOPBACK_NAMES)
    server_cert = authority.issue_cert(*names)
    files = CertificateFiles(
        ca_path=os.path.join(cert_dir, "ca.pem"),
        cert_path=os.path.join(cert_dir, "server.pem"),
        key_path=os.path.join(cert_dir, "server-key.pem"),
    )
    authority.cert_pem.write_to_path(files.ca_path)
    with open(files.cert_path, "wb") as handle:
        for blob in server_cert.cert_chain_pems:
            handle.write(blob.bytes())
    # The key is only for this process, but keep it private anyway.
    with open(os.open(files.key_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as handle:
        handle.write(server_cert.private_key_pem.bytes())
    return files


def server_context(files):
    """A server-side SSLContext (TLS 1.2+) presenting the written certificate."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(files.cert_path, files.key_path)
    return context

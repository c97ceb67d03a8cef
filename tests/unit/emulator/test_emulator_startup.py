"""Process contract: the first stdout line, TLS names, clean exit on SIGTERM/SIGINT, start-up errors."""
# pylint: disable=missing-function-docstring,redefined-outer-name  # pytest injects fixtures by parameter name

import json
import os
import re
import signal
import socket
import ssl
import subprocess
import sys
import time

import pytest

from emulator.client import SERVER_SCRIPT, EmulatorError, EmulatorProcess

GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def test_first_line_keys_and_format(server):
    info = server.info
    required = {"graph_endpoint", "authority_host", "ca_path", "tenant_id", "client_id", "client_secret", "admin_url", "port", "pid"}
    assert required <= set(info)
    base = f"https://127.0.0.1:{info['port']}"
    assert info["graph_endpoint"] == base
    assert info["authority_host"] == base
    assert info["admin_url"] == base + "/_emulator"
    assert isinstance(info["port"], int) and info["port"] > 0
    assert info["pid"] == server.process.pid
    assert GUID.match(info["tenant_id"]) and GUID.match(info["client_id"])
    assert info["tenant_id"] == "5b7c9e3a-1d2f-4c6b-8a9e-0f1e2d3c4b5a"
    assert info["client_secret"] == "emulator-secret-not-a-real-credential"
    with open(info["ca_path"], encoding="ascii") as handle:
        assert handle.read().startswith("-----BEGIN CERTIFICATE-----")
    # The admin API hands out the same object.
    assert server.admin("GET", "/info") == info


def test_first_line_is_flushed_at_once_and_alone():
    with subprocess.Popen([sys.executable, SERVER_SCRIPT, "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL) as proc:
        try:
            line = proc.stdout.readline()
            info = json.loads(line)
            assert line.endswith(b"\n") and info["pid"] == proc.pid
        finally:
            proc.terminate()
            assert proc.wait(timeout=10) == 0
        assert proc.stdout.read() == b""


@pytest.mark.parametrize("hostname", ["127.0.0.1", "localhost"])
def test_certificate_valid_for_loopback_names(server, hostname):
    context = ssl.create_default_context(cafile=server.ca_path)
    with socket.create_connection(("127.0.0.1", server.info["port"]), timeout=5) as raw:
        with context.wrap_socket(raw, server_hostname=hostname) as tls:
            assert tls.version() in ("TLSv1.2", "TLSv1.3")


def test_certificate_names_include_ipv6_loopback(server):
    from cryptography import x509  # pylint: disable=import-outside-toplevel

    with open(os.path.join(server.info["cert_dir"], "server.pem"), "rb") as handle:
        cert = x509.load_pem_x509_certificate(handle.read())
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    ips = {str(ip) for ip in names.get_values_for_type(x509.IPAddress)}
    assert {"127.0.0.1", "::1"} <= ips
    assert "localhost" in names.get_values_for_type(x509.DNSName)


def test_untrusted_client_is_refused_and_server_survives(server):
    context = ssl.create_default_context()  # system trust: does not know the emulator's CA
    with socket.create_connection(("127.0.0.1", server.info["port"]), timeout=5) as raw:
        with pytest.raises(ssl.SSLCertVerificationError):
            context.wrap_socket(raw, server_hostname="127.0.0.1")
    assert server.admin("GET", "/config")["page_size"] == 100


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_signal_ends_cleanly_with_status_0(signum, tmp_path):
    emu = EmulatorProcess("--cert-dir", str(tmp_path / "certs")).start()
    assert os.path.exists(tmp_path / "certs" / "ca.pem")
    emu.process.send_signal(signum)
    assert emu.process.wait(timeout=10) == 0
    emu.stop()
    assert "Traceback" not in emu.log_text()


def test_default_cert_dir_is_removed_at_exit():
    emu = EmulatorProcess().start()
    cert_dir = emu.info["cert_dir"]
    assert os.path.isdir(cert_dir)
    assert emu.stop() == 0
    assert not os.path.exists(cert_dir)


def test_port_in_use_fails_with_stderr_in_the_error(server):
    started = time.monotonic()
    with pytest.raises(EmulatorError) as excinfo:
        EmulatorProcess("--port", str(server.info["port"])).start()
    assert "Address already in use" in str(excinfo.value)
    assert time.monotonic() - started < 20

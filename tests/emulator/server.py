"""Start the emulator: ``python tests/emulator/server.py [--host H] [--port P] [--cert-dir DIR]``.

The first stdout line is one JSON object (endpoints, CA path, credentials) that callers parse
to find the server; request logs go to stderr; SIGTERM/SIGINT stop it with exit status 0.
"""

import argparse
import json
import os
import shutil
import signal
import socket
import sys
import tempfile
import threading

if __name__ == "__main__":
    # Run as a script, sys.path[0] is tests/emulator, whose module names (state, config, ...)
    # could shadow other packages; import the package from tests/ instead.
    _TESTS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    if sys.path and os.path.abspath(sys.path[0] or os.curdir) == os.path.dirname(os.path.abspath(__file__)):
        sys.path.pop(0)
    sys.path.insert(0, _TESTS_DIR)

# pylint: disable=wrong-import-position
from emulator import certs  # noqa: E402
from emulator import managed_identity  # noqa: E402
from emulator import seed  # noqa: E402
from emulator.handler import EmulatorHandler  # noqa: E402
from emulator.notifier import Notifier  # noqa: E402
from emulator.notify_signing import OPENID_PATH  # noqa: E402
from emulator.quiet_server import QuietThreadingHTTPServer  # noqa: E402
from emulator.state import EmulatorState  # noqa: E402

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8443


class EmulatorHTTPServer(QuietThreadingHTTPServer):
    """ThreadingHTTPServer over TLS; the handshake runs in each connection's own thread."""

    def __init__(self, address, ssl_context, state):
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.state = state
        super().__init__(address, EmulatorHandler)
        # do_handshake_on_connect=False: a client that connects and stalls must not block accept().
        self.socket = ssl_context.wrap_socket(self.socket, server_side=True, do_handshake_on_connect=False)


def advertised_host(host):
    """The host for URLs in the first line: loopback for wildcard binds, brackets for IPv6."""
    if host in ("", "0.0.0.0", "localhost"):
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host else host


def parse_args(argv):
    """Command-line options (a contract: keep names and defaults)."""
    parser = argparse.ArgumentParser(description="Local Microsoft Graph + token service emulator for msgraph.calls tests.")
    parser.add_argument("--host", default=DEFAULT_HOST, help=f"address to bind (default {DEFAULT_HOST})")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port to bind, 0 picks a free one (default {DEFAULT_PORT})")
    parser.add_argument("--cert-dir", help="directory for ca.pem, server.pem, server-key.pem (default: a fresh temp dir, removed at exit)")
    parser.add_argument("--mi-port", type=int, default=0, help="port of the plain-HTTP managed identity endpoint on 127.0.0.1, 0 picks a free one (default 0)")
    parser.add_argument(
        "--seed",
        metavar="FILE",
        help="a JSON or YAML file of users, meetings, calls and config to start with, as the admin API takes them (see seed.py)",
    )
    return parser.parse_args(argv)


def main(argv=None):
    """Run until SIGTERM/SIGINT; return the exit status."""
    args = parse_args(argv)
    try:
        document = seed.load(args.seed) if args.seed else None
    except seed.SeedError as exc:
        sys.stderr.write(f"{exc}\n")
        return 2
    owned_dir = args.cert_dir is None
    cert_dir = tempfile.mkdtemp(prefix="msgraph-emulator-") if owned_dir else os.path.abspath(args.cert_dir)
    try:
        files = certs.create(cert_dir, args.host)
        state = EmulatorState(base_url="")
        try:
            seeded = seed.apply(state, document, args.seed) if document else []
        except seed.SeedError as exc:
            sys.stderr.write(f"{exc}\n")
            return 2
        httpd = EmulatorHTTPServer((args.host, args.port), certs.server_context(files), state)
        mi_server = managed_identity.start(state, args.mi_port)
        state.notifier = Notifier(state)
        port = httpd.server_address[1]
        state.base_url = f"https://{advertised_host(args.host)}:{port}"
        state.info = {
            "graph_endpoint": state.base_url,
            "authority_host": state.base_url,
            "ca_path": files.ca_path,
            "tenant_id": state.app.tenant_id,
            "client_id": state.app.client_id,
            "client_secret": state.app.client_secret,
            "admin_url": f"{state.base_url}/_emulator",
            "port": port,
            "pid": os.getpid(),
            "cert_dir": cert_dir,
            # Managed identity (App Service style): IDENTITY_ENDPOINT and IDENTITY_HEADER for MSAL.
            "managed_identity_endpoint": mi_server.endpoint,
            "identity_header": managed_identity.IDENTITY_HEADER,
            "managed_identity_client_id": managed_identity.SYSTEM_ASSIGNED_CLIENT_ID,
            # Call notifications (config notifications): the OpenID document a receiver reads the signing keys from.
            "notification_openid_url": f"{state.base_url}{OPENID_PATH}",
        }
        state.notifier.start()

        def stop(signum, frame):  # pylint: disable=unused-argument
            # shutdown() waits for serve_forever() to return, which runs in this (main) thread: call it from another.
            threading.Thread(target=httpd.shutdown, daemon=True).start()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        sys.stdout.write(json.dumps(state.info) + "\n")
        sys.stdout.flush()
        sys.stderr.write(f"msgraph.calls emulator listening on {state.base_url} (pid {os.getpid()})\n")
        for line in seeded:
            sys.stderr.write(f"seeded {line}\n")
        sys.stderr.flush()
        try:
            httpd.serve_forever(poll_interval=0.05)
        finally:
            httpd.server_close()
            state.notifier.stop()
            mi_server.shutdown()
            mi_server.server_close()
    finally:
        if owned_dir:
            shutil.rmtree(cert_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

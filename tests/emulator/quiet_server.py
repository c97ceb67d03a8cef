"""The HTTP server base both emulator listeners share (Graph over TLS, managed identity over HTTP)."""

import socketserver
import sys
from http.server import ThreadingHTTPServer


class QuietThreadingHTTPServer(ThreadingHTTPServer):
    """ThreadingHTTPServer without the reverse DNS lookup at bind, and one log line per dropped connection."""

    daemon_threads = True
    allow_reuse_address = True
    label = "connection error"

    def server_bind(self):
        # HTTPServer.server_bind calls socket.getfqdn(), a reverse DNS lookup that can hang offline.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def handle_error(self, request, client_address):
        # Clients that drop connections or reject our certificate are normal in tests: one line, no traceback.
        exc = sys.exc_info()[1]
        if isinstance(exc, OSError):
            sys.stderr.write(f"{client_address[0]} - {self.label}: {exc!r}\n")
        else:
            super().handle_error(request, client_address)

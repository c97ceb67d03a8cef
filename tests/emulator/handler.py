"""HTTP plumbing: read a request, dispatch it, record it, write the response and error bodies."""

import json
import ssl
import sys
import time
import traceback
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler

from emulator import admin_api, faults, graph_api, token_api
from emulator.errors import GraphError, TokenError
from emulator.messages import Request, Response
from emulator.state import new_guid

REDACTED = "<redacted>"
SECRET_FORM_FIELDS = ("client_secret", "client_assertion")
# Header whose whole value is a secret (the managed identity endpoint's shared secret).
SECRET_HEADERS = ("x-identity-header",)
MAX_BODY_BYTES = 10 * 1024 * 1024


class BadRequestFraming(Exception):
    """The request body could not be read (bad Content-Length or chunking); the connection is closed."""


def _utc_now():
    return datetime.now(timezone.utc)


def graph_error_body(err, req):
    """Graph's error envelope (Microsoft Graph docs: error responses)."""
    return {
        "error": {
            "code": err.code,
            "message": err.message,
            "innerError": {
                "date": _utc_now().strftime("%Y-%m-%dT%H:%M:%S"),
                "request-id": req.request_id,
                "client-request-id": req.client_request_id,
            },
        }
    }


def token_error_response(err, req, state):
    """Entra ID's error shape; correlation_id echoes the caller's client-request-id like Entra does."""
    trace_id = req.request_id
    correlation_id = req.header("client-request-id") or new_guid()
    timestamp = _utc_now().strftime("%Y-%m-%d %H:%M:%SZ")
    body = {
        "error": err.error,
        "error_description": f"AADSTS{err.aadsts}: {err.message}\r\nTrace ID: {trace_id}\r\nCorrelation ID: {correlation_id}\r\nTimestamp: {timestamp}",
        "error_codes": [err.aadsts],
        "timestamp": timestamp,
        "trace_id": trace_id,
        "correlation_id": correlation_id,
        "error_uri": f"{state.base_url}/error?code={err.aadsts}",
    }
    return Response(err.status, body)


def dispatch(req, state):
    """Route a request; return ``(response, kind)`` with kind one of 'admin', 'graph', 'token', 'other'."""
    first = req.segments[0].lower() if req.segments else ""
    kind = "admin" if first == "_emulator" else "graph" if first in graph_api.VERSIONS else "token"
    try:
        if kind == "admin":
            return admin_api.handle(req, state), kind
        if kind == "graph":
            return graph_api.handle(req, state), kind
        response = token_api.handle(req, state)
        if response is not None:
            return response, kind
        kind = "other"
        raise GraphError(
            404,
            "UnknownError",
            f"No route for {req.method} {req.raw_path}: Graph lives under /v1.0 and /beta, "
            "the token service under /{tenant}/, the admin API under /_emulator/.",
        )
    except GraphError as err:
        return Response(err.status, graph_error_body(err, req), err.headers), kind
    except TokenError as err:
        return token_error_response(err, req, state), kind


def redact_headers(headers):
    """Headers as a dict (repeated names joined with ', '), Authorization value hidden, scheme kept."""
    result = {}
    for name, value in headers.items():
        if name.lower() == "authorization":
            scheme, sep, _secret = value.partition(" ")
            value = f"{scheme} {REDACTED}" if sep else REDACTED
        elif name.lower() in SECRET_HEADERS:
            value = REDACTED
        result[name] = f"{result[name]}, {value}" if name in result else value
    return result


def _redact_fields(values):
    return {key: REDACTED if key in SECRET_FORM_FIELDS else value for key, value in values.items()}


def recorded_body(req):
    """The body for the request log: the form as a dict, parsed JSON, or None."""
    if not req.body:
        return None
    if req.media_type() == "application/x-www-form-urlencoded":
        return _redact_fields(req.form())
    try:
        return json.loads(req.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None


def record_entry(req, status):
    """One request-log entry (secrets redacted)."""
    return {
        "method": req.method,
        "path": req.raw_path,
        "query": _redact_fields(req.query),
        "headers": redact_headers(req.headers),
        "status": status,
        "body": recorded_body(req),
        # When the emulator answered (seconds since the epoch, the machine's clock): benchmarks time a run against it.
        "answered_at": time.time(),
    }


class EmulatorHandler(BaseHTTPRequestHandler):
    """One connection; HTTP/1.1 keep-alive so clients reuse TLS sessions like they would with Graph."""

    server_version = "msgraph-calls-emulator/1.0"
    protocol_version = "HTTP/1.1"
    # Idle keep-alive connections are dropped after this many seconds.
    timeout = 60
    # Headers and body go out in two writes; with Nagle on, the body waits for the client's
    # delayed ACK (~40 ms per response).
    disable_nagle_algorithm = True

    def do_GET(self):  # pylint: disable=invalid-name
        """Serve GET."""
        self._serve()

    def do_POST(self):  # pylint: disable=invalid-name
        """Serve POST."""
        self._serve()

    def do_PUT(self):  # pylint: disable=invalid-name
        """Serve PUT (no route uses it: 404/405)."""
        self._serve()

    def do_PATCH(self):  # pylint: disable=invalid-name
        """Serve PATCH (no route uses it: 404/405)."""
        self._serve()

    def do_DELETE(self):  # pylint: disable=invalid-name
        """Serve DELETE (no route uses it: 404/405)."""
        self._serve()

    def _read_body(self):
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            return self._read_chunked()
        length = self.headers.get("Content-Length") or "0"
        if not length.strip().isdigit() or int(length) > MAX_BODY_BYTES:
            raise BadRequestFraming(f"bad Content-Length {length!r}")
        return self.rfile.read(int(length))

    def _read_chunked(self):
        chunks, total = [], 0
        while True:
            line = self.rfile.readline(1024).split(b";", 1)[0].strip()
            try:
                size = int(line, 16)
            except ValueError as exc:
                raise BadRequestFraming("bad chunk size") from exc
            total += size
            if total > MAX_BODY_BYTES:
                raise BadRequestFraming("body too large")
            if size == 0:
                # Skip trailers up to the blank line that ends the message.
                while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                    pass
                return b"".join(chunks)
            chunks.append(self.rfile.read(size))
            self.rfile.readline(1024)

    def _serve(self):
        state = self.server.state
        raw_path, dummy, raw_query = self.path.partition("?")
        try:
            body = self._read_body()
        except BadRequestFraming as exc:
            self.close_connection = True
            self.send_error(400, f"Bad request framing: {exc}")
            return
        req = Request(self.command, raw_path, raw_query, self.headers, body, self.client_address[0])
        # Injected faults (faults.py); admin paths are never faulted and release nothing.
        fault = None
        if not self._is_admin(req):
            self._arrived(req, state)
            fault = state.faults.take(req.method, req.raw_path)
        action = fault["action"] if fault else None
        if action == "hold":
            self._serve_held(fault, req, state)
            return
        if action in faults.SHORT_CIRCUIT:
            kind = self._kind(req)
            response = self._fault_response(fault, req, state, kind)
        else:
            if action == "delay":
                time.sleep(fault["delay_ms"] / 1000.0)
            response, kind = self._route(req, state)
            if action == "commit_then_status":
                response = self._fault_response(fault, req, state, kind)
        if kind != "admin":
            self._record(req, state, None if action == "commit_then_drop" else response.status, action)
        if action == "commit_then_drop":
            # The request was performed; close the connection without a status line.
            self.close_connection = True
            self.log_message('"%s" performed, connection dropped (fault commit_then_drop)', self.requestline)
            return
        self._send(req, response, kind)

    @staticmethod
    def _record(req, state, status, action):
        entry = record_entry(req, status)
        if action:
            entry["fault"] = action
        state.record(entry)

    def _arrived(self, req, state):
        """A non-admin request arrived: a Graph request moves the manual clock by its tick (clock.py), then
        the requests it releases (hold rules' release_on) are performed, so routing it sees their effect."""
        if self._kind(req) == "graph":
            state.clock.graph_request()
        state.holds.release_matching(req.method, req.raw_path)

    def _perform_held(self, req, state):
        """Perform a held request now (in whichever thread released it) and record it; ``(response, kind)``."""
        response, kind = self._route(req, state)
        self._record(req, state, response.status, "hold")
        return response, kind

    def _serve_held(self, fault, req, state):
        """The hold fault: wait until released (holds.py), then answer on this connection if the client is still there."""
        held = state.holds.hold(fault, lambda: self._perform_held(req, state))
        state.holds.wait(held)
        if held.cancelled:
            err = GraphError(503, "serviceNotAvailable", "The held request was cancelled (emulator reset or faults cleared).")
            response, kind = Response(503, graph_error_body(err, req)), self._kind(req)
        elif held.result is None:  # performing it failed: a bug, traceback on stderr
            err = GraphError(500, "generalException", "Emulator internal error; see its stderr log.")
            response, kind = Response(500, graph_error_body(err, req)), self._kind(req)
        else:
            response, kind = held.result
        try:
            self._send(req, response, kind)
        except (ConnectionError, ssl.SSLError) as exc:
            # The client gave up while its request was held (its timeout): normal in tests, nothing to answer.
            self.close_connection = True
            self.log_message('"%s" answered after the hold, but the client is gone: %r', self.requestline, exc)

    @staticmethod
    def _is_admin(req):
        return bool(req.segments) and req.segments[0].lower() == "_emulator"

    @staticmethod
    def _kind(req):
        """The service a path belongs to, as dispatch() names it (for faults answered without dispatching)."""
        first = req.segments[0].lower() if req.segments else ""
        if first in graph_api.VERSIONS:
            return "graph"
        func, _captures, allowed = token_api.ROUTER.match(req.method, req.segments)
        return "token" if func or allowed else "other"

    def _route(self, req, state):
        """``(response, kind)`` for a request; subclasses (the managed identity endpoint) override it."""
        try:
            return dispatch(req, state)
        except Exception:  # pylint: disable=broad-exception-caught
            # A bug in the emulator must reach the test as a 500 with a Graph body, not a dropped connection.
            traceback.print_exc(file=sys.stderr)
            return Response(500, graph_error_body(GraphError(500, "generalException", "Emulator internal error; see its stderr log."), req)), "graph"

    @staticmethod
    def _fault_response(fault, req, state, kind):
        """The answer of a ``status``, ``commit_then_status``, ``malformed`` or ``redirect`` fault."""
        if fault["action"] == "malformed":
            return Response(200, faults.MALFORMED_BODY)
        if fault["action"] == "redirect":
            return Response(fault["status"], {"redirect": "injected"}, {"Location": fault["location"]})
        err = faults.error_for(fault, kind)
        if isinstance(err, TokenError):
            response = token_error_response(err, req, state)
            response.headers.update(err.headers)
            return response
        return Response(err.status, graph_error_body(err, req), err.headers)

    def _send(self, req, response, kind):
        if isinstance(response.body, bytes):
            payload = response.body  # sent as is (the 'malformed' fault)
        else:
            payload = b"" if response.body is None else json.dumps(response.body).encode("utf-8")
        self.send_response(response.status)
        if kind == "token":
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("x-ms-request-id", req.request_id)
            if req.header("client-request-id"):
                self.send_header("client-request-id", req.header("client-request-id"))
        else:
            self.send_header("Content-Type", "application/json")
            self.send_header("request-id", req.request_id)
            self.send_header("client-request-id", req.client_request_id)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        """One line per request on stderr (BaseHTTPRequestHandler's format, flushed for live tailing)."""
        sys.stderr.write(f"{self.address_string()} - [{self.log_date_time_string()}] {format % args}\n")
        sys.stderr.flush()

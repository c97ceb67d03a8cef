"""Request and Response objects passed between handler.py and the API modules."""

import json
from urllib.parse import parse_qs, unquote

from emulator.errors import GraphError
from emulator.state import new_guid


def split_path(raw_path):
    """Split the RAW path on '/' first, then percent-decode each segment.

    Decoding first would turn a call id containing ``%2F`` into two segments. A single
    trailing slash is tolerated; other empty segments are kept so they never match a route.
    """
    parts = raw_path.split("/")[1:] if raw_path.startswith("/") else raw_path.split("/")
    if len(parts) > 1 and parts[-1] == "":
        parts.pop()
    return [unquote(part) for part in parts]


def parse_query(raw_query):
    """Query string as a dict: single values as strings, repeated keys as lists."""
    parsed = parse_qs(raw_query, keep_blank_values=True)
    return {key: values[0] if len(values) == 1 else values for key, values in parsed.items()}


class Request:  # pylint: disable=too-many-instance-attributes
    """One received HTTP request, body already read."""

    def __init__(self, method, raw_path, raw_query, headers, body, client_host):  # pylint: disable=too-many-arguments,too-many-positional-arguments
        self.method = method
        self.raw_path = raw_path
        self.segments = split_path(raw_path)
        self.query = parse_query(raw_query)
        self.headers = headers  # email.message.Message: case-insensitive .get()
        self.body = body
        self.client_host = client_host
        # One id per request, used in the request-id header and in innerError alike.
        self.request_id = new_guid()

    def header(self, name, default=None):
        """A request header value (case-insensitive name)."""
        return self.headers.get(name, default)

    @property
    def client_request_id(self):
        """The caller's client-request-id; Graph echoes it, or reuses request-id when absent."""
        return self.header("client-request-id") or self.request_id

    def media_type(self):
        """The Content-Type without parameters, lower-cased ('' when absent)."""
        return (self.header("Content-Type") or "").split(";")[0].strip().lower()

    def json(self):
        """The body parsed as JSON; GraphError 400 with Graph's wording when it is not JSON."""
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise GraphError(
                400, "BadRequest", "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format."
            ) from exc

    def form(self):
        """The body parsed as application/x-www-form-urlencoded (single values as strings)."""
        return parse_query(self.body.decode("utf-8", errors="replace"))


class Response:  # pylint: disable=too-few-public-methods
    """What a route returns: status, a JSON-serialisable body (or None) and extra headers."""

    def __init__(self, status, body=None, headers=None):
        self.status = status
        self.body = body
        self.headers = dict(headers or {})

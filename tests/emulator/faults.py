"""Fault injection: rules set through ``/_emulator/faults`` that make matching requests fail.

A rule matches a request by method and a regex searched in the raw path; the first rule
(in the order added) that matches and has uses left is applied and its count decremented.
Admin paths (``/_emulator/...``) are never faulted. Actions:

- ``status``: answer ``status`` with an error body, without performing the request;
- ``delay``: sleep ``delay_ms``, then perform the request normally;
- ``commit_then_drop``: perform the request, then close the connection without answering;
- ``commit_then_status``: perform the request, then answer ``status`` with an error body;
- ``malformed``: answer 200 with a body that is not JSON, without performing the request;
- ``redirect``: answer ``status`` (a 3xx, 307 by default) with ``Location: location``, without performing
  the request: a client that follows it sends the request, body and all, to that place;
- ``hold``: neither perform nor answer the request until something releases it (a later request
  matching ``release_on``, ``POST /_emulator/faults/release``, or ``max_hold_ms``); then perform
  and answer it. holds.py keeps the held requests.

The error body follows the service the path belongs to: Graph's ``{"error": {"code", ...}}``
everywhere, except the token service (``/{tenant}/...``), which answers in Entra ID's shape
(``error``, ``error_description`` with an AADSTS code, ...), as Entra does.
"""

import copy
import re
import threading

from emulator.errors import GraphError, TokenError

ACTIONS = ("status", "delay", "commit_then_drop", "commit_then_status", "malformed", "redirect", "hold")
# Actions that answer without performing the request.
SHORT_CIRCUIT = ("status", "malformed", "redirect")
# Actions that perform the request and then replace or drop the answer.
AFTER_COMMIT = ("commit_then_drop", "commit_then_status")

COMMON_KEYS = ("method", "path", "times", "action")
ACTION_KEYS = {
    "status": ("status", "code", "message", "retry_after"),
    "commit_then_status": ("status", "code", "message", "retry_after"),
    "delay": ("delay_ms",),
    "commit_then_drop": (),
    "malformed": (),
    "redirect": ("status", "location"),
    "hold": ("release_on", "max_hold_ms"),
}
MAX_DELAY_MS = 120_000
MAX_HOLD_MS = 120_000
DEFAULT_MAX_HOLD_MS = 60_000
RELEASE_ON_KEYS = ("method", "path")
MALFORMED_BODY = b'{"value": ['

# Graph error code and message per status when the rule names none (Microsoft Graph docs: error responses, throttling guidance).
GRAPH_DEFAULTS = {
    400: ("BadRequest", "Injected fault: bad request."),
    401: ("InvalidAuthenticationToken", "Injected fault: access token validation failure."),
    403: ("accessDenied", "Injected fault: access denied."),
    404: ("itemNotFound", "Injected fault: not found."),
    409: ("Conflict", "Injected fault: conflict."),
    429: ("TooManyRequests", "Please retry again later."),
    500: ("generalException", "Injected fault: internal server error."),
    502: ("badGateway", "Injected fault: bad gateway."),
    503: ("serviceNotAvailable", "Injected fault: the service is temporarily unavailable. Please retry later."),
    504: ("gatewayTimeout", "Injected fault: the gateway timed out."),
}
# Entra ID (token service) error, AADSTS code and message per status when the rule names none.
TOKEN_DEFAULTS = {
    429: ("temporarily_unavailable", 90055, "Injected fault: there are too many incoming requests. Please try again later."),
    500: ("server_error", 90033, "Injected fault: a transient error has occurred. Please try again."),
    503: ("temporarily_unavailable", 90033, "Injected fault: a transient error has occurred. Please try again."),
    504: ("temporarily_unavailable", 90033, "Injected fault: a transient error has occurred. Please try again."),
}


def _bad(message):
    return ValueError(message)


def _status(value, where):
    if isinstance(value, bool) or not isinstance(value, int) or not 400 <= value <= 599:
        raise _bad(f"{where}: 'status' must be an integer from 400 to 599 (got {value!r}).")
    return value


def _string(value, where, key):
    if not isinstance(value, str):
        raise _bad(f"{where}: '{key}' must be a string (got {value!r}).")
    return value


def _retry_after(value, where):
    """The Retry-After header value, sent verbatim: a string ("2", "0.5", an HTTP-date) or a number."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise _bad(f"{where}: 'retry_after' must be a string or a number (got {value!r}).")
    text = str(value)
    if not text or any(ch in text for ch in "\r\n"):
        raise _bad(f"{where}: 'retry_after' must be a non-empty single-line value.")
    return text


def _method(value, where):
    if not isinstance(value, str) or not value.strip():
        raise _bad(f"{where}: 'method' must be an HTTP method or '*' (got {value!r}).")
    return value.strip().upper()


def _regex(value, where):
    if not isinstance(value, str):
        raise _bad(f"{where}: 'path' must be a regular expression string (got {value!r}).")
    try:
        re.compile(value)
    except re.error as exc:
        raise _bad(f"{where}: 'path' is not a valid regular expression: {exc}.") from exc
    return value


def _release_on(value, where):
    """{"method": "*" by default, "path": regex (required)}: the request that releases a held one."""
    where = f"{where}.release_on"
    if not isinstance(value, dict):
        raise _bad(f'{where} must be an object {{"method": ..., "path": "<regex>"}} (got {value!r}).')
    for key in value:
        if key not in RELEASE_ON_KEYS:
            raise _bad(f"{where}: unknown key '{key}'. Keys: {', '.join(RELEASE_ON_KEYS)}.")
    if "path" not in value:
        raise _bad(f"{where} needs 'path', a regular expression searched in the raw path of the releasing request.")
    return {"method": _method(value.get("method", "*"), where), "path": _regex(value["path"], where)}


def _hold_fields(raw, where):
    max_hold = raw.get("max_hold_ms", DEFAULT_MAX_HOLD_MS)
    if isinstance(max_hold, bool) or not isinstance(max_hold, (int, float)) or not 0 <= max_hold <= MAX_HOLD_MS:
        raise _bad(f"{where}: 'max_hold_ms' must be a number from 0 to {MAX_HOLD_MS} (got {max_hold!r}).")
    release_on = raw.get("release_on")
    return {"release_on": None if release_on is None else _release_on(release_on, where), "max_hold_ms": max_hold}


def validate_rule(raw, index):
    """Check one rule; return it normalised (defaults filled in) or raise ValueError."""
    where = f"rules[{index}]"
    if not isinstance(raw, dict):
        raise _bad(f"{where} must be an object.")
    action = raw.get("action")
    if action not in ACTIONS:
        raise _bad(f"{where}: 'action' must be one of {', '.join(ACTIONS)} (got {action!r}).")
    allowed = COMMON_KEYS + ACTION_KEYS[action]
    for key in raw:
        if key not in allowed:
            raise _bad(f"{where}: key '{key}' does not apply to action '{action}'. Keys: {', '.join(allowed)}.")
    method = _method(raw.get("method", "*"), where)
    path = _regex(raw.get("path", ""), where)
    times = raw.get("times", 1)
    if isinstance(times, bool) or not isinstance(times, int) or times < 1:
        raise _bad(f"{where}: 'times' must be an integer >= 1 (got {times!r}).")
    rule = {"method": method, "path": path, "times": times, "action": action}
    rule.update(_action_fields(raw, action, where))
    return rule


def _action_fields(raw, action, where):
    """The action-specific keys of a rule, checked, with defaults."""
    rule = {}
    if action == "status":
        if "status" not in raw:
            raise _bad(f"{where}: action 'status' needs 'status' (an HTTP status such as 429 or 503).")
        rule["status"] = _status(raw["status"], where)
    elif action == "commit_then_status":
        rule["status"] = _status(raw.get("status", 500), where)
    elif action == "delay":
        delay = raw.get("delay_ms")
        if isinstance(delay, bool) or not isinstance(delay, (int, float)) or not 0 <= delay <= MAX_DELAY_MS:
            raise _bad(f"{where}: action 'delay' needs 'delay_ms', a number from 0 to {MAX_DELAY_MS} (got {delay!r}).")
        rule["delay_ms"] = delay
    elif action == "hold":
        rule.update(_hold_fields(raw, where))
    elif action == "redirect":
        status = raw.get("status", 307)
        if isinstance(status, bool) or not isinstance(status, int) or not 300 <= status <= 399:
            raise _bad(f"{where}: 'status' of a redirect must be an integer from 300 to 399 (got {status!r}).")
        rule["status"] = status
        rule["location"] = _string(raw.get("location"), where, "location")
        return rule
    for key in ("code", "message"):
        if key in raw:
            rule[key] = _string(raw[key], where, key)
    if "retry_after" in raw:
        rule["retry_after"] = _retry_after(raw["retry_after"], where)
    return rule


class FaultRules:
    """The ordered, thread-safe list of fault rules with their remaining counts."""

    def __init__(self):
        self._lock = threading.Lock()
        self._rules = []
        self._next_id = 1

    def add(self, raw_rules):
        """Validate all rules (all-or-nothing), append them; return the full list."""
        if not isinstance(raw_rules, list):
            raise _bad("'rules' must be a list of rule objects.")
        checked = [validate_rule(raw, index) for index, raw in enumerate(raw_rules)]
        with self._lock:
            for rule in checked:
                rule["id"] = self._next_id
                rule["remaining"] = rule["times"]
                self._next_id += 1
                self._rules.append(rule)
            return copy.deepcopy(self._rules)

    def list(self):
        """Every rule added since the last clear (exhausted ones keep ``remaining: 0``)."""
        with self._lock:
            return copy.deepcopy(self._rules)

    def clear(self):
        """Drop every rule."""
        with self._lock:
            self._rules.clear()

    def take(self, method, raw_path):
        """The first matching rule with uses left (a copy), its count decremented; else None."""
        with self._lock:
            for rule in self._rules:
                if rule["remaining"] < 1:
                    continue
                if rule["method"] not in ("*", method.upper()):
                    continue
                if not re.search(rule["path"], raw_path):
                    continue
                rule["remaining"] -= 1
                return dict(rule)
        return None


def error_for(rule, kind):
    """The GraphError or TokenError a ``status``/``commit_then_status`` rule answers with.

    ``kind`` is the service of the path ('graph', 'token', ...): the token service answers in
    Entra's shape, everything else in Graph's.
    """
    status = rule["status"]
    headers = {"Retry-After": rule["retry_after"]} if "retry_after" in rule else {}
    if kind == "token":
        error, aadsts, message = TOKEN_DEFAULTS.get(status, ("server_error" if status >= 500 else "invalid_request", 90033, "Injected fault."))
        err = TokenError(status, rule.get("code", error), aadsts, rule.get("message", message))
        err.headers = headers
        return err
    code, message = GRAPH_DEFAULTS.get(status, ("generalException" if status >= 500 else "BadRequest", "Injected fault."))
    return GraphError(status, rule.get("code", code), rule.get("message", message), headers)

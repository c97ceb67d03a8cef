"""Start/stop the emulator as a subprocess and talk to it; standard library only.

Used by the unit tests, the demo and benchmarks::

    from emulator.client import EmulatorProcess
    with EmulatorProcess() as emu:
        call = emu.create_call([{"user": {"id": "...", "displayName": "Ada"}}])
        token = emu.token()
        status, headers, body = emu.graph("GET", f"/v1.0/communications/calls/{call['id']}", token=token)
"""

import json
import os
import queue
import signal
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from urllib.parse import quote

# The msgraph.calls module options that point a module at this emulator, as named in the first line.
CONNECTION_OPTIONS = ("tenant_id", "client_id", "client_secret", "authority_host", "graph_endpoint", "ca_path")
SERVER_SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "server.py")


class EmulatorError(RuntimeError):
    """The emulator process failed to start or misbehaved."""


class AdminError(EmulatorError):
    """An admin call answered with an HTTP error; ``status`` and ``body`` (parsed JSON) say why."""

    def __init__(self, method, path, status, body):
        super().__init__(f"{method} {path} -> HTTP {status}: {body}")
        self.status = status
        self.body = body


def _decode(raw):
    if not raw:
        return None
    try:
        return json.loads(raw.decode("utf-8"))
    except ValueError:
        return raw.decode("utf-8", errors="replace")


class EmulatorProcess:  # pylint: disable=too-many-instance-attributes
    """The emulator in a child process. Context manager: starts on enter, stops on exit."""

    def __init__(self, *extra_args, startup_timeout=30.0, python=None, keep_log=False):
        self.args = [python or sys.executable, SERVER_SCRIPT, "--port", "0", *extra_args]
        self.startup_timeout = startup_timeout
        self.keep_log = keep_log
        self.info = None
        self.process = None
        self.log_path = None
        self._log_file = None
        self._final_log = None
        self._drainer = None
        self._ssl_context = None

    # --- process lifecycle -----------------------------------------------------------------

    def start(self):
        """Start the server and wait for its first stdout line; return self."""
        fd, self.log_path = tempfile.mkstemp(prefix="msgraph-emulator-", suffix=".log")
        # stderr goes straight to a file: the pipe can never fill up and block the server.
        self._log_file = os.fdopen(fd, "wb")
        self.process = subprocess.Popen(  # pylint: disable=consider-using-with
            self.args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=self._log_file
        )
        lines = queue.Queue()
        self._drainer = threading.Thread(target=self._drain_stdout, args=(lines,), daemon=True)
        self._drainer.start()
        try:
            first = lines.get(timeout=self.startup_timeout)
        except queue.Empty:
            self.stop()
            raise EmulatorError(f"emulator printed nothing within {self.startup_timeout}s; log:\n{self.log_text()}") from None
        if not first:
            self.stop()
            raise EmulatorError(f"emulator exited with status {self.process.returncode} before starting; log:\n{self.log_text()}")
        try:
            self.info = json.loads(first)
        except ValueError as exc:
            self.stop()
            raise EmulatorError(f"emulator's first line is not JSON: {first!r}; log:\n{self.log_text()}") from exc
        return self

    def _drain_stdout(self, lines):
        """Hand the first line over, then keep reading so stdout never blocks the server."""
        first = True
        for raw in iter(self.process.stdout.readline, b""):
            if first:
                lines.put(raw.decode("utf-8", errors="replace").strip())
                first = False
        if first:
            lines.put("")

    def stop(self, timeout=10.0):
        """SIGTERM, wait, SIGKILL on timeout; return the exit status (None if never started)."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self._drainer is not None:
            # The drainer sees EOF once the process is gone; join before closing its pipe.
            self._drainer.join(timeout=5)
        if self.process.stdout and not (self._drainer and self._drainer.is_alive()):
            self.process.stdout.close()
        if self._log_file and not self._log_file.closed:
            self._log_file.close()
            self._final_log = self.log_text()
            if not self.keep_log:
                os.unlink(self.log_path)
        return self.process.returncode

    @property
    def returncode(self):
        """The exit status, or None while running."""
        return None if self.process is None else self.process.poll()

    def log_text(self):
        """Everything the server wrote to stderr so far (its request log lines and errors)."""
        if self._final_log is not None:
            return self._final_log
        try:
            with open(self.log_path, encoding="utf-8", errors="replace") as handle:
                return handle.read()
        except (OSError, TypeError):
            return ""

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    # --- convenience accessors ---------------------------------------------------------------

    @property
    def base_url(self):
        """https://127.0.0.1:PORT (both graph_endpoint and authority_host)."""
        return self.info["graph_endpoint"]

    @property
    def connection(self):
        """The module options (module_defaults for group/msgraph.calls.graph) that target this emulator."""
        return {key: self.info[key] for key in CONNECTION_OPTIONS}

    @property
    def ca_path(self):
        """Path of the CA certificate that signed the server certificate."""
        return self.info["ca_path"]

    def ssl_context(self):
        """A client SSLContext trusting only the emulator's CA."""
        if self._ssl_context is None:
            self._ssl_context = ssl.create_default_context(cafile=self.ca_path)
        return self._ssl_context

    # --- HTTP ----------------------------------------------------------------------------------

    def http(self, method, url, body=None, headers=None, form=None):
        """Send one request; return ``(status, headers dict with lower-case names, parsed body)``."""
        headers = dict(headers or {})
        data = None
        if form is not None:
            data = urllib.parse.urlencode(form).encode("utf-8")
            headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        elif body is not None:
            data = json.dumps(body).encode("utf-8")
            headers.setdefault("Content-Type", "application/json")
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, context=self.ssl_context(), timeout=30) as response:
                return response.status, {k.lower(): v for k, v in response.headers.items()}, _decode(response.read())
        except urllib.error.HTTPError as err:
            with err:
                return err.code, {k.lower(): v for k, v in err.headers.items()}, _decode(err.read())

    def admin(self, method, path, body=None):
        """Call the admin API (``path`` like '/calls' or '/_emulator/calls'); return parsed JSON, raise AdminError on >= 400."""
        if not path.startswith("/_emulator"):
            path = "/_emulator/" + path.lstrip("/")
        status, _headers, parsed = self.http(method, self.base_url + path, body=body)
        if status >= 400:
            raise AdminError(method, path, status, parsed)
        return parsed

    def create_call(self, participants=(), group=True, state="established", **extra):
        """Seed a call (extra: id, chat_info, callback_uri, config: its own config keys); return it with its participants."""
        return self.admin("POST", "/calls", {"participants": list(participants), "group": group, "state": state, **extra})

    def call(self, call_id):
        """A call's full state: Graph's call resource plus participants and operations."""
        return self.admin("GET", "/calls/" + quote(call_id, safe=""))

    # --- workload identity federation: the test OIDC issuer --------------------------------------

    @property
    def oidc_issuer(self):
        """The test issuer's ``iss`` (federated_credentials name it)."""
        return self.base_url + "/_emulator/oidc"

    def trust_subject(self, *subjects, audience="api://AzureADTokenExchange"):
        """Give the app one federated credential per subject of the test issuer (config federated_credentials)."""
        return self.config(federated_credentials=[{"issuer": self.oidc_issuer, "subject": subject, "audiences": [audience]} for subject in subjects])

    def federated_token(self, subject, **claims):
        """A token of the test issuer for ``subject`` (claims: audience, issuer, lifetime, not_before, signature)."""
        return self.admin("POST", "/oidc/token", {"subject": subject, **claims})["token"]

    # --- call state, people leaving, directory users ---------------------------------------------

    def set_call_state(self, call_id, state):
        """Change a call's state (e.g. 'terminated'); return the call's full state."""
        return self.admin("PATCH", "/calls/" + quote(call_id, safe=""), {"state": state})

    def call_config(self, call_id, **keys):
        """Merge keys into one call's own config (over the global config for requests on that call); return the call."""
        return self.admin("PATCH", "/calls/" + quote(call_id, safe=""), {"config": keys})

    def leave(self, call_id, identity_id):
        """Whoever has this identity id (any kind) leaves the call; return {"removed": [...], "call": {...}}."""
        return self.admin("POST", "/calls/" + quote(call_id, safe="") + "/leave", {"id": identity_id})

    def admit(self, call_id, identity_id=None):
        """Admit whoever waits in the call's lobby with this identity id (the bot: its app id), or everyone; return
        {"admitted": [...], "call": {...}}."""
        return self.admin("POST", "/calls/" + quote(call_id, safe="") + "/admit", {"id": identity_id} if identity_id else {})

    def remove_participant(self, call_id, participant_id):
        """Remove one roster entry by participant id; return {"removed": [...], "call": {...}}."""
        return self.admin("DELETE", "/calls/" + quote(call_id, safe="") + "/participants/" + quote(participant_id, safe=""))

    def notifications(self):
        """Every call notification the emulator sent (status or error) or dropped, oldest first (config notifications)."""
        return self.admin("GET", "/notifications")["notifications"]

    def notification_counts(self):
        """``{"pending", "sweeps"}`` of the notifier: POSTs waiting (delay, reorder) and sweeps done so far."""
        view = self.admin("GET", "/notifications")
        return {"pending": view["pending"], "sweeps": view["sweeps"]}

    def wait_sweeps(self, count=2, timeout=30):
        """Return once the notifier looked for changes ``count`` more times (then every change so far is queued)."""
        start = self.notification_counts()["sweeps"]
        end = time.monotonic() + timeout
        while self.notification_counts()["sweeps"] < start + count:
            if time.monotonic() > end:
                raise TimeoutError("the emulator's notifier did not sweep")
            time.sleep(0.02)

    def add_user(self, **user):
        """Register a directory user (id, userPrincipalName, displayName, mail=None, proxyAddresses=[]) for GET /users."""
        return self.admin("POST", "/users", user)

    # --- online meetings (meetings_api.py) -------------------------------------------------------

    def add_meeting(self, organizer, **extra):
        """Seed a meeting organized by that user object id (extra: subject, external_id, thread_id, join_meeting_id,
        passcode (None: none), participants, lobby_bypass_settings (default: everyone bypasses, dial-in too)); return it
        as GET /_emulator/meetings shows it (with short_url)."""
        return self.admin("POST", "/meetings", {"organizer": organizer, **extra})

    def meetings(self):
        """Every meeting the emulator knows (createOrGet, seeded, invented by joins), oldest first."""
        return self.admin("GET", "/meetings")["value"]

    def meeting(self, meeting_id):
        """One meeting by its onlineMeeting id."""
        return self.admin("GET", "/meetings/" + quote(meeting_id, safe=""))

    def requests(self):
        """The recorded Graph and token requests, oldest first."""
        return self.admin("GET", "/requests")

    def reset(self, tokens=False):
        """Forget calls, meetings, users, requests, config changes and faults, put the clock back to real (and issued tokens if ``tokens``)."""
        return self.admin("POST", "/reset", {"tokens": tokens})

    def config(self, **keys):
        """With keys: merge them into the config. Either way: return the full config."""
        return self.admin("POST", "/config", keys) if keys else self.admin("GET", "/config")

    # --- fault injection (faults.py) -------------------------------------------------------------

    def add_faults(self, *rules):
        """Append fault rules (dicts: action, path, method, times, status, ...); return all rules."""
        return self.admin("POST", "/faults", {"rules": list(rules)})["rules"]

    def faults(self):
        """Every fault rule added since the last clear/reset, with its ``remaining`` count."""
        return self.admin("GET", "/faults")["rules"]

    def clear_faults(self):
        """Drop every fault rule (requests held by hold rules are answered 503)."""
        return self.admin("DELETE", "/faults")

    def release_held(self):
        """Perform every request held by a hold rule now; return how many were released."""
        return self.admin("POST", "/faults/release")["released"]

    # --- the clock (clock.py) ----------------------------------------------------------------------

    def clock(self, mode=None, advance=None, tick=None):
        """With keys: POST them (mode first, then tick, then advance). Either way: return {"mode", "now", "time", "tick"}."""
        body = {key: value for key, value in (("mode", mode), ("advance", advance), ("tick", tick)) if value is not None}
        return self.admin("POST", "/clock", body) if body else self.admin("GET", "/clock")

    def token(self):
        """A fresh access token for the default app registration (client credentials)."""
        url = f"{self.info['authority_host']}/{self.info['tenant_id']}/oauth2/v2.0/token"
        status, _headers, body = self.http(
            "POST",
            url,
            form={
                "grant_type": "client_credentials",
                "client_id": self.info["client_id"],
                "client_secret": self.info["client_secret"],
                "scope": "https://graph.microsoft.com/.default",
            },
        )
        if status != 200:
            raise EmulatorError(f"token request failed: HTTP {status}: {body}")
        return body["access_token"]

    def graph(self, method, path, body=None, token=None, headers=None):
        """Call Graph (``path`` like '/v1.0/communications/calls/ID'); return (status, headers, body)."""
        headers = dict(headers or {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return self.http(method, self.base_url + path, body=body, headers=headers)

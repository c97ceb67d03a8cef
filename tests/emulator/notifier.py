"""Call notifications: what the emulator POSTs to each call's callbackUri when config ``notifications`` is on.

A background thread (every SWEEP_SECONDS of real time) brings each such call up to the emulator clock (as any read
would: lifecycle.advance) and compares it with what it last notified: the call's state, its roster, its finished
invite operations. Each change becomes an item of ``{"value": [...]}`` in the shapes of the
Microsoft Graph v1.0 reference's notification examples (call, participant, inviteParticipantsOperation):

- ``updated`` on ``/communications/calls/{id}`` with the call (state establishing, established, terminating);
  an end is ``updated`` terminating then ``deleted`` terminated with its ``resultInfo``;
- the roster under ``/communications/calls/{id}/participants``: ``updated`` with the whole roster (config
  notification_roster: full), or ``created``/``deleted`` with who came and went (delta) - which one Graph sends is
  not documented, so both exist;
- ``deleted`` on ``/communications/calls/{id}/operations/{opId}`` with the finished inviteParticipantsOperation
  (status completed or failed, clientContext, resultInfo).

The changes of one sweep go in one POST, signed (notify_signing.py). The switches notification_drop, _delay,
_duplicate, _reorder and _signing act on the way out; GET /_emulator/notifications lists every POST and its answer.
"""

import copy
import http.client
import json
import ssl
import threading
from urllib.parse import urlsplit

from emulator import lifecycle, resources
from emulator.clock import RESOLUTION
from emulator.notify_signing import Signer

SWEEP_SECONDS = 0.05
SEND_TIMEOUT = 5
DROP_KINDS = ("all", "call_state", "participants", "invite")


def _snapshot(call):
    return {
        "state": call.state,
        "roster": [(entry["id"], bool(entry.get("isInLobby"))) for entry in call.participants],
        "operations": {op_id: op["status"] for op_id, op in call.operations.items() if op["status"] in ("completed", "failed")},
    }


def _item(change, url, data, kind):
    return {"@odata.type": "#microsoft.graph.commsNotification", "changeType": change, "resourceUrl": url, "resourceData": data, "_kind": kind}


class Notifier:  # pylint: disable=too-many-instance-attributes
    """The sweep, the outbox and the delivery log of one emulator."""

    def __init__(self, state):
        self.state = state
        self.signer = Signer()
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._seen = {}
        self._outbox = []  # [due (clock.now()), seq, call id, url, body, config]; seq orders the sending
        self._held = {}  # call id -> a POST held back for notification_reorder
        self._log = []
        self._seq = 0
        self._sweeps = 0
        self._thread = None

    # --- admin ------------------------------------------------------------------------------

    def start(self):
        self._thread = threading.Thread(target=self._run, name="notifier", daemon=True)
        self._thread.start()

    def stop(self):
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=SEND_TIMEOUT + 1)

    def reset(self):
        with self._lock:
            self._seen.clear()
            self._outbox.clear()
            self._held.clear()
            self._log.clear()

    def log(self):
        """Every POST (or drop) so far, oldest first."""
        with self._lock:
            return copy.deepcopy(self._log)

    def counts(self):
        """``{"pending": POSTs waiting (delay, reorder), "sweeps": sweeps done}``: tests wait on these, not on time."""
        with self._lock:
            return {"pending": len(self._outbox) + len(self._held), "sweeps": self._sweeps}

    # --- the sweep --------------------------------------------------------------------------

    def _run(self):
        while not self._stop.wait(SWEEP_SECONDS):
            try:
                self.sweep()
                self.deliver_due()
            except Exception as exc:  # pylint: disable=broad-exception-caught
                # The emulator must keep serving Graph even if a notification cannot be built or sent.
                with self._lock:
                    self._log.append({"error": f"{type(exc).__name__}: {exc}"})

    def sweep(self):
        """Queue a POST for every call whose notified picture changed."""
        state = self.state
        with state.lock:
            now = state.clock.now()
            for call in state.calls.values():
                config = state.config_for(call)
                if not config["notifications"] or not call.callback_uri:
                    continue
                lifecycle.advance(state, call, now)
                snapshot = _snapshot(call)
                before = self._seen.get(call.id)
                if before == snapshot:
                    continue
                self._seen[call.id] = snapshot
                items = self._changes(call, before, snapshot, config)
                if items:
                    self._queue(call, items, config, now)
        with self._lock:
            self._sweeps += 1

    def _changes(self, call, before, after, config):
        path = "/" + resources.call_path(call.id)
        ended = after["state"] == "terminated"
        items = []
        if before is None or before["state"] != after["state"]:
            if ended:
                data = resources.call_resource(call, self.state)
                data.pop("@odata.context", None)
                items.append(_item("updated", path, {**copy.deepcopy(data), "state": "terminating", "resultInfo": None}, "call_state"))
            else:
                data = resources.call_resource(call, self.state)
                data.pop("@odata.context", None)
                items.append(_item("updated", path, data, "call_state"))
        if not ended and (before is None or before["roster"] != after["roster"]):
            items.extend(self._roster(call, path, before, config))
        done_before = before["operations"] if before else {}
        for op_id, status in after["operations"].items():
            if done_before.get(op_id) != status:
                operation = copy.deepcopy(call.operations[op_id])
                operation.setdefault("@odata.type", "#microsoft.graph.inviteParticipantsOperation")
                items.append(_item("deleted", f"{path}/operations/{op_id}", operation, "invite"))
        if ended and (before is None or before["state"] != "terminated"):
            data = resources.call_resource(call, self.state)
            data.pop("@odata.context", None)
            items.append(_item("deleted", path, data, "call_state"))
        return items

    def _roster(self, call, path, before, config):
        url = f"{path}/participants"
        entries = copy.deepcopy(call.participants)
        if config["notification_roster"] == "full":
            return [_item("updated", url, entries, "participants")]
        known = {pid for pid, dummy in before["roster"]} if before else set()
        now_ids = {entry["id"] for entry in entries}
        items = []
        joined = [entry for entry in entries if entry["id"] not in known]
        if joined:
            items.append(_item("created", url, joined, "participants"))
        left = [{"@odata.type": "#microsoft.graph.participant", "id": pid} for pid in known - now_ids]
        if left:
            items.append(_item("deleted", url, left, "participants"))
        return items

    # --- the way out ------------------------------------------------------------------------

    def _queue(self, call, items, config, now):
        dropped = set(config["notification_drop"])
        kept = [item for item in items if not ({"all", item["_kind"]} & dropped)]
        with self._lock:
            for item in items:
                if item not in kept:
                    self._log.append({"call_id": call.id, "dropped": True, "kinds": [item["_kind"]], "body": _public({"value": [item]})})
            if not kept:
                return
            due = now + config["notification_delay"]
            entries = [[due, call.id, call.callback_uri, {"value": kept}, dict(config)]]
            if config["notification_reorder"]:
                held = self._held.pop(call.id, None)
                if held is None and call.state != "terminated":
                    self._held[call.id] = entries[0]  # until the next POST of this call (or its end)
                    return
                if held is not None:
                    # The newer POST goes out first, the one held back right after it.
                    held[0] = entries[0][0] = max(held[0], due)
                    entries.append(held)
            for entry in entries:
                for dummy in range(2 if config["notification_duplicate"] else 1):
                    self._seq += 1
                    self._outbox.append([entry[0], self._seq] + copy.deepcopy(entry[1:]))

    def deliver_due(self):
        """POST every queued notification whose time (emulator clock) has come, in order."""
        now = self.state.clock.now()
        with self._lock:
            due = sorted((entry for entry in self._outbox if entry[0] <= now + RESOLUTION), key=lambda entry: entry[1])
            self._outbox = [entry for entry in self._outbox if entry[0] > now + RESOLUTION]
        for dummy, seq, call_id, url, body, config in due:
            self._send(seq, call_id, url, body, config)

    def _send(self, seq, call_id, url, body, config):
        mode = config["notification_signing"]
        authorization = self.signer.authorization(mode, self.state.app.client_id, self.state.app.tenant_id)
        public = _public(body)
        record = {"seq": seq, "call_id": call_id, "url": url, "signing": mode, "kinds": [item["_kind"] for item in body["value"]], "body": public}
        headers = {"Content-Type": "application/json"}
        if authorization:
            headers["Authorization"] = authorization
        try:
            parts = urlsplit(url)
            if parts.scheme == "https":
                # Tests give their listener a throwaway certificate; Graph would check it, the emulator does not.
                connection = http.client.HTTPSConnection(parts.hostname, parts.port or 443, timeout=SEND_TIMEOUT, context=_unverified())
            else:
                connection = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=SEND_TIMEOUT)
            try:
                connection.request("POST", parts.path + (f"?{parts.query}" if parts.query else ""), json.dumps(public).encode(), headers)
                record["status"] = connection.getresponse().status
            finally:
                connection.close()
        except (OSError, http.client.HTTPException, ValueError) as exc:
            record["error"] = f"{type(exc).__name__}: {exc}"
        record["sent_at"] = self.state.clock.now()
        with self._lock:
            self._log.append(record)


def _unverified():
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def _public(body):
    """The body as sent: without the emulator's own ``_kind`` marks."""
    return {"value": [{key: value for key, value in item.items() if key != "_kind"} for item in body["value"]]}

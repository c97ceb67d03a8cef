"""Requests held by the ``hold`` fault action, and what releases them.

A held request is neither performed nor answered: its connection thread waits. It is performed
(routed, recorded, answered on its own connection) when the first of these happens:

- a later non-admin request matches the rule's ``release_on``: the arriving request's thread
  performs every request held by that rule, in arrival order, before its own request is routed,
  so it sees their effect (``release_matching``);
- ``POST /_emulator/faults/release`` performs every held request (``release_all``);
- ``max_hold_ms`` passes: the waiting thread performs its own request (``wait``).

Reset and clearing the faults cancel held requests (``cancel_all``): they are answered 503
without being performed. Whoever takes a request off the list (under the lock) is the only one
to perform or cancel it, so a request is never performed twice, whatever races.
"""

import re
import sys
import threading
import traceback


class HeldRequest:
    """One held request: how to perform it, what releases it, and its result once done."""

    def __init__(self, rule, perform):
        self.rule_id = rule["id"]
        self.release_on = rule.get("release_on")
        self.max_hold = rule["max_hold_ms"] / 1000.0
        self._perform = perform
        self._finished = threading.Event()
        self.result = None  # (response, kind) once performed; stays None if performing failed
        self.cancelled = False

    def releases(self, method, raw_path):
        """True if a request with this method and raw path releases this one (its rule's release_on)."""
        release_on = self.release_on
        if release_on is None:
            return False
        return release_on["method"] in ("*", method.upper()) and re.search(release_on["path"], raw_path) is not None

    def run(self):
        """Perform the request (only the thread that took it off the list calls this).

        Never raises: the releasing thread must go on to the other held requests and its own.
        """
        try:
            self.result = self._perform()
        except Exception:  # pylint: disable=broad-exception-caught
            traceback.print_exc(file=sys.stderr)
        finally:
            self._finished.set()

    def cancel(self):
        """Give up on the request without performing it."""
        self.cancelled = True
        self._finished.set()

    def wait_finished(self, timeout=None):
        """True once performed or cancelled."""
        return self._finished.wait(timeout)


class HeldRequests:
    """The thread-safe list of held requests, in arrival order."""

    def __init__(self):
        self._lock = threading.Lock()
        self._held = []

    def hold(self, rule, perform):
        """Register a request matched by a hold ``rule``; ``perform()`` returns ``(response, kind)``."""
        held = HeldRequest(rule, perform)
        with self._lock:
            self._held.append(held)
        return held

    def _take(self, wanted):
        """Remove and return the held requests ``wanted(held)`` selects, in arrival order."""
        taken, kept = [], []
        with self._lock:
            for held in self._held:
                (taken if wanted(held) else kept).append(held)
            self._held = kept
        return taken

    def wait(self, held):
        """In the held request's own thread: wait for a release, a cancel or max_hold_ms; return ``held``, finished."""
        if not held.wait_finished(held.max_hold):
            if self._take(lambda item: item is held):
                held.run()
            else:
                held.wait_finished()  # another thread took it just now and is performing it
        return held

    def release_matching(self, method, raw_path):
        """Perform every request whose rule's release_on matches this arriving request; return how many."""
        taken = self._take(lambda held: held.releases(method, raw_path))
        for held in taken:
            held.run()
        return len(taken)

    def release_all(self):
        """Perform every held request, in arrival order; return how many."""
        taken = self._take(lambda held: True)
        for held in taken:
            held.run()
        return len(taken)

    def cancel_all(self):
        """Cancel every held request (reset, faults cleared); return how many."""
        taken = self._take(lambda held: True)
        for held in taken:
            held.cancel()
        return len(taken)

    def counts(self):
        """{rule id: number of requests it holds right now}."""
        with self._lock:
            counts = {}
            for held in self._held:
                counts[held.rule_id] = counts.get(held.rule_id, 0) + 1
            return counts

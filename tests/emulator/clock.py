"""The emulator's clock: real time by default, or a manual clock that tests drive.

Everything that decides an outcome by time reads this clock instead of ``time``: the invite
lifecycle (``now()``, a monotonic view) and token expiry (``time()``, the wall-clock view used
for ``expires_at`` and the managed identity's ``expires_on``). A test switches it to ``manual``
through ``/_emulator/clock`` and then moves time with ``advance`` (or with ``tick`` seconds
per Graph request) instead of sleeping through wall-clock windows, which break on a busy machine.

Time never goes backwards through a mode switch: manual mode starts frozen at the current
value, and real mode resumes from the frozen value (an offset is kept) rather than jumping
back to the machine's clock. Only ``reset`` returns to the machine's clock (see ``reset``).
"""

import math
import threading
import time

MODES = ("real", "manual")
# Two moments closer than this are the same moment: advancing 4.9 s then 0.1 s reaches an
# outcome due after 5 s even though the float sums differ in the last bit.
RESOLUTION = 1e-6


def check_seconds(key, value):
    """A finite number of seconds >= 0, or ValueError naming ``key``."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        raise ValueError(f"'{key}' must be a finite number of seconds >= 0 (got {value!r}).")
    return float(value)


class Clock:
    """Thread-safe clock with a monotonic view (``now``) and a wall-clock view (``time``)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._mode = "real"
        self._tick = 0.0
        # Real mode: added to time.monotonic() / time.time(), so resuming never jumps back.
        self._offset = 0.0
        self._wall_offset = 0.0
        # Manual mode: the frozen values.
        self._now = 0.0
        self._time = 0.0

    # --- reading --------------------------------------------------------------------------

    def _read(self):
        """(now, time) under the lock."""
        if self._mode == "manual":
            return self._now, self._time
        return time.monotonic() + self._offset, time.time() + self._wall_offset

    def now(self):
        """Monotonic seconds: what the invite lifecycle measures ``after`` with."""
        with self._lock:
            return self._read()[0]

    def time(self):
        """Wall-clock seconds since the epoch: what token expiry is measured with."""
        with self._lock:
            return self._read()[1]

    def view(self):
        """The admin API's picture: {"mode", "now", "time", "tick"}."""
        with self._lock:
            now, wall = self._read()
            return {"mode": self._mode, "now": now, "time": wall, "tick": self._tick}

    # --- changing -------------------------------------------------------------------------

    def _set_mode(self, mode):
        if mode == self._mode:
            return
        now, wall = self._read()
        if mode == "manual":
            self._now, self._time = now, wall
        else:
            # Continue from the frozen values; tick only means something in manual mode.
            self._offset, self._wall_offset = now - time.monotonic(), wall - time.time()
            self._tick = 0.0
        self._mode = mode

    def update(self, mode=None, tick=None, advance=None):
        """Apply mode, then tick, then advance, atomically; ValueError (naming the key) changes nothing.

        ``tick`` and ``advance`` need manual mode (the mode in effect after ``mode``).
        """
        if mode is not None and mode not in MODES:
            raise ValueError(f"'mode' must be one of {', '.join(repr(item) for item in MODES)} (got {mode!r}).")
        if tick is not None:
            tick = check_seconds("tick", tick)
        if advance is not None:
            advance = check_seconds("advance", advance)
        with self._lock:
            manual = (mode or self._mode) == "manual"
            for key, value in (("tick", tick), ("advance", advance)):
                if value is not None and not manual:
                    raise ValueError(f"'{key}' needs manual mode; send \"mode\": \"manual\" first (or with it).")
            if mode is not None:
                self._set_mode(mode)
            if tick is not None:
                self._tick = tick
            if advance is not None:
                self._advance(advance)

    def _advance(self, seconds):
        self._now += seconds
        self._time += seconds

    def graph_request(self):
        """A Graph request arrived: in manual mode, move time by ``tick`` before it is served."""
        with self._lock:
            if self._mode == "manual" and self._tick:
                self._advance(self._tick)

    def reset(self):
        """Back to the machine's clock: real mode, tick 0, no offset.

        The only state a reset keeps that depends on this clock is issued tokens (their wall-clock
        expiry); dropping the offset can only make them live longer, so a module's cached token
        (MSAL reckons its expiry on the machine's clock) is not refused after a test advanced time.
        """
        with self._lock:
            self._mode = "real"
            self._tick = 0.0
            self._offset = self._wall_offset = 0.0

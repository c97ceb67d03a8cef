# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# Simplified BSD License (see https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""The one poll loop: every wait in the collection (an invite's outcome, a call establishing, a lost
answer settling, the probe's reads) is "look again every ``interval`` until the predicate holds or the
deadline passes".

The clock is monotonic and, with ``sleep``, injectable: unit tests drive time instead of waiting, and
the emulator's clock drives it in integration tests.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time


def poll(done, look, timeout, interval, clock=time.monotonic, sleep=time.sleep, look_first=False):
    """Call ``look()`` every ``interval`` seconds until ``done()`` is true; return whether it became true in time.

    ``done`` is asked first (the caller may already know enough) unless ``look_first``, when one look comes
    before it. The deadline is ``timeout`` seconds from the call, and no sleep runs past it: the last look
    happens at the deadline, so an outcome that arrives just in time is seen.
    """
    deadline = clock() + timeout
    if look_first:
        look()
    while not done():
        remaining = deadline - clock()
        if remaining <= 0:
            return False
        sleep(min(interval, remaining))
        look()
    return True

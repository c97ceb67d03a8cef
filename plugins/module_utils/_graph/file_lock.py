# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# Simplified BSD License (see https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""An exclusive lock on a file, shared by the processes (forks, hosts) of a run.

flock is released by the kernel when a process dies, so the lock can never go stale. Where fcntl
does not exist (not POSIX) the lock is a no-op: a single controller process is then assumed.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

try:
    import fcntl
except ImportError:
    fcntl = None


class FileLock:
    """``with FileLock(path) as fd:``: ``path`` is opened (created 0600) and locked; ``fd`` is its descriptor."""

    def __init__(self, path):
        self.path = path
        self.fd = None

    def __enter__(self):
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        if fcntl:
            fcntl.flock(self.fd, fcntl.LOCK_EX)
        return self.fd

    def __exit__(self, *exc_info):
        if self.fd is not None:
            if fcntl:
                fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None

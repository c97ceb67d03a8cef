# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# Simplified BSD License (see https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""A lock named by a key, shared by every process of one machine that runs the modules: forks, hosts,
ansible-playbook processes and AWX jobs on one execution node.

It serializes a read-decide-write step (one call's invites, one meeting's join) so that a second task reads
what the first one did before it decides. It is an flock on a file of its own in the user's lock folder:
the kernel releases it when the process ends, however it ends, so a killed run never leaves it held.
Different keys are different files and never wait for each other. The wait is bounded: a lock that cannot
be had in time fails the task, which then sends nothing.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import os
import time

from ansible_collections.msgraph.calls.plugins.module_utils._graph.errors import TaskFailure
from ansible_collections.msgraph.calls.plugins.module_utils._graph.poll import poll
from ansible_collections.msgraph.calls.plugins.module_utils._graph.private_file import open_private

try:
    import fcntl
except ImportError:  # not POSIX: modules do not run there; one process is then assumed
    fcntl = None

LOCK_DIR = 'locks'
RETRY_INTERVAL = 0.05  # seconds between two tries while another task holds the lock


def lock_path(folder, key):
    """The lock file of ``key`` in ``folder``: named by a hash, so a key (a call id, a meeting) needs no escaping."""
    return os.path.join(folder, LOCK_DIR, hashlib.sha256(key.encode('utf-8')).hexdigest()[:40] + '.lock')


class NamedLock:
    """``with NamedLock(folder, key, timeout, what):`` holds the lock of ``key`` for the block.

    ``what`` names the work in the failure message ("the invites into call X"). ``clock`` and ``sleep`` are
    injectable for tests.
    """

    def __init__(self, folder, key, timeout, what, clock=time.monotonic, sleep=time.sleep):
        self.path = lock_path(folder, key)
        self.timeout = timeout
        self.what = what
        self.clock = clock
        self.sleep = sleep
        self.fd = None

    def __enter__(self):
        directory = os.path.dirname(self.path)
        try:
            for folder in (os.path.dirname(directory), directory):  # makedirs gives its mode to the last one only
                os.makedirs(folder, 0o700, exist_ok=True)
            self.fd = open_private(self.path, 'the lock folder')
        except (OSError, ValueError) as exc:
            raise TaskFailure(
                '%s cannot be serialized with other tasks on this machine: the lock %s cannot be opened (%s); nothing was sent' % (self.what, self.path, exc)
            )
        if fcntl is None:
            return self
        if not poll(self._try, lambda: None, self.timeout, RETRY_INTERVAL, self.clock, self.sleep):
            os.close(self.fd)
            self.fd = None
            raise TaskFailure(
                'another task on this machine held the lock for %s for lock_timeout=%ss (%s); nothing was sent. '
                'It is released when that task ends; raise lock_timeout if such tasks run long' % (self.what, self.timeout, self.path)
            )
        return self

    def _try(self):
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except (BlockingIOError, PermissionError):
            return False
        return True

    def __exit__(self, *exc_info):
        if self.fd is not None:
            if fcntl is not None:
                fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None

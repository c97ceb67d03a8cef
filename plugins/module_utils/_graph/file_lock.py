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

from ansible_collections.msgraph.calls.plugins.module_utils._graph.private_file import open_private

try:
    import fcntl
except ImportError:
    fcntl = None


class FileLock:
    """``with FileLock(path, option) as fd:``: ``path`` is opened and locked; ``fd`` is its descriptor.

    Opened by private_file (created 0600, never through a link, refused when others may read it);
    ``option`` is what its messages name.
    """

    def __init__(self, path, option):
        self.path = path
        self.option = option
        self.fd = None

    def __enter__(self):
        self.fd = open_private(self.path, self.option)
        if fcntl:
            fcntl.flock(self.fd, fcntl.LOCK_EX)
        return self.fd

    def __exit__(self, *exc_info):
        if self.fd is not None:
            if fcntl:
                fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None

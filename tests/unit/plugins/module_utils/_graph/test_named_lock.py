# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The per-call lock: bounded wait, never stale after a killed process, different keys never wait for each other.

The holders are real processes (the lock is an flock, shared by processes); the waits run on a fake clock,
so no test depends on how fast the machine is.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import signal
import subprocess
import sys
import textwrap

import pytest

from ansible_collections.msgraph.calls.plugins.module_utils._graph.errors import TaskFailure
from ansible_collections.msgraph.calls.plugins.module_utils._graph.named_lock import NamedLock, lock_path

from fake_time import FakeClock

# A process that takes the lock of a key and says so, then holds it until it is killed.
HOLDER = textwrap.dedent(
    '''
    import fcntl, os, sys, time
    fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    sys.stdout.write('held\\n')
    sys.stdout.flush()
    time.sleep(3600)
    '''
)


@pytest.fixture
def folder(tmp_path):
    path = tmp_path / 'state'
    path.mkdir(mode=0o700)
    (path / 'locks').mkdir(mode=0o700)
    return str(path)


@pytest.fixture
def holder(folder):
    """Start a process holding the lock of a key; yields a function to start one, kills them all at the end."""
    processes = []

    def hold(key):
        proc = subprocess.Popen([sys.executable, '-c', HOLDER, lock_path(folder, key)], stdout=subprocess.PIPE, universal_newlines=True)
        processes.append(proc)
        assert proc.stdout.readline() == 'held\n'  # an event, not a time: it holds the lock now
        return proc

    yield hold
    for proc in processes:
        if proc.poll() is None:
            proc.kill()
        proc.wait()


def test_a_free_lock_is_taken_at_once(folder):
    clock = FakeClock()
    with NamedLock(folder, 'invite:call-1', 5, 'the invites', clock.clock, clock.sleep):
        assert clock.sleeps == []
    mode = os.stat(lock_path(folder, 'invite:call-1')).st_mode & 0o777
    assert mode == 0o600


def test_a_held_lock_times_out_with_a_clear_failure(folder, holder):
    holder('invite:call-1')
    clock = FakeClock()
    with pytest.raises(TaskFailure) as failure:
        with NamedLock(folder, 'invite:call-1', 2, 'the invites into call call-1', clock.clock, clock.sleep):
            pytest.fail('the block must not run without the lock')
    assert 'the invites into call call-1' in failure.value.msg and 'lock_timeout=2s' in failure.value.msg and 'nothing was sent' in failure.value.msg
    assert clock.now == 2.0, 'it waited the whole timeout, in short steps'
    assert max(clock.sleeps) <= 0.05


def test_a_killed_holder_never_leaves_the_lock_stale(folder, holder):
    proc = holder('invite:call-1')
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    clock = FakeClock()
    with NamedLock(folder, 'invite:call-1', 0, 'the invites', clock.clock, clock.sleep):
        pass
    assert clock.sleeps == []


def test_different_calls_never_wait_for_each_other(folder, holder):
    holder('invite:call-1')
    clock = FakeClock()
    with NamedLock(folder, 'invite:call-2', 0, 'the invites', clock.clock, clock.sleep):
        pass
    assert clock.sleeps == []
    assert lock_path(folder, 'invite:call-1') != lock_path(folder, 'invite:call-2')


def test_the_lock_is_released_when_the_block_ends_however_it_ends(folder):
    clock = FakeClock()
    with pytest.raises(RuntimeError):
        with NamedLock(folder, 'join:meeting', 0, 'the join', clock.clock, clock.sleep):
            raise RuntimeError('the step failed')
    with NamedLock(folder, 'join:meeting', 0, 'the join', clock.clock, clock.sleep):
        pass


def test_a_lock_folder_others_can_write_is_refused(tmp_path):
    folder = tmp_path / 'loose'
    (folder / 'locks').mkdir(parents=True)
    os.chmod(str(folder / 'locks'), 0o777)
    with pytest.raises(TaskFailure) as failure:
        with NamedLock(str(folder), 'invite:call-1', 0, 'the invites into call call-1'):
            pytest.fail('no lock, no block')
    assert 'writable by group or others' in failure.value.msg and 'nothing was sent' in failure.value.msg

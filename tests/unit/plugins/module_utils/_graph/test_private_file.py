# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""private_file: the token cache, its lock and history_file are private and never written through a link."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import stat

import pytest

from ansible_collections.msgraph.calls.plugins.module_utils._graph.file_lock import FileLock
from ansible_collections.msgraph.calls.plugins.module_utils._graph.private_file import (
    PrivateFileError,
    check,
    open_private,
    read_private,
    write_private,
)

OPTION = 'history_file'


@pytest.fixture
def folder(tmp_path):
    path = tmp_path / 'private'
    path.mkdir(mode=0o700)
    os.chmod(str(path), 0o700)
    return path


def mode(path):
    return stat.S_IMODE(os.lstat(str(path)).st_mode)


def test_a_new_file_is_created_0600_and_written(folder):
    path = str(folder / 'records')
    old = os.umask(0)  # even with a permissive umask
    try:
        write_private(path, OPTION, 'first')
    finally:
        os.umask(old)
    assert mode(path) == 0o600
    write_private(path, OPTION, 'two')
    assert read_private(path, OPTION) == 'two'


def test_a_missing_file_is_not_created_by_a_read(folder):
    assert read_private(str(folder / 'absent'), OPTION) is None
    assert not (folder / 'absent').exists()


@pytest.mark.parametrize('target_exists', [True, False], ids=['to a file', 'dangling'])
def test_a_link_is_refused_and_its_target_untouched(folder, tmp_path, target_exists):
    target = tmp_path / 'victim'
    if target_exists:
        target.write_text('precious')
        os.chmod(str(target), 0o600)
    link = folder / 'records'
    os.symlink(str(target), str(link))
    expected = r"history_file '.*records' is a symbolic link, which is never followed: set history_file to the file itself"
    with pytest.raises(PrivateFileError, match=expected):
        check(str(link), OPTION)
    # And when opened without the check first (the link planted after it): O_NOFOLLOW refuses it too.
    with pytest.raises(PrivateFileError, match=expected):
        write_private(str(link), OPTION, 'records')
    with pytest.raises(PrivateFileError, match=expected):
        with FileLock(str(link), OPTION):
            pass
    if target_exists:
        assert target.read_text() == 'precious'
    else:
        assert not target.exists()


@pytest.mark.parametrize('loose', [0o644, 0o640, 0o604, 0o620, 0o602])
def test_a_file_group_or_others_may_read_or_write_is_refused_not_changed(folder, loose):
    path = folder / 'records'
    path.write_text('x')
    os.chmod(str(path), loose)
    expected = r"history_file '%s' is readable or writable by group or others \(mode %04o\); run chmod 600 %s$" % (path, loose, path)
    with pytest.raises(PrivateFileError, match=expected):
        check(str(path), OPTION)
    with pytest.raises(PrivateFileError, match=expected):
        open_private(str(path), OPTION)
    assert mode(path) == loose and path.read_text() == 'x'


@pytest.mark.parametrize('loose', [0o770, 0o757, 0o1777])
def test_a_folder_group_or_others_may_write_is_refused(tmp_path, loose):
    shared = tmp_path / 'shared'
    shared.mkdir()
    os.chmod(str(shared), loose)
    path = shared / 'records'
    expected = r"history_file '%s': the directory %s is writable by group or others \(mode %04o\).*run chmod go-w %s" % (path, shared, loose, shared)
    with pytest.raises(PrivateFileError, match=expected):
        check(str(path), OPTION)
    with pytest.raises(PrivateFileError, match=expected):
        write_private(str(path), OPTION, 'x')
    assert not path.exists()


def test_a_missing_folder_is_named(tmp_path):
    with pytest.raises(PrivateFileError, match="the directory '%s' does not exist" % (tmp_path / 'nope')):
        check(str(tmp_path / 'nope' / 'records'), OPTION)


def test_not_a_regular_file(folder):
    (folder / 'records').mkdir()
    with pytest.raises(PrivateFileError, match='must be a regular file'):
        check(str(folder / 'records'), OPTION)


@pytest.mark.skipif(not hasattr(os, 'geteuid') or os.geteuid() != 0, reason='giving a file away needs root')
def test_a_file_or_folder_of_another_user_is_refused(folder, tmp_path):
    path = folder / 'records'
    path.write_text('x')
    os.chmod(str(path), 0o600)
    os.chown(str(path), 12345, -1)
    with pytest.raises(PrivateFileError, match=r'belongs to another user \(uid 12345\)'):
        open_private(str(path), OPTION)
    theirs = tmp_path / 'theirs'
    theirs.mkdir(mode=0o755)
    os.chown(str(theirs), 12345, -1)
    with pytest.raises(PrivateFileError, match=r'the directory %s belongs to another user \(uid 12345\)' % theirs):
        check(str(theirs / 'records'), OPTION)


def test_the_lock_is_private_too(folder):
    with FileLock(str(folder / 'lock'), 'token_cache') as fd:
        assert stat.S_IMODE(os.fstat(fd).st_mode) == 0o600

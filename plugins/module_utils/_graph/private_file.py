# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# Simplified BSD License (see https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""The files the collection writes (token_cache and its lock, history_file): private, and never through a link.

They hold bearer tokens, or name people and phone numbers. The rules, checked before any request and
again on the open descriptor (so what was checked is what is written):
- the file is a regular file of the user running the module, not a symbolic link, and neither group nor
  others may read or write it (a new one is created 0600);
- its folder exists, belongs to that user (or root) and neither group nor others may write it: whoever
  can write the folder can swap the file for a link between any check and the write.
Anything else is refused with a message naming the option and the fix; nothing is repaired silently.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import errno
import os
import stat

from ansible_collections.msgraph.calls.plugins.module_utils._graph.errors import InputError

# Not on every platform (Windows has neither; modules do not run there).
NOFOLLOW = getattr(os, 'O_NOFOLLOW', 0)
CLOEXEC = getattr(os, 'O_CLOEXEC', 0)
# What open() says for a link under O_NOFOLLOW: ELOOP on Linux and macOS, EMLINK on FreeBSD.
LINK_ERRNOS = (errno.ELOOP, errno.EMLINK)


class PrivateFileError(InputError):
    """A file or folder that breaks the rules; the message names the option, the path and the fix."""


def _euid():
    return os.geteuid() if hasattr(os, 'geteuid') else None


def check_folder(path, option):
    """Refuse a missing folder, or one that another user owns or that group/others may write."""
    folder = os.path.dirname(os.path.abspath(path))
    try:
        info = os.stat(folder)
    except OSError:
        raise PrivateFileError('%s %r: the directory %r does not exist' % (option, path, folder))
    if not stat.S_ISDIR(info.st_mode):
        raise PrivateFileError('%s %r: %r is not a directory' % (option, path, folder))
    uid = _euid()
    if uid is not None and info.st_uid not in (uid, 0):
        raise PrivateFileError(
            '%s %r: the directory %s belongs to another user (uid %d), who could replace the file; '
            'use a directory of your own' % (option, path, folder, info.st_uid)
        )
    if info.st_mode & 0o022:
        raise PrivateFileError(
            '%s %r: the directory %s is writable by group or others (mode %04o), who could replace the file with a link; '
            'run chmod go-w %s, or use a directory only you can write' % (option, path, folder, stat.S_IMODE(info.st_mode), folder)
        )


def check_info(path, option, info):
    """Refuse what ``info`` (an lstat or fstat) shows: a link, not a regular file, another owner, a loose mode."""
    if stat.S_ISLNK(info.st_mode):
        raise PrivateFileError('%s %r is a symbolic link, which is never followed: set %s to the file itself' % (option, path, option))
    if not stat.S_ISREG(info.st_mode):
        raise PrivateFileError('%s %r must be a regular file' % (option, path))
    uid = _euid()
    if uid is not None and info.st_uid != uid:
        raise PrivateFileError('%s %r belongs to another user (uid %d): use a file of your own' % (option, path, info.st_uid))
    if info.st_mode & 0o077:
        raise PrivateFileError(
            '%s %r is readable or writable by group or others (mode %04o); run chmod 600 %s' % (option, path, stat.S_IMODE(info.st_mode), path)
        )


def check(path, option):
    """Every rule for ``path`` and its folder, without creating anything (a missing file is fine)."""
    check_folder(path, option)
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return
    check_info(path, option, info)


def open_private(path, option, create=True):
    """A read-write descriptor on ``path`` (created 0600 when missing), or None when missing and not ``create``.

    Never through a link (O_NOFOLLOW; O_EXCL when creating), and checked on the descriptor itself.
    OSError when the system refuses; PrivateFileError when a rule is broken.
    """
    check_folder(path, option)
    flags = os.O_RDWR | NOFOLLOW | CLOEXEC
    # The file may be removed or created by another fork between two tries: a few rounds settle it.
    for dummy in range(3):
        try:
            if create:
                try:
                    fd = os.open(path, flags | os.O_CREAT | os.O_EXCL, 0o600)
                    break
                except FileExistsError:
                    pass
            fd = os.open(path, flags)
            break
        except FileNotFoundError:
            if not create:
                return None
        except OSError as exc:
            if exc.errno in LINK_ERRNOS:
                check_info(path, option, os.lstat(path))
            raise
    else:
        raise PrivateFileError('%s %r keeps appearing and disappearing; is another program using it?' % (option, path))
    try:
        check_info(path, option, os.fstat(fd))
    except PrivateFileError:
        os.close(fd)
        raise
    return fd


def read_private(path, option):
    """The text of ``path``, or None when it does not exist (same rules as open_private)."""
    fd = open_private(path, option, create=False)
    if fd is None:
        return None
    try:
        return read_fd(fd)
    finally:
        os.close(fd)


def write_private(path, option, text):
    """Replace the content of ``path`` with ``text`` (same rules as open_private)."""
    fd = open_private(path, option)
    try:
        replace_fd(fd, text)
    finally:
        os.close(fd)


def read_fd(fd):
    os.lseek(fd, 0, os.SEEK_SET)
    chunks = []
    while True:
        chunk = os.read(fd, 65536)
        if not chunk:
            return b''.join(chunks).decode('utf-8', 'replace')
        chunks.append(chunk)


def replace_fd(fd, text):
    data = text.encode('utf-8')
    os.lseek(fd, 0, os.SEEK_SET)
    os.ftruncate(fd, 0)
    while data:
        data = data[os.write(fd, data) :]

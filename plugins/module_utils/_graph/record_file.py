# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# Simplified BSD License (see https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""A record file: JSON lines that processes of one machine share, read and rewritten under an flock.

Opened as every file the collection writes (private_file.py: 0600, never through a link, refused when others
may read it). Each line is one record with a version ``v`` and a time ``at``; a torn or foreign line is
skipped, and records older than the caller's retention are dropped whenever the file is written.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import json
import os

from ansible_collections.msgraph.calls.plugins.module_utils._graph.file_lock import FileLock
from ansible_collections.msgraph.calls.plugins.module_utils._graph.private_file import read_fd, replace_fd


def key_hash(*parts):
    """What a record keeps instead of its key (parts joined by newlines): the file holds no links or names."""
    return hashlib.sha256('\n'.join(parts).encode('utf-8')).hexdigest()


def latest(records, hashed):
    """The last of ``records`` kept under the key ``hashed`` (a key_hash), or None: a later record replaces earlier ones."""
    found = None
    for record in records:
        if record.get('key') == hashed:
            found = record
    return found


def read_records(path, option, version):
    """The records of ``version`` (one, or a tuple) in ``path`` ([] when it does not exist); OSError or ValueError as private_file raises."""
    if not os.path.lexists(path):
        return []
    with FileLock(path, option) as fd:
        return parse(read_fd(fd), version)


def append_records(path, option, version, new, now, keep_seconds):
    """Add ``new`` records to ``path`` in one locked rewrite, dropping those older than ``keep_seconds``."""
    update_records(path, option, version, lambda records: [r for r in records if now - (r.get('at') or 0) < keep_seconds] + list(new))


def update_records(path, option, versions, change):
    """Rewrite ``path`` with ``change(records)`` under its lock, so what another process wrote meanwhile is kept.

    Lines of other versions than ``versions`` (one, or a tuple) are dropped.
    """
    with FileLock(path, option) as fd:
        records = change(parse(read_fd(fd), versions))
        replace_fd(fd, ''.join(json.dumps(r, sort_keys=True) + '\n' for r in records))


def parse(text, versions):
    versions = versions if isinstance(versions, tuple) else (versions,)
    records = []
    for line in text.splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict) and record.get('v') in versions:
            records.append(record)
    return records

# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Copy the checkout's files into DEST: what git lists (tracked, and untracked but not ignored), else a filtered walk.

ansible-test (sanity, integration) must run in a tree of its own: it refuses a symlinked
.../ansible_collections/<ns>/<name> and takes its file list from the nearest .git.

Usage: copy_checkout.py SRC DEST [LABEL]
"""

import os
import shutil
import subprocess
import sys

SKIP_DIRS = {'.git', '.venv', '.tmp', '__pycache__', '.pytest_cache', '.mypy_cache'}


def checkout_paths(src):
    """The relative paths of the checkout's files."""
    try:
        out = subprocess.run(
            ['git', '-C', src, 'ls-files', '-z', '--cached', '--others', '--exclude-standard'], check=True, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        ).stdout
        return sorted(set(p for p in out.decode('utf-8', 'surrogateescape').split('\0') if p))
    except (OSError, subprocess.CalledProcessError):
        paths = []
        for root, dirs, files in os.walk(src):
            rel = os.path.relpath(root, src)
            dirs[:] = [d for d in dirs if d not in SKIP_DIRS and os.path.normpath(os.path.join(rel, d)) != 'tests/output']
            paths.extend(os.path.normpath(os.path.join(rel, f)) for f in files)
        return paths


def copy_checkout(src, dst):
    """Copy the checkout's files (links as links) from src to dst; return how many."""
    copied = 0
    for rel in checkout_paths(src):
        source, target = os.path.join(src, rel), os.path.join(dst, rel)
        if not os.path.lexists(source) or os.path.isdir(source) and not os.path.islink(source):
            continue  # deleted in the working tree, or a submodule directory
        if rel.split(os.sep)[0] in SKIP_DIRS:
            continue
        os.makedirs(os.path.dirname(target), exist_ok=True)
        if os.path.islink(source):
            os.symlink(os.readlink(source), target)
        else:
            shutil.copy2(source, target)
        copied += 1
    return copied


def main(argv):
    src, dst = argv[1:3]
    label = argv[3] if len(argv) > 3 else 'copy_checkout'
    print('%s: copied %d files to %s' % (label, copy_checkout(src, dst), dst))


if __name__ == '__main__':
    main(sys.argv)

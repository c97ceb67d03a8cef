# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""history_file, the token cache and its lock: a planted link or a loose mode (file or folder) fails the task before any
request, naming the option and the fix, and leaves the file as it was; a new file is created 0600."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import stat

from conftest import case_checks

A = '7e1b4346-85a6-4bdd-abe3-d11c5d420efe'
VICTIM_TEXT = 'a file the link points at; it must stay as it is\n'


def mode(path):
    return stat.S_IMODE(os.lstat(str(path)).st_mode)


def plant(tmp_path, name, how):
    """A path for the option in a folder of its own, spoiled as ``how`` says; (path, the fix the message must name, victim)."""
    folder = tmp_path / name
    folder.mkdir()
    os.chmod(str(folder), 0o700)
    path = folder / 'file'
    victim = tmp_path / (name + '-victim')
    victim.write_text(VICTIM_TEXT)
    os.chmod(str(victim), 0o600)
    if how == 'link':
        os.symlink(str(victim), str(path))
        return path, 'is a symbolic link, which is never followed', victim
    if how == 'loose file':
        path.write_text('{}')
        os.chmod(str(path), 0o644)
        return path, 'is readable or writable by group or others (mode 0644); run chmod 600 %s' % path, victim
    if how == 'loose folder':
        os.chmod(str(folder), 0o777)
        return path, 'is writable by group or others (mode 0777), who could replace the file with a link; run chmod go-w %s' % folder, victim
    if how == 'lock link':
        os.symlink(str(victim), str(path) + '.acquire-lock')
        return path, 'is a symbolic link, which is never followed', victim
    if how == 'loose lock':
        lock = folder / 'file.acquire-lock'
        lock.write_text('')
        os.chmod(str(lock), 0o666)
        return path, 'is readable or writable by group or others (mode 0666); run chmod 600 %s' % lock, victim
    raise AssertionError(how)


def test_spoiled_files_are_refused_before_any_request(emu, tasks, tmp_path):
    call = emu.create_call()['id']
    tiers = [{'participants': [{'user': A}]}]
    cases = {}
    for how in ('link', 'loose file', 'loose folder'):
        cases['graph_call_invite history_file ' + how] = ('graph_call_invite', 'history_file', {'call_id': call, 'participants': [{'user': A}]}, how)
        cases['graph_call_escalate history_file ' + how] = ('graph_call_escalate', 'history_file', {'call_id': call, 'tiers': tiers}, how)
    for how in ('link', 'loose file', 'loose folder', 'lock link', 'loose lock'):
        cases['token_cache ' + how] = ('graph_call_info', 'token_cache', {'call_id': call}, how)
    steps, planted = [], {}
    for index, (case, (module, option, args, how)) in enumerate(sorted(cases.items())):
        planted[case] = plant(tmp_path, 'case%d' % index, how)
        steps.append((case, module, dict(args, **{option: str(planted[case][0])})))
    before = len(emu.requests())
    run = tasks(steps)
    problems = []
    for case, (dummy, option, dummy, how) in sorted(cases.items()):
        with case_checks(problems, case):
            result = run.task(case)
            assert result['status'] == 'failed', result
            path, fix, victim = planted[case]
            message = result['result']['msg']
            assert message.startswith('%s ' % option) and fix in message, message
            assert victim.read_text() == VICTIM_TEXT and mode(victim) == 0o600
            if how == 'loose file':
                assert mode(path) == 0o644, 'refused, not changed'
    assert not problems, '\n'.join(problems)
    assert emu.requests()[before:] == [], 'no request at all, not even for a token'


def test_new_files_are_created_private(emu, tasks, tmp_path):
    call = emu.create_call()['id']
    folder = tmp_path / 'private'
    folder.mkdir(mode=0o700)
    history, cache = folder / 'history.jsonl', folder / 'tokens.json'
    old = os.umask(0)  # the files are 0600 whatever the umask
    try:
        args = {'call_id': call, 'participants': [{'user': A}], 'history_file': str(history), 'token_cache': str(cache)}
        run = tasks([('Invite', 'graph_call_invite', args)])
    finally:
        os.umask(old)
    assert run.task('Invite')['status'] == 'changed', run.output
    for path in (history, cache, folder / 'tokens.json.acquire-lock'):
        assert mode(path) == 0o600, path
    assert sorted(os.listdir(str(folder))) == ['history.jsonl', 'tokens.json', 'tokens.json.acquire-lock'], 'no lock file of msal-extensions'

#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Test the collection as a user gets it: the built tarball, installed, with only the runtime requirements.

`make artefact` runs this with the main .venv's Python (standard library only):

1. copies the checkout's tracked files to a temporary tree and runs ``ansible-galaxy collection build`` there
   (galaxy.yml's build_ignore applies), then checks what the tarball holds;
2. prepares .tmp/artefact-venv with ansible-core and ``-r requirements.txt`` only (no test tools, no trustme);
3. installs the tarball into a fresh collections path with that venv's ansible-galaxy;
4. starts the emulator from the main .venv (it needs trustme) and runs a playbook with the clean venv's
   ansible-playbook, seeing no collections path but the fresh one;
5. checks, from the emulator's request log, that each person was invited once, and that every module and
   role file that ran came from the installed copy.

Exits non-zero on the first failure, printing the failing command's output; the temporary directory is kept
then (its path is printed).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MAIN_BIN = os.path.dirname(sys.executable)
CLEAN_VENV = os.path.join(REPO, '.tmp', 'artefact-venv')
CLEAN_BIN = os.path.join(CLEAN_VENV, 'bin')
# Path components that must never ship (build_ignore's job, and `git ls-files` keeps them out of the copy).
NEVER_SHIPPED = {'.git', '.tmp', '.venv', '__pycache__', '.pytest_cache'}

ANN = '7e1b4346-85a6-4bdd-abe3-d11c5d420efe'
BOB = '0c9a6f1e-2d4b-4e8a-9f3c-5b7d1a2e4c6f'
PHONE = '+14255550100'

# Written to the temporary directory, so that it is not part of the collection (and not linted as one).
PLAYBOOK = '''\
- name: The installed msgraph.calls against the emulator
  hosts: localhost
  gather_facts: false
  connection: local
  vars:
    ansible_python_interpreter: "{{ ansible_playbook_python }}"
    people:
      - user: %(ann)s
        display_name: Ann
      - phone: "+1 425 555 0100"   # phonenumbers, from requirements.txt, reads it
  module_defaults:
    group/msgraph.calls.graph: "{{ graph }}"   # the emulator's six connection values
  tasks:
    - name: Invite two people
      msgraph.calls.graph_call_invite:
        call_id: "{{ call_id }}"
        participants: "{{ people }}"
      register: first

    - name: Invite them again
      msgraph.calls.graph_call_invite:
        call_id: "{{ call_id }}"
        participants: "{{ people }}"
      register: again

    - name: Read the roster
      msgraph.calls.graph_call_participant_info:
        call_id: "{{ call_id }}"
      register: roster

    - name: Page them and a third person through the role (only the third is new)
      ansible.builtin.include_role:
        name: msgraph.calls.page_responders
      vars:
        page_responders_call_id: "{{ call_id }}"
        page_responders_participants: "{{ people + [{'user': '%(bob)s', 'display_name': 'Bob'}] }}"

    - name: Check the results
      ansible.builtin.assert:
        that:
          - first is changed and first.invited | length == 2
          - again is not changed and again.invited | length == 0
          - "'user:%(ann)s' in roster.participants | map(attribute='label')"
          - "'phone:%(phone)s' in roster.participants | map(attribute='label')"
          - page_responders_result.invited | length == 1
''' % {'ann': ANN, 'bob': BOB, 'phone': PHONE}


class Failure(Exception):
    """A check or a command failed; ``output`` is what to show."""

    def __init__(self, message, output=''):
        super().__init__(message)
        self.output = output


def run(cmd, env=None, cwd=None):
    """Run a command; return its stdout (stderr is shown only when it fails)."""
    proc = subprocess.run(cmd, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, check=False)
    if proc.returncode != 0:
        raise Failure('%s exited %d' % (' '.join(cmd), proc.returncode), proc.stdout + proc.stderr)
    return proc.stdout


def check(condition, message, output=''):
    if not condition:
        raise Failure(message, output)


def under(path, root):
    path, root = os.path.realpath(path), os.path.realpath(root)
    return os.path.commonpath([path, root]) == root


def build(work):
    """The tarball built from a copy of the tracked files (as committed work would ship, edits included)."""
    tracked = run(['git', '-C', REPO, 'ls-files', '-z', '--cached']).split('\0')
    src = os.path.join(work, 'src')
    for rel in filter(None, tracked):
        if os.path.isfile(os.path.join(REPO, rel)):  # a tracked file deleted in the work tree is not shipped
            os.makedirs(os.path.dirname(os.path.join(src, rel)), exist_ok=True)
            shutil.copy2(os.path.join(REPO, rel), os.path.join(src, rel))
    dist = os.path.join(work, 'dist')
    run([os.path.join(MAIN_BIN, 'ansible-galaxy'), 'collection', 'build', src, '--output-path', dist])
    (tarball,) = [os.path.join(dist, name) for name in os.listdir(dist) if name.endswith('.tar.gz')]
    with tarfile.open(tarball) as tar:
        files = [m.name[2:] if m.name.startswith('./') else m.name for m in tar.getmembers() if m.isfile()]
    bad = [f for f in files if NEVER_SHIPPED.intersection(f.split('/')) or f.startswith('tests/output/')]
    check(not bad, 'the tarball holds files that must never ship', '\n'.join(bad))
    untracked = sorted(set(files) - set(tracked) - {'MANIFEST.json', 'FILES.json'})
    check(not untracked, 'the tarball holds files git does not track', '\n'.join(untracked))
    # The emulator ships (for users testing playbooks offline), so its requirements must ship with it.
    if 'tests/emulator/server.py' in files:
        check('tests/emulator/requirements.txt' in files, 'the emulator ships without tests/emulator/requirements.txt')
    return tarball, len(files)


def read(path):
    with open(path) as handle:
        return handle.read()


def ansible_core_requirement():
    """ansible-core as meta/runtime.yml's requires_ansible allows it (pip takes the newest, as a user's pip would)."""
    match = re.search(r'^requires_ansible:\s*["\']?([^"\'\s]+)', read(os.path.join(REPO, 'meta', 'runtime.yml')), re.M)
    check(match, 'meta/runtime.yml has no requires_ansible')
    return 'ansible-core' + match.group(1)


def clean_venv():
    """.tmp/artefact-venv with only ansible-core and requirements.txt: reused while they are unchanged, made anew
    when they change (pip would keep a package that requirements.txt dropped)."""
    python = os.path.join(CLEAN_BIN, 'python')
    stamp = os.path.join(CLEAN_VENV, 'requirements.stamp')
    wanted = ansible_core_requirement() + '\n' + read(os.path.join(REPO, 'requirements.txt'))
    if not os.path.exists(stamp) or read(stamp) != wanted:
        shutil.rmtree(CLEAN_VENV, ignore_errors=True)
        run([sys.executable, '-m', 'venv', CLEAN_VENV])
        run([python, '-m', 'pip', 'install', '--disable-pip-version-check', '-q', ansible_core_requirement(), '-r', os.path.join(REPO, 'requirements.txt')])
        with open(stamp, 'w') as handle:
            handle.write(wanted)
    # The point of this venv: what a user installs, nothing the tests bring (the emulator's trustme above all).
    for test_only in ('trustme', 'pytest'):
        proc = subprocess.run([python, '-c', 'import ' + test_only], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        check(proc.returncode != 0, '%s holds %s; remove it (rm -rf .tmp/artefact-venv)' % (CLEAN_VENV, test_only))


def clean_env(work, collections):
    """The environment of the clean venv's commands: no ANSIBLE_* or PYTHONPATH from the caller, no main .venv
    on PATH, no ansible.cfg but an empty one, the fresh collections path as the only one, and a home of its own
    (the default token cache goes there, not into the caller's ~/.ansible)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith('ANSIBLE_') and k not in ('PYTHONPATH', 'PYTHONHOME', 'VIRTUAL_ENV')}
    path = [p for p in env.get('PATH', '').split(os.pathsep) if p and not under(p, REPO)]
    cfg = os.path.join(work, 'ansible.cfg')
    open(cfg, 'w').close()
    home = os.path.join(work, 'home')
    os.makedirs(home, exist_ok=True)
    env.update(
        HOME=home,
        PATH=os.pathsep.join([CLEAN_BIN] + path),
        ANSIBLE_CONFIG=cfg,
        ANSIBLE_COLLECTIONS_PATH=collections,
        # sys.path is scanned for ansible_collections too; the clean venv has none, and it stays that way.
        ANSIBLE_COLLECTIONS_SCAN_SYS_PATH='false',
        ANSIBLE_NOCOLOR='1',
    )
    return env


def install(tarball, work):
    collections = os.path.join(work, 'collections')
    env = clean_env(work, collections)
    run([os.path.join(CLEAN_BIN, 'ansible-galaxy'), 'collection', 'install', '--offline', '--force', '-p', collections, tarball], env=env, cwd=work)
    # Exactly one msgraph.calls is visible to the clean venv's Ansible, and it is the fresh copy.
    listed = json.loads(run([os.path.join(CLEAN_BIN, 'ansible-galaxy'), 'collection', 'list', 'msgraph.calls', '--format', 'json'], env=env, cwd=work))
    found = [(root, info['version']) for root, names in listed.items() for name, info in names.items() if name == 'msgraph.calls']
    check(
        len(found) == 1 and under(found[0][0], collections),
        'the clean venv sees msgraph.calls elsewhere than (or besides) %s' % collections,
        json.dumps(listed, indent=2),
    )
    return collections, env, found[0][1]


def play(emu, work, collections, env):
    """Run the playbook at -vvv from a directory of its own, then check what it did and which files ran."""
    call_id = emu.create_call()['id']
    run_dir = os.path.join(work, 'run')
    os.makedirs(run_dir)
    with open(os.path.join(run_dir, 'site.yml'), 'w') as handle:
        handle.write(PLAYBOOK)
    with open(os.path.join(run_dir, 'vars.json'), 'w') as handle:
        json.dump({'graph': emu.connection, 'call_id': call_id}, handle)
    output = run([os.path.join(CLEAN_BIN, 'ansible-playbook'), '-vvv', 'site.yml', '-e', '@vars.json'], env=env, cwd=run_dir)
    with open(os.path.join(work, 'playbook.log'), 'w') as handle:
        handle.write(output)

    # From the emulator: one invite per person, all accepted, and all three in the call.
    invited = [
        (kind, identity['id'])
        for post in emu.requests()
        if post['method'] == 'POST' and post['path'].endswith('/participants/invite') and 200 <= post['status'] < 300
        for p in post['body']['participants']
        for kind, identity in p['identity'].items()
        if kind != '@odata.type'
    ]
    expected = sorted([('user', ANN), ('phone', PHONE), ('user', BOB)])
    check(sorted(invited) == expected, 'invites sent %s, expected each of %s once' % (sorted(invited), expected), output)
    in_call = json.dumps(emu.call(call_id)['participants'])
    check(all(identity in in_call for _kind, identity in expected), 'not everyone invited is in the call', in_call)

    # -vvv names every module file it packs, and every task file it runs; all must be the installed copy's.
    modules = re.findall(r'^Using module file (\S+)', output, re.M)
    tasks = [p for p in re.findall(r'task path: (\S+?):\d+', output) if '/page_responders/' in p]
    ran = {os.path.basename(p) for p in modules}
    check({'graph_call_invite.py', 'graph_call_participant_info.py'} <= ran and tasks, 'the -vvv output names no module or role file', output)
    elsewhere = [p for p in modules + tasks if not under(p, collections)]
    check(not elsewhere, 'files ran from outside the installed copy', '\n'.join(elsewhere))
    core = re.search(r'^ansible-playbook \[core ([^\]]+)\]', output, re.M)
    return len(invited), sorted(ran), len(tasks), core.group(1) if core else '?'


def main():
    sys.path.insert(0, os.path.join(REPO, 'tests'))
    from emulator.client import EmulatorError, EmulatorProcess  # pylint: disable=import-outside-toplevel

    start = time.monotonic()
    # Outside the checkout, so neither the playbook's directory nor the cwd can reach its .tmp/collections.
    work = tempfile.mkdtemp(prefix='msgraph.calls-artefact-')
    try:
        tarball, shipped = build(work)
        # flush: the lines must come before a failure's, which go to stderr, also when both go to one log file.
        print('artefact: built %s (%d files, %d KiB)' % (os.path.basename(tarball), shipped, os.path.getsize(tarball) // 1024), flush=True)
        clean_venv()
        collections, env, version = install(tarball, work)
        print('artefact: installed %s into %s, the only msgraph.calls the clean venv sees' % (version, collections), flush=True)
        with EmulatorProcess() as emu:  # the main .venv's Python: trustme is there, not in the clean venv
            invites, modules, role_tasks, core = play(emu, work, collections, env)
    except (Failure, EmulatorError) as exc:
        print('artefact: FAILED: %s' % exc, file=sys.stderr)
        if getattr(exc, 'output', ''):
            print(exc.output.rstrip(), file=sys.stderr)
        print('artefact: kept %s for a look' % work, file=sys.stderr)
        return 1
    shutil.rmtree(work)
    print(
        'artefact: ansible-core %s in .tmp/artefact-venv (requirements.txt only, no trustme); %d invites, one per person; '
        'modules %s and %d tasks of the page_responders role ran from the installed copy' % (core, invites, ', '.join(modules), role_tasks)
    )
    print('artefact: passed in %.0f s' % (time.monotonic() - start))
    return 0


if __name__ == '__main__':
    sys.exit(main())

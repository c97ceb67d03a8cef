# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""ansible-rulebook running the collection's rulebook against an emulator, for the event-driven tests (and the bench).

ansible-rulebook lives in a venv of its own (EDA_VENV, `make eda-venv`): its pins must not move the test venv. The
playbooks it starts run with the test venv's ansible-playbook (next on PATH). Without ansible-rulebook the tests fail
with the reason: a skipped test would count as passed.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import signal
import socket
import ssl
import subprocess
import time
import urllib.request

import trustme

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
EDA_VENV = os.environ.get('EDA_VENV') or os.path.join(ROOT, '.tmp', 'eda-venv')
RULEBOOK = 'msgraph.calls.incident_bridge'
ORGANIZER = '7e1b4346-85a6-4bdd-abe3-d11c5d420efe'
TIER1 = '1e126418-44a0-4a94-a6f8-0efe1ad71acb'
TIER2 = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d'


def rulebook_command():
    """The ansible-rulebook executable, or AssertionError saying how to get it."""
    path = os.path.join(EDA_VENV, 'bin', 'ansible-rulebook')
    assert os.access(path, os.X_OK), 'ansible-rulebook is not installed in %s: run `make eda-venv` (make integration does)' % EDA_VENV
    return path


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def alert(incident, status='firing', severity='critical'):
    """An Alertmanager webhook body (version 4) for one alert group."""
    labels = {'alertname': 'PaymentsDown', 'severity': severity, 'incident': incident}
    return {
        'version': '4',
        'groupKey': '{}:{alertname="PaymentsDown", incident="%s"}' % incident,
        'status': status,
        'receiver': 'eda',
        'groupLabels': {'alertname': 'PaymentsDown'},
        'commonLabels': labels,
        'commonAnnotations': {'summary': 'payments are failing'},
        'alerts': [{'status': status, 'labels': labels, 'annotations': {}, 'fingerprint': 'f00d'}],
    }


def invited(emu, user):
    """clientContexts of the invites sent for ``user``, oldest first."""
    return [
        r['body'].get('clientContext')
        for r in emu.requests()
        if r['method'] == 'POST' and r['path'].endswith('/participants/invite') and user in str(r.get('body'))
    ]


def joins(emu):
    """The POST /communications/calls requests (each joins a bridge call)."""
    return [r for r in emu.requests() if r['method'] == 'POST' and r['path'].rstrip('/').endswith('/communications/calls')]


def bridge_calls(emu, incident):
    """The calls of ``incident`` (their callbackUri ends with /<incident>), oldest first, as the admin API shows them."""
    return [call for call in emu.admin('GET', '/calls')['value'] if (call.get('callbackUri') or '').endswith('/' + incident)]


def delivered(emu, call_id, kind):
    """The notification POSTs of ``call_id`` carrying a ``kind`` item (call_state, participants, invite) that were answered."""
    return [entry for entry in emu.notifications() if entry.get('call_id') == call_id and kind in entry.get('kinds', ()) and 'status' in entry]


def descendants(pid):
    """The ids of every process below ``pid`` (Linux: read from /proc)."""
    children = {}
    for entry in os.listdir('/proc'):
        if entry.isdigit():
            try:
                with open('/proc/%s/stat' % entry) as handle:
                    # "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ')'.
                    ppid = int(handle.read().rpartition(')')[2].split()[1])
            except (OSError, IndexError, ValueError):
                continue  # gone meanwhile
            children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def freeze_tree(pid):
    """SIGSTOP ``pid`` and every process below it until no new one appears; return them all.

    A process that is stopped forks no more, but one may have forked between a scan and its SIGSTOP: scan again until a
    scan finds nobody new. A stopped tree keeps its parent links, so a playbook's worker (or the module it runs) cannot
    slip out from under the scan by being orphaned while it is read.
    """
    frozen = []
    todo = [pid]
    while todo:
        for each in todo:
            _signal(each, signal.SIGSTOP)
        frozen.extend(todo)
        todo = [each for each in descendants(pid) if each not in frozen]
    return frozen


def stop_all(pids, timeout=15):
    """SIGTERM (and SIGCONT, for a stopped one) each of ``pids``, then SIGKILL those still there after ``timeout``
    seconds (a guard, not a measure)."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in pids:
            _signal(pid, sig)
            _signal(pid, signal.SIGCONT)
        end = time.monotonic() + timeout
        while pids and time.monotonic() < end:
            pids = [pid for pid in pids if os.path.exists('/proc/%d' % pid) and not _zombie(pid)]
            time.sleep(0.1)
        if not pids:
            return


def _signal(pid, sig):
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass  # gone meanwhile


def _zombie(pid):
    try:
        with open('/proc/%d/stat' % pid) as handle:
            return handle.read().rpartition(')')[2].split()[0] == 'Z'
    except OSError:
        return False


class Rulebook(object):
    """``with Rulebook(emu, tmp_path, tiers) as rb``: ansible-rulebook started, both its listeners answering."""

    def __init__(self, emu, tmp_path, tiers, wait_sleep=1):
        self.emu = emu
        self.tmp_path = tmp_path
        self.alert_port = free_port()
        self.notify_port = free_port()
        ca = trustme.CA()
        cert = ca.issue_cert('127.0.0.1')
        certfile, keyfile = str(tmp_path / 'notify.pem'), str(tmp_path / 'notify-key.pem')
        self.notify_ssl = ssl.create_default_context()
        ca.configure_trust(self.notify_ssl)
        cert.private_key_and_cert_chain_pem.write_to_path(certfile)
        cert.private_key_pem.write_to_path(keyfile)
        self.callback_base = 'https://127.0.0.1:%d/api/calls' % self.notify_port
        variables = {
            'graph': emu.connection,
            'bridge_organizer': ORGANIZER,
            'bridge_callback_base': self.callback_base,
            'bridge_tiers': tiers,
            'bridge_wait_sleep': wait_sleep,
            'alert_webhook_host': '127.0.0.1',
            'alert_webhook_port': self.alert_port,
            'notify_host': '127.0.0.1',
            'notify_port': self.notify_port,
            'notify_certfile': certfile,
            'notify_keyfile': keyfile,
            'notify_openid_url': emu.info['notification_openid_url'],
            'notify_ca_path': emu.ca_path,
        }
        self.vars_path = tmp_path / 'rulebook-vars.json'
        self.vars_path.write_text(json.dumps(variables))
        self.inventory = tmp_path / 'inventory.yml'
        self.inventory.write_text('all:\n  hosts:\n    localhost:\n      ansible_connection: local\n')
        self.log_path = tmp_path / 'rulebook.log'
        self.process = None

    def __enter__(self):
        env = dict(os.environ)
        env['PATH'] = os.pathsep.join([os.path.join(EDA_VENV, 'bin'), env.get('PATH', '')])
        env.update({'MSGRAPH_TOKEN_CACHE': 'false', 'ANSIBLE_NOCOLOR': '1', 'ANSIBLE_LOCALHOST_WARNING': '0', 'PYTHONUNBUFFERED': '1'})
        # ansible-rulebook's private data directories (one per playbook run) go with the test's files.
        env['TMPDIR'] = str(self.tmp_path)
        # The playbooks' records and locks (~/.ansible/msgraph.calls) in a home of this test's own, as in conftest.
        home = self.tmp_path / 'rulebook-home'
        home.mkdir(mode=0o700, exist_ok=True)
        env['HOME'] = str(home)
        command = [rulebook_command(), '--rulebook', RULEBOOK, '-i', str(self.inventory), '--vars', str(self.vars_path), '--print-events']
        self._log = open(str(self.log_path), 'w')  # pylint: disable=consider-using-with
        # A session of its own: the playbooks it starts are stopped with it (killpg), never by name.
        self.process = subprocess.Popen(  # pylint: disable=consider-using-with
            command, stdout=self._log, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
        self._wait_listening()
        return self

    def _wait_listening(self, timeout=180):
        end = time.monotonic() + timeout
        for port in (self.alert_port, self.notify_port):
            while True:
                assert self.process.poll() is None, 'ansible-rulebook stopped:\n' + self.output()
                try:
                    socket.create_connection(('127.0.0.1', port), timeout=1).close()
                    break
                except OSError:
                    assert time.monotonic() < end, 'ansible-rulebook did not listen on %d:\n%s' % (port, self.output())
                    time.sleep(0.1)
        # Listening is not ready: the notification listener must also hold the emulator's signing keys, or the
        # notifications the test causes are refused 503 (the emulator, like Graph as far as is documented, does not
        # send them again). A busy machine can make that first read late; the listener retries it by itself.
        while not self._notify_ready():
            assert self.process.poll() is None, 'ansible-rulebook stopped:\n' + self.output()
            assert time.monotonic() < end, 'the notification listener never read the signing keys:\n%s' % self.output()
            time.sleep(0.2)

    def _notify_ready(self):
        url = 'https://127.0.0.1:%d/api/calls' % self.notify_port
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), urllib.request.HTTPSHandler(context=self.notify_ssl))
        try:
            with opener.open(url, timeout=10) as response:
                return response.status == 200
        except (OSError, ValueError):  # HTTPError (503: no keys yet) is an OSError too
            return False

    def __exit__(self, *exc_info):
        # ansible-runner starts each playbook in a session of its own, out of reach of killpg: an escalation left
        # running would go on polling this emulator into the next test. Freeze the whole tree first (nothing in it
        # starts anything more), then stop each process by its id.
        if self.process.poll() is None:
            stop_all(freeze_tree(self.process.pid))
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._log.close()

    def output(self):
        return self.log_path.read_text() if self.log_path.exists() else ''

    def post_alert(self, body):
        request = urllib.request.Request(
            'http://127.0.0.1:%d/endpoint' % self.alert_port, data=json.dumps(body).encode(), headers={'Content-Type': 'application/json'}, method='POST'
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status

    def plays(self, name):
        """How many times the play ``name`` started (ansible-rulebook prints each run's output)."""
        return self.output().count('PLAY [%s]' % name)

    def recaps(self):
        """How many playbook runs ended."""
        return self.output().count('PLAY RECAP')

    def wait_for(self, predicate, what, timeout=300):
        """Poll ``predicate`` (the timeout only ends a hung test; nothing is asserted about speed)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            value = predicate()
            if value:
                return value
            time.sleep(0.1)
        raise AssertionError('%s did not happen; ansible-rulebook said:\n%s' % (what, self.output()[-6000:]))

# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run `ansible-test integration` (tests/integration/targets/) against the Graph emulator.

The emulator starts here, outside ansible-test, and its address, CA and app reach every target through
tests/integration/integration_config.yml (written into the copied tree): ansible-test keeps no process
alive between targets, so a server started by a target would be nobody's to stop. The setup target
(setup_emulator), a role dependency of every target, checks that the connection is there, resets the emulator,
stops its clock, and gives the targets its read-backs (defaults/main.yml).

The run has a home of its own: the modules keep their tokens in ~/.ansible by default, and the real home is
neither a test's to write nor to read from (a token another run's emulator issued).

Usage: run_targets.py [extra ansible-test integration arguments, e.g. a target name]
"""

import json
import os
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO, 'tests'))
sys.path.insert(0, os.path.join(REPO, 'tests', 'utils'))

from copy_checkout import copy_checkout  # noqa: E402  pylint: disable=wrong-import-position
from emulator.client import EmulatorProcess  # noqa: E402  pylint: disable=wrong-import-position


def main(argv):
    bin_dir = os.path.dirname(sys.executable)
    python = '%d.%d' % sys.version_info[:2]
    with tempfile.TemporaryDirectory(prefix='msgraph.calls-targets.') as work:
        tree = os.path.join(work, 'ansible_collections', 'msgraph', 'calls')
        print('run_targets: copied %d files to %s' % (copy_checkout(REPO, tree), tree))
        with EmulatorProcess() as emu:
            config = {'msgraph_emulator_url': emu.base_url, 'msgraph_connection': emu.connection}
            # JSON is YAML; ansible-test passes this file's variables to every target.
            with open(os.path.join(tree, 'tests', 'integration', 'integration_config.yml'), 'w') as handle:
                json.dump(config, handle, indent=2)
            home = os.path.join(work, 'home')
            os.mkdir(home)
            env = dict(os.environ, PATH=bin_dir + os.pathsep + os.environ.get('PATH', ''), ANSIBLE_NOCOLOR='1', HOME=home)
            command = [os.path.join(bin_dir, 'ansible-test'), 'integration', '--local', '--python', python] + argv[1:]
            print('run_targets: %s (emulator at %s)' % (' '.join(command[1:]), emu.base_url), flush=True)
            rc = subprocess.call(command, cwd=tree, env=env)
    print('run_targets: %s' % ('all targets passed' if rc == 0 else 'FAILED (ansible-test exit code %d)' % rc))
    return rc


if __name__ == '__main__':
    sys.exit(main(sys.argv))

"""Offline stand-in for the get-pip bootstrap script that ansible-test downloads.

ansible-test bootstraps pip into each of its (empty) sanity-test virtual environments by
running ``https://ci-files.testing.ansible.com/ansible-test/get-pip-<ver>.py``, or a cached copy
at ``~/.ansible/test/cache/get_pip_<ver>.py``. That host is not reachable from our CI machines,
so ``tests/utils/run_sanity.sh`` copies this file to the cache path instead.

It is called as ``python get_pip_X_Y.py [pip options] pip==X.Y --no-setuptools --no-wheel``
(through ansible-test's quiet_pip wrapper, with ``run_name='__main__'``). It installs the requested
pip with the base interpreter's own pip, aimed at this environment:
``<base python> -m pip --python <this python> install <the given arguments>``, minus
``--no-setuptools`` and ``--no-wheel`` (get-pip options that pip itself does not know). That is one
pip run per environment, where the fallback below takes three; a fresh machine creates nine.

Fallback, when the base interpreter has no pip that can do that:
1. ``python -m ensurepip --upgrade --default-pip`` in a *subprocess*: run in-process, ensurepip
   hides the system pip configuration (which carries the CA certificate setting), so the next
   step could not reach the package index.
2. ``python -m pip install --upgrade --force-reinstall <the given arguments>``.
3. Removes the setuptools that ensurepip brings along when ``--no-setuptools`` was asked for, so
   the environment matches what the real get-pip would have produced.
"""

import subprocess
import sys

GET_PIP_ONLY_OPTIONS = ('--no-setuptools', '--no-wheel')


def run(command, may_fail=False):
    """Run a command quietly; on failure show its output and exit with its status (or return False)."""
    result = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False)

    if result.returncode != 0 and may_fail:
        return False
    if result.returncode != 0:
        sys.stdout.write(result.stdout.decode('utf-8', 'replace'))
        sys.stdout.write('get-pip stand-in: %s failed with exit code %d\n' % (' '.join(command), result.returncode))
        sys.exit(result.returncode)
    return True


def main():
    """Bootstrap pip into the running interpreter's environment."""
    args = sys.argv[1:]
    pip_args = [arg for arg in args if arg not in GET_PIP_ONLY_OPTIONS]

    base = getattr(sys, '_base_executable', None)
    aimed = [base, '-m', 'pip', '--disable-pip-version-check', '--python', sys.executable, 'install', '--upgrade', '--force-reinstall'] + pip_args
    if base and base != sys.executable and run(aimed, may_fail=True):
        return

    run([sys.executable, '-m', 'ensurepip', '--upgrade', '--default-pip'])
    run([sys.executable, '-m', 'pip', 'install', '--upgrade', '--force-reinstall'] + pip_args)

    if '--no-setuptools' in args:
        run([sys.executable, '-m', 'pip', 'uninstall', '--yes', '--quiet', 'setuptools'])


if __name__ == '__main__':
    main()

# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# Simplified BSD License (see https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""The folder where the modules keep what they know between tasks on the machine that runs them.

``~/.ansible/msgraph.calls/`` of the user running the module (0700): the token cache, the invite record,
the call record and the locks. ``MSGRAPH_STATE_DIR`` moves the records and the locks elsewhere (a folder that
several job containers of one machine share, in AWX). A record option takes a path, true (the default file
here) or false (off); the option unset falls back to its environment variable, then to on.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible_collections.msgraph.calls.plugins.module_utils._graph.errors import InputError
from ansible_collections.msgraph.calls.plugins.module_utils._graph.private_file import check

STATE_DIR = ('.ansible', 'msgraph.calls')
STATE_DIR_ENV = 'MSGRAPH_STATE_DIR'
# Values of a record option (or its environment variable) that mean the default file, and those that turn it off.
# YAML's true and false arrive as booleans, or as "True"/"False" from a string template.
ON_VALUES = ('true', 'yes', 'on', 'default')
OFF_VALUES = ('', 'false', 'no', 'off', 'none', '0')


def home_state_dir(environ=None):
    """``~/.ansible/msgraph.calls`` of the user running the module (the token cache stays there)."""
    environ = os.environ if environ is None else environ
    home = environ.get('HOME') or os.path.expanduser('~')
    return os.path.join(home, *STATE_DIR)


def state_dir(environ=None):
    """``MSGRAPH_STATE_DIR``, else ``~/.ansible/msgraph.calls`` of the user running the module."""
    environ = os.environ if environ is None else environ
    if environ.get(STATE_DIR_ENV):
        return os.path.abspath(os.path.expanduser(environ[STATE_DIR_ENV]))
    return home_state_dir(environ)


def make_state_dir(environ=None):
    """The folder, created 0700 when missing; OSError when it cannot be."""
    folder = state_dir(environ)
    os.makedirs(folder, 0o700, exist_ok=True)
    return folder


def record_path(option, value, env_name, default_name, environ=None, folder=None):
    """The file a record option names: (path or None when off, whether it is the default file).

    ``value`` is the option as the task gave it (None when unset: ``env_name``, if any, decides, else on). The default
    file is ``default_name`` in ``folder`` (state_dir() unless given).
    """
    environ = os.environ if environ is None else environ
    if value is None and env_name:
        value = environ.get(env_name)
    if value is None or value is True or (isinstance(value, str) and value.strip().lower() in ON_VALUES):
        return os.path.join(folder or state_dir(environ), default_name), True
    if value is False or (isinstance(value, str) and value.strip().lower() in OFF_VALUES):
        return None, False
    if not isinstance(value, str):
        raise InputError('%s must be a file path, true (the default file) or false (off); got %r' % (option, value))
    return os.path.abspath(os.path.expanduser(os.path.expandvars(value))), False


def checked_record(option, value, env_name, default_name, environ=None):
    """The record file a task will use (None when off), checked before any request.

    The default file's folder is created (0700); a file the task names must be in a folder that exists. Either
    way the file must obey private_file's rules (a regular file of the user, 0600, its folder not writable by
    others): InputError naming the option and the fix.
    """
    path, is_default = record_path(option, value, env_name, default_name, environ)
    if path is None:
        return None
    try:
        if is_default:
            make_state_dir(environ)
        check(path, option)
    except OSError as exc:
        raise InputError('%s %r cannot be used: %s (set %s: false to run without it)' % (option, path, exc.strerror or exc, option))
    except ValueError as exc:
        raise InputError(str(exc))
    return path

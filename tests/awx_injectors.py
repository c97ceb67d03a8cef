# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The credential types of extensions/awx, and their injectors rendered as AWX renders them at job start.

As awx/main/models/credential.py (CredentialType.inject_credential) does: Jinja in an immutable sandbox, a
``tower`` namespace whose ``filename`` names each file injector's file (written 0600 into the job's private data
dir, ``env/``), secrets rendered as ********** in the environment AWX stores with the job. Shared by the unit tests
of the types and the jobs run through ansible-runner.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import tempfile

import yaml
from jinja2.sandbox import ImmutableSandboxedEnvironment

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..'))
TYPES_DIR = os.path.join(ROOT, 'extensions', 'awx', 'credential_types')
SECRET_TYPE, CERTIFICATE_TYPE, FEDERATED_TYPE = 'msgraph_calls_secret.yml', 'msgraph_calls_certificate.yml', 'msgraph_calls_federated.yml'
TYPES = (SECRET_TYPE, CERTIFICATE_TYPE, FEDERATED_TYPE)
HIDDEN = '**********'


def load(name):
    with open(os.path.join(TYPES_DIR, name)) as handle:
        return yaml.safe_load(handle)


def fields(credential_type):
    return credential_type['inputs']['fields']


class Namespace(object):
    """AWX's ``tower`` namespace: ``tower.filename`` or ``tower.filename.<label>``."""


def inject(credential_type, inputs, private_dir):
    """(env, safe_env) as AWX's CredentialType.inject_credential builds them for a credential with these inputs.

    An input left empty or absent is not in the namespace, so it renders as "". Secrets render as
    ********** in safe_env, the environment AWX stores with the job and shows. File templates are written
    to private_dir (mode 0600) and named by tower.filename.
    """
    secret = set(field['id'] for field in fields(credential_type) if field.get('secret'))
    tower = Namespace()
    namespace, safe_namespace = {'tower': tower}, {'tower': tower}
    for name, value in inputs.items():
        if name in secret:
            safe_namespace[name] = HIDDEN
        elif len(value):
            safe_namespace[name] = value
        if len(value):
            namespace[name] = value
    sandbox = ImmutableSandboxedEnvironment()
    for label, template in credential_type['injectors'].get('file', {}).items():
        handle, path = tempfile.mkstemp(dir=private_dir)
        with os.fdopen(handle, 'w') as stream:
            stream.write(sandbox.from_string(template).render(**namespace))
        os.chmod(path, 0o600)
        if '.' not in label:
            tower.filename = path
        else:
            if not hasattr(tower, 'filename'):
                tower.filename = Namespace()
            setattr(tower.filename, label.split('.')[1], path)
    env, safe_env = {}, {}
    for name, template in credential_type['injectors'].get('env', {}).items():
        env[name] = sandbox.from_string(template).render(**namespace)
        safe_env[name] = sandbox.from_string(template).render(**safe_namespace)
    return env, safe_env

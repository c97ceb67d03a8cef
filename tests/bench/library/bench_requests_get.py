# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Bench-only module: one GET with requests and a given bearer token, nothing else.

The least a module can do that reads a roster the way the collection does (Python's requests, HTTPS, the CA
given): what importing requests and one request add to the floor. `make bench` copies it into the library/
directory next to the playbooks it generates.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: bench_requests_get
short_description: One GET with requests (the benchmark's least Graph read)
description:
  - Sends one GET with a bearer token and returns how many entries its C(value) list has. Used by C(make bench).
options:
  url:
    description: What to GET.
    type: str
    required: true
  token:
    description: The bearer token.
    type: str
    required: true
  ca_path:
    description: The CA bundle to verify the server with.
    type: path
    required: true
author:
  - msgraph.calls contributors
'''

from ansible.module_utils.basic import AnsibleModule  # noqa: E402  (after DOCUMENTATION, as modules do)

try:
    import requests
except ImportError:  # the bench runs in the venv, which has it; fail cleanly anywhere else
    requests = None


def main():
    spec = {
        'url': {'type': 'str', 'required': True},
        'token': {'type': 'str', 'required': True, 'no_log': True},
        'ca_path': {'type': 'path', 'required': True},
    }
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    if requests is None:
        module.fail_json(msg='bench_requests_get needs the requests library')
    response = requests.get(module.params['url'], headers={'Authorization': 'Bearer ' + module.params['token']}, verify=module.params['ca_path'], timeout=30)
    if response.status_code != 200:
        module.fail_json(msg='GET %s: HTTP %d' % (module.params['url'], response.status_code))
    module.exit_json(changed=False, count=len(response.json().get('value') or []))


if __name__ == '__main__':
    main()

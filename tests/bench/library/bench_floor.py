# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Bench-only module: does nothing but exit_json, so a task of it costs what Ansible itself costs (the floor).

`make bench` copies it into the library/ directory next to the playbooks it generates.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: bench_floor
short_description: Does nothing (the benchmark's floor)
description:
  - Returns at once, unchanged. Used by C(make bench) to measure what any task costs.
options:
  index:
    description: The task's number, echoed back.
    type: int
    default: 0
author:
  - msgraph.calls contributors
'''

from ansible.module_utils.basic import AnsibleModule  # noqa: E402  (after DOCUMENTATION, as modules do)


def main():
    module = AnsibleModule(argument_spec={'index': {'type': 'int', 'default': 0}}, supports_check_mode=True)
    module.exit_json(changed=False, index=module.params['index'])


if __name__ == '__main__':
    main()

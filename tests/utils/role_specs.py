#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The participant entries of every role's meta/argument_specs.yml, generated from the modules.

Ansible checks a role's variables against meta/argument_specs.yml before its first task, and names neither the
tier nor the person of a key it does not know. So a role's participant entries are listed from the
module's own argspec (the keys), never by hand. The entries are plain dictionaries in the spec: the role checks
their keys with the filter participant_problems first, whose message names the tier and the person:

    python tests/utils/role_specs.py          # rewrite the files (make role-specs)
    python tests/utils/role_specs.py --check  # exit 1 if any file differs (the unit tests do this too)
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import sys

import yaml

from ansible_collections.msgraph.calls.plugins.module_utils._calls.participants import participant_options

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
# Role -> (the option that holds participant entries, whether it holds tiers of them).
PARTICIPANT_PATHS = {
    'page_responders': ('page_responders_participants', False),
    'escalate': ('escalate_tiers', True),
    'incident_bridge': ('incident_bridge_tiers', True),
}
HEADER = (
    '# Generated in part: the participant entries come from graph_call_invite (tests/utils/role_specs.py);\n'
    '# edit the rest by hand, then run `make role-specs`.\n'
)
# The generated sentences of an option's description start so; the rest of it is written by hand.
GENERATED = ('Each tier takes', 'Each participant takes')
TIER_SENTENCE = (
    'Each tier takes C(name) (its name in reports), C(tier) (its number in an on-call export; reports only), '
    'C(wait_timeout) (seconds before the next tier, 1 to 3600) and C(participants) (who it pages; required).'
)


def participant_sentence():
    """The sentence that lists the keys of a participant entry, and says who checks them."""
    return (
        'Each participant takes the keys of graph_call_invite\'s C(participants) option (C(ansible-doc '
        'msgraph.calls.graph_call_invite)): %s. The role checks the keys itself before any request (the filter '
        'C(msgraph.calls.participant_problems)), naming the tier, the person and the unknown key; the modules check '
        'the values.' % ', '.join('C(%s)' % name for name in participant_options())
    )


def path_of(role):
    return os.path.join(ROOT, 'roles', role, 'meta', 'argument_specs.yml')


class _IndentedDumper(yaml.SafeDumper):
    """Indents list items under their key, as yamllint's default (and ansible-lint's) indentation rule wants."""

    def increase_indent(self, flow=False, indentless=False):
        return super(_IndentedDumper, self).increase_indent(flow, False)


def generated(role):
    """The file's text with its participant option written from the module: plain dictionaries (the role checks the keys
    with the filter participant_problems, which names the tier and the person), the keys listed in the description."""
    with open(path_of(role)) as handle:
        specs = yaml.safe_load(handle)
    name, tiers = PARTICIPANT_PATHS[role]
    option = specs['argument_specs']['main']['options'][name]
    option.pop('options', None)
    description = option['description'] if isinstance(option['description'], list) else [option['description']]
    description = [line for line in description if not line.startswith(GENERATED)]
    option['description'] = description + ([TIER_SENTENCE] if tiers else []) + [participant_sentence()]
    return HEADER + yaml.dump(specs, Dumper=_IndentedDumper, explicit_start=True, sort_keys=False, width=110, default_flow_style=False, indent=2)


def main(argv):
    check = '--check' in argv
    stale = []
    for role in sorted(PARTICIPANT_PATHS):
        if not os.path.exists(path_of(role)):
            continue
        text = generated(role)
        with open(path_of(role)) as handle:
            current = handle.read()
        if text != current:
            stale.append(path_of(role))
            if not check:
                with open(path_of(role), 'w') as handle:
                    handle.write(text)
    if check and stale:
        print('out of date (run make role-specs): %s' % ', '.join(stale))
        return 1
    print('%s %s' % ('rewrote' if stale and not check else 'up to date:', ', '.join(stale) or 'all roles'))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))

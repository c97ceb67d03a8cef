# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The ``participant_problems`` filter: what is wrong with the keys of a role's participants or tiers, in words.

The roles' argument specs take participant entries as plain dictionaries, so that a typo is reported here,
naming the tier, the person and the key, instead of by Ansible's argument spec check (which names neither, and
prints the whole spec). The modules check everything else (phones, ids, types) before their first request.
Its documentation is the sidecar file ``participant_problems.yml`` next to this one.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from collections.abc import Mapping

from ansible.errors import AnsibleFilterError

from ansible_collections.msgraph.calls.plugins.module_utils._calls.participants import IDENTITY_OPTIONS, participant_options

TIER_KEYS = ('name', 'tier', 'wait_timeout', 'participants')


def _person(entry):
    """How the user wrote the person: the first identity given, and the display name."""
    for key in IDENTITY_OPTIONS:
        value = entry.get(key)
        if isinstance(value, str) and value.strip():
            name = entry.get('display_name')
            return '%s %s%s' % (key, value.strip(), ' (%s)' % name.strip() if isinstance(name, str) and name.strip() else '')
    name = entry.get('display_name')
    return name.strip() if isinstance(name, str) and name.strip() else 'no identity'


def _entries(value, where, problems, what):
    if not isinstance(value, list):
        problems.append('%s must be a list of %s; got %s' % (where, what, type(value).__name__))
        return []
    return value


def _participants(entries, where, problems):
    known = sorted(participant_options())
    for index, entry in enumerate(_entries(entries, where, problems, 'participants')):
        at = '%s[%d]' % (where, index)
        if not isinstance(entry, Mapping):
            problems.append('%s must be a dictionary with one of %s; got %r' % (at, ', '.join(IDENTITY_OPTIONS), entry))
            continue
        unknown = sorted(str(key) for key in entry if key not in known)
        if unknown:
            problems.append(
                '%s (%s) has the unknown key%s %s; a participant takes %s'
                % (at, _person(entry), 's' if len(unknown) > 1 else '', ', '.join(repr(key) for key in unknown), ', '.join(known))
            )


def participant_problems(value, option, tiers=False):
    """The problems of ``value`` (a role's ``option``), one sentence each; an empty list when there are none.

    ``tiers``: ``value`` is a list of tiers, each with participants; else a list of participants.
    """
    if not isinstance(option, str) or not option:
        raise AnsibleFilterError('participant_problems: give the name of the role variable, such as escalate_tiers')
    problems = []
    if not tiers:
        _participants(value, option, problems)
        return problems
    for index, tier in enumerate(_entries(value, option, problems, 'tiers')):
        at = '%s[%d]' % (option, index)
        if not isinstance(tier, Mapping):
            problems.append('%s must be a dictionary with participants; got %r' % (at, tier))
            continue
        name = tier.get('name') if isinstance(tier.get('name'), str) and tier.get('name').strip() else 'tier %d' % (index + 1)
        unknown = sorted(str(key) for key in tier if key not in TIER_KEYS)
        if unknown:
            problems.append(
                '%s (%s) has the unknown key%s %s; a tier takes %s'
                % (at, name, 's' if len(unknown) > 1 else '', ', '.join(repr(key) for key in unknown), ', '.join(TIER_KEYS))
            )
        if tier.get('participants') is None:
            problems.append('%s (%s) has no participants' % (at, name))
            continue
        _participants(tier['participants'], '%s (%s).participants' % (at, name), problems)
    return problems


class FilterModule:
    """msgraph.calls filters."""

    def filters(self):
        return {'participant_problems': participant_problems}

# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The oncall_tiers filter: every example export in docs/examples/oncall/, every option, every error.

The example files are loaded here, and their options and filter calls are compared with
docs/docsite/rst/guide_oncall_input.rst, so the documented exports cannot drift from what the filter does.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import re
import shutil
import subprocess
import sys

import pytest
import yaml

from ansible.errors import AnsibleFilterError

from ansible_collections.msgraph.calls.plugins.filter import oncall_tiers as plugin
from ansible_collections.msgraph.calls.plugins.filter.oncall_tiers import FilterModule, oncall_tiers

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..', '..'))
EXAMPLES = os.path.join(ROOT, 'docs', 'examples', 'oncall')
GUIDE = os.path.join(ROOT, 'docs', 'docsite', 'rst', 'guide_oncall_input.rst')
SIDECAR = os.path.join(ROOT, 'plugins', 'filter', 'oncall_tiers.yml')


def user(email, name=None):
    entry = {'user': email}
    if name:
        entry['display_name'] = name
    return entry


def phone(number, name=None):
    entry = {'phone': number}
    if name:
        entry['display_name'] = name
    return entry


def tier(number, *participants):
    return {'name': 'tier %d' % number, 'tier': number, 'participants': list(participants)}


# What each example file turns into, with its own oncall_options.
EXPECTED = {
    'pagerduty.yml': [
        tier(1, user('priya.natarajan@example.com', 'Priya Natarajan')),
        tier(2, user('marcus.lee@example.com', 'Marcus Lee'), user('dana.whitfield@example.com', 'Dana Whitfield')),
        tier(3, user('jordan.avery@example.com', 'Jordan Avery')),
    ],
    'opsgenie.yml': [
        tier(1, user('kenji.watanabe@example.com', 'Kenji Watanabe')),
        tier(2, user('laura.chen@example.com', 'Laura Chen')),
        tier(3, user('tomas.ruiz@example.com', 'Tom\u00e1s Ruiz')),
    ],
    'splunk_oncall.yml': [
        tier(1, phone('+1 425 555 0121', 'Noah Bergstrom'), user('aisha.karimi@example.com', 'Aisha Karimi')),
        tier(2, phone('+1 (425) 555-0123', 'Mateo Silva')),
        tier(3, phone('+1 425 555 0124', 'Grace Liu')),
    ],
    'grafana_oncall.yml': [
        tier(1, user('olivia.brandt@example.com'), user('rafael.moreno@example.com')),
        tier(2, user('hannah.kowalski@example.com')),
        tier(3, user('wei.zhang@example.com')),
    ],
    'spreadsheet.yml': [
        tier(1, user('alex.rivera@example.com', 'Alex Rivera'), phone('+1 425 555 0142', 'Sam Okafor')),
        tier(2, user('jamie.fischer@example.com', 'Jamie Fischer')),
        tier(3, user('Morgan.Lee@example.com', 'Morgan Lee')),
    ],
}


def load_example(name):
    with open(os.path.join(EXAMPLES, name), encoding='utf-8') as handle:
        return yaml.safe_load(handle)


def read(path):
    with open(path, encoding='utf-8') as handle:
        return handle.read()


def filter_call(options):
    """The Jinja expression the docs show for these options, such as ``oncall | msgraph.calls.oncall_tiers(tier_key='step')``."""
    args = []
    for key, value in options.items():
        if isinstance(value, bool):
            args.append('%s=%s' % (key, 'true' if value else 'false'))
        elif isinstance(value, int):
            args.append('%s=%d' % (key, value))
        else:
            args.append("%s='%s'" % (key, value))
    return 'oncall | msgraph.calls.oncall_tiers' + ('(%s)' % ', '.join(args) if args else '')


def message_of(records, **options):
    with pytest.raises(AnsibleFilterError) as info:
        oncall_tiers(records, **options)
    return str(info.value)


# --- the example exports ---------------------------------------------------------------------------------------


def test_every_example_file_has_its_expected_tiers():
    files = sorted(name for name in os.listdir(EXAMPLES) if name.endswith(('.yml', '.yaml')))
    assert files == sorted(EXPECTED), 'an example file without expected tiers here, or the other way round'


@pytest.mark.parametrize('name', sorted(EXPECTED))
def test_example_turns_into_its_tiers(name):
    example = load_example(name)
    assert sorted(example) == ['oncall', 'oncall_options']
    assert oncall_tiers(example['oncall'], **example['oncall_options']) == EXPECTED[name]


@pytest.mark.parametrize('name', sorted(EXPECTED))
def test_example_needs_each_of_its_options(name):
    """Every option a file lists is needed: without it the tiers differ, or the filter fails."""
    example = load_example(name)
    for option in example['oncall_options']:
        fewer = dict((key, value) for key, value in example['oncall_options'].items() if key != option)
        try:
            result = oncall_tiers(example['oncall'], **fewer)
        except AnsibleFilterError:
            continue
        assert result != EXPECTED[name], '%s: %s is not needed' % (name, option)


@pytest.mark.parametrize('name', sorted(EXPECTED))
def test_example_header_and_guide_show_its_filter_call(name):
    call = filter_call(load_example(name)['oncall_options'])
    assert 'tiers: "{{ %s }}"' % call in read(os.path.join(EXAMPLES, name)), name
    guide = read(GUIDE)
    assert 'tiers: "{{ %s }}"' % call in guide, name
    assert '``docs/examples/oncall/%s``' % name in guide, name


@pytest.mark.parametrize('name', sorted(EXPECTED))
def test_example_header_summarises_its_tiers(name):
    """The "Tiers:" line of each file's header names the people of each tier, in order."""
    summary = re.search(r'^# Tiers: (.*)\.$', read(os.path.join(EXAMPLES, name)), re.M).group(1)
    for tiers, described in zip(EXPECTED[name], summary.split('; ')):
        number, people = described.split(' ', 1)
        assert int(number) == tiers['tier'], name
        names = [entry.get('display_name') or entry['user'].split('@')[0] for entry in tiers['participants']]
        assert re.sub(r' \((phone|Teams)\)', '', people).split(', ') == names, name
    assert len(summary.split('; ')) == len(EXPECTED[name])


# --- the output ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    'records,options,expected',
    [
        pytest.param([], {}, [], id='empty list'),
        pytest.param((), {}, [], id='empty tuple'),
        pytest.param([{'tier': 1, 'email': 'a@example.com', 'name': 'A'}], {}, [tier(1, user('a@example.com', 'A'))], id='one record'),
        pytest.param(
            [
                {'tier': 3, 'email': 'c@example.com'},
                {'tier': 1, 'email': 'a@example.com'},
                {'tier': 3, 'email': 'b@example.com'},
                {'tier': 1, 'phone': '+1 425 555 0100'},
            ],
            {},
            [tier(1, user('a@example.com'), phone('+1 425 555 0100')), tier(3, user('c@example.com'), user('b@example.com'))],
            id='sorted by tier, record order within',
        ),
        pytest.param(
            [{'tier': 10, 'email': 'a@example.com'}, {'tier': 2, 'email': 'b@example.com'}],
            {},
            [tier(2, user('b@example.com')), tier(10, user('a@example.com'))],
            id='numeric order, gaps kept',
        ),
        pytest.param(
            [{'tier': '2', 'email': 'a@example.com'}, {'tier': ' 1 ', 'email': 'b@example.com'}, {'tier': '01', 'email': 'c@example.com'}],
            {},
            [tier(1, user('b@example.com'), user('c@example.com')), tier(2, user('a@example.com'))],
            id='digit strings are tiers',
        ),
        pytest.param(
            [{'tier': 1, 'email': '  a@example.com\t', 'phone': ' +1 425 555 0100 ', 'name': ' A B '}],
            {},
            [tier(1, user('a@example.com', 'A B'))],
            id='whitespace stripped',
        ),
        pytest.param([{'tier': 1, 'phone': '+1 (425) 555-0100\n', 'name': 'P'}], {}, [tier(1, phone('+1 (425) 555-0100', 'P'))], id='phone passed as written'),
        pytest.param(
            [{'tier': 1, 'email': 'a@example.com', 'name': ''}, {'tier': 1, 'email': 'b@example.com', 'name': None}],
            {},
            [tier(1, user('a@example.com'), user('b@example.com'))],
            id='no name, no display_name',
        ),
        pytest.param([{'tier': 1, 'email': '', 'phone': '+1 425 555 0100'}], {}, [tier(1, phone('+1 425 555 0100'))], id='blank e-mail is missing'),
        pytest.param(
            [{'tier': None, 'level': 2, 'mail': None, 'email_address': 'a@example.com'}],
            {},
            [tier(2, user('a@example.com'))],
            id='null values are missing, next candidate',
        ),
    ],
)
def test_output(records, options, expected):
    assert oncall_tiers(records, **options) == expected


def test_output_is_plain_data_and_input_untouched():
    records = [{'tier': '1', 'user': {'email': ' a@example.com ', 'name': 'A'}}]
    before = json.dumps(records, sort_keys=True)
    result = oncall_tiers(records)
    assert json.dumps(records, sort_keys=True) == before
    assert json.loads(json.dumps(result)) == result
    assert type(result[0]['tier']) is int  # pylint: disable=unidiomatic-typecheck


# --- default paths ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize('path', plugin.TIER_KEYS)
def test_each_default_tier_path(path):
    assert oncall_tiers([nest(path, '2', {'email': 'a@example.com'})]) == [tier(2, user('a@example.com'))]


@pytest.mark.parametrize('path', plugin.EMAIL_KEYS)
def test_each_default_email_path(path):
    assert oncall_tiers([nest(path, 'a@example.com', {'tier': 1})]) == [tier(1, user('a@example.com'))]


@pytest.mark.parametrize('path', plugin.PHONE_KEYS)
def test_each_default_phone_path(path):
    assert oncall_tiers([nest(path, '+1 425 555 0100', {'tier': 1})]) == [tier(1, phone('+1 425 555 0100'))]


@pytest.mark.parametrize('path', plugin.NAME_KEYS)
def test_each_default_name_path(path):
    record = nest(path, 'Alex', {'tier': 1, 'email': 'a@example.com'})
    assert oncall_tiers([record]) == [tier(1, user('a@example.com', 'Alex'))]


def nest(path, value, record):
    """``record`` with ``value`` at the dotted ``path``."""
    node = record
    parts = path.split('.')
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value
    return record


@pytest.mark.parametrize(
    'field,candidates',
    [
        ('tier', plugin.TIER_KEYS),
        ('email', plugin.EMAIL_KEYS),
        ('phone', plugin.PHONE_KEYS),
        ('name', plugin.NAME_KEYS),
    ],
)
def test_candidates_are_tried_in_order(field, candidates):
    """With every candidate path set, the first wins; with the first missing, the second; and so on."""
    values = {'tier': lambda i: str(i + 1), 'email': lambda i: 'p%d@example.com' % i, 'phone': lambda i: '+1 425 555 01%02d' % i, 'name': lambda i: 'N%d' % i}[
        field
    ]
    for skip in range(len(candidates)):
        record = {'email': {'tier': 1}, 'phone': {'tier': 1}, 'name': {'tier': 1, 'email': 'z@example.com'}, 'tier': {'email': 'z@example.com'}}[field]
        for index, path in enumerate(candidates[skip:], skip):
            nest(path, values(index), record)
        result = oncall_tiers([record])
        entry = result[0]['participants'][0]
        got = {'tier': str(result[0]['tier']), 'email': entry.get('user'), 'phone': entry.get('phone'), 'name': entry.get('display_name')}[field]
        assert got == values(skip), candidates[skip]


def test_pagerduty_user_reference_gives_the_name_not_an_email():
    """Without include[]=users, PagerDuty's user reference has a summary and no e-mail: a clear error."""
    record = {'escalation_level': 1, 'user': {'id': 'PXPGF42', 'type': 'user_reference', 'summary': 'Priya'}}
    assert message_of([record]).startswith('oncall_tiers: records[0] has no e-mail or phone (looked for email, mail,')


# --- options ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    'records,options,expected',
    [
        pytest.param(
            [{'rota': {'step': 2}, 'tier': 1, 'email': 'a@example.com'}],
            {'tier_key': 'rota.step'},
            [tier(2, user('a@example.com'))],
            id='tier_key replaces the defaults',
        ),
        pytest.param(
            [{'tier': 1, 'contact': {'work': 'w@example.com'}, 'email': 'home@example.com'}],
            {'email_key': 'contact.work'},
            [tier(1, user('w@example.com'))],
            id='email_key',
        ),
        pytest.param(
            [{'tier': 1, 'phones': [{'value': '+1 425 555 0101'}, {'value': '+1 425 555 0102'}]}],
            {'phone_key': 'phones.1.value'},
            [tier(1, phone('+1 425 555 0102'))],
            id='phone_key, list index',
        ),
        pytest.param(
            [{'tier': 1, 'email': 'a@example.com', 'name': 'alias', 'person': {'full': 'Alex Rivera'}}],
            {'name_key': 'person.full'},
            [tier(1, user('a@example.com', 'Alex Rivera'))],
            id='name_key',
        ),
        pytest.param(
            [{'tier': 1, 'email': 'a@example.com', 'name': 'A'}],
            {'name_key': 'nickname'},
            [tier(1, user('a@example.com'))],
            id='name_key missing: no display_name',
        ),
        pytest.param([{'tier': 1, 'email': 'a@example.com', 'phone': '+1 425 555 0100'}], {}, [tier(1, user('a@example.com'))], id='prefer user by default'),
        pytest.param(
            [{'tier': 1, 'email': 'a@example.com', 'phone': '+1 425 555 0100'}], {'prefer': 'phone'}, [tier(1, phone('+1 425 555 0100'))], id='prefer phone'
        ),
        pytest.param([{'tier': 1, 'phone': '+1 425 555 0100'}], {'prefer': 'user'}, [tier(1, phone('+1 425 555 0100'))], id='fallback to phone'),
        pytest.param([{'tier': 1, 'email': 'a@example.com'}], {'prefer': 'phone'}, [tier(1, user('a@example.com'))], id='fallback to user'),
        pytest.param(
            [{'tier': 1, 'email': 'a@example.com', 'phone': '+1 425 555 0100'}],
            {'prefer': 'phone', 'fallback': False},
            [tier(1, phone('+1 425 555 0100'))],
            id='no fallback, preferred present',
        ),
        pytest.param([{'tier': 1, 'email': 'a@example.com'}], {'fallback': 'no'}, [tier(1, user('a@example.com'))], id='fallback as a string'),
        pytest.param(
            [{'email': 'a@example.com'}, {'tier': 1, 'email': 'b@example.com'}],
            {'default_tier': 2},
            [tier(1, user('b@example.com')), tier(2, user('a@example.com'))],
            id='default_tier',
        ),
        pytest.param([{'email': 'a@example.com'}], {'default_tier': '3'}, [tier(3, user('a@example.com'))], id='default_tier as digits'),
        pytest.param(
            [{'tier': 1, 'oid': '7E1B4346-85A6-4BDD-ABE3-D11C5D420EFE'}],
            {'email_key': 'oid'},
            [tier(1, user('7E1B4346-85A6-4BDD-ABE3-D11C5D420EFE'))],
            id='an object id at email_key',
        ),
        pytest.param([{'tier': 1, 'email': 'a@example.com'}], {'tier_key': ' tier '}, [tier(1, user('a@example.com'))], id='paths stripped'),
    ],
)
def test_options(records, options, expected):
    assert oncall_tiers(records, **options) == expected


# --- the same person -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    'records,expected',
    [
        pytest.param(
            [{'tier': 2, 'email': 'Alex@Example.com'}, {'tier': 1, 'email': 'alex@example.com'}],
            [tier(1, user('alex@example.com'))],
            id='e-mail case-insensitively, lowest tier kept',
        ),
        pytest.param(
            [{'tier': 1, 'phone': '+1 425 555 0100'}, {'tier': 3, 'phone': '+1 (425) 555-0100'}, {'tier': 2, 'phone': '+1.425.555.0100'}],
            [tier(1, phone('+1 425 555 0100'))],
            id='phone digits',
        ),
        pytest.param(
            [{'tier': 1, 'email': 'a@example.com', 'name': 'first'}, {'tier': 1, 'email': 'a@example.com', 'name': 'second'}],
            [tier(1, user('a@example.com', 'first'))],
            id='twice in one tier: the first record',
        ),
        pytest.param(
            [{'tier': 1, 'email': 'a@example.com', 'phone': '+1 425 555 0100'}, {'tier': 2, 'phone': '+14255550100'}, {'tier': 2, 'email': 'b@example.com'}],
            [tier(1, user('a@example.com')), tier(2, user('b@example.com'))],
            id='matched by the identifier not paged',
        ),
        pytest.param(
            [{'tier': 1, 'email': 'a@example.com'}, {'tier': 2, 'email': 'a@example.com', 'phone': '+1 425 555 0100'}, {'tier': 3, 'phone': '+1 425 555 0100'}],
            [tier(1, user('a@example.com'))],
            id='transitively',
        ),
        pytest.param(
            [{'tier': 1, 'email': 'a@example.com'}, {'tier': 2, 'email': 'A@EXAMPLE.COM'}, {'tier': 3, 'email': 'c@example.com'}],
            [tier(1, user('a@example.com')), tier(3, user('c@example.com'))],
            id='an emptied tier does not appear',
        ),
        pytest.param(
            [{'tier': 1, 'email': 'a@example.com', 'phone': '1-4255550100'}, {'tier': 2, 'phone': '+1 425 555 0100'}],
            [tier(1, user('a@example.com'))],
            id='an unused phone still identifies',
        ),
        pytest.param(
            [{'tier': 1, 'phone': '+44 (0) 20 7946 0958'}, {'tier': 2, 'phone': '+44 20 7946 0958'}],
            [tier(1, phone('+44 (0) 20 7946 0958')), tier(2, phone('+44 20 7946 0958'))],
            id='other digits are another number',
        ),
    ],
)
def test_same_person_in_lowest_tier_only(records, expected):
    assert oncall_tiers(records) == expected


# --- errors ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    'records,options,message',
    [
        pytest.param(None, {}, 'oncall_tiers: the input must be a list of on-call records (dictionaries); got null', id='null'),
        pytest.param('tier,email', {}, 'the input must be a list of on-call records (dictionaries); got a string', id='a string'),
        pytest.param({'oncalls': [], 'limit': 25}, {}, 'got a dictionary; pass the list it holds, such as its oncalls', id='the API response'),
        pytest.param(
            [{'tier': 1, 'email': 'a@example.com'}, 'b@example.com'],
            {},
            'oncall_tiers: records[1] must be a dictionary (one person on call); got a string',
            id='not a dict',
        ),
        pytest.param([{'tier': 1, 'email': 'a@example.com'}, None], {}, 'records[1] must be a dictionary', id='null record'),
        pytest.param(
            [{'tier': 1, 'email': 'a@example.com'}, {'email': 'b@example.com'}],
            {},
            'oncall_tiers: records[1] has no tier (looked for tier, escalation_level, escalationLevel, level); '
            'set tier_key to the path of its tier, or default_tier',
            id='no tier',
        ),
        pytest.param(
            [{'tier': 1, 'email': 'b@example.com'}], {'tier_key': 'rota.step'}, 'records[0] has no tier (looked for rota.step)', id='no tier at tier_key'
        ),
        pytest.param(
            [{'tier': 0, 'email': 'a@example.com'}],
            {},
            'oncall_tiers: records[0].tier must be a tier number from 1 (tier 1 is paged first); got 0',
            id='tier 0',
        ),
        pytest.param([{'level': -2, 'email': 'a@example.com'}], {}, 'records[0].level must be a tier number from 1', id='negative tier'),
        pytest.param([{'tier': '0', 'email': 'a@example.com'}], {}, 'records[0].tier must be a tier number from 1', id='tier "0"'),
        pytest.param([{'tier': True, 'email': 'a@example.com'}], {}, 'records[0].tier must be a tier number (1, 2, ...); got the boolean True', id='bool tier'),
        pytest.param([{'tier': 'primary', 'email': 'a@example.com'}], {}, "records[0].tier must be a tier number (1, 2, ...); got 'primary'", id='word tier'),
        pytest.param([{'tier': '-1', 'email': 'a@example.com'}], {}, "records[0].tier must be a tier number (1, 2, ...); got '-1'", id='signed string tier'),
        pytest.param([{'tier': 1.5, 'email': 'a@example.com'}], {}, 'records[0].tier must be a tier number (1, 2, ...); got a number 1.5', id='float tier'),
        pytest.param([{'tier': [1], 'email': 'a@example.com'}], {}, 'records[0].tier must be a tier number (1, 2, ...); got a list [1]', id='list tier'),
        pytest.param(
            [{'tier': 1, 'phone': '+1 425 555 0100'}, {'tier': 1, 'email': 'a@example.com'}, {'tier': 2, 'name': 'Alex'}],
            {},
            'oncall_tiers: records[2] has no e-mail or phone (looked for email, mail, email_address, emailAddress, '
            'user.email, user.mail, user_email; and for phone, mobile, phone_number, phoneNumber, mobile_phone, '
            'mobilePhone, user.phone, user.mobile, user.phone_number, user.phoneNumber)',
            id='no e-mail or phone',
        ),
        pytest.param(
            [{'tier': 1, 'email': 'a@example.com'}],
            {'email_key': 'work', 'phone_key': 'cell'},
            'records[0] has no e-mail or phone (looked for work; and for cell)',
            id='not at the given keys',
        ),
        pytest.param(
            [{'tier': 1, 'phone': '+1 425 555 0100'}],
            {'fallback': False},
            'oncall_tiers: records[0] has no e-mail (looked for email, mail, email_address, emailAddress, '
            'user.email, user.mail, user_email), and fallback=false forbids paging its phone instead',
            id='no fallback to phone',
        ),
        pytest.param(
            [{'tier': 1, 'email': 'a@example.com'}],
            {'prefer': 'phone', 'fallback': False},
            'records[0] has no phone (looked for phone, mobile, phone_number, phoneNumber, mobile_phone, '
            'mobilePhone, user.phone, user.mobile, user.phone_number, user.phoneNumber), and fallback=false '
            'forbids paging its e-mail instead',
            id='no fallback to user',
        ),
        pytest.param(
            [{'tier': 1, 'phone': {'label': 'Mobile', 'value': '+1 425 555 0100'}}],
            {},
            'oncall_tiers: records[0].phone must be a string (a phone number); got a dictionary. Set phone_key to the dotted path of that string',
            id='phone is a dict',
        ),
        pytest.param(
            [{'tier': 1, 'email': 'a@example.com', 'phone': 14255550100}],
            {},
            'records[0].phone must be a string (a phone number); got a number',
            id='phone is a number',
        ),
        pytest.param(
            [{'tier': 1, 'email': ['a@example.com']}],
            {},
            'records[0].email must be a string (an e-mail address); got a list. Set email_key',
            id='email is a list',
        ),
        pytest.param(
            [{'tier': 1, 'email': 'a@example.com', 'name': {'first': 'A'}}],
            {},
            'records[0].name must be a string (a name); got a dictionary. Set name_key',
            id='name is a dict',
        ),
        pytest.param(
            [{'tier': 1, 'user': {'email': 'Alex Rivera'}}],
            {},
            "records[0].user.email must be an e-mail address (name@domain) or an Entra object id; got 'Alex Rivera'",
            id='not an e-mail',
        ),
        pytest.param(
            [{'tier': 1, 'phone': '1-4255550100'}],
            {},
            "records[0].phone must be a phone number in international form, + and the country code (such as +1 425 555 0100); got '1-4255550100'",
            id='phone without +',
        ),
        pytest.param([{'tier': 1, 'phone': '+'}], {}, 'records[0].phone must be a phone number in international form', id='phone without digits'),
        pytest.param([], {'prefer': 'email'}, "oncall_tiers: prefer must be one of user, phone; got 'email'", id='prefer'),
        pytest.param([], {'fallback': 'maybe'}, "oncall_tiers: fallback must be true or false; got 'maybe'", id='fallback'),
        pytest.param([], {'fallback': None}, 'oncall_tiers: fallback must be true or false; got None', id='fallback None'),
        pytest.param([], {'default_tier': 0}, 'oncall_tiers: default_tier must be a tier number from 1', id='default_tier 0'),
        pytest.param([], {'default_tier': 'high'}, "oncall_tiers: default_tier must be a tier number (1, 2, ...); got 'high'", id='default_tier word'),
        pytest.param([], {'default_tier': False}, 'default_tier must be a tier number (1, 2, ...); got the boolean False', id='default_tier bool'),
        pytest.param([], {'tier_key': ''}, "oncall_tiers: tier_key must be a dotted path such as user.email; got ''", id='tier_key blank'),
        pytest.param([], {'email_key': ['email']}, "email_key must be a dotted path such as user.email; got ['email']", id='email_key list'),
        pytest.param([], {'phone_key': 3}, 'phone_key must be a dotted path such as user.email; got 3', id='phone_key int'),
        pytest.param([], {'name_key': '  '}, 'name_key must be a dotted path', id='name_key blank'),
    ],
)
def test_errors(records, options, message):
    assert message in message_of(records, **options)


def test_errors_name_the_first_bad_record():
    records = [{'tier': 1, 'email': 'a@example.com'}, {'tier': 1, 'email': 'b@example.com'}, {'tier': 'x'}, {}]
    assert message_of(records).startswith('oncall_tiers: records[2].tier ')


# --- the plugin and its documentation --------------------------------------------------------------------------


def test_filter_module_provides_oncall_tiers():
    assert FilterModule().filters() == {'oncall_tiers': oncall_tiers}


def sidecar():
    with open(SIDECAR, encoding='utf-8') as handle:
        return yaml.safe_load(handle)


@pytest.mark.parametrize(
    'option,candidates',
    [
        ('tier_key', plugin.TIER_KEYS),
        ('email_key', plugin.EMAIL_KEYS),
        ('phone_key', plugin.PHONE_KEYS),
        ('name_key', plugin.NAME_KEYS),
    ],
)
def test_documented_candidates_are_the_codes(option, candidates):
    described = ' '.join(sidecar()['DOCUMENTATION']['options'][option]['description'])
    listed = re.search(r'Without it, the first of (.*?) that a record', described).group(1)
    assert tuple(re.findall(r'V\(([^)]*)\)', listed)) == candidates
    # The guide's list-table "Where the fields are found": field, option, the paths tried in order.
    rows = re.findall(r'^  \* - .*\n    - ``(\w+)``\n    - (.*)$', read(GUIDE), re.M)
    row = [tried for name, tried in rows if name == option]
    assert len(row) == 1, option
    assert tuple(re.findall(r'``([^`]*)``', row[0])) == candidates


def test_documented_options_are_the_functions():
    documented = set(sidecar()['DOCUMENTATION']['options']) - {'_input'}
    code = oncall_tiers.__code__
    assert documented == set(code.co_varnames[1 : code.co_argcount])
    defaults = dict(zip(code.co_varnames[code.co_argcount - len(oncall_tiers.__defaults__) : code.co_argcount], oncall_tiers.__defaults__))
    for name, spec in sidecar()['DOCUMENTATION']['options'].items():
        if name != '_input':
            assert spec.get('default') == defaults[name], name
    assert sidecar()['DOCUMENTATION']['options']['prefer']['choices'] == list(plugin.PREFER)


def ansible_env():
    import ansible_collections.msgraph.calls as collection

    root = os.path.dirname(os.path.dirname(os.path.dirname(list(collection.__path__)[0])))
    env = dict(
        os.environ,
        ANSIBLE_COLLECTIONS_PATH=os.environ.get('ANSIBLE_COLLECTIONS_PATH') or root,
        ANSIBLE_NOCOLOR='1',
        ANSIBLE_FORCE_COLOR='0',
        ANSIBLE_DEPRECATION_WARNINGS='0',
    )
    env['PATH'] = os.path.dirname(sys.executable) + os.pathsep + env.get('PATH', '')
    return env


def ansible_command(name):
    command = os.path.join(os.path.dirname(sys.executable), name)
    if not os.path.exists(command):
        command = shutil.which(name)
    if not command:
        pytest.skip('%s is not installed' % name)
    return command


def test_ansible_doc_shows_the_filter():
    proc = subprocess.run(
        [ansible_command('ansible-doc'), '-t', 'filter', '--json', 'msgraph.calls.oncall_tiers'],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=ansible_env(),
        check=False,
        universal_newlines=True,
    )
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)['msgraph.calls.oncall_tiers']
    assert doc['doc']['name'] == 'oncall_tiers'
    assert doc['doc']['version_added'] == '0.1.0'
    assert set(doc['doc']['options']) == {'_input', 'tier_key', 'email_key', 'phone_key', 'name_key', 'prefer', 'fallback', 'default_tier'}
    assert doc['return']['_value']['type'] == 'list'
    assert 'msgraph.calls.oncall_tiers' in doc['examples']


PLAYBOOK = '''
- hosts: localhost
  gather_facts: false
  vars_files:
    - %(example)s
  tasks:
    - name: The filter call the guide shows
      ansible.builtin.set_fact:
        shown: "{{ oncall | msgraph.calls.oncall_tiers(prefer='phone', phone_key='phones.0.value') }}"
        from_options: "{{ oncall | msgraph.calls.oncall_tiers(**oncall_options) }}"
        with_wait: "{{ oncall | msgraph.calls.oncall_tiers(**oncall_options) | map('combine', {'wait_timeout': 300})
                       | list }}"

    - name: A record without a tier
      ansible.builtin.debug:
        msg: "{{ [{'email': 'a@example.com'}] | msgraph.calls.oncall_tiers }}"
      register: bad
      ignore_errors: true

    - name: Check
      ansible.builtin.assert:
        that:
          - shown == expected
          - from_options == expected
          - with_wait | map(attribute='wait_timeout') | unique == [300]
          - bad is failed
          - "'oncall_tiers: records[0] has no tier (looked for tier, ' in bad.msg"
          - "'Traceback' not in bad.msg"
'''


def test_through_ansible_playbook(tmp_path):
    """Jinja keyword options, ``**options`` and a filter error, as a playbook sees them."""
    (tmp_path / 'play.yml').write_text(PLAYBOOK % {'example': os.path.join(EXAMPLES, 'splunk_oncall.yml')})
    (tmp_path / 'expected.json').write_text(json.dumps({'expected': EXPECTED['splunk_oncall.yml']}))
    proc = subprocess.run(
        [ansible_command('ansible-playbook'), 'play.yml', '-e', '@expected.json'],
        cwd=str(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=ansible_env(),
        check=False,
        universal_newlines=True,
    )
    assert proc.returncode == 0, proc.stdout

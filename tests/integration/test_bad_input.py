# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every module with every bad value: a clear message naming the option, no traceback, no request.

Each module runs all its bad cases as tasks of one play (so the suite stays fast); the emulator must
record no request at all, the token request included.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
from urllib.parse import quote

import pytest

A = '7e1b4346-85a6-4bdd-abe3-d11c5d420efe'
NULL = 'null, overriding module_defaults'  # stands for an explicit null in the task's arguments
MODULES = {
    'graph_call_invite': {'call_id': 'c', 'participants': [{'user': A}]},
    'graph_call_info': {'call_id': 'c'},
    'graph_call_participant_info': {'call_id': 'c'},
    'graph_call': {'join_url': 'https://teams.microsoft.com/meet/123?p=x', 'callback_uri': 'https://bot.example/cb'},
    'graph_online_meeting': {'organizer': A, 'external_id': 'INC-1'},
}
# Modules that take no call_id (graph_call's is optional): the call_id cases do not apply to them.
NO_CALL_ID = ('graph_call', 'graph_online_meeting')

# (case, overrides, expected words of the message); applied to every module.
SHARED = [
    ('missing call_id', {'call_id': None}, 'call_id'),
    ('empty call_id', {'call_id': ''}, 'call_id must not be empty'),
    ('dot-dot call_id', {'call_id': '..'}, "call_id must be a call id, not '..'"),
    ('dot call_id', {'call_id': '.'}, "call_id must be a call id, not '.'"),
    ('call_id not a string', {'call_id': ['a', 'b']}, 'call_id must be a string; got a list'),
    ('empty tenant_id', {'tenant_id': ''}, 'tenant_id is required'),
    ('tenant_id with a slash', {'tenant_id': 'contoso/../evil'}, 'tenant_id must be a tenant GUID or domain name'),
    ('empty client_id', {'client_id': ''}, 'client_id is required'),
    ('timeout not a number', {'timeout': 'abc'}, 'timeout'),
    ('negative timeout', {'timeout': -1}, 'timeout must be a number of seconds greater than 0'),
    ('infinite timeout', {'timeout': 'inf'}, 'timeout must be a number of seconds greater than 0 and at most 300; got inf'),
    ('huge timeout', {'timeout': 1e12}, 'timeout must be a number of seconds greater than 0 and at most 300'),
    ('NaN timeout', {'timeout': 'nan'}, 'timeout must be a number of seconds greater than 0 and at most 300; got nan'),
    ('NaN retry_budget', {'retry_budget': 'nan'}, 'retry_budget must be a number of seconds greater than 0'),
    ('infinite retry_budget', {'retry_budget': 'inf'}, 'retry_budget must be a number of seconds greater than 0'),
    ('retries not a number', {'retries': 'many'}, 'retries'),
    ('too many retries', {'retries': 50}, 'retries must be a whole number from 0 to 10'),
    ('validate_certs not a bool', {'validate_certs': 'maybe'}, 'validate_certs'),
    ('unknown cloud', {'cloud': 'mars'}, 'cloud'),
    ('china cloud', {'cloud': 'china'}, 'cloud=china'),
    ('beta outside the global cloud', {'cloud': 'usgov', 'api_version': 'beta'}, 'api_version=beta'),
    ('unknown api_version', {'api_version': 'v2.0'}, 'api_version'),
    ('plain-http authority', {'authority_host': 'http://login.example'}, 'authority_host must be an https URL'),
    ('graph_endpoint with a path', {'graph_endpoint': 'https://graph.example/v1.0'}, 'graph_endpoint must be an https URL'),
    (
        'graph_endpoint with credentials',
        {'graph_endpoint': 'https://user:pa55@graph.example'},
        'graph_endpoint must be an https URL of a host, with no path, query or fragment, such as https://login.microsoftonline.com; '
        "it must not hold a user name or password; got 'https://<user:password>@graph.example'",
    ),
    (
        'authority_host with credentials',
        {'authority_host': 'https://user:pa55@login.example'},
        'authority_host must be an https URL of a host, with no path, query or fragment, such as https://login.microsoftonline.com; '
        'it must not hold a user name or password',
    ),
    ('graph_endpoint without a host', {'graph_endpoint': 'https://'}, 'it needs a host name'),
    ('authority_host without a host', {'authority_host': 'https:'}, 'it needs a host name'),
    ('graph_endpoint with a bad port', {'graph_endpoint': 'https://graph.example:70000'}, 'a port from 1 to 65535'),
    (
        'managed identity client id not a GUID',
        {'auth_method': 'managed_identity', 'client_secret': NULL, 'client_id': NULL, 'managed_identity_client_id': 'my-identity'},
        'managed_identity_client_id must be the client id (a GUID)',
    ),
    ('client_id taken for a managed identity', {'auth_method': 'managed_identity', 'client_secret': NULL}, 'set managed_identity_client_id'),
    ('conflicting auth options', {'auth_method': 'client_secret', 'access_token': 'a-token-value'}, 'auth_method=client_secret conflicts with access_token'),
    ('unknown auth_method', {'auth_method': 'password'}, 'auth_method'),
    (
        'missing certificate file',
        {'auth_method': 'client_certificate', 'client_secret': NULL, 'client_certificate_path': '/nonexistent/app.pem'},
        "client_certificate_path '/nonexistent/app.pem' cannot be read",
    ),
    ('missing ca_path', {'ca_path': '/nonexistent/ca.pem'}, "ca_path '/nonexistent/ca.pem' is not a readable file"),
    ('world-readable token cache', {'token_cache': 'WORLD_READABLE'}, 'is readable or writable by group or others (mode 0644); run chmod 600 '),
    ('token cache in a missing folder', {'token_cache': '/nonexistent/dir/tokens.json'}, 'the directory'),
    ('unknown option', {'colour': 'blue'}, 'colour'),
]

# The connection options are one shared code path: every case runs on graph_call_invite; on the other modules,
# one case per kind of rule proves that they too check it before any request.
FULL_SHARED = 'graph_call_invite'
SHARED_EVERYWHERE = (
    'missing call_id',
    'call_id not a string',
    'empty tenant_id',
    'NaN timeout',
    'too many retries',
    'graph_endpoint with credentials',
    'conflicting auth options',
    'missing certificate file',
    'world-readable token cache',
    'china cloud',
    'unknown option',
)

OWN = {
    'graph_call_invite': [
        ('participants a string', {'participants': 'bob'}, 'participants must be a list of dictionaries'),
        ('participants empty', {'participants': []}, 'participants must list at least one participant'),
        ('participant not a dict', {'participants': [{'user': A}, 'bob']}, 'participants[1] must be a dictionary'),
        ('participant with two identities', {'participants': [{'user': A, 'phone': '+12345678901'}]}, 'participants[0] must have exactly one of'),
        ('participant with no identity', {'participants': [{'display_name': 'x'}]}, 'it has none'),
        ('phone without a country', {'participants': [{'phone': '555-0100'}]}, "participants[0].phone: '555-0100' is a national number"),
        ('phone too short', {'participants': [{'phone': '+12'}]}, 'participants[0].phone must be a phone number in international form: + and the country code'),
        ('phone with no such country', {'participants': [{'phone': '+999 1234'}]}, "'+999 1234' cannot be read"),
        (
            'default_region not a country code',
            {'participants': [{'phone': '(425) 555-0100'}], 'default_region': 'USA'},
            'default_region must be a country code',
        ),
        ('default_region unknown', {'participants': [{'phone': '(425) 555-0100'}], 'default_region': 'XX'}, "default_region 'XX' is no region"),
        (
            'phone not valid in its country',
            {'participants': [{'phone': '+44 20 7946'}]},
            "participants[0].phone: '+44 20 7946' is not a valid phone number for country code +44",
        ),
        ('phone with an extension', {'participants': [{'phone': '+1 425 555 0100 x12'}]}, 'has an extension (12)'),
        ('user neither GUID nor UPN', {'participants': [{'user': 'bob'}]}, 'participants[0].user must be'),
        ('guest not a GUID', {'participants': [{'guest': 'x'}]}, 'participants[0].guest must be an object id'),
        ('identity without id', {'participants': [{'identity': {'user': {}}}]}, 'participants[0].identity must be'),
        ('hidden not a bool', {'participants': [{'user': A, 'hidden': 'sometimes'}]}, 'hidden'),
        ('unknown participant key', {'participants': [{'user': A, 'email': 'x'}]}, 'email'),
        (
            'replaces_call_id with two people',
            {'participants': [{'user': A, 'replaces_call_id': 'x'}, {'phone': '+12345678901'}]},
            'allow exactly one participant',
        ),
        ('endpoint_type in v1.0', {'participants': [{'user': A, 'endpoint_type': 'voicemail'}]}, 'endpoint_type exists only in the beta API'),
        ('unknown endpoint_type', {'participants': [{'user': A, 'endpoint_type': 'fax'}]}, 'endpoint_type'),
        ('client_context too long', {'client_context': 'x' * 241}, 'client_context must be at most 240 characters'),
        ('client_context with a tilde', {'client_context': 'a~b'}, "client_context must not contain '~'"),
        ('empty client_context', {'client_context': ''}, 'client_context must not be empty'),
        ('unknown state', {'state': 'gone'}, 'state'),
        ('check-mode call id in a real run', {'call_id': 'check-mode.invalid-call-not-created'}, 'the marker a check-mode run returns'),
        ('wait_timeout zero', {'wait': True, 'wait_timeout': 0}, 'wait_timeout must be a number of seconds from 1 to 3600'),
        ('wait_timeout huge', {'wait': True, 'wait_timeout': 10**9}, 'wait_timeout must be a number of seconds from 1'),
        ('wait_sleep not a number', {'wait': True, 'wait_sleep': 'soon'}, 'wait_sleep'),
        ('wait_sleep NaN', {'wait': True, 'wait_sleep': 'nan'}, 'wait_sleep must be a number of seconds greater than 0'),
        ('wait_sleep infinite', {'wait': True, 'wait_sleep': 'inf'}, 'wait_sleep must be a number of seconds greater'),
        ('settle_timeout NaN', {'settle_timeout': 'nan'}, 'settle_timeout must be a number of seconds from 0 to 600'),
        ('batch_size too big', {'batch_size': 6}, 'batch_size must be a whole number from 1 to 5'),
        ('history_file in a missing folder', {'history_file': '/nonexistent/dir/h.jsonl'}, 'history_file'),
    ],
    'graph_call_info': [
        ('raw not a bool', {'raw': 'yes please'}, 'raw'),
    ],
    'graph_call': [
        ('join_url not a Teams link', {'join_url': 'https://example.com/meeting'}, 'join_url is not a Teams meeting link'),
        ('join_url over http', {'join_url': 'http://teams.microsoft.com/meet/1?p=x'}, 'join_url must be an https://'),
        ('personal Teams link', {'join_url': 'https://teams.live.com/meet/123?p=x'}, 'personal meeting'),
        ('link without context', {'join_url': 'https://teams.microsoft.com/l/meetup-join/19%3ameeting_x%40thread.v2/0'}, 'give meeting.organizer_id'),
        ('meeting with both kinds', {'join_url': None, 'meeting': {'thread_id': '19:meeting_x@thread.v2', 'join_meeting_id': '1'}}, 'not both'),
        ('organizer not a GUID', {'join_url': None, 'meeting': {'thread_id': '19:meeting_x@thread.v2', 'organizer_id': 'ic@contoso.com'}}, 'GUID'),
        ('targets and a link', {'targets': [{'user': A}]}, 'give one or the other'),
        ('six targets', {'join_url': None, 'targets': [{'user': '%08d-0000-4000-8000-000000000000' % n} for n in range(6)]}, 'at most 5 people'),
        ('a phone target', {'join_url': None, 'targets': [{'phone': '+14255550123'}]}, 'targets[0].phone'),
        ('target with two identities', {'join_url': None, 'targets': [{'user': A, 'guest': A}]}, 'targets[0] must have exactly one of'),
        ('no callback_uri', {'callback_uri': None}, 'callback_uri must be'),
        ('http callback_uri', {'callback_uri': 'http://bot.example/cb'}, 'callback_uri must be'),
        ('callback_uri with a password', {'callback_uri': 'https://u:p@bot.example/cb'}, 'callback_uri must not carry'),
        ('hang up without call_id', {'state': 'absent'}, 'state=absent needs call_id'),
        ('dot-dot call_id', {'call_id': '..'}, "call_id must be a call id, not '..'"),
        ('call_id not a string', {'call_id': ['a', 'b']}, 'call_id must be a string; got a list'),
        ('check-mode call id in a real run', {'call_id': 'check-mode.invalid-call-not-created'}, 'the marker a check-mode run returns'),
        ('check-mode link in a real run', {'join_url': 'https://check-mode.invalid/meeting-not-created'}, 'the marker a check-mode run returns'),
        ('wait_timeout zero', {'wait_timeout': 0}, 'wait_timeout must be a number of seconds from 1 to 3600'),
        ('wait_sleep NaN', {'wait_sleep': 'nan'}, 'wait_sleep must be a number of seconds greater than 0'),
        ('unknown state', {'state': 'gone'}, 'state'),
    ],
    'graph_online_meeting': [
        ('empty organizer', {'organizer': ' '}, 'organizer must be'),
        (
            'organizer neither id nor name',
            {'organizer': '..'},
            "organizer must be the object id (a GUID), user principal name or e-mail address of a user; got '..'",
        ),
        ('empty external_id', {'external_id': ''}, 'external_id must not be empty'),
        ('end without start', {'end_date_time': '2026-12-02T10:00:00Z'}, 'end_date_time needs start_date_time'),
        (
            'end before start',
            {'start_date_time': '2026-12-02T10:00:00Z', 'end_date_time': '2026-12-02T09:00:00Z'},
            'end_date_time must not be before start_date_time',
        ),
        ('start not a date', {'start_date_time': 'soon'}, 'start_date_time must be an ISO 8601'),
        ('start without a zone', {'start_date_time': '2026-12-02T10:00:00'}, 'time zone'),
        ('state absent', {'state': 'absent'}, 'state'),
        ('meeting_record a number', {'meeting_record': 5}, 'meeting_record must be a file path, true (the default file) or false (off); got 5'),
        (
            'meeting_record in no folder',
            {'meeting_record': '/nonexistent-folder/meetings.jsonl'},
            "meeting_record '/nonexistent-folder/meetings.jsonl': the directory '/nonexistent-folder' does not exist",
        ),
    ],
    'graph_call_participant_info': [
        ('identities not ids', {'identities': ['bob']}, 'identities[0] must be an object id'),
        ('identities with a bad phone label', {'identities': ['phone:123']}, "identities[0]: '123' is a national number"),
        (
            'identities with a national phone, a bad region',
            {'identities': ['(425) 555-0100'], 'default_region': 'USA'},
            'default_region must be a country code',
        ),
        ('identities with a kind and no id', {'identities': ['user:']}, "identities[0]: 'user:' must name both a kind and an id"),
        ('identities with a mapping', {'identities': [{'user': A}]}, 'identities[0] must be a non-empty string'),
        ('identities with a number', {'identities': [12345]}, 'identities[0] must be a non-empty string'),
        ('identities with a too short phone', {'identities': ['+12']}, 'identities[0] must be a phone number'),
        ('raw not a bool', {'raw': 'yes please'}, 'raw'),
    ],
}


@pytest.mark.parametrize('module', sorted(MODULES))
def test_bad_input_names_the_option_and_sends_nothing(emu, tasks, tmp_path, module):
    readable = tmp_path / 'tokens.json'
    readable.write_text('{}')
    os.chmod(str(readable), 0o644)
    steps = []
    expected = {}
    shared = (
        SHARED if module == FULL_SHARED else [case for case in SHARED if case[0] in SHARED_EVERYWHERE and not (module in NO_CALL_ID and 'call_id' in case[0])]
    )
    for case, overrides, message in shared + OWN[module]:
        args = dict(MODULES[module])
        for key, value in overrides.items():
            if value is None:
                args.pop(key, None)
            elif value == NULL:
                args[key] = None
            else:
                args[key] = str(readable) if value == 'WORLD_READABLE' else value
        steps.append((case, module, args))
        expected[case] = message
    # At -vvvv Ansible prints every module's arguments: the invite module's table (a non-dict participant
    # included) proves the secrets stay masked there; the others' tables need not pay for it again.
    run = tasks(steps, extra_args=('-vvvv',) if module == FULL_SHARED else ())
    problems = []
    for case, message in expected.items():
        record = run.task(case)
        msg = record['result'].get('msg', '')
        if record['status'] != 'failed' or message not in msg:
            problems.append('%s: %s %r' % (case, record['status'], msg))
    assert not problems, '\n'.join(problems)
    assert 'Traceback' not in run.output
    assert emu.requests() == [], 'no request may leave, the token request included'


CALL_IDS = ['a/b', 'x%2Fy', 'q?x=1', 'h#frag', '...', '%2E%2E']


def test_call_id_never_changes_the_request_path(emu, tasks):
    # Every awkward call id on a call of its own, every module on each, in one play.
    modules = dict((module, args) for module, args in MODULES.items() if module not in NO_CALL_ID)
    modules['graph_call'] = {}  # keeps the call alive: GET, then POST …/keepAlive
    steps = []
    for call_id in CALL_IDS:
        emu.create_call(id=call_id)
        steps.extend(('%s %s' % (module, call_id), module, dict(args, call_id=call_id)) for module, args in sorted(modules.items()))
    run = tasks(steps)
    for name, dummy, dummy in steps:
        assert run.task(name)['status'] in ('ok', 'changed'), (name, run.output)
    expected = ['/communications/calls/' + quote(call_id, safe='') for call_id in CALL_IDS]
    graph = [r for r in emu.requests() if '/communications/' in r['path']]
    for prefix in expected:
        assert [r for r in graph if r['path'].split('/v1.0', 1)[1].startswith(prefix + '/') or r['path'].split('/v1.0', 1)[1] == prefix], (
            'the modules read the call ' + prefix
        )
    for request in graph:
        path = request['path'].split('/v1.0', 1)[1]
        assert any(path == prefix or path.startswith(prefix + '/') for prefix in expected), request['path']
        assert request['status'] < 400, request


def test_good_edge_cases_are_accepted(emu, tasks):
    # The other side of the table: values at the edges of the rules are accepted, and sent as documented.
    call = emu.create_call()
    bare = emu.base_url.split('://', 1)[1]
    invite = {'call_id': call['id'], 'participants': [{'user': A}]}
    steps = [
        ('trunk prefix dropped', 'graph_call_invite', dict(invite, participants=[{'phone': '+44 (0) 20 7946 0958'}])),
        ('dotted phone', 'graph_call_invite', dict(invite, participants=[{'phone': '+1.425.555.0101'}])),
        ('phone with a tab', 'graph_call_invite', dict(invite, participants=[{'phone': '+1\t425 555 0102'}])),
        ('graph_endpoint with a trailing slash', 'graph_call_info', {'call_id': call['id'], 'graph_endpoint': emu.base_url + '/'}),
        ('authority_host without a scheme', 'graph_call_info', {'call_id': call['id'], 'authority_host': bare.upper()}),
        ('timeout at its ceiling', 'graph_call_info', {'call_id': call['id'], 'timeout': 300}),
        ('timeout as text', 'graph_call_info', {'call_id': call['id'], 'timeout': '2.5'}),
        ('no retries', 'graph_call_info', {'call_id': call['id'], 'retries': 0, 'retry_budget': 0.5}),
        ('settle_timeout zero and five per invite', 'graph_call_invite', dict(invite, settle_timeout=0, batch_size=5)),
        ('wait_sleep small', 'graph_call_invite', dict(invite, wait=True, wait_sleep=0.01, wait_timeout=1)),
        (
            'identities as labels, ids and formatted phones',
            'graph_call_participant_info',
            {'call_id': call['id'], 'identities': ['phone:+44 (0) 20 7946 0958', A.upper(), 'user:' + A, '+1 425 555 0101']},
        ),
    ]
    run = tasks(steps)
    for case, dummy, dummy in steps:
        assert run.task(case)['status'] in ('ok', 'changed'), (case, run.task(case)['result'].get('msg'))
    sent = [
        p['identity']['phone']['id']
        for post in emu.requests()
        if post['path'].endswith('/participants/invite')
        for p in post['body']['participants']
        if 'phone' in p['identity']
    ]
    assert sorted(sent) == ['+14255550101', '+14255550102', '+442079460958']
    labels = sorted(p['label'] for p in run.task('identities as labels, ids and formatted phones')['result']['participants'])
    assert labels == ['phone:+14255550101', 'phone:+442079460958', 'user:' + A]

# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""graph_call_probe against the emulator under every value of every switch it must name.

The emulator's clock is manual with a tick of one second per Graph request, so a "ringing window"
(the probe person answers after N seconds) lasts N Graph requests whatever the machine's speed.
Besides the value under test, every value the probe names must be the emulator's actual setting,
and its emulator_config must be accepted by POST /_emulator/config as it is.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


from conftest import check_each, invite_posts, recorded

A = '7e1b4346-85a6-4bdd-abe3-d11c5d420efe'
B = '1e126418-44a0-4a94-a6f8-0efe1ad71acb'
PHONE = '+14255550123'
SWITCHES = ('list_operations', 'get_operation', 'status_case', 'duplicate_invite', 'roster_kind', 'ringing_in_roster')
DEFAULTS = {
    'list_operations': 'supported',
    'get_operation': 'supported',
    'status_case': 'Running',
    'duplicate_invite': 'ignored',
    'roster_kind': 'own',
    'ringing_in_roster': False,
}
# Graph requests the probe person rings for, in the ringing cases (the clock ticks 1 s per Graph request).
RINGING = 6
FAST = {'poll_interval': 0.05, 'answer_timeout': 30}


def probe(task, call_id, check=False, **args):
    options = dict(FAST, call_id=call_id)
    options.update(args)
    return task('graph_call_probe', options, check=check)


def manual_clock(emu, outcomes=None):
    emu.clock(mode='manual', tick=1)
    if outcomes:
        emu.config(invite_outcomes=outcomes)


def graph_requests(emu):
    return [r for r in emu.requests() if r['path'].startswith('/v1.0/')]


def assert_named_values_are_true(emu, result, config=None):
    """Every value the probe named is the emulator's setting (``config``: the call's own, else the global one), and its
    emulator_config is a valid config."""
    config = config or emu.config()
    for name in SWITCHES:
        answer = result['answers'][name]
        assert set(answer) == {'value', 'evidence'} and answer['evidence'], name
        if answer['value'] is not None:
            assert answer['value'] == config[name], (name, answer)
            assert result['emulator_config'][name] == answer['value']
        else:
            assert name in result['undetermined'] and name not in result['emulator_config']
    assert sorted(result['undetermined'] + list(result['emulator_config'])) == sorted(SWITCHES)
    emu.config(**result['emulator_config'])  # the emulator accepts it as it is


def assert_probe_invites(emu, call_id, count, identity=('user', A)):
    posts = [post for post in invite_posts(emu) if '/calls/%s/' % call_id in post['path']]
    assert len(posts) == count
    for post in posts:
        assert post['path'] == '/v1.0/communications/calls/%s/participants/invite' % call_id
        assert post['body']['clientContext'].startswith('mgc-probe~')
        (participant,) = post['body']['participants']
        assert participant['identity'][identity[0]]['id'] == identity[1]
    if count == 2:
        assert posts[0]['body']['clientContext'] != posts[1]['body']['clientContext']
    return posts


# Every value of every switch ------------------------------------------------------------------------

CASES = [
    (name, value)
    for name, values in (
        ('list_operations', ['supported', 'running_only', 400, 403, 404, 405, 501]),
        ('get_operation', ['supported', '404_when_finished', 'unsupported']),
        ('status_case', ['Running', 'running']),
        ('duplicate_invite', ['ignored', 'error', 'failed_operation']),
        ('roster_kind', ['own', 'application']),
        ('ringing_in_roster', [True, False]),
    )
    for value in values
]
# Only a person who rings a while shows these: the others answer at once.
NEEDS_RINGING = ('get_operation', 'ringing_in_roster')


def test_names_every_value(emu, tasks):
    # Every case in one play, each on a call of its own that answers with the switch's value (the call's own config).
    calls = {}
    for switch, value in CASES:
        ringing = RINGING if switch in NEEDS_RINGING else 0
        calls[switch, value] = emu.create_call(config={switch: value, 'invite_outcomes': {A: {'result': 'answer', 'after': ringing}}})
    manual_clock(emu)
    run = tasks([('%s=%s' % case, 'graph_call_probe', dict(FAST, call_id=calls[case]['id'], probe_user=A)) for case in CASES])
    base = emu.config()  # the global config the probes ran under (each check below merges into it)
    check_each(CASES, lambda case: assert_names_the_value(emu, run, base, calls[case]['id'], *case))


def assert_names_the_value(emu, run, base, call_id, switch, value):
    record = run.task('%s=%s' % (switch, value))
    assert record['status'] == 'changed', record
    result = record['result']
    assert result['answers'][switch]['value'] == value, result['answers'][switch]
    assert result['emulator_config'][switch] == value
    assert switch not in result['undetermined']
    assert_named_values_are_true(emu, result, dict(base, **emu.call(call_id)['config']))
    assert result['probe']['outcome'] == 'joined' and result['probe']['left_in_call'] is True
    posts = assert_probe_invites(emu, call_id, 2)
    assert [p['status'] for p in posts] == [200, 409 if (switch, value) == ('duplicate_invite', 'error') else 200]
    assert len(result['operations']) == (1 if (switch, value) == ('duplicate_invite', 'error') else 2)
    # Read first, nothing sent before: the call, the roster (the lobby question), then the listing.
    requests = [r for r in graph_requests(emu) if '/calls/' + call_id in r['path']]
    assert [(r['method'], r['path'].rsplit('/', 1)[-1]) for r in requests[:3]] == [('GET', call_id), ('GET', 'participants'), ('GET', 'operations')]
    # The probe person is still in the call: the probe never removes anyone.
    roster_ids = [ident.get('id') for p in emu.call(call_id)['participants'] for ident in p['info']['identity'].values() if isinstance(ident, dict)]
    assert A in roster_ids
    if switch == 'list_operations' and isinstance(value, int):
        listings = [r['status'] for r in recorded(emu, 'GET', '/operations', contains=call_id)]
        assert listings == [value], 'the refused listing is not asked again'
    if switch in NEEDS_RINGING:
        # The roster read right after the invite saw the person ringing.
        invite_at = requests.index(posts[0])
        assert requests[invite_at + 1]['path'].endswith('/participants')


def test_everything_determined_at_once_with_a_phone(emu, task):
    call = emu.create_call()
    config = {
        'list_operations': 'running_only',
        'get_operation': 'supported',
        'status_case': 'running',
        'duplicate_invite': 'failed_operation',
        'roster_kind': 'application',
        'ringing_in_roster': True,
    }
    emu.config(**config)
    manual_clock(emu, {PHONE: {'result': 'answer', 'after': RINGING}})
    run = probe(task, call['id'], probe_phone='+1 (425) 555-0123')
    assert run.rc == 0, run.output
    result = run.task('Task')['result']
    assert result['emulator_config'] == config and result['undetermined'] == []
    assert_named_values_are_true(emu, result)
    assert result['verdict']['defaults_safe'] is False, 'running_only breaks the role default state: invited'
    assert any('history_file' in note for note in result['verdict']['notes'])
    assert result['probe']['identity'] == 'phone:' + PHONE
    assert_probe_invites(emu, call['id'], 2, identity=('phone', PHONE))


def test_blind_tenant_names_only_what_it_can_prove(emu, task):
    # Listing refused and operations never readable: the duplicate's outcome cannot be read at all.
    call = emu.create_call()
    emu.config(list_operations=404, get_operation='unsupported', duplicate_invite='failed_operation')
    manual_clock(emu, {A: {'result': 'answer', 'after': RINGING}})
    run = probe(task, call['id'], probe_user=A)
    assert run.rc == 0, run.output
    result = run.task('Task')['result']
    assert_named_values_are_true(emu, result)
    assert result['emulator_config'] == {
        'list_operations': 404,
        'get_operation': 'unsupported',
        'status_case': 'Running',
        'roster_kind': 'own',
        'ringing_in_roster': False,
    }
    assert result['undetermined'] == ['duplicate_invite']
    assert 'could not be read' in result['answers']['duplicate_invite']['evidence']
    assert result['verdict']['defaults_safe'] is False
    assert any('must read operations one by one here' in note for note in result['verdict']['notes'])
    assert_probe_invites(emu, call['id'], 2)


def test_unreadable_duplicate_does_not_wait_for_answer_timeout(emu, task):
    # Finished operations are neither listed nor readable: the duplicate's outcome cannot be seen, and the probe
    # stops after two listings without it instead of polling until answer_timeout.
    call = emu.create_call()
    emu.config(list_operations='running_only', get_operation='404_when_finished', duplicate_invite='failed_operation')
    manual_clock(emu, {A: {'result': 'answer', 'after': RINGING}})
    run = probe(task, call['id'], probe_user=A, answer_timeout=3600)
    assert run.rc == 0, run.output
    result = run.task('Task')['result']
    assert_named_values_are_true(emu, result)
    assert result['emulator_config'] == {
        'list_operations': 'running_only',
        'get_operation': '404_when_finished',
        'status_case': 'Running',
        'roster_kind': 'own',
        'ringing_in_roster': False,
    }
    duplicate = result['operations'][1]['id']
    assert len(recorded(emu, 'GET', '/operations/' + duplicate)) == 2
    posts = assert_probe_invites(emu, call['id'], 2)
    after = graph_requests(emu)[graph_requests(emu).index(posts[1]) + 1 :]
    assert [r['path'].rsplit('/', 1)[-1] for r in after] == [duplicate, 'operations', duplicate, 'operations']


def test_answer_at_once_leaves_404_when_finished_undetermined(emu, task):
    # A 404 only after the operation finished cannot tell 404_when_finished from unsupported: it says so.
    call = emu.create_call()
    emu.config(get_operation='404_when_finished')
    manual_clock(emu)
    run = probe(task, call['id'], probe_user=A)
    result = run.task('Task')['result']
    assert_named_values_are_true(emu, result)
    assert result['answers']['get_operation']['value'] is None
    assert 'look alike' in result['answers']['get_operation']['evidence']


# Without ringing anyone ---------------------------------------------------------------------------


def seed_invite(emu, call_id, who):
    """An earlier invite of someone else, straight to Graph, so the call has an operation to read."""
    status, _headers, body = emu.graph(
        'POST',
        '/v1.0/communications/calls/%s/participants/invite' % call_id,
        body={'participants': [{'identity': {'user': {'id': who}}}], 'clientContext': 'earlier'},
        token=emu.token(),
    )
    assert status == 200, body
    return body


def test_check_mode_only_reads(emu, task):
    call = emu.create_call()
    emu.config(list_operations='running_only', get_operation='unsupported', status_case='running')
    manual_clock(emu, {B: {'result': 'no_answer', 'after': 600}})
    seed_invite(emu, call['id'], B)  # still ringing: listed even under running_only
    before = len(emu.requests())
    run = probe(task, call['id'], check=True, probe_user=A)
    assert run.rc == 0, run.output
    record = run.task('Task')
    result = record['result']
    assert record['status'] == 'ok' and result['changed'] is False
    assert [r for r in emu.requests()[before:] if r['method'] == 'POST' and r['path'].startswith('/v1.0/')] == []
    assert result['emulator_config'] == {'get_operation': 'unsupported', 'status_case': 'running'}
    assert_named_values_are_true(emu, result)
    for name in ('duplicate_invite', 'roster_kind', 'ringing_in_roster'):
        assert result['answers'][name]['evidence'] == 'Not asked: check mode sends no invite.'
    assert 'look alike' in result['answers']['list_operations']['evidence']
    assert any('check mode: only read-only questions' in w for w in result['warnings'])
    assert result['probe']['outcome'] is None and result['operations'] == []
    paths = [r['path'].split('/communications/calls/')[-1] for r in emu.requests()[before:] if r['path'].startswith('/v1.0/')]
    assert [p for p in paths if p.endswith('/participants')] == [call['id'] + '/participants'], 'check mode reads the roster once: the lobby question'
    assert result['bot_lobby']['in_lobby'] is False


def test_no_probe_person_asks_the_read_only_questions(emu, task):
    call = emu.create_call()
    earlier = seed_invite(emu, call['id'], B)  # answered at once: a finished operation
    before = len(emu.requests())
    run = probe(task, call['id'])
    assert run.rc == 0, run.output
    result = run.task('Task')['result']
    assert result['changed'] is False
    assert result['emulator_config'] == {'list_operations': 'supported', 'get_operation': 'supported', 'status_case': 'Running'}
    assert result['undetermined'] == ['duplicate_invite', 'roster_kind', 'ringing_in_roster']
    assert_named_values_are_true(emu, result)
    assert any('no probe_user or probe_phone' in w for w in result['warnings'])
    base = '/v1.0/communications/calls/' + call['id']
    assert [(r['method'], r['path']) for r in emu.requests()[before:] if r['path'].startswith('/v1.0/')] == [
        ('GET', base),
        ('GET', base + '/participants'),
        ('GET', base + '/operations'),
        ('GET', base + '/operations/' + earlier['id']),
    ]


# The probe person ------------------------------------------------------------------------------------


def test_probe_person_declines(emu, task):
    call = emu.create_call()
    manual_clock(emu, {A: {'result': 'decline', 'after': 2}})
    run = probe(task, call['id'], probe_user=A)
    assert run.rc == 0, run.output
    result = run.task('Task')['result']
    assert result['probe']['outcome'] == 'failed' and result['probe']['left_in_call'] is False
    assert result['probe']['result_info']['code'] == 603
    assert result['answers']['roster_kind']['value'] is None and result['answers']['duplicate_invite']['value'] is None
    assert 'did not join' in result['answers']['duplicate_invite']['evidence']
    assert_named_values_are_true(emu, result)
    assert result['emulator_config']['list_operations'] == 'supported' and result['emulator_config']['get_operation'] == 'supported'
    assert_probe_invites(emu, call['id'], 1)  # never invited twice after a decline


def test_probe_person_never_answers(emu, task):
    call = emu.create_call()
    manual_clock(emu, {A: {'result': 'no_answer', 'after': 100000}})
    run = probe(task, call['id'], probe_user=A, answer_timeout=1, poll_interval=0.2)
    assert run.rc == 0, run.output
    result = run.task('Task')['result']
    assert result['probe']['outcome'] == 'timeout' and 'may still be ringing' in result['probe']['message']
    assert_named_values_are_true(emu, result)
    assert result['answers']['ringing_in_roster']['value'] is False
    assert_probe_invites(emu, call['id'], 1)


def test_probe_person_already_in_the_call(emu, task):
    call = emu.create_call(participants=[{'user': {'id': A.upper()}}])
    run = probe(task, call['id'], probe_user=A)
    record = run.task('Task')
    assert record['status'] == 'failed'
    assert 'is already in call' in record['result']['msg'] and 'nothing was sent' in record['result']['msg']
    assert record['result']['changed'] is False
    assert invite_posts(emu) == []


CANNOT = [
    ('terminated', 'is terminated, not established'),
    ('p2p', 'is a peer-to-peer call'),
    ('unknown', 'was not found'),
]


def test_calls_that_cannot_be_probed(emu, tasks):
    calls = {
        'unknown': '00000000-0000-4000-8000-000000000000',
        'terminated': emu.create_call(state='terminated')['id'],
        'p2p': emu.create_call(group=False)['id'],
    }
    run = tasks([(kind, 'graph_call_probe', dict(FAST, call_id=calls[kind], probe_user=A)) for kind, dummy in CANNOT])
    for kind, message in CANNOT:
        record = run.task(kind)
        assert record['status'] == 'failed' and message in record['result']['msg'], (kind, record['result']['msg'])
    assert invite_posts(emu) == [] and recorded(emu, 'GET', '/participants') == []


BAD = [
    ({'probe_user': 'bob@contoso.com'}, 'probe_user must be the object id (a GUID)'),
    ({'probe_user': A, 'probe_phone': '555-0123'}, "probe_phone: '555-0123' is a national number"),
    ({'answer_timeout': 0}, 'answer_timeout must be a whole number of seconds from 1 to 3600'),
    ({'answer_timeout': 'soon'}, 'answer_timeout'),
    ({'poll_interval': 0}, 'poll_interval must be a number of seconds greater than 0 and at most 60'),
    ({'poll_interval': -2.5}, 'poll_interval must be a number of seconds greater than 0 and at most 60'),
    ({'call_id': ''}, 'call_id must not be empty'),
    ({'call_id': None}, 'call_id'),
    ({'tenant_id': ''}, 'tenant_id is required'),
]


def test_bad_input_fails_before_any_request(emu, tasks):
    call = emu.create_call()
    steps = []
    for index, (overrides, dummy) in enumerate(BAD):
        args = dict(FAST, call_id=call['id'], probe_user=A)
        args.update(overrides)
        steps.append(('Bad %d' % index, 'graph_call_probe', dict((k, v) for k, v in args.items() if v is not None)))
    run = tasks(steps)
    for index, (dummy, message) in enumerate(BAD):
        record = run.task('Bad %d' % index)
        assert record['status'] == 'failed', record
        assert message in record['result']['msg'], (message, record['result']['msg'])
        assert 'Traceback' not in run.output
    assert emu.requests() == [], 'not even a token request'

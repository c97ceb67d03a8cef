# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# Simplified BSD License (see https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""graph_call_probe's verdict: what its evidence proves about Graph's undocumented behaviours.

Pure functions, no I/O. From an ``Evidence`` timeline (probe_evidence.py) this file draws one answer per
emulator switch, with the sentence saying which request answered it, the matching emulator config, what became
of the probe person, when the runner may stop polling, and a verdict on the collection's defaults. A value is
named only when the timeline proves it; otherwise it is null (undetermined) and the evidence says what was
missing.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.msgraph.calls.plugins.module_utils._calls.outcomes import FINISHED_STATUSES, result_info
from ansible_collections.msgraph.calls.plugins.module_utils._calls.probe_evidence import (
    INVITE,
    OPERATION,
    OPERATIONS,
    ROSTER,
    lowered,
    succeeded,
)

# The emulator's config switches the probe answers (the same names), in the order results list them.
SWITCHES = ('list_operations', 'get_operation', 'status_case', 'duplicate_invite', 'roster_kind', 'ringing_in_roster')
# The HTTP statuses the emulator's list_operations accepts as "GET .../operations is refused".
LIST_ERROR_STATUSES = (400, 403, 404, 405, 501)


# Answers ----------------------------------------------------------------------------------------


def _answer(value, evidence):
    return {'value': value, 'evidence': evidence}


def answer_list_operations(ev):
    lists = ev.of('list')
    if not lists:
        return _answer(None, 'Not asked: %s was never sent.' % OPERATIONS)
    errors = [obs for obs in lists if not succeeded(obs['http'])]
    if errors:
        statuses = sorted(set(str(obs['http']) for obs in errors))
        if len(errors) < len(lists):
            return _answer(
                None, '%s answered both 2xx and HTTP %s (%s): inconsistent.' % (OPERATIONS, '/'.join(statuses), ', '.join('#%d' % obs['seq'] for obs in errors))
            )
        status = errors[0]['http']
        if len(statuses) == 1 and status in LIST_ERROR_STATUSES:
            return _answer(status, '%s answered HTTP %s (#%d) on a call that exists: the listing is refused.' % (OPERATIONS, status, errors[0]['seq']))
        plays = ', '.join(str(s) for s in LIST_ERROR_STATUSES)
        return _answer(
            None,
            '%s answered HTTP %s (#%d), which is none of the refusals the emulator plays (%s); it may be '
            'transient: run the probe again.' % (OPERATIONS, '/'.join(statuses), errors[0]['seq'], plays),
        )
    shown = [(obs['seq'], op) for obs in lists for op, status in obs['operations'].items() if lowered(status) in FINISHED_STATUSES]
    missing = [(ev.missing_from_listing(op), op) for dummy, op in ev.created() if ev.missing_from_listing(op)]
    if shown and missing:
        return _answer(
            None,
            '%s listed a finished operation (#%d) but later left out the finished operation %s (#%d): '
            'inconsistent.' % (OPERATIONS, shown[0][0], missing[0][1], missing[0][0]),
        )
    if shown:
        return _answer('supported', '%s listed the finished operation %s (#%d): finished operations stay listed.' % (OPERATIONS, shown[0][1], shown[0][0]))
    if missing:
        return _answer(
            'running_only',
            '%s no longer listed the probe\'s finished operation %s (#%d): only running operations are listed.' % (OPERATIONS, missing[0][1], missing[0][0]),
        )
    return _answer(
        None,
        '%s worked (#%d) but never listed a finished operation, so "supported" and "running_only" look '
        'alike; a probe person who answers settles it.' % (OPERATIONS, lists[0]['seq']),
    )


def answer_get_operation(ev):
    """From every GET .../operations/{id}: readable while running, after finishing, or never."""
    facts = {'readable_finished': [], 'readable_running': [], 'gone_finished': [], 'gone_running': [], 'unclear': []}
    for obs in ev.of('get'):
        status = lowered(obs['status'])
        if succeeded(obs['http']):
            facts['readable_finished' if status in FINISHED_STATUSES else 'readable_running'].append(obs)
        elif obs['http'] == 404:
            earlier_200 = any(succeeded(o['http']) and o['seq'] < obs['seq'] for o in ev.gets(obs['op']))
            if ev.running_at(obs['op'], obs['seq']):
                facts['gone_running'].append(obs)
            elif earlier_200 or ev.finished_by(obs['op'], obs['seq']):
                facts['gone_finished'].append(obs)
            else:
                facts['unclear'].append(obs)
    rf, rr, gf, gr = (facts[key] for key in ('readable_finished', 'readable_running', 'gone_finished', 'gone_running'))
    if not ev.of('get'):
        return _answer(None, 'Not asked: no operation was there to read with %s.' % OPERATION)
    if rf and not (gf or gr):
        return _answer(
            'supported',
            '%s answered 200 with status %s for an operation that had finished (#%d): operations stay readable.' % (OPERATION, rf[0]['status'], rf[0]['seq']),
        )
    if rr and gf and not (rf or gr):
        return _answer(
            '404_when_finished',
            '%s answered 200 while the operation was running (#%d) and 404 once it had finished (#%d).' % (OPERATION, rr[0]['seq'], gf[0]['seq']),
        )
    if gr and not (rr or rf):
        return _answer(
            'unsupported',
            '%s answered 404 while the operation was still running (#%d%s): invite operations '
            'are never readable.' % (OPERATION, gr[0]['seq'], ''.join(', #%d' % obs['seq'] for obs in gr[1:3])),
        )
    if (rf and (gf or gr)) or (gr and rr):
        return _answer(
            None, '%s answered 200 (#%d) and 404 (#%d) in a way no emulator value plays: inconsistent.' % (OPERATION, (rf + rr)[0]['seq'], (gf + gr)[0]['seq'])
        )
    if rr:
        return _answer(
            None,
            '%s answered 200 while the operation was running (#%d), but it was never read after it '
            'finished, so "supported" and "404_when_finished" look alike.' % (OPERATION, rr[0]['seq']),
        )
    if gf:
        return _answer(
            None,
            '%s answered 404 (#%d), but only once the operation had finished, so "404_when_finished" '
            'and "unsupported" look alike; a probe person who lets it ring a few seconds settles it.' % (OPERATION, gf[0]['seq']),
        )
    return _answer(None, '%s answered 404 (#%d), and nothing shows whether the operation was still running then.' % (OPERATION, facts['unclear'][0]['seq']))


def answer_status_case(ev):
    invites = [obs for obs in ev.of('invite') if succeeded(obs['http'])]
    if invites:
        spellings = sorted(set(str(obs['status']) for obs in invites))
        if len(spellings) > 1:
            return _answer(None, '%s answered status %s: inconsistent.' % (INVITE, ' and '.join(repr(s) for s in spellings)))
        status = invites[0]['status']
        if status in ('Running', 'running'):
            return _answer(status, '%s answered 200 with status %r (#%d).' % (INVITE, status, invites[0]['seq']))
        return _answer(None, '%s answered 200 with status %r (#%d), neither "Running" nor "running".' % (INVITE, status, invites[0]['seq']))
    # No invite: the spelling of the statuses read (PascalCase or camelCase), when they agree.
    read = [(obs['seq'], obs['status']) for obs in ev.of('get') if isinstance(obs['status'], str) and obs['status']]
    read += [(obs['seq'], status) for obs in ev.of('list') if obs['operations'] for status in obs['operations'].values() if isinstance(status, str) and status]
    if not read:
        return _answer(None, 'Not asked: no invite was sent and no operation status was read.')
    cases = set('Running' if status[:1].isupper() else 'running' for dummy, status in read)
    if len(cases) > 1:
        return _answer(
            None,
            'The operation statuses read mix PascalCase and camelCase (%s): inconsistent.' % ', '.join('%r #%d' % (status, seq) for seq, status in read[:4]),
        )
    case = cases.pop()
    return _answer(
        case,
        'No invite was sent; the operation statuses read are %s (%r, #%d), the spelling "%s" stands for.'
        % ('PascalCase' if case == 'Running' else 'camelCase', read[0][1], read[0][0], case),
    )


def answer_ringing_in_roster(ev, not_asked):
    invite = ev.invite_of('probe')
    if invite is None or invite['op'] is None:
        return _answer(None, not_asked)
    operation = invite['op']
    joined = ev.joined_at()
    reads = [obs for obs in ev.of('roster') if invite['seq'] < obs['seq'] and (joined is None or obs['seq'] < joined)]
    lobby = [obs for obs in reads if any(entry['in_lobby'] for entry in obs['entries'])]
    absent = [obs for obs in reads if not obs['entries'] and ev.running_at(operation, obs['seq'])]
    if lobby and absent:
        return _answer(
            None,
            '%s listed the probe person in the lobby (#%d) and left them out while still ringing (#%d): '
            'inconsistent.' % (ROSTER, lobby[0]['seq'], absent[0]['seq']),
        )
    if lobby:
        return _answer(True, '%s listed the probe person with isInLobby true before they joined (#%d).' % (ROSTER, lobby[0]['seq']))
    if absent:
        return _answer(False, '%s did not list the probe person (#%d) while their invite was still running.' % (ROSTER, absent[0]['seq']))
    if joined is not None and not any(obs['seq'] < joined for obs in ev.of('roster') if obs['seq'] > invite['seq']):
        return _answer(
            None,
            '%s already showed the probe person joined at the first read after the invite (#%d): they '
            'answered before the roster could be seen while ringing.' % (ROSTER, joined),
        )
    return _answer(None, '%s never listed the probe person while ringing, and no request proves their invite was still running at those reads.' % ROSTER)


def answer_roster_kind(ev, probe, not_asked):
    """From the roster entry of the probe person once joined (a lobby entry of someone ringing is not counted)."""
    if probe is None or ev.invite_of('probe') is None:
        return _answer(None, not_asked)
    joined = [(obs['seq'], entry) for obs in ev.of('roster') for entry in obs['entries'] if not entry['in_lobby']]
    if not joined:
        return _answer(None, '%s never listed the probe person joined, so how Graph lists an invitee who joined is unknown.' % ROSTER)
    kinds = set(kind for dummy, entry in joined for kind in entry['kinds'])
    where = '%s listed the probe person, joined, under %s (#%d)' % (ROSTER, '/'.join(sorted(kinds)), joined[0][0])
    if kinds == set([probe.kind]):
        return _answer('own', where + ', the identity kind they were invited as.')
    if kinds == set(['application']):
        return _answer('application', where + ', not as the %s they were invited as.' % probe.kind)
    return _answer(None, where + ', which is neither their own kind (%s) alone nor application alone.' % probe.kind)


def answer_duplicate_invite(ev, not_asked):
    duplicate = ev.invite_of('duplicate')
    if duplicate is None:
        return _answer(None, not_asked)
    if duplicate['http'] == 409:
        return _answer('error', '%s of the probe person, already in the call, answered HTTP 409 (#%d).' % (INVITE, duplicate['seq']))
    if not succeeded(duplicate['http']):
        return _answer(
            None,
            '%s of the probe person, already in the call, answered HTTP %s (#%d), which no emulator value '
            'plays.' % (INVITE, duplicate['http'], duplicate['seq']),
        )
    final = ev.final_status(duplicate['op'])
    reads = [seq for seq, status in ev.statuses(duplicate['op']) if status in FINISHED_STATUSES]
    if final == 'failed':
        return _answer(
            'failed_operation',
            '%s of the probe person, already in the call, answered 200 (#%d) and its operation failed (#%d).' % (INVITE, duplicate['seq'], reads[-1]),
        )
    if final == 'completed':
        return _answer(
            'ignored',
            '%s of the probe person, already in the call, answered 200 (#%d) and its operation completed (#%d).' % (INVITE, duplicate['seq'], reads[-1]),
        )
    return _answer(
        None,
        '%s of the probe person, already in the call, answered 200 (#%d), but the outcome of its operation '
        '%s could not be read (neither %s nor %s showed it finish).' % (INVITE, duplicate['seq'], duplicate['op'], OPERATION, OPERATIONS),
    )


def not_asked_reason(mode, outcome=None):
    """Why an invite-only question stays unanswered."""
    if mode == 'check':
        return 'Not asked: check mode sends no invite.'
    if mode == 'no_probe':
        return 'Not asked: no probe_user or probe_phone was given, so no invite was sent.'
    if outcome == 'failed':
        return 'Not asked: the probe person did not join (their invite failed: declined or not answered).'
    if outcome == 'timeout':
        return 'Not asked: the probe person did not join within answer_timeout.'
    if outcome == 'unknown':
        return 'Not asked: their invite completed, but the roster never showed the probe person joined.'
    return 'Not asked.'


def answers(ev, probe, mode, outcome=None):
    """{switch: {"value", "evidence"}} for every switch. ``mode``: probe, check or no_probe."""
    reason = not_asked_reason(mode, outcome)
    return {
        'list_operations': answer_list_operations(ev),
        'get_operation': answer_get_operation(ev),
        'status_case': answer_status_case(ev),
        'duplicate_invite': answer_duplicate_invite(ev, reason if mode != 'probe' or outcome != 'joined' else 'Not asked: the second invite was not sent.'),
        'roster_kind': answer_roster_kind(ev, probe, reason),
        'ringing_in_roster': answer_ringing_in_roster(ev, reason),
    }


def emulator_config(answered):
    """The determined switches, ready to POST to /_emulator/config."""
    return dict((name, answered[name]['value']) for name in SWITCHES if answered[name]['value'] is not None)


def undetermined(answered):
    return [name for name in SWITCHES if answered[name]['value'] is None]


def probe_outcome(ev):
    """What became of the probe person's invite, or None when none was sent.

    joined: the roster shows them joined. failed: their operation failed, or finished while the roster never showed
    them (declined, not answered). unknown: it completed but the roster never showed them. timeout: no outcome seen.
    """
    operation = ev.operation_of('probe')
    if operation is None:
        return None
    if ev.joined_at() is not None:
        return 'joined'
    final = ev.final_status(operation)
    if final == 'completed':
        return 'unknown'
    if final == 'failed' or ev.finished(operation):
        return 'failed'
    return 'timeout'


def probe_summary(probe, outcome, operation, invites_sent, answer_timeout):
    """The ``probe`` result: who was rung, what became of them, and that they are left in the call."""
    summary = {
        'identity': probe.label if probe else None,
        'outcome': outcome,
        'result_info': result_info(operation) if outcome == 'failed' else None,
        'invites_sent': invites_sent,
        'left_in_call': outcome == 'joined',
    }
    if outcome is None:
        summary['message'] = 'Nobody was rung.'
    elif outcome == 'joined':
        summary['message'] = (
            '%s joined and was left in the call: the probe never removes anyone; hang up or remove them yourself when you are done.' % probe.label
        )
    elif outcome == 'failed':
        summary['message'] = (
            '%s did not join: the invite failed (declined or not answered), so roster_kind and duplicate_invite stay undetermined.' % probe.label
        )
    elif outcome == 'timeout':
        summary['message'] = (
            '%s had not joined after answer_timeout=%ss and no outcome was seen; they may still be '
            'ringing (the probe never cancels an invite).' % (probe.label, answer_timeout)
        )
    else:
        summary['message'] = '%s: the invite completed, but the roster never showed them joined.' % probe.label
    return summary


# When the runner may stop polling ------------------------------------------------------------


def settled(ev, operation_id):
    """Whether polling can stop: the operation finished, or the person joined and nothing could show it finish."""
    if ev.finished(operation_id):
        return True
    return ev.joined_at() is not None and not ev.can_learn_finish(operation_id)


def duplicate_settled(ev, operation_id):
    """Whether polling the duplicate's operation can stop: its outcome is known, or no read can show it."""
    if ev.final_status(operation_id):
        return True
    if ev.missing_from_listing(operation_id) or ev.absent_from_listings(operation_id) >= 2:
        return True  # finished (a running operation is listed), but the listing no longer shows how
    gone = any(obs['http'] == 404 for obs in ev.gets(operation_id))
    return gone and not ev.listing_works()


# Verdict ----------------------------------------------------------------------------------------

# defaults_safe is false when a determined value breaks a promise the collection's defaults make:
# - graph_call_invite with its defaults (state: present): nobody in the call or still ringing is invited again;
# - the page_responders role with its defaults (state: invited): nobody is paged twice by the automation, even
#   after a decline, without any extra setting.
# Options that are off by default (wait) get notes, not a false verdict. The invite record (history_file) is on by
# default, but it is one host's file: the promise also spans hosts and jobs, so a Graph that hides earlier invites
# still makes the verdict false.

RECORD = (
    'the invite record (`history_file`, on by default) keeps the promise only for runs that share its file: runs on '
    'other hosts, or AWX jobs whose home does not outlive the job, need `history_file` on storage they all share and keep'
)


def verdict(answered):
    """{"defaults_safe": bool, "notes": [...]} from the determined answers."""
    value = dict((name, answered[name]['value']) for name in SWITCHES)
    notes = []
    unsafe = False
    listing = value['list_operations']
    ringing = value['ringing_in_roster']
    if listing == 'supported':
        notes.append(
            'list_operations supported: graph_call_invite sees every earlier invite by its clientContext, so '
            '`state: present` never re-invites someone still ringing and `state: invited` (the page_responders '
            'default) never pages anyone twice.'
        )
    elif listing == 'running_only':
        unsafe = True
        notes.append(
            'list_operations running_only: `state: present` still sees people ringing, but finished invites '
            'vanish, so `state: invited` (the page_responders default) cannot see earlier invites from Graph: it '
            'falls back to the roster, where people who declined or did not answer are missing; '
            + RECORD
            + '. Not safe for the role\'s defaults across hosts or jobs.'
        )
    elif listing is not None:
        unsafe = True
        if ringing is True:
            present = '`state: present` decides from the roster alone, which lists people still ringing (in the lobby), so they are not rung twice'
        else:
            present = (
                '`state: present` decides from the roster, which does not list people still ringing, and from the '
                'invite record (a recorded invite counts as ringing for 120 seconds, with a warning): a re-run on a '
                'host without that record while someone rings invites them again'
            )
        notes.append(
            'list_operations HTTP %s: Graph refuses the operations listing. `state: invited` (the page_responders '
            'default) cannot see earlier invites from Graph: it falls back to the roster (people who declined are not '
            'in it); %s. %s. Not safe for the defaults across hosts or jobs.' % (listing, RECORD, present)
        )
    get = value['get_operation']
    by_listing = listing in ('supported', 'running_only')
    prefix = (
        '`wait: true` follows invites through the operations listing, so this matters only if the listing fails: then '
        if by_listing
        else '`wait: true` must read operations one by one here: '
    )
    if get == 'supported':
        notes.append(
            'get_operation supported: ' + prefix + 'each invite operation is read until it finishes, and '
            'joins, declines and unanswered rings are reported with Graph\'s resultInfo.'
        )
    elif get == '404_when_finished':
        notes.append(
            'get_operation 404_when_finished: ' + prefix + 'each operation is read while it rings; once it '
            'answers 404 the roster decides: joins are seen, and a decline or an unanswered ring is reported '
            'failed without Graph\'s reason (resultInfo).'
        )
    elif get == 'unsupported':
        notes.append(
            'get_operation unsupported: ' + prefix + 'joins are seen (through the roster) but not declines or '
            'unanswered rings: they end as `timeout` after `wait_timeout` (failing the task unless '
            '`fail_on_timeout: false`). `wait` is off by default.'
        )
    if value['status_case'] is not None:
        notes.append('status_case %s: the collection compares operation statuses case-insensitively; either spelling is handled.' % value['status_case'])
    duplicate = value['duplicate_invite']
    if duplicate == 'ignored':
        notes.append(
            'duplicate_invite ignored: a re-invite of someone in the call does nothing; graph_call_invite does not send one anyway (it reads the roster first).'
        )
    elif duplicate == 'error':
        notes.append(
            'duplicate_invite error: Graph answers 409 to a re-invite; graph_call_invite handles it (the person '
            'is reported present, with a warning, and the rest of the batch is sent one by one).'
        )
    elif duplicate == 'failed_operation':
        notes.append(
            'duplicate_invite failed_operation: a re-invite that slips through (a race with someone joining) '
            'makes a failed operation; graph_call_invite still reports the person by the roster (present, or '
            'joined with `wait: true`).'
        )
    kind = value['roster_kind']
    if kind == 'own':
        notes.append('roster_kind own: invitees are listed under the identity kind they were invited as.')
    elif kind == 'application':
        notes.append(
            'roster_kind application: invitees are listed under `application`; the collection matches by id '
            'whatever the kind, so they are found, but labels from graph_call_participant_info read '
            '`application:<id>` (filter your own playbooks by id, not by kind).'
        )
    if ringing is True:
        notes.append(
            'ringing_in_roster true: people still ringing are in the roster with isInLobby true; '
            'graph_call_invite counts them present (never rings them twice) and `wait` does not count them '
            'joined; `until:` loops on graph_call_participant_info must check `in_lobby`.'
        )
    elif ringing is False:
        notes.append('ringing_in_roster false: people still ringing are not in the roster; only the operations listing shows them (see list_operations).')
    missing = undetermined(answered)
    if missing:
        notes.append('Undetermined, so not part of this verdict: %s.' % ', '.join(missing))
    return {'defaults_safe': not unsafe, 'notes': notes}

# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# Simplified BSD License (see https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""graph_call's work: read the call, keep it alive, or create (join) it and wait until it is established; hang up.

The create POST is sent at most once per task. After an ambiguous failure (a timeout, a dropped
connection, a 5xx) nothing proves whether Graph created a call, and Graph cannot list an app's
calls, so the task reports ``unknown`` instead of joining a second time: a call that was created
but is never kept alive ends by itself within 45 minutes.

A meeting may hold the bot in its lobby, which Graph shows in one of several forms (none documented): the
call stays ``establishing``, or says ``established``, while the bot's own roster entry is ``isInLobby``; or
the call ends after a while with a lobby end reason. So a meeting join is settled only once the roster
shows the bot out of the lobby (or cannot be read), and a bot still in the lobby at ``wait_timeout`` is said,
with the ways out, never reported established.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.msgraph.calls.plugins.module_utils._graph.errors import GraphError, TaskFailure
from ansible_collections.msgraph.calls.plugins.module_utils._graph.poll import poll
from ansible_collections.msgraph.calls.plugins.module_utils._calls.call_plan import (
    ESTABLISHED,
    LOBBY_WAYS_OUT,
    call_state,
    end_reason,
    ended_in_lobby,
    has_ended,
    is_meeting_join,
)
from ansible_collections.msgraph.calls.plugins.module_utils._calls.call_view import call_summary
from ansible_collections.msgraph.calls.plugins.module_utils._calls.check_mode import NOT_CREATED_CALL_ID
from ansible_collections.msgraph.calls.plugins.module_utils._calls.call_read import CALL, ROSTER, read_call
from ansible_collections.msgraph.calls.plugins.module_utils._calls.identity import bot_in_lobby
from ansible_collections.msgraph.calls.plugins.module_utils._calls.outcomes import write_outcome


class CallRunner:  # pylint: disable=too-many-instance-attributes
    """One run of graph_call. ``present()``/``absent()`` return the result or raise TaskFailure/GraphError;
    ``self.result`` always holds what is known so far (the call id of a call created before a failure)."""

    def __init__(
        self, client, check_mode=False, warn=None, wait_timeout=60, wait_sleep=1.0, on_lobby='fail', records=None, clock=time.monotonic, sleep=time.sleep
    ):
        self.client = client
        self.on_lobby = on_lobby  # fail, or report a bot still in the lobby at wait_timeout
        # records: this machine's CallRecord (call_record.py), or None; with it a join finds the live call of its meeting.
        self.records = records
        self.check_mode = check_mode
        self.warn = warn or (lambda message: None)
        self.wait_timeout = wait_timeout
        self.wait_sleep = wait_sleep
        self.clock = clock
        self.sleep = sleep
        self.result = dict(
            changed=False,
            call_id=None,
            state=None,
            my_participant_id=None,
            created=False,
            keep_alive_sent=False,
            replaced_call_id=None,
            result_info=None,
            call=None,
            from_record=False,
            in_lobby=False,
        )
        self.found = None  # (call id, state) of the live call the task found, for the diff
        self.hanging_up = False  # state=absent: no call is left after the task, whatever check mode did not send

    # Reading --------------------------------------------------------------------------------

    def read(self, call_id):
        """The call, or None when Graph answers 404 (the call ended, or was never this app's)."""
        view = read_call(self.client, call_id, (CALL,))
        if view.not_found:
            return None
        view.raise_for(CALL)
        return view.call

    def _show(self, call_id, call):
        self.result.update(
            call_id=call_id,
            state=call_state(call) or None,
            call=call_summary(call) if call else None,
            my_participant_id=(call or {}).get('myParticipantId') or self.result['my_participant_id'],
        )

    # state: present ---------------------------------------------------------------------------

    def present(self, call_id, body, wait=True, keep_alive=True, key=None):
        """Keep ``call_id`` alive if it lives; else create the call ``body`` describes (None: nothing to create).

        ``key`` (call_plan.call_key) names what ``body`` joins: the live call this machine's record holds for it is
        kept instead of creating a second one.
        """
        if call_id and call_id != NOT_CREATED_CALL_ID:
            call = self._live(call_id, self.read(call_id), wait)
            if not has_ended(call):
                return self._keep(call_id, call, keep_alive)
            info, sentence = end_reason(call)
            if body is None:
                self.result.update(call_id=call_id, state=call_state(call) or 'gone', result_info=info)
                raise TaskFailure('call %s has ended (%s), and no join_url, meeting or targets were given to join or create it again' % (call_id, sentence))
            self.warn('call %s has ended (%s); creating a new one' % (call_id, sentence))
            self.result['replaced_call_id'] = call_id
        elif body is None and call_id == NOT_CREATED_CALL_ID:
            # Check mode only: the call an earlier task would create; keeping it alive changes nothing.
            self.result.update(call_id=call_id)
            return self.result
        elif body is None:
            raise TaskFailure('no call to keep: give call_id, or join_url, meeting or targets to create one')
        return self._join(body, wait, keep_alive, key)

    def _live(self, call_id, call, wait):
        """A call found alive (for the diff), then waited for until it is established if asked; the call as last read."""
        if not has_ended(call):
            self.found = (call_id, call_state(call))
            if wait and (call_state(call) != ESTABLISHED or is_meeting_join(call)):
                call = self._wait_established(call_id, call)
        return call

    def _keep(self, call_id, call, keep_alive):
        """Report the live call ``call_id`` and keep it alive."""
        self._show(call_id, call)
        if keep_alive:
            self._keep_alive(call_id)
        return self.result

    def _join(self, body, wait, keep_alive, key):
        """Create the call, unless this machine's record names a live call for the same meeting: keep that one.

        The record is read and the call created under the meeting's lock, so concurrent joins of one meeting
        create one call; waiting for it to be established happens after the lock is released.
        """
        if self.records is None or key is None:
            return self._create(body, wait)
        if self.check_mode:
            recorded = self._recorded(key)
            return self._kept_from_record(recorded, wait, keep_alive) if recorded else self._create(body, wait)
        with self.records.lock(key):
            recorded = self._recorded(key)
            if recorded is None:
                created = self._post(body)
                self.records.keep(key, self.result['call_id'])
        if recorded is not None:
            return self._kept_from_record(recorded, wait, keep_alive)
        return self._established_after_create(created, body, wait)

    def _recorded(self, key):
        """(call id, call) of the live call the record holds for ``key``, or None (none, or it ended)."""
        call_id = self.records.find(key)
        if call_id is None:
            return None
        call = self.read(call_id)
        return None if has_ended(call) else (call_id, call)

    def _kept_from_record(self, recorded, wait, keep_alive):
        call_id, call = recorded
        self.result['from_record'] = True
        call = self._live(call_id, call, wait)
        if has_ended(call):
            info, sentence = end_reason(call)
            self.result.update(call_id=call_id, state=call_state(call) or 'gone', result_info=info)
            raise TaskFailure(
                'call %s, the live call of this meeting in the record, ended while the task waited for it: %s; run the task again to join anew'
                % (call_id, sentence)
            )
        return self._keep(call_id, call, keep_alive)

    def _keep_alive(self, call_id):
        if self.check_mode:
            return
        try:
            self.client.keep_alive(call_id)
        except GraphError as exc:
            if exc.not_found:
                # It ended between the read and the keepAlive.
                self.result.update(state='gone')
                raise TaskFailure('call %s ended just now: Graph answered the keepAlive with 404 (%s)' % (call_id, exc.summary()), cause=exc)
            raise
        self.result['keep_alive_sent'] = True

    def _create(self, body, wait):
        """Create the call ``body`` describes (check mode: the marker of a call not created), then wait as asked."""
        created = self._post(body)
        return self.result if created is None else self._established_after_create(created, body, wait)

    def _post(self, body):
        """POST the call (once: never again after an ambiguous failure); the call as Graph answered, None in check mode."""
        self.result['changed'] = True
        if self.check_mode:
            self.result.update(call_id=NOT_CREATED_CALL_ID, state=None, created=False)
            return None
        try:
            call = self.client.create_call(body)
        except GraphError as exc:
            if write_outcome(exc) == 'ambiguous':
                self.result.update(changed=False, state='unknown')
                raise TaskFailure(
                    'unknown whether Graph created the call: %s. The request was not sent again, since a second one '
                    'could be a second call. Graph cannot list an app\'s calls: if one was created, it ends by itself '
                    'within 45 minutes without a keepAlive; run the task again to join anew.' % exc.summary(),
                    cause=exc,
                )
            self.result['changed'] = False
            if exc.status == 409:
                raise TaskFailure(
                    'Graph refused to create the call (%s): this app may be in that meeting already. '
                    'Graph cannot list an app\'s calls; pass the call_id an earlier run returned to keep '
                    'that call instead' % exc.summary(),
                    cause=exc,
                )
            raise
        call_id = call.get('id')
        if not isinstance(call_id, str) or not call_id:
            raise TaskFailure('Graph answered the call creation without a call id: %r' % call)
        self.result['created'] = True
        self._show(call_id, call)
        return call

    def _established_after_create(self, call, body, wait):
        """After ``body`` created ``call``: wait until it is established (a meeting join: the bot out of the lobby), if
        asked; TaskFailure if it ended instead, naming the lobby where that may be why."""
        call_id = self.result['call_id']
        if wait and (call_state(call) != ESTABLISHED or is_meeting_join(body)):
            call = self._wait_established(call_id, call, meeting=is_meeting_join(body))
            if has_ended(call):
                info, sentence = end_reason(call)
                self.result.update(state=call_state(call) or 'gone', result_info=info)
                if ended_in_lobby(info) or self.result['in_lobby']:
                    self.result['in_lobby'] = False
                    raise TaskFailure('call %s ended in the meeting\'s lobby: nobody admitted the bot (%s). Ways out: %s' % (call_id, sentence, LOBBY_WAYS_OUT))
                hint = ''
                if is_meeting_join(body) and info is None:
                    # Graph told the reason only to the callback: a lobby that nobody admitted the bot from is one.
                    hint = '. If the meeting holds the bot in its lobby, Graph ends the join when nobody admits it: %s' % LOBBY_WAYS_OUT
                raise TaskFailure('call %s was created but did not establish: %s%s' % (call_id, sentence, hint))
            self._show(call_id, call)
        return self.result

    def _wait_established(self, call_id, call, meeting=None):
        """Poll until the call is established (a meeting join: with the bot out of the lobby) or ended.

        A bot still in the lobby at wait_timeout fails the task (``on_lobby=report``: a warning, ``in_lobby`` in
        the result); any other call still not established fails it.
        """
        meeting = is_meeting_join(call) if meeting is None else meeting
        seen = [call]
        lobby = {'known': not meeting, 'in': False}

        def settled():
            if has_ended(seen[-1]):
                return True
            return call_state(seen[-1]) == ESTABLISHED and lobby['known'] and not lobby['in']

        def look():
            if not meeting:
                seen.append(self.read(call_id))
                return
            # The first look comes right after the call was read (or created): only its roster is news then.
            parts = (CALL, ROSTER) if lobby['known'] else (ROSTER,)
            view = read_call(self.client, call_id, parts)
            if CALL in parts or view.not_found:
                seen.append(None if view.not_found else view.call)
            if not view.not_found:
                view.raise_for(CALL)
            # A roster Graph will not serve, or one without the bot, cannot show the lobby: the call's state is all there is.
            lobby.update(known=True, **{'in': bool(bot_in_lobby(seen[-1], view.roster))})

        first = meeting and not has_ended(call)  # a meeting join is settled only by a roster read
        if not poll(settled, look, self.wait_timeout, self.wait_sleep, self.clock, self.sleep, look_first=first):
            self._show(call_id, seen[-1])
            if lobby['in']:
                return self._held(call_id, seen[-1])
            hint = '' if not meeting else '. If the meeting holds the bot in its lobby without saying so: %s' % LOBBY_WAYS_OUT
            raise TaskFailure(
                'call %s is still %s after wait_timeout=%ss; it was not hung up (its call_id is in '
                'the result)%s' % (call_id, call_state(seen[-1]) or 'in no state', self.wait_timeout, hint)
            )
        self.result['in_lobby'] = lobby['in'] and not has_ended(seen[-1])
        return seen[-1]

    def _held(self, call_id, call):
        """The bot is still in the meeting's lobby at wait_timeout: fail, or (on_lobby=report) warn and return the call."""
        self.result['in_lobby'] = True
        message = (
            'call %s: the meeting holds the bot in its lobby (still %s after wait_timeout=%ss, its own participant '
            'isInLobby); nobody has admitted it, and it cannot invite anyone from there. It was not hung up (its call_id '
            'is in the result). Ways out: %s' % (call_id, call_state(call) or 'in no state', self.wait_timeout, LOBBY_WAYS_OUT)
        )
        if self.on_lobby != 'report':
            raise TaskFailure(message)
        self.warn(message)
        return call

    # state: absent ----------------------------------------------------------------------------

    def absent(self, call_id):
        """Hang up ``call_id``; nothing to do when it has ended already."""
        self.hanging_up = True
        if call_id == NOT_CREATED_CALL_ID:
            # Check mode only (the module refuses the marker otherwise): the call an earlier task would create.
            self.result.update(changed=True, call_id=call_id)
            self.found = (call_id, 'the call an earlier task would create')
            return self.result
        call = self.read(call_id)
        self._show(call_id, call)
        if not has_ended(call):
            self.found = (call_id, call_state(call))
        if has_ended(call):
            self.result['state'] = call_state(call) or 'gone'
            self.result['result_info'] = end_reason(call)[0]
            if call is None:
                # A mistyped id and a call of another app read the same as one that ended: say so, the real call may run on.
                self.warn(
                    'no such call was found: Graph answered 404 for call %s, so nothing was hung up. Either the call has '
                    'ended already, or call_id is not a call of this app (mistyped, or from another app registration)' % call_id
                )
            return self.result
        self.result['changed'] = True
        if self.check_mode:
            return self.result
        try:
            self.client.hang_up(call_id)
        except GraphError as exc:
            if not exc.not_found:
                raise
            self.result['changed'] = False  # it ended between the read and the DELETE
        self.result['state'] = 'terminated' if self.result['changed'] else 'gone'
        return self.result

    def diff(self):
        """Before and after as one line per live call: what ``--diff`` shows (a hang-up, in check mode too, leaves none)."""
        before = 'call %s: %s\n' % self.found if self.found else ''
        state = self.result['state']
        if self.hanging_up:
            after = ''
        elif state in (None, 'establishing', 'established') and self.result['call_id']:
            after = 'call %s: %s\n' % (self.result['call_id'], state or 'to be created')
        else:
            after = ''
        return dict(before=before, after=after)

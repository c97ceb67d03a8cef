# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# Simplified BSD License (see https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""graph_call_probe's input: whom it may ring, how long it waits, and whether the call can be probed at all.

Pure functions, no I/O: every check here runs before the probe sends anything, and names the option it refuses.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.msgraph.calls.plugins.module_utils._graph.errors import InputError
from ansible_collections.msgraph.calls.plugins.module_utils._graph.options import number_in_range
from ansible_collections.msgraph.calls.plugins.module_utils._calls.identity import identity_label, is_guid, match_key
from ansible_collections.msgraph.calls.plugins.module_utils._calls.participants import parse_phone

# The probe's invites are told apart from everyone else's by this clientContext prefix.
CONTEXT_PREFIX = 'mgc-probe~'


class Probe:
    """The consenting person the probe rings: identity kind (``user`` or ``phone``) and id."""

    def __init__(self, kind, ident):
        self.kind = kind
        self.ident = ident
        self.key = match_key(kind, ident)
        self.label = identity_label(kind, ident)

    def invitation(self):
        """The invitationParticipantInfo, shaped as graph_call_invite sends it."""
        return {
            '@odata.type': '#microsoft.graph.invitationParticipantInfo',
            'identity': {
                '@odata.type': '#microsoft.graph.identitySet',
                self.kind: {'@odata.type': '#microsoft.graph.identity', 'id': self.ident},
            },
        }


def _given(value):
    # An unset template variable renders as "": that is "not given", not a bad value.
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return value.strip() if isinstance(value, str) else value


def parse_probe(probe_user=None, probe_phone=None, region=None):
    """(Probe or None, warnings). Both options are checked even when both are given; the phone wins."""
    user = _given(probe_user)
    phone = _given(probe_phone)
    if user is not None and not is_guid(user):
        raise InputError('probe_user must be the object id (a GUID) of an Entra user who agreed to be rung; got %r' % (user,))
    if phone is not None:
        number = parse_phone(phone, 'probe_phone', region)
        warnings = []
        if user is not None:
            warnings.append(
                'probe_user and probe_phone are both set: only the phone %s is rung (it also shows how Graph lists a phone); probe_user is not used' % number
            )
        return Probe('phone', number), warnings
    if user is not None:
        return Probe('user', user.lower()), []
    return None, []


def check_timing(answer_timeout, poll_interval):
    """Raise InputError unless answer_timeout is 1 to 3600 s and poll_interval above 0 and at most 60 s."""
    number_in_range('answer_timeout', answer_timeout, 1, 3600, unit='a whole number of seconds')
    number_in_range('poll_interval', poll_interval, 0, 60, low_excluded=True)


def probe_options(probe_user, probe_phone, answer_timeout, poll_interval, region=None):
    """(Probe or None, warnings) from the module's options; InputError for the first bad one, the person's first."""
    probe, warnings = parse_probe(probe_user, probe_phone, region)
    check_timing(answer_timeout, poll_interval)
    return probe, warnings


def check_call(call, call_id):
    """Why the call cannot be probed (not established, not a group call), or None."""
    state = call.get('state') if isinstance(call, dict) else None
    if not isinstance(state, str) or state.lower() != 'established':
        return 'call %s is %s, not established: the probe needs a live call (the bot must be in it); nothing was sent' % (
            call_id,
            state or 'in an unknown state',
        )
    if not isinstance(call.get('chatInfo'), dict):
        return (
            'call %s is a peer-to-peer call (it has no chatInfo): Graph does not list the roster of such a call, and the '
            'probe needs a group call; nothing was sent' % call_id
        )
    return None


def client_context(random_hex):
    """The clientContext of a probe invite: ``mgc-probe~<random>``."""
    return CONTEXT_PREFIX + random_hex

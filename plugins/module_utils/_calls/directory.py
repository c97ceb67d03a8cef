# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# Simplified BSD License (see https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""Who a name means: a user principal name, else an e-mail address, resolved to one directory user.

On-call tools export e-mail addresses, which are often not the user principal name (an alias, a
renamed account, a guest). So a name is looked up as a principal name first, then by ``mail`` and
``proxyAddresses``; zero or several matches are a clear failure, never a guess.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.msgraph.calls.plugins.module_utils._graph.errors import GraphError
from ansible_collections.msgraph.calls.plugins.module_utils._graph.errors import TaskFailure


class LookupFailure(TaskFailure):
    """The name does not lead to exactly one user; ``msg`` says why, ``error`` has Graph's fields if it answered one."""


def lookup_user(client, name, where):
    """The one user ``name`` means, as Graph returns it (id, displayName, userPrincipalName, mail)."""
    try:
        return _one(client.get_user(name), name, where)
    except GraphError as exc:
        if not exc.not_found:
            raise LookupFailure(_refused(name, where, exc), cause=exc)
    try:
        users = client.find_users_by_address(name)
    except GraphError as exc:
        raise LookupFailure(_refused(name, where, exc), cause=exc)
    if not users:
        raise LookupFailure('%s %r matches no user in the directory: it is no user principal name, and no user has it as mail or proxy address' % (where, name))
    if len(users) > 1:
        raise LookupFailure(
            '%s %r is the e-mail address of %d users (%s): give the object id or the user principal name '
            'of the one you mean'
            % (where, name, len(users), ', '.join('%s (%s, %s)' % (u.get('displayName'), u.get('userPrincipalName'), u.get('id')) for u in users))
        )
    return _one(users[0], name, where)


def _one(user, name, where):
    if not isinstance(user, dict) or not isinstance(user.get('id'), str) or not user['id']:
        raise LookupFailure('%s %r: Graph returned a user without an id' % (where, name))
    return user


def _refused(name, where, exc):
    if exc.status == 403:
        return (
            '%s %r could not be looked up: the app needs the User.Read.All application permission to resolve user '
            'principal names and e-mail addresses, or give the object id instead (%s)' % (where, name, exc.summary())
        )
    return '%s %r could not be looked up: %s' % (where, name, exc.summary())


def resolve_principal_names(client, invitees):
    """Object ids (and display names) for the invitees given by name: one lookup per distinct name.

    Raises LookupFailure naming the first name that does not lead to exactly one user.
    """
    found = {}
    for inv in invitees:
        if inv.upn is None or inv.ident is not None:
            continue  # given by id, or resolved already
        key = inv.upn.lower()
        if key not in found:
            found[key] = lookup_user(client, inv.upn, inv.where + '.user')
        inv.resolve(found[key]['id'], found[key].get('displayName'))

# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# Simplified BSD License (see https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""AnsibleModule with the shared Graph options, dependency checks and error reporting.

Every module ends the same way: ``module.finish(work, partial)`` runs the task's work and exits with its result,
or fails with any error of the collection's family (``_graph/errors.py``): its message, Graph's fields in
``error`` where Graph answered, and what the task had done so far.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import traceback

from ansible.module_utils.basic import AnsibleModule, _load_params, env_fallback, missing_required_lib
from ansible.module_utils.common.collections import Mapping
from ansible.module_utils.common.text.converters import to_text
from ansible.module_utils.common.validation import check_type_dict

from ansible_collections.msgraph.calls.plugins.module_utils._graph.auth import HAS_MSAL
from ansible_collections.msgraph.calls.plugins.module_utils._graph.client import GraphClient
from ansible_collections.msgraph.calls.plugins.module_utils._graph.errors import CollectionError
from ansible_collections.msgraph.calls.plugins.module_utils._graph.federated import mistaken_tokens
from ansible_collections.msgraph.calls.plugins.module_utils._graph.options import graph_argument_spec, resolve_settings
from ansible_collections.msgraph.calls.plugins.module_utils._graph.transport import HAS_REQUESTS


class _AnsibleModule(AnsibleModule):
    """AnsibleModule that hides every no_log value whatever the input's shape, and names the option when a
    list element is not a dictionary.

    Ansible collects the values to hide while it validates, and gives up on all of them (client_secret
    included) when one list element is neither a dictionary nor a string: the invocation at -vvv then showed
    them. They are collected here from what the task sent, before Ansible's checks can fail.

    Ansible's argspec check reports ``participants: [bob]`` as a bare "dictionary requested, could not
    parse JSON or key=value", which leaves the user guessing which option is wrong.
    """

    def _load_params(self):
        super(_AnsibleModule, self)._load_params()
        self.no_log_values.update(collect_no_log_values(self.argument_spec, self.params, os.environ))
        self.no_log_values.update(mistaken_tokens(self.params, os.environ))

    def fail_json(self, msg=None, **kwargs):
        # Ansible's two messages for a list element that is not a dictionary (a string, then anything else).
        if isinstance(msg, str) and (msg.startswith('dictionary requested') or 'in the sub parameter field' in msg):
            # By now Ansible has dropped the bad element from self.params; read what the task sent.
            where = _non_dict_element(self.argument_spec, _load_params())
            if where:
                msg = '%s must be a %s (%s)' % (where, 'dictionary' if where.endswith(']') else 'list of dictionaries', msg)
        super(_AnsibleModule, self).fail_json(msg=msg, **kwargs)


def collect_no_log_values(spec, params, environ):
    """Every value of a no_log option in ``params`` (suboptions too, at any depth), as the strings Ansible hides.

    Any shape is walked: an option's value may be a scalar, a list, a mapping, a list of lists; a
    suboption's parent may be a mapping, a JSON or key=value string, or a list of any of those. A no_log
    option left unset is filled from its environment variable (env_fallback), so that value is hidden too.
    """
    found = set()
    if not isinstance(params, Mapping):
        return found
    for name, option in spec.items():
        names = [name] + list(option.get('aliases') or [])
        values = [params[key] for key in names if key in params]
        if option.get('no_log'):
            fallback = option.get('fallback') or ()
            if not values and len(fallback) > 1 and fallback[0] is env_fallback:
                values = [environ[variable] for variable in fallback[1] if environ.get(variable)]
            for value in values:
                found.update(_leaves(value))
        if option.get('options'):
            for value in values:
                for item in _mappings(value):
                    found.update(collect_no_log_values(option['options'], item, environ))
    return found


def _leaves(value):
    """The strings of every scalar in ``value`` (a mapping's values, as Ansible takes them), as remove_values compares them."""
    if value is None or value == '' or isinstance(value, bool):
        return set()
    if isinstance(value, Mapping):
        return set().union(*[_leaves(item) for item in value.values()])
    if isinstance(value, (list, tuple, set)):
        return set().union(*[_leaves(item) for item in value])
    return {to_text(value)}


def _mappings(value):
    """Every mapping in ``value``: itself, the elements of (nested) lists, a string Ansible would read as one."""
    if isinstance(value, Mapping):
        return [value]
    if isinstance(value, (list, tuple)):
        return [mapping for item in value for mapping in _mappings(item)]
    if isinstance(value, str):
        try:
            return [check_type_dict(value)]
        except (TypeError, ValueError):
            return []
    return []


def _non_dict_element(spec, params):
    """``name[index]`` of the first list element that is not a dictionary, or ``name`` for a non-list."""
    for name, option in spec.items():
        value = params.get(name)
        if option.get('elements') != 'dict' or value is None:
            continue
        if not isinstance(value, list):
            return name
        for index, item in enumerate(value):
            if not isinstance(item, dict):
                return '%s[%d]' % (name, index)
    return None


class GraphModule:
    """Builds the module with the shared argspec merged in, and a GraphClient once input is valid.

    The client does no I/O when built; the first request (the token request) happens only when a
    module asks the client for something, after its own validation has passed.
    """

    def __init__(self, argument_spec, **kwargs):
        spec = graph_argument_spec()
        spec.update(argument_spec)
        self.ansible = _AnsibleModule(argument_spec=spec, **kwargs)
        self.params = self.ansible.params
        # Only whether they are installed: they are imported when the client is built, after validation.
        if not HAS_REQUESTS:
            self.ansible.fail_json(msg=missing_required_lib('requests'))
        if not HAS_MSAL:
            self.ansible.fail_json(msg=missing_required_lib('msal'))
        self._client = None

    @property
    def check_mode(self):
        return self.ansible.check_mode

    @property
    def diff_mode(self):
        return self.ansible._diff

    def call_id(self, required=True):
        """The validated ``call_id`` option; fails the task naming the option otherwise (None when optional and unset).

        ``.`` and ``..`` are refused because no encoding keeps them from being read as dot segments.
        """
        sent = _load_params().get('call_id')
        if not required and (sent is None or (isinstance(sent, str) and not sent.strip())):
            return None  # optional: unset, or an unset template variable rendered as ""
        if isinstance(sent, bool) or not isinstance(sent, (str, int)):
            # Ansible would turn a list or a mapping into its Python text and send that as an id.
            self.fail('call_id must be a string; got a %s' % type(sent).__name__)
        value = self.params.get('call_id')
        if not value or not value.strip():
            self.fail('call_id must not be empty')
        if value in ('.', '..'):
            self.fail('call_id must be a call id, not %r' % value)
        return value

    def raw_list(self, name):
        """A list option's items as the task sent them, before Ansible turned each into its ``elements`` type.

        Ansible's conversion hides mistakes: a mapping in a list of strings becomes its Python text.
        """
        sent = _load_params().get(name)
        return sent if isinstance(sent, list) else self.params.get(name)

    def warn(self, message):
        self.ansible.warn(message)

    def fail(self, msg, **result):
        self.ansible.fail_json(msg=msg, **result)

    def fail_error(self, error, **result):
        """Fail the task with any CollectionError: its message and fields (Graph's status, code, message and both
        request ids, where Graph answered), beside ``result``."""
        fields = dict(result)
        fields.update(error.result_fields())
        self.ansible.fail_json(msg=error.msg, **fields)

    def attempt(self, work, partial=None):
        """What ``work()`` returns; a CollectionError it raises fails the task, with ``partial()``: the result so far
        (who was rung before a failure, the call created before it)."""
        try:
            return work()
        except CollectionError as exc:
            self.fail_error(exc, **(partial() if partial is not None else {}))

    def finish(self, work, partial=None):
        """Exit with the result ``work()`` returns, or fail as ``attempt`` does: the one ending of every module."""
        self.exit(**self.attempt(work, partial))

    def exit(self, **result):
        self.ansible.exit_json(**result)

    @property
    def client(self):
        """The GraphClient, built once all connection options passed their checks (no request yet)."""
        if self._client is None:
            settings = self.attempt(lambda: resolve_settings(self.params))
            for warning in settings['warnings']:
                self.warn(warning)
            try:
                self._client = GraphClient(settings, warn=self.warn)
            except ImportError as exc:
                # Installed but broken (find_spec saw it): say which one, with the import's traceback.
                self.fail(missing_required_lib(exc.name or 'requests or msal'), exception=traceback.format_exc())
        return self._client

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

import traceback

from ansible.module_utils.basic import AnsibleModule, _load_params, missing_required_lib

from ansible_collections.msgraph.calls.plugins.module_utils._graph.auth import HAS_MSAL
from ansible_collections.msgraph.calls.plugins.module_utils._graph.client import GraphClient
from ansible_collections.msgraph.calls.plugins.module_utils._graph.errors import CollectionError
from ansible_collections.msgraph.calls.plugins.module_utils._graph.options import graph_argument_spec, resolve_settings
from ansible_collections.msgraph.calls.plugins.module_utils._graph.transport import HAS_REQUESTS


class _AnsibleModule(AnsibleModule):
    """AnsibleModule that names the option when a list element is not a dictionary.

    Ansible's argspec check reports ``participants: [bob]`` as a bare "dictionary requested, could not
    parse JSON or key=value", which leaves the user guessing which option is wrong.
    """

    def fail_json(self, msg=None, **kwargs):
        if isinstance(msg, str) and msg.startswith('dictionary requested'):
            # By now Ansible has dropped the bad element from self.params; read what the task sent.
            sent = _load_params()
            # The same bad element made Ansible give up collecting no_log values for the whole
            # argspec, which would print client_secret in the invocation at -vvv: mask them here.
            for name, option in self.argument_spec.items():
                if option.get('no_log') and isinstance(sent.get(name), str) and sent[name]:
                    self.no_log_values.add(sent[name])
            where = _non_dict_element(self.argument_spec, sent)
            if where:
                msg = '%s must be a %s (%s)' % (where, 'dictionary' if where.endswith(']') else 'list of dictionaries', msg)
        super(_AnsibleModule, self).fail_json(msg=msg, **kwargs)


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
            try:
                settings = resolve_settings(self.params)
            except ValueError as exc:
                self.fail(str(exc))
            if settings['token_cache_warning']:
                self.warn(settings['token_cache_warning'])
            try:
                self._client = GraphClient(settings, warn=self.warn)
            except ImportError as exc:
                # Installed but broken (find_spec saw it): say which one, with the import's traceback.
                self.fail(missing_required_lib(exc.name or 'requests or msal'), exception=traceback.format_exc())
        return self._client

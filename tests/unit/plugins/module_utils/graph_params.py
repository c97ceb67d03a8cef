# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Connection options as a task's argspec hands them to resolve_settings: every default, a tenant and a secret app."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.msgraph.calls.plugins.module_utils._graph.options import graph_argument_spec

TENANT = '5b7c9e3a-1d2f-4c6b-8a9e-0f1e2d3c4b5a'


def graph_params(**overrides):
    """The defaults of every connection option, a tenant, a client and its secret; ``overrides`` last."""
    values = {name: spec.get('default') for name, spec in graph_argument_spec().items()}
    values.update(tenant_id=TENANT, client_id='app', client_secret='s3cret')
    values.update(overrides)
    return values

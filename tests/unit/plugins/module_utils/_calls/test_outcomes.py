# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The words every feature shares: what a failed write means, table-driven."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.msgraph.calls.plugins.module_utils._graph.errors import GraphError
from ansible_collections.msgraph.calls.plugins.module_utils._calls.outcomes import write_outcome


@pytest.mark.parametrize(
    'error,kind',
    [
        (GraphError('x', status=500), 'ambiguous'),
        (GraphError('x', status=503), 'ambiguous'),
        (GraphError('x', status=504), 'ambiguous'),
        (GraphError('x', status=408), 'ambiguous'),
        (GraphError('x', code='timeout', sent=True), 'ambiguous'),
        (GraphError('x', code='connectionError'), 'ambiguous'),
        (GraphError('x', code='connectionRefused', sent=False), 'refused'),
        (GraphError('x', status=429, sent=False), 'refused'),
        (GraphError('x', status=400), 'refused'),
        (GraphError('x', status=403), 'refused'),
        (GraphError('x', status=404), 'refused'),
        (GraphError('x', status=409), 'conflict'),
    ],
)
def test_write_outcome(error, kind):
    assert write_outcome(error) == kind

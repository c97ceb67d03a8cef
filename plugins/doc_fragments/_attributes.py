# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment:
    """Attribute descriptions; each module states its own support level."""

    DOCUMENTATION = r'''
options: {}
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in diff_mode), when in diff mode.
'''

    # For modules that only read: they support check mode fully and have nothing to diff.
    INFO_MODULE = r'''
options: {}
attributes:
  check_mode:
    support: full
    details:
      - This module only reads, so it runs the same in check mode.
  diff_mode:
    support: N/A
    details:
      - This module only reads; there is no diff.
'''

    ACTIONGROUP_GRAPH = r'''
options: {}
attributes:
  action_group:
    description: Use C(group/msgraph.calls.graph) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - msgraph.calls.graph
'''

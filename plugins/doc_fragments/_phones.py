# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment:
    """The default region for national phone numbers, which every module of the action group takes."""

    DOCUMENTATION = r'''
options:
  default_region:
    description:
      - The country (an ISO 3166 alpha-2 code such as V(US), V(GB) or V(DE)) a phone number written without V(+) and
        country code belongs to, such as V((425\) 555-0100) with V(US). Numbers in international form (V(+14255550100))
        do not need it.
      - Unset, a national number is refused before any request, naming this option.
      - Every module of the action group takes it, so C(module_defaults) for C(group/msgraph.calls.graph) can set it once
        for a play; modules that read no phone numbers ignore it.
    type: str
'''

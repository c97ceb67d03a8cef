# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment:
    """The connection and authentication options every msgraph.calls module shares."""

    DOCUMENTATION = r'''
options:
  tenant_id:
    description:
      - The Microsoft Entra tenant (directory) id, or a verified domain of the tenant.
      - If not set, the E(AZURE_TENANT_ID) environment variable is used, then E(AZURE_TENANT).
    type: str
  client_id:
    description:
      - The application (client) id of the app registration that is a party to the call.
      - If not set, the E(AZURE_CLIENT_ID) environment variable is used.
    type: str
  client_secret:
    description:
      - A client secret of the app registration.
      - If not set, the E(AZURE_CLIENT_SECRET) environment variable is used, then E(AZURE_SECRET).
      - Never printed, logged or returned.
    type: str
  authority_host:
    description:
      - The Microsoft Entra authority host, without the tenant, such as V(https://login.microsoftonline.us).
      - Precedence is this option, then the E(AZURE_AUTHORITY_HOST) environment variable (which, as in
        azure-identity, may omit the V(https://) scheme), then the global cloud V(https://login.microsoftonline.com).
      - Instance discovery stays on for Microsoft's own authority hosts and is off for any other host,
        such as the msgraph.calls Graph emulator.
    type: str
  graph_endpoint:
    description:
      - The Microsoft Graph root, without the version, such as V(https://graph.microsoft.us).
      - If not set, the global cloud V(https://graph.microsoft.com) is used.
      - The token scope is this root followed by V(/.default).
    type: str
  api_version:
    description:
      - The Graph API version to call.
    type: str
    default: v1.0
    choices: [v1.0, beta]
  validate_certs:
    description:
      - Whether to verify the TLS certificates of Graph and the authority.
      - V(false) is only for tests; it also makes O(ca_path) irrelevant.
    type: bool
    default: true
  ca_path:
    description:
      - A PEM file of the certificate authorities to trust for Graph and the authority.
      - It wins over E(REQUESTS_CA_BUNDLE) and E(CURL_CA_BUNDLE), which otherwise decide what is trusted.
      - Proxy variables such as E(HTTPS_PROXY) keep working.
    type: path
  timeout:
    description:
      - Seconds to wait for a connection and for each answer from Graph or the authority.
    type: float
    default: 30
requirements:
  - python >= 3.8
  - requests >= 2.25.0
  - msal >= 1.24.0
notes:
  - The app registration needs the Microsoft Graph application permissions C(Calls.InitiateGroupCall.All)
    (to invite) and C(Calls.Initiate.All) (to read the roster), with admin consent.
  - The app must already be a party to the call, as a calling bot; C(call_id) is that call's id.
  - The environment fallbacks follow azure-identity (E(AZURE_TENANT_ID), E(AZURE_CLIENT_ID), E(AZURE_CLIENT_SECRET));
    the older E(AZURE_TENANT) and E(AZURE_SECRET) names, which the Microsoft Azure Resource Manager credential
    of AWX and Ansible Automation Platform injects, are read after them.
'''

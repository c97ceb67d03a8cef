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
  auth_method:
    description:
      - How to get an access token. Each method checks its options before any request.
      - V(client_secret) uses O(tenant_id), O(client_id) and O(client_secret).
      - V(client_certificate) uses O(tenant_id), O(client_id) and O(client_certificate_path) (with
        O(client_certificate_key_path), O(client_certificate_password) and O(client_certificate_thumbprint) as needed).
      - V(federated_token) (workload identity federation) uses O(tenant_id), O(client_id) and an OIDC token of another
        identity provider (a GitHub Actions or GitLab CI job, a Kubernetes service account) that a federated credential
        of the app registration trusts, from O(federated_token) or O(federated_token_file). No secret is involved.
      - V(managed_identity) uses the Azure managed identity of the machine running the module, system-assigned, or
        the user-assigned one whose client id is O(managed_identity_client_id). It never reads O(client_id) or
        E(AZURE_CLIENT_ID), which name an app registration and are often set machine-wide.
      - V(access_token) uses O(access_token) as it is.
      - V(auto) picks the first method whose options are complete, in this order, V(access_token),
        V(client_certificate), V(client_secret), V(federated_token), then V(managed_identity) when E(IDENTITY_ENDPOINT)
        or E(MSI_ENDPOINT) is set. It fails, naming what is missing, when none is complete.
      - Any other value fails when the task also sets an option that belongs to another method (such as
        O(access_token) with V(client_secret)); values that only come from the E(AZURE_*) environment variables do
        not count, since those are often set machine-wide.
    type: str
    default: auto
    choices: [auto, client_secret, client_certificate, federated_token, managed_identity, access_token]
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
  client_certificate_path:
    description:
      - A PEM file holding the app's certificate, and its private key unless O(client_certificate_key_path) is set.
      - If not set, the E(AZURE_CLIENT_CERTIFICATE_PATH) environment variable is used.
    type: path
  client_certificate_key_path:
    description:
      - A PEM file holding the private key of the certificate, when it is not in O(client_certificate_path).
    type: path
  client_certificate_password:
    description:
      - The password of an encrypted private key.
      - If not set, the E(AZURE_CLIENT_CERTIFICATE_PASSWORD) environment variable is used.
      - Never printed, logged or returned.
    type: str
  client_certificate_thumbprint:
    description:
      - The certificate's SHA-1 thumbprint, as Entra shows it. Computed from the certificate when not set; when set,
        it must match.
    type: str
  access_token:
    description:
      - A Graph access token obtained elsewhere, used as it is with O(auth_method=access_token). It cannot be renewed,
        so a task fails once Graph rejects it.
      - Never printed, logged or returned.
    type: str
  federated_token:
    description:
      - With O(auth_method=federated_token), the OIDC token (a JWT) that Entra exchanges for an access token, given as it
        is. Its issuer, subject and audience (normally V(api://AzureADTokenExchange)) must match a federated credential
        of the app registration.
      - Such tokens live minutes; one given here cannot be renewed during the task. Prefer O(federated_token_file) where
        the platform keeps a file fresh.
      - If not set, the E(AZURE_FEDERATED_TOKEN) environment variable is used.
      - Precedence, highest first, this option set in the task, O(federated_token_file) set in the task (setting both
        fails), then E(AZURE_FEDERATED_TOKEN_FILE), then E(AZURE_FEDERATED_TOKEN).
      - Never printed, logged or returned.
    type: str
  federated_token_file:
    description:
      - With O(auth_method=federated_token), a file holding the OIDC token, such as a Kubernetes projected
        service-account token. It is read again whenever a new access token is needed, so a file the platform renews
        keeps a long task working. Links are followed (a projected token is one).
      - If not set, the E(AZURE_FEDERATED_TOKEN_FILE) environment variable is used, as azure-identity does.
      - The file must exist and hold a JWT before any request is made. A token given here instead of a path is refused,
        and hidden like O(federated_token).
    type: path
  managed_identity_client_id:
    description:
      - With O(auth_method=managed_identity), the client id of the user-assigned managed identity to use. Unset, the
        system-assigned identity is used.
      - It has no environment variable on purpose, so that the identity is always the one the task names.
    type: str
  cloud:
    description:
      - The Microsoft cloud, which sets the authority host, the Graph endpoint and the V(.default) scope together.
      - V(global) is C(login.microsoftonline.com) with C(graph.microsoft.com); V(usgov) (GCC High) is
        C(login.microsoftonline.us) with C(graph.microsoft.us); V(usgov_dod) is C(login.microsoftonline.us) with
        C(dod-graph.microsoft.us); V(china) (21Vianet) is C(login.chinacloudapi.cn) with
        C(microsoftgraph.chinacloudapi.cn).
      - Precedence, highest first, explicit O(authority_host) and O(graph_endpoint), then O(cloud), then the
        E(AZURE_CLOUD_ENVIRONMENT) environment variable (which AWX's Azure credential sets; V(AzureCloud) is V(global),
        V(AzureUSGovernment) is V(usgov), V(AzureChinaCloud) is V(china), and this option's values are taken too), then the
        E(AZURE_AUTHORITY_HOST) environment variable (whose host also picks the cloud, V(usgov) for
        C(login.microsoftonline.us)), then V(global).
      - A task warns when E(AZURE_AUTHORITY_HOST) is set but ignored because this option or E(AZURE_CLOUD_ENVIRONMENT)
        picks another authority host (an AWX credential of the collection's types sets the cloud, V(global) by default).
      - Microsoft offers the cloud-communications API neither in V(china) nor, for O(api_version=beta), outside V(global);
        the modules refuse those combinations before any request.
    type: str
    choices: [global, usgov, usgov_dod, china]
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
      - V(false) is only for tests; it also makes O(ca_path) irrelevant. Every task run with V(false) warns, since the client
        secret, certificate assertion or access token then goes to a server whose certificate nobody checked.
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
      - Seconds to wait for a connection and for each answer from Graph or the authority. Greater than V(0), at most
        V(300).
    type: float
    default: 30
  retries:
    description:
      - How many times to send a request again after Graph throttled it (429) or was unavailable (503, 504), or the
        network failed, honouring C(Retry-After) (seconds, fractions of seconds or an HTTP date) or backing off
        exponentially with jitter. Each retry is shown as a warning.
      - Reads, and writes that do no harm twice (a keepAlive, a hang-up, a removal, the meeting's createOrGet), are
        retried. A write that could act twice (an invite, a call's creation) is sent again only when Graph's answer
        proves it did nothing (a 429) or it never left; after a timeout, a dropped connection or a 5xx it is never sent
        again in the same task.
      - A total per request, from V(0) to V(10).
    type: int
    default: 3
  retry_budget:
    description:
      - The most seconds one request may take with all its retries; a retry that would end later is not made.
        Greater than V(0), at most V(3600).
    type: float
    default: 60
  token_cache:
    description:
      - Where access tokens are kept, so that every task and every fork of a run reuses one token per tenant, client,
        cloud and credential instead of asking Entra each time. Concurrent processes are safe (a lock file,
        C(<path>.acquire-lock), beside it).
      - A token is only served to the credential that obtained it. The file keeps each credential's tokens under a
        salted hash of what proves it (the client secret, the certificate's thumbprint, a federated token's issuer,
        subject and audience, the managed identity), so a wrong or rotated client secret goes to Entra at once and
        fails, or works, there.
      - By default (unset, or V(true)) C(~/.ansible/msgraph.calls/token_cache.json) of the user running the module,
        in a directory created with mode 0700. A path picks another file; V(false) keeps tokens in memory for one task.
      - The file and its lock are created with mode 0600 and never opened through a symbolic link. The task fails, before
        any request, when either is a link, is not a regular file of the user running the module, or is readable or writable
        by group or others (fix with C(chmod 600)), or when its directory is writable by group or others (C(chmod go-w)),
        since the file holds bearer tokens. It holds access tokens only (app-only tokens have no refresh token), each valid for about an hour; never
        a client secret, a certificate or a federated token.
      - A task that finds a valid token in the file uses it without asking the token service anything, discovery included.
      - Not used with O(auth_method=access_token).
      - The E(MSGRAPH_TOKEN_CACHE) environment variable sets it when the task does not.
      - A file written by a version before the credential-keyed format holds nothing the modules use; it is rewritten
        on the next token request.
    type: raw
requirements:
  - python >= 3.8
  - requests >= 2.32.4
  - msal >= 1.29.0
  - phonenumbers >= 8.12.0 (only for phone numbers)
notes:
  - The environment fallbacks follow azure-identity (E(AZURE_TENANT_ID), E(AZURE_CLIENT_ID), E(AZURE_CLIENT_SECRET),
    E(AZURE_FEDERATED_TOKEN_FILE)); E(AZURE_FEDERATED_TOKEN) is the variable azure.azcollection reads too;
    the older E(AZURE_TENANT) and E(AZURE_SECRET) names, which the Microsoft Azure Resource Manager credential
    of AWX and Ansible Automation Platform injects, are read after them.
'''

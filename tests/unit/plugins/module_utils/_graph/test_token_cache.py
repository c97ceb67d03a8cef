# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The token cache file: its default place, the off switch, the token read from it without MSAL, and each credential's
tokens kept apart."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import stat
import subprocess
import sys
import time

import pytest

from ansible_collections.msgraph.calls.plugins.module_utils._graph.options import resolve_settings
from ansible_collections.msgraph.calls.plugins.module_utils._graph.token_cache import cached_token, chosen_path, load_document, store
from graph_params import TENANT, graph_params

CLIENT = '3f1c8e2a-7b4d-4c9e-a5f6-1d2e3c4b5a69'
NOW = 1800000000
SETTINGS = {
    'auth_method': 'client_secret',
    'client_id': CLIENT,
    'tenant_id': TENANT,
    'authority_host': 'https://login.microsoftonline.com',
    'scope': 'https://graph.microsoft.com/.default',
}


def entry(**changes):
    """An access token as MSAL 1.x writes it for acquire_token_for_client."""
    value = {
        'credential_type': 'AccessToken',
        'secret': 'the-token',
        'home_account_id': None,
        'environment': 'login.microsoftonline.com',
        'client_id': CLIENT,
        'target': 'https://graph.microsoft.com/.default',
        'realm': TENANT,
        'token_type': 'Bearer',
        'cached_at': str(NOW - 60),
        'expires_on': str(NOW + 3000),
        'extended_expires_on': str(NOW + 3000),
    }
    value.update(changes)
    return dict((k, v) for k, v in value.items() if v is not Ellipsis)


SECRET = b'client_secret\0the-right-secret'


def write_cache(tmp_path, *entries, **kwargs):
    """A cache file holding ``entries`` for the credential ``material`` (the right secret's unless given)."""
    path = tmp_path / 'tokens.json'
    msal_cache = {'AccessToken': dict(('key-%d' % i, e) for i, e in enumerate(entries)), 'Account': {}}
    document = store(load_document(None), kwargs.get('material', SECRET), msal_cache, now=NOW)
    path.write_text(json.dumps(document))
    os.chmod(str(path), 0o600)  # a cache others may read is never read (private_file.py)
    return str(path)


@pytest.mark.parametrize(
    'stored, settings_changes, found',
    [
        (entry(), {}, 'the-token'),
        (entry(environment='LOGIN.microsoftonline.com', realm=TENANT.upper()), {}, 'the-token'),
        (entry(environment='127.0.0.1'), {'authority_host': 'https://127.0.0.1:8443'}, 'the-token'),
        (entry(target='https://graph.microsoft.com/.default openid'), {}, 'the-token'),
        # MSAL's five minutes: a token about to expire is left for MSAL to renew.
        (entry(expires_on=str(NOW + 299)), {}, None),
        (entry(expires_on=str(NOW + 300)), {}, 'the-token'),
        (entry(refresh_on=str(NOW - 1)), {}, None),
        (entry(refresh_on=str(NOW + 60)), {}, 'the-token'),
        # Another app, tenant, cloud or resource: never its token.
        (entry(client_id='another-app'), {}, None),
        (entry(realm='another-tenant'), {}, None),
        (entry(environment='login.microsoftonline.us'), {}, None),
        (entry(target='https://graph.microsoft.us/.default'), {}, None),
        # A user's token, a key-bound token, a token of an FMI path: not the app-only token we asked for.
        (entry(home_account_id='uid.utid'), {}, None),
        (entry(key_id='kid'), {}, None),
        (entry(ext_cache_key='path'), {}, None),
        # Entries we do not understand are misses, not errors.
        (entry(expires_on='soon'), {}, None),
        (entry(expires_on=Ellipsis), {}, None),
        (entry(secret=''), {}, None),
        ('not a mapping', {}, None),
        # Only the MSAL client-credential methods read it.
        (entry(), {'auth_method': 'managed_identity'}, None),
        (entry(), {'auth_method': 'access_token'}, None),
        (entry(), {'auth_method': 'client_certificate'}, 'the-token'),
        (entry(), {'auth_method': 'federated_token'}, 'the-token'),
    ],
)
def test_cached_token_matches_as_msal_does(tmp_path, stored, settings_changes, found):
    settings = dict(SETTINGS, **settings_changes)
    assert cached_token(write_cache(tmp_path, stored), settings, SECRET, now=NOW) == found


def test_a_token_is_only_served_to_the_credential_that_obtained_it(tmp_path):
    path = write_cache(tmp_path, entry())
    assert cached_token(path, SETTINGS, SECRET, now=NOW) == 'the-token'
    assert cached_token(path, SETTINGS, b'client_secret\0S3cr3t-WRONG-value-xyz', now=NOW) is None
    assert cached_token(path, SETTINGS, b'client_certificate\0' + b'A' * 40, now=NOW) is None
    # The file names the credential by a salted hash only.
    text = open(path).read()
    assert 'the-right-secret' not in text and json.loads(text)['msgraph.calls.token_cache'] == 2


def test_each_file_salts_its_own_names():
    first = store(load_document(None), SECRET, {}, now=NOW)
    second = store(load_document(None), SECRET, {}, now=NOW)
    assert first['salt'] != second['salt'] and set(first['credentials']) != set(second['credentials'])


def test_credentials_whose_tokens_all_expired_are_dropped_when_another_stores():
    old = {'AccessToken': {'k': entry(expires_on=str(NOW - 1))}}
    live = {'AccessToken': {'k': entry()}}
    document = store(load_document(None), b'old', old, now=NOW - 100)
    document = store(document, b'live', live, now=NOW)
    document = store(document, SECRET, {}, now=NOW)
    assert len(document['credentials']) == 2  # the live one and ours; the old one's token expired


def test_a_file_in_msal_s_own_format_is_a_miss(tmp_path):
    # What versions before the credential keys wrote: MSAL's cache at the top. Whose secret got it is unknown.
    path = tmp_path / 'tokens.json'
    path.write_text(json.dumps({'AccessToken': {'k': entry()}, 'Account': {}}))
    os.chmod(str(path), 0o600)
    assert cached_token(str(path), SETTINGS, SECRET, now=NOW) is None


@pytest.mark.parametrize('content', ['', '{', '[]', '{"AccessToken": []}', '{"AccessToken": null}'])
def test_unreadable_cache_is_a_miss(tmp_path, content):
    path = tmp_path / 'tokens.json'
    path.write_text(content)
    assert cached_token(str(path), SETTINGS, SECRET, now=NOW) is None
    assert cached_token(str(tmp_path / 'missing.json'), SETTINGS, SECRET, now=NOW) is None


def test_the_first_match_of_several_is_used(tmp_path):
    path = write_cache(tmp_path, entry(secret='old', expires_on=str(NOW + 10)), entry(secret='fresh'))
    assert cached_token(path, SETTINGS, SECRET, now=NOW) == 'fresh'


@pytest.mark.parametrize(
    'value, expected',
    [
        (None, ('/home/ops/.ansible/msgraph.calls/token_cache.json', True)),
        (True, ('/home/ops/.ansible/msgraph.calls/token_cache.json', True)),
        ('yes', ('/home/ops/.ansible/msgraph.calls/token_cache.json', True)),
        (False, (None, False)),
        ('False', (None, False)),
        ('off', (None, False)),
        ('', (None, False)),
        ('/srv/tokens.json', ('/srv/tokens.json', False)),
        ('~/t.json', (os.path.expanduser('~/t.json'), False)),
    ],
)
def test_token_cache_values(value, expected):
    assert chosen_path(value, {'HOME': '/home/ops'}) == expected


def test_token_cache_of_another_type_names_the_option():
    with pytest.raises(ValueError, match='token_cache must be a file path, true .* or false'):
        chosen_path(['a'], {})


def settings_for(home, **overrides):
    values = dict(client_id=CLIENT, client_secret='the-right-secret')
    values.update(overrides)
    return resolve_settings(graph_params(**values), environ={'HOME': str(home)})


def test_default_cache_is_made_private_in_the_home(tmp_path):
    settings = settings_for(tmp_path)
    folder = tmp_path / '.ansible' / 'msgraph.calls'
    assert settings['token_cache'] == str(folder / 'token_cache.json')
    assert settings['token_cache_warning'] is None
    assert stat.S_IMODE(os.stat(str(folder)).st_mode) == 0o700


def test_default_cache_that_cannot_be_made_is_not_an_error(tmp_path):
    # A file where the folder should be: creating it fails (as it would in a read-only home; root writes anywhere).
    (tmp_path / '.ansible').write_text('not a folder')
    settings = settings_for(tmp_path)
    assert settings['token_cache'] is None
    assert 'cannot be created' in settings['token_cache_warning']


def test_no_cache_for_a_given_access_token(tmp_path):
    settings = settings_for(tmp_path, auth_method='access_token', access_token='eyJ.given.token', client_secret=None)
    assert settings['token_cache'] is None
    assert not (tmp_path / '.ansible').exists()


def test_default_cache_readable_by_others_is_refused(tmp_path):
    folder = tmp_path / '.ansible' / 'msgraph.calls'
    folder.mkdir(parents=True)
    (folder / 'token_cache.json').write_text('{}')
    os.chmod(str(folder / 'token_cache.json'), 0o644)
    with pytest.raises(ValueError, match='is readable or writable by group or others'):
        settings_for(tmp_path)


SERVE_FROM_FILE = '''
import json, sys
from ansible_collections.msgraph.calls.plugins.module_utils._graph.client import GraphClient
settings = json.loads(sys.argv[1])
client = GraphClient(settings)
print(json.dumps({'token': client.token(), 'msal': 'msal' in sys.modules, 'msal_extensions': 'msal_extensions' in sys.modules}))
'''


def test_a_cached_token_is_served_without_importing_msal(tmp_path):
    # A process of its own, as a task is: the test run has imported msal long ago.
    cache = write_cache(tmp_path, entry(expires_on=str(int(time.time()) + 3000)))
    os.chmod(cache, 0o600)
    settings = settings_for(tmp_path, token_cache=cache)
    out = subprocess.run(
        [sys.executable, '-c', SERVE_FROM_FILE, json.dumps(settings)], stdout=subprocess.PIPE, universal_newlines=True, check=True, env=os.environ
    ).stdout
    assert json.loads(out) == {'token': 'the-token', 'msal': False, 'msal_extensions': False}


def test_a_link_swapped_in_after_the_check_is_not_written_through(tmp_path):
    """The race of a shared folder: the cache passed its check, then became a link before MSAL stored a token."""
    import msal

    from ansible_collections.msgraph.calls.plugins.module_utils._graph.private_file import PrivateFileError
    from ansible_collections.msgraph.calls.plugins.module_utils._graph.token_cache import check_file, persisted_cache

    folder = tmp_path / 'cache'
    folder.mkdir(mode=0o700)
    path = str(folder / 'tokens.json')
    check_file(path)
    cache = persisted_cache(path, SECRET)
    victim = tmp_path / 'victim'
    victim.write_text('precious')
    os.symlink(str(victim), path)
    with pytest.raises(PrivateFileError, match='is a symbolic link'):
        cache.modify(msal.TokenCache.CredentialType.APP_METADATA, {'client_id': CLIENT, 'environment': 'login.microsoftonline.com'})
    assert victim.read_text() == 'precious'
    os.unlink(path)
    cache.modify(msal.TokenCache.CredentialType.APP_METADATA, {'client_id': CLIENT, 'environment': 'login.microsoftonline.com'})
    assert stat.S_IMODE(os.lstat(path).st_mode) == 0o600
    assert 'AppMetadata' in list(json.loads((folder / 'tokens.json').read_text())['credentials'].values())[0]

# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Client certificates are read and checked locally, with messages naming the option."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


import pytest
import trustme

from ansible_collections.msgraph.calls.plugins.module_utils._graph.certificate import load_certificate


@pytest.fixture
def pems(app_certificate):
    """The shared test certificate (tests/unit/conftest.py); its encrypted key's password is 'pa55'."""
    return app_certificate


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_combined_pem(tmp_path, pems):
    loaded = load_certificate(write(tmp_path, 'app.pem', pems['cert'] + pems['key']))
    assert loaded['thumbprint'] == pems['thumbprint'] and 'PRIVATE KEY' in loaded['private_key']
    assert loaded['password'] is None


def test_separate_key_and_matching_thumbprint(tmp_path, pems):
    loaded = load_certificate(write(tmp_path, 'c.pem', pems['cert']), write(tmp_path, 'k.pem', pems['key']), thumbprint=pems['thumbprint'].lower())
    assert loaded['thumbprint'] == pems['thumbprint']


def test_encrypted_key_with_password(tmp_path, pems):
    loaded = load_certificate(write(tmp_path, 'app.pem', pems['cert'] + pems['encrypted']), password='pa55')
    assert loaded['password'] == 'pa55'


@pytest.mark.parametrize(
    'files,kwargs,message',
    [
        ({'app.pem': 'key only'}, {}, 'holds no PEM certificate'),
        ({'app.pem': 'cert'}, {}, "client_certificate_path '.*app.pem' holds no PEM private key"),
        ({'app.pem': 'cert+encrypted'}, {}, 'is encrypted: set client_certificate_password'),
        ({'app.pem': 'cert+encrypted'}, {'password': 'wrong'}, 'client_certificate_password does not open the private key'),
        ({'app.pem': 'cert+other'}, {}, 'does not belong to the certificate'),
        ({'app.pem': 'cert+key'}, {'thumbprint': 'ab' * 20}, 'client_certificate_thumbprint (ab)+ is not the thumbprint'),
        ({'app.pem': 'cert+key'}, {'thumbprint': 'xyz'}, 'client_certificate_thumbprint must be 40 hex digits'),
    ],
)
def test_bad_certificates(tmp_path, pems, files, kwargs, message):
    texts = {
        'key only': pems['key'],
        'cert': pems['cert'],
        'cert+encrypted': pems['cert'] + pems['encrypted'],
        'cert+other': pems['cert'] + pems['other'],
        'cert+key': pems['cert'] + pems['key'],
    }
    path = write(tmp_path, 'app.pem', texts[files['app.pem']])
    with pytest.raises(ValueError, match=message):
        load_certificate(path, **kwargs)


def test_a_key_entra_cannot_use_is_refused(tmp_path):
    leaf = trustme.CA(key_type=trustme.KeyType.ECDSA).issue_cert('app.example')
    path = write(tmp_path, 'ec.pem', leaf.cert_chain_pems[0].bytes().decode() + leaf.private_key_pem.bytes().decode())
    with pytest.raises(ValueError, match='must be an RSA key'):
        load_certificate(path)


def test_missing_file_names_the_option(tmp_path, pems):
    with pytest.raises(ValueError, match="client_certificate_path '/nonexistent.pem' cannot be read"):
        load_certificate('/nonexistent.pem')
    with pytest.raises(ValueError, match="client_certificate_key_path '/nokey.pem' cannot be read"):
        load_certificate(write(tmp_path, 'c.pem', pems['cert']), '/nokey.pem')

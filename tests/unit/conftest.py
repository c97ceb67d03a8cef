# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fixtures shared by the unit tests."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import ssl

import pytest
import trustme
from cryptography.hazmat.primitives import serialization

# The password of app_certificate's 'encrypted' key.
APP_KEY_PASSWORD = 'pa55'


@pytest.fixture(scope='session')
def app_certificate():
    """An app registration's certificate with its RSA key (PEM texts), the key encrypted too, another key, the thumbprint."""
    ca = trustme.CA()
    leaf = ca.issue_cert('app.example', key_type=trustme.KeyType.RSA)
    cert = leaf.cert_chain_pems[0].bytes().decode()
    key = leaf.private_key_pem.bytes().decode()
    other = ca.issue_cert('other.example', key_type=trustme.KeyType.RSA).private_key_pem.bytes().decode()
    private = serialization.load_pem_private_key(key.encode(), password=None)
    encrypted = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.BestAvailableEncryption(APP_KEY_PASSWORD.encode())
    ).decode()
    thumbprint = hashlib.sha1(ssl.PEM_cert_to_DER_cert(cert)).hexdigest().upper()
    return {'cert': cert, 'key': key, 'other': other, 'encrypted': encrypted, 'thumbprint': thumbprint}

# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# Simplified BSD License (see https://opensource.org/licenses/BSD-2-Clause)
# SPDX-License-Identifier: BSD-2-Clause

"""Reading a client certificate and its private key from PEM files, checked locally before any request."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import re
import ssl

from ansible_collections.msgraph.calls.plugins.module_utils._graph.errors import InputError

_CERT_RE = re.compile(r'-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----', re.S)
_KEY_RE = re.compile(r'-----BEGIN ((?:RSA |EC |ENCRYPTED )?PRIVATE KEY)-----.+?-----END \1-----', re.S)
_THUMBPRINT_RE = re.compile(r'^[0-9a-fA-F]{40}$')


def _read(path, option):
    try:
        with open(path, 'r') as handle:
            return handle.read()
    except (IOError, OSError, UnicodeDecodeError) as exc:
        raise InputError('%s %r cannot be read: %s' % (option, path, getattr(exc, 'strerror', None) or exc))


def load_certificate(path, key_path=None, password=None, thumbprint=None):
    """{'private_key', 'thumbprint', 'password'} for MSAL, or ValueError naming the option at fault.

    The thumbprint is the SHA-1 of the certificate's DER form, as Entra shows it; a given one must match.
    """
    text = _read(path, 'client_certificate_path')
    certificate = _CERT_RE.search(text)
    if not certificate:
        raise InputError('client_certificate_path %r holds no PEM certificate (-----BEGIN CERTIFICATE-----)' % path)
    key_option = 'client_certificate_key_path' if key_path else 'client_certificate_path'
    key_text = _read(key_path, key_option) if key_path else text
    key = _KEY_RE.search(key_text)
    if not key:
        raise InputError(
            '%s %r holds no PEM private key; put the key in the certificate file or set client_certificate_key_path' % (key_option, key_path or path)
        )
    encrypted = key.group(1) == 'ENCRYPTED PRIVATE KEY' or 'Proc-Type: 4,ENCRYPTED' in key.group(0)
    if encrypted and not password:
        raise InputError('the private key in %r is encrypted: set client_certificate_password' % (key_path or path))
    computed = hashlib.sha1(ssl.PEM_cert_to_DER_cert(certificate.group(0))).hexdigest().upper()
    if thumbprint:
        if not _THUMBPRINT_RE.match(thumbprint.replace(':', '')):
            raise InputError('client_certificate_thumbprint must be 40 hex digits (a SHA-1); got %r' % thumbprint)
        if thumbprint.replace(':', '').upper() != computed:
            raise InputError('client_certificate_thumbprint %s is not the thumbprint of the certificate in %r (%s)' % (thumbprint, path, computed))
    _check_key(certificate.group(0), key.group(0), password if encrypted else None, key_path or path)
    return {'private_key': key.group(0), 'thumbprint': computed, 'password': password if encrypted else None}


def _check_key(certificate_pem, key_pem, password, where):
    """The key must open with the password and belong to the certificate: Entra would refuse it otherwise.

    cryptography is imported here, not at the top: only certificate runs need it, and every task pays
    for an import at the top. Without it (MSAL needs it for certificates anyway) the check is skipped.
    """
    try:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa
        from cryptography.x509 import load_pem_x509_certificate
    except ImportError:
        return
    try:
        key = serialization.load_pem_private_key(key_pem.encode('ascii'), password=password.encode('utf-8') if password else None)
    except (ValueError, TypeError) as exc:
        if password:
            raise InputError('client_certificate_password does not open the private key in %r' % where)
        raise InputError('the private key in %r cannot be read: %s' % (where, exc))
    if not isinstance(key, rsa.RSAPrivateKey):
        raise InputError('the private key in %r must be an RSA key: Entra accepts client assertions signed with RS256 or PS256 only' % where)
    public = serialization.PublicFormat.SubjectPublicKeyInfo
    encoding = serialization.Encoding.PEM
    certificate_key = load_pem_x509_certificate(certificate_pem.encode('ascii')).public_key()
    if key.public_key().public_bytes(encoding, public) != certificate_key.public_bytes(encoding, public):
        raise InputError('the private key in %r does not belong to the certificate in client_certificate_path' % where)

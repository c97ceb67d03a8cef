# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The source's arguments: each mistake is refused with a message naming the argument."""

import pytest

from harness import CLIENT_ID, listener_mod

BASE = {"port": 8443, "client_id": CLIENT_ID, "certfile": "/x.pem", "keyfile": "/x-key.pem"}


@pytest.mark.parametrize(
    "changes, words",
    [
        ({"client_id": None}, "'client_id' is required"),
        ({"certfile": None}, "'certfile' (and 'keyfile') are required"),
        ({"port": "eighty"}, "'port' must be an integer"),
        ({"port": None}, "'port' is required"),
        ({"tenant_ids": "one"}, "'tenant_ids' must be a list"),
        ({"issuers": []}, "'issuers' must name at least one"),
        ({"openid_url": "http://keys.example/openid"}, "'openid_url' must be an https URL"),
        ({"insecure_http": "yes"}, "'insecure_http' must be true or false"),
        ({"path": "api/calls"}, "'path' must start with /"),
        ({"max_items": 0}, "'max_items' must be an integer >= 1"),
        ({"tokne": "x"}, "unknown argument(s) tokne"),
    ],
)
def test_bad_arguments_are_named(changes, words):
    args = {key: value for key, value in {**BASE, **changes}.items() if value is not None}
    with pytest.raises(ValueError) as info:
        listener_mod.Settings(args)
    assert words in str(info.value)


def test_defaults():
    settings = listener_mod.Settings(BASE)
    assert settings.openid_url == "https://api.aps.skype.com/v1/.well-known/OpenIdConfiguration"
    assert settings.issuers == ["https://graph.microsoft.com", "https://api.botframework.com"]
    assert settings.path == "/api/calls" and settings.host == "0.0.0.0" and settings.tenant_ids == []


def test_unreadable_certificate_is_a_clear_error(tmp_path):
    settings = listener_mod.Settings({**BASE, "certfile": str(tmp_path / "missing.pem"), "keyfile": str(tmp_path / "missing.pem")})
    with pytest.raises(ValueError, match="cannot load certfile/keyfile"):
        settings.server_ssl()

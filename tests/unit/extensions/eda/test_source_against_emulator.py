# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The event source against the emulator's own notifications: every way the emulator can sign wrongly is refused
(and produces no event); a valid and a rotated key are accepted, with the keys read from the emulator's OpenID document."""
# pylint: disable=redefined-outer-name

import asyncio
import os
import sys

import pytest

from harness import Harness, listener_mod

sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..")))
from emulator.client import EmulatorProcess  # noqa: E402  pylint: disable=wrong-import-position,import-error

REFUSED = {
    "bad_signature": 401,
    "unknown_key": 401,
    "expired": 401,
    "not_yet_valid": 401,
    "wrong_audience": 401,
    "wrong_issuer": 401,
    "alg_none": 401,
    "no_token": 401,
    "no_tenant": 403,
}


@pytest.fixture(scope="module")
def emulator():
    with EmulatorProcess() as emu:
        yield emu


async def _run(emu, tmp_path, mode, expected=0):
    """Start the source, let the emulator notify one call under ``mode``; return (delivery log entries, events)."""
    emu.reset()
    cert = tmp_path / "server.pem"
    key = tmp_path / "server-key.pem"
    Harness.CERT.private_key_and_cert_chain_pem.write_to_path(str(cert))
    Harness.CERT.private_key_pem.write_to_path(str(key))
    queue = asyncio.Queue(maxsize=1)
    args = {
        "host": "127.0.0.1",
        "port": 0,
        "client_id": emu.info["client_id"],
        "tenant_ids": [emu.info["tenant_id"]],
        "openid_url": emu.info["notification_openid_url"],
        "ca_path": emu.ca_path,
        "certfile": str(cert),
        "keyfile": str(key),
        "keys_min_refetch": 0,
    }
    ready = asyncio.get_running_loop().create_future()
    task = asyncio.ensure_future(listener_mod.serve(queue, args, ready))
    info = await ready
    try:
        await asyncio.to_thread(emu.config, notifications=True, notification_signing=mode)
        call = await asyncio.to_thread(emu.create_call, callback_uri=f"https://127.0.0.1:{info['port']}/api/calls/INC-7")
        log = []
        while not any("status" in entry or "error" in entry for entry in log):
            await asyncio.sleep(0.05)
            log = await asyncio.to_thread(emu.notifications)
        # The expected events (the timeout ends a hung test only); then nothing else may be waiting.
        events = [await asyncio.wait_for(queue.get(), 20) for dummy in range(expected)]
        for dummy in range(5):
            await asyncio.sleep(0)
        assert queue.empty() and info["listener"].pending.empty()
        return call, log, events
    finally:
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            pass


@pytest.mark.parametrize("mode", sorted(REFUSED))
def test_each_wrong_signature_of_the_emulator_is_refused(emulator, tmp_path, mode):
    dummy, log, events = asyncio.run(_run(emulator, tmp_path, mode))
    assert [entry.get("status") for entry in log] == [REFUSED[mode]]
    assert events == []


@pytest.mark.parametrize("mode", ["valid", "rotated_key"])
def test_valid_and_rotated_keys_are_accepted(emulator, tmp_path, mode):
    call, log, events = asyncio.run(_run(emulator, tmp_path, mode, expected=2))
    assert [entry.get("status") for entry in log] == [202]
    assert [event["kind"] for event in events] == ["call_established", "participants_changed"]
    assert {event["call_id"] for event in events} == {call["id"]}
    assert {event["path_suffix"] for event in events} == {"INC-7"}

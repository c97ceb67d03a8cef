# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The event source msgraph.calls.graph_call_notifications over real HTTPS with a real asyncio queue: the token check
(each refusal produces no event), 202 before ansible-rulebook's queue frees, one event per value[] item, the bounds."""
# pylint: disable=redefined-outer-name

import asyncio
import json
import logging

import jwt
import pytest

from harness import TENANT_ID, Harness, claims, jwk, new_key, run, sign

KEY = Harness.KEY
OTHER_KEY = new_key()

ESTABLISHED = {
    "changeType": "updated",
    "resourceUrl": "/communications/calls/call-1",
    "resourceData": {"@odata.type": "#microsoft.graph.call", "id": "call-1", "state": "established"},
}
INVITE_FAILED = {
    "changeType": "deleted",
    "resourceUrl": "/communications/calls/call-1/operations/op-1",
    "resourceData": {
        "@odata.type": "#microsoft.graph.inviteParticipantsOperation",
        "status": "failed",
        "clientContext": "INC-42.t1~abc",
        "resultInfo": {"code": 603, "subcode": 10003, "message": "declined"},
    },
}
BODY = {"value": [ESTABLISHED, INVITE_FAILED]}


def good_token():
    return sign(KEY, "key-1")


# Each way a token can be wrong, with the status the source must answer.
REFUSALS = {
    "bad signature (another key, a known key id)": (lambda: sign(OTHER_KEY, "key-1"), 401),
    "unknown key id": (lambda: sign(OTHER_KEY, "key-9"), 401),
    "expired": (lambda: sign(KEY, "key-1", exp=1000, iat=900, nbf=900), 401),
    "not yet valid": (lambda: sign(KEY, "key-1", nbf=4102444800, iat=4102444800, exp=4102448400), 401),
    "wrong audience": (lambda: sign(KEY, "key-1", aud="00000000-0000-0000-0000-000000000000"), 401),
    "wrong issuer": (lambda: sign(KEY, "key-1", iss="https://sts.example.com"), 401),
    "no expiry": (lambda: sign(KEY, "key-1", exp=None), 401),
    "no audience": (lambda: sign(KEY, "key-1", aud=None), 401),
    "unsigned (alg none)": (lambda: jwt.encode(claims(), None, algorithm="none", headers={"kid": "key-1"}), 401),
    "HS256 keyed with a public value": (lambda: jwt.encode(claims(), "key-1" * 8, algorithm="HS256", headers={"kid": "key-1"}), 401),
    "malformed": (lambda: "not.a.jwt", 401),
    "no tid claim": (lambda: sign(KEY, "key-1", tid=None), 403),
}


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_a_wrong_token_is_refused_and_produces_no_event(tmp_path, case):
    make, status = REFUSALS[case]

    async def scenario():
        async with Harness(tmp_path) as h:
            answer, dummy = await h.post(BODY, make())
            await h.settle()
            assert answer == status
            assert h.queue.empty() and h.pending.empty()
            # The same listener still takes a good token: the refusal was about the token, not a broken source.
            assert (await h.post(BODY, good_token()))[0] == 202

    run(scenario())


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Basic dXNlcjpwYXNz"}, {"Authorization": "Bearer "}], ids=["none", "basic", "empty"])
def test_no_bearer_token_is_refused_401(tmp_path, headers):
    async def scenario():
        async with Harness(tmp_path) as h:
            answer, dummy = await h.post(BODY, headers=headers)
            await h.settle()
            assert answer == 401
            assert h.queue.empty()

    run(scenario())


def test_a_tenant_not_listed_is_refused_403(tmp_path):
    async def scenario():
        async with Harness(tmp_path, tenant_ids=["11111111-1111-1111-1111-111111111111"]) as h:
            assert (await h.post(BODY, good_token()))[0] == 403
            await h.settle()
            assert h.queue.empty()

    run(scenario())


def test_a_listed_tenant_is_accepted_case_insensitively(tmp_path):
    async def scenario():
        async with Harness(tmp_path, tenant_ids=[TENANT_ID.upper()]) as h:
            assert (await h.post(BODY, good_token()))[0] == 202
            events = await h.events(2)
            assert [event["tenant_id"] for event in events] == [TENANT_ID, TENANT_ID]

    run(scenario())


def test_each_item_becomes_one_event_without_token_or_headers(tmp_path):
    async def scenario():
        async with Harness(tmp_path, queue_size=10) as h:
            token = good_token()
            assert (await h.post(BODY, token, suffix="/INC-42"))[0] == 202
            first, second = await h.events(2)
            assert first["kind"] == "call_established" and first["call_id"] == "call-1"
            assert second["kind"] == "invite_failed"
            assert second["client_context"] == "INC-42.t1~abc"
            assert second["result_info"] == {"code": 603, "subcode": 10003, "message": "declined"}
            assert first["item"] == ESTABLISHED and second["item"] == INVITE_FAILED
            assert first["path_suffix"] == second["path_suffix"] == "INC-42"
            text = json.dumps([first, second])
            assert token not in text and "Authorization" not in text and "Bearer" not in text
            assert h.queue.empty()

    run(scenario())


def test_202_comes_before_the_queue_frees(tmp_path):
    async def scenario():
        async with Harness(tmp_path, queue_size=1) as h:
            await h.queue.put({"kind": "earlier"})  # ansible-rulebook has not taken the last event: the queue is full
            assert (await h.post(BODY, good_token()))[0] == 202
            await h.settle()
            assert h.queue.full() and h.pending.qsize() >= 1
            earlier, first, second = await h.events(3)
            assert earlier == {"kind": "earlier"}
            assert (first["kind"], second["kind"]) == ("call_established", "invite_failed")

    run(scenario())


def test_a_backlog_past_max_pending_is_answered_503(tmp_path):
    async def scenario():
        async with Harness(tmp_path, queue_size=1, max_pending=2) as h:
            await h.queue.put({"kind": "earlier"})
            assert (await h.post(BODY, good_token()))[0] == 202
            await h.settle()  # the forwarder holds the first event, waiting for the full queue; the second is buffered
            assert h.pending.qsize() == 1
            assert (await h.post(BODY, good_token()))[0] == 503  # 2 more do not fit in the 1 place left
            await h.settle()
            assert h.pending.qsize() == 1 and [event["kind"] for event in await h.events(3)] == ["earlier", "call_established", "invite_failed"]

    run(scenario())


def test_bounds_on_the_body(tmp_path):
    async def scenario():
        async with Harness(tmp_path, max_body_bytes=2048, max_items=2) as h:
            token = good_token()
            assert (await h.post({"value": [ESTABLISHED] * 3}, token))[0] == 413
            assert (await h.post(None, token, data=b"x" * 4096))[0] == 413
            assert (await h.post(None, token, data=b"{not json"))[0] == 400
            assert (await h.post({"value": "nope"}, token))[0] == 400
            await h.settle()
            assert h.queue.empty()

    run(scenario())


def test_only_post_on_the_callback_path_and_get_on_it_says_ready(tmp_path):
    async def scenario():
        async with Harness(tmp_path) as h:
            token = good_token()
            status, text = await h.post(None, method="GET", data=b"")
            assert (status, json.loads(text)) == (200, {"ready": True, "signing_keys": 1})
            assert (await h.post(BODY, token, method="GET", suffix="/INC-1"))[0] == 405
            assert (await h.post(BODY, token, method="PUT"))[0] == 405
            h.url = h.url.replace("/api/calls", "/elsewhere")
            assert (await h.post(BODY, token))[0] == 404
            await h.settle()
            assert h.queue.empty()

    run(scenario())


def test_an_unknown_key_id_rereads_the_keys_and_a_rotated_key_is_accepted(tmp_path):
    async def scenario():
        async with Harness(tmp_path, keys_min_refetch=0) as h:
            reads = h.key_requests
            h.jwks = {"keys": [jwk(KEY, "key-1"), jwk(OTHER_KEY, "key-2")]}  # the issuer rotated its keys
            assert (await h.post(BODY, sign(OTHER_KEY, "key-2")))[0] == 202
            assert h.key_requests == reads + 1
            assert len(await h.events(2)) == 2

    run(scenario())


def test_unknown_key_ids_do_not_reread_the_keys_within_keys_min_refetch(tmp_path):
    async def scenario():
        async with Harness(tmp_path, keys_min_refetch=3600) as h:
            reads = h.key_requests
            h.jwks = {"keys": [jwk(OTHER_KEY, "key-2")]}
            for dummy in range(3):
                assert (await h.post(BODY, sign(OTHER_KEY, "key-2")))[0] == 401
            assert h.key_requests == reads

    run(scenario())


def test_keys_are_reread_on_schedule(tmp_path):
    async def scenario():
        async with Harness(tmp_path, keys_refresh_interval=1) as h:
            reads = h.key_requests
            h.jwks = {"keys": [jwk(OTHER_KEY, "key-2")]}
            while h.key_requests == reads:  # the schedule, not a request, reads them
                await asyncio.sleep(0.05)
            await asyncio.sleep(0.05)
            assert (await h.post(BODY, sign(OTHER_KEY, "key-2")))[0] == 202

    run(scenario())


def test_no_keys_yet_answers_503(tmp_path):
    async def scenario():
        async with Harness(tmp_path, openid_url="https://127.0.0.1:9/openid") as h:
            assert (await h.post(BODY, good_token()))[0] == 503
            await h.settle()
            assert h.queue.empty()

    run(scenario())


def test_a_failed_first_key_read_is_retried_soon_without_a_request(tmp_path):
    # The key server fails when the listener starts (a busy or briefly unreachable host): the listener answers 503 with
    # Retry-After and says it is not ready, retries on its own long before keys_refresh_interval, then takes tokens.
    async def scenario():
        async with Harness(tmp_path, keys_status=500, keys_refresh_interval=7200, keys_min_refetch=7200) as h:
            status, text = await h.post(None, method="GET", data=b"")
            assert (status, json.loads(text)["ready"]) == (503, False)
            status, dummy = await h.post(BODY, good_token())
            assert status == 503
            reads = h.key_requests
            h.keys_status = 200
            # The timeout only ends a hung test; the first retry comes after 1 s, the next after 2.
            await asyncio.wait_for(h.until(lambda: h.key_requests > reads), 30)
            await asyncio.wait_for(h.until(lambda: h.info["keys"].keys), 30)
            assert (await h.post(None, method="GET", data=b""))[0] == 200
            assert (await h.post(BODY, good_token()))[0] == 202
            assert len(await h.events(2)) == 2

    run(scenario())


def test_a_503_asks_to_retry_later(tmp_path):
    async def scenario():
        async with Harness(tmp_path, keys_status=500) as h:
            async with h.client.post(h.url, data=json.dumps(BODY).encode(), headers={"Authorization": f"Bearer {good_token()}"}) as response:
                assert response.status == 503
                assert int(response.headers["Retry-After"]) > 0

    run(scenario())


def test_insecure_http_warns_and_serves_plain_http(tmp_path, caplog):
    async def scenario():
        async with Harness(tmp_path, insecure_http=True, certfile=None, keyfile=None) as h:
            assert (await h.post(BODY, good_token()))[0] == 202

    with caplog.at_level(logging.WARNING):
        run(scenario())
    assert any("plain HTTP" in record.getMessage() for record in caplog.records)


def test_the_token_is_never_logged(tmp_path, caplog):
    token = sign(OTHER_KEY, "key-1")

    async def scenario():
        async with Harness(tmp_path) as h:
            assert (await h.post(BODY, token))[0] == 401

    with caplog.at_level(logging.DEBUG):
        run(scenario())
    assert caplog.records and all(token not in record.getMessage() for record in caplog.records)

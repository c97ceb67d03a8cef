"""The hold fault action: a request kept in flight until release_on, an admin release or max_hold_ms."""
# pylint: disable=missing-function-docstring,redefined-outer-name  # pytest injects fixtures by parameter name

import collections
import functools
import json
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from emulator.client import AdminError
from emulator.holds import HeldRequests

INVITEE_ID = "5d0c7a3e-2f4b-4c1d-9e8f-7a6b5c4d3e2f"
INVITE_PATH = "/participants/invite$"
# Generous: only reached if the server is broken, never part of what a test checks.
PATIENCE = 60


def _invite_body(context="hold-test"):
    return {"participants": [{"identity": {"user": {"id": INVITEE_ID, "displayName": "Grace"}}}], "clientContext": context}


def _invite_url(emu, call_id):
    return f"{emu.base_url}/v1.0/communications/calls/{call_id}/participants/invite"


def _post_invite(emu, token, call_id, context="hold-test"):
    """The invite on its own connection (a held request blocks its connection)."""
    return requests.post(
        _invite_url(emu, call_id), json=_invite_body(context), headers={"Authorization": f"Bearer {token}"}, verify=emu.ca_path, timeout=PATIENCE
    )


def _held(emu):
    return sum(rule.get("held", 0) for rule in emu.faults())


def _wait_until(condition, what):
    """Poll the emulator's state until ``condition()``; the deadline only catches a broken server."""
    deadline = time.monotonic() + PATIENCE
    while not condition():
        assert time.monotonic() < deadline, f"never happened: {what}"
        time.sleep(0.01)


def _wait_held(emu, count):
    _wait_until(lambda: _held(emu) == count, f"{count} request(s) held")


def _invites_logged(emu):
    return [entry for entry in emu.requests() if entry["path"].endswith("/participants/invite")]


def _hold(emu, **extra):
    return emu.add_faults({"action": "hold", "method": "POST", "path": INVITE_PATH, **extra})


# --- the rule ----------------------------------------------------------------------------------


def test_hold_rule_defaults_and_held_count(emu):
    rules = emu.add_faults({"action": "hold"}, {"action": "hold", "path": "/invite$", "times": 2, "max_hold_ms": 0, "release_on": {"path": "/operations"}})
    assert rules[0]["release_on"] is None and rules[0]["max_hold_ms"] == 60000 and rules[0]["held"] == 0
    assert rules[1]["release_on"] == {"method": "*", "path": "/operations"} and rules[1]["max_hold_ms"] == 0
    assert emu.add_faults({"action": "malformed"})[-1].get("held") is None  # only hold rules count held requests


@pytest.mark.parametrize(
    "rule, words",
    [
        ({"action": "hold", "release_on": "/operations"}, "release_on must be an object"),
        ({"action": "hold", "release_on": {"method": "GET"}}, "release_on needs 'path'"),
        ({"action": "hold", "release_on": {"path": "(x"}}, "not a valid regular expression"),
        ({"action": "hold", "release_on": {"path": "x", "times": 1}}, "unknown key 'times'"),
        ({"action": "hold", "release_on": {"path": "x", "method": ""}}, "'method'"),
        ({"action": "hold", "max_hold_ms": -1}, "'max_hold_ms'"),
        ({"action": "hold", "max_hold_ms": 120001}, "'max_hold_ms'"),
        ({"action": "hold", "max_hold_ms": "10"}, "'max_hold_ms'"),
        ({"action": "hold", "status": 503}, "does not apply to action 'hold'"),
        ({"action": "delay", "delay_ms": 1, "release_on": {"path": "x"}}, "does not apply to action 'delay'"),
    ],
)
def test_invalid_hold_rules_are_refused(emu, rule, words):
    with pytest.raises(AdminError) as excinfo:
        emu.add_faults(rule)
    assert excinfo.value.status == 400 and words in excinfo.value.body["error"]["message"]
    assert not emu.faults()


# --- releases ----------------------------------------------------------------------------------


def test_release_on_performs_the_held_post_before_the_releasing_get(emu, graph, token):
    call = emu.create_call()
    _hold(emu, release_on={"method": "GET", "path": "/operations$"})
    operations_url = f"/v1.0/communications/calls/{call['id']}/operations"
    with ThreadPoolExecutor(max_workers=1) as pool:
        posted = pool.submit(_post_invite, emu, token, call["id"])
        _wait_held(emu, 1)
        assert emu.call(call["id"])["operations"] == []  # held: not performed
        assert graph.get(f"/v1.0/communications/calls/{call['id']}").status_code == 200
        assert graph.post(operations_url).status_code == 405  # wrong method: not a release
        assert _held(emu) == 1
        listing = graph.get(operations_url).json()["value"]  # releases it, and sees it
        response = posted.result(timeout=PATIENCE)
    assert response.status_code == 200, response.text
    operation = response.json()
    assert [item["id"] for item in listing] == [operation["id"]] and operation["clientContext"] == "hold-test"
    assert response.headers["Location"].endswith(f"/operations/{operation['id']}")
    log = [(entry["method"], entry["path"].rsplit("/", 1)[-1], entry["status"], entry.get("fault")) for entry in emu.requests()]
    assert log[-3:] == [("POST", "operations", 405, None), ("POST", "invite", 200, "hold"), ("GET", "operations", 200, None)]
    assert _held(emu) == 0


def test_admin_release_performs_before_answering(emu, graph, token):
    call = emu.create_call()
    _hold(emu)
    assert emu.release_held() == 0
    with ThreadPoolExecutor(max_workers=1) as pool:
        posted = pool.submit(_post_invite, emu, token, call["id"])
        _wait_held(emu, 1)
        # No release_on: Graph reads do not release it.
        assert graph.get(f"/v1.0/communications/calls/{call['id']}/operations").json()["value"] == []
        assert emu.release_held() == 1
        # Performed synchronously: visible at once, whether or not the client has read its answer yet.
        assert len(emu.call(call["id"])["operations"]) == 1
        response = posted.result(timeout=PATIENCE)
    assert response.status_code == 200 and response.json()["status"] == "Running"
    assert [(entry["status"], entry["fault"]) for entry in _invites_logged(emu)] == [(200, "hold")]
    assert emu.release_held() == 0


def test_max_hold_ms_releases_by_itself(emu, token):
    call = emu.create_call()
    _hold(emu, max_hold_ms=20)
    response = _post_invite(emu, token, call["id"])
    assert response.status_code == 200, response.text
    assert len(emu.call(call["id"])["operations"]) == 1
    assert [(entry["status"], entry["fault"]) for entry in _invites_logged(emu)] == [(200, "hold")]
    assert _held(emu) == 0


def test_every_request_held_by_the_rule_is_released_in_arrival_order(emu, graph, token):
    call = emu.create_call()
    _hold(emu, times=3, release_on={"method": "GET", "path": "/operations$"})
    with ThreadPoolExecutor(max_workers=3) as pool:
        posted = []
        for index in range(3):
            posted.append(pool.submit(_post_invite, emu, token, call["id"], f"c{index}"))
            _wait_held(emu, index + 1)
        listing = graph.get(f"/v1.0/communications/calls/{call['id']}/operations").json()["value"]
        assert all(future.result(timeout=PATIENCE).status_code == 200 for future in posted)
    assert [item["clientContext"] for item in listing] == ["c0", "c1", "c2"]
    assert [entry["body"]["clientContext"] for entry in _invites_logged(emu)] == ["c0", "c1", "c2"]


# --- cancelling ----------------------------------------------------------------------------------


@pytest.mark.parametrize("cancel", ["reset", "clear_faults"])
def test_reset_and_clearing_faults_cancel_held_requests(emu, token, cancel):
    call = emu.create_call()
    _hold(emu)
    with ThreadPoolExecutor(max_workers=1) as pool:
        posted = pool.submit(_post_invite, emu, token, call["id"])
        _wait_held(emu, 1)
        getattr(emu, cancel)()
        response = posted.result(timeout=PATIENCE)
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "serviceNotAvailable"
    assert not _invites_logged(emu)
    assert emu.release_held() == 0
    if cancel == "clear_faults":
        assert emu.call(call["id"])["operations"] == []  # never performed


# --- robustness --------------------------------------------------------------------------------


def _send_raw(emu, token, call_id):
    """Send the invite over a raw TLS connection; return the open connection (the caller gives up on it)."""
    body = json.dumps(_invite_body("gone")).encode()
    path = f"/v1.0/communications/calls/{call_id}/participants/invite"
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{emu.info['port']}\r\nAuthorization: Bearer {token}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode()
    raw = socket.create_connection(("127.0.0.1", emu.info["port"]), timeout=PATIENCE)
    tls = emu.ssl_context().wrap_socket(raw, server_hostname="127.0.0.1")
    tls.sendall(head + body)
    return tls, path


def test_a_client_gone_before_the_release_does_not_break_the_server(emu, graph, token):
    call = emu.create_call()
    _hold(emu)
    connection, path = _send_raw(emu, token, call["id"])
    _wait_held(emu, 1)
    connection.close()  # the client's timeout: it gives up while the request is held
    assert emu.release_held() == 1
    _wait_until(lambda: f'"POST {path} HTTP/1.1" 200' in emu.log_text(), "the held request's answer was written (or dropped)")
    assert "Traceback" not in emu.log_text()
    assert [operation["clientContext"] for operation in emu.call(call["id"])["operations"]] == ["gone"]
    assert [(entry["status"], entry["fault"]) for entry in _invites_logged(emu)] == [(200, "hold")]
    assert graph.get(f"/v1.0/communications/calls/{call['id']}").status_code == 200


def test_held_requests_are_performed_once_whatever_races(emu, graph, token):
    call = emu.create_call()
    _hold(emu, times=5, max_hold_ms=30, release_on={"method": "GET", "path": "/operations$"})
    url = f"/v1.0/communications/calls/{call['id']}/operations"
    with ThreadPoolExecutor(max_workers=16) as pool:
        posts = [pool.submit(_post_invite, emu, token, call["id"], f"c{index}") for index in range(5)]
        gets = [pool.submit(requests.get, emu.base_url + url, headers=graph.headers, verify=emu.ca_path, timeout=PATIENCE) for _get in range(6)]
        releases = [pool.submit(emu.release_held) for _release in range(3)]
        assert [future.result(timeout=PATIENCE).status_code for future in posts] == [200] * 5
        assert all(future.result(timeout=PATIENCE).status_code == 200 for future in gets)
        assert sum(future.result(timeout=PATIENCE) for future in releases) <= 5
    assert sorted(operation["clientContext"] for operation in emu.call(call["id"])["operations"]) == [f"c{i}" for i in range(5)]
    assert len(_invites_logged(emu)) == 5
    assert _held(emu) == 0


def test_held_request_registry_performs_each_exactly_once():
    """In process: waiters timing out at once, admin releases and release_on releases all race for 40 requests."""
    holds = HeldRequests()
    performed, lock = collections.Counter(), threading.Lock()

    def perform(index):
        with lock:
            performed[index] += 1
        return index, "graph"

    rule = {"id": 1, "release_on": {"method": "*", "path": "/x"}, "max_hold_ms": 0}
    held = [holds.hold(rule, functools.partial(perform, index)) for index in range(40)]
    workers = [threading.Thread(target=holds.wait, args=(item,)) for item in held]
    workers += [threading.Thread(target=holds.release_all) for _releaser in range(4)]
    workers += [threading.Thread(target=holds.release_matching, args=("GET", "/x")) for _releaser in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=PATIENCE)
    assert performed == {index: 1 for index in range(40)}
    assert [item.result for item in held] == [(index, "graph") for index in range(40)]
    assert holds.counts() == {} and holds.release_all() == 0

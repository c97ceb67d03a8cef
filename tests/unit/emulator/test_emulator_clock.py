"""The test-controlled clock (/_emulator/clock): modes, advance, tick, reset, and what it governs."""
# pylint: disable=missing-function-docstring,redefined-outer-name  # pytest injects fixtures by parameter name

import math
import time

import pytest
import requests

from emulator.client import AdminError

BOB = "7e1b4346-85a6-4bdd-abe3-d11c5d420efe"


def _user(user_id):
    return {"identity": {"user": {"id": user_id, "displayName": "Bob"}}}


def _invite(graph, call_id):
    response = graph.post(f"/v1.0/communications/calls/{call_id}/participants/invite", json={"participants": [_user(BOB)]})
    assert response.status_code == 200, response.text
    return response.json()


def _status(graph, call_id, operation_id):
    response = graph.get(f"/v1.0/communications/calls/{call_id}/operations/{operation_id}")
    assert response.status_code == 200, response.text
    return response.json()["status"]


def _bob_in_roster(graph, call_id):
    roster = graph.get(f"/v1.0/communications/calls/{call_id}/participants").json()["value"]
    return any(entry["info"]["identity"].get("user", {}).get("id") == BOB for entry in roster)


# --- modes -----------------------------------------------------------------------------------


def test_real_by_default(emu):
    clock = emu.clock()
    assert set(clock) == {"mode", "now", "time", "tick"}
    assert clock["mode"] == "real" and clock["tick"] == 0
    assert emu.clock()["now"] >= clock["now"]


def test_manual_freezes_time(emu, graph):
    before = emu.clock()
    frozen = emu.clock(mode="manual")
    assert frozen["mode"] == "manual"
    assert frozen["now"] >= before["now"] and frozen["time"] >= before["time"]
    call = emu.create_call()
    assert graph.get(f"/v1.0/communications/calls/{call['id']}").status_code == 200
    emu.token()
    assert emu.clock() == frozen
    assert emu.clock(mode="manual") == frozen  # already manual: nothing moves


def test_advance_moves_both_views(emu):
    frozen = emu.clock(mode="manual")
    moved = emu.clock(advance=2.5)
    assert moved["now"] == pytest.approx(frozen["now"] + 2.5) and moved["time"] == pytest.approx(frozen["time"] + 2.5)
    assert emu.clock(advance=0) == moved


def test_time_never_goes_backwards_across_mode_switches(emu):
    start = emu.clock()
    manual = emu.clock(mode="manual", advance=3600)
    assert manual["now"] >= start["now"] + 3600 and manual["time"] >= start["time"] + 3600
    resumed = emu.clock(mode="real")
    assert resumed["mode"] == "real"
    assert resumed["now"] >= manual["now"] and resumed["time"] >= manual["time"]
    later = emu.clock()
    assert later["now"] >= resumed["now"] and later["time"] >= resumed["time"]
    again = emu.clock(mode="manual")
    assert again["now"] >= later["now"] and again["time"] >= later["time"]


def test_mode_then_tick_then_advance_in_one_request(emu):
    frozen = emu.clock(mode="manual")
    clock = emu.clock(mode="manual", tick=1, advance=4)
    assert clock["tick"] == 1 and clock["now"] == pytest.approx(frozen["now"] + 4)
    assert emu.clock(mode="real")["tick"] == 0  # tick is a manual-mode setting


def test_reset_puts_the_real_clock_back(emu):
    emu.clock(mode="manual", tick=2, advance=7200)
    emu.reset()
    clock = emu.clock()
    assert clock["mode"] == "real" and clock["tick"] == 0
    # The offset is gone too: the wall-clock view is the machine's again, not two hours ahead.
    assert abs(clock["time"] - time.time()) < 3600


# --- what the clock governs ------------------------------------------------------------------


def test_advance_decides_when_the_invitee_answers(emu, graph):
    emu.clock(mode="manual")
    emu.config(invite_outcome={"result": "answer", "after": 5})
    call = emu.create_call()
    operation = _invite(graph, call["id"])
    emu.clock(advance=4.9)
    assert _status(graph, call["id"], operation["id"]) == "Running"
    assert not _bob_in_roster(graph, call["id"])
    assert emu.call(call["id"])["operations"][0]["status"] == "Running"
    emu.clock(advance=0.1)  # 4.9 + 0.1: exactly 5 s after the invite
    # The admin view right after the advance already shows it.
    assert emu.call(call["id"])["operations"][0]["status"] == "Completed"
    assert _status(graph, call["id"], operation["id"]) == "Completed"
    assert _bob_in_roster(graph, call["id"])


def test_tick_advances_per_graph_request_only(emu, graph, http):
    emu.config(invite_outcome={"result": "answer", "after": 3})
    start = emu.clock(mode="manual", tick=1)
    call = emu.create_call()  # admin: no tick
    operation = _invite(graph, call["id"])  # Graph request 1: t0 = start + 1
    assert emu.clock()["now"] == pytest.approx(start["now"] + 1)
    emu.token()  # token service: no tick
    response = requests.get(
        emu.info["managed_identity_endpoint"],
        timeout=30,
        params={"api-version": "2019-08-01", "resource": "https://graph.microsoft.com"},
        headers={"X-IDENTITY-HEADER": emu.info["identity_header"]},
    )
    assert response.status_code == 200  # managed identity: no tick
    assert http.get(f"/{emu.info['tenant_id']}/v2.0/.well-known/openid-configuration").status_code == 200
    assert emu.clock()["now"] == pytest.approx(start["now"] + 1)
    # "The invitee answers after 3 Graph requests": the 1st and 2nd still see it ringing, the 3rd sees it done.
    assert [_status(graph, call["id"], operation["id"]) for _poll in range(3)] == ["Running", "Running", "Completed"]
    assert emu.clock()["now"] == pytest.approx(start["now"] + 4)


def test_unauthenticated_graph_requests_tick_too(emu, http):
    start = emu.clock(mode="manual", tick=0.5)
    assert http.get("/v1.0/communications/calls/nope").status_code == 401
    assert http.get("/beta/communications/calls/nope").status_code == 401
    assert emu.clock()["now"] == pytest.approx(start["now"] + 1)


def test_token_expires_when_advanced_past_its_lifetime(emu, http):
    emu.clock(mode="manual")
    emu.config(token_lifetime=10)
    token = emu.token()
    call = emu.create_call()
    url = f"/v1.0/communications/calls/{call['id']}"
    headers = {"Authorization": f"Bearer {token}"}
    emu.clock(advance=9.5)
    assert http.get(url, headers=headers).status_code == 200
    emu.clock(advance=1)
    expired = http.get(url, headers=headers)
    assert expired.status_code == 401
    assert expired.json()["error"]["message"] == "Lifetime validation failed, the token is expired."
    # Back to real time, the token stays expired (time does not jump back).
    emu.clock(mode="real")
    assert http.get(url, headers=headers).status_code == 401


def test_managed_identity_expires_on_follows_the_clock(emu):
    clock = emu.clock(mode="manual", advance=86400)
    response = requests.get(
        emu.info["managed_identity_endpoint"],
        timeout=30,
        params={"api-version": "2019-08-01", "resource": "https://graph.microsoft.com"},
        headers={"X-IDENTITY-HEADER": emu.info["identity_header"]},
    )
    assert response.json()["expires_on"] == str(int(clock["time"] + 3599))


# --- validation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body, key",
    [
        ({"mode": "fast"}, "mode"),
        ({"mode": True}, "mode"),
        ({"mode": None}, "mode"),
        ({"speed": 2}, "speed"),
        ({"mode": "manual", "advance": -1}, "advance"),
        ({"mode": "manual", "advance": "5"}, "advance"),
        ({"mode": "manual", "advance": True}, "advance"),
        ({"mode": "manual", "advance": math.nan}, "advance"),
        ({"mode": "manual", "advance": math.inf}, "advance"),
        ({"mode": "manual", "tick": -0.5}, "tick"),
        ({"mode": "manual", "tick": [1]}, "tick"),
        ({"mode": "manual", "tick": math.inf}, "tick"),
        ({"advance": 1}, "advance"),  # real mode
        ({"tick": 1}, "tick"),  # real mode
        ({"mode": "real", "advance": 1}, "advance"),
    ],
)
def test_clock_refuses_bad_bodies_and_changes_nothing(emu, body, key):
    before = emu.clock()
    with pytest.raises(AdminError) as excinfo:
        emu.admin("POST", "/clock", body)
    assert excinfo.value.status == 400
    assert f"'{key}'" in excinfo.value.body["error"]["message"]
    after = emu.clock()
    assert after["mode"] == before["mode"] == "real" and after["tick"] == 0


def test_advance_and_tick_refused_in_real_mode_keep_manual_settings(emu):
    emu.clock(mode="manual", tick=1)
    frozen = emu.clock(advance=1)
    with pytest.raises(AdminError):
        emu.admin("POST", "/clock", {"mode": "real", "tick": 2})
    assert emu.clock() == frozen


def test_clock_route_methods(emu):
    with pytest.raises(AdminError) as excinfo:
        emu.admin("DELETE", "/clock")
    assert excinfo.value.status == 405
    with pytest.raises(AdminError) as excinfo:
        emu.admin("POST", "/clock", [1])
    assert excinfo.value.status == 400

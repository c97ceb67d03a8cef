"""Calls the bot creates or joins (POST /communications/calls), their lifecycle on the manual clock, keepAlive,
hang-up, ended calls, participant removal and invite cancellation, and every switch that governs them."""
# pylint: disable=missing-function-docstring,redefined-outer-name  # pytest injects fixtures by parameter name

import copy
import json
import os
import re

import pytest

from emulator.client import AdminError

GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
VECTORS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "vectors")
EXAMPLES = sorted(name for name in os.listdir(VECTORS) if name.startswith("create_call_") and name.endswith(".json"))
SERVICE_HOSTED = {"@odata.type": "#microsoft.graph.serviceHostedMediaConfig"}
CALLBACK = "https://bot.contoso.com/callback"
ORGANIZER = "5810cede-f3cc-42eb-b2c1-e9bd5d53ec96"
ADA = "0d5f6c2e-1b8a-4e3f-9c7d-2a4b6c8d0e1f"
BOB = "7e1b4346-85a6-4bdd-abe3-d11c5d420efe"
CAT = "c3a1e5f7-2b4d-4f6a-8c0e-1d3f5a7b9c2e"
# The documented examples' meeting coordinates (Microsoft Graph docs: Create call, Examples 5 and 7).
EXAMPLE_THREAD = "19:meeting_Win6Ydo4wsMijFjZS00ZGVjLTk5MGUtOTRjNWY2NmNkYTFm@thread.v2"
EXAMPLE_JOIN_ID, EXAMPLE_PASSCODE = "1234567", "psw123"

HANG_UP = (200, 7000, "The conversation has ended by bot.")
KEEP_ALIVE = (408, 8537, "Keep Alive timeout, cleaned up inactive call.")
UNKNOWN_MEETING = (400, 2203, "Bad Request. DiagCode: 400#2203")


def _target(user_id, name=None):
    return {
        "@odata.type": "#microsoft.graph.invitationParticipantInfo",
        "identity": {"@odata.type": "#microsoft.graph.identitySet", "user": {"@odata.type": "#microsoft.graph.identity", "id": user_id, "displayName": name}},
    }


def _call_body(*targets, **extra):
    body = {
        "callbackUri": CALLBACK,
        "targets": [_target(user_id) for user_id in targets] or [_target(BOB)],
        "requestedModalities": ["audio"],
        "mediaConfig": dict(SERVICE_HOSTED),
    }
    body.update(extra)
    return body


def _organizer_join(thread_id, organizer=ORGANIZER, **extra):
    body = {
        "callbackUri": CALLBACK,
        "mediaConfig": dict(SERVICE_HOSTED),
        "chatInfo": {"@odata.type": "#microsoft.graph.chatInfo", "threadId": thread_id, "messageId": "0"},
        "meetingInfo": {
            "@odata.type": "#microsoft.graph.organizerMeetingInfo",
            "organizer": {"@odata.type": "#microsoft.graph.identitySet", "user": {"id": organizer}},
        },
    }
    body.update(extra)
    return body


def _id_join(join_meeting_id, passcode=None, **extra):
    body = {
        "callbackUri": CALLBACK,
        "mediaConfig": dict(SERVICE_HOSTED),
        "tenantId": "5b7c9e3a-1d2f-4c6b-8a9e-0f1e2d3c4b5a",
        "meetingInfo": {"@odata.type": "#microsoft.graph.joinMeetingIdMeetingInfo", "joinMeetingId": join_meeting_id, "passcode": passcode},
    }
    body.update(extra)
    return body


def _create(graph, body, version="v1.0"):
    response = graph.post(f"/{version}/communications/calls", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def _refused(graph, body, status=400):
    response = graph.post("/v1.0/communications/calls", json=body)
    assert response.status_code == status, response.text
    return response.json()["error"]


def _state(graph, call_id):
    response = graph.get(f"/v1.0/communications/calls/{call_id}")
    return response.json()["state"] if response.status_code == 200 else response.status_code


def _info(emu, call_id):
    info = emu.call(call_id)["result_info"]
    return (info["code"], info["subcode"], info["message"]) if info else None


def _assert_ended_404(response):
    assert response.status_code == 404, response.text
    assert response.json()["error"]["code"] == "9997" and response.json()["error"]["message"] == "Call not found."


def _roster_users(emu, call_id):
    return [entry["info"]["identity"].get("user", {}).get("id") for entry in emu.call(call_id)["participants"]]


@pytest.fixture
def manual(emu):
    """The emulator with its clock frozen: time moves only by ``emu.clock(advance=...)``."""
    emu.clock(mode="manual")
    return emu


# --- the documented examples ------------------------------------------------------------------------


@pytest.mark.parametrize("name", EXAMPLES)
def test_documented_examples_are_accepted_verbatim(emu, graph, name):
    with open(os.path.join(VECTORS, name), "rb") as handle:
        raw = handle.read()
    response = graph.post("/v1.0/communications/calls", data=raw, headers={"Content-Type": "application/json"})
    assert response.status_code == 201, response.text
    body = response.json()
    assert response.headers["Location"] == f"{emu.base_url}/v1.0/communications/calls/{body['id']}"
    assert body["@odata.context"] == f"{emu.base_url}/v1.0/$metadata#app/calls/$entity"
    assert body["state"] == "establishing" and body["direction"] == "outgoing"
    assert GUID.match(body["id"]) and GUID.match(body["myParticipantId"]) and GUID.match(body["callChainId"])
    assert body["callbackUri"] == "https://bot.contoso.com/callback"
    assert body["mediaConfig"]["@odata.type"] == "#microsoft.graph.serviceHostedMediaConfig"
    assert body["source"]["identity"]["application"]["id"]
    assert body["resultInfo"] is None
    assert emu.call(body["id"])["state"] == "establishing"


def test_documented_examples_show_what_they_were_sent_with(emu, graph):
    def send(name):
        with open(os.path.join(VECTORS, f"create_call_{name}.json"), "rb") as handle:
            response = graph.post("/v1.0/communications/calls", data=handle.read(), headers={"Content-Type": "application/json"})
        assert response.status_code == 201, response.text
        return response.json()

    group = send("example3_group_call")
    assert group["subject"] == "Create a group call with service hosted media"
    assert group["source"]["identity"]["application"] == {
        "@odata.type": "#microsoft.graph.identity",
        "displayName": "TestBot",
        "id": "dd3885da-f9ab-486b-bfae-85de3d445555",
    }
    targets = [t["identity"]["user"]["id"] for t in group["targets"]]
    assert targets == ["98da8a1a-1b87-452c-a713-65d3f10b5555", "bf5aae9a-d11d-47a8-93b1-782504c95555"]
    assert group["mediaConfig"]["removeFromDefaultAudioGroup"] is False
    p2p = send("example1_p2p_call")
    assert p2p["source"]["identity"]["application"]["id"] == emu.info["client_id"]  # filled in
    assert p2p["callOptions"]["isDeltaRosterEnabled"] is True and p2p["chatInfo"] is None
    assert p2p["tenantId"] == emu.info["tenant_id"]
    join = send("example5_join_organizer_meeting_info")
    assert join["targets"] == [] and join["tenantId"] == "86dc81db-c112-4228-9222-63f3esaa1edb"
    assert join["chatInfo"]["threadId"] == EXAMPLE_THREAD and join["chatInfo"]["replyChainMessageId"] is None
    assert join["meetingInfo"]["allowConversationWithoutHost"] is True
    assert len(join["mediaConfig"]["preFetchMedia"]) == 2  # parsed despite the documented trailing comma


def test_documented_joins_establish_when_the_meeting_is_known(manual, graph):
    emu = manual
    by_thread = emu.add_meeting(ORGANIZER, thread_id=EXAMPLE_THREAD)
    by_id = emu.add_meeting(ADA, join_meeting_id=EXAMPLE_JOIN_ID, passcode=EXAMPLE_PASSCODE)
    calls = {}
    for name in ("example5_join_organizer_meeting_info", "example7_join_meeting_id"):
        with open(os.path.join(VECTORS, f"create_call_{name}.json"), "rb") as handle:
            response = graph.post("/v1.0/communications/calls", data=handle.read(), headers={"Content-Type": "application/json"})
        assert response.status_code == 201, response.text
        calls[name] = response.json()
    # A joinMeetingId join answers with the meeting's chatInfo resolved (Microsoft Graph docs: Create call, the Example 7 response).
    assert calls["example7_join_meeting_id"]["chatInfo"]["threadId"] == by_id["chatInfo"]["threadId"]
    emu.clock(advance=2)
    for name, meeting in (("example5_join_organizer_meeting_info", by_thread), ("example7_join_meeting_id", by_id)):
        assert _state(graph, calls[name]["id"]) == "established"
        view = emu.call(calls[name]["id"])
        assert view["meeting_id"] == meeting["id"]
    assert emu.call(calls["example7_join_meeting_id"]["id"])["joined_by"] == "joinMeetingIdMeetingInfo"
    assert emu.meeting(by_id["id"])["calls"] == [calls["example7_join_meeting_id"]["id"]]


def test_response_is_what_get_shows(emu, graph):
    created = _create(graph, _call_body(BOB, CAT, subject="Incident 42"))
    got = graph.get(f"/v1.0/communications/calls/{created['id']}").json()
    assert got["@odata.context"] == f"{emu.base_url}/v1.0/$metadata#communications/calls/$entity"
    assert {k: v for k, v in created.items() if k != "@odata.context"} == {k: v for k, v in got.items() if k != "@odata.context"}
    assert created["subject"] == "Incident 42" and created["chatInfo"] is None
    view = emu.call(created["id"])
    assert view["origin"] == "graph" and view["participants"][0]["id"] == created["myParticipantId"]


def test_beta_location_and_context(emu, graph):
    created = _create(graph, _call_body(), version="beta")
    assert created["@odata.context"] == f"{emu.base_url}/beta/$metadata#app/calls/$entity"
    response = graph.post("/beta/communications/calls", json=_call_body())
    assert response.headers["Location"].startswith(f"{emu.base_url}/beta/communications/calls/")


def test_listing_calls_is_not_supported(graph):
    response = graph.get("/v1.0/communications/calls")
    assert response.status_code == 404 and response.json()["error"]["code"] == "UnknownError"


# --- validation -------------------------------------------------------------------------------------


def _without(key):
    def change(body):
        del body[key]

    return change


def _set(path, value):
    def change(body):
        target = body
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


@pytest.mark.parametrize(
    "change, words",
    [
        (_without("mediaConfig"), "'mediaConfig' is required"),
        (_set(["mediaConfig"], {"@odata.type": "#microsoft.graph.appHostedMediaConfig", "blob": "x"}), "Calls.AccessMedia.All"),
        (_set(["mediaConfig"], {"removeFromDefaultAudioGroup": False}), "mediaConfig.@odata.type"),
        (_set(["mediaConfig", "preFetchMedia"], "beep.wav"), "preFetchMedia"),
        (_set(["callbackUri"], "http://bot.contoso.com/callback"), "HTTPS"),
        (_set(["callbackUri"], "bot.contoso.com/callback"), "HTTPS"),
        (_set(["targets"], [_target(f"00000000-0000-0000-0000-00000000000{i}") for i in range(6)]), "at most 5"),
        (_set(["targets"], [{"identity": {"user": {"displayName": "no id"}}}]), "targets[0]"),
        (_set(["targets"], []), "Neither 'targets' nor 'meetingInfo'"),
        (_without("targets"), "Neither 'targets' nor 'meetingInfo'"),
        (_set(["colour"], "red"), "does not exist on type 'microsoft.graph.call'"),
        (_set(["@odata.type"], "#microsoft.graph.participant"), "@odata.type"),
        (_set(["direction"], "incoming"), "direction"),
        (_set(["requestedModalities"], ["smell"]), "requestedModalities"),
        (_set(["subject"], 42), "subject"),
        (_set(["source"], {"identity": {"application": {"displayName": "no id"}}}), "source.identity"),
        (_set(["chatInfo"], {"threadId": "19:x@thread.v2", "colour": "red"}), "microsoft.graph.chatInfo"),
        (_set(["meetingInfo"], {"joinMeetingId": "123"}), "meetingInfo.@odata.type"),
        (
            _set(["meetingInfo"], {"@odata.type": "#microsoft.graph.organizerMeetingInfo", "organizer": {"user": {"id": ORGANIZER}}}),
            "'chatInfo' with a 'threadId' is required",
        ),
        (_set(["meetingInfo"], {"@odata.type": "#microsoft.graph.organizerMeetingInfo"}), "meetingInfo.organizer"),
        (_set(["meetingInfo"], {"@odata.type": "#microsoft.graph.joinMeetingIdMeetingInfo", "passcode": "x"}), "joinMeetingId"),
        (_set(["meetingInfo"], {"@odata.type": "#microsoft.graph.joinMeetingIdMeetingInfo", "joinMeetingId": "1", "passcode": 7}), "passcode"),
        (_set(["meetingInfo"], {"@odata.type": "#microsoft.graph.tokenMeetingInfo"}), "meetingInfo.token"),
        (_set(["ringingTimeoutInSeconds"], -1), "ringingTimeoutInSeconds"),
    ],
)
def test_create_refusals(emu, graph, change, words):
    body = _call_body()
    change(body)
    error = _refused(graph, body)
    assert error["code"] == "BadRequest" and words in error["message"], error
    assert emu.admin("GET", "/calls")["value"] == []


def test_create_needs_json(emu, graph):
    response = graph.post("/v1.0/communications/calls", data=json.dumps(_call_body()), headers={"Content-Type": "text/plain"})
    assert response.status_code == 415
    for raw in (b"{", b"[1, 2]", b"\xff"):
        response = graph.post("/v1.0/communications/calls", data=raw, headers={"Content-Type": "application/json"})
        assert response.status_code == 400 and response.json()["error"]["code"] == "BadRequest"
    assert emu.admin("GET", "/calls")["value"] == []


def test_extra_keys_the_examples_carry_are_accepted(graph):
    body = _organizer_join(
        EXAMPLE_THREAD,
        ringingTimeoutInSeconds=30,
        tenantId="86dc81db-c112-4228-9222-63f3esaa1edb",
        direction="outgoing",
        callOptions={"hideBotAfterEscalation": True},
    )
    body["meetingInfo"]["allowConversationWithoutHost"] = True
    body["meetingInfo"]["organizer"]["user"]["tenantId"] = "86dc81db-c112-4228-9222-63f3esaa1edb"
    body["mediaConfig"]["removeFromDefaultAudioGroup"] = False
    created = _create(graph, body)
    assert created["ringingTimeoutInSeconds"] == 30 and created["callOptions"] == {"hideBotAfterEscalation": True}


# --- config callback_uri [14] -------------------------------------------------------------------------


def test_callback_uri_required_by_default(graph):
    error = _refused(graph, _call_body(callbackUri=None))
    assert error["message"] == "'callbackUri' is required."
    body = _call_body()
    del body["callbackUri"]
    assert _refused(graph, body)["message"] == "'callbackUri' is required."


def test_callback_uri_optional(emu, graph):
    emu.config(callback_uri="optional")
    body = _call_body()
    del body["callbackUri"]
    assert _create(graph, body)["callbackUri"] is None
    assert "HTTPS" in _refused(graph, _call_body(callbackUri="http://x"))["message"]  # still checked when present


# --- establishing -> established ---------------------------------------------------------------------------


def test_established_after_call_establish_after(manual, graph):
    emu = manual
    created = _create(graph, _call_body())
    emu.clock(advance=1.9)
    assert _state(graph, created["id"]) == "establishing"
    emu.clock(advance=0.1)  # default call_establish_after: 2 s
    assert _state(graph, created["id"]) == "established"
    emu.config(call_establish_after=10)
    later = _create(graph, _call_body())
    emu.clock(advance=9.5)
    assert _state(graph, later["id"]) == "establishing"
    emu.clock(advance=0.5)
    assert emu.call(later["id"])["state"] == "established"  # the admin view advances too


def test_establish_after_zero_still_answers_establishing(manual, graph):
    emu = manual
    emu.config(call_establish_after=0)
    created = _create(graph, _call_body())
    assert created["state"] == "establishing"
    assert _state(graph, created["id"]) == "established"


@pytest.mark.parametrize(
    "key, value",
    [
        ("call_establish_after", -1),
        ("call_establish_after", "2"),
        ("keep_alive_timeout", 0),
        ("keep_alive_timeout", True),
        ("ended_calls", "410"),
        ("cancel_invite_by", "anything"),
        ("join_twice", None),
        ("remove_participant_permission", "no"),
    ],
)
def test_bad_config_values(emu, key, value):
    with pytest.raises(AdminError) as excinfo:
        emu.config(**{key: value})
    assert excinfo.value.status == 400 and f"'{key}'" in excinfo.value.body["error"]["message"]


def test_status_switches_take_integers_too(emu):
    config = emu.config(ended_calls=404, delete_ended_call=204, delete_missing_participant=204)
    assert (config["ended_calls"], config["delete_ended_call"], config["delete_missing_participant"]) == ("404", "204", "204")


def test_targets_ring_once_the_call_is_established(manual, graph):
    emu = manual
    emu.config(invite_outcomes={BOB: {"result": "answer", "after": 3}, CAT: {"result": "decline", "after": 1}})
    created = _create(graph, _call_body(ADA, BOB, CAT))
    emu.clock(advance=1.5)
    assert _roster_users(emu, created["id"]) == [None]  # establishing: nobody rings yet
    emu.clock(advance=0.5)  # established at 2 s: ADA answers at once
    assert _roster_users(emu, created["id"]) == [None, ADA]
    emu.clock(advance=3)
    assert _roster_users(emu, created["id"]) == [None, ADA, BOB]  # CAT declined at 3 s
    roster = graph.get(f"/v1.0/communications/calls/{created['id']}/participants").json()["value"]
    assert [entry["info"]["identity"].get("user", {}).get("id") for entry in roster] == [None, ADA, BOB]
    assert emu.call(created["id"])["operations"] == []  # targets are no invite operation


def test_ringing_targets_are_in_the_lobby_under_ringing_in_roster(manual, graph):
    emu = manual
    emu.config(ringing_in_roster=True, invite_outcome={"result": "answer", "after": 5})
    created = _create(graph, _call_body(ADA, BOB))
    emu.clock(advance=2)
    lobby = [entry["isInLobby"] for entry in emu.call(created["id"])["participants"][1:]]
    assert lobby == [True, True]
    emu.clock(advance=5)
    assert [entry["isInLobby"] for entry in emu.call(created["id"])["participants"][1:]] == [False, False]


def test_p2p_call_refuses_roster_reads(manual, graph):
    emu = manual
    created = _create(graph, _call_body(BOB))
    emu.clock(advance=2)
    response = graph.get(f"/v1.0/communications/calls/{created['id']}/participants")
    assert response.status_code == 400 and "peer-to-peer" in response.json()["error"]["message"]


def test_invite_into_a_created_call_once_established(manual, graph):
    emu = manual
    created = _create(graph, _call_body(ADA, BOB))
    url = f"/v1.0/communications/calls/{created['id']}/participants/invite"
    invite = {"participants": [_target(CAT)]}
    assert graph.post(url, json=invite).status_code == 400  # still establishing
    emu.clock(advance=2)
    assert graph.post(url, json=invite).status_code == 200
    assert CAT in _roster_users(emu, created["id"])


# --- meetings a join names: unknown_meeting, organizer, passcode, tenant --------------------------------------


def test_unknown_meeting_terminates_with_2203(manual, graph):
    emu = manual
    created = _create(graph, _organizer_join("19:meeting_nobodyknows@thread.v2"))
    assert created["state"] == "establishing"
    emu.clock(advance=1.9)
    assert _state(graph, created["id"]) == "establishing"
    emu.clock(advance=0.1)
    _assert_ended_404(graph.get(f"/v1.0/communications/calls/{created['id']}"))
    view = emu.call(created["id"])
    assert view["state"] == "terminated" and _info(emu, created["id"]) == UNKNOWN_MEETING
    assert view["end_reason"] == "unknown_meeting" and view["ended_at"] == view["created_at"] + 2
    assert emu.meetings() == []


def test_unknown_meeting_join_invents_the_meeting(manual, graph):
    emu = manual
    emu.config(unknown_meeting="join")
    by_thread = _create(graph, _organizer_join("19:meeting_nobodyknows@thread.v2"))
    by_id = _create(graph, _id_join("9876543210123", "Secret1"))
    by_token = _create(
        graph, {"callbackUri": CALLBACK, "mediaConfig": SERVICE_HOSTED, "meetingInfo": {"@odata.type": "#microsoft.graph.tokenMeetingInfo", "token": "opaque"}}
    )
    emu.clock(advance=2)
    assert [_state(graph, call["id"]) for call in (by_thread, by_id, by_token)] == ["established"] * 3
    meetings = {meeting["id"]: meeting for meeting in emu.meetings()}
    assert len(meetings) == 3 and {meeting["origin"] for meeting in meetings.values()} == {"join"}
    invented = meetings[emu.call(by_id["id"])["meeting_id"]]
    assert invented["joinMeetingIdSettings"]["joinMeetingId"] == "9876543210123"
    assert invented["joinMeetingIdSettings"]["passcode"] == "Secret1"
    assert meetings[emu.call(by_thread["id"])["meeting_id"]]["chatInfo"]["threadId"] == "19:meeting_nobodyknows@thread.v2"


def test_organizer_must_match(manual, graph):
    emu = manual
    meeting = emu.add_meeting(ORGANIZER)
    wrong = _create(graph, _organizer_join(meeting["chatInfo"]["threadId"], organizer=ADA))
    right = _create(graph, _organizer_join(meeting["chatInfo"]["threadId"], organizer=ORGANIZER.upper()))
    emu.clock(advance=2)
    assert _info(emu, wrong["id"]) == UNKNOWN_MEETING
    assert _state(graph, right["id"]) == "established"


def test_join_meeting_id_and_passcode(manual, graph):
    emu = manual
    meeting = emu.add_meeting(ORGANIZER)
    settings = meeting["joinMeetingIdSettings"]
    assert settings["isPasscodeRequired"] is True
    calls = {
        "right": _create(graph, _id_join(settings["joinMeetingId"], settings["passcode"])),
        "spaced": _create(graph, _id_join(" ".join(re.findall(r"\d{1,3}", settings["joinMeetingId"])), settings["passcode"])),
        "wrong": _create(graph, _id_join(settings["joinMeetingId"], "nope")),
        "missing": _create(graph, _id_join(settings["joinMeetingId"])),
    }
    assert calls["right"]["chatInfo"]["threadId"] == meeting["chatInfo"]["threadId"]
    assert calls["wrong"]["chatInfo"] is None  # not resolved: the join will fail
    emu.clock(advance=2)
    assert _state(graph, calls["right"]["id"]) == _state(graph, calls["spaced"]["id"]) == "established"
    assert _info(emu, calls["wrong"]["id"]) == _info(emu, calls["missing"]["id"]) == UNKNOWN_MEETING


def test_meeting_without_passcode(manual, graph):
    emu = manual
    meeting = emu.add_meeting(ORGANIZER, passcode=None)
    assert meeting["joinMeetingIdSettings"] == {
        "isPasscodeRequired": False,
        "joinMeetingId": meeting["joinMeetingIdSettings"]["joinMeetingId"],
        "passcode": None,
    }
    assert meeting["short_url"] == f"https://teams.microsoft.com/meet/{meeting['joinMeetingIdSettings']['joinMeetingId']}"
    created = _create(graph, _id_join(meeting["joinMeetingIdSettings"]["joinMeetingId"]))
    emu.clock(advance=2)
    assert _state(graph, created["id"]) == "established"


def test_short_url_passcode_rejected(manual, graph):
    emu = manual
    emu.config(short_url_passcode="rejected")
    meeting = emu.add_meeting(ORGANIZER)
    open_meeting = emu.add_meeting(ADA, passcode=None)
    settings = meeting["joinMeetingIdSettings"]
    with_passcode = _create(graph, _id_join(settings["joinMeetingId"], settings["passcode"]))
    without = _create(graph, _id_join(open_meeting["joinMeetingIdSettings"]["joinMeetingId"]))
    emu.clock(advance=2)
    assert _info(emu, with_passcode["id"]) == (403, 2206, "Forbidden. The meeting passcode was not accepted. DiagCode: 403#2206")
    assert emu.call(with_passcode["id"])["end_reason"] == "passcode_rejected"
    assert _state(graph, without["id"]) == "established"


def test_join_meeting_id_tenant(manual, graph):
    emu = manual
    meeting = emu.add_meeting(ORGANIZER)
    body = _id_join(meeting["joinMeetingIdSettings"]["joinMeetingId"], meeting["joinMeetingIdSettings"]["passcode"])
    del body["tenantId"]
    _create(graph, body)  # optional (default)
    emu.config(join_meeting_id_tenant="required")
    assert "'tenantId' is required" in _refused(graph, body)["message"]
    _create(graph, {**body, "tenantId": emu.info["tenant_id"]})
    _create(graph, _call_body())  # other calls need no tenantId


def test_meeting_people_are_in_the_roster_of_a_join(manual, graph):
    emu = manual
    meeting = emu.add_meeting(ORGANIZER, participants=[{"user": {"id": ORGANIZER, "displayName": "Olga"}}, {"user": {"id": ADA}}])
    created = _create(graph, _organizer_join(meeting["chatInfo"]["threadId"]))
    assert _roster_users(emu, created["id"]) == [None]
    emu.clock(advance=2)
    roster = graph.get(f"/v1.0/communications/calls/{created['id']}/participants").json()["value"]
    assert [entry["info"]["identity"].get("user", {}).get("id") for entry in roster] == [None, ORGANIZER, ADA]


# --- config callback_delivery [13] --------------------------------------------------------------------------


def test_callback_delivery_ignored_by_default(manual, graph):
    emu = manual
    created = _create(graph, _call_body())
    emu.clock(advance=2)
    assert _state(graph, created["id"]) == "established"


def test_callback_delivery_terminate_call(manual, graph):
    emu = manual
    emu.config(callback_delivery="terminate_call")
    created = _create(graph, _call_body())
    emu.clock(advance=2)
    _assert_ended_404(graph.get(f"/v1.0/communications/calls/{created['id']}"))
    code, subcode, message = _info(emu, created["id"])
    assert (code, subcode) == (500, 8510) and "callbackUri" in message
    emu.config(callback_uri="optional")
    body = _call_body()
    del body["callbackUri"]
    silent = _create(graph, body)  # nothing to deliver to: it establishes
    emu.clock(advance=2)
    assert _state(graph, silent["id"]) == "established"


# --- config join_twice [18] ------------------------------------------------------------------------------------


def test_join_twice_second_call(manual, graph):
    emu = manual
    meeting = emu.add_meeting(ORGANIZER)
    first = _create(graph, _organizer_join(meeting["chatInfo"]["threadId"]))
    second = _create(graph, _organizer_join(meeting["chatInfo"]["threadId"]))
    emu.clock(advance=2)
    assert _state(graph, first["id"]) == _state(graph, second["id"]) == "established"


def test_join_twice_replace(manual, graph):
    emu = manual
    emu.config(join_twice="replace")
    meeting = emu.add_meeting(ORGANIZER)
    first = _create(graph, _organizer_join(meeting["chatInfo"]["threadId"]))
    emu.clock(advance=2)
    second = _create(graph, _id_join(meeting["joinMeetingIdSettings"]["joinMeetingId"], meeting["joinMeetingIdSettings"]["passcode"]))
    _assert_ended_404(graph.get(f"/v1.0/communications/calls/{first['id']}"))
    code, subcode, _message = _info(emu, first["id"])
    assert (code, subcode) == (200, 5000) and emu.call(first["id"])["end_reason"] == "replaced"
    emu.clock(advance=2)
    assert _state(graph, second["id"]) == "established"


def test_join_twice_error(manual, graph):
    emu = manual
    emu.config(join_twice="error")
    meeting = emu.add_meeting(ORGANIZER)
    first = _create(graph, _organizer_join(meeting["chatInfo"]["threadId"]))
    error = _refused(graph, _organizer_join(meeting["chatInfo"]["threadId"]), 409)
    assert error["code"] == "Conflict" and first["id"] in error["message"]
    assert [call["id"] for call in emu.admin("GET", "/calls")["value"]] == [first["id"]]
    # Another source identity is another participant: allowed.
    other = {"identity": {"applicationInstance": {"id": "a1b2c3d4-0000-4000-8000-000000000001", "displayName": "Bot 2"}}}
    _create(graph, _organizer_join(meeting["chatInfo"]["threadId"], source=other))
    # Once the first call has ended, joining again is no second join.
    assert graph.delete(f"/v1.0/communications/calls/{first['id']}").status_code == 204
    _create(graph, _organizer_join(meeting["chatInfo"]["threadId"]))


# --- keepAlive and the 45-minute rule [15] ----------------------------------------------------------------------


def test_keep_alive_answers_200_with_no_body(manual, graph):
    emu = manual
    created = _create(graph, _call_body())
    response = graph.post(f"/v1.0/communications/calls/{created['id']}/keepAlive")
    assert response.status_code == 200 and response.content == b"" and response.headers["Content-Length"] == "0"
    assert graph.post(f"/beta/communications/calls/{created['id']}/keepalive").status_code == 200
    view = emu.call(created["id"])
    assert view["keep_alive_count"] == 2 and view["last_keep_alive"] == view["created_at"]
    response = graph.post("/v1.0/communications/calls/nope/keepAlive")
    assert response.status_code == 404 and response.json()["error"]["code"] == "itemNotFound"


def test_keep_alive_timeout_ends_the_call(manual, graph):
    emu = manual
    created = _create(graph, _call_body())
    url = f"/v1.0/communications/calls/{created['id']}"
    emu.clock(advance=2000)
    assert graph.post(url + "/keepAlive").status_code == 200
    emu.clock(advance=2699.5)
    graph.headers["Authorization"] = f"Bearer {emu.token()}"  # the first token expired at 3599 s
    assert _state(graph, created["id"]) == "established"  # 2699.5 s after the keepAlive
    emu.clock(advance=0.5)
    _assert_ended_404(graph.get(url))
    view = emu.call(created["id"])
    assert _info(emu, created["id"]) == KEEP_ALIVE and view["end_reason"] == "keep_alive_timeout"
    assert view["ended_at"] == view["created_at"] + 2000 + 2700
    _assert_ended_404(graph.post(url + "/keepAlive"))  # too late


def test_seeded_calls_end_too_at_the_moment_due(manual, graph):
    emu = manual
    call = emu.create_call()
    emu.clock(advance=3000)  # evaluated when the clock moves, dated when due
    view = emu.call(call["id"])
    assert view["state"] == "terminated" and view["ended_at"] == view["created_at"] + 2700
    assert _info(emu, call["id"]) == KEEP_ALIVE
    _assert_ended_404(graph.get(f"/v1.0/communications/calls/{call['id']}/participants"))


def test_keep_alive_timeout_is_configurable(manual, graph):
    emu = manual
    emu.config(keep_alive_timeout=60)
    call = emu.create_call()
    emu.clock(advance=59)
    assert graph.post(f"/v1.0/communications/calls/{call['id']}/keepAlive").status_code == 200
    emu.clock(advance=59)
    assert _state(graph, call["id"]) == "established"
    emu.clock(advance=1)
    assert _state(graph, call["id"]) == 404


def test_ending_fails_pending_invites(manual, graph):
    emu = manual
    emu.config(invite_outcome={"result": "no_answer", "after": 100000}, ringing_in_roster=True)
    call = emu.create_call()
    response = graph.post(f"/v1.0/communications/calls/{call['id']}/participants/invite", json={"participants": [_target(BOB)]})
    assert response.status_code == 200
    emu.clock(advance=2700)
    view = emu.call(call["id"])
    (operation,) = view["operations"]
    assert operation["status"] == "Failed" and (operation["resultInfo"]["code"], operation["resultInfo"]["subcode"]) == (487, 10012)
    assert "the call ended before the participant answered" in operation["resultInfo"]["message"]
    assert view["participants"] == []  # lobby entry gone, the bot's leg ended


# --- hang up and ended calls [26] ----------------------------------------------------------------------------------


def test_hang_up(manual, graph):
    emu = manual
    created = _create(graph, _call_body(ADA, BOB))
    emu.clock(advance=2)
    url = f"/v1.0/communications/calls/{created['id']}"
    response = graph.delete(url)
    assert response.status_code == 204 and response.content == b""
    _assert_ended_404(graph.get(url))
    _assert_ended_404(graph.get(url + "/participants"))
    _assert_ended_404(graph.post(url + "/keepAlive"))
    _assert_ended_404(graph.post(url + "/participants/invite", json={"participants": [_target(CAT)]}))
    _assert_ended_404(graph.delete(url))  # delete_ended_call: 404 (default)
    view = emu.call(created["id"])
    assert view["state"] == "terminated" and _info(emu, created["id"]) == HANG_UP and view["end_reason"] == "hang_up"
    assert created["id"] in [call["id"] for call in emu.admin("GET", "/calls")["value"]]


def test_hang_up_while_establishing_and_seeded_calls(manual, graph):
    emu = manual
    created = _create(graph, _call_body())
    assert graph.delete(f"/v1.0/communications/calls/{created['id']}").status_code == 204
    emu.clock(advance=2)
    assert emu.call(created["id"])["state"] == "terminated"  # never established
    seeded = emu.create_call([{"user": {"id": ADA}}])
    assert graph.delete(f"/v1.0/communications/calls/{seeded['id']}").status_code == 204
    assert _info(emu, seeded["id"]) == HANG_UP
    assert graph.delete("/v1.0/communications/calls/nope").status_code == 404


def test_ended_calls_visible(manual, graph):
    emu = manual
    emu.config(ended_calls="visible")
    call = emu.create_call([{"user": {"id": ADA}}])
    url = f"/v1.0/communications/calls/{call['id']}"
    assert graph.delete(url).status_code == 204
    body = graph.get(url).json()
    assert body["state"] == "terminated"
    assert body["resultInfo"] == {"@odata.type": "#microsoft.graph.resultInfo", "code": 200, "subcode": 7000, "message": "The conversation has ended by bot."}
    assert graph.get(url + "/participants").status_code == 200
    _assert_ended_404(graph.post(url + "/keepAlive"))
    response = graph.post(url + "/participants/invite", json={"participants": [_target(BOB)]})
    assert response.status_code == 400 and "terminated" in response.json()["error"]["message"]
    _assert_ended_404(graph.delete(url + "/participants/" + call["participants"][1]["id"]))


def test_delete_ended_call_204(manual, graph):
    emu = manual
    emu.config(delete_ended_call="204")
    call = emu.create_call()
    url = f"/v1.0/communications/calls/{call['id']}"
    assert graph.delete(url).status_code == 204
    before = emu.call(call["id"])
    emu.clock(advance=5)
    assert graph.delete(url).status_code == 204
    assert emu.call(call["id"]) == before  # changed nothing (not even ended_at)
    _assert_ended_404(graph.get(url))


def test_admin_terminated_calls_stay_readable(emu, graph):
    call = emu.create_call()
    emu.set_call_state(call["id"], "terminated")  # not ended in the lifecycle: readable as before
    url = f"/v1.0/communications/calls/{call['id']}"
    assert graph.get(url).json()["state"] == "terminated"
    _assert_ended_404(graph.post(url + "/keepAlive"))
    _assert_ended_404(graph.delete(url))
    emu.config(delete_ended_call="204")
    assert graph.delete(url).status_code == 204


def test_ended_calls_cannot_be_patched(emu, graph):
    call = emu.create_call()
    assert graph.delete(f"/v1.0/communications/calls/{call['id']}").status_code == 204
    with pytest.raises(AdminError) as excinfo:
        emu.set_call_state(call["id"], "established")
    assert excinfo.value.status == 409


def test_patch_replaces_a_pending_establishment(manual, graph):
    emu = manual
    created = _create(graph, _organizer_join("19:meeting_unknown@thread.v2"))
    emu.set_call_state(created["id"], "established")
    emu.clock(advance=5)
    assert _state(graph, created["id"]) == "established"  # the pending 2203 failure was dropped


# --- config group_call_on_hangup [27] ------------------------------------------------------------------------------


@pytest.mark.parametrize("mode, left", [("continues", [ADA, BOB]), ("ends", [])])
def test_group_call_on_hangup(manual, graph, mode, left):
    emu = manual
    emu.config(group_call_on_hangup=mode)
    created = _create(graph, _call_body(ADA, BOB))
    emu.clock(advance=2)
    assert graph.delete(f"/v1.0/communications/calls/{created['id']}").status_code == 204
    assert _roster_users(emu, created["id"]) == left


def test_a_joined_meeting_continues_whatever_group_call_on_hangup(manual, graph):
    emu = manual
    emu.config(group_call_on_hangup="ends")
    meeting = emu.add_meeting(ORGANIZER, participants=[{"user": {"id": ADA}}])
    created = _create(graph, _organizer_join(meeting["chatInfo"]["threadId"]))
    emu.clock(advance=2)
    assert graph.delete(f"/v1.0/communications/calls/{created['id']}").status_code == 204
    assert _roster_users(emu, created["id"]) == [ADA]


# --- DELETE .../participants/{id} [21] ------------------------------------------------------------------------------


def test_remove_participant(emu, graph):
    call = emu.create_call([{"user": {"id": ADA}}, {"user": {"id": BOB}}])
    ada = call["participants"][1]["id"]
    url = f"/v1.0/communications/calls/{call['id']}/participants/"
    response = graph.delete(url + ada)
    assert response.status_code == 204 and response.content == b""
    assert _roster_users(emu, call["id"]) == [None, BOB]
    assert graph.get(url + ada).status_code == 404
    error = graph.delete(url + call["myParticipantId"])
    assert error.status_code == 400 and "hang up" in error.json()["error"]["message"]
    missing = graph.delete(url + ada)  # delete_missing_participant: 404 (default)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "itemNotFound"
    assert graph.delete(url + "invite").status_code == 405  # the invite action, not a participant
    p2p = emu.create_call(group=False)
    response = graph.delete(f"/v1.0/communications/calls/{p2p['id']}/participants/x")
    assert response.status_code == 400 and "peer-to-peer" in response.json()["error"]["message"]


def test_delete_missing_participant_204(emu, graph):
    emu.config(delete_missing_participant="204")
    call = emu.create_call([{"user": {"id": ADA}}])
    assert graph.delete(f"/v1.0/communications/calls/{call['id']}/participants/never-was").status_code == 204
    assert _roster_users(emu, call["id"]) == [None, ADA]


def test_remove_participant_permission(emu, graph):
    emu.config(remove_participant_permission=False)
    call = emu.create_call([{"user": {"id": ADA}}])
    response = graph.delete(f"/v1.0/communications/calls/{call['id']}/participants/{call['participants'][1]['id']}")
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "Forbidden"
    assert "Set-CsApplicationMeetingConfiguration -AllowRemoveParticipantAppIds" in error["message"]
    assert emu.info["client_id"] in error["message"]
    assert _roster_users(emu, call["id"]) == [None, ADA]


# --- cancelling a ringing invite: config cancel_invite_by [22] -------------------------------------------------------


def _ringing_invite(emu, graph, ringing_in_roster):
    emu.config(invite_outcome={"result": "answer", "after": 10}, ringing_in_roster=ringing_in_roster)
    call = emu.create_call()
    response = graph.post(f"/v1.0/communications/calls/{call['id']}/participants/invite", json={"participants": [_target(BOB)]})
    assert response.status_code == 200
    lobby = [entry["id"] for entry in emu.call(call["id"])["participants"][1:]]
    return call, response.json()["id"], lobby


def _operation(emu, call_id):
    (operation,) = emu.call(call_id)["operations"]
    return operation


def test_cancel_by_roster_entry(manual, graph):
    emu = manual
    call, operation_id, (entry,) = _ringing_invite(emu, graph, True)
    url = f"/v1.0/communications/calls/{call['id']}/participants/"
    assert graph.delete(url + operation_id).status_code == 404  # an operation id cancels nothing
    assert graph.delete(url + entry).status_code == 204
    operation = _operation(emu, call["id"])
    assert operation["status"] == "Failed" and operation["resultInfo"]["code"] == 487
    emu.clock(advance=10)
    assert BOB not in _roster_users(emu, call["id"])


def test_cancel_by_roster_entry_needs_one(manual, graph):
    emu = manual
    call, operation_id, lobby = _ringing_invite(emu, graph, False)
    assert lobby == []
    assert graph.delete(f"/v1.0/communications/calls/{call['id']}/participants/{operation_id}").status_code == 404
    emu.clock(advance=10)
    assert _operation(emu, call["id"])["status"] == "Completed" and BOB in _roster_users(emu, call["id"])


def test_cancel_by_operation_id(manual, graph):
    emu = manual
    emu.config(cancel_invite_by="operation_id")
    call, operation_id, lobby = _ringing_invite(emu, graph, False)
    assert lobby == []
    assert graph.delete(f"/v1.0/communications/calls/{call['id']}/participants/{operation_id}").status_code == 204
    operation = _operation(emu, call["id"])
    assert operation["status"] == "Failed" and (operation["resultInfo"]["code"], operation["resultInfo"]["subcode"]) == (487, 10011)
    emu.clock(advance=10)
    assert BOB not in _roster_users(emu, call["id"])
    # Nothing left to cancel: the operation id is nobody any more.
    assert graph.delete(f"/v1.0/communications/calls/{call['id']}/participants/{operation_id}").status_code == 404


def test_cancel_by_operation_id_also_takes_the_lobby_entry(manual, graph):
    emu = manual
    emu.config(cancel_invite_by="operation_id")
    call, _operation_id, (entry,) = _ringing_invite(emu, graph, True)
    assert graph.delete(f"/v1.0/communications/calls/{call['id']}/participants/{entry}").status_code == 204
    assert _operation(emu, call["id"])["status"] == "Failed"


def test_cancel_by_none(manual, graph):
    emu = manual
    emu.config(cancel_invite_by="none")
    call, operation_id, (entry,) = _ringing_invite(emu, graph, True)
    url = f"/v1.0/communications/calls/{call['id']}/participants/"
    assert graph.delete(url + entry).status_code == 204  # answered, but the invite keeps ringing
    assert graph.delete(url + operation_id).status_code == 404
    assert _operation(emu, call["id"])["status"] == "Running" and entry in [e["id"] for e in emu.call(call["id"])["participants"]]
    emu.clock(advance=10)
    assert _operation(emu, call["id"])["status"] == "Completed" and BOB in _roster_users(emu, call["id"])


def test_removing_an_answered_participant_under_none(manual, graph):
    emu = manual
    emu.config(cancel_invite_by="none")
    call = emu.create_call([{"user": {"id": ADA}}])
    assert graph.delete(f"/v1.0/communications/calls/{call['id']}/participants/{call['participants'][1]['id']}").status_code == 204
    assert _roster_users(emu, call["id"]) == [None]


# --- the admin view -----------------------------------------------------------------------------------------------


def test_admin_view_shows_the_lifecycle(manual, graph):
    emu = manual
    clock = emu.clock()
    call = emu.create_call()
    view = emu.call(call["id"])
    assert view["origin"] == "admin" and view["created_at"] == clock["now"] == view["last_keep_alive"]
    assert view["keep_alive_count"] == 0 and view["keep_alive_deadline"] == clock["now"] + 2700
    assert view["ended_at"] is None and view["result_info"] is None and view["end_reason"] is None
    assert view["meeting_id"] is None and view["joined_by"] is None and view["establish_at"] is None
    created = _create(graph, _call_body())
    assert emu.call(created["id"])["establish_at"] == clock["now"] + 2
    emu.clock(advance=100)
    assert graph.post(f"/v1.0/communications/calls/{call['id']}/keepAlive").status_code == 200
    view = emu.call(call["id"])
    assert view["keep_alive_count"] == 1 and view["last_keep_alive"] == clock["now"] + 100
    assert view["keep_alive_deadline"] == clock["now"] + 2800


def test_reset_forgets_created_calls(emu, graph):
    created = _create(graph, _call_body())
    emu.reset()
    assert emu.admin("GET", "/calls")["value"] == []
    assert graph.get(f"/v1.0/communications/calls/{created['id']}").status_code == 404


def test_body_is_not_modified_by_the_emulator(graph):
    body = _call_body(ADA, BOB)
    sent = copy.deepcopy(body)
    created = _create(graph, body)
    assert created["targets"] == sent["targets"] and created["mediaConfig"] == sent["mediaConfig"]

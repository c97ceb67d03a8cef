"""The meeting lobby (who waits, admission), the unanswered invite that ends on its own, the invite answer's forms.

Time is the emulator's manual clock, moved by hand: every state below is predicted from the config alone.
"""
# pylint: disable=missing-function-docstring,redefined-outer-name  # pytest injects fixtures by parameter name

import pytest

from emulator.client import AdminError

ORGANIZER = "0d5f6c2e-1b8a-4e3f-9c7d-2a4b6c8d0e1f"
BOB = "7e1b4346-85a6-4bdd-abe3-d11c5d420efe"
PHONE = "+12345678901"
MEDIA = {"@odata.type": "#microsoft.graph.serviceHostedMediaConfig"}
LOBBY_ON = {"scope": "organization", "isDialInBypassEnabled": False}


@pytest.fixture
def manual(emu):
    emu.add_user(id=ORGANIZER, userPrincipalName="ic@contoso.com", displayName="IC")
    emu.clock(mode="manual")
    return emu


def _join(graph, meeting):
    body = {
        "callbackUri": "https://bot.contoso.com/callback",
        "mediaConfig": MEDIA,
        "chatInfo": meeting["chatInfo"],
        "meetingInfo": {"@odata.type": "#microsoft.graph.organizerMeetingInfo", "organizer": meeting["participants"]["organizer"]["identity"]},
    }
    response = graph.post("/v1.0/communications/calls", json=body)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def _bot(graph, call_id):
    call = graph.get(f"/v1.0/communications/calls/{call_id}").json()
    roster = graph.get(f"/v1.0/communications/calls/{call_id}/participants").json()["value"]
    mine = [entry for entry in roster if entry["id"] == call["myParticipantId"]]
    return call["state"], mine[0]["isInLobby"], len(roster)


def _invite(graph, call_id, identity, status=None):
    body = {"participants": [{"identity": identity}], "clientContext": "ctx"}
    response = graph.post(f"/v1.0/communications/calls/{call_id}/participants/invite", json=body)
    assert response.status_code == (status or 200), response.text
    return response


# --- meetings: settings as created, seeded, updated ----------------------------------------------------------------


def test_create_or_get_gives_the_configured_tenant_default_and_patch_changes_it(manual, graph):
    path = f"/v1.0/users/{ORGANIZER}/onlineMeetings"
    created = graph.post(path + "/createOrGet", json={"externalId": "inc-1"}).json()
    assert created["lobbyBypassSettings"] == LOBBY_ON
    manual.config(meeting_lobby={"scope": "invited", "isDialInBypassEnabled": True})
    other = graph.post(path + "/createOrGet", json={"externalId": "inc-2"}).json()
    assert other["lobbyBypassSettings"] == {"scope": "invited", "isDialInBypassEnabled": True}
    wanted = {"scope": "everyone", "isDialInBypassEnabled": True}
    patched = graph.patch(f"{path}/{created['id']}", json={"lobbyBypassSettings": wanted})
    assert patched.status_code == 200, patched.text
    assert patched.json()["lobbyBypassSettings"] == wanted
    assert graph.get(f"{path}/{created['id']}").json()["lobbyBypassSettings"] == wanted
    assert graph.post(path + "/createOrGet", json={"externalId": "inc-1"}).json()["lobbyBypassSettings"] == wanted


@pytest.mark.parametrize(
    "body,status",
    [
        ({"lobbyBypassSettings": {"scope": "anyone", "isDialInBypassEnabled": True}}, 400),
        ({"lobbyBypassSettings": {"scope": "everyone"}}, 400),
        ({"isBroadcast": True}, 400),
        ({}, 400),
    ],
)
def test_patch_refuses_what_it_cannot_apply(manual, graph, body, status):
    created = graph.post(f"/v1.0/users/{ORGANIZER}/onlineMeetings/createOrGet", json={"externalId": "inc-1"}).json()
    assert graph.patch(f"/v1.0/users/{ORGANIZER}/onlineMeetings/{created['id']}", json=body).status_code == status


def test_patch_of_a_meeting_of_another_organizer_is_404(manual, graph):
    manual.add_user(id=BOB, userPrincipalName="bob@contoso.com", displayName="Bob")
    created = graph.post(f"/v1.0/users/{ORGANIZER}/onlineMeetings/createOrGet", json={"externalId": "inc-1"}).json()
    response = graph.patch(f"/v1.0/users/{BOB}/onlineMeetings/{created['id']}", json={"subject": "x"})
    assert response.status_code == 404


def test_seeded_meetings_are_open_unless_told(manual):
    assert manual.add_meeting(ORGANIZER)["lobbyBypassSettings"] == {"scope": "everyone", "isDialInBypassEnabled": True}
    assert manual.add_meeting(ORGANIZER, lobby_bypass_settings=LOBBY_ON)["lobbyBypassSettings"] == LOBBY_ON
    with pytest.raises(AdminError) as excinfo:
        manual.add_meeting(ORGANIZER, lobby_bypass_settings={"scope": "nobody", "isDialInBypassEnabled": True})
    assert excinfo.value.status == 400


# --- the bot in the lobby ------------------------------------------------------------------------------------------


def test_an_open_meeting_lets_the_bot_in(manual, graph):
    call_id = _join(graph, manual.add_meeting(ORGANIZER, participants=[{"user": {"id": BOB}}]))
    manual.clock(advance=2)
    assert _bot(graph, call_id) == ("established", False, 2)


@pytest.mark.parametrize("mode,state", [("establishing", "establishing"), ("established", "established")])
def test_the_lobby_holds_the_bot_flagged_until_admitted(manual, graph, mode, state):
    manual.config(bot_lobby=mode)
    call_id = _join(graph, manual.add_meeting(ORGANIZER, lobby_bypass_settings=LOBBY_ON, participants=[{"user": {"id": BOB}}]))
    manual.clock(advance=600)
    assert _bot(graph, call_id) == (state, True, 1), "held: the meeting's people are not visible to the bot"
    assert manual.call(call_id)["bot_in_lobby"] is True
    admitted = manual.admit(call_id, manual.info["client_id"])
    assert [entry["isInLobby"] for entry in admitted["admitted"]] == [False]
    assert _bot(graph, call_id) == ("established", False, 2)


def test_a_bot_in_the_lobby_cannot_invite(manual, graph):
    manual.config(bot_lobby="established")
    call_id = _join(graph, manual.add_meeting(ORGANIZER, lobby_bypass_settings=LOBBY_ON))
    manual.clock(advance=2)
    response = _invite(graph, call_id, {"user": {"id": BOB}}, status=403)
    assert "lobby" in response.json()["error"]["message"]


def test_terminate_ends_the_held_join_after_the_timeout_without_a_flag(manual, graph):
    manual.config(bot_lobby="terminate", bot_lobby_timeout=30)
    call_id = _join(graph, manual.add_meeting(ORGANIZER, lobby_bypass_settings=LOBBY_ON))
    manual.clock(advance=2 + 29)
    assert _bot(graph, call_id) == ("establishing", False, 1)
    manual.clock(advance=1)
    view = manual.call(call_id)
    assert view["state"] == "terminated"
    assert (view["result_info"]["code"], view["result_info"]["subcode"]) == (200, 5855)
    with pytest.raises(AdminError) as excinfo:
        manual.admit(call_id)
    assert excinfo.value.status == 409


def test_admitting_nobody_waiting_is_404(manual, graph):
    call_id = _join(graph, manual.add_meeting(ORGANIZER))
    manual.clock(advance=2)
    with pytest.raises(AdminError) as excinfo:
        manual.admit(call_id, BOB)
    assert excinfo.value.status == 404


# --- phones in the lobby -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("dial_in_bypass,in_lobby", [(False, True), (True, False)])
def test_an_answering_phone_waits_unless_dial_in_bypasses(manual, graph, dial_in_bypass, in_lobby):
    settings = {"scope": "everyone", "isDialInBypassEnabled": dial_in_bypass}
    call_id = _join(graph, manual.add_meeting(ORGANIZER, lobby_bypass_settings=settings))
    manual.clock(advance=2)
    operation = _invite(graph, call_id, {"phone": {"id": PHONE}}).json()
    roster = graph.get(f"/v1.0/communications/calls/{call_id}/participants").json()["value"]
    phones = [entry for entry in roster if "phone" in entry["info"]["identity"]]
    assert [entry["isInLobby"] for entry in phones] == [in_lobby]
    status = graph.get(f"/v1.0/communications/calls/{call_id}/operations/{operation['id']}").json()["status"]
    assert status == "Completed"


def test_a_held_phone_keeps_its_operation_running_until_admitted(manual, graph):
    manual.config(lobby_invite_operation="running")
    call_id = _join(graph, manual.add_meeting(ORGANIZER, lobby_bypass_settings={"scope": "everyone", "isDialInBypassEnabled": False}))
    manual.clock(advance=2)
    operation = _invite(graph, call_id, {"phone": {"id": PHONE}}).json()
    manual.clock(advance=600)
    path = f"/v1.0/communications/calls/{call_id}/operations/{operation['id']}"
    assert graph.get(path).json()["status"] == "Running"
    manual.admit(call_id, PHONE)
    assert graph.get(path).json()["status"] == "Completed"
    roster = graph.get(f"/v1.0/communications/calls/{call_id}/participants").json()["value"]
    assert [entry["isInLobby"] for entry in roster if "phone" in entry["info"]["identity"]] == [False]


def test_a_ringing_invitee_listed_in_the_lobby_cannot_be_admitted(manual, graph):
    manual.config(ringing_in_roster=True, invite_outcome={"result": "answer", "after": 10})
    call_id = _join(graph, manual.add_meeting(ORGANIZER))
    manual.clock(advance=2)
    _invite(graph, call_id, {"user": {"id": BOB}})
    with pytest.raises(AdminError) as excinfo:
        manual.admit(call_id, BOB)
    assert excinfo.value.status == 404


# --- no answer, and the invite answer's forms ----------------------------------------------------------------------


@pytest.mark.parametrize("no_answer_after", [None, 5])
def test_an_unanswered_invite_fails_on_its_own(manual, graph, no_answer_after):
    if no_answer_after is not None:
        manual.config(no_answer_after=no_answer_after)
    config = manual.config(invite_outcome={"result": "no_answer"})
    assert config["invite_outcome"] == {"result": "no_answer"}
    after = no_answer_after or 60
    call = manual.create_call()
    operation = _invite(graph, call["id"], {"user": {"id": BOB}}).json()
    path = f"/v1.0/communications/calls/{call['id']}/operations/{operation['id']}"
    manual.clock(advance=after - 1)
    assert graph.get(path).json()["status"] == "Running"
    manual.clock(advance=1)
    done = graph.get(path).json()
    assert done["status"] == "Failed" and done["resultInfo"]["code"] == 408


@pytest.mark.parametrize(
    "status,location,path",
    [
        (200, "absolute", "{base}/v1.0/communications/calls/{call}/operations/{op}"),
        (202, "relative", "/communications/calls/{call}/operations/{op}"),
        (202, "absolute_app", "{base}/v1.0/app/calls/{call}/operations/{op}"),
        (200, "relative_app", "/app/calls/{call}/operations/{op}"),
    ],
)
def test_the_invite_answer_forms(manual, graph, status, location, path):
    manual.config(invite_status=status, invite_location=location)
    call = manual.create_call()
    response = graph.post(f"/v1.0/communications/calls/{call['id']}/participants/invite", json={"participants": [{"identity": {"user": {"id": BOB}}}]})
    assert response.status_code == status
    operation = response.json()
    assert operation["@odata.type"] == "#microsoft.graph.inviteParticipantsOperation"
    assert response.headers["Location"] == path.format(base=manual.base_url, call=call["id"], op=operation["id"])

"""Online meetings: createOrGet and GET under /users/{userId}/onlineMeetings, the access policy, the admin meetings
routes, and the switches meeting_user_upn, meeting_access_policy, access_policy_error_status, create_or_get_updates."""
# pylint: disable=missing-function-docstring,redefined-outer-name  # pytest injects fixtures by parameter name

import re
from datetime import datetime, timedelta, timezone
from urllib.parse import quote, unquote

import pytest

from emulator.client import AdminError

ADA = "0d5f6c2e-1b8a-4e3f-9c7d-2a4b6c8d0e1f"
ADA_UPN = "ada@contoso.com"
BOB = "7e1b4346-85a6-4bdd-abe3-d11c5d420efe"
STRANGER = "c3a1e5f7-2b4d-4f6a-8c0e-1d3f5a7b9c2e"
# The documented createOrGet request body (Microsoft Graph docs: onlineMeeting: createOrGet, the request example), verbatim.
DOC_EXAMPLE = {
    "startDateTime": "2020-02-06T01:49:21.3524945+00:00",
    "endDateTime": "2020-02-06T02:19:21.3524945+00:00",
    "subject": "Create a meeting with customId provided",
    "externalId": "7eb8263f-d0e0-4149-bb1c-1f0476083c56",
    "participants": {"attendees": [{"identity": {"user": {"id": "1f35f2e6-9cab-44ad-8d5a-b74c14720000"}}, "upn": "test1@contoso.com"}]},
}
THREAD = re.compile(r"^19:meeting_[A-Za-z0-9]+@thread\.v2$")
TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$")


@pytest.fixture
def users(emu):
    """The emulator with Ada and Bob in the directory, its clock frozen."""
    emu.add_user(id=ADA, userPrincipalName=ADA_UPN, displayName="Ada Lovelace")
    emu.add_user(id=BOB, userPrincipalName="bob@contoso.com", displayName="Bob")
    emu.clock(mode="manual")
    return emu


def _create_or_get(graph, user, body, status=None, version="v1.0"):
    response = graph.post(f"/{version}/users/{quote(user, safe='')}/onlineMeetings/createOrGet", json=body)
    if status is not None:
        assert response.status_code == status, response.text
    return response


def _parse(value):
    return datetime.strptime(value[:26] + "Z", "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)


# --- createOrGet -------------------------------------------------------------------------------------------


def test_create_then_get(users, graph):
    emu = users
    first = _create_or_get(graph, ADA, {"externalId": "incident-42", "subject": "Incident 42"}, 201).json()
    again = _create_or_get(graph, ADA, {"externalId": "incident-42", "subject": "Incident 42"}, 200).json()
    assert again == first
    assert first["@odata.context"] == f"{emu.base_url}/v1.0/$metadata#users('{ADA}')/onlineMeetings/$entity"
    assert first["subject"] == "Incident 42" and first["externalId"] == "incident-42"
    assert re.match(r"^[A-Za-z0-9_-]+$", first["id"])
    thread = first["chatInfo"]["threadId"]
    assert THREAD.match(thread) and first["chatInfo"] == {"threadId": thread, "messageId": "0", "replyChainMessageId": None}
    settings = first["joinMeetingIdSettings"]
    assert settings["isPasscodeRequired"] is True and re.match(r"^[1-9]\d{12}$", settings["joinMeetingId"])
    assert re.match(r"^[A-Za-z0-9]{18}$", settings["passcode"])
    url = first["joinWebUrl"]
    assert url == (
        f"https://teams.microsoft.com/l/meetup-join/{quote(thread, safe='').replace('%3A', '%3a')}/0?context="
        f"%7b%22Tid%22%3a%22{emu.info['tenant_id']}%22%2c%22Oid%22%3a%22{ADA}%22%7d"
    )
    assert unquote(url).endswith(f'/0?context={{"Tid":"{emu.info["tenant_id"]}","Oid":"{ADA}"}}')
    organizer = first["participants"]["organizer"]
    assert organizer["upn"] == ADA_UPN and organizer["role"] == "presenter"
    assert organizer["identity"]["user"]["id"] == ADA and organizer["identity"]["user"]["displayName"] == "Ada Lovelace"
    assert first["participants"]["attendees"] == []
    assert re.match(r"^\d+$", first["videoTeleconferenceId"]) and "conferenceId" in first["audioConferencing"]
    # Default times: now on the emulator's clock, and an hour later.
    now = datetime.fromtimestamp(emu.clock()["time"], timezone.utc)
    for key in ("creationDateTime", "startDateTime", "endDateTime"):
        assert TIME.match(first[key])
    assert abs((_parse(first["startDateTime"]) - now).total_seconds()) < 0.001
    assert _parse(first["endDateTime"]) - _parse(first["startDateTime"]) == timedelta(hours=1)
    (meeting,) = emu.meetings()
    assert meeting["id"] == first["id"] and meeting["origin"] == "createOrGet"
    assert meeting["short_url"] == f"https://teams.microsoft.com/meet/{settings['joinMeetingId']}?p={settings['passcode']}"


@pytest.mark.usefixtures("users")
def test_documented_example(graph):
    created = _create_or_get(graph, ADA, DOC_EXAMPLE, 201).json()
    assert created["startDateTime"] == "2020-02-06T01:49:21.3524940Z"
    assert created["endDateTime"] == "2020-02-06T02:19:21.3524940Z"
    (attendee,) = created["participants"]["attendees"]
    assert attendee["upn"] == "test1@contoso.com" and attendee["identity"]["user"]["id"] == "1f35f2e6-9cab-44ad-8d5a-b74c14720000"
    assert _create_or_get(graph, ADA, DOC_EXAMPLE, 200, version="beta").json()["id"] == created["id"]


@pytest.mark.usefixtures("users")
def test_same_external_id_other_organizer_is_another_meeting(graph):
    ada = _create_or_get(graph, ADA, {"externalId": "x"}, 201).json()
    bob = _create_or_get(graph, BOB, {"externalId": "x"}, 201).json()
    assert ada["id"] != bob["id"] and ada["chatInfo"]["threadId"] != bob["chatInfo"]["threadId"]
    assert _create_or_get(graph, ADA, {"externalId": "X"}, 201).json()["id"] != ada["id"]  # externalId is case-sensitive


@pytest.mark.usefixtures("users")
def test_times(graph):
    start_only = _create_or_get(graph, ADA, {"externalId": "a", "startDateTime": "2030-01-01T10:00:00+02:00"}, 201).json()
    assert (start_only["startDateTime"], start_only["endDateTime"]) == ("2030-01-01T08:00:00.0000000Z", "2030-01-01T09:00:00.0000000Z")
    equal = {"externalId": "b", "startDateTime": "2030-01-01T10:00:00Z", "endDateTime": "2030-01-01T10:00:00Z"}
    _create_or_get(graph, ADA, equal, 201)


@pytest.mark.parametrize(
    "body, words",
    [
        ({}, "'externalId' is required"),
        ({"externalId": ""}, "non-empty"),
        ({"externalId": 7}, "non-empty"),
        ({"externalId": "e", "endDateTime": "2030-01-01T10:00:00Z"}, "without 'startDateTime'"),
        ({"externalId": "e", "startDateTime": "2030-01-01T10:00:00Z", "endDateTime": "2030-01-01T09:59:59Z"}, "earlier"),
        ({"externalId": "e", "startDateTime": "tomorrow"}, "ISO 8601"),
        ({"externalId": "e", "startDateTime": "2030-02-30T10:00:00Z"}, "not a valid date-time"),
        ({"externalId": "e", "subject": ["x"]}, "'subject'"),
        ({"externalId": "e", "participants": {"attendees": [{"identity": {"user": {}}}]}}, "attendees[0]"),
    ],
)
def test_create_or_get_refusals(users, graph, body, words):
    error = _create_or_get(graph, ADA, body, 400).json()["error"]
    assert words in error["message"], error
    assert users.meetings() == []


@pytest.mark.usefixtures("users")
def test_create_or_get_needs_json(graph):
    response = graph.post(f"/v1.0/users/{ADA}/onlineMeetings/createOrGet", data="{}", headers={"Content-Type": "text/plain"})
    assert response.status_code == 415


@pytest.mark.usefixtures("users")
def test_unknown_user(graph):
    error = _create_or_get(graph, STRANGER, {"externalId": "e"}, 404).json()["error"]
    assert error["code"] == "itemNotFound" and STRANGER in error["message"]


@pytest.mark.usefixtures("users")
def test_path_is_case_insensitive(graph):
    response = graph.post(f"/v1.0/USERS/{ADA}/onlinemeetings/CREATEORGET", json={"externalId": "e"})
    assert response.status_code == 201


# --- config create_or_get_updates [23] ---------------------------------------------------------------------


@pytest.mark.usefixtures("users")
def test_create_or_get_ignores_changes_by_default(graph):
    first = _create_or_get(graph, ADA, {"externalId": "e", "subject": "Old"}, 201).json()
    again = _create_or_get(graph, ADA, {"externalId": "e", "subject": "New", "startDateTime": "2031-01-01T00:00:00Z"}, 200).json()
    assert again["subject"] == "Old" and again["startDateTime"] == first["startDateTime"]


def test_create_or_get_updates(users, graph):
    emu = users
    emu.config(create_or_get_updates=True)
    first = _create_or_get(graph, ADA, {"externalId": "e", "subject": "Old"}, 201).json()
    again = _create_or_get(graph, ADA, {"externalId": "e", "subject": "New", "startDateTime": "2031-01-01T00:00:00Z"}, 200).json()
    assert again["id"] == first["id"] and again["subject"] == "New"
    assert (again["startDateTime"], again["endDateTime"]) == ("2031-01-01T00:00:00.0000000Z", "2031-01-01T01:00:00.0000000Z")
    assert _create_or_get(graph, ADA, {"externalId": "e"}, 200).json()["subject"] == "New"  # no subject sent: kept
    assert emu.meeting(first["id"])["subject"] == "New"


# --- config meeting_user_upn -------------------------------------------------------------------------------


@pytest.mark.usefixtures("users")
def test_user_principal_name_accepted(graph):
    by_upn = _create_or_get(graph, ADA_UPN.upper(), {"externalId": "e"}, 201).json()
    assert by_upn["participants"]["organizer"]["identity"]["user"]["id"] == ADA
    assert _create_or_get(graph, ADA, {"externalId": "e"}, 200).json()["id"] == by_upn["id"]
    assert graph.get(f"/v1.0/users/{ADA_UPN}/onlineMeetings/{by_upn['id']}").status_code == 200


def test_user_principal_name_rejected(users, graph):
    users.config(meeting_user_upn="rejected")
    assert _create_or_get(graph, ADA_UPN, {"externalId": "e"}, 404).json()["error"]["code"] == "itemNotFound"
    created = _create_or_get(graph, ADA, {"externalId": "e"}, 201).json()
    assert graph.get(f"/v1.0/users/{ADA_UPN}/onlineMeetings/{created['id']}").status_code == 404


# --- config meeting_access_policy and access_policy_error_status [23] ----------------------------------------------


def test_global_policy_lets_every_user(users, graph):
    assert users.config()["meeting_access_policy"] == "global"
    _create_or_get(graph, ADA, {"externalId": "e"}, 201)
    _create_or_get(graph, BOB, {"externalId": "e"}, 201)


@pytest.mark.parametrize("status", [None, 403, 401, 400])
def test_access_policy_granted_to_some_users(users, graph, status):
    emu = users
    emu.config(meeting_access_policy=[ADA.upper()])
    if status is not None:
        emu.config(access_policy_error_status=status)
    _create_or_get(graph, ADA, {"externalId": "e"}, 201)
    response = _create_or_get(graph, BOB, {"externalId": "e"}, status or 403)
    assert response.json()["error"]["code"] == "Unauthorized"
    assert response.json()["error"]["message"] == f"App {emu.info['client_id']} is not authorized to Create meeting on behalf of user {BOB}"
    assert len(emu.meetings()) == 1


def test_access_policy_applies_to_reads(users, graph):
    emu = users
    created = _create_or_get(graph, BOB, {"externalId": "e"}, 201).json()
    emu.config(meeting_access_policy=[ADA])
    response = graph.get(f"/v1.0/users/{BOB}/onlineMeetings/{created['id']}")
    assert response.status_code == 403 and "not authorized to Get meeting" in response.json()["error"]["message"]


@pytest.mark.parametrize("value", ["everyone", ["not-a-guid"], 5, [ADA, None]])
def test_bad_access_policy(users, value):
    with pytest.raises(AdminError) as excinfo:
        users.config(meeting_access_policy=value)
    assert excinfo.value.status == 400


def test_bad_access_policy_error_status(users):
    for value in (404, "403", True):
        with pytest.raises(AdminError) as excinfo:
            users.config(access_policy_error_status=value)
        assert excinfo.value.status == 400


# --- GET /users/{userId}/onlineMeetings/{id} ---------------------------------------------------------------------


def test_get_meeting(users, graph):
    emu = users
    created = _create_or_get(graph, ADA, {"externalId": "e"}, 201).json()
    response = graph.get(f"/beta/users/{ADA}/onlineMeetings/{created['id']}")
    assert response.status_code == 200
    body = response.json()
    assert body["@odata.context"] == f"{emu.base_url}/beta/$metadata#users('{ADA}')/onlineMeetings/$entity"
    assert {k: v for k, v in body.items() if k != "@odata.context"} == {k: v for k, v in created.items() if k != "@odata.context"}
    for user, meeting_id in ((BOB, created["id"]), (ADA, "nope"), (STRANGER, created["id"])):
        response = graph.get(f"/v1.0/users/{user}/onlineMeetings/{meeting_id}")
        assert response.status_code == 404 and response.json()["error"]["code"] == "itemNotFound"


# --- admin: /_emulator/meetings ----------------------------------------------------------------------------------


def test_admin_meetings(users):
    emu = users
    seeded = emu.add_meeting(ADA, subject="Bridge", external_id="ext-1")
    assert seeded["origin"] == "admin" and seeded["subject"] == "Bridge" and seeded["externalId"] == "ext-1"
    assert seeded["participants"]["organizer"]["upn"] == ADA_UPN and seeded["calls"] == [] and seeded["roster"] == []
    settings = seeded["joinMeetingIdSettings"]
    assert seeded["short_url"] == f"https://teams.microsoft.com/meet/{settings['joinMeetingId']}?p={settings['passcode']}"
    assert emu.meetings() == [seeded] and emu.meeting(seeded["id"]) == seeded
    chosen = emu.add_meeting(STRANGER, thread_id="19:meeting_chosen@thread.v2", join_meeting_id="1234567", passcode="psw123")
    assert chosen["chatInfo"]["threadId"] == "19:meeting_chosen@thread.v2"
    assert chosen["joinMeetingIdSettings"] == {"isPasscodeRequired": True, "joinMeetingId": "1234567", "passcode": "psw123"}
    assert chosen["participants"]["organizer"]["upn"] is None  # not in the directory: allowed
    with pytest.raises(AdminError) as excinfo:
        emu.meeting("nope")
    assert excinfo.value.status == 404


def test_seeded_meeting_is_what_create_or_get_returns(users, graph):
    seeded = users.add_meeting(ADA, external_id="ext-1")
    assert _create_or_get(graph, ADA, {"externalId": "ext-1"}, 200).json()["id"] == seeded["id"]


@pytest.mark.parametrize(
    "body, status",
    [
        ({}, 400),
        ({"organizer": "ada"}, 400),
        ({"organizer": ADA, "colour": "red"}, 400),
        ({"organizer": ADA, "subject": 5}, 400),
        ({"organizer": ADA, "join_meeting_id": "12ab"}, 400),
        ({"organizer": ADA, "participants": [{"user": {}}]}, 400),
        ({"organizer": ADA, "participants": "x"}, 400),
    ],
)
def test_admin_meeting_refusals(users, body, status):
    with pytest.raises(AdminError) as excinfo:
        users.admin("POST", "/meetings", body)
    assert excinfo.value.status == status


def test_admin_meeting_conflicts(users):
    emu = users
    emu.add_meeting(ADA, thread_id="19:meeting_a@thread.v2", join_meeting_id="111", external_id="e")
    for extra in ({"thread_id": "19:meeting_a@thread.v2"}, {"join_meeting_id": "1 1 1"}, {"external_id": "e"}):
        with pytest.raises(AdminError) as excinfo:
            emu.add_meeting(ADA, **extra)
        assert excinfo.value.status == 409
    emu.add_meeting(BOB, external_id="e")  # another organizer may use the same externalId


def test_reset_forgets_meetings(users, graph):
    created = _create_or_get(graph, ADA, {"externalId": "e"}, 201).json()
    users.add_meeting(BOB)
    users.reset()
    assert users.meetings() == []
    users.add_user(id=ADA, userPrincipalName=ADA_UPN, displayName="Ada Lovelace")
    assert graph.get(f"/v1.0/users/{ADA}/onlineMeetings/{created['id']}").status_code == 404


# --- joining what createOrGet made ---------------------------------------------------------------------------------


def test_a_bot_joins_the_meeting_it_created(users, graph):
    emu = users
    meeting = _create_or_get(graph, ADA, {"externalId": "incident-7"}, 201).json()
    media = {"@odata.type": "#microsoft.graph.serviceHostedMediaConfig"}
    by_organizer = graph.post(
        "/v1.0/communications/calls",
        json={
            "callbackUri": "https://bot.contoso.com/callback",
            "mediaConfig": media,
            "chatInfo": meeting["chatInfo"],
            "tenantId": emu.info["tenant_id"],
            "meetingInfo": {"@odata.type": "#microsoft.graph.organizerMeetingInfo", "organizer": meeting["participants"]["organizer"]["identity"]},
        },
    )
    by_id = graph.post(
        "/v1.0/communications/calls",
        json={
            "callbackUri": "https://bot.contoso.com/callback",
            "mediaConfig": media,
            "tenantId": emu.info["tenant_id"],
            "meetingInfo": {
                "@odata.type": "#microsoft.graph.joinMeetingIdMeetingInfo",
                "joinMeetingId": meeting["joinMeetingIdSettings"]["joinMeetingId"],
                "passcode": meeting["joinMeetingIdSettings"]["passcode"],
            },
        },
    )
    assert by_organizer.status_code == by_id.status_code == 201
    emu.clock(advance=2)
    for response in (by_organizer, by_id):
        # createOrGet gave the meeting the tenant's default lobby (organization): the bot waits until someone admits it.
        assert graph.get(f"/v1.0/communications/calls/{response.json()['id']}").json()["state"] == "establishing"
        emu.admit(response.json()["id"], emu.info["client_id"])
        assert graph.get(f"/v1.0/communications/calls/{response.json()['id']}").json()["state"] == "established"
    assert sorted(emu.meeting(meeting["id"])["calls"]) == sorted([by_organizer.json()["id"], by_id.json()["id"]])

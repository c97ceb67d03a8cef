"""Admin additions (call state, people leaving, directory users) and Graph GET /users/{id | userPrincipalName}."""
# pylint: disable=missing-function-docstring,redefined-outer-name  # pytest injects fixtures by parameter name

from urllib.parse import quote

import pytest

from emulator.client import AdminError

ADA = "0d5f6c2e-1b8a-4e3f-9c7d-2a4b6c8d0e1f"
GUEST = "9b2e4d6f-8a1c-4e3b-a5d7-f9e1c3b5a7d2"
GUEST_UPN = "grace_fabrikam.com#EXT#@contoso.onmicrosoft.com"


def _admin_error(excinfo, status, code=None):
    assert excinfo.value.status == status, excinfo.value.body
    if code:
        assert excinfo.value.body["error"]["code"] == code


# --- PATCH /_emulator/calls/{id} -------------------------------------------------------------------


def test_set_call_state(emu, graph):
    call = emu.create_call()
    changed = emu.set_call_state(call["id"], "terminated")
    assert changed["state"] == "terminated"
    assert graph.get(f"/v1.0/communications/calls/{call['id']}").json()["state"] == "terminated"
    assert emu.set_call_state(call["id"], "established")["state"] == "established"


@pytest.mark.parametrize("body, status", [({"state": "gone"}, 400), ({"state": "hold", "group": False}, 400), ({}, 400)])
def test_set_call_state_refusals(emu, body, status):
    call = emu.create_call()
    with pytest.raises(AdminError) as excinfo:
        emu.admin("PATCH", f"/calls/{call['id']}", body)
    _admin_error(excinfo, status, "BadRequest")


def test_set_state_of_unknown_call(emu):
    with pytest.raises(AdminError) as excinfo:
        emu.set_call_state("nope", "terminated")
    _admin_error(excinfo, 404, "itemNotFound")


# --- people leaving ---------------------------------------------------------------------------------


def test_remove_participant_by_participant_id(emu, graph):
    call = emu.create_call([{"user": {"id": ADA}}, {"phone": {"id": "+15550100"}}])
    ada = call["participants"][1]
    result = emu.remove_participant(call["id"], ada["id"])
    assert result["removed"] == [ada]
    roster = graph.get(f"/v1.0/communications/calls/{call['id']}/participants").json()["value"]
    assert [e["id"] for e in roster] == [call["participants"][0]["id"], call["participants"][2]["id"]]
    with pytest.raises(AdminError) as excinfo:
        emu.remove_participant(call["id"], ada["id"])
    _admin_error(excinfo, 404, "itemNotFound")
    with pytest.raises(AdminError) as excinfo:
        emu.remove_participant(call["id"], call["myParticipantId"])
    _admin_error(excinfo, 400, "BadRequest")


def test_leave_by_identity_id_any_kind(emu):
    call = emu.create_call([{"user": {"id": ADA}}, {"application": {"id": GUEST}}, {"phone": {"id": "+15550100"}}])
    assert len(emu.leave(call["id"], ADA.upper())["removed"]) == 1
    assert len(emu.leave(call["id"], GUEST)["removed"]) == 1
    result = emu.leave(call["id"], "+15550100")
    assert len(result["call"]["participants"]) == 1
    with pytest.raises(AdminError) as excinfo:
        emu.leave(call["id"], ADA)
    _admin_error(excinfo, 404, "itemNotFound")
    with pytest.raises(AdminError) as excinfo:
        emu.admin("POST", f"/calls/{call['id']}/leave", {"user": ADA})
    _admin_error(excinfo, 400)


def test_someone_who_left_can_be_invited_again(emu, graph):
    emu.config(duplicate_invite="error")
    call = emu.create_call([{"user": {"id": ADA}}])
    url = f"/v1.0/communications/calls/{call['id']}/participants/invite"
    body = {"participants": [{"identity": {"user": {"id": ADA}}}]}
    assert graph.post(url, json=body).status_code == 409
    emu.leave(call["id"], ADA)
    assert graph.post(url, json=body).status_code == 200


# --- directory users (admin) ---------------------------------------------------------------------


def test_add_user_and_reset(emu):
    user = emu.add_user(id=ADA, userPrincipalName="ada@contoso.com", displayName="Ada Lovelace", mail="ada@contoso.com")
    assert user == {"id": ADA, "userPrincipalName": "ada@contoso.com", "displayName": "Ada Lovelace", "mail": "ada@contoso.com", "proxyAddresses": []}
    assert emu.add_user(id=GUEST, userPrincipalName=GUEST_UPN, displayName="Grace")["mail"] is None
    assert [u["id"] for u in emu.admin("GET", "/users")["value"]] == [ADA, GUEST]
    emu.reset()
    assert emu.admin("GET", "/users")["value"] == []


@pytest.mark.parametrize(
    "user, status",
    [
        ({"id": "not-a-guid", "userPrincipalName": "x@contoso.com", "displayName": "X"}, 400),
        ({"id": ADA, "displayName": "X"}, 400),
        ({"id": ADA, "userPrincipalName": "x@contoso.com", "displayName": ""}, 400),
        ({"id": ADA, "userPrincipalName": "x@contoso.com", "displayName": "X", "jobTitle": "y"}, 400),
        ({"id": ADA.upper(), "userPrincipalName": "other@contoso.com", "displayName": "X"}, 409),
        ({"id": GUEST, "userPrincipalName": "ADA@contoso.com", "displayName": "X"}, 409),
    ],
)
def test_add_user_refusals(emu, user, status):
    emu.add_user(id=ADA, userPrincipalName="ada@contoso.com", displayName="Ada")
    with pytest.raises(AdminError) as excinfo:
        emu.admin("POST", "/users", user)
    _admin_error(excinfo, status)


# --- GET /users/{id | upn} --------------------------------------------------------------------------


@pytest.fixture
def users(emu):
    emu.add_user(id=ADA, userPrincipalName="ada@contoso.com", displayName="Ada Lovelace", mail="ada@contoso.com")
    emu.add_user(id=GUEST, userPrincipalName=GUEST_UPN, displayName="Grace Hopper")
    return emu


def test_get_user_by_id_and_upn(users, graph):
    for key in (ADA, ADA.upper(), "ada@contoso.com", "ADA@Contoso.com"):
        response = graph.get(f"/v1.0/users/{quote(key)}")
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["@odata.context"] == f"{users.base_url}/v1.0/$metadata#users/$entity"
        assert (body["id"], body["userPrincipalName"], body["displayName"], body["mail"]) == (ADA, "ada@contoso.com", "Ada Lovelace", "ada@contoso.com")
        assert body["businessPhones"] == [] and "givenName" in body


def test_get_guest_by_percent_encoded_upn(users, graph):
    encoded = quote(GUEST_UPN, safe="@")
    assert "%23EXT%23" in encoded
    response = graph.get(f"/beta/users/{encoded}")
    assert response.status_code == 200, response.text
    assert response.json()["id"] == GUEST and response.json()["userPrincipalName"] == GUEST_UPN


def test_get_user_select(users, graph):
    response = graph.get(f"/v1.0/users/{ADA}", params={"$select": "id,displayName,userType"})
    assert response.status_code == 200, response.text
    assert response.json() == {
        "@odata.context": f"{users.base_url}/v1.0/$metadata#users(id,displayName,userType)/$entity",
        "id": ADA,
        "displayName": "Ada Lovelace",
        "userType": "Member",
    }
    response = graph.get(f"/v1.0/users/{ADA}", params={"$select": "id,shoeSize"})
    assert response.status_code == 400 and "shoeSize" in response.json()["error"]["message"]


def test_unknown_user_is_404(users, graph):
    response = graph.get("/v1.0/users/nobody@contoso.com")
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["code"] == "Request_ResourceNotFound"
    assert error["message"] == ("Resource 'nobody@contoso.com' does not exist or one of its queried reference-property objects are not present.")
    assert set(error["innerError"]) >= {"date", "request-id", "client-request-id"}


def test_users_permission_off_is_403(users, graph):
    users.config(users_permission=False)
    response = graph.get(f"/v1.0/users/{ADA}")
    assert response.status_code == 403
    error = response.json()["error"]
    assert (error["code"], error["message"]) == ("Authorization_RequestDenied", "Insufficient privileges to complete the operation.")


def test_users_need_a_token(users, http):
    assert http.get(f"/v1.0/users/{ADA}").status_code == 401

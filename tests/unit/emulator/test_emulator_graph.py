"""Graph reads: authentication, the call resource, the paged roster, errors and path decoding."""
# pylint: disable=missing-function-docstring,redefined-outer-name  # pytest injects fixtures by parameter name

import re
from urllib.parse import quote

import pytest

GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def _user(user_id, name=None):
    return {"user": {"id": user_id, "displayName": name or f"User {user_id}"}}


def _assert_graph_error(response, status, code, client_request_id=None):
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == "application/json"
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"]
    inner = error["innerError"]
    assert GUID.match(inner["request-id"]) and inner["request-id"] == response.headers["request-id"]
    assert inner["client-request-id"] == response.headers["client-request-id"]
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$", inner["date"])
    if client_request_id:
        assert inner["client-request-id"] == client_request_id
    return error


@pytest.mark.parametrize("authorization", [None, "Bearer", "Bearer not-a-token", "Basic abc"])
def test_graph_requires_an_emulator_token(emu, http, authorization):
    call = emu.create_call()
    headers = {"client-request-id": "cr-1"}
    if authorization:
        headers["Authorization"] = authorization
    response = http.get(f"/v1.0/communications/calls/{call['id']}", headers=headers)
    _assert_graph_error(response, 401, "InvalidAuthenticationToken", "cr-1")


def test_token_survives_reset_but_not_reset_with_tokens(emu, http):
    token = emu.token()
    emu.reset()
    call = emu.create_call()
    url = f"/v1.0/communications/calls/{call['id']}"
    assert http.get(url, headers={"Authorization": f"Bearer {token}"}).status_code == 200
    emu.reset(tokens=True)
    call = emu.create_call()
    response = http.get(f"/v1.0/communications/calls/{call['id']}", headers={"Authorization": f"Bearer {token}"})
    _assert_graph_error(response, 401, "InvalidAuthenticationToken")


@pytest.mark.parametrize("version", ["v1.0", "beta"])
def test_get_group_call(emu, graph, version):
    call = emu.create_call([_user("u1")])
    response = graph.get(f"/{version}/communications/calls/{call['id']}", headers={"client-request-id": "abc-123"})
    assert response.status_code == 200
    assert response.headers["client-request-id"] == "abc-123"
    assert GUID.match(response.headers["request-id"])
    body = response.json()
    assert body["@odata.type"] == "#microsoft.graph.call"
    assert body["id"] == call["id"] and body["state"] == "established"
    assert body["tenantId"] == emu.info["tenant_id"]
    assert body["meetingInfo"] is None and body["resultInfo"] is None
    assert set(body["chatInfo"]) >= {"threadId", "messageId", "replyChainMessageId"}
    assert body["myParticipantId"] == call["participants"][0]["id"]
    assert body["source"]["identity"]["application"]["id"] == emu.info["client_id"]
    for key in ("direction", "callbackUri", "requestedModalities"):
        assert key in body
    assert "participants" not in body


def test_p2p_call_has_no_chat_info(emu, graph):
    call = emu.create_call([_user("u1")], group=False)
    assert graph.get(f"/v1.0/communications/calls/{call['id']}").json()["chatInfo"] is None


def test_unknown_call_is_404(graph):
    error = _assert_graph_error(graph.get("/v1.0/communications/calls/does-not-exist"), 404, "itemNotFound")
    assert error["message"] == "Call not found."


def test_roster_bot_first_and_participant_shape(emu, graph):
    call = emu.create_call([_user("u1", "Ada"), {"phone": {"id": "+12345678901"}}])
    body = graph.get(f"/v1.0/communications/calls/{call['id']}/participants").json()
    assert "@odata.nextLink" not in body
    assert body["@odata.context"].endswith(f"/v1.0/$metadata#communications/calls('{call['id']}')/participants")
    bot, ada, phone = body["value"]
    assert bot["info"]["identity"]["application"] == {
        "@odata.type": "#microsoft.graph.identity",
        "id": emu.info["client_id"],
        "displayName": "msgraph.calls emulator bot",
    }
    assert ada["info"]["identity"]["user"]["displayName"] == "Ada"
    assert phone["info"]["identity"]["phone"]["id"] == "+12345678901"
    assert ada["@odata.type"] == "#microsoft.graph.participant" and GUID.match(ada["id"])
    assert ada["info"]["@odata.type"] == "#microsoft.graph.participantInfo" and ada["info"]["endpointType"] == "default"
    assert ada["mediaStreams"] == [
        {"@odata.type": "#microsoft.graph.mediaStream", "mediaType": "audio", "sourceId": "1", "direction": "sendReceive", "serverMuted": False}
    ]
    assert (ada["isMuted"], ada["isInLobby"], ada["metadata"]) == (False, False, None)
    one = graph.get(f"/v1.0/communications/calls/{call['id']}/participants/{ada['id']}")
    assert one.status_code == 200 and one.json()["info"] == ada["info"]
    _assert_graph_error(graph.get(f"/v1.0/communications/calls/{call['id']}/participants/nobody"), 404, "itemNotFound")


def test_roster_paging(emu, graph):
    emu.config(page_size=2)
    call = emu.create_call([_user(f"u{i}") for i in range(4)])  # with the bot: 5 participants
    url = f"{emu.base_url}/beta/communications/calls/{call['id']}/participants"
    pages, ids = 0, []
    while url:
        assert url.startswith("https://127.0.0.1:")
        response = graph.get(url)
        assert response.status_code == 200
        body = response.json()
        pages += 1
        ids += [entry["id"] for entry in body["value"]]
        assert len(body["value"]) <= 2
        url = body.get("@odata.nextLink")
        if url:
            assert url == f"{emu.base_url}/beta/communications/calls/{call['id']}/participants?$skiptoken={len(ids)}"
    assert pages == 3
    assert ids == [entry["id"] for entry in call["participants"]]


def test_bad_skiptoken(emu, graph):
    call = emu.create_call()
    _assert_graph_error(graph.get(f"/v1.0/communications/calls/{call['id']}/participants?$skiptoken=abc"), 400, "BadRequest")


def test_p2p_roster_read_is_refused(emu, graph):
    call = emu.create_call([_user("u1")], group=False)
    for path in ("participants", f"participants/{call['participants'][1]['id']}"):
        error = _assert_graph_error(graph.get(f"/v1.0/communications/calls/{call['id']}/{path}"), 400, "BadRequest")
        assert error["message"] == "This request doesn't support peer-to-peer calls."


def test_percent_encoded_slash_stays_in_the_call_id(emu, graph):
    call_id = "tenant/abc def"
    emu.create_call([_user("u1")], id=call_id)
    encoded = quote(call_id, safe="")
    assert encoded == "tenant%2Fabc%20def"
    response = graph.get(f"/v1.0/communications/calls/{encoded}")
    assert response.status_code == 200 and response.json()["id"] == call_id
    emu.config(page_size=1)
    body = graph.get(f"/v1.0/communications/calls/{encoded}/participants").json()
    assert body["@odata.nextLink"].endswith(f"/v1.0/communications/calls/{encoded}/participants?$skiptoken=1")
    assert emu.requests()[-1]["path"] == f"/v1.0/communications/calls/{encoded}/participants"
    assert emu.call(call_id)["id"] == call_id
    # Unencoded, the slash splits the path and nothing matches.
    assert graph.get(f"/v1.0/communications/calls/{call_id.replace(' ', '%20')}").status_code == 404


def test_unknown_routes(graph):
    _assert_graph_error(graph.get("/v1.0/me"), 404, "UnknownError")
    _assert_graph_error(graph.get("/v2.0/communications/calls/x"), 404, "UnknownError")
    _assert_graph_error(graph.get("/nothing/here"), 404, "UnknownError")


def test_wrong_method_is_405(emu, graph):
    call = emu.create_call()
    response = graph.delete(f"/v1.0/communications/calls/{call['id']}/participants/invite")
    _assert_graph_error(response, 405, "BadRequest")
    response = graph.post(f"/v1.0/communications/calls/{call['id']}", json={})
    _assert_graph_error(response, 405, "BadRequest")
    assert response.headers["Allow"] == "DELETE, GET"  # DELETE hangs up


def test_client_request_id_defaults_to_request_id(emu, graph):
    call = emu.create_call()
    response = graph.get(f"/v1.0/communications/calls/{call['id']}")
    assert response.headers["client-request-id"] == response.headers["request-id"]

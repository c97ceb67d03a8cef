"""POST .../participants/invite: the documented request bodies, the operation, and every refusal."""
# pylint: disable=missing-function-docstring,redefined-outer-name  # pytest injects fixtures by parameter name

import copy
import json
import os
import re
from concurrent.futures import ThreadPoolExecutor

import pytest

GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")

with open(os.path.join(os.path.dirname(__file__), "..", "..", "data", "graph_invite_examples.json"), encoding="utf-8") as _handle:
    EXAMPLES = json.load(_handle)


def _invitee(user_id="7e1b4346-85a6-4bdd-abe3-d11c5d420efe", name="Grace", **extra):
    return {
        "@odata.type": "#microsoft.graph.invitationParticipantInfo",
        "identity": {"@odata.type": "#microsoft.graph.identitySet", "user": {"@odata.type": "#microsoft.graph.identity", "id": user_id, "displayName": name}},
        **extra,
    }


def _invite(graph, call_id, body, version="v1.0"):
    return graph.post(f"/{version}/communications/calls/{call_id}/participants/invite", json=body)


def _assert_bad_request(response, *words):
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["code"] == "BadRequest"
    for word in words:
        assert word in error["message"], error["message"]
    return error


def test_invite_success(emu, graph):
    call = emu.create_call([{"user": {"id": "u1", "displayName": "Ada"}}])
    body = {"participants": [_invitee()], "clientContext": "ctx-1"}
    response = _invite(graph, call["id"], body)
    assert response.status_code == 200, response.text
    operation = response.json()
    assert operation["@odata.type"] == "#microsoft.graph.inviteParticipantsOperation"
    assert GUID.match(operation["id"])
    assert operation["status"] == "Running"  # the action's response always shows it running
    assert operation["clientContext"] == "ctx-1"
    assert operation["resultInfo"] is None
    assert operation["participants"] == body["participants"]
    assert response.headers["Location"] == f"{emu.base_url}/v1.0/communications/calls/{call['id']}/operations/{operation['id']}"
    # The roster grew, with the invitee under the kind it was invited as.
    roster = graph.get(f"/v1.0/communications/calls/{call['id']}/participants").json()["value"]
    assert len(roster) == 3
    assert roster[-1]["info"]["identity"]["user"]["id"] == "7e1b4346-85a6-4bdd-abe3-d11c5d420efe"
    assert roster[-1]["info"]["identity"]["user"]["displayName"] == "Grace"
    # The operation is kept: by Location, in the operations list, and in the admin view; with the
    # default outcome (answer after 0 s) it has completed by the next read.
    finished = {**operation, "status": "Completed"}
    assert graph.get(response.headers["Location"]).json() == finished
    assert graph.get(f"/v1.0/communications/calls/{call['id']}/operations").json()["value"] == [finished]
    state = emu.call(call["id"])
    assert state["operations"] == [finished] and len(state["participants"]) == 3
    _assert_not_found(graph.get(f"/v1.0/communications/calls/{call['id']}/operations/nope"))


def _assert_not_found(response):
    assert response.status_code == 404 and response.json()["error"]["code"] == "itemNotFound"


def test_invite_without_client_context(emu, graph):
    call = emu.create_call()
    response = _invite(graph, call["id"], {"participants": [_invitee()]})
    assert response.status_code == 200 and response.json()["clientContext"] is None


def test_reinviting_someone_present_does_not_duplicate(emu, graph):
    call = emu.create_call([{"user": {"id": "7E1B4346-85A6-4BDD-ABE3-D11C5D420EFE"}}])
    assert _invite(graph, call["id"], {"participants": [_invitee()]}).status_code == 200
    assert len(emu.call(call["id"])["participants"]) == 2


@pytest.mark.parametrize("example", EXAMPLES, ids=[example["name"].split(" —")[0] for example in EXAMPLES])
def test_documented_request_bodies_are_accepted(emu, graph, example):
    call = emu.create_call(id=example["call_id"]) if example["call_id"] else emu.create_call()
    response = _invite(graph, call["id"], example["body"], example["version"])
    assert response.status_code == 200, response.text
    operation = response.json()
    assert operation["participants"] == example["body"]["participants"]
    assert operation["clientContext"] == example["body"]["clientContext"]
    roster = emu.call(call["id"])["participants"]
    for invited in example["body"]["participants"]:
        kinds = [kind for kind in ("user", "phone") if kind in invited["identity"]]
        assert any(entry["info"]["identity"].get(kinds[0], {}).get("id") == invited["identity"][kinds[0]]["id"] for entry in roster)


def test_examples_cover_v1_and_beta():
    assert [example["version"] for example in EXAMPLES] == ["v1.0"] * 5 + ["beta"]


def test_endpoint_type_is_beta_only(emu, graph):
    call = emu.create_call()
    body = {"participants": [_invitee(endpointType="default")]}
    _assert_bad_request(_invite(graph, call["id"], body, "v1.0"), "endpointType")
    response = _invite(graph, call["id"], body, "beta")
    assert response.status_code == 200, response.text
    assert response.headers["Location"].startswith(f"{emu.base_url}/beta/communications/calls/")
    _assert_bad_request(_invite(graph, call["id"], {"participants": [_invitee(endpointType="fax")]}, "beta"), "endpointType")


def _body(**changes):
    body = {"participants": [_invitee()], "clientContext": "c"}
    body.update(changes)
    return body


@pytest.mark.parametrize(
    "case, body, words",
    [
        ("unknown top-level key", _body(callbackUri="https://x"), ["callbackUri"]),
        ("not an object", [_invitee()], ["JSON object"]),
        ("missing participants", {"clientContext": "c"}, ["participants"]),
        ("empty participants", _body(participants=[]), ["participants"]),
        ("participants not a list", _body(participants=_invitee()), ["participants"]),
        ("6 participants", _body(participants=[_invitee(f"u{i}") for i in range(6)]), ["participants", "5"]),
        ("clientContext 257 chars", _body(clientContext="x" * 257), ["clientContext", "256"]),
        ("clientContext not a string", _body(clientContext=5), ["clientContext"]),
        ("unknown participant key", _body(participants=[_invitee(mediaConfig={})]), ["mediaConfig", "invitationParticipantInfo"]),
        ("participant not an object", _body(participants=["u1"]), ["participants[0]"]),
        ("missing identity", _body(participants=[{"replacesCallId": "x"}]), ["participants[0].identity"]),
        ("identity not an object", _body(participants=[{"identity": "u1"}]), ["participants[0].identity"]),
        ("identity without id", _body(participants=[{"identity": {"user": {"displayName": "x"}}}]), ["participants[0].identity"]),
        ("identity kind not an object", _body(participants=[{"identity": {"user": "u1"}}]), ["participants[0].identity.user"]),
        ("only unknown identity kinds", _body(participants=[{"identity": {"robot": {"id": "r1"}}}]), ["participants[0].identity"]),
        ("wrong identity type", _body(participants=[{"identity": {"@odata.type": "#microsoft.graph.identity", "user": {"id": "u"}}}]), ["@odata.type"]),
        ("wrong participant type", _body(participants=[_invitee(**{"@odata.type": "#microsoft.graph.participant"})]), ["@odata.type"]),
        ("hidden not boolean", _body(participants=[_invitee(hidden="yes")]), ["hidden"]),
        ("replacesCallId not a string", _body(participants=[_invitee(replacesCallId=5)]), ["replacesCallId"]),
    ],
)
def test_validation_refusals(emu, graph, case, body, words):  # pylint: disable=unused-argument
    call = emu.create_call()
    _assert_bad_request(_invite(graph, call["id"], body), *words)
    assert emu.call(call["id"])["operations"] == []


def test_open_types_accept_extra_keys(emu, graph):
    call = emu.create_call()
    invitee = _invitee()
    invitee["identity"]["user"].update({"identityProvider": "AAD", "tenantId": "72f988bf-86f1-41af-91ab-2d7cd011db47"})
    invitee["identity"]["customThing"] = {"anything": True}
    invitee["identity"]["application"] = None
    response = _invite(graph, call["id"], {"participants": [invitee, _invitee("u2")]})
    assert response.status_code == 200, response.text
    assert emu.call(call["id"])["participants"][1]["info"]["identity"]["user"]["tenantId"] == "72f988bf-86f1-41af-91ab-2d7cd011db47"


def test_five_participants_is_the_limit(emu, graph):
    call = emu.create_call()
    response = _invite(graph, call["id"], _body(participants=[_invitee(f"u{i}") for i in range(5)]))
    assert response.status_code == 200
    assert len(emu.call(call["id"])["participants"]) == 6


def test_several_participants_need_a_group_call(emu, graph):
    call = emu.create_call([{"user": {"id": "peer"}}], group=False)
    _assert_bad_request(_invite(graph, call["id"], _body(participants=[_invitee("u1"), _invitee("u2")])), "group")
    assert _invite(graph, call["id"], _body()).status_code == 200


def test_unknown_call_is_404(graph):
    response = _invite(graph, "no-such-call", _body())
    assert response.status_code == 404
    error = response.json()["error"]
    assert (error["code"], error["message"]) == ("itemNotFound", "Call not found.")


@pytest.mark.parametrize("state", ["establishing", "terminated", "hold"])
def test_call_must_be_established(emu, graph, state):
    call = emu.create_call(state=state)
    _assert_bad_request(_invite(graph, call["id"], _body()), state, "established")


def test_invalid_json_and_content_type(emu, graph):
    call = emu.create_call()
    url = f"/v1.0/communications/calls/{call['id']}/participants/invite"
    response = graph.post(url, data="{not json", headers={"Content-Type": "application/json"})
    _assert_bad_request(response, "JSON")
    response = graph.post(url, data=json.dumps(_body()), headers={"Content-Type": "text/plain"})
    assert response.status_code == 415


def test_operation_is_a_snapshot(emu, graph):
    call = emu.create_call()
    body = _body()
    sent = copy.deepcopy(body)
    operation = _invite(graph, call["id"], body).json()
    assert operation["participants"] == sent["participants"]
    assert emu.requests()[-1]["body"] == sent


def test_concurrent_invites_are_all_applied(emu, make_session, token):
    call = emu.create_call()
    url = f"{emu.base_url}/v1.0/communications/calls/{call['id']}/participants/invite"

    def invite_one(index):
        with make_session(emu.ca_path) as session:
            response = session.post(url, json={"participants": [_invitee(f"user-{index}")]}, headers={"Authorization": f"Bearer {token}"})
            return response.status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(invite_one, range(24)))
    assert statuses == [200] * 24
    state = emu.call(call["id"])
    assert len(state["participants"]) == 25 and len(state["operations"]) == 24


def test_chunked_request_body(emu, graph):
    call = emu.create_call()

    def chunks():
        yield b'{"participants": [{"identity": {"user": {"id": "u9"}}}],'
        yield b' "clientContext": "chunked"}'

    response = graph.post(f"/v1.0/communications/calls/{call['id']}/participants/invite", data=chunks(), headers={"Content-Type": "application/json"})
    assert response.status_code == 200 and response.json()["clientContext"] == "chunked"
    assert emu.requests()[-1]["body"]["clientContext"] == "chunked"

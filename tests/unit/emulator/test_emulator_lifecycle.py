"""The asynchronous invite lifecycle (per-identity outcomes) and the switches for UNCONFIRMED Graph behaviour.

Outcomes take effect on the emulator's clock; the tests drive it by hand (manual mode, ``advance``)
instead of sleeping, so they predict every state exactly and never depend on how busy the machine is.
"""
# pylint: disable=missing-function-docstring,redefined-outer-name  # pytest injects fixtures by parameter name

import pytest

from emulator.client import AdminError

ADA = "0d5f6c2e-1b8a-4e3f-9c7d-2a4b6c8d0e1f"
BOB = "7e1b4346-85a6-4bdd-abe3-d11c5d420efe"
CAT = "c3a1e5f7-2b4d-4f6a-8c0e-1d3f5a7b9c2e"
PHONE = "+12345678901"


def _user(user_id, name=None):
    return {
        "@odata.type": "#microsoft.graph.invitationParticipantInfo",
        "identity": {"@odata.type": "#microsoft.graph.identitySet", "user": {"@odata.type": "#microsoft.graph.identity", "id": user_id, "displayName": name}},
    }


def _phone(number=PHONE):
    return {
        "@odata.type": "#microsoft.graph.invitationParticipantInfo",
        "identity": {"@odata.type": "#microsoft.graph.identitySet", "phone": {"@odata.type": "#microsoft.graph.identity", "id": number}},
    }


def _invite(graph, call_id, *participants, context="ctx"):
    response = graph.post(f"/v1.0/communications/calls/{call_id}/participants/invite", json={"participants": list(participants), "clientContext": context})
    assert response.status_code == 200, response.text
    return response.json()


def _operation(graph, call_id, operation_id):
    response = graph.get(f"/v1.0/communications/calls/{call_id}/operations/{operation_id}")
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture
def manual(emu):
    """The emulator with its clock frozen (manual mode): time moves only by ``emu.clock(advance=...)``."""
    emu.clock(mode="manual")
    return emu


def _advance(emu, seconds):
    emu.clock(advance=seconds)


def _roster(graph, call_id):
    response = graph.get(f"/v1.0/communications/calls/{call_id}/participants")
    assert response.status_code == 200, response.text
    return response.json()["value"]


def _roster_ids(graph, call_id):
    """(kind, id) of every identity in the roster, bot included."""
    return {
        (kind, identity["id"])
        for entry in _roster(graph, call_id)
        for kind, identity in entry["info"]["identity"].items()
        if isinstance(identity, dict) and "id" in identity
    }


# --- lifecycle -----------------------------------------------------------------------------------


def test_answer_after_a_delay(manual, graph):
    emu = manual
    emu.config(invite_outcome={"result": "answer", "after": 5})
    call = emu.create_call()
    operation = _invite(graph, call["id"], _user(BOB, "Bob"))
    assert operation["status"] == "Running" and operation["resultInfo"] is None
    assert _operation(graph, call["id"], operation["id"])["status"] == "Running"
    _advance(emu, 4.999)
    assert _operation(graph, call["id"], operation["id"])["status"] == "Running"
    assert ("user", BOB) not in _roster_ids(graph, call["id"])
    _advance(emu, 0.001)
    finished = _operation(graph, call["id"], operation["id"])
    assert finished["status"] == "Completed" and finished["resultInfo"] is None
    entry = [e for e in _roster(graph, call["id"]) if e["info"]["identity"].get("user", {}).get("id") == BOB]
    assert len(entry) == 1 and entry[0]["isInLobby"] is False
    assert entry[0]["info"]["identity"]["user"]["displayName"] == "Bob"


def test_default_outcome_joins_by_the_next_read(emu, graph):
    call = emu.create_call()
    operation = _invite(graph, call["id"], _user(BOB))
    assert operation["status"] == "Running"
    assert ("user", BOB) in _roster_ids(graph, call["id"])
    assert _operation(graph, call["id"], operation["id"])["status"] == "Completed"


def test_decline(manual, graph):
    emu = manual
    emu.config(invite_outcome={"result": "decline", "after": 2})
    call = emu.create_call()
    operation = _invite(graph, call["id"], _user(BOB))
    assert _operation(graph, call["id"], operation["id"])["status"] == "Running"
    _advance(emu, 2)
    finished = _operation(graph, call["id"], operation["id"])
    assert finished["status"] == "Failed"
    assert finished["resultInfo"] == {
        "@odata.type": "#microsoft.graph.resultInfo",
        "code": 603,
        "subcode": 10003,
        "message": f"addParticipants failed for participant 8:orgid:{BOB}. Underlying reason: the participant declined the call. DiagCode: 603#10003",
    }
    assert ("user", BOB) not in _roster_ids(graph, call["id"])


def test_no_answer_per_identity(manual, graph):
    emu = manual
    emu.config(invite_outcomes={PHONE: {"result": "no_answer", "after": 20}})
    call = emu.create_call()
    operation = _invite(graph, call["id"], _phone())
    assert _operation(graph, call["id"], operation["id"])["status"] == "Running"
    _advance(emu, 20)
    finished = _operation(graph, call["id"], operation["id"])
    assert finished["status"] == "Failed"
    info = finished["resultInfo"]
    assert (info["code"], info["subcode"]) == (408, 10057)
    assert info["message"] == (f"addParticipants failed for participant 4:{PHONE}. Underlying reason: the call was not answered. DiagCode: 408#10057")
    assert ("phone", PHONE) not in _roster_ids(graph, call["id"])


def test_mixed_outcomes_fail_with_the_first_failure(manual, graph):
    emu = manual
    # Keys match case-insensitively; CAT fails first (2 s), BOB later (4 s), ADA answers at once.
    emu.config(invite_outcomes={BOB.upper(): {"result": "decline", "after": 4}, CAT: {"result": "no_answer", "after": 2}})
    call = emu.create_call()
    operation = _invite(graph, call["id"], _user(BOB), _user(ADA), _user(CAT))
    assert ("user", ADA) in _roster_ids(graph, call["id"])
    assert _operation(graph, call["id"], operation["id"])["status"] == "Running"
    _advance(emu, 3)  # CAT has failed, BOB still rings: the operation waits for him
    assert _operation(graph, call["id"], operation["id"])["status"] == "Running"
    _advance(emu, 1)
    finished = _operation(graph, call["id"], operation["id"])
    assert finished["status"] == "Failed"
    assert finished["resultInfo"]["code"] == 408 and CAT in finished["resultInfo"]["message"]
    ids = _roster_ids(graph, call["id"])
    assert ("user", ADA) in ids and ("user", BOB) not in ids and ("user", CAT) not in ids
    # The admin view shows the same (it advances too).
    assert emu.call(call["id"])["operations"] == [finished]


def test_operation_waits_for_every_identity(manual, graph):
    emu = manual
    emu.config(invite_outcomes={BOB: {"result": "answer", "after": 3}})
    call = emu.create_call()
    operation = _invite(graph, call["id"], _user(ADA), _user(BOB))
    assert ("user", ADA) in _roster_ids(graph, call["id"])
    assert _operation(graph, call["id"], operation["id"])["status"] == "Running"
    _advance(emu, 3)
    assert _operation(graph, call["id"], operation["id"])["status"] == "Completed"
    assert {("user", ADA), ("user", BOB)} <= _roster_ids(graph, call["id"])


def test_invite_into_a_terminated_call_is_refused(emu, graph):
    call = emu.create_call()
    emu.set_call_state(call["id"], "terminated")
    response = graph.post(f"/v1.0/communications/calls/{call['id']}/participants/invite", json={"participants": [_user(BOB)]})
    assert response.status_code == 400
    assert "terminated" in response.json()["error"]["message"]
    assert emu.call(call["id"])["operations"] == []


# --- duplicate_invite ------------------------------------------------------------------------------


def test_duplicate_ignored_by_default(manual, graph):
    emu = manual
    emu.config(invite_outcomes={BOB: {"result": "answer", "after": 30}})
    call = emu.create_call([{"user": {"id": ADA.upper()}}])
    ringing = _invite(graph, call["id"], _user(BOB))
    again = _invite(graph, call["id"], _user(ADA), _user(BOB))  # ADA in the roster, BOB still ringing
    assert again["status"] == "Running"
    assert _operation(graph, call["id"], again["id"])["status"] == "Completed"
    assert _operation(graph, call["id"], ringing["id"])["status"] == "Running"
    assert len(_roster(graph, call["id"])) == 2


def test_duplicate_error_is_409(manual, graph):
    emu = manual
    emu.config(duplicate_invite="error", invite_outcomes={BOB: {"result": "answer", "after": 30}})
    call = emu.create_call([{"user": {"id": ADA}}])
    url = f"/v1.0/communications/calls/{call['id']}/participants/invite"
    response = graph.post(url, json={"participants": [_user(CAT), _user(ADA)]})
    assert response.status_code == 409, response.text
    error = response.json()["error"]
    assert error["code"] == "Conflict" and ADA in error["message"] and "participants[1]" in error["message"]
    assert emu.call(call["id"])["operations"] == [] and len(_roster(graph, call["id"])) == 2
    _invite(graph, call["id"], _user(BOB))
    response = graph.post(url, json={"participants": [_user(BOB.upper())]})  # ringing counts too
    assert response.status_code == 409 and BOB.upper() in response.json()["error"]["message"]
    response = graph.post(url, json={"participants": [_user(CAT), _user(CAT)]})  # twice in one request
    assert response.status_code == 409


def test_duplicate_failed_operation(emu, graph):
    emu.config(duplicate_invite="failed_operation")
    call = emu.create_call([{"user": {"id": ADA}}])
    operation = _invite(graph, call["id"], _user(ADA))
    assert operation["status"] == "Running"
    finished = _operation(graph, call["id"], operation["id"])
    assert finished["status"] == "Failed"
    assert (finished["resultInfo"]["code"], finished["resultInfo"]["subcode"]) == (409, 10100)
    assert "already in the call or is already being invited" in finished["resultInfo"]["message"]
    assert len(_roster(graph, call["id"])) == 2


# --- list_operations / get_operation / status_case ------------------------------------------------


@pytest.mark.parametrize("status, code", [(400, "BadRequest"), (403, "accessDenied"), (404, "UnknownError"), (405, "BadRequest"), (501, "notSupported")])
def test_list_operations_refused(emu, graph, status, code):
    emu.config(list_operations=status)
    call = emu.create_call()
    _invite(graph, call["id"], _user(BOB))
    response = graph.get(f"/v1.0/communications/calls/{call['id']}/operations")
    assert response.status_code == status
    assert response.json()["error"]["code"] == code


def test_list_operations_running_only(manual, graph):
    emu = manual
    emu.config(invite_outcomes={BOB: {"result": "answer", "after": 30}})
    call = emu.create_call()
    done = _invite(graph, call["id"], _user(ADA))
    running = _invite(graph, call["id"], _user(BOB))
    url = f"/v1.0/communications/calls/{call['id']}/operations"
    assert [op["id"] for op in graph.get(url).json()["value"]] == [done["id"], running["id"]]
    emu.config(list_operations="running_only")
    assert [op["id"] for op in graph.get(url).json()["value"]] == [running["id"]]


def test_list_operations_paged(emu, graph):
    emu.config(page_size=2)
    call = emu.create_call()
    ids = [_invite(graph, call["id"], _user(f"u{i}"))["id"] for i in range(3)]
    first = graph.get(f"/v1.0/communications/calls/{call['id']}/operations").json()
    assert first["@odata.nextLink"] == f"{emu.base_url}/v1.0/communications/calls/{call['id']}/operations?$skiptoken=2"
    second = graph.get(first["@odata.nextLink"]).json()
    assert "@odata.nextLink" not in second
    assert [op["id"] for op in first["value"] + second["value"]] == ids


def test_get_operation_unsupported(emu, graph):
    emu.config(get_operation="unsupported")
    call = emu.create_call()
    operation = _invite(graph, call["id"], _user(ADA))
    for url in (
        f"/v1.0/communications/calls/{call['id']}/operations/{operation['id']}",
        f"/beta/communications/calls/{call['id']}/operations/{operation['id']}",
        f"/v1.0/communications/calls/{call['id']}/operations/no-such-operation",
        "/v1.0/communications/calls/no-such-call/operations/x",
    ):
        response = graph.get(url)
        assert response.status_code == 404, url
        assert (response.json()["error"]["code"], response.json()["error"]["message"]) == ("itemNotFound", "Operation not found.")
    # Only the single-operation read is refused: the list and the roster still answer.
    assert [op["id"] for op in graph.get(f"/v1.0/communications/calls/{call['id']}/operations").json()["value"]] == [operation["id"]]
    assert ("user", ADA) in _roster_ids(graph, call["id"])


def test_get_operation_unsupported_even_while_running(manual, graph):
    emu = manual
    emu.config(get_operation="unsupported", invite_outcome={"result": "answer", "after": 30})
    call = emu.create_call()
    operation = _invite(graph, call["id"], _user(BOB))
    assert graph.get(f"/v1.0/communications/calls/{call['id']}/operations/{operation['id']}").status_code == 404
    emu.config(get_operation="supported")
    assert _operation(graph, call["id"], operation["id"])["status"] == "Running"


def test_get_operation_404_when_finished(manual, graph):
    emu = manual
    emu.config(get_operation="404_when_finished", invite_outcomes={BOB: {"result": "answer", "after": 30}})
    call = emu.create_call()
    done = _invite(graph, call["id"], _user(ADA))
    running = _invite(graph, call["id"], _user(BOB))
    response = graph.get(f"/v1.0/communications/calls/{call['id']}/operations/{done['id']}")
    assert response.status_code == 404 and response.json()["error"]["code"] == "itemNotFound"
    assert _operation(graph, call["id"], running["id"])["status"] == "Running"


def test_status_case_lowercase(emu, graph):
    emu.config(status_case="running")
    call = emu.create_call()
    operation = _invite(graph, call["id"], _user(BOB))
    assert operation["status"] == "running"
    assert _operation(graph, call["id"], operation["id"])["status"] == "completed"
    assert graph.get(f"/v1.0/communications/calls/{call['id']}/operations").json()["value"][0]["status"] == "completed"
    assert emu.call(call["id"])["operations"][0]["status"] == "completed"
    emu.config(invite_outcome={"result": "decline"})
    assert _operation(graph, call["id"], _invite(graph, call["id"], _user(ADA))["id"])["status"] == "failed"


# --- roster_kind / ringing_in_roster ---------------------------------------------------------------


def test_roster_kind_application(emu, graph):
    emu.config(roster_kind="application")
    call = emu.create_call()
    _invite(graph, call["id"], _user(BOB, "Bob"))
    identity = _roster(graph, call["id"])[-1]["info"]["identity"]
    assert "user" not in identity
    assert identity["application"]["id"] == BOB and identity["application"]["displayName"] == "Bob"
    # Still recognised as present: re-inviting is a duplicate.
    emu.config(duplicate_invite="error")
    response = graph.post(f"/v1.0/communications/calls/{call['id']}/participants/invite", json={"participants": [_user(BOB)]})
    assert response.status_code == 409


def test_roster_kind_own_by_default(emu, graph):
    call = emu.create_call()
    _invite(graph, call["id"], _phone())
    assert _roster(graph, call["id"])[-1]["info"]["identity"]["phone"]["id"] == PHONE


def test_ringing_in_roster(manual, graph):
    emu = manual
    emu.config(ringing_in_roster=True, invite_outcomes={BOB: {"result": "answer", "after": 3}, CAT: {"result": "decline", "after": 2}})
    call = emu.create_call()
    operation = _invite(graph, call["id"], _user(BOB), _user(CAT))
    lobby = {e["info"]["identity"]["user"]["id"]: e for e in _roster(graph, call["id"])[1:]}
    assert set(lobby) == {BOB, CAT} and all(e["isInLobby"] is True for e in lobby.values())
    _advance(emu, 2)  # CAT declined and left the lobby; BOB still rings there
    assert [(e["id"], e["isInLobby"]) for e in _roster(graph, call["id"])[1:]] == [(lobby[BOB]["id"], True)]
    _advance(emu, 1)
    assert _operation(graph, call["id"], operation["id"])["status"] == "Failed"
    roster = _roster(graph, call["id"])
    assert [(e["id"], e["isInLobby"]) for e in roster[1:]] == [(lobby[BOB]["id"], False)]


def test_ringing_not_in_roster_by_default(manual, graph):
    emu = manual
    emu.config(invite_outcome={"result": "answer", "after": 30})
    call = emu.create_call()
    _invite(graph, call["id"], _user(BOB))
    assert len(_roster(graph, call["id"])) == 1


def test_removing_a_ringing_participant_cancels_the_invite(manual, graph):
    emu = manual
    emu.config(ringing_in_roster=True, invite_outcome={"result": "answer", "after": 30})
    call = emu.create_call()
    operation = _invite(graph, call["id"], _user(BOB))
    result = emu.leave(call["id"], BOB)
    assert [e["info"]["identity"]["user"]["id"] for e in result["removed"]] == [BOB]
    finished = _operation(graph, call["id"], operation["id"])
    assert finished["status"] == "Failed" and finished["resultInfo"]["code"] == 487


# --- config validation ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key, value",
    [
        ("invite_outcome", {"result": "maybe"}),
        ("invite_outcome", {"result": "answer", "after": -1}),
        ("invite_outcome", {"result": "answer", "after": True}),
        ("invite_outcome", {"result": "answer", "later": 1}),
        ("invite_outcome", "answer"),
        ("invite_outcomes", {BOB: {"result": "nope"}}),
        ("invite_outcomes", {BOB: {"result": "answer"}, BOB.upper(): {"result": "decline"}}),
        ("invite_outcomes", [BOB]),
        ("duplicate_invite", "silently"),
        ("list_operations", 500),
        ("list_operations", "yes"),
        ("list_operations", True),
        ("get_operation", "never"),
        ("status_case", "RUNNING"),
        ("roster_kind", "user"),
        ("ringing_in_roster", "true"),
        ("users_permission", 1),
    ],
)
def test_config_refuses_bad_values(emu, key, value):
    with pytest.raises(AdminError) as excinfo:
        emu.admin("POST", "/config", {key: value})
    assert excinfo.value.status == 400 and key in excinfo.value.body["error"]["message"]


def test_config_accepts_outcomes(emu):
    config = emu.config(invite_outcome={"result": "no_answer", "after": 1.5}, invite_outcomes={PHONE: {"result": "decline"}})
    assert config["invite_outcome"] == {"result": "no_answer", "after": 1.5}
    assert config["invite_outcomes"] == {PHONE: {"result": "decline", "after": 0}}

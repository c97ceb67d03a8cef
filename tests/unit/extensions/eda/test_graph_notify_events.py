# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Notification items -> events: every documented shape, the roster in both plausible forms (whole, or who came and
went), codes as integers, and the same keys on every event."""

# The harness puts the source's folder on sys.path.
import harness  # noqa: F401  pylint: disable=unused-import
from _graph_notify_events import EVENT_KEYS, EventMapper  # pylint: disable=import-error

CALL = "/communications/calls/421f0b00-1b3c-4b6a-9c6e-0d9f5b7a2c11"


def person(pid, uid, name, lobby=False):
    return {"@odata.type": "#microsoft.graph.participant", "id": pid, "isInLobby": lobby, "info": {"identity": {"user": {"id": uid, "displayName": name}}}}


def item(change, url, data):
    return {"changeType": change, "resourceUrl": url, "resourceData": data}


def test_every_event_has_every_key():
    mapper = EventMapper()
    for data in ({"state": "established"}, [], {"status": "running"}, "odd", None):
        assert set(mapper.event(item("updated", CALL, data))) == set(EVENT_KEYS)


def test_call_states():
    mapper = EventMapper()
    established = mapper.event(item("updated", CALL, {"@odata.type": "#microsoft.graph.call", "state": "established"}))
    assert (established["kind"], established["call_id"], established["state"]) == ("call_established", CALL.rsplit("/", 1)[1], "established")
    terminating = mapper.event(item("updated", CALL, {"@odata.type": "#microsoft.graph.call", "state": "terminating"}))
    assert terminating["kind"] == "call_updated"
    ended = mapper.event(
        item("deleted", CALL, {"@odata.type": "#microsoft.graph.call", "state": "terminated", "resultInfo": {"code": "408", "subcode": "8537", "message": "m"}})
    )
    assert ended["kind"] == "call_terminated"
    assert ended["result_info"] == {"code": 408, "subcode": 8537, "message": "m"}


def test_legacy_resource_and_app_calls_path():
    event = EventMapper().event({"changeType": "updated", "resource": "/app/calls/abc", "resourceData": {"state": "established"}})
    assert (event["kind"], event["call_id"]) == ("call_established", "abc")


def test_invite_operations():
    mapper = EventMapper()
    body = {
        "@odata.type": "#microsoft.graph.inviteParticipantsOperation",
        "status": "Completed",
        "clientContext": "INC-1.t1~x",
        "participants": [{"identity": {"phone": {"id": "+14255550123"}}}],
    }
    done = mapper.event(item("deleted", CALL + "/operations/op-7", body))
    assert (done["kind"], done["operation_id"], done["status"], done["client_context"]) == ("invite_completed", "op-7", "completed", "INC-1.t1~x")
    assert done["invitees"] == [{"identity_kind": "phone", "identity_id": "+14255550123", "display_name": None}]
    failed = mapper.event(item("deleted", CALL + "/operations/op-8", {**body, "status": "failed", "resultInfo": {"code": 408, "subcode": 10057}}))
    assert failed["kind"] == "invite_failed" and failed["result_info"]["code"] == 408
    running = mapper.event(item("updated", CALL + "/operations/op-9", {**body, "status": "running"}))
    assert running["kind"] == "operation_updated"
    other = mapper.event(item("deleted", CALL + "/operations/op-10", {"@odata.type": "#microsoft.graph.muteParticipantOperation", "status": "failed"}))
    assert other["kind"] == "operation_updated"


def test_roster_whole_updates():
    mapper = EventMapper()
    bot, alex, sam = person("p0", "bot", "Bot"), person("p1", "u1", "Alex"), person("p2", "u2", "Sam")
    first = mapper.event(item("updated", CALL + "/participants", [bot, alex]))
    assert first["kind"] == "participants_changed"
    assert [p["display_name"] for p in first["joined"]] == ["Bot", "Alex"] and first["left"] == []
    second = mapper.event(item("updated", CALL + "/participants", [bot, sam]))
    assert [p["identity_id"] for p in second["joined"]] == ["u2"]
    assert [p["identity_id"] for p in second["left"]] == ["u1"]
    assert [p["participant_id"] for p in second["participants"]] == ["p0", "p2"]


def test_roster_deltas():
    mapper = EventMapper()
    alex, sam = person("p1", "u1", "Alex"), person("p2", "u2", "Sam")
    joined = mapper.event(item("created", CALL + "/participants", [alex, sam]))
    assert [p["participant_id"] for p in joined["joined"]] == ["p1", "p2"] and joined["left"] == []
    left = mapper.event(item("deleted", CALL + "/participants", [alex]))
    assert [p["participant_id"] for p in left["left"]] == ["p1"] and left["joined"] == []
    # After the delta, a whole roster with Sam only: nobody new, nobody gone.
    whole = mapper.event(item("updated", CALL + "/participants", [sam]))
    assert whole["joined"] == [] and whole["left"] == []


def test_a_terminated_call_forgets_its_roster():
    mapper = EventMapper()
    mapper.event(item("updated", CALL + "/participants", [person("p1", "u1", "Alex")]))
    mapper.event(item("deleted", CALL, {"state": "terminated"}))
    assert mapper.rosters == {}


def test_body_split_skips_non_objects():
    events = EventMapper().events({"value": [item("updated", CALL, {"state": "established"}), "junk", 3]}, "tid", "INC-1")
    assert len(events) == 1 and events[0]["tenant_id"] == "tid" and events[0]["path_suffix"] == "INC-1"

"""--seed FILE: users, meetings, calls and config from one JSON or YAML file, applied before the first request."""
# pylint: disable=missing-function-docstring

import json

import pytest

from emulator.client import EmulatorError, EmulatorProcess

ANA = "2b3c4d5e-6f70-4a81-9b2c-3d4e5f607182"
SEED_YAML = f"""
users:
  - {{id: {ANA}, userPrincipalName: ana@contoso.com, displayName: Ana Lopez}}
meetings:
  - {{organizer: ana@contoso.com, external_id: INC-1, subject: "INC-1: payments"}}
calls:
  - {{id: seeded-call, participants: [{{user: {{id: {ANA}, displayName: Ana Lopez}}}}]}}
config:
  invite_outcomes:
    "+14255550100": {{result: decline, after: 0}}
"""


def test_a_yaml_seed_is_there_from_the_first_request(tmp_path):
    path = tmp_path / "seed.yml"
    path.write_text(SEED_YAML)
    with EmulatorProcess("--seed", str(path)) as emu:
        assert [u["userPrincipalName"] for u in emu.admin("GET", "/users")["value"]] == ["ana@contoso.com"]
        meetings = emu.meetings()
        assert [(m["externalId"], m["subject"]) for m in meetings] == [("INC-1", "INC-1: payments")]
        assert meetings[0]["participants"]["organizer"]["identity"]["user"]["id"] == ANA, "the organizer by principal name"
        assert emu.call("seeded-call")["state"] == "established"
        assert emu.config()["invite_outcomes"] == {"+14255550100": {"result": "decline", "after": 0}}
        assert "seeded meeting INC-1: https://teams.microsoft.com/l/meetup-join/" in emu.log_text()


def test_json_works_and_the_first_line_is_unchanged(tmp_path):
    path = tmp_path / "seed.json"
    path.write_text(json.dumps({"users": [{"id": ANA, "userPrincipalName": "ana@contoso.com", "displayName": "Ana"}]}))
    with EmulatorProcess("--seed", str(path)) as emu:
        assert {"graph_endpoint", "authority_host", "ca_path", "tenant_id", "client_id", "client_secret"} <= set(emu.info)
        assert len(emu.admin("GET", "/users")["value"]) == 1


@pytest.mark.parametrize(
    "content,message",
    [
        ('{"users": [{"id": "x"}]}', "users[0]: 'id' must be a GUID"),
        ('{"people": []}', "unknown section 'people'"),
        ('{"meetings": [{"organizer": "nobody@contoso.com"}]}', "meetings[0].organizer 'nobody@contoso.com' is no seeded user"),
        ('{"config": {"invite_outcome": {"result": "maybe"}}}', "config: "),
        ("[1, 2]", "must be a mapping"),
    ],
)
def test_a_bad_seed_stops_the_start_naming_the_entry(tmp_path, content, message):
    path = tmp_path / "seed.json"
    path.write_text(content)
    with pytest.raises(EmulatorError) as excinfo:
        EmulatorProcess("--seed", str(path)).start()
    assert message in str(excinfo.value) and "--seed %s" % path in str(excinfo.value)

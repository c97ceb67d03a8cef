"""The /_emulator/ admin API: seeding calls, the request log, reset, config, loopback-only access."""
# pylint: disable=missing-function-docstring,redefined-outer-name  # pytest injects fixtures by parameter name

import socket
import ssl
import urllib.error
import urllib.request
from email.message import Message

import pytest

from emulator import admin_api, handler
from emulator import config as config_mod
from emulator.client import AdminError, EmulatorProcess
from emulator.messages import Request
from emulator.state import EmulatorState


def test_create_call_defaults(emu):
    call = emu.create_call([{"user": {"id": "u1", "displayName": "Ada"}}])
    assert call["state"] == "established"
    assert call["chatInfo"]["threadId"].startswith("19:meeting_")
    assert [p["info"]["identity"].get("user", {}).get("id") for p in call["participants"]] == [None, "u1"]
    assert call["participants"][0]["info"]["identity"]["application"]["id"] == emu.info["client_id"]
    assert call["operations"] == []
    assert emu.call(call["id"]) == call
    assert [c["id"] for c in emu.admin("GET", "/calls")["value"]] == [call["id"]]


def test_create_call_options(emu):
    chat = {"threadId": "19:abc@thread.v2", "messageId": "42", "replyChainMessageId": "7"}
    call = emu.create_call(id="fixed-id", chat_info=chat, callback_uri="https://bot.example/cb", state="establishing")
    assert call["id"] == "fixed-id" and call["state"] == "establishing" and call["callbackUri"] == "https://bot.example/cb"
    assert {key: call["chatInfo"][key] for key in chat} == chat
    with pytest.raises(AdminError) as excinfo:
        emu.create_call(id="fixed-id")
    assert excinfo.value.status == 409


@pytest.mark.parametrize(
    "body, word",
    [
        ({"participants": [{"user": {"name": "no id"}}]}, "participants[0]"),
        ({"participants": "u1"}, "participants"),
        ({"group": "yes"}, "group"),
        ({"state": "sleeping"}, "state"),
        ({"colour": "red"}, "colour"),
        ({"chat_info": "x"}, "chat_info"),
    ],
)
def test_create_call_refusals(emu, body, word):
    with pytest.raises(AdminError) as excinfo:
        emu.admin("POST", "/calls", body)
    assert excinfo.value.status == 400
    assert word in excinfo.value.body["error"]["message"]


def test_unknown_admin_call_and_route(emu):
    for path, status in (("/calls/nope", 404), ("/nothing", 404)):
        with pytest.raises(AdminError) as excinfo:
            emu.admin("GET", path)
        assert excinfo.value.status == status
    with pytest.raises(AdminError) as excinfo:
        emu.admin("DELETE", "/config")
    assert excinfo.value.status == 405


def test_request_log_shape_and_redaction(emu, http):
    token = emu.token()
    call = emu.create_call()
    http.get(
        f"/v1.0/communications/calls/{call['id']}/participants?$skiptoken=0&a=1&a=2", headers={"Authorization": f"Bearer {token}", "client-request-id": "cr-9"}
    )
    http.post(f"/v1.0/communications/calls/{call['id']}/participants/invite", json={"participants": []}, headers={"Authorization": f"Bearer {token}"})
    log = emu.requests()
    assert [entry["status"] for entry in log] == [200, 200, 400]  # admin requests are not recorded
    for entry in log:
        assert set(entry) == {"method", "path", "query", "headers", "status", "body", "answered_at"}
    token_entry, read, invite = log
    assert token_entry["method"] == "POST" and token_entry["path"] == f"/{emu.info['tenant_id']}/oauth2/v2.0/token"
    assert token_entry["body"]["client_secret"] == "<redacted>"
    assert token_entry["body"]["grant_type"] == "client_credentials"
    assert read["path"] == f"/v1.0/communications/calls/{call['id']}/participants"
    assert read["query"] == {"$skiptoken": "0", "a": ["1", "2"]}
    assert read["headers"]["Authorization"] == "Bearer <redacted>"
    assert read["headers"]["client-request-id"] == "cr-9"
    assert read["body"] is None
    assert invite["body"] == {"participants": []}
    text = str(log)
    assert token not in text and emu.info["client_secret"] not in text


def test_reset_clears_calls_log_and_config(emu, graph):
    call = emu.create_call()
    emu.config(page_size=3)
    graph.get(f"/v1.0/communications/calls/{call['id']}")
    result = emu.reset()
    assert result["config"] == config_mod.defaults() and result["tokens_cleared"] is False
    assert emu.requests() == []
    assert emu.admin("GET", "/calls") == {"value": []}
    assert emu.config() == config_mod.defaults()
    with pytest.raises(AdminError):
        emu.call(call["id"])


def test_config_merge_and_refusals(emu):
    assert emu.config() == config_mod.defaults() and emu.config()["page_size"] == 100
    assert emu.config(page_size=2) == {**config_mod.defaults(), "page_size": 2}
    assert emu.admin("GET", "/config") == {**config_mod.defaults(), "page_size": 2}
    for bad in ({"page_size": 0}, {"page_size": "3"}, {"page_size": True}, {"page_size": 1.5}, {"colour": 1}):
        with pytest.raises(AdminError) as excinfo:
            emu.admin("POST", "/config", bad)
        assert excinfo.value.status == 400
        assert list(bad)[0] in excinfo.value.body["error"]["message"]
    with pytest.raises(AdminError):
        emu.admin("POST", "/config", [1])
    assert emu.config() == {**config_mod.defaults(), "page_size": 2}


def test_a_call_answers_with_its_own_config(emu, graph):
    # Two calls side by side: one with its own switches, one on the global config, which moves on meanwhile.
    own = emu.create_call(config={"list_operations": 404, "page_size": 1}, participants=[{"user": {"id": "u1"}}])
    plain = emu.create_call(participants=[{"user": {"id": "u2"}}])
    emu.config(status_case="running")
    assert own["config"] == {"list_operations": 404, "page_size": 1} and plain["config"] == {}
    assert graph.get(f"/v1.0/communications/calls/{own['id']}/operations").status_code == 404
    assert graph.get(f"/v1.0/communications/calls/{plain['id']}/operations").status_code == 200
    page = graph.get(f"/v1.0/communications/calls/{own['id']}/participants").json()
    assert len(page["value"]) == 1 and "@odata.nextLink" in page
    assert "@odata.nextLink" not in graph.get(f"/v1.0/communications/calls/{plain['id']}/participants").json()
    # The global keys the call does not set still reach it; a PATCH merges more keys into it.
    invite = {"participants": [{"identity": {"user": {"id": "u3"}}}], "clientContext": "c"}
    assert graph.post(f"/v1.0/communications/calls/{own['id']}/participants/invite", json=invite).json()["status"] == "running"
    changed = emu.call_config(own["id"], status_case="Running", list_operations="supported")
    assert changed["config"] == {"list_operations": "supported", "page_size": 1, "status_case": "Running"}
    listed = graph.get(f"/v1.0/communications/calls/{own['id']}/operations").json()
    assert [op["status"] for op in listed["value"]] == ["Completed"]
    assert emu.config()["list_operations"] == "supported" and emu.config()["page_size"] == 100


@pytest.mark.parametrize(
    "body, word",
    [
        ({"config": {"colour": 1}}, "colour"),
        ({"config": {"list_operations": 418}}, "list_operations"),
        ({"config": [1]}, "config"),
    ],
)
def test_call_config_refusals(emu, body, word):
    with pytest.raises(AdminError) as excinfo:
        emu.admin("POST", "/calls", body)
    assert excinfo.value.status == 400 and word in excinfo.value.body["error"]["message"]
    call = emu.create_call()
    with pytest.raises(AdminError) as excinfo:
        emu.admin("PATCH", "/calls/" + call["id"], body)
    assert excinfo.value.status == 400 and word in excinfo.value.body["error"]["message"]
    with pytest.raises(AdminError) as excinfo:
        emu.admin("PATCH", "/calls/" + call["id"], {})
    assert excinfo.value.status == 400
    assert emu.call(call["id"])["config"] == {}


@pytest.mark.parametrize(
    "host, expected",
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("::ffff:127.0.0.1", True),
        ("10.0.0.5", False),
        ("192.168.1.2", False),
        ("::ffff:10.0.0.5", False),
        ("2001:db8::1", False),
        ("", False),
        ("localhost", False),
    ],
)
def test_is_loopback(host, expected):
    assert admin_api.is_loopback(host) is expected


def test_admin_refuses_remote_clients_and_is_not_recorded():
    state = EmulatorState("https://127.0.0.1:1")
    request = Request("GET", "/_emulator/config", "", Message(), b"", "10.1.2.3")
    response, kind = handler.dispatch(request, state)
    assert (response.status, kind) == (403, "admin")
    assert response.body["error"]["code"] == "Forbidden"
    request = Request("GET", "/_emulator/config", "", Message(), b"", "127.0.0.1")
    assert handler.dispatch(request, state)[0].status == 200


def _non_loopback_address():
    """This machine's outgoing IPv4 address (a UDP connect sends nothing), if it has one."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: only the route lookup matters
        except OSError:
            return None
        address = probe.getsockname()[0]
    return None if admin_api.is_loopback(address) or address == "0.0.0.0" else address


def test_admin_over_the_network_is_forbidden_but_graph_answers():
    address = _non_loopback_address()
    if address is None:
        pytest.skip("this machine has no non-loopback address")
    with EmulatorProcess("--host", "0.0.0.0") as emu:
        context = ssl.create_default_context()
        context.check_hostname = False  # the certificate names loopback only
        context.verify_mode = ssl.CERT_NONE
        for path, status in (("/_emulator/config", 403), ("/v1.0/communications/calls/x", 401)):
            with pytest.raises(urllib.error.HTTPError) as excinfo:
                urllib.request.urlopen(f"https://{address}:{emu.info['port']}{path}", context=context, timeout=10)  # pylint: disable=consider-using-with
            assert excinfo.value.code == status
            excinfo.value.close()
        assert emu.config() == config_mod.defaults()  # loopback still works

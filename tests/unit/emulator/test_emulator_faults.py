"""Fault injection (/_emulator/faults): every action, counting, matching, recording, the token endpoint."""
# pylint: disable=missing-function-docstring,redefined-outer-name  # pytest injects fixtures by parameter name

import time
from concurrent.futures import ThreadPoolExecutor
from email.utils import format_datetime
from datetime import datetime, timedelta, timezone

import msal
import pytest
import requests

from emulator.client import AdminError

INVITEE_ID = "5d0c7a3e-2f4b-4c1d-9e8f-7a6b5c4d3e2f"


def _invite_body():
    return {
        "participants": [
            {
                "@odata.type": "#microsoft.graph.invitationParticipantInfo",
                "identity": {
                    "@odata.type": "#microsoft.graph.identitySet",
                    "user": {"@odata.type": "#microsoft.graph.identity", "id": INVITEE_ID, "displayName": "Grace"},
                },
            }
        ],
        "clientContext": "fault-test",
    }


def _invite_path(call_id):
    return f"/v1.0/communications/calls/{call_id}/participants/invite"


def _token_url(emu):
    return f"{emu.info['authority_host']}/{emu.info['tenant_id']}/oauth2/v2.0/token"


def _token_form(emu):
    return {
        "grant_type": "client_credentials",
        "client_id": emu.info["client_id"],
        "client_secret": emu.info["client_secret"],
        "scope": "https://graph.microsoft.com/.default",
    }


def _last(emu):
    return emu.requests()[-1]


# --- admin API -------------------------------------------------------------------------------


def test_rules_are_listed_with_remaining_counts_and_cleared(emu):
    rules = emu.add_faults(
        {"path": "/participants$", "action": "status", "status": 503}, {"method": "post", "path": "/invite$", "times": 3, "action": "delay", "delay_ms": 10}
    )
    assert [rule["remaining"] for rule in rules] == [1, 3]
    assert rules[0]["method"] == "*" and rules[1]["method"] == "POST"
    assert rules[0]["times"] == 1 and rules[1]["delay_ms"] == 10
    assert emu.faults() == rules
    assert len(emu.add_faults({"action": "malformed", "path": "x"})) == 3  # appended, full list returned
    assert emu.clear_faults() == {"rules": []}
    assert not emu.faults()
    emu.add_faults({"action": "malformed"})
    emu.reset()
    assert not emu.faults()


@pytest.mark.parametrize(
    "rule, words",
    [
        ({"action": "explode"}, "'action' must be one of"),
        ({"action": "status"}, "needs 'status'"),
        ({"action": "status", "status": 200}, "400 to 599"),
        ({"action": "delay"}, "needs 'delay_ms'"),
        ({"action": "malformed", "path": "(unclosed"}, "not a valid regular expression"),
        ({"action": "malformed", "times": 0}, "'times' must be an integer >= 1"),
        ({"action": "malformed", "status": 500}, "does not apply to action 'malformed'"),
        ({"action": "status", "status": 429, "retry_after": ["2"]}, "'retry_after'"),
        ({"action": "redirect"}, "'location' must be a string"),
        ({"action": "redirect", "status": 404, "location": "x"}, "from 300 to 399"),
    ],
)
def test_invalid_rules_are_refused_all_or_nothing(emu, rule, words):
    with pytest.raises(AdminError) as excinfo:
        emu.add_faults({"action": "malformed"}, rule)
    assert excinfo.value.status == 400
    assert words in excinfo.value.body["error"]["message"]
    assert "rules[1]" in excinfo.value.body["error"]["message"]
    assert not emu.faults()


def test_admin_paths_are_never_faulted(emu):
    emu.add_faults({"path": "", "action": "status", "status": 500, "times": 5}, {"path": "^/_emulator", "action": "commit_then_drop", "times": 5})
    emu.create_call()
    assert emu.config()["page_size"] >= 1
    assert emu.faults()[0]["remaining"] == 5 and emu.faults()[1]["remaining"] == 5


# --- status ------------------------------------------------------------------------------------


@pytest.mark.parametrize("retry_after", ["2", "0.5", "http-date"])
def test_status_429_with_retry_after_forms(emu, graph, retry_after):
    if retry_after == "http-date":
        retry_after = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=3), usegmt=True)
    call = emu.create_call()
    emu.add_faults({"method": "GET", "path": "/participants$", "action": "status", "status": 429, "retry_after": retry_after})
    response = graph.get(f"/v1.0/communications/calls/{call['id']}/participants")
    assert response.status_code == 429
    assert response.headers["Retry-After"] == retry_after
    error = response.json()["error"]
    assert error["code"] == "TooManyRequests"
    assert error["innerError"]["request-id"] == response.headers["request-id"]
    entry = _last(emu)
    assert entry["status"] == 429 and entry["fault"] == "status"
    # Used up: the next request is served.
    assert graph.get(f"/v1.0/communications/calls/{call['id']}/participants").status_code == 200
    assert "fault" not in _last(emu)


def test_status_does_not_perform_the_request_and_takes_code_and_message(emu, graph):
    call = emu.create_call()
    emu.add_faults(
        {"method": "POST", "path": "/participants/invite$", "action": "status", "status": 503, "code": "UnknownError", "message": "Service busy"},
        {"path": "/participants/invite$", "action": "status", "status": 504},
    )
    response = graph.post(_invite_path(call["id"]), json=_invite_body())
    assert response.status_code == 503 and "Retry-After" not in response.headers
    assert response.json()["error"]["code"] == "UnknownError" and response.json()["error"]["message"] == "Service busy"
    response = graph.post(_invite_path(call["id"]), json=_invite_body())
    assert response.status_code == 504 and response.json()["error"]["code"] == "gatewayTimeout"
    state = emu.call(call["id"])
    assert not state["operations"]
    assert all(INVITEE_ID not in str(p) for p in state["participants"])


# --- delay ------------------------------------------------------------------------------------


def test_delay_then_normal_answer(emu, graph):
    call = emu.create_call()
    emu.add_faults({"method": "GET", "path": r"/calls/[^/]+$", "action": "delay", "delay_ms": 300})
    started = time.monotonic()
    response = graph.get(f"/v1.0/communications/calls/{call['id']}")
    assert time.monotonic() - started >= 0.3
    assert response.status_code == 200 and response.json()["id"] == call["id"]
    entry = _last(emu)
    assert entry["status"] == 200 and entry["fault"] == "delay"


# --- commit_then_drop / commit_then_status ----------------------------------------------------


def test_commit_then_drop_records_the_invite_and_drops_the_connection(emu, graph):
    call = emu.create_call()
    emu.add_faults({"method": "POST", "path": "/participants/invite$", "action": "commit_then_drop"})
    with pytest.raises(requests.exceptions.ConnectionError) as excinfo:
        graph.post(_invite_path(call["id"]), json=_invite_body())
    assert "RemoteDisconnected" in repr(excinfo.value) or "Connection aborted" in repr(excinfo.value)
    # The invite happened: operation stored, invitee in the call.
    state = emu.call(call["id"])
    assert len(state["operations"]) == 1
    assert state["operations"][0]["clientContext"] == "fault-test"
    entry = _last(emu)
    assert entry["path"] == _invite_path(call["id"]) and entry["status"] is None and entry["fault"] == "commit_then_drop"
    # The same session recovers on a new connection.
    assert graph.get(f"/v1.0/communications/calls/{call['id']}/operations/{state['operations'][0]['id']}").status_code == 200


def test_commit_then_status_performs_then_answers_an_error(emu, graph):
    call = emu.create_call()
    emu.add_faults(
        {"method": "POST", "path": "/participants/invite$", "action": "commit_then_status", "status": 503, "retry_after": "1"},
        {"method": "POST", "path": "/participants/invite$", "action": "commit_then_status"},
    )
    response = graph.post(_invite_path(call["id"]), json=_invite_body())
    assert response.status_code == 503 and response.headers["Retry-After"] == "1"
    assert response.json()["error"]["code"] == "serviceNotAvailable"
    assert "Location" not in response.headers
    assert len(emu.call(call["id"])["operations"]) == 1
    assert _last(emu)["status"] == 503 and _last(emu)["fault"] == "commit_then_status"
    response = graph.post(_invite_path(call["id"]), json={**_invite_body(), "clientContext": "second"})
    assert response.status_code == 500 and response.json()["error"]["code"] == "generalException"
    assert len(emu.call(call["id"])["operations"]) == 2


# --- malformed --------------------------------------------------------------------------------


def test_malformed_json_body(emu, graph):
    call = emu.create_call()
    emu.add_faults({"path": "/participants$", "action": "malformed"})
    response = graph.get(f"/v1.0/communications/calls/{call['id']}/participants")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.text == '{"value": ['
    with pytest.raises(ValueError):
        response.json()
    assert _last(emu)["status"] == 200 and _last(emu)["fault"] == "malformed"


def test_redirect_answers_location_without_performing(emu, graph):
    emu.add_faults({"method": "POST", "path": "/invite$", "action": "redirect", "location": "https://127.0.0.1:9/elsewhere"})
    call = emu.create_call()
    response = graph.post(_invite_path(call["id"]), json=_invite_body(), allow_redirects=False)
    assert response.status_code == 307 and response.headers["Location"] == "https://127.0.0.1:9/elsewhere"
    assert _last(emu)["status"] == 307 and _last(emu)["fault"] == "redirect"
    assert not emu.call(call["id"])["operations"]


# --- counting and matching --------------------------------------------------------------------


def test_times_counting_and_first_match_wins(emu, graph):
    call = emu.create_call()
    url = f"/v1.0/communications/calls/{call['id']}"
    emu.add_faults(
        {"method": "GET", "path": r"/calls/[^/]+$", "action": "status", "status": 503, "times": 2},
        {"method": "GET", "path": r"/calls/", "action": "status", "status": 504},
    )
    assert [graph.get(url, headers={"client-request-id": f"attempt-{attempt}"}).status_code for attempt in range(4)] == [503, 503, 504, 200]
    assert [rule["remaining"] for rule in emu.faults()] == [0, 0]


def test_method_and_path_matching(emu, graph):
    call = emu.create_call()
    emu.add_faults({"method": "POST", "path": "/participants/invite$", "action": "status", "status": 500})
    # Other method, other path: not matched.
    assert graph.get(f"/v1.0/communications/calls/{call['id']}/participants").status_code == 200
    assert graph.get(f"/v1.0/communications/calls/{call['id']}").status_code == 200
    assert emu.faults()[0]["remaining"] == 1
    assert graph.post(_invite_path(call["id"]), json=_invite_body()).status_code == 500
    # The regex is searched in the raw path (percent-encoding kept).
    emu.add_faults({"path": "abc%2Fdef", "action": "status", "status": 502})
    odd = emu.create_call(id="abc/def")
    assert graph.get("/v1.0/communications/calls/abc%2Fdef").status_code == 502
    assert graph.get("/v1.0/communications/calls/abc%2Fdef").json()["id"] == odd["id"]


def test_concurrent_requests_consume_exactly_times(emu, graph):
    call = emu.create_call()
    emu.add_faults({"method": "GET", "path": r"/calls/[^/]+$", "action": "status", "status": 503, "times": 5})
    url = f"{emu.base_url}/v1.0/communications/calls/{call['id']}"
    token = graph.headers["Authorization"]

    def fetch(index):
        return requests.get(url, headers={"Authorization": token, "client-request-id": f"parallel-{index}"}, verify=emu.ca_path, timeout=10).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(fetch, range(16)))
    assert statuses.count(503) == 5 and statuses.count(200) == 11
    assert sum(1 for entry in emu.requests() if entry.get("fault") == "status") == 5


# --- token service ----------------------------------------------------------------------------


def test_token_endpoint_faulted_then_ok(emu, http):
    emu.add_faults({"method": "POST", "path": "/oauth2/v2.0/token$", "action": "status", "status": 503, "retry_after": "0"})
    response = http.post(_token_url(emu), data=_token_form(emu))
    assert response.status_code == 503 and response.headers["Retry-After"] == "0"
    body = response.json()  # Entra's error shape on the token service
    assert body["error"] == "temporarily_unavailable" and body["error_codes"] == [90033]
    assert body["error_description"].startswith("AADSTS90033: ")
    entry = _last(emu)
    assert entry["fault"] == "status" and entry["body"]["client_secret"] == "<redacted>"
    assert http.post(_token_url(emu), data=_token_form(emu)).status_code == 200


def test_msal_sees_token_fault_then_succeeds(emu, make_session):
    emu.add_faults({"method": "POST", "path": "/oauth2/v2.0/token$", "action": "status", "status": 429, "retry_after": "0"})
    app = msal.ConfidentialClientApplication(
        emu.info["client_id"],
        client_credential=emu.info["client_secret"],
        authority=f"{emu.info['authority_host']}/{emu.info['tenant_id']}",
        instance_discovery=False,
        http_client=make_session(emu.ca_path),
    )
    first = app.acquire_token_for_client(scopes=["https://graph.microsoft.com/.default"])
    assert first["error"] == "temporarily_unavailable" and first["error_codes"] == [90055]
    # Retry-After "0": MSAL's throttle cache keeps nothing, the retry reaches the emulator.
    second = app.acquire_token_for_client(scopes=["https://graph.microsoft.com/.default"])
    assert second.get("token_type") == "Bearer", second


def test_openid_discovery_can_be_faulted(emu, http):
    tenant = emu.info["tenant_id"]
    emu.add_faults({"path": "/.well-known/openid-configuration$", "action": "commit_then_status", "status": 500})
    response = http.get(f"/{tenant}/v2.0/.well-known/openid-configuration")
    assert response.status_code == 500 and response.json()["error"] == "server_error"
    assert http.get(f"/{tenant}/v2.0/.well-known/openid-configuration").json()["token_endpoint"].endswith("/oauth2/v2.0/token")

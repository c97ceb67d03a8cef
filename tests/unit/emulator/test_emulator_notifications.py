"""Call notifications from the emulator (config notifications): their shapes, their signature, and each switch.

A small HTTPS receiver on 127.0.0.1 records what the emulator POSTs; the token is checked with PyJWT against the keys
the emulator's OpenID document names. Time moves through the emulator clock (manual mode), never by waiting it out.
"""
# pylint: disable=redefined-outer-name

import http.server
import json
import ssl
import threading
import time

import jwt
import pytest
import requests
import trustme

CA = trustme.CA()
CERT = CA.issue_cert("127.0.0.1")


class Receiver(http.server.ThreadingHTTPServer):
    """Records (headers, body) of every POST and answers 202."""

    def __init__(self):
        self.posts = []
        self.cond = threading.Condition()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # pylint: disable=invalid-name
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with receiver.cond:
                    receiver.posts.append((dict(self.headers), body))
                    receiver.cond.notify_all()
                self.send_response(202)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):  # pylint: disable=arguments-differ
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        CERT.configure_cert(context)
        self.socket = context.wrap_socket(self.socket, server_side=True)
        self.url = f"https://127.0.0.1:{self.server_address[1]}/api/calls/INC-1"

    def wait_for(self, count, timeout=20):
        """The first ``count`` POSTs (the timeout only ends a hung test)."""
        with self.cond:
            assert self.cond.wait_for(lambda: len(self.posts) >= count, timeout), self.posts
            return list(self.posts)


@pytest.fixture
def receiver():
    server = Receiver()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def wait_log(emu, predicate, timeout=20):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        log = emu.notifications()
        if predicate(log):
            return log
        time.sleep(0.05)
    raise AssertionError(emu.notifications())


def test_off_by_default_sends_nothing(emu, receiver):
    call = emu.create_call(callback_uri=receiver.url)
    emu.set_call_state(call["id"], "terminated")
    emu.wait_sweeps()
    assert not receiver.posts and emu.notifications() == []


def test_a_signed_notification_per_change_verifiable_with_the_published_keys(emu, receiver):
    emu.config(notifications=True)
    call = emu.create_call(callback_uri=receiver.url)
    headers, body = receiver.wait_for(1)[0]
    openid = requests.get(emu.info["notification_openid_url"], verify=emu.ca_path, timeout=10).json()
    keys = jwt.PyJWKSet.from_dict(requests.get(openid["jwks_uri"], verify=emu.ca_path, timeout=10).json())
    token = headers["Authorization"].split(" ", 1)[1]
    key = keys[jwt.get_unverified_header(token)["kid"]]
    claims = jwt.decode(token, key.key, algorithms=["RS256"], audience=emu.info["client_id"], issuer=openid["issuer"])
    assert claims["tid"] == emu.info["tenant_id"] and openid["issuer"] == "https://api.botframework.com"
    first = body["value"][0]
    assert (first["changeType"], first["resourceUrl"], first["resourceData"]["state"]) == ("updated", f"/communications/calls/{call['id']}", "established")
    emu.set_call_state(call["id"], "terminated")
    posts = receiver.wait_for(2)
    assert [(item["changeType"], item["resourceData"]["state"]) for item in posts[1][1]["value"]] == [("updated", "terminating"), ("deleted", "terminated")]


def test_invite_outcomes_and_the_roster(emu, receiver, graph):
    emu.config(notifications=True, invite_outcomes={"u-decline": {"result": "decline"}})
    call = emu.create_call(callback_uri=receiver.url)
    receiver.wait_for(1)
    for user in ("u-answer", "u-decline"):
        body = {"participants": [{"identity": {"user": {"id": user}}}], "clientContext": f"INC-1.t1~{user}"}
        assert graph.post(f"/v1.0/communications/calls/{call['id']}/participants/invite", json=body).status_code in (200, 201, 202)
    log = wait_log(emu, lambda log: sum(kind == "invite" for entry in log for kind in entry.get("kinds", [])) == 2)
    operations = [item["resourceData"] for entry in log for item in entry["body"]["value"] if "/operations/" in item["resourceUrl"]]
    assert sorted((op["clientContext"], op["status"]) for op in operations) == [("INC-1.t1~u-answer", "completed"), ("INC-1.t1~u-decline", "failed")]
    failed = next(op for op in operations if op["status"] == "failed")
    assert failed["resultInfo"]["code"] == 603 and failed["@odata.type"] == "#microsoft.graph.inviteParticipantsOperation"
    rosters = [item for entry in log for item in entry["body"]["value"] if item["resourceUrl"].endswith("/participants")]
    assert rosters and rosters[-1]["changeType"] == "updated"
    assert any(p["info"]["identity"].get("user", {}).get("id") == "u-answer" for p in rosters[-1]["resourceData"])


def test_roster_as_deltas(emu, receiver):
    emu.config(notifications=True, notification_roster="delta")
    call = emu.create_call([{"user": {"id": "u1"}}, {"user": {"id": "u2"}}], callback_uri=receiver.url)
    receiver.wait_for(1)
    emu.leave(call["id"], "u1")
    posts = receiver.wait_for(2)
    deleted = posts[1][1]["value"]
    assert [item["changeType"] for item in deleted] == ["deleted"] and len(deleted[0]["resourceData"]) == 1


def test_drop_delay_duplicate_reorder(emu, receiver):
    emu.clock(mode="manual")
    emu.config(notifications=True, notification_drop=["call_state", "participants"])
    dropped = emu.create_call(callback_uri=receiver.url)
    wait_log(emu, lambda log: any(entry.get("dropped") and entry["call_id"] == dropped["id"] for entry in log))
    assert not receiver.posts

    emu.config(notification_drop=[], notification_delay=30, notification_duplicate=True)
    delayed = emu.create_call(callback_uri=receiver.url)
    emu.wait_sweeps()
    assert emu.notification_counts()["pending"] == 2 and not receiver.posts  # not sent before the emulator clock moves
    emu.clock(advance=30)
    posts = receiver.wait_for(2)
    assert posts[0][1] == posts[1][1] and posts[0][1]["value"][0]["resourceUrl"].endswith(delayed["id"])

    emu.config(notification_delay=0, notification_duplicate=False, notification_reorder=True)
    reordered = emu.create_call(callback_uri=receiver.url)
    emu.wait_sweeps()  # the call's first POST is made (and held back) before the call ends, whatever the machine's speed
    assert emu.notification_counts()["pending"] == 1
    emu.set_call_state(reordered["id"], "terminated")
    posts = receiver.wait_for(4)
    assert [item["resourceData"]["state"] for item in posts[2][1]["value"]] == ["terminating", "terminated"]
    assert posts[3][1]["value"][0]["resourceData"]["state"] == "established"  # the POST held back, after the newer one


@pytest.mark.parametrize("mode", ["bad_signature", "unknown_key", "expired", "not_yet_valid", "wrong_audience", "wrong_issuer", "no_tenant", "alg_none"])
def test_wrong_signatures_fail_verification(emu, receiver, mode):
    emu.config(notifications=True, notification_signing=mode)
    emu.create_call(callback_uri=receiver.url)
    headers, dummy = receiver.wait_for(1)[0]
    keys = jwt.PyJWKSet.from_dict(requests.get(emu.base_url + "/_emulator/notifications/keys", verify=emu.ca_path, timeout=10).json())
    token = headers["Authorization"].split(" ", 1)[1]
    with pytest.raises((jwt.InvalidTokenError, KeyError, jwt.PyJWKSetError)):
        kid = jwt.get_unverified_header(token)["kid"]
        claims = jwt.decode(token, keys[kid].key, algorithms=["RS256"], audience=emu.info["client_id"], issuer="https://api.botframework.com")
        if "tid" not in claims:
            raise jwt.MissingRequiredClaimError("tid")


def test_no_token_and_rotated_key(emu, receiver):
    emu.config(notifications=True, notification_signing="no_token")
    emu.create_call(callback_uri=receiver.url)
    assert "Authorization" not in receiver.wait_for(1)[0][0]
    emu.config(notification_signing="rotated_key")
    emu.create_call(callback_uri=receiver.url)
    token = receiver.wait_for(2)[1][0]["Authorization"].split(" ", 1)[1]
    keys = jwt.PyJWKSet.from_dict(requests.get(emu.base_url + "/_emulator/notifications/keys", verify=emu.ca_path, timeout=10).json())
    assert jwt.get_unverified_header(token)["kid"] == "emulator-key-2"
    jwt.decode(token, keys["emulator-key-2"].key, algorithms=["RS256"], audience=emu.info["client_id"])


def test_bad_switch_values_are_refused(emu):
    for key, value in (("notification_drop", ["calls"]), ("notification_signing", "sloppy"), ("notification_delay", -1), ("notifications", "yes")):
        with pytest.raises(Exception, match=key):
            emu.config(**{key: value})

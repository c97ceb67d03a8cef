"""Fixtures for the emulator's own tests: one real HTTPS server per test module, reset per test."""
# pylint: disable=redefined-outer-name  # pytest injects fixtures by parameter name

import os
import sys

import pytest
import requests

# The emulator package is ``emulator`` inside tests/; put tests/ first so it wins over this
# directory (also named emulator, but not a package).
TESTS_DIR = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
if TESTS_DIR not in sys.path:
    sys.path.insert(0, TESTS_DIR)

from emulator.client import EmulatorProcess  # noqa: E402  pylint: disable=wrong-import-position


class VerifyingSession(requests.Session):
    """requests.Session that passes ``verify=ca_path`` on every request.

    REQUESTS_CA_BUNDLE, where the machine sets it, overrides ``Session.verify`` (requests merges the
    environment's settings into each request); only a per-request ``verify`` wins, so force it here.
    """

    def __init__(self, ca_path, base_url=""):
        super().__init__()
        self.ca_path = ca_path
        self.base_url = base_url

    def request(self, method, url, *args, **kwargs):  # pylint: disable=arguments-differ
        kwargs["verify"] = self.ca_path
        if url.startswith("/"):
            url = self.base_url + url
        return super().request(method, url, *args, **kwargs)


@pytest.fixture
def make_session():
    """The VerifyingSession class, for tests that need their own session (e.g. for MSAL)."""
    return VerifyingSession


@pytest.fixture(scope="module")
def server():
    """The emulator process shared by one test module."""
    with EmulatorProcess() as emu:
        yield emu
    assert emu.returncode == 0, emu.log_text()


@pytest.fixture
def emu(server):
    """The module's emulator, reset (calls, log, config) before the test."""
    server.reset()
    return server


@pytest.fixture
def http(emu):
    """A VerifyingSession whose relative URLs go to the emulator."""
    with VerifyingSession(emu.ca_path, emu.base_url) as session:
        yield session


@pytest.fixture
def token(emu):
    """A fresh access token for the default app (per test: some tests reset with tokens=True)."""
    return emu.token()


@pytest.fixture
def graph(http, token):
    """A session that also sends the bearer token."""
    http.headers["Authorization"] = f"Bearer {token}"
    return http

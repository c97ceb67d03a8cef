"""Thread-safe in-memory state: the app registration, issued tokens, calls, meetings, request log, config, clock.

The server is threaded (one thread per connection), so every read-modify-write of the shared
data happens under ``EmulatorState.lock``; callers that build responses from a call take the
lock, deep-copy what they need, and release it before serialising.
"""

import copy
import secrets
import threading
import uuid
from dataclasses import dataclass, field

from emulator import config as config_mod
from emulator.clock import RESOLUTION, Clock
from emulator.faults import FaultRules
from emulator.holds import HeldRequests
from emulator.notify_signing import Signer

# The default app registration. Fixed values so docs, playbooks and tests can rely on them;
# they are realistic in shape (GUIDs) but obviously not real credentials.
DEFAULT_TENANT_ID = "5b7c9e3a-1d2f-4c6b-8a9e-0f1e2d3c4b5a"
DEFAULT_CLIENT_ID = "3f1c8e2a-7b4d-4c9e-a5f6-1d2e3c4b5a69"
DEFAULT_CLIENT_SECRET = "emulator-secret-not-a-real-credential"
BOT_DISPLAY_NAME = "msgraph.calls emulator bot"

# Entra ID issues app-only tokens for about an hour and reports 3599 s.
TOKEN_LIFETIME_SECONDS = 3599

# call.state values documented for v1.0 (Microsoft Graph docs: call resource type).
CALL_STATES = (
    "incoming",
    "establishing",
    "ringing",
    "established",
    "hold",
    "transferring",
    "transferAccepted",
    "redirecting",
    "terminating",
    "terminated",
)


def new_guid():
    """A random GUID string, the shape Graph uses for ids and request ids."""
    return str(uuid.uuid4())


@dataclass(frozen=True)
class AppRegistration:
    """The one app (bot) registration the token service knows."""

    tenant_id: str = DEFAULT_TENANT_ID
    client_id: str = DEFAULT_CLIENT_ID
    client_secret: str = DEFAULT_CLIENT_SECRET
    display_name: str = BOT_DISPLAY_NAME


@dataclass
class IssuedToken:
    """What the emulator remembers about an access token it issued."""

    tenant_id: str
    client_id: str
    expires_at: float


@dataclass
class Call:  # pylint: disable=too-many-instance-attributes
    """A call the bot is part of. ``participants`` holds participant resources, bot first."""

    id: str
    group: bool
    state: str
    chat_info: object
    callback_uri: str
    direction: str = "outgoing"
    my_participant_id: str = ""
    participants: list = field(default_factory=list)
    # Insertion-ordered: operation id -> operation resource (a dict, as Graph returns it;
    # ``status`` in camelCase, rendered per config status_case by invite.render_operation).
    operations: dict = field(default_factory=dict)
    # operation id -> invite.InviteRun: per-invitee outcomes and timestamps (the lifecycle).
    invite_runs: dict = field(default_factory=dict)
    # --- The call's own lifecycle (lifecycle.py); times are ``state.clock.now()`` values. ---
    # "admin" (seeded by POST /_emulator/calls) or "graph" (POST /communications/calls).
    origin: str = "admin"
    created_at: float = None
    last_keep_alive: float = None
    keep_alive_count: int = 0
    # A call created by POST settles at establish_at: established, or terminated for the reason
    # establish_failure (a lifecycle.py reason tuple, decided at creation).
    establish_at: float = None
    establish_failure: tuple = None
    # Targets of a created call: an invite.InviteRun (not listed as an operation) that starts
    # ringing when the call is established; targets_ring_in_roster is ringing_in_roster at creation.
    targets_run: object = None
    targets_ring_in_roster: bool = False
    # Set once the call ended in the lifecycle (hang-up, keepAlive timeout, failed join,
    # replaced); Graph then answers per config ended_calls. An admin PATCH to "terminated" only
    # changes ``state``.
    ended_at: float = None
    end_reason: str = None
    result_info: dict = None
    # Meeting joins: the Meeting id and the meetingInfo type used (joinMeetingIdMeetingInfo, ...).
    meeting_id: str = None
    joined_by: str = None
    # Lower-cased identity ids the call was made as (its source), for config join_twice.
    joined_as: tuple = ()
    # The meeting's lobby (lobby.py): the bot held in it (until admitted, or until lobby_end_at under bot_lobby:
    # terminate), and whether phones that answer wait in it (lobby_invite_operation's value, None when they bypass it).
    bot_in_lobby: bool = False
    lobby_end_at: float = None
    phone_lobby: str = None
    # Config keys this call answers with instead of the global config (POST /_emulator/calls "config"):
    # several behaviours side by side, one call each, in one playbook run.
    config: dict = field(default_factory=dict)
    # Call resource properties of a created call beyond the seeded shape (targets, mediaConfig,
    # meetingInfo, source, subject, tenantId, callChainId, ...), rendered by resources.call_resource.
    extra: dict = field(default_factory=dict)

    @property
    def ended(self):
        """True once the call ended in the lifecycle (not merely PATCHed to terminated)."""
        return self.ended_at is not None


@dataclass
class Meeting:
    """An online meeting the emulator knows: created by createOrGet, seeded by the admin API, or
    invented by a join under config unknown_meeting: join. ``resource`` is the onlineMeeting as
    Graph returns it (without @odata.context)."""

    resource: dict
    organizer_id: str
    external_id: str = None
    # identitySets of people in the meeting (admin seeded): listed in the roster of a call joining it.
    roster: list = field(default_factory=list)
    origin: str = "createOrGet"

    @property
    def id(self):  # pylint: disable=invalid-name
        """The onlineMeeting id."""
        return self.resource["id"]

    @property
    def thread_id(self):
        """chatInfo.threadId, what an organizerMeetingInfo join names."""
        return self.resource["chatInfo"]["threadId"]

    @property
    def join_meeting_id(self):
        """joinMeetingIdSettings.joinMeetingId (digits)."""
        return self.resource["joinMeetingIdSettings"]["joinMeetingId"]

    @property
    def passcode(self):
        """joinMeetingIdSettings.passcode, or None when the meeting has none."""
        return self.resource["joinMeetingIdSettings"]["passcode"]


class EmulatorState:  # pylint: disable=too-many-instance-attributes
    """All mutable state of one emulator process."""

    def __init__(self, base_url, app=None):
        self.lock = threading.RLock()
        self.base_url = base_url
        self.app = app or AppRegistration()
        self.info = {}
        self.calls = {}
        # Online meetings (meetings_api.py): meeting id -> Meeting.
        self.meetings = {}
        # Directory users for GET /users/{id|upn}: lower-case id -> user dict (users_api.py).
        self.users = {}
        self.tokens = {}
        self.request_log = []
        self.config = config_mod.defaults()
        # Injected faults (/_emulator/faults) and the requests their hold action keeps waiting;
        # their own locks, cleared by reset().
        self.faults = FaultRules()
        self.holds = HeldRequests()
        # What the lifecycle and token expiry measure time with (/_emulator/clock); its own lock.
        self.clock = Clock()
        # The sender of call notifications (notifier.Notifier), when the server runs one.
        self.notifier = None
        # The test OIDC issuer's keys (federation.py): workload identity federation's tokens are signed with them.
        self.oidc = Signer()

    # --- tokens -------------------------------------------------------------------------

    def client_secrets(self):
        """The secrets the app accepts now: config client_secrets (a rotation), else its one default secret."""
        with self.lock:
            return list(self.config.get("client_secrets") or [self.app.client_secret])

    def issue_token(self, client_id, lifetime=None):
        """Create and remember an opaque access token for the emulator's tenant.

        ``lifetime`` in seconds defaults to the config key ``token_lifetime``.
        """
        token = secrets.token_urlsafe(48)
        with self.lock:
            if lifetime is None:
                lifetime = self.config.get("token_lifetime", TOKEN_LIFETIME_SECONDS)
            self.tokens[token] = IssuedToken(self.app.tenant_id, client_id, self.clock.time() + lifetime)
        return token

    def check_token(self, token):
        """Return None if ``token`` is usable for Graph, else a reason for the 401 message."""
        with self.lock:
            issued = self.tokens.get(token)
        if issued is None:
            return "Access token validation failure: the token was not issued by this emulator."
        if issued.expires_at <= self.clock.time() + RESOLUTION:
            return "Lifetime validation failed, the token is expired."
        if issued.tenant_id != self.app.tenant_id:
            return "Access token validation failure: the token was issued for another tenant."
        return None

    # --- calls ---------------------------------------------------------------------------

    def add_call(self, call):
        """Store a new call; return False if the id is taken."""
        with self.lock:
            if call.id in self.calls:
                return False
            self.calls[call.id] = call
            return True

    def get_call(self, call_id):
        """The live Call object (callers hold ``lock`` while they use it) or None."""
        with self.lock:
            return self.calls.get(call_id)

    # --- request log and config ----------------------------------------------------------

    def record(self, entry):
        """Append one already-redacted request record."""
        with self.lock:
            self.request_log.append(entry)

    def requests(self):
        """A deep copy of the request log, oldest first."""
        with self.lock:
            return copy.deepcopy(self.request_log)

    def get_config(self):
        """A copy of the current config."""
        with self.lock:
            return dict(self.config)

    def config_for(self, call):
        """The config a request on ``call`` (a Call, a call id or None) sees: the global one, then the call's own keys."""
        with self.lock:
            if isinstance(call, str):
                call = self.calls.get(call)
            if call is None or not call.config:
                return self.config
            return {**self.config, **call.config}

    def update_config(self, changes):
        """Validate then merge ``changes`` atomically; return the full config. Raises ValueError."""
        checked = config_mod.validate(changes)
        with self.lock:
            self.config.update(checked)
            return dict(self.config)

    def clear_faults(self):
        """Drop every fault rule and cancel the requests held by hold rules (answered 503, not performed)."""
        self.faults.clear()
        self.holds.cancel_all()

    def reset(self, tokens=False):
        """Forget calls, operations, meetings, directory users, the request log, config changes and faults; real clock.

        Issued tokens survive unless ``tokens`` is true: a module under test caches its
        token (MSAL, a token file), and a reset between test cases must not turn that
        cache into surprising 401s.
        """
        self.clear_faults()
        with self.lock:
            self.calls.clear()
            self.meetings.clear()
            self.users.clear()
            self.request_log.clear()
            self.config = config_mod.defaults()
            self.clock.reset()
            if self.notifier is not None:
                self.notifier.reset()
            if tokens:
                self.tokens.clear()

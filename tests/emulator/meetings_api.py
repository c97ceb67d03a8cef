"""Online meetings: ``POST /users/{userId}/onlineMeetings/createOrGet``, ``GET /users/{userId}/onlineMeetings/{id}``,
the meetings the admin API seeds, and how a call join finds a meeting (Microsoft Graph docs: onlineMeeting: createOrGet, Get onlineMeeting).

A meeting is stored in ``state.meetings`` as a ``state.Meeting`` whose ``resource`` is the
onlineMeeting as Graph returns it. A call join (calls_api.py) knows it by ``chatInfo.threadId`` +
organizer (organizerMeetingInfo) or by ``joinMeetingId`` + passcode (joinMeetingIdMeetingInfo).
Times come from the emulator's clock (``state.clock.time()``, the wall-clock view).
"""

import base64
import copy
import re
import secrets
import string
from datetime import datetime, timedelta, timezone
from urllib.parse import quote

from emulator import config as config_mod
from emulator import resources, users_api
from emulator.errors import GraphError
from emulator.messages import Response
from emulator.state import Meeting, new_guid

SHORT_URL = "https://teams.microsoft.com/meet/{join_meeting_id}"
JOIN_URL = "https://teams.microsoft.com/l/meetup-join/{thread}/0?context=%7b%22Tid%22%3a%22{tenant}%22%2c%22Oid%22%3a%22{organizer}%22%7d"
DEFAULT_DURATION = timedelta(hours=1)
PASSCODE_LENGTH = 18
JOIN_MEETING_ID_DIGITS = 13
ADMIN_MEETING_KEYS = ("organizer", "subject", "external_id", "thread_id", "join_meeting_id", "passcode", "participants", "lobby_bypass_settings")
# Seeded and invented meetings stand for bridges people reach: nobody waits in their lobby unless a test says so.
OPEN_LOBBY = {"scope": "everyone", "isDialInBypassEnabled": True}
# What PATCH /users/{userId}/onlineMeetings/{meetingId} may change here (Graph's update takes more; the emulator needs these).
PATCH_KEYS = ("subject", "startDateTime", "endDateTime", "lobbyBypassSettings")
_ALNUM = string.ascii_letters + string.digits
# ISO 8601 date-time as Graph accepts it: fractional seconds of any length, Z or an offset (none: UTC).
_DATETIME = re.compile(r"^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)(?::(\d\d)(?:\.(\d+))?)?(Z|[+-]\d\d:?\d\d)?$", re.IGNORECASE)


def _bad(message):
    return GraphError(400, "BadRequest", message)


# --- values that look like Teams' ----------------------------------------------------------------


def _digits(count):
    return str(secrets.randbelow(9) + 1) + "".join(secrets.choice(string.digits) for _digit in range(count - 1))


def _thread_id():
    """``19:meeting_<base64 of a GUID>@thread.v2``, like real meeting threads (letters and digits only)."""
    while True:
        token = base64.b64encode(new_guid().encode("ascii")).decode("ascii").rstrip("=")
        if token.isalnum():
            return f"19:meeting_{token}@thread.v2"


def _passcode():
    return "".join(secrets.choice(_ALNUM) for _char in range(PASSCODE_LENGTH))


def _meeting_id(organizer_id, thread_id):
    """Opaque like Graph's (base64 of ``1*<organizer>*0**<thread>``), URL-safe so it is one path segment."""
    raw = f"1*{organizer_id or ''}*0**{thread_id}".encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def format_time(moment):
    """A UTC datetime as Graph writes it: ``2020-09-11T06:30:18.0615989Z`` (seven fractional digits)."""
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond:06d}0Z"


def _offset(zone):
    """The timedelta of ``Z``, ``+02:00``, ``-0530`` or None (UTC)."""
    if not zone or zone.upper() == "Z":
        return timedelta(0)
    digits = zone[1:].replace(":", "")
    return (-1 if zone[0] == "-" else 1) * timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))


def parse_time(value, name):
    """An ISO 8601 date-time string -> aware UTC datetime; 400 naming ``name`` otherwise."""
    match = _DATETIME.match(value) if isinstance(value, str) else None
    if match is None:
        raise _bad(f"'{name}' must be an ISO 8601 date-time like 2020-02-06T01:49:21.3524945+00:00; got {value!r}.")
    fields = [int(part or 0) for part in match.groups()[:6]]
    micro = int((match.group(7) or "0")[:6].ljust(6, "0"))
    try:
        moment = datetime(*fields, micro, tzinfo=timezone(_offset(match.group(8))))
    except ValueError as exc:
        raise _bad(f"'{name}' is not a valid date-time: {value!r} ({exc}).") from exc
    return moment.astimezone(timezone.utc)


def _now(state):
    return datetime.fromtimestamp(state.clock.time(), timezone.utc)


def meeting_times(state, start_value, end_value):
    """(start, end) per createOrGet's rules: defaults now and start + 1 h; end without start or before start: 400."""
    if end_value is not None and start_value is None:
        raise _bad("'endDateTime' cannot be provided without 'startDateTime'.")
    start = parse_time(start_value, "startDateTime") if start_value is not None else _now(state)
    end = parse_time(end_value, "endDateTime") if end_value is not None else start + DEFAULT_DURATION
    if end < start:
        raise _bad("'endDateTime' must not be earlier than 'startDateTime'.")
    return start, end


# --- building and finding meetings ---------------------------------------------------------------


def _organizer(state, organizer_id):
    """The organizer meetingParticipantInfo; upn/displayName from the directory user when registered."""
    user = users_api.find_user(state, organizer_id) if organizer_id else None
    identity = {"id": organizer_id, "displayName": user["displayName"] if user else None, "tenantId": state.app.tenant_id}
    return {"upn": user["userPrincipalName"] if user else None, "role": "presenter", "identity": {"user": identity}}


def new_meeting(state, organizer_id, **options):
    """Build (not store) a Meeting. Options: subject, start, end (datetimes), external_id, attendees,
    thread_id, join_meeting_id, passcode (None: no passcode; absent: generated), roster, origin, lobby (lobbyBypassSettings)."""
    now = _now(state)
    start = options.get("start") or now
    end = options.get("end") or start + DEFAULT_DURATION
    thread_id = options.get("thread_id") or _thread_id()
    join_meeting_id = options.get("join_meeting_id") or _digits(JOIN_MEETING_ID_DIGITS)
    passcode = options["passcode"] if "passcode" in options else _passcode()
    conference_id = _digits(9)
    resource = {
        "id": _meeting_id(organizer_id, thread_id),
        "creationDateTime": format_time(now),
        "startDateTime": format_time(start),
        "endDateTime": format_time(end),
        "joinWebUrl": JOIN_URL.format(thread=quote(thread_id, safe="").replace("%3A", "%3a"), tenant=state.app.tenant_id, organizer=organizer_id or ""),
        "subject": options.get("subject"),
        "externalId": options.get("external_id"),
        "isBroadcast": False,
        "autoAdmittedUsers": "everyoneInCompany",
        "isEntryExitAnnounced": True,
        "allowedPresenters": "everyone",
        "videoTeleconferenceId": _digits(10),
        "participants": {
            "organizer": _organizer(state, organizer_id),
            "attendees": copy.deepcopy(options.get("attendees") or []),
            "producers": [],
            "contributors": [],
        },
        "lobbyBypassSettings": copy.deepcopy(options.get("lobby") or OPEN_LOBBY),
        "audioConferencing": {
            "conferenceId": conference_id,
            "tollNumber": None,
            "tollFreeNumber": None,
            "tollNumbers": [],
            "tollFreeNumbers": [],
            "dialinUrl": None,
        },
        "chatInfo": {"threadId": thread_id, "messageId": "0", "replyChainMessageId": None},
        "joinMeetingIdSettings": {"isPasscodeRequired": passcode is not None, "joinMeetingId": join_meeting_id, "passcode": passcode},
    }
    return Meeting(
        resource=resource,
        organizer_id=organizer_id,
        external_id=options.get("external_id"),
        roster=copy.deepcopy(options.get("roster") or []),
        origin=options.get("origin", "createOrGet"),
    )


def normalise_join_meeting_id(value):
    """A joinMeetingId as compared: without whitespace (people write them in groups of digits)."""
    return "".join(str(value).split())


def find_by_thread(state, thread_id):
    """The meeting whose chatInfo.threadId is ``thread_id`` (exact), or None. Caller holds the lock."""
    return next((meeting for meeting in state.meetings.values() if meeting.thread_id == thread_id), None)


def find_by_join_meeting_id(state, join_meeting_id):
    """The meeting with that joinMeetingId (whitespace ignored), or None. Caller holds the lock."""
    wanted = normalise_join_meeting_id(join_meeting_id)
    return next((meeting for meeting in state.meetings.values() if normalise_join_meeting_id(meeting.join_meeting_id) == wanted), None)


def _find_external(state, organizer_id, external_id):
    return next(
        (meeting for meeting in state.meetings.values() if meeting.external_id == external_id and (meeting.organizer_id or "").lower() == organizer_id.lower()),
        None,
    )


def store(state, meeting):
    """Remember a meeting (caller holds the lock)."""
    state.meetings[meeting.id] = meeting


def short_url(meeting):
    """``https://teams.microsoft.com/meet/<joinMeetingId>?p=<passcode>`` (no ``p`` without a passcode)."""
    url = SHORT_URL.format(join_meeting_id=meeting.join_meeting_id)
    return f"{url}?p={meeting.passcode}" if meeting.passcode else url


def admin_view(state, meeting):
    """The onlineMeeting plus what only the admin API shows: short_url, roster, origin and the calls that joined it."""
    view = copy.deepcopy(meeting.resource)
    view.update(
        {
            "short_url": short_url(meeting),
            "roster": copy.deepcopy(meeting.roster),
            "origin": meeting.origin,
            "calls": [call.id for call in state.calls.values() if call.meeting_id == meeting.id],
        }
    )
    return view


# --- Graph routes ---------------------------------------------------------------------------------


def _resolve_user(state, key):
    """The directory user named by the path's userId: object id, or (config meeting_user_upn: accepted) a UPN; else 404."""
    user = users_api.find_user(state, key)
    if user is not None and key.lower() != user["id"].lower() and state.config["meeting_user_upn"] == "rejected":
        user = None
    if user is None:
        raise GraphError(404, "itemNotFound", f"User '{key}' was not found; userId must be the object id of a user of the tenant.")
    return user


def _check_access_policy(state, user, action):
    """Config meeting_access_policy ("global" or user ids); refusal status per access_policy_error_status."""
    policy = state.config["meeting_access_policy"]
    if policy == "global" or user["id"].lower() in policy:
        return
    raise GraphError(
        state.config["access_policy_error_status"],
        "Unauthorized",
        f"App {state.app.client_id} is not authorized to {action} meeting on behalf of user {user['id']}",
    )


def _check_attendees(participants):
    """meetingParticipants: ``{"attendees": [meetingParticipantInfo...]}`` (organizer ignored); returns the attendees."""
    if participants is None:
        return []
    if not isinstance(participants, dict):
        raise _bad("'participants' must be a meetingParticipants object.")
    attendees = participants.get("attendees") or []
    if not isinstance(attendees, list):
        raise _bad("'participants.attendees' must be a collection of meetingParticipantInfo.")
    result = []
    for index, attendee in enumerate(attendees):
        where = f"participants.attendees[{index}]"
        if not isinstance(attendee, dict):
            raise _bad(f"'{where}' must be a meetingParticipantInfo object.")
        if attendee.get("identity") is not None:
            resources.check_identity_set(attendee["identity"], f"{where}.identity")
        if attendee.get("upn") is not None and not isinstance(attendee["upn"], str):
            raise _bad(f"'{where}.upn' must be a string.")
        result.append({"upn": attendee.get("upn"), "role": attendee.get("role", "attendee"), "identity": copy.deepcopy(attendee.get("identity"))})
    return result


def _check_create_body(body):
    if not isinstance(body, dict):
        raise _bad("The request body must be a JSON onlineMeeting object.")
    external_id = body.get("externalId")
    if external_id is None:
        raise _bad("'externalId' is required.")
    if not isinstance(external_id, str) or not external_id.strip():
        raise _bad("'externalId' must be a non-empty string.")
    if body.get("subject") is not None and not isinstance(body["subject"], str):
        raise _bad("'subject' must be a string.")
    return _check_attendees(body.get("participants"))


def _entity(state, version, user, meeting):
    body = {"@odata.context": f"{state.base_url}/{version}/$metadata#users('{user['id']}')/onlineMeetings/$entity"}
    body.update(copy.deepcopy(meeting.resource))
    return body


def create_or_get(req, state, version, user_key):
    """POST /users/{userId}/onlineMeetings/createOrGet: 201 with a new meeting, 200 with the one of (user, externalId)."""
    if req.media_type() != "application/json":
        raise GraphError(415, "UnsupportedMediaType", "Content-Type must be application/json.")
    body = req.json()
    with state.lock:
        user = _resolve_user(state, user_key)
        _check_access_policy(state, user, "Create")
        attendees = _check_create_body(body)
        start, end = meeting_times(state, body.get("startDateTime"), body.get("endDateTime"))
        meeting = _find_external(state, user["id"], body["externalId"])
        if meeting is not None:
            if state.config["create_or_get_updates"]:
                if "subject" in body:
                    meeting.resource["subject"] = body["subject"]
                if body.get("startDateTime") is not None:
                    meeting.resource["startDateTime"], meeting.resource["endDateTime"] = format_time(start), format_time(end)
            return Response(200, _entity(state, version, user, meeting))
        meeting = new_meeting(
            state,
            user["id"],
            subject=body.get("subject"),
            start=start,
            end=end,
            external_id=body["externalId"],
            attendees=attendees,
            lobby=state.config["meeting_lobby"],
        )
        store(state, meeting)
        return Response(201, _entity(state, version, user, meeting))


def get_meeting(req, state, version, user_key, meeting_id):  # pylint: disable=unused-argument
    """GET /users/{userId}/onlineMeetings/{meetingId}: a meeting that user organizes; 404 otherwise."""
    with state.lock:
        user, meeting = _organized_meeting(state, user_key, meeting_id, "Get")
        return Response(200, _entity(state, version, user, meeting))


def _organized_meeting(state, user_key, meeting_id, action):
    """(organizer, meeting) for a route on one user's meeting: their access policy allows ``action``, and the meeting is
    theirs (404 otherwise). The caller holds ``state.lock``."""
    user = _resolve_user(state, user_key)
    _check_access_policy(state, user, action)
    meeting = state.meetings.get(meeting_id)
    if meeting is None or (meeting.organizer_id or "").lower() != user["id"].lower():
        raise GraphError(404, "itemNotFound", "The meeting was not found.")
    return user, meeting


def _check_patch(body):
    """The PATCH body, checked: only PATCH_KEYS, lobbyBypassSettings complete and valid; returns it normalised."""
    if not isinstance(body, dict) or not body:
        raise _bad("The request body must be a JSON object with the onlineMeeting properties to change.")
    unknown = [key for key in body if key not in PATCH_KEYS]
    if unknown:
        raise _bad(f"The emulator cannot update '{unknown[0]}' of an onlineMeeting; it updates {', '.join(PATCH_KEYS)}.")
    if body.get("subject") is not None and not isinstance(body["subject"], str):
        raise _bad("'subject' must be a string.")
    if "lobbyBypassSettings" in body:
        try:
            body = dict(body, lobbyBypassSettings=config_mod.lobby_settings(body["lobbyBypassSettings"]))
        except ValueError as exc:
            raise _bad(f"{exc}.") from exc
    return body


def update_meeting(req, state, version, user_key, meeting_id):
    """PATCH /users/{userId}/onlineMeetings/{meetingId}: 200 with the updated meeting (Microsoft Graph docs: Update onlineMeeting)."""
    if req.media_type() != "application/json":
        raise GraphError(415, "UnsupportedMediaType", "Content-Type must be application/json.")
    body = _check_patch(req.json())
    with state.lock:
        user, meeting = _organized_meeting(state, user_key, meeting_id, "Update")
        if "startDateTime" in body or "endDateTime" in body:
            start, end = meeting_times(state, body.get("startDateTime", meeting.resource["startDateTime"]), body.get("endDateTime"))
            meeting.resource["startDateTime"], meeting.resource["endDateTime"] = format_time(start), format_time(end)
        for key in ("subject", "lobbyBypassSettings"):
            if key in body:
                meeting.resource[key] = copy.deepcopy(body[key])
        return Response(200, _entity(state, version, user, meeting))


# --- admin seeding (POST /_emulator/meetings) --------------------------------------------------------


def _optional_string(body, key):
    value = body.get(key)
    if value is not None and (not isinstance(value, str) or not value):
        raise _bad(f"'{key}' must be a non-empty string.")
    return value


def seed(state, body):
    """Validate an admin meeting body and store the meeting; return it. 409 when its ids are taken."""
    if not isinstance(body, dict):
        raise _bad("The request body must be a JSON object.")
    unknown = [key for key in body if key not in ADMIN_MEETING_KEYS]
    if unknown:
        raise _bad(f"Unknown key '{unknown[0]}'. Known keys: {', '.join(ADMIN_MEETING_KEYS)}.")
    organizer = body.get("organizer")
    if not isinstance(organizer, str) or not re.match(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$", organizer):
        raise _bad(f"'organizer' must be the organizer's user object id (a GUID); got {organizer!r}.")
    options = {"origin": "admin"}
    for key in ("subject", "external_id", "thread_id", "join_meeting_id"):
        options[key] = _optional_string(body, key)
    if options["join_meeting_id"] is not None and not normalise_join_meeting_id(options["join_meeting_id"]).isdigit():
        raise _bad("'join_meeting_id' must be digits.")
    if "passcode" in body:
        options["passcode"] = _optional_string(body, "passcode")
    participants = body.get("participants", [])
    if not isinstance(participants, list):
        raise _bad("'participants' must be a list of identitySet objects (the people in the meeting).")
    for index, identity_set in enumerate(participants):
        resources.check_identity_set(identity_set, f"participants[{index}]")
    options["roster"] = participants
    if body.get("lobby_bypass_settings") is not None:
        try:
            options["lobby"] = config_mod.lobby_settings(body["lobby_bypass_settings"], "lobby_bypass_settings")
        except ValueError as exc:
            raise _bad(f"{exc}.") from exc
    with state.lock:
        if options["thread_id"] and find_by_thread(state, options["thread_id"]):
            raise GraphError(409, "Conflict", f"A meeting with thread id '{options['thread_id']}' already exists.")
        if options["join_meeting_id"] and find_by_join_meeting_id(state, options["join_meeting_id"]):
            raise GraphError(409, "Conflict", f"A meeting with joinMeetingId '{options['join_meeting_id']}' already exists.")
        if options["external_id"] and _find_external(state, organizer, options["external_id"]):
            raise GraphError(409, "Conflict", f"Organizer '{organizer}' already has a meeting with externalId '{options['external_id']}'.")
        meeting = new_meeting(state, organizer, **options)
        store(state, meeting)
        return admin_view(state, meeting)

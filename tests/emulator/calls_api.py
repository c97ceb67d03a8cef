"""Calls the bot makes: create or join (``POST /communications/calls``), keepAlive, hang up, remove a participant.

Validation follows Microsoft Graph's "Create call" page and call resource, and accepts every documented request
example of that page verbatim (``tests/unit/emulator/vectors/``), trailing commas included. What happens after the
``201`` (establishing -> established or terminated, the keepAlive rule) is lifecycle.py.
"""

import copy
import json
from urllib.parse import urlsplit

from emulator import invite as invite_mod
from emulator import lifecycle, meetings_api, resources
from emulator.errors import GraphError
from emulator.messages import Response
from emulator.state import Call, new_guid

CALL_TYPE = "#microsoft.graph.call"
SERVICE_HOSTED = "#microsoft.graph.serviceHostedMediaConfig"
APP_HOSTED = "#microsoft.graph.appHostedMediaConfig"
CHAT_INFO_TYPE = "#microsoft.graph.chatInfo"
ORGANIZER = "#microsoft.graph.organizerMeetingInfo"
JOIN_MEETING_ID = "#microsoft.graph.joinMeetingIdMeetingInfo"
TOKEN = "#microsoft.graph.tokenMeetingInfo"
MEETING_INFO_TYPES = (ORGANIZER, JOIN_MEETING_ID, TOKEN)
MODALITIES = ("unknown", "audio", "video", "videoBasedScreenSharing", "data")
MAX_TARGETS = 5
# Properties of microsoft.graph.call (v1.0 resource, SDK model and the documented examples). The
# read-only ones (state, id, myParticipantId, ...) are accepted and ignored; any other key is refused
# with OData's wording. Nested objects (mediaConfig, meetingInfo, callOptions, source) may carry
# extra keys, as the examples do (removeFromDefaultAudioGroup, allowConversationWithoutHost, tenantId).
CALL_PROPERTIES = (
    "@odata.type",
    "callbackUri",
    "callChainId",
    "callOptions",
    "callRoutes",
    "chatInfo",
    "direction",
    "id",
    "incomingContext",
    "mediaConfig",
    "mediaState",
    "meetingInfo",
    "myParticipantId",
    "requestedModalities",
    "resultInfo",
    "ringingTimeoutInSeconds",
    "routingPolicies",
    "source",
    "state",
    "subject",
    "targets",
    "tenantId",
    "toneInfo",
    "transcription",
    "activeModalities",
    "answeredBy",
    "terminationReason",
    "meetingCapability",
)
CHAT_INFO_KEYS = ("@odata.type", "threadId", "messageId", "replyChainMessageId")
JOIN_RULE = (
    "To join an existing meeting, you must either provide a combination of the organizerMeetingInfo and the "
    "chatInfo resource types, or the tokenMeetingInfo resource type by itself."
)
APP_HOSTED_REFUSAL = (
    "'mediaConfig': app-hosted media (#microsoft.graph.appHostedMediaConfig) needs the Calls.AccessMedia.All "
    "permission and a media platform 'blob' from a bot running the Real-time Media Platform; the emulator "
    f"does not support it. Use {SERVICE_HOSTED}."
)


def _bad(message):
    return GraphError(400, "BadRequest", message)


def _same_type(value, wanted):
    return isinstance(value, str) and value.lstrip("#").lower() == wanted.lstrip("#").lower()


# --- the request body ------------------------------------------------------------------------------


def _without_trailing_commas(text):
    """``text`` with every comma that only precedes a closing ``}`` or ``]`` removed (strings untouched)."""
    out, index, in_string = [], 0, False
    while index < len(text):
        char = text[index]
        if in_string:
            if char == "\\":
                out.append(text[index : index + 2])
                index += 2
                continue
            in_string = char != '"'
        elif char == '"':
            in_string = True
        elif char == ",":
            rest = text[index + 1 :].lstrip(" \t\r\n")
            if rest[:1] in ("}", "]"):
                index += 1
                continue
        out.append(char)
        index += 1
    return "".join(out)


def read_body(req):
    """The JSON body; trailing commas are tolerated, as in the documented examples (Microsoft Graph docs: Create call)."""
    try:
        text = req.body.decode("utf-8")
        try:
            return json.loads(text)
        except ValueError:
            return json.loads(_without_trailing_commas(text))
    except (UnicodeDecodeError, ValueError) as exc:
        raise _bad("Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.") from exc


def _check_media_config(media):
    if media is None:
        raise _bad("'mediaConfig' is required.")
    if not isinstance(media, dict):
        raise _bad("'mediaConfig' must be a mediaConfig object.")
    odata_type = media.get("@odata.type")
    if _same_type(odata_type, APP_HOSTED):
        raise _bad(APP_HOSTED_REFUSAL)
    if not _same_type(odata_type, SERVICE_HOSTED):
        raise _bad(f"'mediaConfig.@odata.type' must be '{SERVICE_HOSTED}' (mediaConfig is abstract); got {odata_type!r}.")
    fetch = media.get("preFetchMedia")
    if fetch is not None:
        if not isinstance(fetch, list) or not all(isinstance(item, dict) and isinstance(item.get("uri"), str) for item in fetch):
            raise _bad("'mediaConfig.preFetchMedia' must be a collection of mediaInfo objects with a 'uri'.")


def _check_callback(body, config):
    uri = body.get("callbackUri")
    if uri is None:
        if config["callback_uri"] == "required":
            raise _bad("'callbackUri' is required.")
        return
    parts = urlsplit(uri) if isinstance(uri, str) else None
    if parts is None or parts.scheme.lower() != "https" or not parts.netloc:
        raise _bad(f"'callbackUri' must be an HTTPS URL; got {uri!r}.")


def _check_chat_info(chat):
    if chat is None:
        return
    if not isinstance(chat, dict):
        raise _bad("'chatInfo' must be a chatInfo object.")
    for key in chat:
        if key not in CHAT_INFO_KEYS:
            raise invite_mod.unknown_property(key, "microsoft.graph.chatInfo")
    if chat.get("@odata.type") is not None and not _same_type(chat["@odata.type"], CHAT_INFO_TYPE):
        raise _bad(f"'chatInfo.@odata.type' must be '{CHAT_INFO_TYPE}'; got {chat['@odata.type']!r}.")
    for key in ("threadId", "messageId", "replyChainMessageId"):
        if chat.get(key) is not None and not isinstance(chat[key], str):
            raise _bad(f"'chatInfo.{key}' must be a string.")


def _check_meeting_info(info, chat):
    if not isinstance(info, dict):
        raise _bad("'meetingInfo' must be a meetingInfo object.")
    odata_type = info.get("@odata.type")
    kind = next((name for name in MEETING_INFO_TYPES if _same_type(odata_type, name)), None)
    if kind is None:
        raise _bad(f"'meetingInfo.@odata.type' must be one of {', '.join(MEETING_INFO_TYPES)} (meetingInfo is abstract); got {odata_type!r}.")
    if info.get("allowConversationWithoutHost") is not None and not isinstance(info["allowConversationWithoutHost"], bool):
        raise _bad("'meetingInfo.allowConversationWithoutHost' must be a boolean.")
    if kind == ORGANIZER:
        if info.get("organizer") is None:
            raise _bad("'meetingInfo.organizer' is required for organizerMeetingInfo.")
        resources.check_identity_set(info["organizer"], "meetingInfo.organizer")
        if not chat or not chat.get("threadId"):
            raise _bad(f"'chatInfo' with a 'threadId' is required with organizerMeetingInfo. {JOIN_RULE}")
    elif kind == JOIN_MEETING_ID:
        if not isinstance(info.get("joinMeetingId"), str) or not info["joinMeetingId"].strip():
            raise _bad("'meetingInfo.joinMeetingId' is required: a non-empty string.")
        if info.get("passcode") is not None and not isinstance(info["passcode"], str):
            raise _bad("'meetingInfo.passcode' must be a string or null.")
    elif not isinstance(info.get("token"), str) or not info["token"]:
        raise _bad("'meetingInfo.token' is required for tokenMeetingInfo: a non-empty string.")
    return kind


def _check_simple(body):
    """Top-level properties other than media, callback, targets and meeting coordinates."""
    for key in body:
        if key not in CALL_PROPERTIES:
            raise invite_mod.unknown_property(key, "microsoft.graph.call")
    if body.get("@odata.type") is not None and not _same_type(body["@odata.type"], CALL_TYPE):
        raise _bad(f"'@odata.type' must be '{CALL_TYPE}'; got {body['@odata.type']!r}.")
    if body.get("direction") is not None and body["direction"] != "outgoing":
        raise _bad(f"'direction' of a call the application creates can only be 'outgoing'; got {body['direction']!r}.")
    for key in ("subject", "tenantId"):
        if body.get(key) is not None and not isinstance(body[key], str):
            raise _bad(f"'{key}' must be a string.")
    modalities = body.get("requestedModalities")
    if modalities is not None and (not isinstance(modalities, list) or any(item not in MODALITIES for item in modalities)):
        raise _bad(f"'requestedModalities' must be a collection of {', '.join(MODALITIES)}; got {modalities!r}.")
    for key in ("source", "callOptions"):
        if body.get(key) is not None and not isinstance(body[key], dict):
            raise _bad(f"'{key}' must be an object.")
    if (body.get("source") or {}).get("identity") is not None:
        resources.check_identity_set(body["source"]["identity"], "source.identity")
    timeout = body.get("ringingTimeoutInSeconds")
    if timeout is not None and (isinstance(timeout, bool) or not isinstance(timeout, int) or timeout < 0):
        raise _bad("'ringingTimeoutInSeconds' must be an integer >= 0.")


def validate(body, version, config):
    """Raise GraphError 400 unless ``body`` is a call the emulator can create; return the meetingInfo type or None."""
    if not isinstance(body, dict):
        raise _bad("The request body must be a JSON call object.")
    _check_simple(body)
    _check_media_config(body.get("mediaConfig"))
    _check_callback(body, config)
    targets = body.get("targets")
    if targets is not None:
        if not isinstance(targets, list):
            raise _bad("'targets' must be a collection of invitationParticipantInfo.")
        if len(targets) > MAX_TARGETS:
            raise _bad(f"'targets': a call supports at most {MAX_TARGETS} targets; got {len(targets)}.")
        for index, info in enumerate(targets):
            invite_mod.check_participant(info, index, version, "targets")
    _check_chat_info(body.get("chatInfo"))
    kind = None
    if body.get("meetingInfo") is not None:
        kind = _check_meeting_info(body["meetingInfo"], body.get("chatInfo"))
    elif not targets:
        raise _bad(f"Neither 'targets' nor 'meetingInfo' was given: call someone with 'targets' (up to 5), or join a meeting with 'meetingInfo'. {JOIN_RULE}")
    if kind == JOIN_MEETING_ID and not body.get("tenantId") and config["join_meeting_id_tenant"] == "required":
        raise _bad("'tenantId' is required with joinMeetingIdMeetingInfo: the meeting's tenant cannot be inferred from a joinMeetingId.")
    return kind


# --- the meeting a join names ----------------------------------------------------------------------


def _organizer_id(meeting_info):
    organizer = meeting_info.get("organizer") or {}
    user = organizer.get("user")
    if isinstance(user, dict) and isinstance(user.get("id"), str):
        return user["id"]
    _kind, identity = resources.primary_identity(organizer)
    return identity["id"] if identity else None


def _invent(state, kind, meeting_info, chat):
    """Config unknown_meeting: join: the meeting a join names, made up from its coordinates."""
    options = {"origin": "join"}
    organizer_id = None
    if kind == ORGANIZER:
        organizer_id = _organizer_id(meeting_info)
        options["thread_id"] = chat["threadId"]
    elif kind == JOIN_MEETING_ID:
        options["join_meeting_id"] = meeting_info["joinMeetingId"]
        options["passcode"] = meeting_info.get("passcode")
    meeting = meetings_api.new_meeting(state, organizer_id, **options)
    meetings_api.store(state, meeting)
    return meeting


def resolve_meeting(state, kind, meeting_info, chat):
    """``(meeting, None)`` for a join the emulator accepts, ``(None, reason)`` for one that will terminate. Caller holds the lock."""
    config = state.config
    meeting, matches = None, False
    if kind == ORGANIZER:
        meeting = meetings_api.find_by_thread(state, chat["threadId"])
        organizer_id = _organizer_id(meeting_info)
        matches = meeting is not None and organizer_id is not None and organizer_id.lower() == (meeting.organizer_id or "").lower()
    elif kind == JOIN_MEETING_ID:
        passcode = meeting_info.get("passcode")
        if passcode and config["short_url_passcode"] == "rejected":
            return None, lifecycle.PASSCODE_REJECTED
        meeting = meetings_api.find_by_join_meeting_id(state, meeting_info["joinMeetingId"])
        matches = meeting is not None and (meeting.passcode is None or passcode == meeting.passcode)
    if matches:
        return meeting, None
    if config["unknown_meeting"] == "join":
        return meeting or _invent(state, kind, meeting_info, chat), None
    return None, lifecycle.UNKNOWN_MEETING


def _chat_info(kind, chat, meeting):
    """The call's chatInfo: as sent (organizer joins), else the meeting's (resolved), else as sent or None."""
    if kind in (JOIN_MEETING_ID, TOKEN) and meeting is not None:
        return {"@odata.type": CHAT_INFO_TYPE, **copy.deepcopy(meeting.resource["chatInfo"])}
    if chat is None:
        return None
    result = {"@odata.type": CHAT_INFO_TYPE, **copy.deepcopy(chat)}
    result.setdefault("replyChainMessageId", None)
    return result


def _source(body, app):
    """The request's source (participantInfo) with the bot's application identity filled in when absent."""
    source = copy.deepcopy(body.get("source") or {})
    identity = source.get("identity") or {}
    identity = {"@odata.type": "#microsoft.graph.identitySet", **identity}
    if not isinstance(identity.get("application"), dict) or not identity["application"].get("id"):
        identity["application"] = resources.bot_identity_set(app)["application"]
    result = {"@odata.type": "#microsoft.graph.participantInfo", **source, "identity": identity}
    for key in ("endpointType", "region", "languageId"):
        result.setdefault(key, None)
    return result


def _joined_as(body, app):
    """The identity ids a join is made as: the request's source identities, else the bot's application id."""
    identity = (body.get("source") or {}).get("identity")
    return resources.identity_ids(identity) if identity else {app.client_id.lower()}


def _join_twice(state, meeting, joined_as):
    """Config join_twice for the app's calls still alive in ``meeting`` under the same identity: ``[calls to replace]``."""
    earlier = [call for call in state.calls.values() if call.meeting_id == meeting.id and lifecycle.is_alive(call) and set(call.joined_as) & joined_as]
    mode = state.config["join_twice"]
    if earlier and mode == "error":
        raise GraphError(
            409,
            "Conflict",
            f"The application is already in this meeting (call '{earlier[0].id}'); join with a separate source identity to join a meeting twice.",
        )
    return earlier if mode == "replace" else []


# --- routes ---------------------------------------------------------------------------------------------


def _extra(body, state, meeting_info):
    return {
        "@odata.type": CALL_TYPE,
        "callChainId": new_guid(),
        "source": _source(body, state.app),
        "targets": copy.deepcopy(body.get("targets") or []),
        "requestedModalities": copy.deepcopy(body.get("requestedModalities") or ["audio"]),
        "activeModalities": [],
        "mediaConfig": copy.deepcopy(body["mediaConfig"]),
        "meetingInfo": copy.deepcopy(meeting_info),
        "subject": body.get("subject"),
        "tenantId": body.get("tenantId") or state.app.tenant_id,
        "callOptions": copy.deepcopy(body.get("callOptions")),
        "ringingTimeoutInSeconds": body.get("ringingTimeoutInSeconds"),
        "callRoutes": [],
        "routingPolicies": [],
        "transcription": None,
        "mediaState": None,
        "answeredBy": None,
        "toneInfo": None,
    }


def _new_call(state, body, kind, meeting, failure):
    """The Call a valid body creates now, establishing (targets planned to ring at its establish_at). Caller holds the lock."""
    config, now = state.config, state.clock.now()
    targets = body.get("targets") or []
    bot = resources.participant(resources.bot_identity_set(state.app))
    call = Call(
        id=new_guid(),
        group=kind is not None or len(targets) > 1,
        state="establishing",
        chat_info=_chat_info(kind, body.get("chatInfo"), meeting),
        callback_uri=body.get("callbackUri"),
        my_participant_id=bot["id"],
        participants=[bot],
        origin="graph",
        created_at=now,
        last_keep_alive=now,
        establish_at=now + config["call_establish_after"],
        establish_failure=failure,
        meeting_id=meeting.id if meeting else None,
        joined_by=kind.lstrip("#").split(".")[-1] if kind else None,
        joined_as=tuple(sorted(_joined_as(body, state.app))),
        extra=_extra(body, state, body.get("meetingInfo")),
    )
    if targets and failure is None:
        call.targets_run = invite_mod.plan_targets(call, targets, config, call.establish_at)
        call.targets_ring_in_roster = config["ringing_in_roster"]
    return call


def create_call(req, state, version):
    """POST /communications/calls: 201, Location, the call in state establishing (lifecycle.py decides what follows)."""
    if req.media_type() != "application/json":
        raise GraphError(415, "UnsupportedMediaType", "Content-Type must be application/json.")
    body = read_body(req)
    with state.lock:
        kind = validate(body, version, state.config)
        meeting, failure, replaced = None, None, []
        if kind is not None:
            meeting, failure = resolve_meeting(state, kind, body["meetingInfo"], body.get("chatInfo"))
            if meeting is not None:
                replaced = _join_twice(state, meeting, _joined_as(body, state.app))
        if failure is None and body.get("callbackUri") and state.config["callback_delivery"] == "terminate_call":
            failure = lifecycle.CALLBACK_UNREACHABLE
        call = _new_call(state, body, kind, meeting, failure)
        for earlier in replaced:
            lifecycle.end_call(state, earlier, call.created_at, lifecycle.REPLACED)
        state.add_call(call)
        result = resources.call_resource(call, state, version)
    result["@odata.context"] = f"{state.base_url}/{version}/$metadata#app/calls/$entity"
    return Response(201, result, {"Location": f"{state.base_url}/{version}/{resources.call_path(call.id)}"})


def list_calls(req, state, version):  # pylint: disable=unused-argument
    """GET /communications/calls: not supported by Graph (a Microsoft Q&A answer; no such API is documented); the emulator's unknown-path 404."""
    raise GraphError(404, "UnknownError", "Resource not found for the segment path '/communications/calls'.")


def _live_call(state, call_id):
    """The call advanced to now if it is alive; 404 itemNotFound (unknown) or 404 code 9997 (ended or terminated)."""
    call = lifecycle.load_call(state, call_id, ended_ok=True)
    if not lifecycle.is_alive(call):
        raise lifecycle.ended_call_error()
    return call


def keep_alive(req, state, version, call_id):  # pylint: disable=unused-argument
    """POST /communications/calls/{id}/keepAlive: 200, empty body; restarts the keep_alive_timeout window."""
    with state.lock:
        call = _live_call(state, call_id)
        call.last_keep_alive = state.clock.now()
        call.keep_alive_count += 1
    return Response(200)


def hang_up(req, state, version, call_id):  # pylint: disable=unused-argument
    """DELETE /communications/calls/{id}: 204; the call ends 200/7000. An ended call: config delete_ended_call."""
    with state.lock:
        call = lifecycle.load_call(state, call_id, ended_ok=True)
        if not lifecycle.is_alive(call):
            if state.config_for(call)["delete_ended_call"] == "204":
                return Response(204)
            raise lifecycle.ended_call_error()
        lifecycle.end_call(state, call, state.clock.now(), lifecycle.HANG_UP, hang_up=True)
    return Response(204)


REMOVE_REFUSAL = (
    "The application is not allowed to remove participants: the tenant admin must allow it with "
    "Set-CsApplicationMeetingConfiguration -AllowRemoveParticipantAppIds @{{Add=\"{client_id}\"}}."
)


def remove_participant(req, state, version, call_id, participant_id):  # pylint: disable=unused-argument
    """DELETE /communications/calls/{id}/participants/{participantId}: 204; removes a roster entry or cancels an invite."""
    if participant_id.lower() == "invite":  # the invite action's path, not a participant id
        raise GraphError(405, "BadRequest", "Specified HTTP method is not allowed for the request target.", {"Allow": "POST"})
    with state.lock:
        call = _live_call(state, call_id)
        config = state.config_for(call)
        if not call.group:
            raise _bad(resources.P2P_REFUSAL)
        if not config["remove_participant_permission"]:
            raise GraphError(403, "Forbidden", REMOVE_REFUSAL.format(client_id=state.app.client_id))
        if participant_id == call.my_participant_id:
            raise _bad("The bot's own participant cannot be removed; hang up with DELETE /communications/calls/{id} instead.")
        now = state.clock.now()
        mode = config["cancel_invite_by"]
        if any(entry["id"] == participant_id for entry in call.participants):
            ringing = [invitee for invitee in invite_mod.pending_invitees(call) if invitee.participant_id == participant_id]
            if ringing and mode == "none":
                return Response(204)  # Graph ignores it: the lobby entry stays and the invite keeps ringing
            call.participants[:] = [entry for entry in call.participants if entry["id"] != participant_id]
            invite_mod.participants_removed(call, {participant_id}, now)
            return Response(204)
        if mode == "operation_id" and participant_id in call.operations:
            pending = invite_mod.pending_invitees(call, participant_id)
            if pending:
                invite_mod.cancel_invitees(call, pending, now, "canceled")
                return Response(204)
        if config["delete_missing_participant"] == "204":
            return Response(204)
    raise GraphError(404, "itemNotFound", "Participant not found.")

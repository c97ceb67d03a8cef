"""Builders for the Graph resources the emulator returns (call, participant, identitySet).

Shapes follow the v1.0 docs (the call, participant, participantInfo and commsOperation resources) and the
documented examples of Microsoft Graph's "participant: invite" page.
"""

import copy
from urllib.parse import quote

from emulator.errors import GraphError
from emulator.state import new_guid

# Graph's answer to roster reads (and participant removal) of a peer-to-peer call.
P2P_REFUSAL = "This request doesn't support peer-to-peer calls."

IDENTITY_SET_TYPES = ("#microsoft.graph.identitySet", "#microsoft.graph.communicationsIdentitySet")

# Properties of identitySet / communicationsIdentitySet that hold an identity object
# (Microsoft Graph docs: identitySet and communicationsIdentitySet resources). Other keys are allowed too: identitySet is an open type.
IDENTITY_KINDS = (
    "application",
    "applicationInstance",
    "assertedIdentity",
    "azureCommunicationServicesUser",
    "conversation",
    "device",
    "encrypted",
    "guest",
    "onPremises",
    "phone",
    "user",
)


def call_path(call_id):
    """The URL path of a call below the version segment, with the id percent-encoded."""
    return f"communications/calls/{quote(call_id, safe='')}"


def check_identity_set(value, where):
    """Raise GraphError 400 unless ``value`` is an identitySet with at least one identity.

    An identity is an object with a non-empty string ``id`` under one of IDENTITY_KINDS.
    Extra keys (in the set and in identity objects) are accepted: both are open types.
    """
    if not isinstance(value, dict):
        raise GraphError(400, "BadRequest", f"'{where}' must be an identitySet object.")
    odata_type = value.get("@odata.type")
    if odata_type is not None and odata_type not in IDENTITY_SET_TYPES:
        raise GraphError(400, "BadRequest", f"'{where}.@odata.type' must be one of {', '.join(IDENTITY_SET_TYPES)}; got {odata_type!r}.")
    found = False
    for kind in IDENTITY_KINDS:
        identity = value.get(kind)
        if identity is None:
            continue
        if not isinstance(identity, dict):
            raise GraphError(400, "BadRequest", f"'{where}.{kind}' must be an identity object or null.")
        ident_id = identity.get("id")
        if ident_id is None:
            continue
        if not isinstance(ident_id, str) or not ident_id:
            raise GraphError(400, "BadRequest", f"'{where}.{kind}.id' must be a non-empty string.")
        found = True
    if not found:
        raise GraphError(400, "BadRequest", f"'{where}' must contain at least one identity ({', '.join(IDENTITY_KINDS)}) with an 'id'.")


def normalise_identity_set(identity_set):
    """A roster copy of an identitySet: typed like Graph's roster, every identity with a displayName.

    The identity stays under the kind it was given as. The docs' roster examples that show
    invited users under ``application`` are reproduced by config ``roster_kind: application``
    (see ``roster_identity_set``).
    """
    result = {"@odata.type": "#microsoft.graph.identitySet", **copy.deepcopy(identity_set)}
    for kind in IDENTITY_KINDS:
        identity = result.get(kind)
        if isinstance(identity, dict):
            result[kind] = {"@odata.type": "#microsoft.graph.identity", "displayName": None, **identity}
    return result


def identity_keys(identity_set):
    """The (kind, id) pairs of an identitySet; used to spot someone already in the roster."""
    keys = set()
    for kind in IDENTITY_KINDS:
        identity = identity_set.get(kind)
        if isinstance(identity, dict) and isinstance(identity.get("id"), str):
            keys.add((kind, identity["id"].lower()))
    return keys


def bot_identity_set(app):
    """The calling bot as it appears in its own calls."""
    return {
        "@odata.type": "#microsoft.graph.identitySet",
        "application": {"@odata.type": "#microsoft.graph.identity", "id": app.client_id, "displayName": app.display_name},
    }


def participant(identity_set, endpoint_type="default", participant_id=None):
    """A participant resource (roster entry)."""
    return {
        "@odata.type": "#microsoft.graph.participant",
        "id": participant_id or new_guid(),
        "info": {
            "@odata.type": "#microsoft.graph.participantInfo",
            "identity": normalise_identity_set(identity_set),
            "endpointType": endpoint_type,
        },
        "mediaStreams": [
            {
                "@odata.type": "#microsoft.graph.mediaStream",
                "mediaType": "audio",
                "sourceId": "1",
                "direction": "sendReceive",
                "serverMuted": False,
            }
        ],
        "isMuted": False,
        "isInLobby": False,
        "metadata": None,
    }


def default_chat_info():
    """chatInfo of a group call: a Teams meeting thread, as in the group-call docs."""
    return {
        "@odata.type": "#microsoft.graph.chatInfo",
        "threadId": f"19:meeting_{new_guid().replace('-', '')}@thread.v2",
        "messageId": "0",
        "replyChainMessageId": None,
    }


def call_resource(call, state, version="v1.0"):
    """The call as ``GET /communications/calls/{id}`` returns it (caller holds the lock).

    A call created by ``POST /communications/calls`` adds what it was created with (``Call.extra``:
    targets, mediaConfig, meetingInfo, source, subject, tenantId, callChainId, ...); an ended call
    carries its ``resultInfo``.
    """
    bot_entry = next((entry for entry in call.participants if entry["id"] == call.my_participant_id), None)
    bot = bot_entry["info"]["identity"] if bot_entry else bot_identity_set(state.app)
    body = {
        "@odata.context": f"{state.base_url}/{version}/$metadata#communications/calls/$entity",
        "@odata.type": "#microsoft.graph.call",
        "id": call.id,
        "state": call.state,
        "direction": call.direction,
        "callbackUri": call.callback_uri,
        "myParticipantId": call.my_participant_id,
        "requestedModalities": ["audio"],
        "chatInfo": copy.deepcopy(call.chat_info) if call.group else None,
        "meetingInfo": None,
        "source": {
            "@odata.type": "#microsoft.graph.participantInfo",
            "identity": copy.deepcopy(bot),
            "endpointType": None,
        },
        "resultInfo": copy.deepcopy(call.result_info),
        "tenantId": state.app.tenant_id,
    }
    body.update(copy.deepcopy(call.extra))
    return body


# --- Identities of invitees: primary identity, ids, roster shape (invite lifecycle) -------------


def primary_identity(identity_set):
    """``(kind, identity object)`` of the first identity with an id, in the order the keys were sent."""
    for kind, identity in identity_set.items():
        if kind in IDENTITY_KINDS and isinstance(identity, dict) and isinstance(identity.get("id"), str) and identity["id"]:
            return kind, identity
    return None, None


def identity_ids(identity_set):
    """The lower-cased ids of every identity in the set, whatever their kind.

    Used for "is this person already in the call": with ``roster_kind: application`` an
    invited user is listed under another kind, so the kind is not part of the comparison.
    """
    return {ident_id for _kind, ident_id in identity_keys(identity_set)}


def participant_label(identity_set):
    """How Graph's addParticipants failure messages name a participant (an MRI-like string).

    Modelled on the field report ``addParticipants failed for participant 4:+61450078883``
    (microsoft-graph-comms-samples issue #410; not documented by Microsoft): ``4:`` phone, ``8:orgid:`` user, ``28:`` application/bot,
    ``8:guest:`` guest, otherwise ``<kind>:<id>``.
    """
    kind, identity = primary_identity(identity_set)
    prefixes = {"phone": "4:", "user": "8:orgid:", "application": "28:", "applicationInstance": "28:", "guest": "8:guest:"}
    return f"{prefixes.get(kind, f'{kind}:')}{identity['id']}" if identity else "unknown"


def roster_identity_set(identity_set, roster_kind="own"):
    """The identitySet an invitee is listed with: as invited, or (``application``) its primary identity under ``application``."""
    if roster_kind != "application":
        return identity_set
    _kind, identity = primary_identity(identity_set)
    return {"application": copy.deepcopy(identity)}


def invitee_participant(identity_set, endpoint_type="default", roster_kind="own", in_lobby=False):
    """A roster entry for an invitee (``in_lobby`` while still ringing, with ringing_in_roster)."""
    entry = participant(roster_identity_set(identity_set, roster_kind), endpoint_type)
    entry["isInLobby"] = in_lobby
    return entry

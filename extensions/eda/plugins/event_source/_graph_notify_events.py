# -*- coding: utf-8 -*-
# Copyright (c) 2026 msgraph.calls contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""One event per item of a Graph notification's ``value[]``, with stable keys (documented in the source's DOCUMENTATION).

Graph documents the shapes by example only (the call, participant and inviteParticipantsOperation pages of the
Microsoft Graph v1.0 reference, and the Teams calling samples): a call resource (``state``, ``resultInfo`` when
terminated), an inviteParticipantsOperation (``status``, ``clientContext``, ``resultInfo``), the roster. Whether a roster
notification carries the whole roster (``updated``) or only who came and went (``created``/``deleted``) is not
documented: both are read, and ``joined``/``left`` are relative to the last roster this listener saw for the call.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import re
from collections import OrderedDict

CALL_ID = re.compile(r"/calls/([^/?#]+)", re.IGNORECASE)
OPERATION_ID = re.compile(r"/calls/[^/?#]+/operations/([^/?#]+)", re.IGNORECASE)
PARTICIPANTS = re.compile(r"/calls/[^/?#]+/participants(/|$)", re.IGNORECASE)
IDENTITY_KINDS = ("user", "phone", "guest", "applicationInstance", "application", "acsUser", "spoolUser", "encrypted", "device")
# Calls whose last roster is remembered (for joined/left); the oldest is forgotten past this.
ROSTER_MEMORY = 1000

EVENT_KEYS = (
    "kind",
    "call_id",
    "change_type",
    "resource_url",
    "state",
    "result_info",
    "participants",
    "joined",
    "left",
    "operation_id",
    "status",
    "client_context",
    "invitees",
    "tenant_id",
    "path_suffix",
    "item",
)


def _lower(value):
    return value.lower() if isinstance(value, str) else None


def _number(value):
    """resultInfo codes arrive as integers or numeric strings; rule conditions compare integers."""
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return value


def result_info(data):
    """``{code, subcode, message}`` of a resultInfo, codes as integers, or None."""
    info = data.get("resultInfo") if isinstance(data, dict) else None
    if not isinstance(info, dict):
        return None
    return {"code": _number(info.get("code")), "subcode": _number(info.get("subcode")), "message": info.get("message")}


def identity(identity_set):
    """``(kind, id, display name)`` of the first identity of an identitySet that holds an id."""
    if isinstance(identity_set, dict):
        for kind in IDENTITY_KINDS:
            entry = identity_set.get(kind)
            if isinstance(entry, dict) and entry.get("id"):
                return kind, entry["id"], entry.get("displayName")
    return None, None, None


def participant(entry):
    """A roster entry as ``{participant_id, identity_kind, identity_id, display_name, in_lobby}``."""
    info = entry.get("info") if isinstance(entry, dict) else None
    kind, ident, name = identity(info.get("identity") if isinstance(info, dict) else None)
    return {
        "participant_id": entry.get("id") if isinstance(entry, dict) else None,
        "identity_kind": kind,
        "identity_id": ident,
        "display_name": name,
        "in_lobby": bool(entry.get("isInLobby")) if isinstance(entry, dict) else False,
    }


def invitee(entry):
    """An invitationParticipantInfo as ``{identity_kind, identity_id, display_name}``."""
    kind, ident, name = identity(entry.get("identity") if isinstance(entry, dict) else None)
    return {"identity_kind": kind, "identity_id": ident, "display_name": name}


def _key(summary):
    return summary["participant_id"] or summary["identity_id"]


class EventMapper:
    """Turns notification items into events; remembers each call's last roster for ``joined``/``left``."""

    def __init__(self):
        self.rosters = OrderedDict()

    def events(self, body, tenant_id=None, path_suffix=None):
        """One event per dict item of ``body['value']`` (other items are skipped)."""
        return [self.event(item, tenant_id, path_suffix) for item in body.get("value", []) if isinstance(item, dict)]

    def event(self, item, tenant_id=None, path_suffix=None):
        """The event of one item; every key of EVENT_KEYS is present (None or [] when it does not apply)."""
        url = item.get("resourceUrl") or item.get("resource") or ""
        url = url if isinstance(url, str) else ""
        data = item.get("resourceData")
        call = CALL_ID.search(url)
        event = dict.fromkeys(EVENT_KEYS)
        event.update(
            kind="other",
            call_id=call.group(1) if call else None,
            change_type=item.get("changeType"),
            resource_url=url,
            participants=[],
            joined=[],
            left=[],
            invitees=[],
            tenant_id=tenant_id,
            path_suffix=path_suffix,
            item=copy.deepcopy(item),
        )
        odata_type = _lower(data.get("@odata.type")) if isinstance(data, dict) else None
        operation = OPERATION_ID.search(url)
        if PARTICIPANTS.search(url) or isinstance(data, list) or (odata_type or "").endswith(".participant"):
            self._roster(event, data)
        elif operation or (odata_type or "").endswith("operation"):
            self._operation(event, data, operation, odata_type)
        elif isinstance(data, dict) and (odata_type == "#microsoft.graph.call" or "state" in data):
            self._call(event, data)
        return event

    def _call(self, event, data):
        state = data.get("state")
        event["state"] = state
        event["result_info"] = result_info(data)
        if event["call_id"] is None and isinstance(data.get("id"), str):
            event["call_id"] = data["id"]
        if _lower(state) == "established":
            event["kind"] = "call_established"
        elif _lower(state) == "terminated":
            event["kind"] = "call_terminated"
            self.rosters.pop(event["call_id"], None)
        else:
            event["kind"] = "call_updated"

    def _operation(self, event, data, match, odata_type):
        data = data if isinstance(data, dict) else {}
        status = _lower(data.get("status"))
        event.update(
            operation_id=match.group(1) if match else data.get("id"),
            status=status,
            client_context=data.get("clientContext"),
            result_info=result_info(data),
            invitees=[invitee(entry) for entry in data.get("participants") or [] if isinstance(entry, dict)],
        )
        invite = odata_type is None or "inviteparticipants" in odata_type
        if invite and status == "completed":
            event["kind"] = "invite_completed"
        elif invite and status == "failed":
            event["kind"] = "invite_failed"
        else:
            event["kind"] = "operation_updated"

    def _roster(self, event, data):
        entries = data if isinstance(data, list) else [data] if isinstance(data, dict) else []
        summaries = [participant(entry) for entry in entries if isinstance(entry, dict)]
        event["kind"] = "participants_changed"
        event["participants"] = summaries
        call_id = event["call_id"]
        known = self.rosters.get(call_id, OrderedDict())
        change = _lower(event["change_type"])
        if change == "created":
            joined = [s for s in summaries if _key(s) not in known]
            roster = OrderedDict(known)
            roster.update((_key(s), s) for s in summaries)
            left = []
        elif change == "deleted":
            joined, left = [], summaries
            roster = OrderedDict((key, value) for key, value in known.items() if key not in {_key(s) for s in summaries})
        else:  # updated: the whole roster
            roster = OrderedDict((_key(s), s) for s in summaries)
            joined = [s for s in summaries if _key(s) not in known]
            left = [value for key, value in known.items() if key not in roster]
        event["joined"], event["left"] = joined, left
        if call_id is not None:
            self.rosters[call_id] = roster
            self.rosters.move_to_end(call_id)
            while len(self.rosters) > ROSTER_MEMORY:
                self.rosters.popitem(last=False)

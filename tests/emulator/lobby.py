"""The meeting lobby: who waits in it, and admission (field reports; docs/docsite/rst/guide_emulator.rst "The lobby").

A meeting's ``lobbyBypassSettings`` (as created, seeded or PATCHed) decide:

- a bot joining by application permissions bypasses the lobby only when ``scope`` is ``everyone``
  (microsoft-graph-comms-samples issues #353 and #816); otherwise it is held, in the form config
  ``bot_lobby`` chooses, since Graph documents none of them;
- a phone that answers an invite waits in the lobby unless ``isDialInBypassEnabled`` (invite.py ``_hold``).

Nobody in the emulator admits anyone on their own: a test does, through ``POST /_emulator/calls/{id}/admit``.
"""

from emulator import invite as invite_mod
from emulator import resources

# Graph's documented end reason "lobby inactivity timeout" (Microsoft Graph docs: call end reason codes).
LOBBY_TIMEOUT = ("lobby_timeout", 200, 5855, "The call ended: nobody admitted the participant from the lobby (lobby inactivity timeout). DiagCode: 200#5855")


def settings(meeting):
    """The meeting's lobbyBypassSettings."""
    return meeting.resource.get("lobbyBypassSettings") or {}


def holds_bot(meeting):
    """Whether the meeting's lobby holds a bot joining it (only ``everyone`` lets it straight in)."""
    return settings(meeting).get("scope") != "everyone"


def refresh(state, call, config):
    """Record on the call whether phones answering into it wait in the lobby (read by invite.py). Caller holds the lock."""
    meeting = state.meetings.get(call.meeting_id) if call.meeting_id else None
    held = meeting is not None and not settings(meeting).get("isDialInBypassEnabled")
    call.phone_lobby = config["lobby_invite_operation"] if held else None


def _bot_entry(call):
    return next((entry for entry in call.participants if entry["id"] == call.my_participant_id), None)


def hold_bot(call, at, config):
    """The call reached the meeting, whose lobby holds the bot: play config bot_lobby. Returns False (not in the meeting)."""
    mode = config["bot_lobby"]
    call.bot_in_lobby = True
    entry = _bot_entry(call)
    if mode == "terminate":
        # Graph says nothing until it gives up: no lobby flag, the call stays establishing, then ends.
        call.lobby_end_at = at + config["bot_lobby_timeout"]
        return
    if entry is not None:
        entry["isInLobby"] = True
    if mode == "established":
        call.state = "established"


def admit(state, call, identity_id, enter):
    """Admit from the lobby whoever has ``identity_id`` (any kind), or everyone waiting when it is None.

    ``enter(call)`` lets the bot into the meeting (lifecycle: established, the meeting's people listed).
    Returns the roster entries admitted. Someone still being rung (ringing_in_roster) cannot be admitted.
    """
    ringing = invite_mod.ringing_entries(call)
    wanted = identity_id.lower() if identity_id else None
    admitted = []
    for entry in call.participants:
        waiting = entry.get("isInLobby") or (entry["id"] == call.my_participant_id and call.bot_in_lobby)
        if not waiting or entry["id"] in ringing:
            continue
        if wanted is not None and wanted not in resources.identity_ids(entry["info"]["identity"]):
            continue
        entry["isInLobby"] = False
        admitted.append(entry)
    ids = {entry["id"] for entry in admitted}
    if call.my_participant_id in ids:
        call.bot_in_lobby, call.lobby_end_at = False, None
        enter(call)
    invite_mod.admit_held(call, ids, state.clock.now())
    return admitted

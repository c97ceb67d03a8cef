"""The lifecycle of a call itself: establishing -> established or terminated, the keepAlive rule, ending.

Like the invite lifecycle (invite.py), nothing runs in the background. A call records when things
take effect (``establish_at``, its last keepAlive) on ``state.clock.now()``, and every read of a
call (``load_call``, the admin views, a clock ``advance``) first applies, through ``advance``,
whatever became due, in time order:

1. a call created by ``POST /communications/calls`` settles at ``establish_at`` (config
   call_establish_after): ``established`` (its targets start ringing, a meeting's people join the
   roster), or ``terminated`` with the resultInfo decided at creation (unknown meeting,
   unreachable callback); a meeting whose lobby holds the bot holds it instead (lobby.py, config
   bot_lobby), until admitted or, under ``terminate``, until ``lobby_end_at`` ends the call 200/5855;
2. invite outcomes due before the keepAlive deadline;
3. the keepAlive rule (Microsoft Graph docs: call: keepAlive): a call not ended, whose last keepAlive (or creation)
   is ``keep_alive_timeout`` seconds old, ends with 408/8537 at that moment;
4. invite outcomes due by now.

A call that ended (``Call.ended``) stays in ``state.calls`` (the admin API shows it); Graph
answers for it per config ended_calls. Ending a call fails its pending invites.
"""

from emulator import invite as invite_mod
from emulator import lobby, resources
from emulator.clock import RESOLUTION
from emulator.errors import GraphError


def result_info(code, subcode, message):
    """A resultInfo as Graph's call notifications carry it (integers, as in most of the docs)."""
    return {"@odata.type": "#microsoft.graph.resultInfo", "code": code, "subcode": subcode, "message": message}


# Why a call ended -> its resultInfo. Documented end reasons (Microsoft Graph docs: call: delete, "Call end reason codes"): 408/8537
# and 200/7000; 400/2203 is the field report of a failed meeting join (microsoft-graph-comms-samples issue #433). The others are the emulator's choices.
HANG_UP = ("hang_up", 200, 7000, "The conversation has ended by bot.")
KEEP_ALIVE_TIMEOUT = ("keep_alive_timeout", 408, 8537, "Keep Alive timeout, cleaned up inactive call.")
UNKNOWN_MEETING = ("unknown_meeting", 400, 2203, "Bad Request. DiagCode: 400#2203")
PASSCODE_REJECTED = ("passcode_rejected", 403, 2206, "Forbidden. The meeting passcode was not accepted. DiagCode: 403#2206")
CALLBACK_UNREACHABLE = (
    "callback_unreachable",
    500,
    8510,
    "Call was terminated because notifications could not be delivered to its callbackUri. DiagCode: 500#8510",
)
REPLACED = ("replaced", 200, 5000, "Removed from the conversation: the same application joined this meeting again in another call. DiagCode: 200#5000")

# Graph's 404 for a call that has ended (field report, microsoft-graph-comms-samples issue #81): a numeric-string code.
ENDED_CALL_CODE = "9997"


def reason_info(reason):
    """``(end_reason, resultInfo)`` of one of the tuples above."""
    name, code, subcode, message = reason
    return name, result_info(code, subcode, message)


def is_alive(call):
    """Not ended in the lifecycle and not in state terminated (e.g. PATCHed by the admin API)."""
    return not call.ended and call.state != "terminated"


def keep_alive_deadline(call, config):
    """When the keepAlive rule ends the call (None if it does not apply any more)."""
    if not is_alive(call) or call.last_keep_alive is None:
        return None
    return call.last_keep_alive + config["keep_alive_timeout"]


def end_call(state, call, at, reason, hang_up=False):
    """End ``call`` at ``at`` with ``reason`` (one of the tuples above); the bot's leg leaves the roster.

    Pending invites fail (resultInfo ``call_ended``). After a hang-up (``hang_up``), a call the bot
    created with targets and no meeting keeps its other participants in the roster under config
    group_call_on_hangup: continues, and loses them all under ``ends``; a peer-to-peer call always
    loses them. Caller holds the lock.
    """
    invite_mod.cancel_invitees(call, invite_mod.pending_invitees(call), at, "call_ended")
    call.end_reason, call.result_info = reason_info(reason)
    call.state, call.ended_at = "terminated", at
    call.establish_at = None
    call.targets_run = None
    call.bot_in_lobby, call.lobby_end_at = False, None
    everyone = not call.group or (hang_up and call.meeting_id is None and call.origin == "graph" and state.config_for(call)["group_call_on_hangup"] == "ends")
    if everyone:
        call.participants[:] = []
    else:
        call.participants[:] = [entry for entry in call.participants if entry["id"] != call.my_participant_id]


def _establish(state, call):
    """Settle a created call at its establish_at: terminated with the failure decided at creation, or established."""
    at = call.establish_at
    call.establish_at = None
    if call.establish_failure is not None:
        end_call(state, call, at, call.establish_failure)
        call.establish_failure = None
        return
    meeting = state.meetings.get(call.meeting_id) if call.meeting_id else None
    if meeting is not None and lobby.holds_bot(meeting):
        lobby.hold_bot(call, at, state.config_for(call))
        return
    enter(state, call)


def enter(state, call):
    """The bot is in: the call is established, the meeting's people are listed, its targets start ringing."""
    call.state = "established"
    meeting = state.meetings.get(call.meeting_id) if call.meeting_id else None
    if meeting is not None:
        present = set()
        for entry in call.participants:
            present |= resources.identity_ids(entry["info"]["identity"])
        for identity_set in meeting.roster:
            if not resources.identity_ids(identity_set) & present:
                call.participants.append(resources.participant(identity_set))
                present |= resources.identity_ids(identity_set)
    if call.targets_run is not None:
        invite_mod.start_run(call, call.targets_run, call.targets_ring_in_roster)
        call.targets_run = None


def advance(state, call, now):
    """Apply everything due at ``now`` to ``call``, in time order (see the module docstring). Caller holds the lock."""
    config = state.config_for(call)
    lobby.refresh(state, call, config)
    deadline = keep_alive_deadline(call, config)
    if (
        call.establish_at is not None
        and call.state == "establishing"
        and call.establish_at <= now + RESOLUTION
        and (deadline is None or call.establish_at <= deadline + RESOLUTION)
    ):
        invite_mod.advance(call, call.establish_at)
        _establish(state, call)
        deadline = keep_alive_deadline(call, config)
    if call.lobby_end_at is not None and is_alive(call) and call.lobby_end_at <= now + RESOLUTION and (deadline is None or call.lobby_end_at <= deadline):
        invite_mod.advance(call, call.lobby_end_at)
        end_call(state, call, call.lobby_end_at, lobby.LOBBY_TIMEOUT)
        deadline = None
    if deadline is not None and deadline <= now + RESOLUTION:
        invite_mod.advance(call, deadline)
        end_call(state, call, deadline, KEEP_ALIVE_TIMEOUT)
    invite_mod.advance(call, now)


def advance_all(state):
    """Apply what became due to every call (after the clock moved). Caller holds the lock."""
    now = state.clock.now()
    for call in state.calls.values():
        advance(state, call, now)


def ended_call_error():
    """Graph's answer for a call that has ended (config ended_calls: 404, keepAlive, DELETE under delete_ended_call: 404)."""
    return GraphError(404, ENDED_CALL_CODE, "Call not found.")


def load_call(state, call_id, ended_ok=None):
    """The call, advanced to now; 404 ``itemNotFound`` if unknown. Caller holds the lock.

    An ended call answers 404 code 9997 unless ``ended_ok`` (default: config ended_calls is
    ``visible``), for the reads that show it terminated with its resultInfo.
    """
    call = state.get_call(call_id)
    if call is None:
        raise GraphError(404, "itemNotFound", "Call not found.")
    advance(state, call, state.clock.now())
    if ended_ok is None:
        ended_ok = state.config_for(call)["ended_calls"] == "visible"
    if call.ended and not ended_ok:
        raise ended_call_error()
    return call


def load_any(state, call_id):
    """The call advanced to now, ended or not (admin API); 404 ``itemNotFound`` if unknown. Caller holds the lock."""
    return load_call(state, call_id, ended_ok=True)

"""Which flow answers an event: by command, by button payload, or by what kind of message it is.

The one place the flows meet; every messenger adapter hands its events to `route`.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from bot.conversation import Event, Outlet
from bot.services import Services
from handlers import admin, broadcast, facts, operator, questions, start
from handlers import services as service_cards
from handlers.answers import ID
from handlers.flood import flooding
from handlers.turn import Turn

Flow = Callable[[Turn], Awaitable[None]]

COMMANDS: dict[str, Flow] = {
    "start": start.start,
    "help": start.help_command,
    "language": start.language,
    "subscribe": start.subscribe,
    "unsubscribe": start.unsubscribe,
    "forget_me": start.forget_me,
    "rank": facts.rank,
    "share": facts.share,
    "facts": facts.facts,
    "services": service_cards.services_command,
}
ADMIN_COMMANDS: dict[str, Flow] = {
    "stats": admin.stats,
    "unanswered": admin.unanswered,
    "broadcast": broadcast.broadcast,
    "broadcast_status": broadcast.status,
    "broadcast_cancel": broadcast.cancel,
}
# The command menus, in the order shown (each messenger's adapter sets them up).
RESIDENT_MENU = (
    "start",
    "rank",
    "share",
    "services",
    "language",
    "subscribe",
    "unsubscribe",
    "facts",
    "forget_me",
    "help",
)
ADMIN_MENU = ("stats", "unanswered", "broadcast", "broadcast_status", "broadcast_cancel")
# Button payloads: what a pattern captures is the flow's `turn.parts`; a payload no pattern
# takes (an older version's button, or forged) gets "this button has expired".
TOPIC = r"([a-z0-9-]{1,40})"
TAPS: tuple[tuple[re.Pattern[str], Flow], ...] = tuple(
    (re.compile(pattern), flow)
    for pattern, flow in (
        (r"l:(\w+)", start.language_chosen),
        (r"m:(\w+)", start.menu),
        (rf"t:{ID}:{TOPIC}", questions.clarify_pick),
        (r"v:.*", questions.vote),  # checked by the flow: a stale vote is told so
        (rf"s:{TOPIC}", service_cards.open_service),
        (rf"x:{TOPIC}:(\w+)", service_cards.open_section),
    )
)
ADMIN_TAPS: tuple[tuple[re.Pattern[str], Flow], ...] = tuple(
    (re.compile(pattern), flow)
    for pattern, flow in (
        (rf"b:(go|no):({ID})", broadcast.confirm),
        (rf"(ul?):({ID})", admin.choose_entry),
        (rf"(ug):({ID}):{TOPIC}", admin.choose_entry),
        (rf"ua:({ID}):{TOPIC}", admin.attach),
    )
)
OPERATOR_TAP = re.compile(rf"op:({ID})")


async def route(event: Event, outlet: Outlet, services: Services) -> None:
    """Answer one event; a tap is always answered, so no button keeps spinning."""
    turn = Turn(event, outlet, services)
    try:
        if event.kind == "tap" and not event.payload:
            await start.stale_button(turn)
        elif not await flooding(turn):
            flow = choose(turn)
            if flow is not None:
                await flow(turn)
    finally:
        if event.kind == "tap" and not turn.tap_answered:
            await turn.toast()


def choose(turn: Turn) -> Flow | None:
    """The flow for this event, or None if it is not for the bot (a group's chatter)."""
    event = turn.event
    if event.kind == "tap":
        return _tap_flow(turn)
    if event.kind == "started":
        return start.start
    in_operators_chat = operator.in_operators_chat(turn)
    if event.kind == "edited":
        if in_operators_chat:
            return operator.operator_edit
        return questions.edited if event.private else None
    if event.command is not None:
        flow = COMMANDS.get(event.command)
        if flow is None and turn.is_admin:
            flow = ADMIN_COMMANDS.get(event.command)
        if flow is None and event.private:
            flow = start.unknown_command
        return flow
    if in_operators_chat and event.reply_to is not None:
        return operator.operator_reply if event.kind == "message" else None
    if event.kind == "other":
        return questions.not_text if event.private else None
    if event.text and (event.private or event.addressed):
        return questions.question
    return None


def _tap_flow(turn: Turn) -> Flow:
    data = turn.event.payload or ""
    taps = [*TAPS, *ADMIN_TAPS]
    if turn.services.operators is not None:
        taps.append((OPERATOR_TAP, operator.ask_operator))
    for pattern, flow in taps:
        if found := pattern.fullmatch(data):
            turn.parts = found.groups()
            if (pattern, flow) in ADMIN_TAPS and not turn.is_admin:
                return _ignore
            return flow
    return start.stale_button


async def _ignore(turn: Turn) -> None:
    """Someone else's tap on an administrator's button: answered, nothing done."""
    await turn.toast()

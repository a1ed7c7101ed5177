"""Per-user flood control: more than a few messages a second, and the user is told once to slow
down and then ignored for a while. Checked before every flow, so a flood costs almost nothing
and other users are answered as usual."""

from __future__ import annotations

import logging

from bot.conversation import DeliveryError
from bot.engine.render import escape
from bot.i18n import t
from handlers.turn import Turn


async def flooding(turn: Turn) -> bool:
    """True if this event is dropped. Messages and button taps count alike; administrators
    are never held back."""
    event = turn.event
    if event.user is None or event.kind not in ("message", "other", "tap"):
        return False
    if turn.is_admin:
        return False
    verdict = turn.services.flood.check(event.user, event.received_at)
    if verdict == "ok":
        return False
    try:
        warning = None
        if verdict == "warn":  # the user's language is read only then: a flood costs little
            warning = t(await turn.stored_language(), "slow_down")
        if event.kind == "tap":  # answered, or the button keeps spinning
            await turn.toast(warning)
        elif warning is not None:
            await turn.say(escape(warning))
    except DeliveryError as exc:  # the event is dropped all the same
        logging.getLogger(__name__).warning("could not tell a flooding user: %s", exc)
    return True

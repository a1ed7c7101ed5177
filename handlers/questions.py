"""Questions typed in words, the clarify buttons, the votes, and messages that are not text."""

from __future__ import annotations

import re

from bot.engine.render import escape
from bot.i18n import t
from handlers.answers import ID, send_answer
from handlers.turn import Turn

_VOTE = re.compile(rf"v:({ID}):(-?1)")


async def question(turn: Turn) -> None:
    await turn.language()
    text = turn.event.text
    await send_answer(turn, turn.services.engine.ask(text), text)


async def clarify_pick(turn: Turn) -> None:
    """A tap on one of the titles offered after a clarifying question."""
    lang = await turn.language()
    (topic,) = turn.parts
    engine = turn.services.engine
    if not engine.knows_topic(topic):
        await turn.toast(t(lang, "stale"))
        return
    await turn.toast()
    await send_answer(turn, engine.answer_topic(topic, lang), f"[{topic}]")


async def vote(turn: Turn) -> None:
    lang = await turn.language()
    user = turn.event.user
    match = _VOTE.fullmatch(turn.event.payload or "")
    stored = (
        match is not None
        and user is not None
        and await turn.services.storage.questions.vote(int(match[1]), user, int(match[2]))
    )
    await turn.toast(t(lang, "vote_thanks" if stored else "vote_unknown"))


async def not_text(turn: Turn) -> None:
    await turn.say(escape(t(await turn.language(), "non_text")))


async def edited(turn: Turn) -> None:
    await turn.say(escape(t(await turn.language(), "edited")))

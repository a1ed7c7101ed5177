"""/services: the categories, then a category's cards, each card with its follow-up sections."""

from __future__ import annotations

from bot.conversation import Reply
from bot.engine.compose import SERVICES_TOPIC
from bot.engine.render import render_html, section_html
from bot.i18n import t
from handlers.answers import answer_keyboard, send_answer
from handlers.turn import Turn


async def send_service_list(turn: Turn) -> None:
    """The services menu: a button per category (each opens its cards)."""
    answer = turn.services.engine.answer_topic(SERVICES_TOPIC, await turn.language())
    await turn.say(Reply(render_html(answer), answer_keyboard(answer, None)))


async def services_command(turn: Turn) -> None:
    await send_service_list(turn)


async def open_service(turn: Turn) -> None:
    """A service card's button (from the lists of earlier versions, still in old chats)."""
    lang = await turn.language()
    (entry_id,) = turn.parts
    engine = turn.services.engine
    entry = engine.kb.find(entry_id)
    if entry is None or entry.kind != "service":
        await turn.toast(t(lang, "stale"))
        return
    await turn.toast()
    await send_answer(turn, engine.answer_topic(entry_id, lang), f"[{entry_id}]")


async def open_section(turn: Turn) -> None:
    """A follow-up button under an answer: one section of its card (documents, fee, ...)."""
    lang = await turn.language()
    topic, section = turn.parts
    engine = turn.services.engine
    answer = engine.answer_topic(topic, lang) if engine.knows_topic(topic) else None
    if answer is None or section not in answer.sections:
        await turn.toast(t(lang, "stale"))
        return
    await turn.toast()
    await turn.say(section_html(answer, section))

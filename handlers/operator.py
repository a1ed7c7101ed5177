"""Talk to a person: an unanswered question goes to the operators' chat; a reply comes back."""

from __future__ import annotations

from bot.conversation import Blocked, DeliveryError, Reply
from bot.engine.render import escape, split_message, text_units
from bot.i18n import DEFAULT_LANGUAGE, t
from bot.peer import Peer
from handlers.turn import Turn


async def ask_operator(turn: Turn) -> None:
    """The resident's unanswered question to the operators' chat; only the asker can send it,
    and only once."""
    services = turn.services
    user = turn.event.user
    operators = services.operators
    if user is None or operators is None:
        return
    lang = await turn.language()
    question_id = int(turn.parts[0])
    storage = services.storage
    found = await storage.questions.for_operator(question_id, user)
    if found is None or found.chat_id is None:
        await turn.toast(t(lang, "stale"))
        return
    # The operators' chat is a group of people: it is written to in the default language.
    html = t(
        DEFAULT_LANGUAGE,
        "operator_question_html",
        language=escape(found.lang),
        question=escape(found.query),
    )
    channel, chat_id = operators
    outlet = services.outlets[channel]
    resident = Peer(turn.event.channel, found.chat_id)
    for part in split_message(html, outlet.max_text):  # a reply to any part reaches the resident
        sent = await outlet.send(chat_id, Reply(part))
        if sent is not None:
            await storage.operators.open(sent, question_id, resident)
    await turn.toast(t(lang, "operator_sent"))
    await turn.say(escape(t(lang, "operator_sent")))


def operator_answer(lang: str, text: str, html: str, limit: int) -> list[str]:
    """The operator's reply as the resident gets it, in as many messages as it takes. With its
    formatting if that fits one message; split as plain text if not (formatting may span the
    places where it would be cut)."""
    title = f"<b>{escape(t(lang, 'operator_answer'))}</b>"
    formatted = f"{title}\n\n{html}"
    if text_units(formatted) <= limit:
        return [formatted]
    return split_message(f"{title}\n\n{escape(text)}", limit)


def in_operators_chat(turn: Turn) -> bool:
    operators = turn.services.operators
    return operators is not None and operators == (turn.event.channel, turn.event.chat_id)


async def operator_reply(turn: Turn) -> None:
    event = turn.event
    if event.reply_to is None or not event.text:
        return
    services = turn.services
    resident = await services.storage.operators.resident_chat(event.reply_to)
    if resident is None:
        return  # a reply to something else in the operators' chat
    outlet = services.outlets.get(resident.channel)
    if outlet is None:
        error = f"{resident.channel} is not connected"
        await turn.say(escape(t(DEFAULT_LANGUAGE, "operator_not_delivered", error=error)))
        return
    lang = await services.storage.users.language(resident) or DEFAULT_LANGUAGE
    try:
        for part in operator_answer(lang, event.text, event.html, outlet.max_text):
            await outlet.send(resident.id, Reply(part))
    except Blocked:
        await turn.say(escape(t(DEFAULT_LANGUAGE, "operator_blocked")))
        return
    except DeliveryError as exc:
        await turn.say(escape(t(DEFAULT_LANGUAGE, "operator_not_delivered", error=str(exc))))
        return
    await turn.say(escape(t(DEFAULT_LANGUAGE, "operator_delivered")))


async def operator_edit(turn: Turn) -> None:
    """An edited reply is not sent again: the resident already has the first one."""
    reply_to = turn.event.reply_to
    if reply_to is None:
        return
    if await turn.services.storage.operators.resident_chat(reply_to) is not None:
        await turn.say(escape(t(DEFAULT_LANGUAGE, "operator_edit_not_sent")))

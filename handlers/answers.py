"""Sending the engine's answers: their buttons, the start menu, and the question log."""

from __future__ import annotations

from bot.conversation import Button, Keyboard, Reply, payload
from bot.engine.compose import HELP_TOPIC
from bot.engine.model import ANSWER, NONE, Answer
from bot.engine.render import render_html, render_plain
from bot.i18n import t
from handlers.turn import Turn

# A record id in a payload: at most 18 digits, so it fits SQLite's 64-bit integers; longer
# (forged) data matches no flow and gets the "expired button" answer.
ID = r"\d{1,18}"


def answer_keyboard(answer: Answer, question_id: int | None, operators: bool = False) -> Keyboard:
    """Clarify titles or menu items, card follow-ups, the portal, votes; "ask an operator"
    after a none."""
    lang = answer.lang
    rows: list[tuple[Button, ...]] = []
    if answer.status == NONE and operators and question_id:
        rows.append((Button(t(lang, "ask_operator"), payload("op", question_id)),))
    rows += [
        (Button(s.title, payload("t", question_id or 0, s.topic)),) for s in answer.suggestions
    ]
    if answer.status == ANSWER and answer.topic:
        buttons = [
            Button(t(lang, f"section_{name}"), payload("x", answer.topic, name))
            for name in answer.follow_ups
        ]
        rows += [tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2)]
    if answer.portal:
        rows.append((Button(t(lang, "portal_button"), url=answer.portal),))
    if answer.status == ANSWER and question_id and not answer.suggestions:
        rows.append(
            (
                Button(t(lang, "vote_up"), payload("v", question_id, 1)),
                Button(t(lang, "vote_down"), payload("v", question_id, -1)),
            )
        )
    return tuple(rows)


async def menu_keyboard(turn: Turn, lang: str) -> Keyboard:
    """The start menu: the rating, the Gosuslugi figures, the services, the news."""
    user = turn.event.user
    subscribed = user is not None and await turn.services.storage.users.is_subscribed(user)
    return (
        (Button(t(lang, "menu_rank"), payload("m", "rank")),),
        (Button(t(lang, "menu_share"), payload("m", "share")),),
        (Button(t(lang, "menu_services"), payload("m", "svc")),),
        (
            Button(
                t(lang, "menu_unsubscribe" if subscribed else "menu_subscribe"),
                payload("m", "unsub" if subscribed else "sub"),
            ),
        ),
    )


async def send_answer(turn: Turn, answer: Answer, asked: str) -> None:
    """Record what was asked (a question, a command, a button) and the answer, send it, and
    record that it was sent (a question is logged once per update, however often replayed)."""
    event = turn.event
    services = turn.services
    question_id = await services.storage.questions.log(
        channel=event.channel,
        query=asked,
        lang=answer.lang,
        status=answer.status,
        topic=answer.topic,
        score=answer.score,
        user_id=event.user.id if event.user else None,
        chat_id=event.chat_id,
        answer=render_plain(answer),
        update_id=event.update_id,
    )
    if answer.topic == HELP_TOPIC:
        # Small talk gets what the bot can do, with the start menu under it.
        keyboard = await menu_keyboard(turn, answer.lang)
    else:
        keyboard = answer_keyboard(answer, question_id, services.operators is not None)
    await turn.say(Reply(render_html(answer), keyboard))
    turn.outlet.answer_sent(question_id)

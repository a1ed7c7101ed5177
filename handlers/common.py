"""What every handler needs: the services, the user's language, keyboards, sending answers."""

from __future__ import annotations

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update

from bot.app import BotServices, Context
from bot.engine.compose import HELP_TOPIC
from bot.engine.model import ANSWER, NONE, Answer
from bot.engine.render import render_html, render_plain, split_message
from bot.i18n import t

MAX_CALLBACK_BYTES = 64
# A record id in button data: at most 18 digits, so it fits SQLite's 64-bit integers; longer
# (forged) data matches no handler and gets the "expired button" answer.
ID = r"\d{1,18}"


def services(context: Context) -> BotServices:
    return context.bot_data.services


def callback(*parts: object) -> str:
    """callback_data from parts; Telegram refuses more than 64 bytes, so this refuses first."""
    data = ":".join(str(p) for p in parts)
    if len(data.encode()) > MAX_CALLBACK_BYTES:
        raise ValueError(f"callback_data over {MAX_CALLBACK_BYTES} bytes: {data!r}")
    return data


async def admin_callback(update: Update, context: Context) -> CallbackQuery | None:
    """The button press if an administrator made it; anyone else's is answered and ignored."""
    query = update.callback_query
    if query is None or query.data is None:
        return None
    user = update.effective_user
    if user is None or user.id not in services(context).settings.admin_ids:
        await query.answer()
        return None
    return query


async def user_language(update: Update, context: Context) -> str:
    """The language to talk to this user in; records that they wrote."""
    user = update.effective_user
    if user is None:
        return "ru"
    return await services(context).storage.touch_user(user.id, user.language_code)


def answer_keyboard(
    answer: Answer, question_id: int | None, operators: bool = False
) -> InlineKeyboardMarkup | None:
    """Clarify titles or menu items, card follow-ups, the portal, votes; "ask an operator"
    after a none."""
    lang = answer.lang
    rows: list[list[InlineKeyboardButton]] = []
    if answer.status == NONE and operators and question_id:
        rows.append(
            [
                InlineKeyboardButton(
                    t(lang, "ask_operator"), callback_data=callback("op", question_id)
                )
            ]
        )
    rows += [
        [InlineKeyboardButton(s.title, callback_data=callback("t", question_id or 0, s.topic))]
        for s in answer.suggestions
    ]
    if answer.status == ANSWER and answer.topic:
        buttons = [
            InlineKeyboardButton(
                t(lang, f"section_{name}"), callback_data=callback("x", answer.topic, name)
            )
            for name in answer.follow_ups
        ]
        rows += [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    if answer.portal:
        rows.append([InlineKeyboardButton(t(lang, "portal_button"), url=answer.portal)])
    if answer.status == ANSWER and question_id and not answer.suggestions:
        rows.append(
            [
                InlineKeyboardButton(
                    t(lang, "vote_up"), callback_data=callback("v", question_id, 1)
                ),
                InlineKeyboardButton(
                    t(lang, "vote_down"), callback_data=callback("v", question_id, -1)
                ),
            ]
        )
    return InlineKeyboardMarkup(rows) if rows else None


async def menu_keyboard(update: Update, context: Context, lang: str) -> InlineKeyboardMarkup:
    """The start menu: the rating, the Gosuslugi figures, the services, the news."""
    user = update.effective_user
    subscribed = bool(user) and await services(context).storage.is_subscribed(user.id)
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(t(lang, "menu_rank"), callback_data=callback("m", "rank"))],
            [InlineKeyboardButton(t(lang, "menu_share"), callback_data=callback("m", "share"))],
            [InlineKeyboardButton(t(lang, "menu_services"), callback_data=callback("m", "svc"))],
            [
                InlineKeyboardButton(
                    t(lang, "menu_unsubscribe" if subscribed else "menu_subscribe"),
                    callback_data=callback("m", "unsub" if subscribed else "sub"),
                )
            ],
        ]
    )


async def send_html(
    message: Message, html: str, keyboard: InlineKeyboardMarkup | None = None
) -> None:
    """Send HTML in as many messages as Telegram's limit needs; buttons go under the last one."""
    parts = split_message(html)
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        await message.reply_html(part, reply_markup=keyboard if last else None, do_quote=False)


async def send_answer(
    message: Message, answer: Answer, question_id: int | None, operators: bool = False
) -> None:
    keyboard = answer_keyboard(answer, question_id, operators)
    await send_html(message, render_html(answer), keyboard)


async def log_and_send(
    update: Update, context: Context, message: Message, answer: Answer, asked: str
) -> None:
    """Record what was asked (a question, a command, a button) and the answer, send it, and
    record that it was sent (a question is logged once per update, however often replayed)."""
    user = update.effective_user
    chat = update.effective_chat
    question_id = await services(context).storage.log_question(
        channel="telegram",
        query=asked,
        lang=answer.lang,
        status=answer.status,
        topic=answer.topic,
        score=answer.score,
        user_id=user.id if user else None,
        chat_id=chat.id if chat else None,
        answer=render_plain(answer),
        update_id=update.update_id,
    )
    if answer.topic == HELP_TOPIC:
        # Small talk gets what the bot can do, with the start menu under it.
        await send_html(
            message, render_html(answer), await menu_keyboard(update, context, answer.lang)
        )
    else:
        operators = services(context).settings.operators_chat_id is not None
        await send_answer(message, answer, question_id, operators)
    inbox = services(context).inbox
    if inbox is not None:
        inbox.sent(question_id)

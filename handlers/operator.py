"""Talk to a person: an unanswered question goes to OPERATORS_CHAT_ID; a reply comes back."""

from __future__ import annotations

from telegram import Message, Update
from telegram.constants import ParseMode
from telegram.error import Forbidden, TelegramError
from telegram.ext import Application, CallbackQueryHandler, MessageHandler, filters

from bot.app import Context
from bot.config import Settings
from bot.engine.render import TELEGRAM_LIMIT, escape, split_message, text_units
from bot.i18n import t
from handlers.common import ID, send_html, services, user_language


async def ask_operator(update: Update, context: Context) -> None:
    """The resident's unanswered question to the operators' chat; only the asker can send it,
    and only once."""
    query = update.callback_query
    user = update.effective_user
    operators = services(context).settings.operators_chat_id
    if query is None or query.data is None or user is None or operators is None:
        return
    lang = await user_language(update, context)
    question_id = int(query.data.split(":")[1])
    storage = services(context).storage
    found = await storage.question_for_operator(question_id, user.id)
    if found is None:
        await query.answer(t(lang, "stale"))
        return
    text, question_lang, chat_id = found
    html = (
        f"<b>Вопрос жителя</b> (язык: {question_lang}):\n\n{escape(text)}\n\n"
        "<i>Ответьте на это сообщение — ответ уйдёт жителю.</i>"
    )
    for part in split_message(html):  # a reply to any part reaches the resident
        sent = await context.bot.send_message(operators, part, parse_mode=ParseMode.HTML)
        await storage.open_operator_thread(sent.message_id, question_id, chat_id)
    await query.answer(t(lang, "operator_sent"))
    if isinstance(query.message, Message):
        await send_html(query.message, escape(t(lang, "operator_sent")))


def operator_answer(lang: str, message: Message) -> list[str]:
    """The operator's reply as the resident gets it, in as many messages as it takes. With its
    formatting if that fits one message; split as plain text if not (formatting may span the
    places where it would be cut)."""
    title = f"<b>{escape(t(lang, 'operator_answer'))}</b>"
    html = f"{title}\n\n{message.text_html}"
    if text_units(html) <= TELEGRAM_LIMIT:
        return [html]
    return split_message(f"{title}\n\n{escape(message.text or '')}")


async def operator_reply(update: Update, context: Context) -> None:
    message = update.effective_message
    if message is None or message.reply_to_message is None or not message.text:
        return
    storage = services(context).storage
    chat_id = await storage.operator_thread_chat(message.reply_to_message.message_id)
    if chat_id is None:
        return  # a reply to something else in the operators' chat
    lang = await storage.user_language(chat_id) or "ru"
    try:
        for part in operator_answer(lang, message):
            await context.bot.send_message(chat_id, part, parse_mode=ParseMode.HTML)
    except Forbidden:
        await send_html(message, "Житель заблокировал бота: ответ не доставлен.")
        return
    except TelegramError as exc:
        await send_html(message, escape(f"Ответ не доставлен: {exc.message}"))
        return
    await send_html(message, "✓ Ответ отправлен жителю.")


async def operator_edit(update: Update, context: Context) -> None:
    """An edited reply is not sent again: the resident already has the first one."""
    message = update.edited_message
    if message is None or message.reply_to_message is None:
        return
    thread = await services(context).storage.operator_thread_chat(
        message.reply_to_message.message_id
    )
    if thread is not None:
        await send_html(
            message,
            "Правка не отправлена: житель уже получил первый ответ."
            " Чтобы дополнить его, ответьте на вопрос ещё раз.",
        )


def register(app: Application, settings: Settings) -> None:  # type: ignore[type-arg]
    if settings.operators_chat_id is None:
        return
    app.add_handler(CallbackQueryHandler(ask_operator, pattern=rf"^op:{ID}$"))
    in_threads = filters.Chat(settings.operators_chat_id) & filters.REPLY
    app.add_handler(
        MessageHandler(
            in_threads & filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND,
            operator_reply,
        )
    )
    app.add_handler(MessageHandler(in_threads & filters.UpdateType.EDITED_MESSAGE, operator_edit))

"""Talk to a person: an unanswered question goes to OPERATORS_CHAT_ID; a reply comes back."""

from __future__ import annotations

from telegram import Message, Update
from telegram.constants import ParseMode
from telegram.error import Forbidden, TelegramError
from telegram.ext import Application, CallbackQueryHandler, MessageHandler, filters

from bot.app import Context
from bot.config import Settings
from bot.engine.render import escape
from bot.i18n import t
from handlers.common import send_html, services, user_language


async def ask_operator(update: Update, context: Context) -> None:
    query = update.callback_query
    user = update.effective_user
    operators = services(context).settings.operators_chat_id
    if query is None or query.data is None or user is None or operators is None:
        return
    lang = await user_language(update, context)
    question_id = int(query.data.split(":")[1])
    found = await services(context).storage.question(question_id)
    if found is None or found[3] is None:
        await query.answer(t(lang, "stale"))
        return
    text, question_lang, _, chat_id = found
    sent = await context.bot.send_message(
        operators,
        f"<b>Вопрос жителя</b> (язык: {question_lang}):\n\n{escape(text)}\n\n"
        "<i>Ответьте на это сообщение — ответ уйдёт жителю.</i>",
        parse_mode=ParseMode.HTML,
    )
    await services(context).storage.open_operator_thread(sent.message_id, question_id, chat_id)
    await query.answer(t(lang, "operator_sent"))
    if isinstance(query.message, Message):
        await send_html(query.message, escape(t(lang, "operator_sent")))


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
        await context.bot.send_message(
            chat_id,
            f"<b>{escape(t(lang, 'operator_answer'))}</b>\n\n{message.text_html}",
            parse_mode=ParseMode.HTML,
        )
    except Forbidden:
        await send_html(message, "Житель заблокировал бота: ответ не доставлен.")
        return
    except TelegramError as exc:
        await send_html(message, escape(f"Ответ не доставлен: {exc.message}"))
        return
    await send_html(message, "✓ Ответ отправлен жителю.")


def register(app: Application, settings: Settings) -> None:  # type: ignore[type-arg]
    if settings.operators_chat_id is None:
        return
    app.add_handler(CallbackQueryHandler(ask_operator, pattern=r"^op:\d+$"))
    app.add_handler(
        MessageHandler(
            filters.Chat(settings.operators_chat_id)
            & filters.REPLY
            & filters.TEXT
            & ~filters.COMMAND,
            operator_reply,
        )
    )

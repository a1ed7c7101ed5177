"""/services: the categories, then a category's cards, each card with its follow-up sections."""

from __future__ import annotations

from telegram import Message, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.app import Context
from bot.engine.compose import SERVICES_TOPIC
from bot.engine.render import section_html
from bot.i18n import t
from handlers.common import log_and_send, send_answer, send_html, services, user_language


async def send_service_list(message: Message, context: Context, lang: str) -> None:
    """The services menu: a button per category (each opens its cards)."""
    await send_answer(message, services(context).engine.answer_topic(SERVICES_TOPIC, lang), None)


async def services_command(update: Update, context: Context) -> None:
    if update.effective_message is not None:
        await send_service_list(
            update.effective_message, context, await user_language(update, context)
        )


async def open_service(update: Update, context: Context) -> None:
    """A service card's button (from the lists of earlier versions, still in old chats)."""
    query = update.callback_query
    if query is None or query.data is None:
        return
    lang = await user_language(update, context)
    entry_id = query.data.split(":", 1)[1]
    engine = services(context).engine
    entry = engine.kb.find(entry_id)
    if entry is None or entry.kind != "service":
        await query.answer(t(lang, "stale"))
        return
    await query.answer()
    if isinstance(query.message, Message):
        answer = engine.answer_topic(entry_id, lang)
        await log_and_send(update, context, query.message, answer, f"[{entry_id}]")


async def open_section(update: Update, context: Context) -> None:
    """A follow-up button under an answer: one section of its card (documents, fee, ...)."""
    query = update.callback_query
    if query is None or query.data is None:
        return
    lang = await user_language(update, context)
    _, topic, section = [*query.data.split(":"), "", ""][:3]
    engine = services(context).engine
    answer = engine.answer_topic(topic, lang) if engine.knows_topic(topic) else None
    if answer is None or section not in answer.sections:
        await query.answer(t(lang, "stale"))
        return
    await query.answer()
    if isinstance(query.message, Message):
        await send_html(query.message, section_html(answer, section))


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(CommandHandler("services", services_command))
    app.add_handler(CallbackQueryHandler(open_service, pattern=r"^s:"))
    app.add_handler(CallbackQueryHandler(open_section, pattern=r"^x:"))

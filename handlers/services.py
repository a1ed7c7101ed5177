"""/services: the service cards as buttons, each card with follow-ups (documents, fee, ...)."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.app import Context
from bot.engine.answer import Answer
from bot.engine.render import escape
from bot.i18n import t
from handlers.common import (
    FOLLOW_UPS,
    callback,
    log_and_send,
    send_html,
    services,
    user_language,
)


def service_entries(context: Context) -> list[tuple[str, str, str]]:
    """(id, Russian title, English title) of every service card."""
    return [
        (e.id, e.title.ru, e.title.en)
        for e in services(context).engine.kb.entries
        if e.kind == "service"
    ]


async def send_service_list(message: Message, context: Context, lang: str) -> None:
    rows = [
        [InlineKeyboardButton(en if lang == "en" else ru, callback_data=callback("s", entry_id))]
        for entry_id, ru, en in service_entries(context)
    ]
    await send_html(message, escape(t(lang, "services_intro")), InlineKeyboardMarkup(rows))


async def services_command(update: Update, context: Context) -> None:
    if update.effective_message is not None:
        await send_service_list(
            update.effective_message, context, await user_language(update, context)
        )


def card(answer: Answer, lang: str) -> Answer:
    """The first screen of a card: summary and steps; the rest is behind follow-up buttons."""
    body = "\n\n".join(
        [answer.sections["summary"], f"{t(lang, 'section_steps')}:\n{answer.sections['steps']}"]
    )
    return Answer(
        answer.query,
        answer.status,
        lang,
        title=answer.title,
        body=body,
        topic=answer.topic,
        score=answer.score,
        sources=answer.sources,
        sections=answer.sections,
        portal=answer.portal,
    )


async def open_service(update: Update, context: Context) -> None:
    query = update.callback_query
    if query is None or query.data is None:
        return
    lang = await user_language(update, context)
    entry_id = query.data.split(":", 1)[1]
    engine = services(context).engine
    if not any(e.id == entry_id and e.kind == "service" for e in engine.kb.entries):
        await query.answer(t(lang, "stale"))
        return
    await query.answer()
    answer = card(engine.answer_topic(entry_id, lang), lang)
    if isinstance(query.message, Message):
        await log_and_send(update, context, query.message, answer, f"[{entry_id}]")


async def open_section(update: Update, context: Context) -> None:
    query = update.callback_query
    if query is None or query.data is None:
        return
    lang = await user_language(update, context)
    _, entry_id, section = [*query.data.split(":"), "", ""][:3]
    engine = services(context).engine
    entry = next((e for e in engine.kb.entries if e.id == entry_id and e.kind == "service"), None)
    if entry is None or section not in FOLLOW_UPS:
        await query.answer(t(lang, "stale"))
        return
    await query.answer()
    full = engine.answer_topic(entry_id, lang)
    part = Answer(
        full.query,
        full.status,
        lang,
        title=f"{full.title}: {t(lang, 'section_' + section)}",
        body=full.sections[section],
        topic=full.topic,
        sources=full.sources,
    )
    if isinstance(query.message, Message):
        await log_and_send(update, context, query.message, part, f"[{entry_id}: {section}]")


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(CommandHandler("services", services_command))
    app.add_handler(CallbackQueryHandler(open_service, pattern=r"^s:"))
    app.add_handler(CallbackQueryHandler(open_section, pattern=r"^x:"))

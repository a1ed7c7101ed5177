"""The PTB handlers: every update goes to the flows as an Event; inline queries (Telegram's
alone) are answered here from the same fact search; errors are logged, the user is told, and
the administrators get a short report."""

from __future__ import annotations

import logging

from telegram import InlineQueryResultArticle, InputTextMessageContent, Update
from telegram.error import TelegramError
from telegram.ext import Application, InlineQueryHandler, TypeHandler

from bot.channels.telegram.context import SmolContext
from bot.channels.telegram.events import to_event
from bot.engine.render import escape, render_html, split_message
from bot.facts import fact_html
from bot.i18n import DEFAULT_LANGUAGE, t
from bot.peer import TELEGRAM, Peer
from handlers.facts import find_facts
from handlers.routes import route

log = logging.getLogger(__name__)

MAX_RESULTS = 50
CACHE_SECONDS = 300
MAX_QUERY = 256


async def on_update(update: Update, context: SmolContext) -> None:
    event = to_event(update, context.bot)
    if event is not None:
        await route(event, context.outlet, context.services)


async def inline_query(update: Update, context: SmolContext) -> None:
    """`@bot рейтинг` in any chat: citable fact cards."""
    query = update.inline_query
    if query is None:
        return
    found = find_facts(context.services, query.query[:MAX_QUERY])
    lang = found.lang
    results = [
        InlineQueryResultArticle(
            id=fact.id,
            title=fact.title.get(lang),
            description=f"{fact.value.get(lang)} ({fact.date})"[:200],
            input_message_content=InputTextMessageContent(fact_html(fact, lang)),
        )
        for fact in found.facts[:MAX_RESULTS]
    ]
    # A topic without figures (a service card): the answer itself, if there is one.
    if not results and found.answer is not None and found.answer.topic:
        answer = found.answer
        results.append(
            InlineQueryResultArticle(
                id=f"topic-{answer.topic}"[:64],
                title=answer.title,
                description=answer.body.split("\n\n", 1)[0][:200],
                input_message_content=InputTextMessageContent(
                    split_message(render_html(answer))[0]
                ),
            )
        )
    await query.answer(results, cache_time=CACHE_SECONDS, is_personal=False)


async def on_error(update: object, context: SmolContext) -> None:
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("update %s failed", update_id, exc_info=context.error)
    reports = context.bot_data.error_reports
    if reports is not None and context.error is not None:
        received = written = None
        if isinstance(update, Update):
            received = f"update {update.update_id}"
            message = update.effective_message
            written = (message.text or message.caption) if message is not None else None
        await reports.report(context.error, received, written)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    lang = DEFAULT_LANGUAGE
    user = update.effective_user
    try:
        if user is not None and context.bot_data.ready:
            lang = await context.services.storage.users.language(Peer(TELEGRAM, user.id)) or lang
    except Exception:  # the storage may be what failed
        log.warning("could not read the user's language after an error")
    try:
        await context.bot.send_message(update.effective_chat.id, escape(t(lang, "error")))
    except TelegramError:
        log.warning("could not tell chat %s about the error", update.effective_chat.id)


def register(app: Application) -> None:
    app.add_handler(InlineQueryHandler(inline_query))
    app.add_handler(TypeHandler(Update, on_update))
    app.add_error_handler(on_error)

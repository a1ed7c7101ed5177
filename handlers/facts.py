"""/rank [year|region] and /share: the figures, straight from the knowledge base."""

from __future__ import annotations

from telegram import Message, Update
from telegram.ext import Application, CommandHandler

from bot.app import Context
from bot.engine.render import escape
from bot.i18n import t
from handlers.common import log_and_send, send_html, services, user_language


async def send_rank(
    update: Update, context: Context, message: Message, lang: str, args: str
) -> None:
    answer = services(context).engine.rating(args, lang)
    if answer is None:
        await send_html(message, escape(t(lang, "rank_usage")))
        return
    await log_and_send(update, context, message, answer, f"/rank {args}".strip())


async def send_share(update: Update, context: Context, message: Message, lang: str) -> None:
    answer = services(context).engine.answer_topic("shares", lang)
    await log_and_send(update, context, message, answer, "/share")


async def rank(update: Update, context: Context) -> None:
    if update.effective_message is None:
        return
    lang = await user_language(update, context)
    args = " ".join(context.args or ())
    await send_rank(update, context, update.effective_message, lang, args)


async def share(update: Update, context: Context) -> None:
    if update.effective_message is None:
        return
    lang = await user_language(update, context)
    await send_share(update, context, update.effective_message, lang)


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(CommandHandler("rank", rank))
    app.add_handler(CommandHandler("share", share))

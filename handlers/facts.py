"""/rank [year|region] and /share: the figures, straight from the knowledge base."""

from __future__ import annotations

from telegram import InputFile, Message, Update
from telegram.ext import Application, CommandHandler

from bot.app import Context
from bot.engine.render import escape
from bot.facts import sheet, sheet_csv
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


async def facts(update: Update, context: Context) -> None:
    """/facts: the press sheet; /facts csv: the same as a CSV document."""
    message = update.effective_message
    if message is None:
        return
    lang = await user_language(update, context)
    all_facts = services(context).facts
    if [a.lower() for a in context.args or ()] == ["csv"]:
        data = sheet_csv(all_facts).encode("utf-8-sig")  # the BOM lets Excel read Cyrillic
        caption = "Ключевые цифры с источниками" if lang == "ru" else "Key figures with sources"
        await message.reply_document(
            InputFile(data, filename="smolensk-eservices-facts.csv"),
            caption=caption,
            do_quote=False,
        )
        return
    await send_html(message, sheet(all_facts, lang))


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(CommandHandler("rank", rank))
    app.add_handler(CommandHandler("share", share))
    app.add_handler(CommandHandler("facts", facts))

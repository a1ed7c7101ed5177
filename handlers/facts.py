"""/rank [year|region] with charts, /share and /facts: figures straight from the knowledge base."""

from __future__ import annotations

from telegram import InputFile, Message, Update
from telegram.ext import Application, CommandHandler

from bot.app import Context
from bot.engine.render import escape
from bot.facts import sheet, sheet_csv
from bot.i18n import t
from handlers.common import log_and_send, send_html, services, user_language

MAX_CAPTION = 1024  # Telegram's limit for a photo caption


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


async def send_charts(message: Message, context: Context, lang: str) -> None:
    """The place by year, then the neighbours and leaders; the figures are in the captions."""
    charts = services(context).charts
    if charts is None:
        return
    for name, caption in (
        ("rank-by-year", charts.rank_caption(lang)),
        ("neighbours", charts.neighbours_caption(lang)),
    ):
        png = await charts.png(name, lang)
        await message.reply_photo(
            InputFile(png, filename=f"{name}.png"), caption=caption[:MAX_CAPTION], do_quote=False
        )


async def rank(update: Update, context: Context) -> None:
    if update.effective_message is None:
        return
    lang = await user_language(update, context)
    args = " ".join(context.args or ())
    if not args:
        await send_charts(update.effective_message, context, lang)
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

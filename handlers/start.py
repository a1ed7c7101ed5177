"""/start, /help, /language, /subscribe, /unsubscribe and the start menu's buttons."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.app import Context
from bot.engine.render import escape
from bot.i18n import t
from handlers.common import callback, menu_keyboard, send_html, services, user_language
from handlers.facts import send_rank, send_share
from handlers.services import send_service_list


async def start(update: Update, context: Context) -> None:
    if update.effective_message is None:
        return
    lang = await user_language(update, context)
    keyboard = await menu_keyboard(update, context, lang)
    await send_html(update.effective_message, escape(t(lang, "greeting")), keyboard)


async def help_command(update: Update, context: Context) -> None:
    if update.effective_message is None:
        return
    lang = await user_language(update, context)
    keyboard = await menu_keyboard(update, context, lang)
    await send_html(update.effective_message, escape(t(lang, "help")), keyboard)


async def language(update: Update, context: Context) -> None:
    if update.effective_message is None:
        return
    await user_language(update, context)
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("Русский", callback_data=callback("l", "ru")),
                InlineKeyboardButton("English", callback_data=callback("l", "en")),
            ]
        ]
    )
    await send_html(update.effective_message, escape(t("ru", "choose_language")), keyboard)


async def language_chosen(update: Update, context: Context) -> None:
    query = update.callback_query
    if query is None or query.data is None or update.effective_user is None:
        return
    lang = query.data.split(":", 1)[1]
    if lang not in ("ru", "en"):
        await query.answer()
        return
    await services(context).storage.set_language(update.effective_user.id, lang)
    await query.answer(t(lang, "language_set"))
    if query.message is not None:
        await query.edit_message_text(escape(t(lang, "language_set")))


async def set_subscription(update: Update, context: Context, subscribed: bool) -> str:
    lang = await user_language(update, context)
    if update.effective_user is not None:
        await services(context).storage.set_subscribed(update.effective_user.id, subscribed)
    return t(lang, "subscribed" if subscribed else "unsubscribed")


async def subscribe(update: Update, context: Context) -> None:
    if update.effective_message is not None:
        await send_html(
            update.effective_message, escape(await set_subscription(update, context, True))
        )


async def unsubscribe(update: Update, context: Context) -> None:
    if update.effective_message is not None:
        await send_html(
            update.effective_message, escape(await set_subscription(update, context, False))
        )


async def menu(update: Update, context: Context) -> None:
    """The start menu's buttons: each does what its command does."""
    query = update.callback_query
    if query is None or query.data is None:
        return
    await query.answer()
    message = query.message
    if not isinstance(message, Message):
        return
    lang = await user_language(update, context)
    action = query.data.split(":", 1)[1]
    if action == "rank":
        await send_rank(update, context, message, lang, "")
    elif action == "share":
        await send_share(update, context, message, lang)
    elif action == "svc":
        await send_service_list(message, context, lang)
    elif action in ("sub", "unsub"):
        text = await set_subscription(update, context, action == "sub")
        await send_html(message, escape(text))


async def forget_me(update: Update, context: Context) -> None:
    """Delete everything stored about this user: questions, votes, subscription."""
    user = update.effective_user
    if update.effective_message is None or user is None:
        return
    lang = await services(context).storage.user_language(user.id) or "ru"
    await services(context).storage.forget_user(user.id)
    await send_html(update.effective_message, escape(t(lang, "forgotten")))


async def unknown_command(update: Update, context: Context) -> None:
    """Any command the bot does not have, or that this user may not use: the same reply."""
    if update.effective_message is not None:
        lang = await user_language(update, context)
        await send_html(update.effective_message, escape(t(lang, "unknown_command")))


async def unknown_button(update: Update, context: Context) -> None:
    """Button data no handler takes (from an older version of the bot, or forged): answered, so
    the button stops spinning."""
    if update.callback_query is not None:
        lang = await user_language(update, context)
        await update.callback_query.answer(t(lang, "stale"))


async def dataless_button(update: Update, context: Context) -> None:
    """A tap that carries no data: PTB would give it to the first button handler, which
    ignores it, and the button would keep spinning. Answered here, before all of them."""
    tap = update.callback_query
    if tap is not None and not tap.data and not tap.game_short_name:
        lang = await user_language(update, context)
        await tap.answer(t(lang, "stale"))
        raise ApplicationHandlerStop


def register_fallbacks(app: Application) -> None:  # type: ignore[type-arg]
    """Commands and buttons no other handler took."""
    app.add_handler(TypeHandler(Update, dataless_button), group=-2)
    app.add_handler(
        MessageHandler(
            filters.COMMAND & filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE, unknown_command
        )
    )
    app.add_handler(CallbackQueryHandler(unknown_button))


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CommandHandler("help", help_command))
    app.add_handler(CommandHandler("language", language))
    app.add_handler(CommandHandler("subscribe", subscribe))
    app.add_handler(CommandHandler("unsubscribe", unsubscribe))
    app.add_handler(CommandHandler("forget_me", forget_me))
    app.add_handler(CallbackQueryHandler(language_chosen, pattern=r"^l:"))
    app.add_handler(CallbackQueryHandler(menu, pattern=r"^m:"))

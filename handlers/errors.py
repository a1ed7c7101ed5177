"""One error handler: log the failure, tell the user something went wrong in their language."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application

from bot.app import Context
from bot.engine.render import escape
from bot.i18n import t

log = logging.getLogger(__name__)


async def on_error(update: object, context: Context) -> None:
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("update %s failed", update_id, exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    lang = "ru"
    user = update.effective_user
    try:
        if user is not None:
            lang = await context.bot_data.services.storage.user_language(user.id) or lang
    except Exception:  # the storage may be what failed
        log.warning("could not read the user's language after an error")
    try:
        await context.bot.send_message(update.effective_chat.id, escape(t(lang, "error")))
    except TelegramError:
        log.warning("could not tell chat %s about the error", update.effective_chat.id)


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_error_handler(on_error)

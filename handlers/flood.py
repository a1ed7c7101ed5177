"""Per-user flood control: more than a few messages a second, and the user is told once to slow
down and then ignored for a while. It runs before every other handler (group -1), so a flood
costs almost nothing and other users are answered as usual."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationHandlerStop, TypeHandler

from bot.app import Context
from bot.engine.render import escape
from bot.i18n import t
from handlers.common import services


async def guard(update: Update, context: Context) -> None:
    """Messages and button taps count alike; inline queries pass (Telegram throttles those)."""
    user = update.effective_user
    tap = update.callback_query
    if user is None or (update.message is None and tap is None):
        return
    if user.id in services(context).settings.admin_ids:
        return
    verdict = context.bot_data.flood.check(user.id)
    if verdict == "ok":
        return
    try:
        warning = None
        if verdict == "warn":  # the user's language is read only then: a flood costs little
            lang = await services(context).storage.user_language(user.id) or "ru"
            warning = t(lang, "slow_down")
        if tap is not None:  # answered, or the button keeps spinning
            await tap.answer(warning)
        elif warning is not None and update.message is not None:
            await update.message.reply_html(escape(warning), do_quote=False)
    except TelegramError as exc:  # the update is dropped all the same
        logging.getLogger(__name__).warning("could not tell a flooding user: %s", exc)
    raise ApplicationHandlerStop


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(TypeHandler(Update, guard), group=-1)

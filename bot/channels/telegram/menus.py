"""What Telegram shows before and around a conversation: the command menus (residents' in
private chats, administrators' in their own chats) and the bot's descriptions, in ru and en."""

from __future__ import annotations

import logging
from collections.abc import Collection

from telegram import BotCommand, BotCommandScopeAllPrivateChats, BotCommandScopeChat
from telegram.error import BadRequest
from telegram.ext import ExtBot

from bot.channels.telegram.rate_limit import RateLimitArgs
from bot.i18n import DEFAULT_LANGUAGE, LANGUAGES, t
from handlers.routes import ADMIN_MENU, RESIDENT_MENU

log = logging.getLogger(__name__)

# Each menu is set per language, and once without one for users of every other language.
MENU_LANGUAGES: tuple[tuple[str | None, str], ...] = (
    (None, DEFAULT_LANGUAGE),
    *((lang, lang) for lang in LANGUAGES),
)


def commands(names: tuple[str, ...], lang: str) -> list[BotCommand]:
    return [BotCommand(name, t(lang, f"command_{name}")) for name in names]


async def set_up_menus(bot: ExtBot[RateLimitArgs], admin_ids: Collection[int]) -> None:
    for code, lang in MENU_LANGUAGES:
        await bot.set_my_commands(
            commands(RESIDENT_MENU, lang),
            scope=BotCommandScopeAllPrivateChats(),
            language_code=code,
        )
        await bot.set_my_description(t(lang, "bot_description"), language_code=code)
        await bot.set_my_short_description(t(lang, "bot_short_description"), language_code=code)
    for admin in sorted(admin_ids):  # an administrator's private chat has their id
        try:
            for code, lang in MENU_LANGUAGES:
                await bot.set_my_commands(
                    commands(RESIDENT_MENU + ADMIN_MENU, lang),
                    scope=BotCommandScopeChat(admin),
                    language_code=code,
                )
        except BadRequest as exc:  # "chat not found": they have not opened the bot yet
            log.warning("no command menu for administrator %s: %s", admin, exc.message)

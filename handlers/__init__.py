"""Telegram adapters only: each module exports register(app); this is the one place they meet."""

from __future__ import annotations

from telegram.ext import Application

from bot.config import Settings
from handlers import (
    admin,
    broadcast,
    errors,
    facts,
    flood,
    inline,
    operator,
    questions,
    services,
    start,
)


def register(app: Application, settings: Settings) -> None:  # type: ignore[type-arg]
    flood.register(app)  # group -1: before everything else
    for module in (start, facts, services, inline):
        module.register(app)
    for with_settings in (broadcast, admin, operator):
        with_settings.register(app, settings)
    questions.register(app)
    start.register_fallbacks(app)  # after every command handler
    errors.register(app)

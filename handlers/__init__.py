"""Telegram adapters only: each module exports register(app); this is the one place they meet."""

from __future__ import annotations

from telegram.ext import Application

from handlers import errors, facts, questions, services, start


def register(app: Application) -> None:  # type: ignore[type-arg]
    for module in (start, facts, services, questions, errors):
        module.register(app)

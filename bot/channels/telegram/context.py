"""The typed callback context (PTB's ContextTypes): services, not string keys in bot_data."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram.ext import CallbackContext, ExtBot

from bot.channels.telegram.rate_limit import RateLimitArgs
from bot.flood import FloodGuard
from bot.services import Services

if TYPE_CHECKING:
    from bot.channels.telegram.outlet import TelegramOutlet
    from bot.error_reports import ErrorReports


class BotData:
    """`context.bot_data`: the services and the outlet, set once in post_init."""

    def __init__(self) -> None:
        self._services: Services | None = None
        self._outlet: TelegramOutlet | None = None
        self.flood = FloodGuard()  # a test may replace it before the application starts
        self.error_reports: ErrorReports | None = None

    def attach(self, services: Services, outlet: TelegramOutlet) -> None:
        self._services = services
        self._outlet = outlet

    @property
    def ready(self) -> bool:
        return self._services is not None

    @property
    def services(self) -> Services:
        if self._services is None:
            raise RuntimeError("the application is not initialised")
        return self._services

    @property
    def outlet(self) -> TelegramOutlet:
        if self._outlet is None:
            raise RuntimeError("the application is not initialised")
        return self._outlet


class SmolContext(
    CallbackContext[ExtBot[RateLimitArgs], dict[object, object], dict[object, object], BotData]
):
    """What every callback gets: `context.services` and `context.outlet`."""

    @property
    def services(self) -> Services:
        return self.bot_data.services

    @property
    def outlet(self) -> TelegramOutlet:
        return self.bot_data.outlet

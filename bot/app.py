"""Composition root: the Telegram Application with storage, engine and handlers wired in.

The only module that imports `handlers`. Services live on a typed `bot_data` object
(`context.bot_data.services`) instead of string keys.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from telegram import BotCommand, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackContext,
    ContextTypes,
    Defaults,
    ExtBot,
)
from telegram.request import HTTPXRequest

from bot.broadcast import BroadcastWorker
from bot.charts import Charts
from bot.config import Settings
from bot.engine.answer import Engine
from bot.facts import Fact, build_facts
from bot.flood import FloodGuard
from bot.inbox import DurableUpdateQueue, UpdatesRequest
from bot.rate_limit import PerChatRateLimiter
from bot.runtime import load_engine
from bot.storage import Storage
from bot.updates import PerChatOrder

# (command, Russian description, English description); registered with setMyCommands.
COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("start", "Начало и меню", "Start and menu"),
    ("rank", "Место области в рейтинге", "The region's place in the rating"),
    ("share", "Сколько смолян на Госуслугах", "How many residents use Gosuslugi"),
    ("services", "Инструкции по услугам", "How-to guides for services"),
    ("language", "Язык: русский или английский", "Language: Russian or English"),
    ("subscribe", "Подписаться на новости", "Subscribe to news"),
    ("unsubscribe", "Отписаться от новостей", "Unsubscribe from news"),
    ("facts", "Ключевые цифры с источниками", "Key figures with sources"),
    ("forget_me", "Удалить мои данные", "Delete my data"),
    ("help", "Что умеет бот", "What the bot can do"),
)


@dataclass
class BotServices:
    settings: Settings
    engine: Engine
    storage: Storage
    worker: BroadcastWorker | None = None
    facts: list[Fact] = field(default_factory=list)
    charts: Charts | None = None
    inbox: DurableUpdateQueue | None = None


class BotData:
    """`context.bot_data`: the services, set once in post_init."""

    def __init__(self) -> None:
        self._services: BotServices | None = None
        self.flood = FloodGuard()

    @property
    def services(self) -> BotServices:
        if self._services is None:
            raise RuntimeError("the application is not initialised")
        return self._services

    @services.setter
    def services(self, value: BotServices) -> None:
        self._services = value


Context = CallbackContext[ExtBot[None], dict, dict, BotData]  # type: ignore[type-arg]


PURGE_EVERY = 24 * 60 * 60
INBOX_KEPT = dt.timedelta(days=2)  # handled update ids, to skip a redelivery


async def purge_old_questions(context: Context) -> None:
    """Daily: questions older than LOG_RETENTION_DAYS go, with their votes; so do the ids of
    updates handled days ago."""
    services = context.bot_data.services
    deleted = await services.storage.purge_questions(services.settings.log_retention_days)
    if deleted:
        logging.getLogger(__name__).info("purged %s questions past retention", deleted)
    await services.storage.purge_inbox(INBOX_KEPT)


class SmolApplication(Application):  # type: ignore[type-arg]
    """PTB's Application, whose stop leaves the updates not yet begun for the next start."""

    async def stop(self) -> None:
        if isinstance(self.update_processor, PerChatOrder):
            self.update_processor.begin_stop()
        await super().stop()


def build_application(
    settings: Settings,
    engine: Engine | None = None,
    rate_limited: bool = True,
) -> Application:  # type: ignore[type-arg]
    """The bot, ready to run; storage opens and the engine loads in post_init.

    `rate_limited=False` is for the throughput benchmark only: it measures what the bot's own
    logic costs, without the 30 messages a second Telegram allows.
    """

    async def post_init(app: Application) -> None:  # type: ignore[type-arg]
        from handlers.broadcast import progress_reporter

        ready_engine = engine if engine is not None else await load_engine(settings)
        await storage.open()
        inbox.attach(storage)
        ready_engine.add_phrasings(await storage.extra_phrasings())

        async def send(chat_id: int, text: str) -> object:
            return await app.bot.send_message(chat_id, text, parse_mode=ParseMode.HTML)

        worker = BroadcastWorker(
            storage, send, settings.broadcast_rate, progress_reporter(app.bot, storage)
        )
        facts = build_facts(ready_engine.kb)
        charts = Charts(ready_engine.kb, settings.database_path.parent / "charts")
        app.bot_data.services = BotServices(
            settings, ready_engine, storage, worker, facts, charts, inbox
        )
        worker.start()  # resumes a broadcast a restart interrupted
        await inbox.replay(app.bot)  # handled once the application starts
        if app.job_queue is not None:
            app.job_queue.run_repeating(purge_old_questions, interval=PURGE_EVERY, first=1)
        for lang, index in (("ru", 1), ("en", 2)):
            commands = [BotCommand(c[0], c[index]) for c in COMMANDS]
            await app.bot.set_my_commands(commands, language_code=lang)
        await app.bot.set_my_commands([BotCommand(c[0], c[1]) for c in COMMANDS])

    async def post_stop(app: Application) -> None:  # type: ignore[type-arg]
        """Before the bot's HTTP client closes: finish and record the batch in flight."""
        services = app.bot_data._services
        if services is not None and services.worker is not None:
            await services.worker.stop()

    async def post_shutdown(app: Application) -> None:  # type: ignore[type-arg]
        """Also after a start that failed or was stopped halfway: aiosqlite's thread would keep
        the process alive, and systemd would never restart it."""
        await inbox.close()
        await storage.close()

    import handlers  # the composition root is the one place that knows the handlers

    storage = Storage(settings.database_path)  # opened in post_init
    inbox = DurableUpdateQueue()
    builder = (
        ApplicationBuilder()
        .application_class(SmolApplication)
        .update_queue(inbox)
        .token(settings.require_token().get())
        .base_url(settings.telegram_api_base_url)
        .base_file_url(settings.telegram_api_base_url.replace("/bot", "/file/bot", 1))
        .context_types(ContextTypes(bot_data=BotData))
        .defaults(Defaults(link_preview_options=LinkPreviewOptions(is_disabled=True)))
        .concurrent_updates(PerChatOrder(inbox))
        .request(HTTPXRequest(connection_pool_size=256, proxy=settings.telegram_proxy_url))
        .get_updates_request(UpdatesRequest(inbox, proxy=settings.telegram_proxy_url))
        .post_init(post_init)
        .post_stop(post_stop)
        .post_shutdown(post_shutdown)
    )
    if rate_limited:
        builder = builder.rate_limiter(PerChatRateLimiter())
    app = builder.build()
    handlers.register(app, settings)
    return app

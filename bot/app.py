"""Composition root: the services every messenger shares, and the messengers' adapters.

The only module that knows both the flows' services and the adapters; nothing imports it back.
"""

from __future__ import annotations

from telegram.ext import Application

from bot.broadcast import BroadcastWorker
from bot.channels.telegram.application import build_telegram
from bot.channels.telegram.inbox import DurableUpdateQueue
from bot.charts import Charts
from bot.config import Settings
from bot.engine.answer import Engine
from bot.facts import build_facts
from bot.runtime import load_engine
from bot.services import Services
from bot.storage import Storage
from handlers.broadcast import progress_reporter


def build_application(
    settings: Settings,
    engine: Engine | None = None,
    rate_limited: bool = True,
) -> Application:
    """The bot, ready to run; storage opens and the engine loads when it starts.

    `rate_limited=False` is for the throughput benchmark only: it measures what the bot's own
    logic costs, without the 30 messages a second Telegram allows.
    """
    storage = Storage(settings.database_path)
    started: list[Services] = []

    async def start_services(app: Application, inbox: DurableUpdateQueue) -> Services:
        ready_engine = engine if engine is not None else await load_engine(settings)
        await storage.open()
        inbox.attach(storage)
        ready_engine.add_phrasings(await storage.phrasings.all())
        services = Services(
            settings,
            ready_engine,
            storage,
            facts=build_facts(ready_engine.kb),
            charts=Charts(ready_engine.kb, settings.database_path.parent / "charts"),
        )
        services.worker = BroadcastWorker(
            storage, services.outlets, settings.broadcast_rate, progress_reporter(services)
        )
        started.append(services)
        return services

    async def stop_services() -> None:
        """Before the messengers' HTTP clients close: finish and record the batch in flight."""
        for services in started:
            if services.worker is not None:
                await services.worker.stop()

    return build_telegram(settings, start_services, stop_services, storage.close, rate_limited)

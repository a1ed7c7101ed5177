"""Composition root: the services every messenger shares, and the messengers' adapters.

`smolbot run` serves every messenger whose token is set, in one process over one database:
with a Telegram token, PTB's Application runs the process and MAX (if its token is set too)
starts and stops with it; with only a MAX token, `serve_max` runs it. The only module that
knows both the flows' services and the adapters; nothing imports it back.
"""

from __future__ import annotations

import asyncio
import logging
import signal

from telegram.ext import Application

from bot.broadcast import BroadcastWorker
from bot.channels.max.channel import MaxChannel
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

log = logging.getLogger(__name__)

PURGE_EVERY = 24 * 3600.0  # seconds between purges of old records (MAX alone)


async def open_services(settings: Settings, storage: Storage, engine: Engine | None) -> Services:
    """Storage open, the engine loaded with the phrasings editors added, the broadcast worker
    ready (started by the caller once every messenger's outlet is in)."""
    ready_engine = engine if engine is not None else await load_engine(settings)
    await storage.open()
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
    return services


def build_application(
    settings: Settings,
    engine: Engine | None = None,
    rate_limited: bool = True,
) -> Application:
    """The bot on Telegram, and on MAX too if MAX_BOT_TOKEN is set; storage opens and the
    engine loads when it starts.

    `rate_limited=False` is for the throughput benchmark only: it measures what the bot's own
    logic costs, without the 30 messages a second Telegram allows.
    """
    storage = Storage(settings.database_path)
    started: list[Services] = []
    max_channel = MaxChannel(settings) if settings.max_bot_token is not None else None

    async def start_services(app: Application, inbox: DurableUpdateQueue) -> Services:
        services = await open_services(settings, storage, engine)
        inbox.attach(storage)
        started.append(services)
        if max_channel is not None:
            await max_channel.attach(services)  # its outlet in before the worker starts
        return services

    async def start_receiving(services: Services) -> None:
        if max_channel is not None:
            await max_channel.start_receiving()

    async def stop_services() -> None:
        """Before the messengers' HTTP clients close: stop MAX receiving, finish and record
        the broadcast batch in flight (through both messengers), then close MAX's client."""
        if max_channel is not None:
            await max_channel.stop_receiving()
        for services in started:
            if services.worker is not None:
                await services.worker.stop()
        if max_channel is not None:
            await max_channel.close()

    return build_telegram(
        settings, start_services, stop_services, storage.close, rate_limited, start_receiving
    )


async def serve_max(
    settings: Settings, engine: Engine | None = None, stop: asyncio.Event | None = None
) -> None:
    """The bot on MAX alone, until SIGTERM or SIGINT (or `stop` is set)."""
    if stop is None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
    storage = Storage(settings.database_path)
    channel = MaxChannel(settings)
    services: Services | None = None
    purging: asyncio.Task[None] | None = None
    try:
        services = await open_services(settings, storage, engine)
        await channel.start(services)
        if services.worker is not None:
            services.worker.start()  # resumes a broadcast a restart interrupted
        purging = asyncio.create_task(_purge_regularly(services), name="purge-old-records")
        log.info("serving MAX")
        await stop.wait()
    finally:  # also after a failed start: nothing left running, the database closed
        if purging is not None:
            purging.cancel()
        await channel.stop_receiving()
        if services is not None and services.worker is not None:
            await services.worker.stop()
        await channel.close()
        await storage.close()


async def _purge_regularly(services: Services) -> None:
    """Storage.purge_old, at start and daily (Telegram's job queue does this when Telegram
    runs the process)."""
    while True:
        try:
            deleted = await services.storage.purge_old(services.settings.log_retention_days)
            if deleted:
                log.info("purged %s questions past retention", deleted)
        except Exception:
            log.exception("could not purge old records")
        await asyncio.sleep(PURGE_EVERY)

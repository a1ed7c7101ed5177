"""The real Application, polling the fake Bot API over HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from bot.app import build_application
from bot.channels.telegram.updates import PerChatOrder
from bot.config import load_settings
from bot.engine.answer import Engine
from bot.flood import FloodGuard
from bot.kb.model import KnowledgeBase
from tests.fake_bot_api import FakeBotApi
from tests.fake_max_api import FakeMaxApi

TOKEN = "123456789:AAAbbbCCCdddEEEfffGGGhhhIIIjjjKKKlll"
ADMIN = FakeBotApi.user(900, "ru", "Админ")
OPERATORS = {"id": -5000, "type": "supergroup", "title": "Операторы"}


@asynccontextmanager
async def running_bot(
    api: FakeBotApi, engine: Engine, database: Path, flood: FloodGuard | None = None, **env: str
) -> AsyncIterator[FakeBotApi]:
    """A running bot over `database`; stopping it is what SIGTERM would do.

    Tests type faster than people: flood control is off unless a test passes its own guard.
    """
    settings = load_settings(
        {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": api.url,
            "DATABASE_PATH": str(database),
            "ADMIN_IDS": str(ADMIN["id"]),
            "BROADCAST_RATE": "200",
            "OPERATORS_CHAT_ID": str(OPERATORS["id"]),
            **env,
        },
        Path("/nonexistent"),
    )
    api.add_private_chat(ADMIN)  # the administrator has opened the bot before
    app = build_application(settings, engine=engine)
    app.bot_data.flood = flood or FloodGuard(burst=10_000)
    assert isinstance(app.update_processor, PerChatOrder)
    app.update_processor.stop_grace = 1.0  # a test that leaves replies queued stops quickly
    # run_polling() would call the post_* hooks; started by hand, the test calls them.
    await app.initialize()
    assert app.post_init and app.post_stop and app.post_shutdown
    await app.post_init(app)
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0.0, timeout=1)
    try:
        yield api
    finally:
        await api.end_long_polls()  # the stop need not wait out the poll in flight
        await app.updater.stop()
        await app.stop()
        await app.post_stop(app)
        await app.shutdown()
        await app.post_shutdown(app)


@pytest.fixture
async def bot(api: FakeBotApi, engine: Engine, tmp_path: Path) -> AsyncIterator[FakeBotApi]:
    """A running bot; the test talks to it through `api` and reads what it sent."""
    async with running_bot(api, engine, tmp_path / "bot.sqlite3") as running:
        yield running


@pytest.fixture
async def fresh_bot(
    api: FakeBotApi, kb: KnowledgeBase, tmp_path: Path
) -> AsyncIterator[FakeBotApi]:
    """A bot with an engine of its own, for a test that teaches it new phrasings."""
    async with running_bot(api, Engine(kb), tmp_path / "bot.sqlite3") as running:
        yield running


MAX_ADMIN_ID = 8800  # an administrator on MAX


def max_env(max_api: FakeMaxApi) -> dict[str, str]:
    """Settings that make the bot serve MAX (against `max_api`) besides Telegram."""
    return {
        "MAX_BOT_TOKEN": max_api.token,
        "MAX_API_BASE_URL": max_api.url,
        "MAX_ADMIN_IDS": str(MAX_ADMIN_ID),
    }


@pytest.fixture
async def max_api() -> AsyncIterator[FakeMaxApi]:
    """A fake MAX Bot API (and its upload host) on free local ports."""
    server = FakeMaxApi()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def both(
    api: FakeBotApi, max_api: FakeMaxApi, engine: Engine, tmp_path: Path
) -> AsyncIterator[tuple[FakeBotApi, FakeMaxApi]]:
    """One bot serving Telegram and MAX over one database; MAX is polling when it starts."""
    async with running_bot(api, engine, tmp_path / "bot.sqlite3", **max_env(max_api)):
        await max_api.wait_polling()
        try:
            yield api, max_api
        finally:
            await max_api.end_long_polls()

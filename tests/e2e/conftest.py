"""The real Application, polling the fake Bot API over HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import build_application
from bot.config import load_settings
from bot.engine.answer import Engine
from tests.fake_bot_api import FakeBotApi

TOKEN = "123456789:AAAbbbCCCdddEEEfffGGGhhhIIIjjjKKKlll"


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    server = FakeBotApi()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def bot(api: FakeBotApi, engine: Engine, tmp_path: Path) -> AsyncIterator[FakeBotApi]:
    """A running bot; the test talks to it through `api` and reads what it sent."""
    settings = load_settings(
        {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": api.url,
            "DATABASE_PATH": str(tmp_path / "bot.sqlite3"),
        },
        Path("/nonexistent"),
    )
    app = build_application(settings, engine=engine)
    # run_polling() would call post_init/post_shutdown; started by hand, the test calls them.
    await app.initialize()
    assert app.post_init is not None and app.post_shutdown is not None
    await app.post_init(app)
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0.0, timeout=1)
    try:
        yield api
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
        await app.post_shutdown(app)

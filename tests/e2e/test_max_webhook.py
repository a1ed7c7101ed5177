"""MAX in webhook mode: subscribed at start, each update posted with the secret is stored and
answered, a post without the secret is refused before its body is read, and no poll is made
(MAX turns polling off while a subscription is active)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import aiohttp
import pytest

from bot.engine.answer import Engine
from tests.fake_bot_api import FakeBotApi
from tests.fake_max_api import FakeMaxApi

from .conftest import max_env, running_bot
from .test_max import text
from .test_webhook import REFUSED, free_port, post

pytestmark = pytest.mark.slow  # a server on a port picked free, released, then taken


async def test_webhook_mode_answers_posted_updates_and_refuses_forged_ones(
    api: FakeBotApi, max_api: FakeMaxApi, engine: Engine, tmp_path: Path
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/max-updates"
    env = {
        **max_env(max_api),
        "MAX_WEBHOOK_URL": url,
        "MAX_WEBHOOK_SECRET": "hook-secret-42",
        "MAX_WEBHOOK_PORT": str(port),
        "WEBHOOK_LISTEN": "127.0.0.1",
    }
    async with running_bot(api, engine, tmp_path / "bot.sqlite3", **env):
        assert max_api.subscription is not None and max_api.subscription["url"] == url
        anna = max_api.user(301, "ru")
        await max_api.push_text(anna, "сколько стоит загранпаспорт")
        (reply,) = await max_api.wait_sent(max_api.dialog(301))
        assert "6000 ₽" in text(reply)
        async with aiohttp.ClientSession() as session:
            forged = b'{"update_type": "bot_started", "chat_id": 1, "user": {"user_id": 1}}'
            assert await post(session, url, forged, {}) in REFUSED
            wrong = {"X-Max-Bot-Api-Secret": "guessed-secret"}
            assert await post(session, url, forged, wrong) in REFUSED
            right = {"X-Max-Bot-Api-Secret": "hook-secret-42"}
            assert await post(session, url, b"[1, 2]", right) == 400
            again = json.dumps(max_api.webhook_deliveries[0][0]).encode()
            assert await post(session, url, again, right) == 200  # MAX retrying a delivery
        await asyncio.sleep(0.3)
        assert len(max_api.sent(max_api.dialog(301))) == 1  # answered once
    assert [status for _, status in max_api.webhook_deliveries] == [200]
    assert not any(c.method == "GET /updates" for c in max_api.calls)
    assert max_api.refused == [] and max_api.violations == []

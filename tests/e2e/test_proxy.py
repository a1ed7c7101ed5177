"""The real Application reaching the Bot API through a proxy: TELEGRAM_PROXY, or without it
the environment's. The proxies are the tiny local ones of tests/proxies.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.engine.answer import Engine
from tests.fake_bot_api import FakeBotApi
from tests.proxies import HttpProxy, Socks5Proxy

from .conftest import running_bot


async def ask_and_wait(api: FakeBotApi, engine: Engine, database: Path, **env: str) -> None:
    async with running_bot(api, engine, database, **env):
        user = FakeBotApi.user(501, "ru")
        await api.push_text(user, "как зарегистрировать брак")
        (reply,) = await api.wait_sent(user["id"])
        assert reply.ok


async def test_telegram_proxy_carries_every_call_and_wins_over_the_environment(
    api: FakeBotApi, engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    socks, http = Socks5Proxy(), HttpProxy()
    monkeypatch.setenv("HTTP_PROXY", await http.start())  # would apply to the fake's http://
    try:
        proxy = await socks.start()
        await ask_and_wait(api, engine, tmp_path / "bot.sqlite3", TELEGRAM_PROXY=proxy)
    finally:
        await socks.stop()
        await http.stop()
    assert socks.connections > 0
    # Both transports: getUpdates has its own (bot/channels/telegram/inbox.py), the other
    # calls the other.
    assert {"getMe", "getUpdates", "setMyCommands", "sendMessage"} <= set(socks.methods)
    assert http.connections == 0


async def test_without_telegram_proxy_the_environments_proxy_is_used(
    api: FakeBotApi, engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """httpx picks the environment's proxy by the URL's scheme: for Telegram's
    https://api.telegram.org that is HTTPS_PROXY (or ALL_PROXY; tests/test_proxy.py checks
    both). The fake Bot API here is plain http://, for which httpx reads HTTP_PROXY and
    ignores HTTPS_PROXY, so HTTP_PROXY is set: what is tested is that the bot leaves httpx's
    trust_env on, whichever variable the scheme selects."""
    http = HttpProxy()
    monkeypatch.setenv("HTTP_PROXY", await http.start())
    try:
        await ask_and_wait(api, engine, tmp_path / "bot.sqlite3")
    finally:
        await http.stop()
    assert http.connections > 0
    assert {"getMe", "getUpdates", "setMyCommands", "sendMessage"} <= set(http.methods)

"""Bot API calls through a proxy from the environment, as httpx takes it (PTB's HTTPXRequest
leaves trust_env on): the tiny local proxies of tests/proxies.py, no network."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from telegram.error import NetworkError
from telegram.request import HTTPXRequest

from tests.fake_bot_api import FakeBotApi
from tests.proxies import HttpProxy, Socks5Proxy

TOKEN = "123456789:AAAbbbCCCdddEEEfffGGGhhhIIIjjjKKKlll"


async def test_all_proxy_may_be_a_socks5_proxy(
    api: FakeBotApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    socks = Socks5Proxy()
    monkeypatch.setenv("ALL_PROXY", await socks.start())
    try:
        async with HTTPXRequest() as request:  # the client reads the environment when built
            status, _ = await request.do_request(f"{api.url}{TOKEN}/getMe", "POST")
    finally:
        await socks.stop()
    assert status == 200 and socks.methods == ["getMe"]


async def test_https_proxy_carries_https_calls_through_a_tunnel(
    api: FakeBotApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Telegram's URL is https://, so HTTPS_PROXY is the variable that counts in production;
    httpx asks it for a tunnel (CONNECT). The fake speaks no TLS, so the call then fails:
    what is checked is the tunnel asked for, to the Bot API's host and port."""
    http = HttpProxy()
    monkeypatch.setenv("HTTPS_PROXY", await http.start())
    port = urlsplit(api.url).port
    try:
        async with HTTPXRequest() as request:
            with pytest.raises(NetworkError):
                await request.do_request(f"https://127.0.0.1:{port}/bot{TOKEN}/getMe", "POST")
    finally:
        await http.stop()
    assert http.targets == [f"127.0.0.1:{port}"]


async def test_no_proxy_is_honoured(api: FakeBotApi, monkeypatch: pytest.MonkeyPatch) -> None:
    socks = Socks5Proxy()
    monkeypatch.setenv("ALL_PROXY", await socks.start())
    monkeypatch.setenv("NO_PROXY", "localhost,127.0.0.1")
    try:
        async with HTTPXRequest() as request:
            status, _ = await request.do_request(f"{api.url}{TOKEN}/getMe", "POST")
    finally:
        await socks.stop()
    assert status == 200 and socks.connections == 0

"""JsonRequest: Bot API calls as JSON, failures mapped as python-telegram-bot maps them."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from telegram.error import NetworkError, TimedOut
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from bot.telegram_request import JsonRequest


def request_data(**params: object) -> RequestData:
    return RequestData([RequestParameter.from_input(k, v) for k, v in params.items()])


@pytest.fixture
async def server() -> AsyncIterator[str]:
    """/echo answers with the request's content type and body; /slow answers after 2 s."""

    async def echo(request: web.Request) -> web.Response:
        body = await request.read()
        return web.json_response({"type": request.content_type, "body": body.decode()})

    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(2)
        return web.json_response({})

    app = web.Application()
    app.router.add_post("/echo", echo)
    app.router.add_post("/slow", slow)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield f"http://127.0.0.1:{port}"
    await runner.cleanup()


async def test_a_call_without_files_goes_as_json_with_nested_objects(server: str) -> None:
    markup = {"inline_keyboard": [[{"text": "👍", "callback_data": "v:1:1"}]]}
    async with JsonRequest() as request:
        status, raw = await request.do_request(
            f"{server}/echo",
            "POST",
            request_data(chat_id=5, text="Смоленская область <b>4-е</b>", reply_markup=markup),
        )
    sent = json.loads(raw)
    assert status == 200 and sent["type"] == "application/json"
    assert json.loads(sent["body"]) == {
        "chat_id": 5,
        "text": "Смоленская область <b>4-е</b>",
        "reply_markup": markup,
    }


async def test_a_slow_server_is_a_timeout_and_a_closed_port_a_network_error(server: str) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    async with JsonRequest(read_timeout=0.2) as request:
        with pytest.raises(TimedOut):
            await request.do_request(f"{server}/slow", "POST", request_data(chat_id=5))
        with pytest.raises(NetworkError) as refused:
            await request.do_request(f"http://127.0.0.1:{closed}/x", "POST", request_data(a=1))
        assert not isinstance(refused.value, TimedOut)  # TimedOut is a NetworkError too

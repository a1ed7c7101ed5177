"""AiohttpRequest: Bot API calls as JSON or multipart, failures mapped as PTB maps them."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from telegram import InputFile
from telegram.error import NetworkError, TimedOut
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from bot.telegram_request import AiohttpRequest


def request_data(**params: object) -> RequestData:
    return RequestData([RequestParameter.from_input(k, v) for k, v in params.items()])


@pytest.fixture
async def server() -> AsyncIterator[str]:
    """/echo answers with the request's content type, body and user agent; /form with the
    multipart fields it got; /slow answers after 2 s."""

    async def echo(request: web.Request) -> web.Response:
        body = await request.read()
        return web.json_response(
            {
                "type": request.content_type,
                "body": body.decode(),
                "agent": request.headers.get("User-Agent", ""),
            }
        )

    async def form(request: web.Request) -> web.Response:
        fields = {}
        async for part in await request.multipart():
            content = await part.read()
            fields[part.name] = {
                "filename": part.filename,
                "type": part.headers.get("Content-Type"),
                "content": content.decode(errors="replace"),
            }
        return web.json_response({"type": request.content_type, "fields": fields})

    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(2)
        return web.json_response({})

    app = web.Application()
    app.router.add_post("/echo", echo)
    app.router.add_post("/form", form)
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
    async with AiohttpRequest() as request:
        status, raw = await request.do_request(
            f"{server}/echo",
            "POST",
            request_data(chat_id=5, text="Смоленская область <b>4-е</b>", reply_markup=markup),
        )
    sent = json.loads(raw)
    assert status == 200 and sent["type"] == "application/json"
    assert sent["agent"].startswith("python-telegram-bot")
    assert json.loads(sent["body"]) == {
        "chat_id": 5,
        "text": "Смоленская область <b>4-е</b>",
        "reply_markup": markup,
    }


async def test_a_slow_server_is_a_timeout_and_a_closed_port_a_network_error(server: str) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    async with AiohttpRequest(read_timeout=0.2) as request:
        with pytest.raises(TimedOut):
            await request.do_request(f"{server}/slow", "POST", request_data(chat_id=5))
        with pytest.raises(NetworkError) as refused:
            await request.do_request(f"http://127.0.0.1:{closed}/x", "POST", request_data(a=1))
        assert not isinstance(refused.value, TimedOut)  # TimedOut is a NetworkError too


async def test_a_call_with_a_file_goes_as_a_multipart_form(server: str) -> None:
    chart = InputFile(b"\x89PNG fake", filename="rank.png")
    async with AiohttpRequest() as request:
        status, raw = await request.do_request(
            f"{server}/form", "POST", request_data(chat_id=5, caption="Рейтинг", photo=chart)
        )
    sent = json.loads(raw)
    assert status == 200 and sent["type"] == "multipart/form-data"
    fields = sent["fields"]
    assert fields["chat_id"]["content"] == "5" and fields["caption"]["content"] == "Рейтинг"
    photo = next(f for f in fields.values() if f["filename"] == "rank.png")
    assert photo["type"] == "image/png" and photo["content"].endswith("PNG fake")


async def test_a_longer_read_timeout_for_one_call_is_honoured(server: str) -> None:
    """getUpdates long-polls: PTB passes a read timeout longer than the default for it."""
    async with AiohttpRequest(read_timeout=0.2) as request:
        status, _ = await request.do_request(
            f"{server}/slow", "POST", request_data(timeout=2), read_timeout=5
        )
    assert status == 200


async def test_a_status_other_than_200_is_passed_on_for_ptb_to_map(server: str) -> None:
    async with AiohttpRequest() as request:
        status, _ = await request.do_request(f"{server}/nowhere", "POST", request_data(a=1))
    assert status == 404


async def test_calls_before_initialize_or_after_shutdown_are_refused(server: str) -> None:
    request = AiohttpRequest()
    with pytest.raises(RuntimeError):
        await request.do_request(f"{server}/echo", "POST", request_data(a=1))
    await request.initialize()
    await request.shutdown()
    with pytest.raises(RuntimeError):
        await request.do_request(f"{server}/echo", "POST", request_data(a=1))
    await request.initialize()  # PTB may start an Application again
    status, _ = await request.do_request(f"{server}/echo", "POST", request_data(a=1))
    await request.shutdown()
    assert status == 200

"""Webhook mode: `smolbot run` with WEBHOOK_URL, as a process, fed by HTTP like Telegram does."""

from __future__ import annotations

import asyncio
import json
import signal
import socket
from pathlib import Path

import aiohttp

from tests.fake_bot_api import FakeBotApi

from .conftest import TOKEN
from .test_run import finish, run_env, start_bot

SECRET = "s3cret-webhook-token"
USER = FakeBotApi.user(701, "ru")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def wait_healthy(base: str, session: aiohttp.ClientSession) -> dict[str, object]:
    for _ in range(200):
        try:
            async with session.get(f"{base}/healthz") as response:
                if response.status == 200:
                    return await response.json()
        except aiohttp.ClientConnectionError:
            pass
        await asyncio.sleep(0.05)
    raise AssertionError("the webhook server never became healthy")


async def test_webhook_refuses_requests_without_the_secret_and_answers_real_ones(
    api: FakeBotApi, tmp_path: Path
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = run_env(api, tmp_path, TOKEN)
    env.update(
        WEBHOOK_URL=f"{base}/telegram",
        WEBHOOK_SECRET=SECRET,
        WEBHOOK_PORT=str(port),
        WEBHOOK_LISTEN="127.0.0.1",
    )
    api.add_private_chat(USER)
    update = {
        "update_id": 1,
        "message": {
            "message_id": 5,
            "date": 0,
            "text": "загс",
            "from": USER,
            "chat": {"id": USER["id"], "type": "private"},
        },
    }
    process = await start_bot(env, tmp_path)
    try:
        async with aiohttp.ClientSession() as session:
            health = await wait_healthy(base, session)
            assert health == {"status": "ok", "engine": True, "database": True}
            assert api.webhook == {"url": f"{base}/telegram", "secret_token": SECRET}
            async with session.post(f"{base}/telegram", json=update) as response:
                assert response.status == 403  # no secret header
            wrong = {"X-Telegram-Bot-Api-Secret-Token": "guess"}
            async with session.post(f"{base}/telegram", json=update, headers=wrong) as response:
                assert response.status == 403
            right = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
            async with session.post(
                f"{base}/telegram", data=b"{not json", headers=right
            ) as response:
                assert response.status == 400
            async with session.post(
                f"{base}/telegram", data=json.dumps(update), headers=right
            ) as response:
                assert response.status == 200
            (reply,) = await api.wait_sent(USER["id"], timeout=30)
            assert "Регистрация брака" in reply.result["text"]
    finally:
        process.send_signal(signal.SIGTERM)
        logs = await finish(process, tmp_path)
    assert process.returncode == 0, logs
    assert TOKEN not in logs and SECRET not in logs
    assert len(api.sent(USER["id"])) == 1  # the refused requests did nothing

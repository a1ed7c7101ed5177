"""Webhook mode: `smolbot run` with WEBHOOK_URL, as a process, fed by HTTP like Telegram does."""

from __future__ import annotations

import asyncio
import io
import json
import signal
import socket
import sqlite3
from pathlib import Path

import aiohttp
import pytest

from tests.fake_bot_api import FakeBotApi

from .conftest import TOKEN
from .test_run import finish, run_env, start_bot

# Each test starts `smolbot run` as a process, in webhook mode, and floods it: ~3 s each.
pytestmark = pytest.mark.slow

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


REFUSED = (403, None)  # refused before the body is read: a 403, or the connection closed


async def post(
    session: aiohttp.ClientSession, url: str, body: bytes, headers: dict[str, str]
) -> int | None:
    """The status of a POST, or None if the server closed the connection before answering."""
    try:
        async with session.post(url, data=io.BytesIO(body), headers=headers) as response:
            return response.status
    except aiohttp.ClientError:
        return None


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


@pytest.mark.usefixtures("kb_path")  # compiled on an earlier start
async def test_webhook_reads_no_body_without_the_secret(api: FakeBotApi, tmp_path: Path) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = run_env(api, tmp_path, TOKEN)
    env.update(WEBHOOK_URL=f"{base}/telegram", WEBHOOK_SECRET=SECRET, WEBHOOK_PORT=str(port))
    process = await start_bot(env, tmp_path)
    try:
        async with aiohttp.ClientSession() as session:
            await wait_healthy(base, session)
            before = rss_mib(process.pid)
            junk = b"x" * 900_000  # under the 1 MB cap: only the secret check refuses it
            statuses = await asyncio.gather(  # at once, as a flood would come
                *(post(session, f"{base}/telegram", junk, {}) for _ in range(40))
            )
            grown = rss_mib(process.pid) - before
    finally:
        process.send_signal(signal.SIGTERM)
        logs = await finish(process, tmp_path)
    assert set(statuses) <= set(REFUSED), statuses
    assert grown < 15, f"{grown:.0f} MiB more after 40 unauthenticated 0.9 MB posts"
    assert process.returncode == 0 and "Traceback" not in logs


@pytest.mark.usefixtures("kb_path")  # compiled on an earlier start
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
            body = json.dumps(update).encode()
            assert await post(session, f"{base}/telegram", body, {}) in REFUSED  # no secret
            wrong = {"X-Telegram-Bot-Api-Secret-Token": "guess"}
            assert await post(session, f"{base}/telegram", body, wrong) in REFUSED
            right = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
            for bad in (b"{not json", b"null", b"[]", b"42", b"[" * 100_000 + b"]" * 100_000):
                assert await post(session, f"{base}/telegram", bad, right) == 400, bad[:10]
            big = b'{"update_id": 2, "pad": "' + b"x" * 2_000_000 + b'"}'
            assert await post(session, f"{base}/telegram", big, right) in (400, 413, None)
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
    with sqlite3.connect(env["DATABASE_PATH"]) as db:  # the 2 MB update was never read
        assert db.execute("SELECT update_id FROM inbox").fetchall() == [(1,)]

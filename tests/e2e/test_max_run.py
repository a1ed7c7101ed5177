"""`smolbot run` as a process with MAX: alone, with a bad token, and with Telegram in one process
through a broadcast stopped by kill -9 (or SIGTERM) and restarted."""

from __future__ import annotations

import math
import signal
from pathlib import Path

import pytest

from tests.fake_bot_api import FakeBotApi
from tests.fake_max_api import FakeMaxApi

from .conftest import ADMIN, TOKEN
from .test_broadcast import broadcast_finished, confirm_last, received, subscribe_many
from .test_max_admin import received_on_max, subscribe_on_max
from .test_run import compiled_before, finish, run_env, run_to_exit, start_bot

pytestmark = pytest.mark.slow  # each starts `smolbot run` as a process


def max_only_env(max_api: FakeMaxApi, tmp_path: Path, api: FakeBotApi) -> dict[str, str]:
    env = run_env(api, tmp_path, TOKEN)
    del env["TELEGRAM_BOT_TOKEN"], env["TELEGRAM_API_BASE_URL"]
    env.update(MAX_BOT_TOKEN=max_api.token, MAX_API_BASE_URL=max_api.url)
    return env


@compiled_before
async def test_run_with_max_alone_answers_then_stops_cleanly_without_logging_the_token(
    api: FakeBotApi, max_api: FakeMaxApi, tmp_path: Path
) -> None:
    process = await start_bot(max_only_env(max_api, tmp_path, api), tmp_path)
    try:
        await max_api.wait_polling(timeout=30)
        anna = max_api.user(301, "ru")
        await max_api.push_started(anna)
        await max_api.push_text(anna, "сколько стоит загранпаспорт")
        hello, answer = await max_api.wait_sent(max_api.dialog(301), 2, timeout=30)
        assert "Здравствуйте" in hello.body["text"] and "6000 ₽" in answer.body["text"]
    finally:
        await max_api.end_long_polls()
        process.send_signal(signal.SIGTERM)
        logs = await finish(process, tmp_path)
    assert process.returncode == 0, logs
    assert max_api.token not in logs and "Traceback" not in logs
    assert max_api.refused == [] and max_api.violations == []
    assert api.calls == []  # no Telegram token: Telegram is not touched


@compiled_before
async def test_run_with_a_rejected_max_token_says_so_in_one_line(
    api: FakeBotApi, max_api: FakeMaxApi, tmp_path: Path
) -> None:
    env = max_only_env(max_api, tmp_path, api)
    env["MAX_BOT_TOKEN"] = "another-token-0123456789abcdef"
    returncode, logs = await run_to_exit(env, tmp_path)
    assert returncode == 2, logs
    assert logs.strip().splitlines()[-1] == (
        "smolbot: MAX rejected MAX_BOT_TOKEN; check it on business.max.ru"
    )
    env["MAX_BOT_TOKEN"] = max_api.token
    env["MAX_API_BASE_URL"] = "http://127.0.0.1:9"  # nothing listens on the discard port
    returncode, logs = await run_to_exit(env, tmp_path)
    assert returncode == 1, logs
    assert (
        logs.strip()
        .splitlines()[-1]
        .startswith("smolbot: cannot reach the MAX Bot API at http://127.0.0.1:9")
    )
    assert "Traceback" not in logs and max_api.token not in logs


RATE = 40
TEXT = "Плановые работы на портале Госуслуг в субботу"


@pytest.mark.parametrize("stop", [signal.SIGKILL, signal.SIGTERM])
async def test_a_broadcast_to_both_messengers_survives_a_stop_and_a_restart(
    api: FakeBotApi, max_api: FakeMaxApi, tmp_path: Path, stop: signal.Signals
) -> None:
    env = run_env(api, tmp_path, TOKEN)
    env.update(
        ADMIN_IDS=str(ADMIN["id"]),
        BROADCAST_RATE=str(RATE),
        MAX_BOT_TOKEN=max_api.token,
        MAX_API_BASE_URL=max_api.url,
    )
    database = Path(env["DATABASE_PATH"])
    on_telegram = await subscribe_many(database, api, 60)
    on_max = list(range(20_000, 20_060))
    await subscribe_on_max(database, max_api, on_max)
    api.add_private_chat(ADMIN)

    process = await start_bot(env, tmp_path)
    await api.push_text(ADMIN, f"/broadcast {TEXT}")
    await api.wait_sent(ADMIN["id"], 2, timeout=30)
    await confirm_last(api)

    def delivered() -> int:
        return sum(received(api, TEXT).values()) + sum(received_on_max(max_api, TEXT).values())

    await api.wait_for(lambda _: delivered() >= 40, timeout=30)
    process.send_signal(stop)  # SIGKILL: no clean shutdown, the batch in flight unrecorded
    first_logs = await finish(process, tmp_path)
    if stop == signal.SIGTERM:
        assert process.returncode == 0, first_logs
    assert delivered() < 121  # it really was cut off mid-way

    restarted = await start_bot(env, tmp_path)
    try:
        await broadcast_finished(api, timeout=60)
    finally:
        await max_api.end_long_polls()
        restarted.send_signal(signal.SIGTERM)
        logs = await finish(restarted, tmp_path)
    assert restarted.returncode == 0, logs
    on_telegram_got = received(api, TEXT)
    on_telegram_got.pop(ADMIN["id"])
    on_max_got = received_on_max(max_api, TEXT)
    assert set(on_telegram_got) == set(on_telegram)  # nobody skipped, on either messenger
    assert set(on_max_got) == {max_api.dialog(u) for u in on_max}
    repeats = sum(n - 1 for n in [*on_telegram_got.values(), *on_max_got.values()])
    if stop == signal.SIGTERM:
        assert repeats == 0  # nothing sent twice after a clean stop
    else:
        # Only the batches in flight at the kill: one a messenger, of 0.2 s at RATE.
        assert repeats <= 2 * math.ceil(RATE * 0.2)
    assert max_api.violations == [] and "Traceback" not in logs

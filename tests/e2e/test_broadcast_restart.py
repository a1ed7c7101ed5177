"""Stop the running bot in the middle of a broadcast (kill -9, or SIGTERM as systemd does),
start it again: nobody is skipped."""

from __future__ import annotations

import math
import signal
from pathlib import Path

import pytest

from tests.fake_bot_api import FakeBotApi

from .conftest import ADMIN, TOKEN
from .test_broadcast import broadcast_finished, confirm_last, received, subscribe_many
from .test_run import finish, run_env, start_bot

pytestmark = pytest.mark.slow  # a broadcast at 50 a second, stopped and restarted: ~8 s each

RATE = 50
TEXT = "Плановые работы на портале Госуслуг в субботу"


@pytest.mark.parametrize("stop", [signal.SIGKILL, signal.SIGTERM])
async def test_broadcast_survives_a_stop_and_a_restart(
    api: FakeBotApi, tmp_path: Path, stop: signal.Signals
) -> None:
    env = run_env(api, tmp_path, TOKEN)
    env.update(ADMIN_IDS=str(ADMIN["id"]), BROADCAST_RATE=str(RATE))
    subscribers = await subscribe_many(Path(env["DATABASE_PATH"]), api, 150)
    api.add_private_chat(ADMIN)

    process = await start_bot(env, tmp_path)
    await api.push_text(ADMIN, f"/broadcast {TEXT}")
    await api.wait_sent(ADMIN["id"], 2, timeout=30)
    await confirm_last(api)
    await api.wait_for(lambda _: len(received(api, TEXT)) >= 60, timeout=30)
    process.send_signal(stop)  # SIGKILL: no clean shutdown, the batch in flight unrecorded
    first_logs = await finish(process, tmp_path)
    if stop == signal.SIGTERM:
        assert process.returncode == 0, first_logs  # a clean stop records the batch in flight
    before_restart = sum(received(api, TEXT).values())
    assert before_restart < 151  # it really was cut off mid-way

    restarted = await start_bot(env, tmp_path)
    try:
        await broadcast_finished(api, timeout=60)
    finally:
        restarted.send_signal(signal.SIGTERM)
        logs = await finish(restarted, tmp_path)
    assert restarted.returncode == 0, logs
    got = received(api, TEXT)
    got.pop(ADMIN["id"])
    assert set(got) == set(subscribers)  # nobody skipped
    repeats = sum(n - 1 for n in got.values())
    if stop == signal.SIGTERM:
        assert repeats == 0  # nothing sent twice after a clean stop
    else:
        assert repeats <= math.ceil(RATE * 0.2)  # only the batch in flight at the kill
    assert "Traceback" not in logs

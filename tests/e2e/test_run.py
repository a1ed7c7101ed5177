"""`smolbot run` as a separate process against the fake Bot API, the way it runs for real."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.fake_bot_api import REJECTED_TOKEN, FakeBotApi

from .conftest import TOKEN

# Each test starts `smolbot run` as a process: ~1 s of CPU to import and start, every time.
pytestmark = pytest.mark.slow

USER = FakeBotApi.user(555, "ru")
# `smolbot run` finds the knowledge base compiled, as on every start after the first one.
compiled_before = pytest.mark.usefixtures("kb_path")


def run_env(api: FakeBotApi, tmp_path: Path, token: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "MAX_", "KB_", "DATABASE_"))
    }
    env.update(
        TELEGRAM_BOT_TOKEN=token,
        TELEGRAM_API_BASE_URL=api.url,
        DATABASE_PATH=str(tmp_path / "bot.sqlite3"),
        KB_PATH=str(tmp_path / "kb.sqlite3"),
        LOG_LEVEL="DEBUG",
    )
    return env


async def start_bot(env: dict[str, str], cwd: Path) -> asyncio.subprocess.Process:
    """The bot's output goes to a file: DEBUG logs would fill a pipe nobody reads yet."""
    with (cwd / "bot.log").open("wb") as log:
        return await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli", "run", env=env, cwd=cwd, stdout=log, stderr=log
        )


async def finish(process: asyncio.subprocess.Process, cwd: Path) -> str:
    await asyncio.wait_for(process.wait(), 30)
    return (cwd / "bot.log").read_text(encoding="utf-8", errors="replace")


async def run_to_exit(env: dict[str, str], cwd: Path) -> tuple[int | None, str]:
    """`smolbot run` expected to stop by itself: its exit status and its output."""
    process = await start_bot(env, cwd)
    logs = await finish(process, cwd)
    return process.returncode, logs


@compiled_before
async def test_run_answers_then_stops_cleanly_and_never_logs_the_token(
    api: FakeBotApi, tmp_path: Path
) -> None:
    process = await start_bot(run_env(api, tmp_path, TOKEN), tmp_path)
    try:
        await api.push_text(USER, "/start")
        await api.push_text(USER, "сколько стоит загранпаспорт")
        replies = await api.wait_sent(USER["id"], 2, timeout=30)
        assert "Здравствуйте" in replies[0].result["text"]
        assert "6000 ₽" in replies[1].result["text"]
    finally:
        process.send_signal(signal.SIGINT)
        logs = await finish(process, tmp_path)
    assert process.returncode == 0, logs
    assert "Application started" in logs  # DEBUG logging was on
    assert TOKEN not in logs and TOKEN.split(":")[1] not in logs
    assert "Traceback" not in logs
    assert api.refused == []
    database = Path(run_env(api, tmp_path, TOKEN)["DATABASE_PATH"])
    for path in (database, database.with_name(database.name + "-wal")):
        if path.exists():
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path  # residents' words


@compiled_before
@pytest.mark.parametrize(
    ("token", "expected"),
    [
        (REJECTED_TOKEN, "smolbot: Telegram rejected TELEGRAM_BOT_TOKEN; check it with @BotFather"),
        (
            "not-a-token",
            "smolbot: TELEGRAM_BOT_TOKEN is malformed:"
            " expected <digits>:<35 letters> as @BotFather gives it",
        ),
    ],
)
async def test_run_with_a_bad_token_says_so_in_one_line(
    api: FakeBotApi, tmp_path: Path, token: str, expected: str
) -> None:
    returncode, logs = await run_to_exit(run_env(api, tmp_path, token), tmp_path)
    assert returncode == 2, logs
    assert logs.strip().splitlines()[-1] == expected
    assert "Traceback" not in logs
    assert token not in logs or token == "not-a-token"


@compiled_before
async def test_run_without_a_reachable_api_says_so_in_one_line(
    api: FakeBotApi, tmp_path: Path
) -> None:
    env = run_env(api, tmp_path, TOKEN)
    env["TELEGRAM_API_BASE_URL"] = "http://127.0.0.1:9/bot"  # nothing listens on the discard port
    returncode, logs = await run_to_exit(env, tmp_path)
    assert returncode == 1, logs
    assert (
        logs.strip()
        .splitlines()[-1]
        .startswith("smolbot: cannot reach the Bot API at http://127.0.0.1:9/bot")
    )
    assert "Traceback" not in logs and TOKEN not in logs


@compiled_before
async def test_run_with_a_corrupt_database_says_so_in_one_line(
    api: FakeBotApi, tmp_path: Path
) -> None:
    env = run_env(api, tmp_path, TOKEN)
    Path(env["DATABASE_PATH"]).write_bytes(b"this is not an SQLite database at all" * 100)
    returncode, logs = await run_to_exit(env, tmp_path)
    assert returncode == 1, logs
    assert logs.strip().splitlines() == [
        f"smolbot: cannot use the database {env['DATABASE_PATH']}: file is not a database"
    ]


def read_only(path: Path) -> None:
    """Make `path` unwritable, also for root (who ignores file modes): immutable."""
    if os.geteuid() != 0:
        path.chmod(0o444)
        return
    result = subprocess.run(["chattr", "+i", str(path)], capture_output=True, check=False)
    if result.returncode != 0:
        pytest.skip(f"this filesystem cannot make a file immutable: {result.stderr!r}")


@compiled_before
async def test_run_with_a_read_only_database_stops_at_once_in_one_line(
    api: FakeBotApi, tmp_path: Path
) -> None:
    env = run_env(api, tmp_path, TOKEN)
    database = Path(env["DATABASE_PATH"])
    with sqlite3.connect(database) as db:  # a database the bot made on an earlier start
        db.execute("PRAGMA journal_mode=WAL")
    process = await start_bot(env, tmp_path)
    await api.wait_for(lambda calls: any(c.method == "setMyCommands" for c in calls), 60)
    process.send_signal(signal.SIGTERM)
    await finish(process, tmp_path)
    read_only(database)
    try:
        started = time.monotonic()
        returncode, logs = await run_to_exit(env, tmp_path)
    finally:
        subprocess.run(["chattr", "-i", str(database)], capture_output=True, check=False)
    assert returncode == 1 and time.monotonic() - started < 10, logs
    assert logs.strip().splitlines() == [
        f"smolbot: cannot use the database {database}: attempt to write a readonly database"
    ]


@compiled_before
async def test_run_refuses_another_applications_database_and_leaves_it_as_it_was(
    api: FakeBotApi, tmp_path: Path
) -> None:
    env = run_env(api, tmp_path, TOKEN)
    database = Path(env["DATABASE_PATH"])
    with sqlite3.connect(database) as db:
        db.execute("CREATE TABLE contacts (name TEXT)")
    before = database.read_bytes()
    returncode, logs = await run_to_exit(env, tmp_path)
    assert returncode == 1, logs
    assert logs.strip().splitlines() == [
        f"smolbot: cannot use the database {database}:"
        " it is not smolbot's: it has tables and no smolbot schema version"
    ]
    assert database.read_bytes() == before


@compiled_before
async def test_run_with_a_database_that_lost_its_tables_stops_in_one_line(
    api: FakeBotApi, tmp_path: Path
) -> None:
    env = run_env(api, tmp_path, TOKEN)
    database = Path(env["DATABASE_PATH"])
    with sqlite3.connect(database) as db:
        db.execute("PRAGMA user_version = 3")
    returncode, logs = await run_to_exit(env, tmp_path)
    assert returncode == 1, logs
    assert (
        logs.strip()
        .splitlines()[-1]
        .startswith(f"smolbot: cannot use the database {database}: tables are missing: broadcasts,")
    )


async def test_run_with_a_broken_knowledge_base_and_no_earlier_build_exits(
    api: FakeBotApi, tmp_path: Path
) -> None:
    env = run_env(api, tmp_path, TOKEN)
    sources = tmp_path / "data"
    sources.mkdir()
    (sources / "entries.yaml").write_text("entries: [this is: not: valid\n", encoding="utf-8")
    env["KB_DATA_DIR"] = str(sources)
    started = time.monotonic()
    returncode, logs = await run_to_exit(env, tmp_path)
    assert returncode == 1 and time.monotonic() - started < 20, logs
    assert logs.strip().splitlines()[-1].startswith("smolbot: the knowledge base has")
    assert "Traceback" not in logs

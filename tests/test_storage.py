"""Storage: migrations, privacy deletions, retention."""

from __future__ import annotations

import asyncio
import sqlite3
import stat
from functools import partial
from pathlib import Path

import pytest

from bot.peer import TELEGRAM, Peer
from bot.storage import Storage
from bot.storage.migrations import MIGRATIONS

tg = partial(Peer, TELEGRAM)  # a Telegram user by id


async def ask(storage: Storage, query: str, user_id: int, status: str = "answer") -> int:
    """A logged Telegram question; the answered ones are about the MFC."""
    topic = "mfc" if status == "answer" else None
    return await storage.questions.log(
        channel="telegram",
        query=query,
        lang="ru",
        status=status,
        topic=topic,
        score=1.0 if status == "answer" else 0.0,
        user_id=user_id,
    )


async def test_a_database_from_an_older_version_is_migrated_and_keeps_its_data(
    tmp_path: Path,
) -> None:
    database = tmp_path / "bot.sqlite3"
    with sqlite3.connect(database) as db:  # as version 1 left it
        for statement in MIGRATIONS[0]:
            db.execute(statement)
        db.execute("PRAGMA user_version = 1")
        db.execute(
            "INSERT INTO questions (asked_at, channel, query, lang, status, score)"
            " VALUES ('2026-01-01T00:00:00+00:00', 'cli', 'старый вопрос', 'ru', 'none', 0)"
        )
    async with Storage(database) as storage:
        assert await storage.questions.unanswered_by_text() == [("старый вопрос", 1)]
    with sqlite3.connect(database) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (len(MIGRATIONS),)
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)


async def test_forget_user_deletes_questions_votes_and_subscription(tmp_path: Path) -> None:
    async with Storage(tmp_path / "bot.sqlite3") as storage:
        await storage.users.touch(tg(1), "ru")
        await storage.users.touch(tg(2), "ru")
        await storage.users.set_subscribed(tg(1), True)
        mine = await ask(storage, "мой вопрос", user_id=1, status="answer")
        theirs = await ask(storage, "чужой вопрос", user_id=2, status="answer")
        await storage.questions.vote(mine, tg(1), 1)
        await storage.questions.vote(theirs, tg(1), -1)  # user 1's vote on someone else's answer
        await storage.questions.vote(theirs, tg(2), 1)
        await storage.forget_user(tg(1))
        db = storage.database.db
        async with db.execute("SELECT query FROM questions") as cur:
            assert [r[0] for r in await cur.fetchall()] == ["чужой вопрос"]
        async with db.execute("SELECT question_id, user_id FROM votes") as cur:
            assert await cur.fetchall() == [(theirs, 2)]
        assert await storage.users.language(tg(1)) is None
        assert not await storage.users.is_subscribed(tg(1))


async def test_purge_keeps_recent_questions(tmp_path: Path) -> None:
    async with Storage(tmp_path / "bot.sqlite3") as storage:
        old = await ask(storage, "давний", user_id=1, status="none")
        await ask(storage, "свежий", user_id=1, status="none")
        await storage.questions.vote(old, tg(1), 1)
        await storage.database.db.execute(
            "UPDATE questions SET asked_at = '2020-01-01T00:00:00+00:00' WHERE id = ?", (old,)
        )
        await storage.database.db.commit()
        assert await storage.questions.purge(180) == 1
        assert await storage.questions.unanswered_by_text() == [("свежий", 1)]
        async with storage.database.db.execute("SELECT count(*) FROM votes") as cur:
            assert await cur.fetchone() == (0,)


async def test_writes_from_concurrent_tasks_keep_their_own_transactions(tmp_path: Path) -> None:
    """Handlers of many chats and the broadcast worker write through one connection at once;
    a multi-statement transaction must not fail or take another task's statements with it."""
    async with Storage(tmp_path / "bot.sqlite3") as storage:
        for user_id in range(1, 41):
            await storage.users.set_subscribed(tg(user_id), True)
        draft = await storage.broadcasts.create(tg(900), 900, "Новость")
        outcomes = await asyncio.gather(
            *(ask(storage, f"вопрос {n}", 100 + n) for n in range(20)),
            storage.broadcasts.start(draft),
            *(storage.forget_user(tg(user_id)) for user_id in range(1, 11)),
            *(ask(storage, f"ещё вопрос {n}", 200 + n) for n in range(20)),
            return_exceptions=True,
        )
        assert not [o for o in outcomes if isinstance(o, BaseException)]
        # Whether a forgotten user was a recipient depends on the order; either way, nothing
        # of theirs is left, and everyone else is to receive the broadcast once.
        assert outcomes[20] in range(30, 41)
        assert (await storage.broadcasts.counts(draft))["pending"] == 30
        assert await storage.users.subscriber_count() == 30
        async with storage.database.db.execute("SELECT count(*) FROM questions") as cur:
            assert await cur.fetchone() == (40,)


async def test_recently_seen_users_are_remembered_without_going_stale(tmp_path: Path) -> None:
    async def users(storage: Storage) -> list[tuple[int, str]]:
        async with storage.database.db.execute("SELECT id, language FROM users ORDER BY id") as cur:
            return [(int(i), str(lang)) for i, lang in await cur.fetchall()]

    async with Storage(tmp_path / "bot.sqlite3") as storage:
        assert await storage.users.touch(tg(7), "en-US") == "en"
        assert await storage.users.touch(tg(7), "en-US") == "en"
        assert await storage.users.touch(tg(7), "ru") == "ru"  # Telegram's language changed
        await storage.users.set_language(tg(7), "en")
        assert await storage.users.touch(tg(7), "ru") == "en"  # a chosen language wins
        assert await users(storage) == [(7, "en")]
        await storage.forget_user(tg(7))
        assert await users(storage) == []
        assert await storage.users.touch(tg(7), "ru") == "ru"  # written again, not remembered
        assert await users(storage) == [(7, "ru")]


async def test_database_files_are_not_readable_by_others(tmp_path: Path) -> None:
    fresh, older = tmp_path / "fresh.sqlite3", tmp_path / "older.sqlite3"
    sqlite3.connect(older).close()
    older.chmod(0o644)  # as files were created before
    for path in (fresh, older):
        async with Storage(path) as storage:
            await storage.users.touch(tg(1), "ru")
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o600
    assert stat.S_IMODE(older.stat().st_mode) == 0o640


async def test_check_writable_fails_when_writes_are_refused(tmp_path: Path) -> None:
    async with Storage(tmp_path / "bot.sqlite3") as storage:
        await storage.check_writable()
        await storage.database.db.execute("PRAGMA query_only = ON")  # as a read-only file would
        with pytest.raises(sqlite3.OperationalError):
            await storage.check_writable()


async def test_version_4_rows_become_telegrams_when_users_get_a_channel(tmp_path: Path) -> None:
    """Migration 5 rebuilds users and deliveries keyed by channel; nothing is lost."""
    database = tmp_path / "bot.sqlite3"
    with sqlite3.connect(database) as db:
        for migration in MIGRATIONS[:4]:
            for statement in migration:
                db.execute(statement)
        db.execute("PRAGMA user_version = 4")
        db.execute(
            "INSERT INTO users (id, language, language_chosen, subscribed, first_seen, last_seen)"
            " VALUES (7, 'en', 1, 1, 'then', 'then')"
        )
        db.execute(
            "INSERT INTO broadcasts (id, created_at, admin_id, admin_chat_id, text, status)"
            " VALUES (1, 'then', 900, 900, 'news', 'sending')"
        )
        db.execute("INSERT INTO deliveries (broadcast_id, user_id, status) VALUES (1, 7, 'sent')")
        db.execute("INSERT INTO operator_threads VALUES (55, NULL, 7, 'then')")
    async with Storage(database) as storage:
        assert await storage.users.language(tg(7)) == "en"
        assert await storage.users.is_subscribed(tg(7))
        assert not await storage.users.is_subscribed(Peer("max", 7))
        assert (await storage.broadcasts.counts(1))["sent"] == 1
        broadcast = await storage.broadcasts.get(1)
        assert broadcast is not None and broadcast.admin == tg(900)
        assert await storage.operators.resident_chat(55) == tg(7)
        await storage.users.set_subscribed(Peer("max", 7), True)  # the same id, another person
        assert await storage.users.subscriber_count() == 2


async def test_stats_count_each_messenger(tmp_path: Path) -> None:
    async with Storage(tmp_path / "bot.sqlite3") as storage:
        await storage.users.touch(tg(1), "ru")
        await storage.users.touch(Peer("max", 1), "ru")
        await storage.users.touch(Peer("max", 2), "en")
        await storage.users.set_subscribed(Peer("max", 2), True)
        await ask(storage, "паспорт", 1)
        for _ in range(3):
            await storage.questions.log(
                channel="max", query="загс", lang="ru", status="none", topic=None, score=0.0
            )
        stats = await storage.questions.stats()
    assert stats.users == 3 and stats.questions == 4
    assert [(c, n.users, n.subscribers, n.questions) for c, n in stats.by_channel.items()] == [
        ("telegram", 1, 0, 1),
        ("max", 2, 1, 3),
    ]


async def test_a_transaction_cancelled_as_it_begins_leaves_none_open(tmp_path: Path) -> None:
    """A task stopped while its BEGIN is on the way (the MAX poller at shutdown) must not leave
    a transaction open on the shared connection, or every later one fails."""
    async with Storage(tmp_path / "bot.sqlite3") as storage:

        async def store() -> None:
            await storage.max_inbox.receive([("m:1", "{}")], marker=1)

        for _ in range(20):  # cancelled at BEGIN, or mid-way, or not at all: all must be clean
            task = asyncio.create_task(store())
            await asyncio.sleep(0)
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            await storage.max_inbox.finish(["m:1"])  # fails if a transaction was left open


async def test_forget_me_on_max_reaches_the_dialog_and_its_operator_threads(tmp_path: Path) -> None:
    anna = Peer("max", 42)
    async with Storage(tmp_path / "bot.sqlite3") as storage:
        await storage.max_dialogs.remember(42, 9_000_000_042)
        await storage.max_dialogs.remember(43, 9_000_000_043)
        await storage.operators.open(7001, None, Peer("max", 9_000_000_042))  # her dialog
        await storage.operators.open(7002, None, Peer("telegram", 9_000_000_042))  # not her
        await storage.forget_user(anna)
        assert await storage.max_dialogs.all() == {43: 9_000_000_043}
        assert await storage.operators.resident_chat(7001) is None
        assert await storage.operators.resident_chat(7002) == Peer("telegram", 9_000_000_042)


async def test_purge_old_reaches_both_messengers_handled_updates(tmp_path: Path) -> None:
    async with Storage(tmp_path / "bot.sqlite3") as storage:
        await storage.inbox.receive([(1, "{}"), (2, "{}")])
        await storage.inbox.finish([1, 2], [])
        await storage.max_inbox.receive([("m:old", "{}"), ("m:new", "{}"), ("m:open", "{}")], 3)
        await storage.max_inbox.finish(["m:old", "m:new"])
        long_ago = "2020-01-01T00:00:00+00:00"
        await storage.database.write_one(
            "UPDATE inbox SET received_at = ? WHERE update_id = 1", (long_ago,)
        )
        await storage.database.write_one(
            "UPDATE max_inbox SET received_at = ? WHERE key IN ('m:old', 'm:open')", (long_ago,)
        )
        assert await storage.purge_old(180) == 0
        # Handled and old: gone, so a redelivery is no longer recognised; pending ones stay.
        assert await storage.inbox.receive([(1, "{}"), (2, "{}")]) == {1}
        assert [k for k, _ in await storage.max_inbox.pending()] == ["m:open"]
        assert await storage.max_inbox.receive([("m:old", "{}"), ("m:new", "{}")], 4) == {"m:old"}

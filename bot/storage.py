"""The bot's own data in SQLite (aiosqlite): users, questions, votes; migrated by version.

Each migration runs once, in order, inside a transaction; PRAGMA user_version records how far
the file has come, so an old database is brought up to date at start and nothing is lost.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import re
import sqlite3
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import aiosqlite

from bot.i18n import language_for

MIGRATIONS: Sequence[str] = (
    # 1: every question with its outcome; editors read the unanswered ones.
    """
    CREATE TABLE questions (
        id INTEGER PRIMARY KEY,
        asked_at TEXT NOT NULL,
        channel TEXT NOT NULL,
        user_id INTEGER,
        query TEXT NOT NULL,
        lang TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('answer', 'clarify', 'none')),
        topic TEXT,
        score REAL NOT NULL
    );
    CREATE INDEX questions_status ON questions (status, asked_at);
    """,
    # 2: Telegram users, their language and subscription; the answer given; votes on answers.
    """
    CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        language TEXT NOT NULL CHECK (language IN ('ru', 'en')),
        language_chosen INTEGER NOT NULL DEFAULT 0,
        subscribed INTEGER NOT NULL DEFAULT 0,
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL
    );
    ALTER TABLE questions ADD COLUMN chat_id INTEGER;
    ALTER TABLE questions ADD COLUMN answer TEXT;
    CREATE TABLE votes (
        question_id INTEGER NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
        user_id INTEGER NOT NULL,
        vote INTEGER NOT NULL CHECK (vote IN (-1, 1)),
        voted_at TEXT NOT NULL,
        PRIMARY KEY (question_id, user_id)
    );
    """,
    # 3: durable broadcasts (one delivery row per recipient), editors' extra phrasings,
    # and questions handed to an operator.
    """
    CREATE TABLE broadcasts (
        id INTEGER PRIMARY KEY,
        created_at TEXT NOT NULL,
        admin_id INTEGER NOT NULL,
        admin_chat_id INTEGER NOT NULL,
        text TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('draft', 'sending', 'done', 'cancelled')),
        progress_message_id INTEGER,
        started_at TEXT,
        finished_at TEXT
    );
    CREATE TABLE deliveries (
        broadcast_id INTEGER NOT NULL REFERENCES broadcasts (id) ON DELETE CASCADE,
        user_id INTEGER NOT NULL,
        status TEXT NOT NULL
            CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'blocked')),
        attempts INTEGER NOT NULL DEFAULT 0,
        error TEXT,
        PRIMARY KEY (broadcast_id, user_id)
    ) WITHOUT ROWID;
    CREATE INDEX deliveries_status ON deliveries (broadcast_id, status);
    CREATE TABLE extra_phrasings (
        id INTEGER PRIMARY KEY,
        entry_id TEXT NOT NULL,
        text TEXT NOT NULL,
        added_by INTEGER,
        added_at TEXT NOT NULL,
        UNIQUE (entry_id, text)
    );
    CREATE TABLE operator_threads (
        operator_message_id INTEGER PRIMARY KEY,
        question_id INTEGER REFERENCES questions (id) ON DELETE SET NULL,
        user_chat_id INTEGER NOT NULL,
        created_at TEXT NOT NULL
    );
    """,
    # 4: every update as received, before Telegram is told it arrived, so a crash loses none;
    # which update a question came from (a replayed update logs it once) and whether its answer
    # was sent; whose question an extra phrasing was (for /forget_me).
    """
    CREATE TABLE inbox (
        update_id INTEGER PRIMARY KEY,
        received_at TEXT NOT NULL,
        body TEXT NOT NULL,
        done INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX inbox_pending ON inbox (done, update_id);
    ALTER TABLE questions ADD COLUMN update_id INTEGER;
    ALTER TABLE questions ADD COLUMN sent INTEGER NOT NULL DEFAULT 1;
    CREATE UNIQUE INDEX questions_update ON questions (update_id) WHERE update_id IS NOT NULL;
    ALTER TABLE extra_phrasings ADD COLUMN asked_by INTEGER;
    """,
)


class NotOurDatabase(sqlite3.DatabaseError):
    """The file is another application's, or a newer smolbot's, or lost its tables."""


def _tables_up_to(version: int) -> set[str]:
    return {
        name
        for script in MIGRATIONS[:version]
        for name in re.findall(r"CREATE TABLE (\w+)", script)
    }


def _check_ours(version: int, tables: set[str]) -> None:
    if version > len(MIGRATIONS):
        raise NotOurDatabase(
            f"it was made by a newer smolbot (schema {version}; this one knows {len(MIGRATIONS)})"
        )
    if version == 0 and tables:
        raise NotOurDatabase("it is not smolbot's: it has tables and no smolbot schema version")
    missing = _tables_up_to(version) - tables
    if missing:
        raise NotOurDatabase(f"tables are missing: {', '.join(sorted(missing))}")


MAX_QUERY_CHARS = 4096
MAX_ANSWER_CHARS = 8192
TOUCH_EVERY = 600.0  # seconds: a user's last_seen is kept to this precision...
KNOWN_USERS = 10_000  # ...for this many recent users, so most messages write nothing for it


class Storage:
    """Opened once per process; use `async with Storage(path) as storage:`.

    Every write is a transaction of its own, one at a time (`_write`): handlers of different
    chats and the broadcast worker share one connection, and a commit or rollback must never
    take another task's half-done statements with it.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db: aiosqlite.Connection | None = None
        self._writing = asyncio.Lock()
        # user id -> (Telegram language_code, language to use, when last_seen was written)
        self._known: OrderedDict[int, tuple[str | None, str, float]] = OrderedDict()

    async def __aenter__(self) -> Storage:
        await self.open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        make_private(self.path)
        self._db = await aiosqlite.connect(self.path, isolation_level=None)  # autocommit
        try:
            await self._db.execute("PRAGMA busy_timeout=5000")
            _check_ours(*await self._schema())  # before anything is written to the file
            await self._db.execute("PRAGMA journal_mode=WAL")
            # With WAL, NORMAL syncs at checkpoints instead of at every commit: a killed process
            # loses nothing and the file is never corrupt; only a power cut may undo the last
            # commits. Per-commit fsync was the largest cost of answering a message.
            await self._db.execute("PRAGMA synchronous=NORMAL")
            await self._db.execute("PRAGMA foreign_keys=ON")
            await self._migrate()
            keep_from_others(self.path)
        except BaseException:
            # A corrupt or read-only file: close, or aiosqlite's thread keeps the process alive.
            await self.close()
            raise

    async def close(self) -> None:
        if self._db is not None:
            await self._db.close()
            self._db = None

    @property
    def db(self) -> aiosqlite.Connection:
        if self._db is None:
            raise RuntimeError("Storage is not open")
        return self._db

    # Writes. The connection is in autocommit mode, so a single statement is a transaction of
    # its own and costs one round trip to aiosqlite's thread (implicit transactions cost two:
    # the statement and the commit). Every write holds `_writing`, so that no statement of
    # another task lands inside a multi-statement transaction.

    async def _write_one(self, sql: str, params: Sequence[object] = ()) -> aiosqlite.Cursor:
        async with self._writing:
            return await self.db.execute(sql, params)

    async def _write_returning(self, sql: str, params: Sequence[object]) -> list[sqlite3.Row]:
        """A statement with RETURNING: run and read in one round trip."""
        async with self._writing:
            return list(await self.db.execute_fetchall(sql, params))

    @asynccontextmanager
    async def _transaction(self, immediate: bool = False) -> AsyncIterator[aiosqlite.Connection]:
        """Several statements, committed when the block ends, rolled back if it raises.

        `immediate` takes SQLite's write lock at once, for read-then-write transactions that
        another process (a `smolbot` command) must not interleave with.
        """
        async with self._writing:
            await self.db.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")
            try:
                yield self.db
                await self.db.commit()
            except BaseException:
                await self.db.rollback()
                raise

    async def _migrate(self) -> None:
        """Bring the file up to date in one transaction, once it is known to be ours.

        The transaction ends by writing the schema version, even when nothing was due: a
        read-only file fails here, at start, not at the first question.
        """
        async with self._transaction(immediate=True) as db:
            version, tables = await self._schema()
            _check_ours(version, tables)  # again: another process may have migrated meanwhile
            for script in MIGRATIONS[version:]:
                for statement in (s for s in script.split(";") if s.strip()):
                    await db.execute(statement)
            await db.execute(f"PRAGMA user_version = {len(MIGRATIONS)}")

    async def _schema(self) -> tuple[int, set[str]]:
        """The file's schema version and its tables."""
        async with self.db.execute("PRAGMA user_version") as cur:
            row = await cur.fetchone()
        async with self.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'") as cur:
            tables = {str(r[0]) for r in await cur.fetchall()}
        return (int(row[0]) if row else 0), tables

    async def check_writable(self) -> None:
        """Raises if the database cannot be written (for the health check)."""
        await self._write_one(f"PRAGMA user_version = {len(MIGRATIONS)}")

    async def log_question(
        self,
        *,
        channel: str,
        query: str,
        lang: str,
        status: str,
        topic: str | None,
        score: float,
        user_id: int | None = None,
        chat_id: int | None = None,
        answer: str | None = None,
        update_id: int | None = None,
    ) -> int:
        """Record a question and the answer given; returns its id (votes refer to it).

        A question from a Telegram update is logged unsent (the inbox records it sent once the
        reply is) and once: the same update replayed after a crash updates its row.
        """
        rows = await self._write_returning(
            "INSERT INTO questions (asked_at, channel, user_id, chat_id, query, lang, status,"
            " topic, score, answer, update_id, sent) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (update_id) WHERE update_id IS NOT NULL DO UPDATE SET"
            " status = excluded.status, topic = excluded.topic, score = excluded.score,"
            " answer = excluded.answer, sent = 0 RETURNING id",
            (
                _now(),
                channel,
                user_id,
                chat_id,
                query[:MAX_QUERY_CHARS],
                lang,
                status,
                topic,
                score,
                answer[:MAX_ANSWER_CHARS] if answer is not None else None,
                update_id,
                int(update_id is None),
            ),
        )
        return int(rows[0][0])

    # -- the inbox: updates received, not yet handled ---------------------------------------------
    async def receive_updates(self, updates: Sequence[tuple[int, str]]) -> set[int]:
        """Store (update_id, JSON) as received, in one statement; returns the ids not received
        before (handled or not)."""
        rows = await self._write_returning(
            "INSERT OR IGNORE INTO inbox (update_id, received_at, body) VALUES "
            + ", ".join("(?, ?, ?)" for _ in updates)
            + " RETURNING update_id",
            [value for update_id, body in updates for value in (update_id, _now(), body)],
        )
        return {int(r[0]) for r in rows}

    async def pending_updates(self) -> list[tuple[int, str]]:
        """(update_id, body) of updates received but not handled, oldest first."""
        async with self.db.execute(
            "SELECT update_id, body FROM inbox WHERE done = 0 ORDER BY update_id"
        ) as cur:
            return [(int(i), str(b)) for i, b in await cur.fetchall()]

    async def finish_updates(self, update_ids: Sequence[int], sent: Sequence[int]) -> None:
        """Handled updates lose their body (it may hold a resident's words) and keep their id,
        to skip a second delivery; the questions in `sent` had their answers sent."""
        async with self._transaction() as db:
            if update_ids:
                await db.executemany(
                    "UPDATE inbox SET done = 1, body = '' WHERE update_id = ?",
                    [(i,) for i in update_ids],
                )
            if sent:
                await db.executemany(
                    "UPDATE questions SET sent = 1 WHERE id = ?", [(i,) for i in sent]
                )

    async def purge_inbox(self, older_than: dt.timedelta) -> int:
        """Forget handled updates received before `older_than` ago; Telegram redelivers an
        update only until it is confirmed, within a day."""
        cutoff = (dt.datetime.now(dt.UTC) - older_than).isoformat(timespec="seconds")
        cursor = await self._write_one(
            "DELETE FROM inbox WHERE done = 1 AND received_at < ?", (cutoff,)
        )
        return cursor.rowcount

    async def unanswered(self, limit: int = 50) -> list[tuple[str, int]]:
        """The most frequent unanswered questions, as (question, times asked)."""
        async with self.db.execute(
            "SELECT lower(trim(query)) AS q, count(*) AS n FROM questions WHERE status = 'none'"
            " GROUP BY q ORDER BY n DESC, max(asked_at) DESC LIMIT ?",
            (limit,),
        ) as cur:
            return [(q, n) for q, n in await cur.fetchall()]

    async def touch_user(self, user_id: int, language_code: str | None) -> str:
        """Record that a user wrote; returns the language to talk to them in.

        Until a user picks a language with /language, it follows Telegram's language_code.
        A user seen in the last TOUCH_EVERY seconds costs no write: a round trip to SQLite's
        thread took a quarter of the CPU time of answering a message.
        """
        known = self._known.get(user_id)
        if (
            known is not None
            and known[0] == language_code
            and time.monotonic() - known[2] < TOUCH_EVERY
        ):
            self._known.move_to_end(user_id)
            return known[1]
        suggested = language_for(language_code)
        now = _now()
        rows = await self._write_returning(
            "INSERT INTO users (id, language, first_seen, last_seen) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (id) DO UPDATE SET last_seen = excluded.last_seen,"
            " language = CASE WHEN users.language_chosen THEN users.language"
            " ELSE excluded.language END RETURNING language",
            (user_id, suggested, now, now),
        )
        language = str(next(iter(rows))[0]) if rows else suggested
        self._known[user_id] = (language_code, language, time.monotonic())
        self._known.move_to_end(user_id)
        if len(self._known) > KNOWN_USERS:
            self._known.popitem(last=False)
        return language

    async def user_language(self, user_id: int) -> str | None:
        async with self.db.execute("SELECT language FROM users WHERE id = ?", (user_id,)) as cur:
            row = await cur.fetchone()
        return str(row[0]) if row else None

    async def set_language(self, user_id: int, language: str) -> None:
        self._known.pop(user_id, None)
        now = _now()
        await self._write_one(
            "INSERT INTO users (id, language, language_chosen, first_seen, last_seen)"
            " VALUES (?, ?, 1, ?, ?) ON CONFLICT (id) DO UPDATE SET"
            " language = excluded.language, language_chosen = 1,"
            " last_seen = excluded.last_seen",
            (user_id, language, now, now),
        )

    async def set_subscribed(self, user_id: int, subscribed: bool) -> None:
        now = _now()
        await self._write_one(
            "INSERT INTO users (id, language, subscribed, first_seen, last_seen)"
            " VALUES (?, 'ru', ?, ?, ?) ON CONFLICT (id) DO UPDATE SET"
            " subscribed = excluded.subscribed",
            (user_id, int(subscribed), now, now),
        )

    async def is_subscribed(self, user_id: int) -> bool:
        async with self.db.execute("SELECT subscribed FROM users WHERE id = ?", (user_id,)) as cur:
            row = await cur.fetchone()
        return bool(row and row[0])

    async def vote(self, question_id: int, user_id: int, vote: int) -> bool:
        """Store a vote (a second vote replaces the first); False if the question is unknown or
        someone else's: a vote belongs to the user who was answered."""
        cursor = await self._write_one(
            "INSERT INTO votes (question_id, user_id, vote, voted_at)"
            " SELECT id, user_id, ?, ? FROM questions WHERE id = ? AND user_id = ?"
            " ON CONFLICT (question_id, user_id) DO UPDATE SET"
            " vote = excluded.vote, voted_at = excluded.voted_at",
            (vote, _now(), question_id, user_id),
        )
        return cursor.rowcount == 1

    # -- subscribers and broadcasts --------------------------------------------------------------
    async def subscriber_count(self) -> int:
        async with self.db.execute("SELECT count(*) FROM users WHERE subscribed = 1") as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def create_broadcast(self, admin_id: int, admin_chat_id: int, text: str) -> int:
        cursor = await self._write_one(
            "INSERT INTO broadcasts (created_at, admin_id, admin_chat_id, text, status)"
            " VALUES (?, ?, ?, ?, 'draft')",
            (_now(), admin_id, admin_chat_id, text),
        )
        return int(cursor.lastrowid or 0)

    async def broadcast(self, broadcast_id: int) -> Broadcast | None:
        async with self.db.execute(
            "SELECT id, admin_id, admin_chat_id, text, status, progress_message_id, started_at"
            " FROM broadcasts WHERE id = ?",
            (broadcast_id,),
        ) as cur:
            row = await cur.fetchone()
        return Broadcast(*row) if row else None

    async def latest_broadcast(self) -> Broadcast | None:
        async with self.db.execute(
            "SELECT id FROM broadcasts WHERE status != 'draft' ORDER BY id DESC LIMIT 1"
        ) as cur:
            row = await cur.fetchone()
        return await self.broadcast(int(row[0])) if row else None

    async def start_broadcast(self, broadcast_id: int) -> int | None:
        """Draft -> sending: one pending delivery per subscriber, written before any send.

        Returns the number of recipients; None if the broadcast was not a draft (a second tap).
        """
        async with self._transaction(immediate=True) as db:
            cursor = await db.execute(
                "UPDATE broadcasts SET status = 'sending', started_at = ?"
                " WHERE id = ? AND status = 'draft'",
                (_now(), broadcast_id),
            )
            if cursor.rowcount != 1:
                return None  # nothing was changed; the empty transaction commits
            cursor = await db.execute(
                "INSERT INTO deliveries (broadcast_id, user_id, status)"
                " SELECT ?, id, 'pending' FROM users WHERE subscribed = 1",
                (broadcast_id,),
            )
        return cursor.rowcount

    async def set_broadcast_status(self, broadcast_id: int, status: str) -> bool:
        """Move a draft or sending broadcast to `status`; False if it had already ended."""
        finished = _now() if status in ("done", "cancelled") else None
        cursor = await self._write_one(
            "UPDATE broadcasts SET status = ?, finished_at = coalesce(?, finished_at)"
            " WHERE id = ? AND status IN ('draft', 'sending')",
            (status, finished, broadcast_id),
        )
        return cursor.rowcount == 1

    async def set_progress_message(self, broadcast_id: int, message_id: int) -> None:
        await self._write_one(
            "UPDATE broadcasts SET progress_message_id = ? WHERE id = ?",
            (message_id, broadcast_id),
        )

    async def sending_broadcasts(self) -> list[int]:
        async with self.db.execute(
            "SELECT id FROM broadcasts WHERE status = 'sending' ORDER BY id"
        ) as cur:
            return [int(r[0]) for r in await cur.fetchall()]

    async def release_in_flight(self, broadcast_id: int) -> int:
        """After a crash: deliveries claimed but not recorded go back to pending (may repeat)."""
        cursor = await self._write_one(
            "UPDATE deliveries SET status = 'pending'"
            " WHERE broadcast_id = ? AND status = 'sending'",
            (broadcast_id,),
        )
        return cursor.rowcount

    async def claim_deliveries(self, broadcast_id: int, limit: int) -> list[tuple[int, int]]:
        """Mark up to `limit` pending deliveries as in flight; returns (user_id, attempts)."""
        rows = await self._write_returning(
            "UPDATE deliveries SET status = 'sending' WHERE broadcast_id = ? AND user_id IN"
            " (SELECT user_id FROM deliveries WHERE broadcast_id = ? AND status = 'pending'"
            "  ORDER BY user_id LIMIT ?) RETURNING user_id, attempts",
            (broadcast_id, broadcast_id, limit),
        )
        return [(int(r[0]), int(r[1])) for r in rows]

    async def record_deliveries(
        self, broadcast_id: int, results: list[tuple[int, str, str | None]]
    ) -> None:
        """(user_id, status, error) for a batch, in one transaction; 'blocked' unsubscribes."""
        blocked = [(user_id,) for user_id, status, _ in results if status == "blocked"]
        async with self._transaction() as db:
            await db.executemany(
                "UPDATE deliveries SET status = ?, error = ?, attempts = attempts + 1"
                " WHERE broadcast_id = ? AND user_id = ?",
                [(status, error, broadcast_id, user_id) for user_id, status, error in results],
            )
            if blocked:
                await db.executemany("UPDATE users SET subscribed = 0 WHERE id = ?", blocked)

    async def delivery_counts(self, broadcast_id: int) -> dict[str, int]:
        async with self.db.execute(
            "SELECT status, count(*) FROM deliveries WHERE broadcast_id = ? GROUP BY status",
            (broadcast_id,),
        ) as cur:
            counts = {str(s): int(n) for s, n in await cur.fetchall()}
        return {s: counts.get(s, 0) for s in ("pending", "sending", "sent", "failed", "blocked")}

    # -- privacy -----------------------------------------------------------------------------------
    async def forget_user(self, user_id: int) -> None:
        """/forget_me: the user's questions, votes, subscription, deliveries and the phrasings
        editors made of their questions, in one go. (A phrasing already in the running engine
        is forgotten there at the next start.)"""
        async with self._transaction(immediate=True) as db:
            await db.execute("DELETE FROM votes WHERE user_id = ?", (user_id,))
            await db.execute("DELETE FROM questions WHERE user_id = ?", (user_id,))
            await db.execute("DELETE FROM operator_threads WHERE user_chat_id = ?", (user_id,))
            await db.execute("DELETE FROM deliveries WHERE user_id = ?", (user_id,))
            await db.execute("DELETE FROM extra_phrasings WHERE asked_by = ?", (user_id,))
            await db.execute("DELETE FROM users WHERE id = ?", (user_id,))
        self._known.pop(user_id, None)

    async def purge_questions(self, older_than_days: int) -> int:
        """Delete logged questions (and their votes) older than the retention period."""
        cutoff = (dt.datetime.now(dt.UTC) - dt.timedelta(days=older_than_days)).isoformat(
            timespec="seconds"
        )
        cursor = await self._write_one("DELETE FROM questions WHERE asked_at < ?", (cutoff,))
        return cursor.rowcount

    # -- editors and operators ------------------------------------------------------------------
    async def question(self, question_id: int) -> tuple[str, str, int | None, int | None] | None:
        """(query, lang, user_id, chat_id) of a recorded question."""
        async with self.db.execute(
            "SELECT query, lang, user_id, chat_id FROM questions WHERE id = ?", (question_id,)
        ) as cur:
            row = await cur.fetchone()
        return (str(row[0]), str(row[1]), row[2], row[3]) if row else None

    async def question_for_operator(
        self, question_id: int, user_id: int
    ) -> tuple[str, str, int] | None:
        """(query, lang, chat_id) of a question this user asked, the bot could not answer, and
        nobody has handed to the operators yet; None for anything else (a forged tap)."""
        async with self.db.execute(
            "SELECT query, lang, chat_id FROM questions AS q WHERE id = ? AND user_id = ?"
            " AND status = 'none' AND chat_id IS NOT NULL AND NOT EXISTS"
            " (SELECT 1 FROM operator_threads WHERE question_id = q.id)",
            (question_id, user_id),
        ) as cur:
            row = await cur.fetchone()
        return (str(row[0]), str(row[1]), int(row[2])) if row else None

    async def unanswered_questions(self, limit: int = 500) -> list[tuple[int, str, int]]:
        """(id of the first, question, times asked) for unanswered questions, most asked first.

        Grouped by exact text only (SQLite's lower() knows no Cyrillic); the caller groups
        wordings that differ in case, punctuation or order.
        """
        async with self.db.execute(
            "SELECT min(id), trim(query) AS q, count(*) AS n FROM questions"
            " WHERE status = 'none' AND channel = 'telegram' AND trim(query) != ''"
            " GROUP BY q ORDER BY n DESC, min(id) LIMIT ?",
            (limit,),
        ) as cur:
            return [(int(i), str(q), int(n)) for i, q, n in await cur.fetchall()]

    async def add_phrasing(
        self, entry_id: str, text: str, added_by: int | None, asked_by: int | None = None
    ) -> bool:
        """Keep a question as a new phrasing of an entry; False if it was already there.
        `asked_by`: whose question it was, so /forget_me can take it back."""
        cursor = await self._write_one(
            "INSERT OR IGNORE INTO extra_phrasings (entry_id, text, added_by, added_at, asked_by)"
            " VALUES (?, ?, ?, ?, ?)",
            (entry_id, text, added_by, _now(), asked_by),
        )
        return cursor.rowcount == 1

    async def extra_phrasings(self) -> list[tuple[str, str]]:
        async with self.db.execute("SELECT entry_id, text FROM extra_phrasings ORDER BY id") as cur:
            return [(str(e), str(t)) for e, t in await cur.fetchall()]

    async def open_operator_thread(
        self, operator_message_id: int, question_id: int | None, user_chat_id: int
    ) -> None:
        await self._write_one(
            "INSERT OR REPLACE INTO operator_threads VALUES (?, ?, ?, ?)",
            (operator_message_id, question_id, user_chat_id, _now()),
        )

    async def operator_thread_chat(self, operator_message_id: int) -> int | None:
        async with self.db.execute(
            "SELECT user_chat_id FROM operator_threads WHERE operator_message_id = ?",
            (operator_message_id,),
        ) as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else None

    async def stats(self) -> Stats:
        today = dt.datetime.now(dt.UTC).date().isoformat()

        async def one(sql: str, *args: object) -> int:
            async with self.db.execute(sql, args) as cur:
                row = await cur.fetchone()
            return int(row[0] or 0) if row else 0

        async with self.db.execute(
            "SELECT status, count(*) FROM questions WHERE channel = 'telegram' AND sent = 1"
            " GROUP BY status"
        ) as cur:
            outcomes = {str(s): int(n) for s, n in await cur.fetchall()}
        async with self.db.execute(
            "SELECT topic, count(*) AS n FROM questions WHERE channel = 'telegram' AND sent = 1"
            " AND status = 'answer' AND topic IS NOT NULL GROUP BY topic ORDER BY n DESC LIMIT 5"
        ) as cur:
            top = [(str(t), int(n)) for t, n in await cur.fetchall()]
        return Stats(
            users=await one("SELECT count(*) FROM users"),
            subscribers=await one("SELECT count(*) FROM users WHERE subscribed = 1"),
            questions_today=await one(
                "SELECT count(*) FROM questions WHERE channel = 'telegram' AND asked_at >= ?", today
            ),
            questions=sum(outcomes.values()),
            outcomes=outcomes,
            top_topics=top,
            votes_up=await one("SELECT count(*) FROM votes WHERE vote = 1"),
            votes_down=await one("SELECT count(*) FROM votes WHERE vote = -1"),
        )


@dataclass(frozen=True, slots=True)
class Stats:
    users: int
    subscribers: int
    questions_today: int
    questions: int
    outcomes: dict[str, int]
    top_topics: list[tuple[str, int]]
    votes_up: int
    votes_down: int


@dataclass(frozen=True, slots=True)
class Broadcast:
    id: int
    admin_id: int
    admin_chat_id: int
    text: str
    status: str
    progress_message_id: int | None
    started_at: str | None


def make_private(path: Path) -> None:
    """Residents' words go in the file: a new one is created 0600 (SQLite gives its -wal and
    -shm files the same mode)."""
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))


def keep_from_others(path: Path) -> None:
    """A file from before 0600: its group keeps its access, everyone else loses theirs."""
    mode = path.stat().st_mode & 0o777
    if mode & 0o007:
        try:
            path.chmod(mode & 0o770)
        except PermissionError:  # another user's file, shared on purpose
            logging.getLogger(__name__).warning("%s is readable by everyone", path)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")

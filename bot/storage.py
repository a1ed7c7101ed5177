"""The bot's own data in SQLite (aiosqlite): users, questions, votes; migrated by version.

Each migration runs once, in order, inside a transaction; PRAGMA user_version records how far
the file has come, so an old database is brought up to date at start and nothing is lost.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

import aiosqlite

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
)

MAX_QUERY_CHARS = 4096
MAX_ANSWER_CHARS = 8192


class Storage:
    """Opened once per process; use `async with Storage(path) as storage:`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db: aiosqlite.Connection | None = None

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
        self._db = await aiosqlite.connect(self.path)
        await self._db.execute("PRAGMA journal_mode=WAL")
        await self._db.execute("PRAGMA busy_timeout=5000")
        await self._db.execute("PRAGMA foreign_keys=ON")
        await self._migrate()

    async def close(self) -> None:
        if self._db is not None:
            await self._db.close()
            self._db = None

    @property
    def db(self) -> aiosqlite.Connection:
        if self._db is None:
            raise RuntimeError("Storage is not open")
        return self._db

    async def _migrate(self) -> None:
        async with self.db.execute("PRAGMA user_version") as cur:
            row = await cur.fetchone()
        version = int(row[0]) if row else 0
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            statements = [s for s in script.split(";") if s.strip()]
            await self.db.execute("BEGIN")
            try:
                for statement in statements:
                    await self.db.execute(statement)
                await self.db.execute(f"PRAGMA user_version = {number}")
                await self.db.commit()
            except BaseException:
                await self.db.rollback()
                raise

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
    ) -> int:
        """Record a question and the answer given; returns its id (votes refer to it)."""
        cursor = await self.db.execute(
            "INSERT INTO questions"
            " (asked_at, channel, user_id, chat_id, query, lang, status, topic, score, answer)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
            ),
        )
        await self.db.commit()
        return int(cursor.lastrowid or 0)

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
        """
        suggested = language_for(language_code)
        now = _now()
        await self.db.execute(
            "INSERT INTO users (id, language, first_seen, last_seen) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (id) DO UPDATE SET last_seen = excluded.last_seen,"
            " language = CASE WHEN users.language_chosen THEN users.language"
            " ELSE excluded.language END",
            (user_id, suggested, now, now),
        )
        await self.db.commit()
        return await self.user_language(user_id) or suggested

    async def user_language(self, user_id: int) -> str | None:
        async with self.db.execute("SELECT language FROM users WHERE id = ?", (user_id,)) as cur:
            row = await cur.fetchone()
        return str(row[0]) if row else None

    async def set_language(self, user_id: int, language: str) -> None:
        now = _now()
        await self.db.execute(
            "INSERT INTO users (id, language, language_chosen, first_seen, last_seen)"
            " VALUES (?, ?, 1, ?, ?) ON CONFLICT (id) DO UPDATE SET"
            " language = excluded.language, language_chosen = 1, last_seen = excluded.last_seen",
            (user_id, language, now, now),
        )
        await self.db.commit()

    async def set_subscribed(self, user_id: int, subscribed: bool) -> None:
        now = _now()
        await self.db.execute(
            "INSERT INTO users (id, language, subscribed, first_seen, last_seen)"
            " VALUES (?, 'ru', ?, ?, ?) ON CONFLICT (id) DO UPDATE SET"
            " subscribed = excluded.subscribed",
            (user_id, int(subscribed), now, now),
        )
        await self.db.commit()

    async def is_subscribed(self, user_id: int) -> bool:
        async with self.db.execute("SELECT subscribed FROM users WHERE id = ?", (user_id,)) as cur:
            row = await cur.fetchone()
        return bool(row and row[0])

    async def vote(self, question_id: int, user_id: int, vote: int) -> bool:
        """Store a vote (a second vote replaces the first); False if the question is unknown."""
        async with self.db.execute(
            "SELECT user_id FROM questions WHERE id = ?", (question_id,)
        ) as cur:
            row = await cur.fetchone()
        if row is None:
            return False
        await self.db.execute(
            "INSERT INTO votes (question_id, user_id, vote, voted_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (question_id, user_id) DO UPDATE SET"
            " vote = excluded.vote, voted_at = excluded.voted_at",
            (question_id, user_id, vote, _now()),
        )
        await self.db.commit()
        return True


def language_for(language_code: str | None) -> str:
    """Telegram's language_code to the bot's language: English for 'en…', else Russian."""
    return "en" if (language_code or "").lower().startswith("en") else "ru"


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")

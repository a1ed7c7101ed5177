"""The bot's own data in SQLite (aiosqlite): the question log for now; migrated by version.

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
)

MAX_QUERY_CHARS = 4096


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
    ) -> None:
        await self.db.execute(
            "INSERT INTO questions (asked_at, channel, user_id, query, lang, status, topic, score)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                channel,
                user_id,
                query[:MAX_QUERY_CHARS],
                lang,
                status,
                topic,
                score,
            ),
        )
        await self.db.commit()

    async def unanswered(self, limit: int = 50) -> list[tuple[str, int]]:
        """The most frequent unanswered questions, as (question, times asked)."""
        async with self.db.execute(
            "SELECT lower(trim(query)) AS q, count(*) AS n FROM questions WHERE status = 'none'"
            " GROUP BY q ORDER BY n DESC, max(asked_at) DESC LIMIT ?",
            (limit,),
        ) as cur:
            return [(q, n) for q, n in await cur.fetchall()]

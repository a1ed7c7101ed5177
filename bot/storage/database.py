"""One SQLite connection (aiosqlite) and one writer, shared by the stores in this package.

Every write is a transaction of its own, one at a time: handlers of different chats and the
broadcast worker share the connection, and a commit or rollback must never take another task's
half-done statements with it. The connection is in autocommit mode, so a single statement is a
transaction of its own and costs one round trip to aiosqlite's thread.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import sqlite3
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

import aiosqlite

from bot.storage.migrations import MIGRATIONS, tables_up_to


class NotOurDatabase(sqlite3.DatabaseError):
    """The file is another application's, or a newer smolbot's, or lost its tables."""


def check_ours(version: int, tables: set[str]) -> None:
    if version > len(MIGRATIONS):
        raise NotOurDatabase(
            f"it was made by a newer smolbot (schema {version}; this one knows {len(MIGRATIONS)})"
        )
    if version == 0 and tables:
        raise NotOurDatabase("it is not smolbot's: it has tables and no smolbot schema version")
    missing = tables_up_to(version) - tables
    if missing:
        raise NotOurDatabase(f"tables are missing: {', '.join(sorted(missing))}")


class Database:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._db: aiosqlite.Connection | None = None
        self._writing = asyncio.Lock()

    async def open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        make_private(self.path)
        self._db = await aiosqlite.connect(self.path, isolation_level=None)  # autocommit
        try:
            await self._db.execute("PRAGMA busy_timeout=5000")
            check_ours(*await self._schema())  # before anything is written to the file
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

    async def write_one(self, sql: str, params: Sequence[object] = ()) -> aiosqlite.Cursor:
        async with self._writing:
            return await self.db.execute(sql, params)

    async def write_returning(self, sql: str, params: Sequence[object]) -> list[sqlite3.Row]:
        """A statement with RETURNING: run and read in one round trip."""
        async with self._writing:
            return list(await self.db.execute_fetchall(sql, params))

    @asynccontextmanager
    async def transaction(self, immediate: bool = False) -> AsyncIterator[aiosqlite.Connection]:
        """Several statements, committed when the block ends, rolled back if it raises.

        `immediate` takes SQLite's write lock at once, for read-then-write transactions that
        another process (a `smolbot` command) must not interleave with.
        """
        async with self._writing:
            try:
                # Inside the try: a task cancelled while its BEGIN is queued still has the BEGIN
                # run by aiosqlite's thread, and must roll it back (a no-op if it never ran).
                await self.db.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")
                yield self.db
                await self.db.commit()
            except BaseException:
                await self.db.rollback()
                raise

    async def fetch_all(self, sql: str, params: Sequence[object] = ()) -> list[sqlite3.Row]:
        async with self.db.execute(sql, params) as cur:
            return list(await cur.fetchall())

    async def fetch_one(self, sql: str, params: Sequence[object] = ()) -> sqlite3.Row | None:
        async with self.db.execute(sql, params) as cur:
            return await cur.fetchone()

    async def count(self, sql: str, params: Sequence[object] = ()) -> int:
        row = await self.fetch_one(sql, params)
        return int(row[0] or 0) if row else 0

    async def _migrate(self) -> None:
        """Bring the file up to date in one transaction, once it is known to be ours.

        The transaction ends by writing the schema version, even when nothing was due: a
        read-only file fails here, at start, not at the first question.
        """
        async with self.transaction(immediate=True) as db:
            version, tables = await self._schema()
            check_ours(version, tables)  # again: another process may have migrated meanwhile
            for migration in MIGRATIONS[version:]:
                for statement in migration:
                    await db.execute(statement)
            await db.execute(f"PRAGMA user_version = {len(MIGRATIONS)}")

    async def _schema(self) -> tuple[int, set[str]]:
        """The file's schema version and its tables."""
        row = await self.fetch_one("PRAGMA user_version")
        rows = await self.fetch_all("SELECT name FROM sqlite_master WHERE type = 'table'")
        return (int(row[0]) if row else 0), {str(r[0]) for r in rows}

    async def check_writable(self) -> None:
        """Raises if the database cannot be written (for the health check)."""
        await self.write_one(f"PRAGMA user_version = {len(MIGRATIONS)}")


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


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def ago(delta: dt.timedelta) -> str:
    return (dt.datetime.now(dt.UTC) - delta).isoformat(timespec="seconds")

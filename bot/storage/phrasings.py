"""Editors' extra phrasings: a resident's question attached to a topic from /unanswered."""

from __future__ import annotations

from bot.peer import Peer
from bot.storage.database import Database, now


class Phrasings:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def add(
        self, entry_id: str, text: str, added_by: int | None, asked_by: Peer | None = None
    ) -> bool:
        """Keep a question as a new phrasing of an entry; False if it was already there.
        `asked_by`: whose question it was, so /forget_me can take it back."""
        channel, asker = asked_by if asked_by is not None else (None, None)
        cursor = await self._db.write_one(
            "INSERT OR IGNORE INTO extra_phrasings"
            " (entry_id, text, added_by, added_at, asked_by, asked_channel)"
            " VALUES (?, ?, ?, ?, ?, coalesce(?, 'telegram'))",
            (entry_id, text, added_by, now(), asker, channel),
        )
        return cursor.rowcount == 1

    async def all(self) -> list[tuple[str, str]]:
        rows = await self._db.fetch_all("SELECT entry_id, text FROM extra_phrasings ORDER BY id")
        return [(str(e), str(t)) for e, t in rows]

"""Telegram updates as received, until handled (bot/channels/telegram/inbox.py is the queue
that uses them)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from bot.storage.database import Database, ago, now


class InboxTable:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def receive(self, updates: Sequence[tuple[int, str]]) -> set[int]:
        """Store (update_id, JSON) as received, in one statement; returns the ids not received
        before (handled or not)."""
        rows = await self._db.write_returning(
            "INSERT OR IGNORE INTO inbox (update_id, received_at, body) VALUES "
            + ", ".join("(?, ?, ?)" for _ in updates)
            + " RETURNING update_id",
            [value for update_id, body in updates for value in (update_id, now(), body)],
        )
        return {int(r[0]) for r in rows}

    async def pending(self) -> list[tuple[int, str]]:
        """(update_id, body) of updates received but not handled, oldest first."""
        rows = await self._db.fetch_all(
            "SELECT update_id, body FROM inbox WHERE done = 0 ORDER BY update_id"
        )
        return [(int(i), str(b)) for i, b in rows]

    async def finish(self, update_ids: Sequence[int], sent: Sequence[int]) -> None:
        """Handled updates lose their body (it may hold a resident's words) and keep their id,
        to skip a second delivery; the questions in `sent` had their answers sent."""
        async with self._db.transaction() as db:
            if update_ids:
                await db.executemany(
                    "UPDATE inbox SET done = 1, body = '' WHERE update_id = ?",
                    [(i,) for i in update_ids],
                )
            if sent:
                await db.executemany(
                    "UPDATE questions SET sent = 1 WHERE id = ?", [(i,) for i in sent]
                )

    async def purge(self, older_than: dt.timedelta) -> int:
        """Forget handled updates received before `older_than` ago; Telegram redelivers an
        update only until it is confirmed, within a day."""
        cursor = await self._db.write_one(
            "DELETE FROM inbox WHERE done = 1 AND received_at < ?", (ago(older_than),)
        )
        return cursor.rowcount

"""MAX's updates as received, until handled, and the marker to poll from.

A batch and the marker after it are stored in one transaction, before any of it is handled:
a crash then loses nothing, and a batch MAX delivers again (the marker was not stored, or the
updates carry keys already seen) is not handled twice. Handled updates lose their body (it may
hold a resident's words) and keep their key until purged.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from bot.storage.database import Database, ago, now

MARKER = "max.marker"


class MaxInbox:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def marker(self) -> int | None:
        row = await self._db.fetch_one("SELECT value FROM channel_state WHERE name = ?", (MARKER,))
        return int(row[0]) if row else None

    async def receive(self, updates: Sequence[tuple[str, str]], marker: int | None) -> set[str]:
        """Store (key, JSON) and the marker after them; returns the keys not seen before."""
        fresh: set[str] = set()
        async with self._db.transaction() as db:
            for key, body in updates:
                cursor = await db.execute(
                    "INSERT OR IGNORE INTO max_inbox (key, received_at, body) VALUES (?, ?, ?)",
                    (key, now(), body),
                )
                if cursor.rowcount == 1:
                    fresh.add(key)
            if marker is not None:
                await db.execute(
                    "INSERT INTO channel_state (name, value) VALUES (?, ?)"
                    " ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                    (MARKER, str(marker)),
                )
        return fresh

    async def pending(self) -> list[tuple[str, str]]:
        """(key, body) of updates received and not handled, oldest first."""
        rows = await self._db.fetch_all(
            "SELECT key, body FROM max_inbox WHERE done = 0 ORDER BY id"
        )
        return [(str(k), str(b)) for k, b in rows]

    async def finish(self, keys: Sequence[str], sent: Sequence[int] = ()) -> None:
        """Handled updates lose their body; the questions in `sent` had their answers sent."""
        async with self._db.transaction() as db:
            if keys:
                await db.executemany(
                    "UPDATE max_inbox SET done = 1, body = '' WHERE key = ?", [(k,) for k in keys]
                )
            if sent:
                await db.executemany(
                    "UPDATE questions SET sent = 1 WHERE id = ?", [(i,) for i in sent]
                )

    async def purge(self, older_than: dt.timedelta) -> int:
        """Forget handled updates received before `older_than` ago (MAX keeps updates 24 h)."""
        cursor = await self._db.write_one(
            "DELETE FROM max_inbox WHERE done = 1 AND received_at < ?", (ago(older_than),)
        )
        return cursor.rowcount

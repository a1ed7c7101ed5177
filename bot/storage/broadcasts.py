"""Durable broadcasts: one delivery row per subscriber and channel, written before any send."""

from __future__ import annotations

from dataclasses import dataclass

from bot.conversation import MessageId
from bot.peer import Peer
from bot.storage.database import Database, now

STATUSES = ("pending", "sending", "sent", "failed", "blocked")


@dataclass(frozen=True, slots=True)
class Broadcast:
    id: int
    admin: Peer
    admin_chat_id: int
    text: str
    status: str
    progress_message_id: MessageId | None  # an integer on Telegram, a "mid.…" on MAX
    started_at: str | None


@dataclass(frozen=True, slots=True)
class DeliveryResult:
    recipient: Peer
    status: str  # sent | failed | blocked
    error: str | None = None


class Broadcasts:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def create(self, admin: Peer, admin_chat_id: int, text: str) -> int:
        cursor = await self._db.write_one(
            "INSERT INTO broadcasts (created_at, admin_channel, admin_id, admin_chat_id, text,"
            " status) VALUES (?, ?, ?, ?, ?, 'draft')",
            (now(), *admin, admin_chat_id, text),
        )
        return int(cursor.lastrowid or 0)

    async def get(self, broadcast_id: int) -> Broadcast | None:
        row = await self._db.fetch_one(
            "SELECT id, admin_channel, admin_id, admin_chat_id, text, status,"
            " progress_message_id, started_at FROM broadcasts WHERE id = ?",
            (broadcast_id,),
        )
        if row is None:
            return None
        return Broadcast(row[0], Peer(row[1], row[2]), *row[3:])

    async def latest(self) -> Broadcast | None:
        row = await self._db.fetch_one(
            "SELECT id FROM broadcasts WHERE status != 'draft' ORDER BY id DESC LIMIT 1"
        )
        return await self.get(int(row[0])) if row else None

    async def start(self, broadcast_id: int) -> int | None:
        """Draft -> sending: one pending delivery per subscriber, written before any send.

        Returns the number of recipients; None if the broadcast was not a draft (a second tap).
        """
        async with self._db.transaction(immediate=True) as db:
            cursor = await db.execute(
                "UPDATE broadcasts SET status = 'sending', started_at = ?"
                " WHERE id = ? AND status = 'draft'",
                (now(), broadcast_id),
            )
            if cursor.rowcount != 1:
                return None  # nothing was changed; the empty transaction commits
            cursor = await db.execute(
                "INSERT INTO deliveries (broadcast_id, channel, user_id, status)"
                " SELECT ?, channel, id, 'pending' FROM users WHERE subscribed = 1",
                (broadcast_id,),
            )
        return cursor.rowcount

    async def set_status(self, broadcast_id: int, status: str) -> bool:
        """Move a draft or sending broadcast to `status`; False if it had already ended."""
        finished = now() if status in ("done", "cancelled") else None
        cursor = await self._db.write_one(
            "UPDATE broadcasts SET status = ?, finished_at = coalesce(?, finished_at)"
            " WHERE id = ? AND status IN ('draft', 'sending')",
            (status, finished, broadcast_id),
        )
        return cursor.rowcount == 1

    async def set_progress_message(self, broadcast_id: int, message_id: MessageId) -> None:
        await self._db.write_one(
            "UPDATE broadcasts SET progress_message_id = ? WHERE id = ?",
            (message_id, broadcast_id),
        )

    async def sending(self) -> list[int]:
        rows = await self._db.fetch_all(
            "SELECT id FROM broadcasts WHERE status = 'sending' ORDER BY id"
        )
        return [int(r[0]) for r in rows]

    async def release_in_flight(self, broadcast_id: int) -> int:
        """After a crash: deliveries claimed but not recorded go back to pending (may repeat)."""
        cursor = await self._db.write_one(
            "UPDATE deliveries SET status = 'pending'"
            " WHERE broadcast_id = ? AND status = 'sending'",
            (broadcast_id,),
        )
        return cursor.rowcount

    async def claim(self, broadcast_id: int, limit: int) -> list[tuple[Peer, int]]:
        """Mark up to `limit` pending deliveries as in flight; returns (recipient, attempts)."""
        rows = await self._db.write_returning(
            "UPDATE deliveries SET status = 'sending' WHERE broadcast_id = ?"
            " AND (channel, user_id) IN (SELECT channel, user_id FROM deliveries"
            "  WHERE broadcast_id = ? AND status = 'pending' ORDER BY channel, user_id LIMIT ?)"
            " RETURNING channel, user_id, attempts",
            (broadcast_id, broadcast_id, limit),
        )
        return [(Peer(str(r[0]), int(r[1])), int(r[2])) for r in rows]

    async def record(self, broadcast_id: int, results: list[DeliveryResult]) -> None:
        """A batch's results in one transaction; 'blocked' unsubscribes the recipient."""
        blocked = [tuple(r.recipient) for r in results if r.status == "blocked"]
        async with self._db.transaction() as db:
            await db.executemany(
                "UPDATE deliveries SET status = ?, error = ?, attempts = attempts + 1"
                " WHERE broadcast_id = ? AND channel = ? AND user_id = ?",
                [(r.status, r.error, broadcast_id, *r.recipient) for r in results],
            )
            if blocked:
                await db.executemany(
                    "UPDATE users SET subscribed = 0 WHERE channel = ? AND id = ?", blocked
                )

    async def counts(self, broadcast_id: int) -> dict[str, int]:
        rows = await self._db.fetch_all(
            "SELECT status, count(*) FROM deliveries WHERE broadcast_id = ? GROUP BY status",
            (broadcast_id,),
        )
        found = {str(s): int(n) for s, n in rows}
        return {s: found.get(s, 0) for s in STATUSES}

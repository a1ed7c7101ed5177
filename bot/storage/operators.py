"""Questions handed to the operators' chat: which resident a reply there goes back to.

The operators' chat is a Telegram group (OPERATORS_CHAT_ID), whose messages have numbers; a
message id of another kind never names a thread.
"""

from __future__ import annotations

from bot.conversation import MessageId
from bot.peer import Peer
from bot.storage.database import Database, now


class OperatorThreads:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def open(
        self, operator_message_id: MessageId, question_id: int | None, resident_chat: Peer
    ) -> None:
        """`resident_chat`: the resident's private chat, on the resident's messenger."""
        if not isinstance(operator_message_id, int):
            raise TypeError(f"an operators' chat message id is a number: {operator_message_id!r}")
        await self._db.write_one(
            "INSERT OR REPLACE INTO operator_threads"
            " (operator_message_id, question_id, user_chat_id, user_channel, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (operator_message_id, question_id, resident_chat.id, resident_chat.channel, now()),
        )

    async def resident_chat(self, operator_message_id: MessageId) -> Peer | None:
        if not isinstance(operator_message_id, int):
            return None
        row = await self._db.fetch_one(
            "SELECT user_channel, user_chat_id FROM operator_threads WHERE operator_message_id = ?",
            (operator_message_id,),
        )
        return Peer(str(row[0]), int(row[1])) if row else None

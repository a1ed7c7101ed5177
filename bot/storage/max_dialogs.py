"""Each MAX user's dialog with the bot: MAX counts its 2 messages a second per chat, and a
dialog's chat id is not the user's id, so a broadcast (kept by user id) and the replies to the
same resident are paced as one chat, also after a restart."""

from __future__ import annotations

from bot.storage.database import Database


class MaxDialogs:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def all(self) -> dict[int, int]:
        """User id -> dialog chat id."""
        rows = await self._db.fetch_all("SELECT user_id, chat_id FROM max_dialogs")
        return {int(u): int(c) for u, c in rows}

    async def remember(self, user_id: int, chat_id: int) -> None:
        await self._db.write_one(
            "INSERT INTO max_dialogs (user_id, chat_id) VALUES (?, ?)"
            " ON CONFLICT (user_id) DO UPDATE SET chat_id = excluded.chat_id",
            (user_id, chat_id),
        )

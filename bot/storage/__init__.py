"""The bot's own data in SQLite: one store per kind of record, over one connection and writer.

`Storage` opens the file (checking it is ours, migrating it in one transaction) and holds the
stores: `users`, `questions`, `broadcasts`, `phrasings`, `operators`, `inbox`, `max_inbox`,
`max_dialogs`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import TracebackType

from bot.peer import MAX, Peer
from bot.storage.broadcasts import Broadcast, Broadcasts, DeliveryResult
from bot.storage.database import Database, NotOurDatabase, keep_from_others, make_private
from bot.storage.inbox import InboxTable
from bot.storage.max_dialogs import MaxDialogs
from bot.storage.max_inbox import MaxInbox
from bot.storage.operators import OperatorThreads
from bot.storage.phrasings import Phrasings
from bot.storage.questions import Question, Questions, Stats
from bot.storage.users import Users

__all__ = [
    "Broadcast",
    "DeliveryResult",
    "NotOurDatabase",
    "Question",
    "Stats",
    "Storage",
    "keep_from_others",
    "make_private",
]


# Handled updates' ids and keys, kept to skip a redelivery: both messengers redeliver within a day.
HANDLED_UPDATES_KEPT = dt.timedelta(days=2)


class Storage:
    """Opened once per process; use `async with Storage(path) as storage:`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.database = Database(path)
        self.users = Users(self.database)
        self.questions = Questions(self.database)
        self.broadcasts = Broadcasts(self.database)
        self.phrasings = Phrasings(self.database)
        self.operators = OperatorThreads(self.database)
        self.inbox = InboxTable(self.database)
        self.max_inbox = MaxInbox(self.database)
        self.max_dialogs = MaxDialogs(self.database)

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
        await self.database.open()

    async def close(self) -> None:
        await self.database.close()

    async def check_writable(self) -> None:
        await self.database.check_writable()

    async def purge_old(self, retention_days: int) -> int:
        """Daily: questions older than `retention_days` go, with their votes; so do the keys of
        updates handled days ago, on either messenger (each redelivers within a day). Returns
        how many questions went."""
        deleted = await self.questions.purge(retention_days)
        await self.inbox.purge(HANDLED_UPDATES_KEPT)
        await self.max_inbox.purge(HANDLED_UPDATES_KEPT)
        return deleted

    async def forget_user(self, user: Peer) -> None:
        """/forget_me: the user's questions, votes, subscription, deliveries and the phrasings
        editors made of their questions, in one go. (A phrasing already in the running engine
        is forgotten there at the next start.)"""
        async with self.database.transaction(immediate=True) as db:
            await db.execute(
                "DELETE FROM votes WHERE user_id = ? AND question_id IN"
                " (SELECT id FROM questions WHERE channel = ?)",
                (user.id, user.channel),
            )
            await db.execute("DELETE FROM questions WHERE channel = ? AND user_id = ?", tuple(user))
            # An operator thread names the resident's chat: on MAX their dialog, not their id.
            await db.execute(
                "DELETE FROM operator_threads WHERE user_channel = ? AND user_chat_id IN"
                " (SELECT ? UNION SELECT chat_id FROM max_dialogs WHERE ? = ? AND user_id = ?)",
                (user.channel, user.id, user.channel, MAX, user.id),
            )
            await db.execute(
                "DELETE FROM deliveries WHERE channel = ? AND user_id = ?", tuple(user)
            )
            await db.execute(
                "DELETE FROM extra_phrasings WHERE asked_channel = ? AND asked_by = ?",
                tuple(user),
            )
            await db.execute("DELETE FROM users WHERE channel = ? AND id = ?", tuple(user))
            if user.channel == MAX:
                await db.execute("DELETE FROM max_dialogs WHERE user_id = ?", (user.id,))
        self.users.forget(user)

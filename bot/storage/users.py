"""Users by channel: the language to talk to them in, and whether they want the news."""

from __future__ import annotations

import time
from collections import OrderedDict

from bot.i18n import language_for
from bot.peer import Peer
from bot.storage.database import Database, now

TOUCH_EVERY = 600.0  # seconds: a user's last_seen is kept to this precision...
KNOWN_USERS = 10_000  # ...for this many recent users, so most messages write nothing for it


class Users:
    def __init__(self, database: Database) -> None:
        self._db = database
        # user -> (the messenger's language tag, language to use, when last_seen was written)
        self._known: OrderedDict[Peer, tuple[str | None, str, float]] = OrderedDict()

    async def touch(self, user: Peer, language_code: str | None) -> str:
        """Record that a user wrote; returns the language to talk to them in.

        Until a user picks a language with /language, it follows the messenger's language.
        A user seen in the last TOUCH_EVERY seconds costs no write: a round trip to SQLite's
        thread took a quarter of the CPU time of answering a message.
        """
        known = self._known.get(user)
        if (
            known is not None
            and known[0] == language_code
            and time.monotonic() - known[2] < TOUCH_EVERY
        ):
            self._known.move_to_end(user)
            return known[1]
        suggested = language_for(language_code)
        seen = now()
        rows = await self._db.write_returning(
            "INSERT INTO users (channel, id, language, first_seen, last_seen)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (channel, id) DO UPDATE SET"
            " last_seen = excluded.last_seen,"
            " language = CASE WHEN users.language_chosen THEN users.language"
            " ELSE excluded.language END RETURNING language",
            (user.channel, user.id, suggested, seen, seen),
        )
        language = str(next(iter(rows))[0]) if rows else suggested
        self._known[user] = (language_code, language, time.monotonic())
        self._known.move_to_end(user)
        if len(self._known) > KNOWN_USERS:
            self._known.popitem(last=False)
        return language

    async def language(self, user: Peer) -> str | None:
        row = await self._db.fetch_one(
            "SELECT language FROM users WHERE channel = ? AND id = ?", user
        )
        return str(row[0]) if row else None

    async def set_language(self, user: Peer, language: str) -> None:
        self._known.pop(user, None)
        seen = now()
        await self._db.write_one(
            "INSERT INTO users (channel, id, language, language_chosen, first_seen, last_seen)"
            " VALUES (?, ?, ?, 1, ?, ?) ON CONFLICT (channel, id) DO UPDATE SET"
            " language = excluded.language, language_chosen = 1,"
            " last_seen = excluded.last_seen",
            (*user, language, seen, seen),
        )

    async def set_subscribed(self, user: Peer, subscribed: bool) -> None:
        seen = now()
        await self._db.write_one(
            "INSERT INTO users (channel, id, language, subscribed, first_seen, last_seen)"
            " VALUES (?, ?, 'ru', ?, ?, ?) ON CONFLICT (channel, id) DO UPDATE SET"
            " subscribed = excluded.subscribed",
            (*user, int(subscribed), seen, seen),
        )

    async def is_subscribed(self, user: Peer) -> bool:
        row = await self._db.fetch_one(
            "SELECT subscribed FROM users WHERE channel = ? AND id = ?", user
        )
        return bool(row and row[0])

    async def subscriber_count(self) -> int:
        return await self._db.count("SELECT count(*) FROM users WHERE subscribed = 1")

    def forget(self, user: Peer) -> None:
        """Drop the cached language (the rows go in Storage.forget_user's transaction)."""
        self._known.pop(user, None)

"""Questions asked, the answers given, and residents' votes on them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.peer import MAX, TELEGRAM, Peer
from bot.storage.database import Database, ago, now

MAX_QUERY_CHARS = 4096
MAX_ANSWER_CHARS = 8192
# Questions from messengers; the terminal's (`smolbot ask`, `chat`) are editors' tests.
MESSENGERS = (TELEGRAM, MAX)
_FROM_MESSENGERS = f"channel IN ({', '.join(repr(c) for c in MESSENGERS)})"


@dataclass(frozen=True, slots=True)
class ChannelCounts:
    users: int
    subscribers: int
    questions: int  # answered, clarified or not, whose answer went out


@dataclass(frozen=True, slots=True)
class Stats:
    users: int
    subscribers: int
    questions_today: int
    questions: int
    outcomes: dict[str, int]
    top_topics: list[tuple[str, int]]
    votes_up: int
    votes_down: int
    # Each messenger that has users or questions, in MESSENGERS order.
    by_channel: dict[str, ChannelCounts]


@dataclass(frozen=True, slots=True)
class Question:
    query: str
    lang: str
    user: Peer | None
    chat_id: int | None


class Questions:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def log(
        self,
        *,
        channel: str,
        query: str,
        lang: str,
        status: str,
        topic: str | None,
        score: float,
        user_id: int | None = None,
        chat_id: int | None = None,
        answer: str | None = None,
        update_id: int | None = None,
    ) -> int:
        """Record a question and the answer given; returns its id (votes refer to it).

        A question from a Telegram update is logged unsent (the inbox records it sent once the
        reply is) and once: the same update replayed after a crash updates its row.
        """
        rows = await self._db.write_returning(
            "INSERT INTO questions (asked_at, channel, user_id, chat_id, query, lang, status,"
            " topic, score, answer, update_id, sent) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (update_id) WHERE update_id IS NOT NULL DO UPDATE SET"
            " status = excluded.status, topic = excluded.topic, score = excluded.score,"
            " answer = excluded.answer, sent = 0 RETURNING id",
            (
                now(),
                channel,
                user_id,
                chat_id,
                query[:MAX_QUERY_CHARS],
                lang,
                status,
                topic,
                score,
                answer[:MAX_ANSWER_CHARS] if answer is not None else None,
                update_id,
                int(update_id is None),
            ),
        )
        return int(rows[0][0])

    async def vote(self, question_id: int, user: Peer, vote: int) -> bool:
        """Store a vote (a second vote replaces the first); False if the question is unknown or
        someone else's: a vote belongs to the user who was answered."""
        cursor = await self._db.write_one(
            "INSERT INTO votes (question_id, user_id, vote, voted_at)"
            " SELECT id, user_id, ?, ? FROM questions"
            " WHERE id = ? AND channel = ? AND user_id = ?"
            " ON CONFLICT (question_id, user_id) DO UPDATE SET"
            " vote = excluded.vote, voted_at = excluded.voted_at",
            (vote, now(), question_id, *user),
        )
        return cursor.rowcount == 1

    async def get(self, question_id: int) -> Question | None:
        row = await self._db.fetch_one(
            "SELECT query, lang, channel, user_id, chat_id FROM questions WHERE id = ?",
            (question_id,),
        )
        if row is None:
            return None
        user = Peer(str(row[2]), int(row[3])) if row[3] is not None else None
        return Question(str(row[0]), str(row[1]), user, row[4])

    async def for_operator(self, question_id: int, user: Peer) -> Question | None:
        """A question this user asked, the bot could not answer, and nobody has handed to the
        operators yet; None for anything else (a forged tap)."""
        row = await self._db.fetch_one(
            "SELECT query, lang, chat_id FROM questions AS q"
            " WHERE id = ? AND channel = ? AND user_id = ?"
            " AND status = 'none' AND chat_id IS NOT NULL AND NOT EXISTS"
            " (SELECT 1 FROM operator_threads WHERE question_id = q.id)",
            (question_id, *user),
        )
        return Question(str(row[0]), str(row[1]), user, int(row[2])) if row else None

    async def unanswered(self, limit: int = 500) -> list[tuple[int, str, int]]:
        """(id of the first, question, times asked) for unanswered questions, most asked first.

        Grouped by exact text only (SQLite's lower() knows no Cyrillic); the caller groups
        wordings that differ in case, punctuation or order.
        """
        rows = await self._db.fetch_all(
            "SELECT min(id), trim(query) AS q, count(*) AS n FROM questions"
            f" WHERE status = 'none' AND {_FROM_MESSENGERS} AND trim(query) != ''"
            " GROUP BY q ORDER BY n DESC, min(id) LIMIT ?",
            (limit,),
        )
        return [(int(i), str(q), int(n)) for i, q, n in rows]

    async def unanswered_by_text(self, limit: int = 50) -> list[tuple[str, int]]:
        """The most frequent unanswered questions of any channel, as (question, times asked)."""
        rows = await self._db.fetch_all(
            "SELECT lower(trim(query)) AS q, count(*) AS n FROM questions WHERE status = 'none'"
            " GROUP BY q ORDER BY n DESC, max(asked_at) DESC LIMIT ?",
            (limit,),
        )
        return [(str(q), int(n)) for q, n in rows]

    async def purge(self, older_than_days: int) -> int:
        """Delete logged questions (and their votes) older than the retention period."""
        cursor = await self._db.write_one(
            "DELETE FROM questions WHERE asked_at < ?", (ago(dt.timedelta(days=older_than_days)),)
        )
        return cursor.rowcount

    async def _by_channel(self) -> dict[str, ChannelCounts]:
        users = {
            str(c): (int(n), int(s))
            for c, n, s in await self._db.fetch_all(
                "SELECT channel, count(*), sum(subscribed) FROM users GROUP BY channel"
            )
        }
        questions = {
            str(c): int(n)
            for c, n in await self._db.fetch_all(
                "SELECT channel, count(*) FROM questions WHERE sent = 1 GROUP BY channel"
            )
        }
        return {
            channel: ChannelCounts(*users.get(channel, (0, 0)), questions.get(channel, 0))
            for channel in MESSENGERS
            if channel in users or channel in questions
        }

    async def stats(self) -> Stats:
        today = dt.datetime.now(dt.UTC).date().isoformat()
        count = self._db.count
        rows = await self._db.fetch_all(
            f"SELECT status, count(*) FROM questions WHERE {_FROM_MESSENGERS} AND sent = 1"
            " GROUP BY status"
        )
        outcomes = {str(s): int(n) for s, n in rows}
        rows = await self._db.fetch_all(
            f"SELECT topic, count(*) AS n FROM questions WHERE {_FROM_MESSENGERS} AND sent = 1"
            " AND status = 'answer' AND topic IS NOT NULL GROUP BY topic ORDER BY n DESC LIMIT 5"
        )
        return Stats(
            by_channel=await self._by_channel(),
            users=await count("SELECT count(*) FROM users"),
            subscribers=await count("SELECT count(*) FROM users WHERE subscribed = 1"),
            questions_today=await count(
                f"SELECT count(*) FROM questions WHERE {_FROM_MESSENGERS} AND asked_at >= ?",
                (today,),
            ),
            questions=sum(outcomes.values()),
            outcomes=outcomes,
            top_topics=[(str(t), int(n)) for t, n in rows],
            votes_up=await count("SELECT count(*) FROM votes WHERE vote = 1"),
            votes_down=await count("SELECT count(*) FROM votes WHERE vote = -1"),
        )

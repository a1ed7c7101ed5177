"""The schema, one migration per version; each migration is a list of single statements.

Statements are kept apart as written, never split on ";" (a trigger body or a string literal
may hold one). PRAGMA user_version records how far a file has come.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

MIGRATIONS: Sequence[Sequence[str]] = (
    # 1: every question with its outcome; editors read the unanswered ones.
    (
        """CREATE TABLE questions (
            id INTEGER PRIMARY KEY,
            asked_at TEXT NOT NULL,
            channel TEXT NOT NULL,
            user_id INTEGER,
            query TEXT NOT NULL,
            lang TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('answer', 'clarify', 'none')),
            topic TEXT,
            score REAL NOT NULL
        )""",
        "CREATE INDEX questions_status ON questions (status, asked_at)",
    ),
    # 2: Telegram users, their language and subscription; the answer given; votes on answers.
    (
        """CREATE TABLE users (
            id INTEGER PRIMARY KEY,
            language TEXT NOT NULL CHECK (language IN ('ru', 'en')),
            language_chosen INTEGER NOT NULL DEFAULT 0,
            subscribed INTEGER NOT NULL DEFAULT 0,
            first_seen TEXT NOT NULL,
            last_seen TEXT NOT NULL
        )""",
        "ALTER TABLE questions ADD COLUMN chat_id INTEGER",
        "ALTER TABLE questions ADD COLUMN answer TEXT",
        """CREATE TABLE votes (
            question_id INTEGER NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
            user_id INTEGER NOT NULL,
            vote INTEGER NOT NULL CHECK (vote IN (-1, 1)),
            voted_at TEXT NOT NULL,
            PRIMARY KEY (question_id, user_id)
        )""",
    ),
    # 3: durable broadcasts (one delivery row per recipient), editors' extra phrasings,
    # and questions handed to an operator.
    (
        """CREATE TABLE broadcasts (
            id INTEGER PRIMARY KEY,
            created_at TEXT NOT NULL,
            admin_id INTEGER NOT NULL,
            admin_chat_id INTEGER NOT NULL,
            text TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('draft', 'sending', 'done', 'cancelled')),
            progress_message_id INTEGER,
            started_at TEXT,
            finished_at TEXT
        )""",
        """CREATE TABLE deliveries (
            broadcast_id INTEGER NOT NULL REFERENCES broadcasts (id) ON DELETE CASCADE,
            user_id INTEGER NOT NULL,
            status TEXT NOT NULL
                CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'blocked')),
            attempts INTEGER NOT NULL DEFAULT 0,
            error TEXT,
            PRIMARY KEY (broadcast_id, user_id)
        ) WITHOUT ROWID""",
        "CREATE INDEX deliveries_status ON deliveries (broadcast_id, status)",
        """CREATE TABLE extra_phrasings (
            id INTEGER PRIMARY KEY,
            entry_id TEXT NOT NULL,
            text TEXT NOT NULL,
            added_by INTEGER,
            added_at TEXT NOT NULL,
            UNIQUE (entry_id, text)
        )""",
        """CREATE TABLE operator_threads (
            operator_message_id INTEGER PRIMARY KEY,
            question_id INTEGER REFERENCES questions (id) ON DELETE SET NULL,
            user_chat_id INTEGER NOT NULL,
            created_at TEXT NOT NULL
        )""",
    ),
    # 4: every update as received, before Telegram is told it arrived, so a crash loses none;
    # which update a question came from (a replayed update logs it once) and whether its answer
    # was sent; whose question an extra phrasing was (for /forget_me).
    (
        """CREATE TABLE inbox (
            update_id INTEGER PRIMARY KEY,
            received_at TEXT NOT NULL,
            body TEXT NOT NULL,
            done INTEGER NOT NULL DEFAULT 0
        )""",
        "CREATE INDEX inbox_pending ON inbox (done, update_id)",
        "ALTER TABLE questions ADD COLUMN update_id INTEGER",
        "ALTER TABLE questions ADD COLUMN sent INTEGER NOT NULL DEFAULT 1",
        "CREATE UNIQUE INDEX questions_update ON questions (update_id) WHERE update_id IS NOT NULL",
        "ALTER TABLE extra_phrasings ADD COLUMN asked_by INTEGER",
    ),
    # 5: more than one messenger. A user, a delivery and an operator thread belong to a channel
    # (a user id means nothing without it); every row before this was Telegram's.
    (
        """CREATE TABLE users_by_channel (
            channel TEXT NOT NULL,
            id INTEGER NOT NULL,
            language TEXT NOT NULL CHECK (language IN ('ru', 'en')),
            language_chosen INTEGER NOT NULL DEFAULT 0,
            subscribed INTEGER NOT NULL DEFAULT 0,
            first_seen TEXT NOT NULL,
            last_seen TEXT NOT NULL,
            PRIMARY KEY (channel, id)
        ) WITHOUT ROWID""",
        """INSERT INTO users_by_channel
            SELECT 'telegram', id, language, language_chosen, subscribed, first_seen, last_seen
            FROM users""",
        "DROP TABLE users",
        "ALTER TABLE users_by_channel RENAME TO users",
        """CREATE TABLE deliveries_by_channel (
            broadcast_id INTEGER NOT NULL REFERENCES broadcasts (id) ON DELETE CASCADE,
            channel TEXT NOT NULL,
            user_id INTEGER NOT NULL,
            status TEXT NOT NULL
                CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'blocked')),
            attempts INTEGER NOT NULL DEFAULT 0,
            error TEXT,
            PRIMARY KEY (broadcast_id, channel, user_id)
        ) WITHOUT ROWID""",
        """INSERT INTO deliveries_by_channel
            SELECT broadcast_id, 'telegram', user_id, status, attempts, error FROM deliveries""",
        "DROP TABLE deliveries",
        "ALTER TABLE deliveries_by_channel RENAME TO deliveries",
        "CREATE INDEX deliveries_status ON deliveries (broadcast_id, status)",
        "ALTER TABLE operator_threads ADD COLUMN user_channel TEXT NOT NULL DEFAULT 'telegram'",
        "ALTER TABLE broadcasts ADD COLUMN admin_channel TEXT NOT NULL DEFAULT 'telegram'",
        "ALTER TABLE extra_phrasings ADD COLUMN asked_channel TEXT NOT NULL DEFAULT 'telegram'",
    ),
    # 6: MAX's updates as received, in order, until handled, with the key that names each
    # ("m:<mid>", "c:<callback id>"...); a messenger's polling position (MAX's marker); and
    # each MAX user's dialog (its chat id is not the user's id).
    (
        """CREATE TABLE max_inbox (
            id INTEGER PRIMARY KEY,
            key TEXT NOT NULL UNIQUE,
            received_at TEXT NOT NULL,
            body TEXT NOT NULL,
            done INTEGER NOT NULL DEFAULT 0
        )""",
        "CREATE INDEX max_inbox_pending ON max_inbox (done, id)",
        """CREATE TABLE channel_state (
            name TEXT PRIMARY KEY,
            value TEXT NOT NULL
        ) WITHOUT ROWID""",
        """CREATE TABLE max_dialogs (
            user_id INTEGER PRIMARY KEY,
            chat_id INTEGER NOT NULL
        )""",
    ),
)

_CREATE = re.compile(r"^\s*CREATE TABLE (\w+)", re.IGNORECASE)
_DROP = re.compile(r"^\s*DROP TABLE (\w+)", re.IGNORECASE)
_RENAME = re.compile(r"^\s*ALTER TABLE (\w+) RENAME TO (\w+)", re.IGNORECASE)


def tables_up_to(version: int) -> set[str]:
    """The tables a file at `version` has: what the migrations up to it created, dropped and
    renamed."""
    tables: set[str] = set()
    for migration in MIGRATIONS[:version]:
        for statement in migration:
            if created := _CREATE.match(statement):
                tables.add(created[1])
            elif dropped := _DROP.match(statement):
                tables.discard(dropped[1])
            elif renamed := _RENAME.match(statement):
                tables.discard(renamed[1])
                tables.add(renamed[2])
    return tables

"""Durable receipt of updates: none is lost to a crash, none is handled twice.

python-telegram-bot confirms updates to Telegram with its next getUpdates, before any handler
has run; a process killed then lost every question fetched and not yet answered. This queue is
the Application's `update_queue`: `put` stores the update in SQLite (committed) before the
Updater may confirm it, or before the webhook answers Telegram. The update processor calls
`done` when the update has been handled; at start, `replay` queues what was stored and not
done. An update received again (Telegram redelivers what was not confirmed) is skipped.
"""

from __future__ import annotations

import asyncio
import json
import logging

from telegram import Bot, Update

from bot.storage import Storage

log = logging.getLogger(__name__)


class DurableUpdateQueue(asyncio.Queue[object]):
    def __init__(self) -> None:
        super().__init__()
        self._storage: Storage | None = None

    def attach(self, storage: Storage) -> None:
        """From now on updates are stored before they are queued (set in post_init)."""
        self._storage = storage

    async def put(self, item: object) -> None:
        if isinstance(item, Update) and self._storage is not None:
            try:
                body = json.dumps(item.to_dict(), ensure_ascii=False)
                if not await self._storage.receive_update(item.update_id, body):
                    log.info("update %s was received before; skipped", item.update_id)
                    return
            except Exception:  # answered anyway: a reply without the guarantee beats none
                log.exception("update %s could not be stored", item.update_id)
        await super().put(item)

    async def replay(self, bot: Bot) -> int:
        """Queue the updates stored and not handled before the last stop; returns how many."""
        if self._storage is None:
            raise RuntimeError("attach the storage first")
        pending = await self._storage.pending_updates()
        for update_id, body in pending:
            try:
                update = Update.de_json(json.loads(body), bot)
            except (ValueError, TypeError, KeyError):
                log.exception("stored update %s is unreadable; dropped", update_id)
                update = None
            if update is None or update.inline_query is not None:
                # Telegram refuses a late answer to an inline query: the typing has moved on.
                await self._storage.finish_update(update_id)
                continue
            await super().put(update)
        if pending:
            log.info("replaying %s updates received before the last stop", len(pending))
        return len(pending)

    async def done(self, update: object) -> None:
        """The update was handled (answered, or the error handler told the user)."""
        if isinstance(update, Update) and self._storage is not None:
            try:
                await self._storage.finish_update(update.update_id)
            except Exception:  # at worst the update is handled again after a restart
                log.exception("update %s could not be marked handled", update.update_id)

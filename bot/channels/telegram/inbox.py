"""Durable receipt of updates: none is lost to a crash, none is handled twice.

python-telegram-bot confirms updates to Telegram with its next getUpdates, before any handler
has run; a process killed then lost every question fetched and not yet answered. This queue is
the Application's `update_queue`. What the Updater puts in it is held back until `flush` has
stored it in SQLite (one transaction for a whole batch); the getUpdates transport
(`UpdatesRequest`) flushes before each call, that is before Telegram is told the last batch
arrived, and the webhook flushes before it answers Telegram. The update processor calls `done`
when an update has been handled; done marks (and which questions' answers were sent) are
written in batches every DONE_EVERY seconds. At start, `replay` queues what was stored and not
done. An update received again (Telegram redelivers what was not confirmed) is skipped.

What a kill -9 can still cost: replies sent in the last DONE_EVERY seconds, not yet marked
done, are sent again after the restart.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from telegram import Bot, Update
from telegram.request import BaseRequest, HTTPXRequest, RequestData

from bot.storage import Storage

log = logging.getLogger(__name__)

DONE_EVERY = 0.2  # seconds between writes of done marks


class DurableUpdateQueue(asyncio.Queue[object]):
    def __init__(self) -> None:
        super().__init__()
        self._storage: Storage | None = None
        self._received: list[Update] = []  # not yet stored, so not yet queued
        self._raw: dict[int, str] = {}  # update id -> the JSON Telegram sent
        self._done: list[int] = []
        self._sent: list[int] = []  # question ids whose answers were sent
        self._writing_done: asyncio.Task[None] | None = None
        self._storing: asyncio.Task[None] | None = None

    def attach(self, storage: Storage) -> None:
        """From now on updates are stored before they are queued (set in post_init)."""
        self._storage = storage

    def keep_raw(self, payload: bytes) -> None:
        """getUpdates' answer: each update's JSON as sent, cheaper to store than to rebuild."""
        try:
            for raw in json.loads(payload).get("result") or []:
                self._raw[int(raw["update_id"])] = json.dumps(raw, ensure_ascii=False)
        except (ValueError, TypeError, KeyError, AttributeError):
            pass  # PTB reports a malformed answer; `flush` then serialises the updates itself

    async def put(self, item: object) -> None:
        if isinstance(item, Update) and self._storage is not None:
            self._received.append(item)  # queued by the next flush
        else:
            await super().put(item)

    async def flush(self) -> None:
        """Store what was received in one transaction, then queue what was not received before.

        The storing is shielded: the Updater's stop cancels the getUpdates call that flushes,
        and a batch taken but not stored would be confirmed by the stop's last call and lost.
        """
        batch, self._received = self._received, []
        raw, self._raw = self._raw, {}
        if batch and self._storage is not None:
            self._storing = asyncio.ensure_future(self._store(batch, raw, self._storing))
        if self._storing is not None:
            await asyncio.shield(self._storing)

    async def _store(
        self, batch: list[Update], raw: dict[int, str], before: asyncio.Task[None] | None
    ) -> None:
        if before is not None:
            await before  # batches are queued in the order they came
        assert self._storage is not None
        fresh = {u.update_id for u in batch}
        try:
            bodies = [
                (u.update_id, raw.get(u.update_id) or json.dumps(u.to_dict(), ensure_ascii=False))
                for u in batch
            ]
            fresh = await self._storage.inbox.receive(bodies)
        except Exception:  # answered anyway: a reply without the guarantee beats none
            log.exception("%s updates could not be stored", len(batch))
        for update in batch:
            if update.update_id in fresh:
                self.put_nowait(update)
            else:
                log.info("update %s was received before; skipped", update.update_id)

    async def replay(self, bot: Bot) -> int:
        """Queue the updates stored and not handled before the last stop; returns how many."""
        if self._storage is None:
            raise RuntimeError("attach the storage first")
        replayed = 0
        for update_id, body in await self._storage.inbox.pending():
            try:
                update = Update.de_json(json.loads(body), bot)
            except (ValueError, TypeError, KeyError):
                log.exception("stored update %s is unreadable; dropped", update_id)
                update = None
            if update is None or update.inline_query is not None or update.callback_query:
                # Telegram refuses a late answer to an inline query or a button tap; the
                # button is still there to tap again.
                await self._storage.inbox.finish([update_id], [])
                continue
            self.put_nowait(update)
            replayed += 1
        if replayed:
            log.info("replaying %s updates received before the last stop", replayed)
        return replayed

    def sent(self, question_id: int) -> None:
        """The answer to this logged question was sent (written with the next done marks)."""
        self._sent.append(question_id)

    def done(self, update: object) -> None:
        """The update was handled (answered, or the error handler told the user)."""
        if isinstance(update, Update) and self._storage is not None:
            self._done.append(update.update_id)
            if self._writing_done is None:
                self._writing_done = asyncio.get_running_loop().create_task(self._write_done())

    async def _write_done(self) -> None:
        await asyncio.sleep(DONE_EVERY)
        self._writing_done = None
        await self.write_done()

    async def close(self) -> None:
        """At a stop, before the database closes: the done marks still waiting are written."""
        if self._writing_done is not None:
            self._writing_done.cancel()
            self._writing_done = None
        await self.write_done()

    async def write_done(self) -> None:
        """Write the done marks and sent answers noted so far (also at a clean stop)."""
        done, self._done = self._done, []
        sent, self._sent = self._sent, []
        if self._storage is None or not (done or sent):
            return
        try:
            await self._storage.inbox.finish(done, sent)
        except Exception:  # at worst the updates are handled again after a restart
            log.exception("%s updates could not be marked handled", len(done))


class UpdatesRequest(HTTPXRequest):
    """The getUpdates transport: the inbox stores the last batch before each call, which tells
    Telegram that batch arrived, and keeps the JSON of the updates each call brings.

    One connection, as PTB gives getUpdates by default; `proxy` as for HTTPXRequest (None:
    httpx follows the environment's HTTPS_PROXY, HTTP_PROXY, ALL_PROXY and NO_PROXY)."""

    def __init__(self, inbox: DurableUpdateQueue, proxy: str | None = None) -> None:
        super().__init__(connection_pool_size=1, proxy=proxy)
        self._inbox = inbox

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        await self._inbox.flush()
        code, payload = await super().do_request(
            url, method, request_data, read_timeout, write_timeout, connect_timeout, pool_timeout
        )
        if code == 200:
            self._inbox.keep_raw(payload)
        return code, payload

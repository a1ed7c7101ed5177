"""The durable update queue: stored before queued, skipped if received twice, replayed at start."""

from __future__ import annotations

import json
from pathlib import Path

from telegram import Bot, Update

from bot.channels.telegram.inbox import DurableUpdateQueue, UpdatesRequest
from bot.storage import Storage
from tests.fake_bot_api import FakeBotApi

TOKEN = "123456789:AAAbbbCCCdddEEEfffGGGhhhIIIjjjKKKlll"
BOT = Bot(TOKEN)
USER = {"id": 5, "is_bot": False, "first_name": "Иван"}


def message_data(update_id: int, text: str) -> dict[str, object]:
    chat = {"id": 5, "type": "private"}
    body = {"message_id": update_id, "date": 0, "chat": chat, "from": USER, "text": text}
    return {"update_id": update_id, "message": body}


def message(update_id: int, text: str) -> Update:
    return Update.de_json(message_data(update_id, text), BOT)


def inline(update_id: int) -> Update:
    query = {"id": "q1", "from": USER, "query": "рейтинг", "offset": ""}
    return Update.de_json({"update_id": update_id, "inline_query": query}, BOT)


async def test_updates_not_handled_before_a_crash_are_replayed_once(tmp_path: Path) -> None:
    async with Storage(tmp_path / "bot.sqlite3") as storage:
        before = DurableUpdateQueue()
        before.attach(storage)
        for update in (message(1, "брак"), inline(2), message(3, "паспорт")):
            await before.put(update)
        assert before.qsize() == 0  # nothing is handled before it is stored
        await before.flush()
        assert before.qsize() == 3
        await before.put(message(1, "брак"))  # Telegram delivers update 1 again
        await before.flush()
        assert before.qsize() == 3
        before.done(message(1, "брак"))
        await before.close()
        # The process dies here; a new one starts over the same database.
        after = DurableUpdateQueue()
        after.attach(storage)
        assert await after.replay(BOT) == 1
        (replayed,) = [after.get_nowait() for _ in range(after.qsize())]
        # Update 3 comes back; the inline query does not (Telegram refuses a late answer).
        assert isinstance(replayed, Update) and replayed.message is not None
        assert replayed.update_id == 3 and replayed.message.text == "паспорт"
        await after.put(message(3, "паспорт"))  # Telegram redelivers it after the restart
        await after.flush()
        assert after.qsize() == 0


async def test_the_json_telegram_sent_is_what_is_stored(tmp_path: Path) -> None:
    async with Storage(tmp_path / "bot.sqlite3") as storage:
        inbox = DurableUpdateQueue()
        inbox.attach(storage)
        sent = message_data(7, "загс")
        inbox.keep_raw(json.dumps({"ok": True, "result": [sent]}).encode())
        await inbox.put(message(7, "загс"))
        await inbox.flush()
        assert await storage.inbox.pending() == [(7, json.dumps(sent, ensure_ascii=False))]


async def test_each_get_updates_call_stores_the_batch_before_it(
    api: FakeBotApi, tmp_path: Path
) -> None:
    """The next getUpdates tells Telegram the last batch arrived: it must be stored first."""
    async with Storage(tmp_path / "bot.sqlite3") as storage:
        inbox = DurableUpdateQueue()
        inbox.attach(storage)
        await api.push_text(FakeBotApi.user(5), "загс")
        url = f"{api.url}{TOKEN}/getUpdates"
        async with UpdatesRequest(inbox) as request:
            status, payload = await request.do_request(url, "POST")
            (sent,) = json.loads(payload)["result"]
            await inbox.put(Update.de_json(sent, BOT))  # what PTB's Updater does with it
            assert status == 200 and await storage.inbox.pending() == []
            await request.do_request(url, "POST")
        stored = json.dumps(sent, ensure_ascii=False)  # the JSON as it came
        assert await storage.inbox.pending() == [(sent["update_id"], stored)]
        assert inbox.qsize() == 1

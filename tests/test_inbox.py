"""The durable update queue: stored before queued, skipped if received twice, replayed at start."""

from __future__ import annotations

from pathlib import Path

from telegram import Bot, Update

from bot.inbox import DurableUpdateQueue
from bot.storage import Storage

BOT = Bot("123456789:AAAbbbCCCdddEEEfffGGGhhhIIIjjjKKKlll")
USER = {"id": 5, "is_bot": False, "first_name": "Иван"}


def message(update_id: int, text: str) -> Update:
    chat = {"id": 5, "type": "private"}
    body = {"message_id": update_id, "date": 0, "chat": chat, "from": USER, "text": text}
    return Update.de_json({"update_id": update_id, "message": body}, BOT)


def inline(update_id: int) -> Update:
    query = {"id": "q1", "from": USER, "query": "рейтинг", "offset": ""}
    return Update.de_json({"update_id": update_id, "inline_query": query}, BOT)


async def test_updates_not_handled_before_a_crash_are_replayed_once(tmp_path: Path) -> None:
    async with Storage(tmp_path / "bot.sqlite3") as storage:
        before = DurableUpdateQueue()
        before.attach(storage)
        for update in (message(1, "брак"), inline(2), message(3, "паспорт"), message(1, "брак")):
            await before.put(update)
        assert before.qsize() == 3  # the second delivery of update 1 was skipped
        await before.done(message(1, "брак"))
        # The process dies here; a new one starts over the same database.
        after = DurableUpdateQueue()
        after.attach(storage)
        assert await after.replay(BOT) == 2
        replayed = [after.get_nowait() for _ in range(after.qsize())]
        # Update 3 comes back; the inline query does not (Telegram refuses a late answer).
        assert [u.update_id for u in replayed if isinstance(u, Update)] == [3]
        assert replayed[0].message is not None and replayed[0].message.text == "паспорт"
        assert [update_id for update_id, _ in await storage.pending_updates()] == [3]
        await after.put(message(3, "паспорт"))  # Telegram redelivers it after the restart
        assert after.qsize() == 0

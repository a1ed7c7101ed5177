"""Administrators with MAX in the picture: a broadcast from MAX reaches the subscribers of both
messengers once each, a MAX user who blocked the bot is unsubscribed, /stats counts per
messenger."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.peer import MAX, Peer
from bot.storage import Storage
from tests.fake_bot_api import FakeBotApi
from tests.fake_max_api import FakeMaxApi

from .conftest import ADMIN, MAX_ADMIN_ID
from .test_broadcast import confirm_last, received, subscribe_many
from .test_max import Bots, buttons, text, within_limits

TEXT = "Плановые работы на портале Госуслуг в субботу"


async def subscribe_on_max(database: Path, max_api: FakeMaxApi, ids: list[int]) -> None:
    """MAX users who opened the bot some time ago and subscribed."""
    async with Storage(database) as storage:
        for user_id in ids:
            max_api.user(user_id, "ru")
            await storage.users.set_subscribed(Peer(MAX, user_id), True)


def received_on_max(max_api: FakeMaxApi, html: str) -> dict[int, int]:
    counts: dict[int, int] = {}
    for call in max_api.sent():
        if call.body.get("text") == html and call.chat_id is not None:
            counts[call.chat_id] = counts.get(call.chat_id, 0) + 1
    return counts


async def test_a_broadcast_from_max_reaches_both_messengers_once_each(
    both: Bots, tmp_path: Path
) -> None:
    api, max_api = both
    database = tmp_path / "bot.sqlite3"
    on_telegram = await subscribe_many(database, api, 5)
    on_max = [5001, 5002, 5003, 5004]
    await subscribe_on_max(database, max_api, on_max)
    max_api.block(5004)
    admin = max_api.user(MAX_ADMIN_ID, "ru")
    chat = max_api.dialog(MAX_ADMIN_ID)

    await max_api.push_text(admin, f"/broadcast {TEXT}")
    preview, confirmation = await max_api.wait_sent(chat, 2)
    assert text(preview) == TEXT
    assert "9" in text(confirmation)  # the subscribers of both messengers
    go = next(b for label, b in buttons(max_api, confirmation).items() if label.startswith("✅"))
    await max_api.push_callback(admin, FakeMaxApi.mid(confirmation), go["payload"])
    await max_api.wait_for(
        lambda _: any("завершена" in text(c) for c in max_api.edits()), timeout=20
    )

    assert received(api, TEXT) == dict.fromkeys(on_telegram, 1)
    got = received_on_max(max_api, TEXT)
    assert got.pop(chat) == 1  # the administrator's preview
    assert got == {max_api.dialog(u): 1 for u in on_max[:3]}
    with sqlite3.connect(database) as db:
        assert db.execute(
            "SELECT channel, user_id, status FROM deliveries ORDER BY channel, user_id"
        ).fetchall() == [
            *(("max", u, "sent") for u in on_max[:3]),
            ("max", 5004, "blocked"),
            *(("telegram", u, "sent") for u in on_telegram),
        ]
        assert db.execute(
            "SELECT subscribed FROM users WHERE channel = 'max' AND id = 5004"
        ).fetchone() == (0,)
    # Blocked is MAX's refusal, not a limit broken: only that one call was refused.
    assert [c.error and c.error["code"] for c in max_api.refused] == ["chat.denied"]
    assert max_api.violations == [] and api.refused == []
    # The progress message kept its place: edits, not new messages.
    assert len(max_api.sent(chat)) == 3


async def test_a_broadcast_from_telegram_reaches_max_and_stats_count_per_messenger(
    both: Bots, tmp_path: Path
) -> None:
    api, max_api = both
    database = tmp_path / "bot.sqlite3"
    await subscribe_on_max(database, max_api, [5001, 5002])
    # Telegram gives an admin's text as HTML with &#x27; for ', which MAX refuses.
    news = "Портал don't work в субботу & воскресенье"
    await api.push_text(ADMIN, f"/broadcast {news}")
    await api.wait_sent(ADMIN["id"], 2)
    await confirm_last(api)
    as_sent = "Портал don't work в субботу &amp; воскресенье"
    await max_api.wait_for(lambda _: len(received_on_max(max_api, as_sent)) == 2, timeout=20)

    resident = max_api.user(301, "ru")
    await max_api.push_text(resident, "загс")
    await max_api.wait_sent(max_api.dialog(301))
    await api.push_text(FakeBotApi.user(101, "ru"), "загс")
    await api.wait_sent(101)
    admin = max_api.user(MAX_ADMIN_ID, "ru")
    await max_api.push_text(admin, "/stats")
    (stats,) = await max_api.wait_sent(max_api.dialog(MAX_ADMIN_ID))
    assert "Telegram: пользователей 2, подписчиков 0, вопросов 1" in text(stats)
    # The administrator counts from their first message on: /stats itself is read before.
    assert "MAX: пользователей 3, подписчиков 2, вопросов 1" in text(stats)
    within_limits(max_api)


async def test_a_max_resident_is_not_an_administrator_with_a_telegram_admins_id(
    both: Bots,
) -> None:
    _, max_api = both
    impostor = max_api.user(ADMIN["id"], "ru")  # ADMIN_IDS are Telegram ids
    await max_api.push_text(impostor, "/stats")
    (reply,) = await max_api.wait_sent(max_api.dialog(ADMIN["id"]))
    assert "Такой команды нет" in text(reply)


async def test_unanswered_and_broadcast_status_for_a_max_administrator(both: Bots) -> None:
    _, max_api = both
    resident = max_api.user(301, "ru")
    for question in ("где оформить европротокол", "где оформить европротокол?"):
        await max_api.push_text(resident, question)
    await max_api.wait_sent(max_api.dialog(301), 2)
    admin = max_api.user(MAX_ADMIN_ID, "ru")
    chat = max_api.dialog(MAX_ADMIN_ID)
    await max_api.push_text(admin, "/unanswered")
    (listing,) = await max_api.wait_sent(chat)
    assert "европротокол" in text(listing) and "— 2 раза" in text(listing)
    first = max_api.keyboard(listing)[0][0]
    await max_api.push_callback(admin, FakeMaxApi.mid(listing), first["payload"])
    likely = (await max_api.wait_sent(chat, 2))[1]
    assert "📋 Все темы" in buttons(max_api, likely)
    await max_api.push_text(admin, "/broadcast_status")
    status = (await max_api.wait_sent(chat, 3))[2]
    assert "рассыл" in text(status).lower()
    within_limits(max_api)

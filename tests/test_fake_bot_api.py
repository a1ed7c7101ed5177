"""The fake Bot API refuses what Telegram refuses; otherwise the end-to-end tests prove little."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from tests.fake_bot_api import ApiError, FakeBotApi, parse_html

TOKEN = "123456789:AAAbbbCCCdddEEEfffGGGhhhIIIjjjKKKlll"


@pytest.mark.parametrize(
    "bad",
    [
        "<b>open",
        "a < b",
        "<div>x</div>",
        "<b><i>x</b></i>",
        "fish & chips",
        "&nbsp;",
        "x > y",
        "<a>x</a>",
    ],
)
def test_bad_html_is_refused(bad: str) -> None:
    with pytest.raises(ApiError, match="can't parse entities"):
        parse_html(bad)


def test_good_html_is_parsed_to_what_the_user_sees() -> None:
    assert (
        parse_html('<b>A</b> &amp; <a href="https://x.org/?a=1&amp;b=2">B</a> &lt;3 &#33;')
        == "A & B <3 !"
    )


async def call(api: FakeBotApi, method: str, **params: Any) -> tuple[int, dict[str, Any]]:
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{api.url}{TOKEN}/{method}", json=params) as response,
    ):
        return response.status, await response.json()


async def test_limits_and_failures_are_enforced(api: FakeBotApi) -> None:
    user = api.user(1)
    await api.push_text(user, "hi")  # the chat exists from now on
    status, body = await call(api, "sendMessage", chat_id=1, text="x" * 4097)
    assert (status, body["description"]) == (400, "Bad Request: message is too long")
    bold = "<b>" + "x" * 4096 + "</b>"
    status, _ = await call(api, "sendMessage", chat_id=1, text=bold, parse_mode="HTML")
    assert status == 200  # tags do not count towards the limit
    keyboard = {"inline_keyboard": [[{"text": "t", "callback_data": "x" * 65}]]}
    status, body = await call(api, "sendMessage", chat_id=1, text="t", reply_markup=keyboard)
    assert (status, body["description"]) == (400, "Bad Request: BUTTON_DATA_INVALID")
    status, body = await call(api, "sendMessage", chat_id=99, text="t")
    assert (status, body["description"]) == (400, "Bad Request: chat not found")
    api.blocked.add(1)
    status, body = await call(api, "sendMessage", chat_id=1, text="t")
    assert (status, body["description"]) == (403, "Forbidden: bot was blocked by the user")
    api.blocked.clear()
    api.flood_every, api.retry_after = 1, 3
    status, body = await call(api, "sendMessage", chat_id=1, text="t")
    assert (status, body["parameters"]) == (429, {"retry_after": 3})
    assert len(api.refused) == 5

"""The fake MAX API refuses what MAX refuses (docs/MAX_API.md); otherwise the end-to-end tests
of the MAX adapter prove little."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from tests.fake_max_api import BOT_ID, TOKEN, ApiError, FakeMaxApi, parse_html, utf16_len

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


class Clock:
    """The fake's clock for its one-second windows: real time plus what a test skipped, moving
    `step` seconds more on every reading (1.0 by default, so no window fills unless a test
    sets step to 0)."""

    def __init__(self) -> None:
        self.offset = 0.0
        self.step = 1.0

    def __call__(self) -> float:
        self.offset += self.step
        return time.monotonic() + self.offset

    def advance(self, seconds: float = 1.0) -> None:
        self.offset += seconds


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def fake(clock: Clock) -> AsyncIterator[FakeMaxApi]:
    server = FakeMaxApi(clock=clock)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as s:
        yield s


class Client:
    def __init__(self, fake: FakeMaxApi, session: aiohttp.ClientSession) -> None:
        self.fake, self.session = fake, session

    async def __call__(
        self,
        method: str,
        path: str,
        params: dict[str, Any] | None = None,
        json: Any = None,
        token: str | None = TOKEN,
    ) -> tuple[int, Any]:
        headers = {} if token is None else {"Authorization": token}
        async with self.session.request(
            method, f"{self.fake.url}{path}", params=params, json=json, headers=headers
        ) as response:
            return response.status, await response.json()

    async def send(self, chat_id: int, **body: Any) -> tuple[int, Any]:
        return await self("POST", "/messages", {"chat_id": str(chat_id)}, body)


@pytest.fixture
def api(fake: FakeMaxApi, session: aiohttp.ClientSession) -> Client:
    return Client(fake, session)


def keyboard(*rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "inline_keyboard", "payload": {"buttons": list(rows)}}


def cb(payload: str = "p", text: str = "Кнопка") -> dict[str, Any]:
    return {"type": "callback", "text": text, "payload": payload}


def link(url: str = "https://gosuslugi.ru") -> dict[str, Any]:
    return {"type": "link", "text": "Ссылка", "url": url}


# -- the token ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("headers", "params"),
    [
        ({}, {}),
        ({"Authorization": "wrong"}, {}),
        ({"Authorization": f"Bearer {TOKEN}"}, {}),
        ({}, {"access_token": TOKEN}),
        ({"Authorization": TOKEN}, {"access_token": TOKEN}),
    ],
)
async def test_the_token_goes_in_the_authorization_header_as_it_is(
    fake: FakeMaxApi,
    session: aiohttp.ClientSession,
    headers: dict[str, str],
    params: dict[str, str],
) -> None:
    async with session.get(f"{fake.url}/me", headers=headers, params=params) as response:
        assert response.status == 401
        assert await response.json() == {"code": "verify.token", "message": "Invalid access_token"}
    assert [c.method for c in fake.refused] == ["GET /me"]


async def test_me_is_the_bot(api: Client) -> None:
    status, me = await api("GET", "/me")
    assert status == 200
    assert me["user_id"] == BOT_ID
    assert me["username"] == "smol_eservices_bot"
    assert me["is_bot"] is True
    assert isinstance(me["last_activity_time"], int)


# -- text and HTML -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "bad",
    [
        "<b>open",
        "a < b",
        "<div>x</div>",
        "<br>",
        "<b><i>x</b></i>",
        "fish & chips",
        "&nbsp;",
        "it&#x27;s",
        "x > y",
        "<a>x</a>",
        '<a href="javascript:alert(1)">x</a>',
        '<b class="x">x</b>',
        "<blockquote>x</blockquote>",
    ],
)
def test_bad_html_is_refused(bad: str) -> None:
    with pytest.raises(ApiError, match=r"errors\.parse\.html"):
        parse_html(bad)


def test_good_html_is_what_the_user_sees_with_its_markup() -> None:
    text, markup = parse_html(
        '😀<b>A</b> &amp; <a href="https://x.org/?a=1&amp;b=2">B</a> &lt;3 <h1>H</h1>'
    )
    assert text == "😀A & B <3 H"
    assert markup == [
        {"type": "strong", "from": 2, "length": 1},
        {"type": "link", "from": 6, "length": 1, "url": "https://x.org/?a=1&b=2"},
        {"type": "heading", "from": 11, "length": 1},
    ]


async def test_text_is_at_most_4000_utf16_units_tags_included(
    fake: FakeMaxApi, api: Client
) -> None:
    chat = fake.dialog(fake.user(1)["user_id"])
    emoji = "😀" * 2000  # two UTF-16 units each
    assert utf16_len(emoji) == 4000
    assert (await api.send(chat, text=emoji))[0] == 200
    status, body = await api.send(chat, text=emoji + "x")
    assert (status, body["code"]) == (400, "proto.payload")
    bold = "<b>" + "x" * 3993 + "</b>"
    assert (await api.send(chat, text=bold, format="html"))[0] == 200
    assert (await api.send(chat, text="<b>" + "x" * 3994 + "</b>", format="html"))[0] == 400


async def test_tags_need_format_html(fake: FakeMaxApi, api: Client) -> None:
    chat = fake.dialog(fake.user(1)["user_id"])
    assert (await api.send(chat, text="<b>x</b>"))[0] == 400
    assert (await api.send(chat, text="<b>x</b>", format="markdown"))[0] == 400
    assert (await api.send(chat, text="<b>x", format="html"))[0] == 400
    assert (await api.send(chat, text="x", format="bbcode"))[0] == 400
    assert (await api.send(chat, text=""))[0] == 400
    assert (await api.send(chat, text="1 < 2 & 3 > 2"))[0] == 200  # plain text is as it is
    status, body = await api.send(chat, text="<b>Да</b>", format="html")
    assert status == 200
    assert body["message"]["body"]["text"] == "Да"
    assert fake.texts(chat) == ["1 < 2 & 3 > 2", "Да"]
    assert fake.texts(chat, html=True)[-1] == "<b>Да</b>"


# -- keyboards -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "attachment",
    [
        keyboard(*[[cb()]] * 31),
        keyboard([cb()] * 8),
        keyboard([link(), link(), link(), link()]),
        keyboard([cb("x" * 1025)]),
        keyboard([cb("")]),
        keyboard([cb(text="")]),
        keyboard([cb(text="x" * 129)]),
        keyboard([link("ftp://x.org")]),
        keyboard([{"type": "teleport", "text": "x"}]),
        keyboard([]),
        keyboard(),
        {"type": "sticker", "payload": {"code": "x"}},
        {"type": "image", "payload": {"token": "made-up"}},
    ],
)
async def test_bad_attachments_are_refused(
    fake: FakeMaxApi, api: Client, attachment: dict[str, Any]
) -> None:
    chat = fake.dialog(fake.user(1)["user_id"])
    status, body = await api.send(chat, text="t", attachments=[attachment])
    assert (status, body["code"]) == (400, "proto.payload")


async def test_keyboards_at_the_limits_pass(fake: FakeMaxApi, api: Client) -> None:
    chat = fake.dialog(fake.user(1)["user_id"])
    rows = [[cb("x" * 1024, "y" * 128)] * 7] * 29 + [[link(), link(), link(), cb()]]
    status, _ = await api.send(chat, text="t", attachments=[keyboard(*rows)])
    assert status == 200
    assert fake.keyboard(fake.sent(chat)[0]) == rows
    assert fake.keyboard(fake.mid(fake.sent(chat)[0])) == rows
    two = [keyboard([cb()]), keyboard([cb()])]
    assert (await api.send(chat, text="t", attachments=two))[0] == 400


# -- chats ---------------------------------------------------------------------------------------
async def test_chats_users_and_blocking(fake: FakeMaxApi, api: Client) -> None:
    user = fake.user(42)
    chat = fake.dialog(42)
    assert chat != 42
    status, body = await api("POST", "/messages", {"user_id": "42"}, {"text": "привет"})
    assert status == 200
    assert body["message"]["recipient"] == {"chat_id": chat, "chat_type": "dialog", "user_id": 42}
    assert body["message"]["sender"]["user_id"] == BOT_ID
    assert body["message"]["body"]["mid"].startswith("mid.")
    assert [c.chat_id for c in fake.sent(chat)] == [chat]
    both = {"user_id": "42", "chat_id": str(chat)}
    assert (await api("POST", "/messages", both, {"text": "x"}))[0] == 400
    assert (await api("POST", "/messages", {}, {"text": "x"}))[0] == 400
    status, body = await api.send(42, text="x")  # the user's id is not the dialog's
    assert (status, body["code"]) == (404, "chat.not.found")
    fake.block(user["user_id"])
    for params in ({"user_id": "42"}, {"chat_id": str(chat)}):
        status, body = await api("POST", "/messages", params, {"text": "x"})
        assert (status, body) == (
            403,
            {"code": "chat.denied", "message": "chat.denied: dialog is suspended"},
        )
    fake.add_group(-100, "Группа")
    status, body = await api.send(-100, text="всем")
    assert body["message"]["recipient"] == {"chat_id": -100, "chat_type": "chat"}
    assert fake.violations == []


async def test_a_third_message_to_a_chat_within_a_second_is_429(
    fake: FakeMaxApi, api: Client, clock: Clock
) -> None:
    clock.step = 0
    chat, other = fake.dialog(fake.user(1)["user_id"]), fake.dialog(fake.user(2)["user_id"])
    assert (await api.send(chat, text="1"))[0] == 200
    assert (await api.send(chat, text="2"))[0] == 200
    status, body = await api.send(chat, text="3")
    assert (status, body["code"]) == (429, "too.many.requests")
    assert (await api.send(other, text="1"))[0] == 200
    assert fake.violations == [f"a third message to chat {chat} within a second"]
    clock.advance(1.0)
    assert (await api.send(chat, text="3"))[0] == 200


async def test_more_than_30_requests_a_second_is_429(
    fake: FakeMaxApi, api: Client, clock: Clock
) -> None:
    clock.step = 0
    statuses = [(await api("GET", "/me"))[0] for _ in range(31)]
    assert statuses == [200] * 30 + [429]
    assert fake.violations == ["more than 30 requests in a second"]
    clock.advance(1.0)
    assert (await api("GET", "/me"))[0] == 200


async def test_faults_on_demand(fake: FakeMaxApi, api: Client) -> None:
    chat = fake.dialog(fake.user(1)["user_id"])
    fake.fail_next("POST /messages", 502, count=2)
    fake.fail_next("POST /messages", 429, "too.many.requests", "Too many requests")
    statuses = [(await api.send(chat, text="x"))[0] for _ in range(4)]
    assert statuses == [502, 502, 429, 200]
    assert len(fake.refused) == 3
    assert fake.violations == []


# -- edits and callbacks -------------------------------------------------------------------------
async def test_an_edit_replaces_the_attachments(fake: FakeMaxApi, api: Client) -> None:
    chat = fake.dialog(fake.user(1)["user_id"])
    await api.send(chat, text="вопрос", attachments=[keyboard([cb("yes")])])
    (call,) = await fake.wait_sent(chat)
    mid = fake.mid(call)
    edit = {"text": "вопрос", "attachments": [keyboard([cb("no")])]}
    assert await api("PUT", "/messages", {"message_id": mid}, edit) == (200, {"success": True})
    assert fake.keyboard(mid) == [[cb("no")]]
    assert fake.keyboards_lost == []
    assert (await api("PUT", "/messages", {"message_id": mid}, {"text": "<i>ok</i>"}))[0] == 400
    status, _ = await api("PUT", "/messages", {"message_id": mid}, {"text": "ок"})
    assert status == 200
    assert fake.message(mid)["body"]["text"] == "ок"
    assert fake.keyboard(mid) == []
    assert fake.keyboards_lost == [mid]
    assert [c.query["message_id"] for c in fake.edits()] == [mid, mid]
    status, body = await api("PUT", "/messages", {"message_id": "mid.nope"}, {"text": "x"})
    assert (status, body["code"]) == (404, "not.found")
    update = await fake.push_text(fake.users[1], "моё")
    status, body = await api("PUT", "/messages", {"message_id": fake.mid(update)}, {"text": "x"})
    assert (status, body["code"]) == (403, "access.denied")


async def test_a_callback_is_answered_once(fake: FakeMaxApi, api: Client) -> None:
    user = fake.user(1)
    status, body = await api.send(fake.dialog(1), text="?", attachments=[keyboard([cb("yes")])])
    mid = body["message"]["body"]["mid"]
    with pytest.raises(AssertionError, match="no callback button"):
        await fake.push_callback(user, mid, "no")
    update = await fake.push_callback(user, mid, "yes")
    assert update["message"]["body"]["mid"] == mid
    assert update["user_locale"] == "ru"
    callback_id = update["callback"]["callback_id"]
    params = {"callback_id": callback_id}
    status, body = await api("POST", "/answers", params, {"notification": "x" * 201})
    assert status == 400
    assert await api("POST", "/answers", params, {"notification": "Готово"}) == (
        200,
        {"success": True},
    )
    status, body = await api("POST", "/answers", params, {})
    assert (status, body["message"]) == (400, "callback already answered")
    assert (await api("POST", "/answers", {"callback_id": "cb.nope"}, {}))[0] == 404
    assert fake.answers == [{"callback_id": callback_id, "notification": "Готово", "message": None}]


# -- uploads -------------------------------------------------------------------------------------
async def upload(
    api: Client, kind: str, headers: dict[str, str] | None = None, content: bytes = PNG
) -> tuple[int, Any]:
    _, body = await api("POST", "/uploads", {"type": kind})
    form = aiohttp.FormData()
    form.add_field("data", content, filename="chart.png", content_type="image/png")
    async with api.session.post(body["url"], data=form, headers=headers or {}) as response:
        return response.status, await response.json()


async def test_the_upload_host_must_not_see_the_token(fake: FakeMaxApi, api: Client) -> None:
    status, _ = await upload(api, "image", {"Authorization": TOKEN})
    assert status == 401
    assert fake.violations == ["upload host saw the bot token"]
    assert (await upload(api, "file", content=PNG + TOKEN.encode()))[0] == 401
    assert fake.uploads == []


async def test_an_upload_is_not_ready_once(fake: FakeMaxApi, api: Client) -> None:
    chat = fake.dialog(fake.user(1)["user_id"])
    assert (await api("POST", "/uploads", {"type": "video"}))[0] == 400
    status, body = await upload(api, "image")
    assert status == 200
    (token,) = [p["token"] for p in body["photos"].values()]
    image = {"type": "image", "payload": {"token": token}}
    status, body = await api.send(chat, attachments=[image])
    assert (status, body) == (
        400,
        {
            "code": "attachment.not.ready",
            "message": "Key: errors.process.attachment.file.not.processed",
        },
    )
    status, body = await api.send(chat, attachments=[image])
    assert status == 200
    assert body["message"]["body"]["attachments"][0]["payload"]["token"] == token
    status, body = await upload(api, "file", content=b"%PDF")
    file = {"type": "file", "payload": {"token": body["token"]}}
    assert (await api.send(chat, text="отчёт", attachments=[file]))[1]["code"] == (
        "attachment.not.ready"
    )
    assert (await api.send(chat, text="отчёт", attachments=[file]))[0] == 200
    assert [(u.kind, u.filename, u.size) for u in fake.uploads] == [
        ("image", "chart.png", len(PNG)),
        ("file", "chart.png", 4),
    ]
    assert (await upload(api, "image", content=b"GIF89a"))[0] == 400
    assert fake.violations == []


async def test_an_upload_url_works_once(api: Client) -> None:
    _, body = await api("POST", "/uploads", {"type": "file"})
    statuses = []
    for _ in range(2):
        form = aiohttp.FormData()
        form.add_field("data", b"x", filename="a.txt")
        async with api.session.post(body["url"], data=form) as response:
            statuses.append(response.status)
    assert statuses == [200, 404]


# -- updates -------------------------------------------------------------------------------------
async def test_the_marker_acknowledges(fake: FakeMaxApi, api: Client) -> None:
    user = fake.user(7, locale="en-US")
    started = await fake.push_started(user, payload="ref")
    assert started["chat_id"] == fake.dialog(7)
    first = await fake.push_text(user, "один")
    await fake.push_text(user, "два", reply_to_mid=fake.mid(first))
    status, body = await api("GET", "/updates", {"marker": "0", "timeout": "0"})
    assert status == 200
    assert [u["update_type"] for u in body["updates"]] == ["bot_started"] + ["message_created"] * 2
    assert body["updates"][2]["message"]["link"]["message"]["mid"] == fake.mid(first)
    assert body["updates"][2]["user_locale"] == "en-US"
    marker = body["marker"]
    status, again = await api("GET", "/updates", {"marker": str(marker), "timeout": "0"})
    assert again == {"updates": [], "marker": marker}
    assert fake.pending() == []


async def test_without_a_marker_only_the_newest_comes(fake: FakeMaxApi, api: Client) -> None:
    user = fake.user(7)
    for text in ("1", "2", "3"):
        await fake.push_text(user, text)
    _, body = await api("GET", "/updates", {"timeout": "0"})
    assert [u["message"]["body"]["text"] for u in body["updates"]] == ["3"]
    _, body = await api("GET", "/updates", {"marker": str(body["marker"]), "timeout": "0"})
    assert body["updates"] == []  # "1" and "2" are gone


async def test_limits_types_and_rate_of_updates(
    fake: FakeMaxApi, api: Client, clock: Clock
) -> None:
    for params in ({"limit": "0"}, {"limit": "1001"}, {"timeout": "91"}, {"types": "nonsense"}):
        assert (await api("GET", "/updates", params))[0] == 400
    user = fake.user(7)
    for i in range(150):
        await fake.push_text(user, str(i))
    await fake.push_started(user)
    _, body = await api("GET", "/updates", {"marker": "0", "limit": "1000", "timeout": "0"})
    assert len(body["updates"]) == 100
    params = {"marker": "0", "types": "bot_started", "timeout": "0"}
    _, body = await api("GET", "/updates", params)
    assert [u["update_type"] for u in body["updates"]] == ["bot_started"]
    clock.step = 0
    clock.advance(1.0)
    statuses = [(await api("GET", "/updates", {"timeout": "0"}))[0] for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert fake.violations == ["more than 2 GET /updates in a second"]


async def test_a_long_poll_returns_when_an_update_comes(fake: FakeMaxApi, api: Client) -> None:
    user = fake.user(7)
    poll = asyncio.create_task(api("GET", "/updates", {"marker": "0", "timeout": "30"}))
    await fake.wait_polling()
    assert fake.polls == fake.marker_polls == 1
    await fake.push_text(user, "здесь")
    _, body = await asyncio.wait_for(poll, 2)
    assert [u["message"]["body"]["text"] for u in body["updates"]] == ["здесь"]
    await api("GET", "/updates", {"marker": str(body["marker"]), "timeout": "0"})
    # Without a marker and nothing pending, a poll waits and takes what comes while it waits.
    poll = asyncio.create_task(api("GET", "/updates", {"timeout": "30"}))
    await fake.wait_polling()
    await fake.push_text(user, "a")
    _, body = await asyncio.wait_for(poll, 2)
    assert [u["message"]["body"]["text"] for u in body["updates"]] == ["a"]
    poll = asyncio.create_task(api("GET", "/updates", {"marker": "999", "timeout": "30"}))
    await fake.wait_polling()
    await fake.end_long_polls()
    assert (await asyncio.wait_for(poll, 2))[1]["updates"] == []


async def test_acknowledged_updates_can_come_again(fake: FakeMaxApi, api: Client) -> None:
    user = fake.user(7)
    await fake.push_text(user, "1")
    _, body = await api("GET", "/updates", {"marker": "0", "timeout": "0"})
    marker = body["marker"]
    await fake.push_text(user, "2")
    assert fake.redeliver_from(0) == 2
    _, body = await api("GET", "/updates", {"marker": str(marker), "timeout": "0"})
    assert [u["message"]["body"]["text"] for u in body["updates"]] == ["1", "2"]
    _, body = await api("GET", "/updates", {"marker": str(body["marker"]), "timeout": "0"})
    assert body["updates"] == []


# -- commands ------------------------------------------------------------------------------------
async def test_commands(fake: FakeMaxApi, api: Client) -> None:
    commands = [{"name": "rank", "description": "Рейтинг"}]
    status, body = await api("PATCH", "/me", json={"commands": commands})
    assert status == 400
    status, body = await api("PATCH", "/me/commands", json={"commands": commands})
    assert (status, body["commands"]) == (200, commands)
    assert fake.commands == commands
    too_many = [{"name": f"c{i}", "description": "d"} for i in range(33)]
    for bad in (too_many, [{"name": "Rank", "description": "d"}], [{"name": "r"}]):
        assert (await api("PATCH", "/me/commands", json={"commands": bad}))[0] == 400
    assert (await api("GET", "/me"))[1]["commands"] == commands


# -- webhooks ------------------------------------------------------------------------------------
async def test_a_subscription_gets_the_updates(fake: FakeMaxApi, api: Client) -> None:
    got: list[tuple[str | None, dict[str, Any]]] = []

    async def hook(request: web.Request) -> web.Response:
        got.append((request.headers.get("X-Max-Bot-Api-Secret"), await request.json()))
        return web.json_response({})

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    url = f"http://127.0.0.1:{port}/hook"
    try:
        assert (await api("POST", "/subscriptions", json={"url": url, "secret": "s"}))[0] == 400
        body = {"url": url, "secret": "s3cret-1", "update_types": ["message_created"]}
        assert await api("POST", "/subscriptions", json=body) == (200, {"success": True})
        _, subs = await api("GET", "/subscriptions")
        assert [s["url"] for s in subs["subscriptions"]] == [url]
        user = fake.user(7)
        await fake.push_started(user)  # not among the update types
        await fake.push_text(user, "вебхук")
        assert [(secret, u["update_type"]) for secret, u in got] == [
            ("s3cret-1", "message_created")
        ]
        assert fake.webhook_deliveries[0][1] == 200
        _, body = await api("GET", "/updates", {"timeout": "0"})
        assert body["updates"] == []
        assert fake.violations == ["GET /updates while a webhook subscription is active"]
        assert (await api("DELETE", "/subscriptions", {"url": url}))[0] == 200
        assert (await api("DELETE", "/subscriptions", {"url": url}))[0] == 404
    finally:
        await runner.cleanup()


async def test_a_failed_webhook_delivery_can_be_retried(fake: FakeMaxApi, api: Client) -> None:
    strict = FakeMaxApi(allow_http_webhooks=False)
    await strict.start()
    try:
        status, _ = await Client(strict, api.session)(
            "POST", "/subscriptions", json={"url": "http://127.0.0.1:1/hook"}
        )
        assert status == 400
    finally:
        await strict.stop()
    await api("POST", "/subscriptions", json={"url": "http://127.0.0.1:1/hook"})
    await fake.push_text(fake.user(7), "никто не слушает")
    assert [status for _, status in fake.webhook_deliveries] == [0]
    assert len(fake.undelivered) == 1
    assert await fake.deliver_webhook() == [0]
    assert len(fake.undelivered) == 1


# -- what the pushes look like -------------------------------------------------------------------
async def test_pushed_updates_have_maxs_shapes(fake: FakeMaxApi, api: Client) -> None:
    user = fake.user(7, first_name="Анна")
    fake.add_group(-200, "Совет")
    group = await fake.push_group_text(-200, user, "всем привет")
    assert group["message"]["recipient"] == {"chat_id": -200, "chat_type": "chat"}
    photo = await fake.push_attachment(user)
    assert "text" not in photo["message"]["body"]
    assert photo["message"]["body"]["attachments"][0]["type"] == "image"
    text = await fake.push_text(user, "опечатка")
    edited = await fake.push_edit(user, fake.mid(text), "исправлено")
    assert edited["update_type"] == "message_edited"
    assert edited["message"]["body"]["text"] == "исправлено"
    assert edited["message"]["sender"]["first_name"] == "Анна"
    raw = await fake.push_raw({"update_type": "dialog_muted", "chat_id": fake.dialog(7)})
    assert isinstance(raw["timestamp"], int)
    _, body = await api("GET", "/updates", {"marker": "0", "timeout": "0"})
    assert [u["update_type"] for u in body["updates"]] == [
        "message_created",
        "message_created",
        "message_created",
        "message_edited",
        "dialog_muted",
    ]


async def test_an_answer_with_a_message_edits_it(fake: FakeMaxApi, api: Client) -> None:
    user = fake.user(1)
    text = "<b>Вопрос</b>"
    _, body = await api.send(
        fake.dialog(1), text=text, format="html", attachments=[keyboard([cb("a")])]
    )
    mid = body["message"]["body"]["mid"]
    assert body["message"]["body"]["markup"] == [{"type": "strong", "from": 0, "length": 6}]
    update = await fake.push_callback(user, mid, "a")
    answer = {"message": {"text": "Ответ принят", "attachments": []}}
    params = {"callback_id": update["callback"]["callback_id"]}
    assert (await api("POST", "/answers", params, answer))[0] == 200
    assert fake.message(mid)["body"]["text"] == "Ответ принят"
    assert fake.keyboards_lost == [mid]
    assert fake.history[mid][0]["body"]["text"] == "Вопрос"

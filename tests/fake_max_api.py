"""A strict fake of the MAX messenger's Bot API for end-to-end tests (docs/MAX_API.md).

Two aiohttp servers: the API host (what `MAX_API_BASE_URL` points at) and an upload host on
another port, as MAX hands out upload URLs on a host of its own.

Strict about, as MAX is or as docs/MAX_API.md says where MAX's documentation is silent:
- the token: exactly `Authorization: <token>` (no "Bearer"), never `access_token` in the query
  (401 verify.token); and it must never reach the upload host (401 there, and a violation);
- rates: a third message to one chat within a second, more than 30 requests a second, more than
  2 `GET /updates` a second: 429 too.many.requests, each also a violation, since a bot that
  paces itself never meets them;
- text: at most 4,000 UTF-16 units of the raw text (tags included); HTML only with
  `format: "html"`, only MAX's tags, well nested, `a` with an http(s)/max/tel/mailto `href`,
  only the entities &lt; &gt; &amp; &quot;, no bare `<`, `>` or `&`;
- keyboards: 30 rows, 7 buttons a row, 3 link-like buttons a row, button text 1..128
  characters, callback payload 1..1,024 characters, http(s) links, known button types, one
  keyboard a message;
- attachments: image/file tokens only from the upload host, each refused once with
  attachment.not.ready on its first use;
- updates: the marker acknowledges; without a marker only the newest pending update comes;
- callbacks are answered once, notifications at most 200 characters;
- a user who blocked the bot: 403 chat.denied, whether addressed by user_id or chat_id.

Choices where docs/MAX_API.md is silent are listed in FakeMaxApi's docstring.
"""

from __future__ import annotations

import asyncio
import contextlib
import email
import email.message
import html
import itertools
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

TOKEN = "max-test-token-0123456789abcdef"
BOT_ID = 8_000_001
BOT_USERNAME = "smol_eservices_bot"
# A user's dialog with the bot has chat_id = user_id + DIALOG_OFFSET: never the user's own id,
# so an adapter that confuses the two is caught.
DIALOG_OFFSET = 9_000_000_000
MAX_TEXT = 4000  # UTF-16 units of the raw text, tags included
MAX_ROWS, MAX_ROW_BUTTONS, MAX_ROW_LINKS = 30, 7, 3
MAX_BUTTON_TEXT, MAX_CALLBACK_PAYLOAD = 128, 1024
MAX_NOTIFICATION = 200
MAX_COMMANDS, MAX_COMMAND_DESCRIPTION = 32, 128
CHAT_PER_SECOND, REQUESTS_PER_SECOND, POLLS_PER_SECOND = 2, 30, 2
MAX_BATCH = 100
LINK_LIKE = {"link", "open_app", "request_geo_location", "request_contact"}
BUTTON_TYPES = LINK_LIKE | {"callback", "message", "chat", "clipboard"}
UPDATE_TYPES = {
    "message_created",
    "message_callback",
    "message_edited",
    "message_removed",
    "bot_started",
    "bot_stopped",
    "bot_added",
    "bot_removed",
    "user_added",
    "user_removed",
    "chat_title_changed",
    "message_chat_created",
    "dialog_cleared",
    "dialog_muted",
    "dialog_unmuted",
    "dialog_removed",
}
# Tag -> the markup style MAX reports for it in body.markup.
TAG_STYLES = {
    "b": "strong",
    "strong": "strong",
    "i": "emphasized",
    "em": "emphasized",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "del": "strikethrough",
    "a": "link",
    "pre": "monospaced",
    "code": "monospaced",
    "mark": "highlighted",
    "h1": "heading",
}
_TAG_RE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)((?:\s+[a-zA-Z-]+=(?:\"[^\"]*\"|'[^']*'))*)\s*>")
_ATTR_RE = re.compile(r"\s+([a-zA-Z-]+)=(?:\"([^\"]*)\"|'([^']*)')")
_ENTITY_RE = re.compile(r"&(lt|gt|amp|quot);")
_LOOKS_LIKE_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_HREF_RE = re.compile(r"^(https?://\S+|max://\S+|tel:\S+|mailto:\S+)$")
_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
_SECRET_RE = re.compile(r"^[A-Za-z0-9-]{5,256}$")
PNG, JPEG = b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff"


class ApiError(Exception):
    """An error answer: HTTP status and MAX's `{"code", "message"}`."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status, self.code, self.message = status, code, message


def bad(message: str) -> ApiError:
    return ApiError(400, "proto.payload", message)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def parse_html(text: str) -> tuple[str, list[dict[str, Any]]]:
    """(the plain text MAX shows, its body.markup) of `format: "html"` text, or ApiError.

    Markup offsets and lengths are in UTF-16 units of the plain text, as MAX gives them.
    """
    out: list[str] = []
    units = 0  # UTF-16 length of what is in `out`
    stack: list[tuple[str, int, str | None]] = []  # (tag, start, href)
    markup: list[dict[str, Any]] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "<":
            m = _TAG_RE.match(text, i)
            if m is None:
                raise bad(f"errors.parse.html: bare '<' at {i}")
            closing, name, attrs = m[1] == "/", m[2].lower(), m[3]
            if name not in TAG_STYLES:
                raise bad(f"errors.parse.html: unsupported tag <{name}>")
            if closing:
                if attrs or not stack or stack[-1][0] != name:
                    raise bad(f"errors.parse.html: unexpected </{name}>")
                _, start, href = stack.pop()
                if units > start:
                    element: dict[str, Any] = {
                        "type": TAG_STYLES[name],
                        "from": start,
                        "length": units - start,
                    }
                    if href is not None:
                        element["url"] = href
                    markup.append(element)
            else:
                found = {
                    a[1].lower(): a[2] if a[2] is not None else a[3]
                    for a in _ATTR_RE.finditer(attrs)
                }
                href = None
                if name == "a":
                    href = html.unescape(found.pop("href", ""))
                    if not _HREF_RE.match(href):
                        raise bad(
                            "errors.parse.html: <a> needs an http(s), max, tel or mailto href"
                        )
                if found:
                    raise bad(f"errors.parse.html: <{name}> with attributes {sorted(found)}")
                stack.append((name, units, href))
            i = m.end()
        elif ch == "&":
            m = _ENTITY_RE.match(text, i)
            if m is None:
                raise bad(f"errors.parse.html: bare '&' at {i}")
            out.append(html.unescape(m[0]))
            units += 1
            i = m.end()
        elif ch == ">":
            raise bad(f"errors.parse.html: bare '>' at {i}")
        else:
            out.append(ch)
            units += utf16_len(ch)
            i += 1
    if stack:
        raise bad(f"errors.parse.html: <{stack[-1][0]}> is not closed")
    markup.sort(key=lambda e: (e["from"], -e["length"]))
    return "".join(out), markup


def check_keyboard(payload: Any) -> None:
    """Refuse an inline keyboard MAX would refuse (docs/MAX_API.md, Sending)."""
    rows = payload.get("buttons") if isinstance(payload, dict) else None
    if not isinstance(rows, list) or not rows:
        raise bad("inline_keyboard: payload.buttons must be a non-empty array of rows")
    if len(rows) > MAX_ROWS:
        raise bad(f"inline_keyboard: more than {MAX_ROWS} rows")
    for row in rows:
        if not isinstance(row, list) or not row:
            raise bad("inline_keyboard: a row must be a non-empty array of buttons")
        if len(row) > MAX_ROW_BUTTONS:
            raise bad(f"inline_keyboard: more than {MAX_ROW_BUTTONS} buttons in a row")
        if (
            sum(1 for b in row if isinstance(b, dict) and b.get("type") in LINK_LIKE)
            > MAX_ROW_LINKS
        ):
            raise bad(f"inline_keyboard: more than {MAX_ROW_LINKS} link-like buttons in a row")
        for button in row:
            check_button(button)


def check_button(button: Any) -> None:
    if not isinstance(button, dict) or button.get("type") not in BUTTON_TYPES:
        kind = button.get("type") if isinstance(button, dict) else button
        raise bad(f"inline_keyboard: unknown button type {kind!r}")
    text = button.get("text")
    if not isinstance(text, str) or not 1 <= len(text) <= MAX_BUTTON_TEXT:
        raise bad(f"inline_keyboard: button text must be 1..{MAX_BUTTON_TEXT} characters")
    if button["type"] == "callback":
        data = button.get("payload")
        if not isinstance(data, str) or not 1 <= len(data) <= MAX_CALLBACK_PAYLOAD:
            raise bad(
                f"inline_keyboard: callback payload must be 1..{MAX_CALLBACK_PAYLOAD} characters"
            )
        if button.get("intent", "default") not in ("default", "positive", "negative"):
            raise bad("inline_keyboard: unknown intent")
    elif button["type"] == "link":
        url = button.get("url")
        if not isinstance(url, str) or not re.match(r"^https?://\S+$", url) or len(url) > 2048:
            raise bad("inline_keyboard: a link button needs an http(s) url")


def keyboard_rows(attachments: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    for attachment in attachments:
        if attachment.get("type") == "inline_keyboard":
            return list(attachment["payload"]["buttons"])
    return []


@dataclass
class Call:
    """One request to the API host, as answered."""

    method: str  # "POST /messages"
    query: dict[str, str]
    body: Any
    status: int = 200
    result: Any = None
    error: dict[str, str] | None = None  # {"code", "message"} of an error answer
    at: float = field(default_factory=time.monotonic)
    chat_id: int | None = None  # the chat a POST /messages went to, resolved

    @property
    def ok(self) -> bool:
        return self.status < 400


@dataclass
class Upload:
    """A file the upload host took."""

    kind: str  # "image" | "file"
    filename: str | None
    size: int
    content_type: str | None
    token: str


@dataclass
class Fault:
    status: int
    code: str
    message: str
    count: int


class FakeMaxApi:
    """The fake. Start it, point the adapter at `url`, push updates, check what was sent.

    Choices where docs/MAX_API.md is silent:
    - a dialog exists from `user(...)` on (as if the user had pressed Start once); its chat_id
      is user_id + DIALOG_OFFSET. Group chats come from `add_group`.
    - errors with a request body use code "proto.payload"; unknown mids and callback ids
      "not.found" (404); editing a message the bot did not send 403 "access.denied".
    - a message needs text or an image/file; text alone may be plain (format absent or
      "markdown"), but text that looks like HTML tags without format "html" is refused.
    - PUT /messages (and POST /answers with a "message") replaces the text and the
      attachments: "text" absent means no text (refused if nothing is left), "attachments"
      absent or null counts as [] (the keyboard goes; an image must be sent again). MAX may
      keep what is absent; an adapter that always sends both works either way.
    - edits (PUT /messages) count toward neither rate limit; refused requests and 401s do
      not count toward the per-chat one.
    - GET /updates while a webhook subscription is active: 200 with no updates at once, and a
      violation (the adapter must not poll and subscribe both).
    - a poll without a marker returns the newest update pending when it came; if none was
      pending, it waits and returns what arrives during its wait, as a poll with a marker does.
    - DELETE /subscriptions of an unknown url: 404 not.found. One subscription at a time: a
      new POST replaces it. http:// webhook URLs only with allow_http_webhooks (default True,
      so tests can use 127.0.0.1); real MAX takes only https on port 443.
    - uploads: only type image and file; an image must be PNG or JPEG; each URL works once.
    - commands: names /^[a-z0-9_]{1,32}$/, unique; descriptions 1..128 characters.
    - only the entities &lt; &gt; &amp; &quot; (html.escape(s, quote=False) is safe; &#x27; is
      refused); a bare '>' is refused as well as '<' and '&'.
    """

    def __init__(
        self,
        token: str = TOKEN,
        *,
        clock: Callable[[], float] = time.monotonic,
        allow_http_webhooks: bool = True,
    ) -> None:
        self.token = token
        self.clock = clock
        self.allow_http_webhooks = allow_http_webhooks
        self.calls: list[Call] = []  # all but GET /updates answered with no updates
        self.violations: list[str] = []
        self.uploads: list[Upload] = []
        self.answers: list[dict[str, Any]] = []  # {"callback_id", "notification", "message"}
        self.commands: list[dict[str, str]] | None = None
        self.bot_info: dict[str, Any] = {
            "user_id": BOT_ID,
            "first_name": "Smolensk e-services",
            "username": BOT_USERNAME,
            "is_bot": True,
            "last_activity_time": int(time.time() * 1000),
        }
        self.users: dict[int, dict[str, Any]] = {}
        self.locales: dict[int, str] = {}
        self.chats: dict[int, dict[str, Any]] = {}  # chat_id -> {chat_id, type, title?, user_id?}
        self.blocked: set[int] = set()  # user ids
        self.messages: dict[str, dict[str, Any]] = {}  # mid -> message, current state
        self.history: dict[str, list[dict[str, Any]]] = {}  # mid -> earlier states of the bot's
        self.keyboards_lost: list[str] = []  # mids whose keyboard an edit removed
        self.subscription: dict[str, Any] | None = None
        self.webhook_deliveries: list[tuple[dict[str, Any], int]] = []  # (update, status or 0)
        self.undelivered: list[dict[str, Any]] = []
        self.polls = 0  # GET /updates answered or waiting
        self.marker_polls = 0  # of them, with a marker
        self.poll_wait_cap = 90.0  # seconds a long poll waits at most, whatever `timeout` says
        self._log: list[tuple[int, dict[str, Any]]] = []  # (sequence, update), ever pushed
        self._acked = 0  # sequences up to this are acknowledged
        self._seq = itertools.count(1)
        self._redeliver: list[tuple[int, dict[str, Any]]] = []
        self._waiting_polls = 0
        self._poll_generation = 0
        self._stopping = False
        self._faults: dict[str, list[Fault]] = {}
        self._requests: list[float] = []  # arrival times, for the overall rate
        self._poll_times: list[float] = []
        self._chat_sends: dict[int, list[float]] = {}
        self._upload_slots: dict[str, str] = {}  # one-time upload id -> kind
        self._tokens: dict[str, str] = {}  # attachment token -> kind
        self._fresh_tokens: set[str] = set()  # not yet refused once with attachment.not.ready
        self._callbacks: dict[str, dict[str, Any]] = {}  # callback_id -> {"mid", "answered"}
        self._ids = itertools.count(1)
        self._changed = asyncio.Condition()
        self._runners: list[web.AppRunner] = []
        self._session: aiohttp.ClientSession | None = None
        self.url = ""
        self.upload_url = ""

    # -- running -------------------------------------------------------------------------------
    async def start(self) -> str:
        """Start both hosts on free local ports; return the API base URL."""
        api = web.Application(client_max_size=64 * 1024**2)
        api.router.add_route("*", "/{path:.*}", self._handle)
        uploads = web.Application(client_max_size=64 * 1024**2)
        uploads.router.add_route("*", "/{path:.*}", self._handle_upload)
        self.url = await self._serve(api)
        self.upload_url = await self._serve(uploads)
        return self.url

    async def _serve(self, app: web.Application) -> str:
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        self._runners.append(runner)
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        self._stopping = True
        await self.end_long_polls()
        for runner in self._runners:
            await runner.cleanup()
        self._runners.clear()
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def end_long_polls(self) -> None:
        """Answer every GET /updates waiting now with what there is, at once: a harness calls it
        before stopping the bot, so the stop does not wait out a long poll."""
        async with self._changed:
            self._poll_generation += 1
            self._changed.notify_all()

    # -- what tests look at --------------------------------------------------------------------
    @property
    def refused(self) -> list[Call]:
        return [c for c in self.calls if not c.ok]

    def sent(self, chat_id: int | None = None) -> list[Call]:
        """Successful POST /messages, optionally to one chat (a dialog's chat_id too)."""
        return [
            c
            for c in self.calls
            if c.method == "POST /messages" and c.ok and (chat_id is None or c.chat_id == chat_id)
        ]

    def edits(self, mid: str | None = None) -> list[Call]:
        """Successful PUT /messages, optionally of one message."""
        return [
            c
            for c in self.calls
            if c.method == "PUT /messages"
            and c.ok
            and (mid is None or c.query.get("message_id") == mid)
        ]

    def texts(self, chat_id: int | None = None, *, html: bool = False) -> list[str]:
        """The texts sent (to one chat): as the user sees them, or as the bot sent them."""
        out = []
        for c in self.sent(chat_id):
            if html:
                out.append(str(c.body.get("text") or ""))
            else:
                out.append(str(c.result["message"]["body"].get("text") or ""))
        return out

    def message(self, mid: str) -> dict[str, Any]:
        """A message as it is now, after edits."""
        return self.messages[mid]

    def keyboard(self, of: Call | dict[str, Any] | str) -> list[list[dict[str, Any]]]:
        """The inline keyboard rows of a sent call (as sent), a message dict, or a mid (now)."""
        if isinstance(of, str):
            return keyboard_rows(self.messages[of]["body"].get("attachments") or [])
        if isinstance(of, Call):
            return keyboard_rows((of.body or {}).get("attachments") or [])
        body = of.get("body", of)
        return keyboard_rows(body.get("attachments") or [])

    @staticmethod
    def mid(sent: Call | dict[str, Any]) -> str:
        """The mid of a sent call, a message, or a message_created update."""
        if isinstance(sent, Call):
            return str(sent.result["message"]["body"]["mid"])
        message = sent.get("message", sent)
        return str(message["body"]["mid"])

    async def wait_for(self, predicate: Callable[[list[Call]], bool], timeout: float = 10) -> None:
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: predicate(self.calls)), timeout)

    async def wait_sent(self, chat_id: int, count: int = 1, timeout: float = 10) -> list[Call]:
        await self.wait_for(lambda _: len(self.sent(chat_id)) >= count, timeout)
        return self.sent(chat_id)

    async def wait_for_poll(self, count: int = 1, timeout: float = 10) -> None:
        """Until the bot has made `count` GET /updates in all (answered or waiting)."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: self.polls >= count), timeout)

    async def wait_polling(self, timeout: float = 10) -> None:
        """Until a GET /updates is waiting in its long poll: from then on a push is delivered
        (before it, a poll without a marker would see only the newest of several pushes)."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: self._waiting_polls > 0), timeout)

    # -- test controls -------------------------------------------------------------------------
    def block(self, user_id: int) -> None:
        """The user blocked the bot: sends to them are 403 chat.denied."""
        self.blocked.add(user_id)

    def unblock(self, user_id: int) -> None:
        self.blocked.discard(user_id)

    def fail_next(
        self,
        method: str,
        status: int = 502,
        code: str = "internal.error",
        message: str = "Bad Gateway",
        count: int = 1,
    ) -> None:
        """Answer the next `count` calls of `method` ("POST /messages") with this error. Such
        answers are refused calls, not violations."""
        self._faults.setdefault(method, []).append(Fault(status, code, message, count))

    def dialog(self, user_id: int) -> int:
        """The chat_id of the user's dialog with the bot."""
        return user_id + DIALOG_OFFSET

    def user(
        self,
        user_id: int,
        locale: str = "ru",
        first_name: str = "Иван",
        last_name: str | None = None,
        username: str | None = None,
    ) -> dict[str, Any]:
        """A MAX user object; the user's dialog exists from now on. The fake keeps `locale` and
        sends it as user_locale in this user's updates."""
        user: dict[str, Any] = {
            "user_id": user_id,
            "first_name": first_name,
            "is_bot": False,
            "last_activity_time": int(time.time() * 1000),
        }
        if last_name is not None:
            user["last_name"] = last_name
        if username is not None:
            user["username"] = username
        self.users[user_id] = user
        self.locales[user_id] = locale
        chat_id = self.dialog(user_id)
        self.chats[chat_id] = {"chat_id": chat_id, "type": "dialog", "user_id": user_id}
        return user

    def add_group(self, chat_id: int, title: str = "Группа") -> dict[str, Any]:
        """A group chat (chat_type "chat") the bot is a member of."""
        chat = {"chat_id": chat_id, "type": "chat", "title": title}
        self.chats[chat_id] = chat
        return chat

    def redeliver_from(self, marker: int = 0) -> int:
        """Deliver again, on the next GET /updates whatever marker it passes, every update
        pushed after `marker` (0: all), acknowledged or not: MAX re-sending what it thinks was
        not received, to test that the bot handles an update once. Returns how many."""
        again = [(s, u) for s, u in self._log if s > marker]
        self._redeliver.extend(again)
        return len(again)

    forget_acknowledgements = redeliver_from

    @property
    def marker(self) -> int:
        """The sequence of the newest update pushed (what a caught-up bot's marker is)."""
        return self._log[-1][0] if self._log else 0

    def pending(self) -> list[dict[str, Any]]:
        """Updates pushed and not yet acknowledged by a marker."""
        return [u for s, u in self._log if s > self._acked]

    # -- pushing updates -----------------------------------------------------------------------
    async def push_raw(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue an update (or POST it to the webhook, when one is subscribed)."""
        update.setdefault("timestamp", _now_ms())
        if self.subscription is not None:
            types = self.subscription.get("update_types")
            if not types or update.get("update_type") in types:
                await self._deliver(update)
            return update
        async with self._changed:
            self._log.append((next(self._seq), update))
            self._changed.notify_all()
        return update

    def _locale(self, user: dict[str, Any]) -> dict[str, str]:
        locale = self.locales.get(user["user_id"])
        return {"user_locale": locale} if locale else {}

    def _known(self, user: dict[str, Any]) -> dict[str, Any]:
        if user["user_id"] not in self.users:
            self.user(user["user_id"], first_name=user.get("first_name", "Иван"))
        return user

    async def push_started(
        self, user: dict[str, Any], payload: str | None = None
    ) -> dict[str, Any]:
        """bot_started: the user pressed Start (a deep link's payload, if any)."""
        self._known(user)
        update: dict[str, Any] = {
            "update_type": "bot_started",
            "timestamp": _now_ms(),
            "chat_id": self.dialog(user["user_id"]),
            "user": user,
            **self._locale(user),
        }
        if payload is not None:
            update["payload"] = payload
        return await self.push_raw(update)

    def _user_message(
        self,
        user: dict[str, Any],
        chat_id: int,
        text: str | None,
        reply_to_mid: str | None = None,
        attachments: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        chat = self.chats[chat_id]
        recipient: dict[str, Any] = {"chat_id": chat_id, "chat_type": chat["type"]}
        if chat["type"] == "dialog":
            recipient["user_id"] = BOT_ID
        body: dict[str, Any] = {"mid": self._new_mid(), "seq": next(self._ids)}
        if text is not None:
            body["text"] = text
        if attachments:
            body["attachments"] = attachments
        message: dict[str, Any] = {
            "sender": user,
            "recipient": recipient,
            "timestamp": _now_ms(),
            "body": body,
        }
        if reply_to_mid is not None:
            message["link"] = self._link("reply", reply_to_mid)
        self.messages[body["mid"]] = message
        return message

    async def push_text(
        self, user: dict[str, Any], text: str, reply_to_mid: str | None = None
    ) -> dict[str, Any]:
        """message_created in the user's dialog; the update (its mid: `FakeMaxApi.mid(u)`)."""
        self._known(user)
        message = self._user_message(user, self.dialog(user["user_id"]), text, reply_to_mid)
        return await self.push_raw(
            {"update_type": "message_created", "message": message, **self._locale(user)}
        )

    async def push_group_text(
        self, chat_id: int, user: dict[str, Any], text: str, reply_to_mid: str | None = None
    ) -> dict[str, Any]:
        """message_created in a group added with add_group."""
        if chat_id not in self.chats or self.chats[chat_id]["type"] != "chat":
            raise KeyError(f"no group {chat_id}: add_group() it first")
        message = self._user_message(user, chat_id, text, reply_to_mid)
        return await self.push_raw(
            {"update_type": "message_created", "message": message, **self._locale(user)}
        )

    async def push_attachment(self, user: dict[str, Any]) -> dict[str, Any]:
        """message_created with a photo and no text."""
        self._known(user)
        n = next(self._ids)
        image = {
            "type": "image",
            "payload": {
                "photo_id": 500_000 + n,
                "token": f"in-img-{n:08x}",
                "url": f"https://i.oneme.ru/i?r=fake{n}",
            },
        }
        message = self._user_message(user, self.dialog(user["user_id"]), None, None, [image])
        return await self.push_raw(
            {"update_type": "message_created", "message": message, **self._locale(user)}
        )

    async def push_edit(self, user: dict[str, Any], mid: str, text: str) -> dict[str, Any]:
        """message_edited: the user edited their message `mid`."""
        message = self.messages[mid]
        if message["sender"].get("user_id") != user["user_id"]:
            raise ValueError(f"{mid} is not {user['user_id']}'s message")
        message = {**message, "body": {**message["body"], "text": text}}
        self.messages[mid] = message
        return await self.push_raw({"update_type": "message_edited", "message": message})

    async def push_callback(
        self, user: dict[str, Any], message_mid: str, payload: str, *, check: bool = True
    ) -> dict[str, Any]:
        """message_callback: the user pressed a callback button of the bot's message. With
        `check`, the message must have such a button now (a lost keyboard cannot be pressed)."""
        message = self.messages[message_mid]
        if check and not any(
            b.get("type") == "callback" and b.get("payload") == payload
            for row in self.keyboard(message_mid)
            for b in row
        ):
            raise AssertionError(f"message {message_mid} has no callback button {payload!r}")
        callback_id = f"cb.{next(self._ids):012x}"
        self._callbacks[callback_id] = {"mid": message_mid, "answered": False}
        update = {
            "update_type": "message_callback",
            "timestamp": _now_ms(),
            "callback": {
                "timestamp": _now_ms(),
                "callback_id": callback_id,
                "payload": payload,
                "user": user,
            },
            "message": message,
            **self._locale(user),
        }
        return await self.push_raw(update)

    async def deliver_webhook(self) -> list[int]:
        """POST the updates a failed webhook delivery left over again; their statuses."""
        again, self.undelivered = self.undelivered, []
        statuses = []
        for update in again:
            statuses.append(await self._deliver(update))
        return statuses

    async def _deliver(self, update: dict[str, Any]) -> int:
        assert self.subscription is not None
        if self._session is None:
            self._session = aiohttp.ClientSession()
        headers = {}
        if self.subscription.get("secret"):
            headers["X-Max-Bot-Api-Secret"] = self.subscription["secret"]
        try:
            async with self._session.post(
                self.subscription["url"], json=update, headers=headers
            ) as response:
                status = response.status
        except (aiohttp.ClientError, OSError):
            status = 0
        self.webhook_deliveries.append((update, status))
        if status != 200:
            self.undelivered.append(update)
        return status

    # -- the API host --------------------------------------------------------------------------
    async def _handle(self, request: web.Request) -> web.Response:
        method = f"{request.method} /{request.match_info['path']}".rstrip("/")
        query = dict(request.query)
        raw = await request.read()
        call = Call(method, query, None, at=self.clock())
        try:
            if request.headers.get("Authorization") != self.token or "access_token" in query:
                raise ApiError(401, "verify.token", "Invalid access_token")
            if raw:
                try:
                    call.body = json.loads(raw)
                except ValueError:
                    call.body = raw.decode(errors="replace")
                    raise bad("the body is not JSON") from None
            fault = self._fault(method)
            if fault is not None:
                raise fault
            if method != "PUT /messages":
                self._check_overall_rate(call.at)
            call.result = await self._dispatch(call)
        except ApiError as exc:
            call.status, call.error = exc.status, {"code": exc.code, "message": exc.message}
        if method != "GET /updates" or not call.ok or (call.result or {}).get("updates"):
            async with self._changed:
                self.calls.append(call)
                self._changed.notify_all()
        if call.ok:
            return web.json_response(call.result, status=call.status)
        return web.json_response(call.error, status=call.status)

    def _fault(self, method: str) -> ApiError | None:
        faults = self._faults.get(method)
        if not faults:
            return None
        fault = faults[0]
        fault.count -= 1
        if fault.count <= 0:
            faults.pop(0)
        return ApiError(fault.status, fault.code, fault.message)

    @staticmethod
    def _window(times: list[float], now: float) -> list[float]:
        return [t for t in times if now - t < 1.0]

    def _check_overall_rate(self, now: float) -> None:
        self._requests = self._window(self._requests, now)
        if len(self._requests) >= REQUESTS_PER_SECOND:
            self.violations.append(f"more than {REQUESTS_PER_SECOND} requests in a second")
            raise ApiError(429, "too.many.requests", "Too many requests")
        self._requests.append(now)

    async def _dispatch(self, call: Call) -> Any:
        routes: dict[str, Callable[[Call], Any]] = {
            "GET /me": self._get_me,
            "PATCH /me": self._patch_me,
            "PATCH /me/commands": self._patch_commands,
            "GET /updates": self._get_updates,
            "POST /messages": self._post_message,
            "PUT /messages": self._put_message,
            "POST /answers": self._post_answer,
            "POST /uploads": self._post_upload,
            "GET /subscriptions": self._get_subscriptions,
            "POST /subscriptions": self._post_subscription,
            "DELETE /subscriptions": self._delete_subscription,
        }
        handler = routes.get(call.method)
        if handler is None:
            raise ApiError(404, "not.found", f"{call.method} is not in the fake")
        result = handler(call)
        if asyncio.iscoroutine(result):
            result = await result
        return result

    @staticmethod
    def _object(call: Call) -> dict[str, Any]:
        if call.body is None:
            return {}
        if not isinstance(call.body, dict):
            raise bad("the body must be a JSON object")
        return call.body

    # -- /me -----------------------------------------------------------------------------------
    def _get_me(self, call: Call) -> dict[str, Any]:
        return self._me()

    def _me(self) -> dict[str, Any]:
        me = dict(self.bot_info)
        if self.commands is not None:
            me["commands"] = self.commands
        return me

    def _patch_me(self, call: Call) -> dict[str, Any]:
        body = self._object(call)
        if "commands" in body:
            raise bad("commands are set with PATCH /me/commands")
        unknown = set(body) - {"first_name", "last_name", "name", "description", "photo"}
        if unknown:
            raise bad(f"unknown fields {sorted(unknown)}")
        for key in ("first_name", "name"):
            if key in body:
                self.bot_info["first_name"] = str(body[key])
        if "description" in body:
            self.bot_info["description"] = str(body["description"])
        return self._me()

    def _patch_commands(self, call: Call) -> dict[str, Any]:
        commands = self._object(call).get("commands")
        if not isinstance(commands, list) or len(commands) > MAX_COMMANDS:
            raise bad(f"commands: an array of at most {MAX_COMMANDS}")
        names = set()
        for command in commands:
            name = command.get("name") if isinstance(command, dict) else None
            if not isinstance(name, str) or not _COMMAND_RE.match(name) or name in names:
                raise bad(f"commands: invalid or repeated name {name!r}")
            names.add(name)
            description = command.get("description")
            if (
                not isinstance(description, str)
                or not 1 <= len(description) <= MAX_COMMAND_DESCRIPTION
            ):
                raise bad(f"commands: description of /{name} must be 1..128 characters")
        self.commands = [{"name": c["name"], "description": c["description"]} for c in commands]
        return self._me()

    # -- /updates ------------------------------------------------------------------------------
    def _int(self, query: dict[str, str], key: str, default: int, low: int, high: int) -> int:
        value = query.get(key)
        if value is None:
            return default
        try:
            number = int(value)
        except ValueError:
            raise bad(f"{key} must be an integer") from None
        if not low <= number <= high:
            raise bad(f"{key} must be {low}..{high}")
        return number

    async def _get_updates(self, call: Call) -> dict[str, Any]:
        query = call.query
        self._poll_times = self._window(self._poll_times, call.at)
        if len(self._poll_times) >= POLLS_PER_SECOND:
            if not self._stopping:
                self.violations.append(f"more than {POLLS_PER_SECOND} GET /updates in a second")
            raise ApiError(429, "too.many.requests", "Too many requests")
        self._poll_times.append(call.at)
        limit = self._int(query, "limit", 100, 1, 1000)
        timeout = self._int(query, "timeout", 30, 0, 90)
        marker = self._int(query, "marker", -1, 0, 2**62) if "marker" in query else None
        types: set[str] | None = None
        if query.get("types"):
            types = set(query["types"].split(","))
            if not types <= UPDATE_TYPES:
                raise bad(f"unknown update types {sorted(types - UPDATE_TYPES)}")
        async with self._changed:
            self.polls += 1
            if marker is not None:
                self.marker_polls += 1
            self._changed.notify_all()
            if self.subscription is not None:
                self.violations.append("GET /updates while a webhook subscription is active")
                return {"updates": [], "marker": marker}
            if marker is not None:
                self._acked = max(self._acked, marker)
            elif self._pending(types):
                # Without a marker MAX gives only the newest pending update.
                newest = self._pending(types)[-1]
                return {"updates": [newest[1]], "marker": newest[0]}
            else:
                marker = self.marker  # wait for what comes after now
            after = marker
            if not self._redeliver and not self._after(after, types) and timeout:
                generation = self._poll_generation
                self._waiting_polls += 1
                self._changed.notify_all()
                try:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(
                            self._changed.wait_for(
                                lambda: bool(
                                    self._stopping
                                    or self._redeliver
                                    or self._after(after, types)
                                    or self._poll_generation != generation
                                )
                            ),
                            min(timeout, self.poll_wait_cap),
                        )
                finally:
                    self._waiting_polls -= 1
            batch_size = min(limit, MAX_BATCH)
            if self._redeliver:
                again = self._redeliver[:batch_size]
                del self._redeliver[:batch_size]
                return {"updates": [u for _, u in again], "marker": max(after, again[-1][0])}
            batch = self._after(after, types)[:batch_size]
            if batch:
                return {"updates": [u for _, u in batch], "marker": batch[-1][0]}
            # Nothing of these types: skip past what there is of other types.
            skipped = [s for s, _ in self._log if s > after]
            return {"updates": [], "marker": skipped[-1] if skipped else after}

    def _after(self, marker: int, types: set[str] | None) -> list[tuple[int, dict[str, Any]]]:
        return [
            (s, u)
            for s, u in self._log
            if s > marker and s > self._acked and (types is None or u["update_type"] in types)
        ]

    def _pending(self, types: set[str] | None) -> list[tuple[int, dict[str, Any]]]:
        return self._after(self._acked, types)

    # -- /messages -----------------------------------------------------------------------------
    def _new_mid(self) -> str:
        return f"mid.{0xA1B2C3D4:08x}{next(self._ids):016x}"

    def _link(self, kind: str, mid: Any) -> dict[str, Any]:
        linked = self.messages.get(mid) if isinstance(mid, str) else None
        if linked is None:
            raise ApiError(404, "not.found", f"linked message {mid!r} not found")
        return {
            "type": kind,
            "sender": linked["sender"],
            "chat_id": linked["recipient"]["chat_id"],
            "message": {k: v for k, v in linked["body"].items() if k != "markup"},
        }

    def _chat_of(self, query: dict[str, str]) -> int:
        if ("chat_id" in query) == ("user_id" in query):
            raise bad("exactly one of chat_id and user_id is needed")
        unknown = set(query) - {"chat_id", "user_id", "disable_link_preview"}
        if unknown:
            raise bad(f"unknown parameters {sorted(unknown)}")
        try:
            if "user_id" in query:
                user_id = int(query["user_id"])
                chat_id = self.dialog(user_id) if user_id in self.users else 0
            else:
                chat_id = int(query["chat_id"])
        except ValueError:
            raise bad("chat_id and user_id are integers") from None
        if chat_id not in self.chats:
            raise ApiError(404, "chat.not.found", f"Chat {chat_id} not found")
        self._check_blocked(chat_id)
        return chat_id

    def _check_blocked(self, chat_id: int) -> None:
        if self.chats[chat_id].get("user_id") in self.blocked:
            raise ApiError(403, "chat.denied", "chat.denied: dialog is suspended")

    def _content(
        self, body: dict[str, Any]
    ) -> tuple[str | None, list[dict[str, Any]], list[dict[str, Any]]]:
        """(plain text, markup, attachments as stored) of a message body, checked."""
        unknown = set(body) - {"text", "format", "attachments", "link", "notify"}
        if unknown:
            raise bad(f"unknown fields {sorted(unknown)}")
        attachments = self._attachments(body.get("attachments"))
        has_media = any(a["type"] in ("image", "file") for a in attachments)
        text = body.get("text")
        fmt = body.get("format")
        if fmt not in (None, "html", "markdown"):
            raise bad(f"unknown format {fmt!r}")
        if text is None or text == "":
            if not has_media:
                raise bad("text: a message needs text or an image or file")
            return None, [], attachments
        if not isinstance(text, str):
            raise bad("text must be a string")
        if utf16_len(text) > MAX_TEXT:
            raise bad(f"text: at most {MAX_TEXT} characters")
        markup: list[dict[str, Any]] = []
        if fmt == "html":
            shown, markup = parse_html(text)
        elif _LOOKS_LIKE_TAG.search(text):
            raise bad(f'text has HTML tags but format is {fmt!r}, not "html"')
        else:
            shown = text
        if not shown.strip() and not has_media:
            raise bad("text: a message needs text or an image or file")
        return shown, markup, attachments

    def _attachments(self, attachments: Any) -> list[dict[str, Any]]:
        if attachments is None:
            return []
        if not isinstance(attachments, list):
            raise bad("attachments must be an array")
        stored: list[dict[str, Any]] = []
        fresh: list[str] = []
        for attachment in attachments:
            kind = attachment.get("type") if isinstance(attachment, dict) else None
            payload = attachment.get("payload") if isinstance(attachment, dict) else None
            if kind == "inline_keyboard":
                if any(a["type"] == "inline_keyboard" for a in stored):
                    raise bad("attachments: at most one inline_keyboard")
                check_keyboard(payload)
                assert isinstance(payload, dict)
                stored.append({"type": kind, "payload": {"buttons": payload["buttons"]}})
            elif kind in ("image", "file"):
                token = payload.get("token") if isinstance(payload, dict) else None
                if not isinstance(token, str) or self._tokens.get(token) != kind:
                    raise bad(f"attachments: {kind} token {token!r} is not from an upload")
                if token in self._fresh_tokens:
                    fresh.append(token)
                upload = next(u for u in self.uploads if u.token == token)
                if kind == "image":
                    stored.append(
                        {
                            "type": "image",
                            "payload": {
                                "photo_id": 700_000 + self.uploads.index(upload),
                                "token": token,
                                "url": f"https://i.oneme.ru/i?r={token}",
                            },
                        }
                    )
                else:
                    stored.append(
                        {
                            "type": "file",
                            "payload": {"url": f"https://fd.oneme.ru/{token}", "token": token},
                            "filename": upload.filename,
                            "size": upload.size,
                        }
                    )
            else:
                raise bad(
                    f"attachments: type {kind!r} is not supported (inline_keyboard, image, file)"
                )
        if fresh:
            # MAX processes an upload a moment after it; the first send of it is refused.
            self._fresh_tokens.difference_update(fresh)
            raise ApiError(
                400, "attachment.not.ready", "Key: errors.process.attachment.file.not.processed"
            )
        return stored

    def _check_chat_rate(self, chat_id: int, now: float) -> None:
        sends = self._window(self._chat_sends.get(chat_id, []), now)
        self._chat_sends[chat_id] = sends
        if len(sends) >= CHAT_PER_SECOND:
            self.violations.append(f"a third message to chat {chat_id} within a second")
            raise ApiError(429, "too.many.requests", "Too many requests")

    def _post_message(self, call: Call) -> dict[str, Any]:
        chat_id = self._chat_of(call.query)
        call.chat_id = chat_id
        body = self._object(call)
        text, markup, attachments = self._content(body)
        link = body.get("link")
        linked = None
        if link is not None:
            if not isinstance(link, dict) or link.get("type") not in ("reply", "forward"):
                raise bad("link: {type: reply|forward, mid}")
            linked = self._link(link["type"], link.get("mid"))
        self._check_chat_rate(chat_id, call.at)
        self._chat_sends[chat_id].append(call.at)
        chat = self.chats[chat_id]
        recipient: dict[str, Any] = {"chat_id": chat_id, "chat_type": chat["type"]}
        if "user_id" in chat:
            recipient["user_id"] = chat["user_id"]
        message_body: dict[str, Any] = {
            "mid": self._new_mid(),
            "seq": next(self._ids),
            "attachments": attachments,
        }
        if text is not None:
            message_body["text"] = text
        if markup:
            message_body["markup"] = markup
        message: dict[str, Any] = {
            "sender": {k: v for k, v in self.bot_info.items() if k != "description"},
            "recipient": recipient,
            "timestamp": _now_ms(),
            "body": message_body,
        }
        if linked is not None:
            message["link"] = linked
        self.messages[message_body["mid"]] = message
        self.history[message_body["mid"]] = []
        return {"message": message}

    def _edit(self, mid: str, body: dict[str, Any]) -> None:
        """Replace a bot's message's text and attachments, as PUT /messages does."""
        message = self.messages[mid]
        old = message["body"]
        # An edit replaces the text and the attachments: absent or null means none, and an
        # image must be sent again to stay.
        text, markup, attachments = self._content(body)
        new_body: dict[str, Any] = {"mid": mid, "seq": old["seq"], "attachments": attachments}
        if text is not None:
            new_body["text"] = text
        if markup:
            new_body["markup"] = markup
        if keyboard_rows(old.get("attachments") or []) and not keyboard_rows(attachments):
            self.keyboards_lost.append(mid)
        self.history[mid].append(message)
        self.messages[mid] = {**message, "body": new_body}

    def _put_message(self, call: Call) -> dict[str, Any]:
        mid = call.query.get("message_id")
        if not mid or mid not in self.messages:
            raise ApiError(404, "not.found", f"message {mid!r} not found")
        message = self.messages[mid]
        if message["sender"].get("user_id") != BOT_ID:
            raise ApiError(403, "access.denied", "a bot edits only its own messages")
        call.chat_id = message["recipient"]["chat_id"]
        self._check_blocked(message["recipient"]["chat_id"])
        self._edit(mid, self._object(call))
        return {"success": True}

    # -- /answers ------------------------------------------------------------------------------
    def _post_answer(self, call: Call) -> dict[str, Any]:
        callback_id = call.query.get("callback_id")
        callback = self._callbacks.get(callback_id or "")
        if callback is None:
            raise ApiError(404, "not.found", f"callback {callback_id!r} not found")
        if callback["answered"]:
            raise bad("callback already answered")
        body = self._object(call)
        unknown = set(body) - {"notification", "message"}
        if unknown:
            raise bad(f"unknown fields {sorted(unknown)}")
        notification = body.get("notification")
        if notification is not None and (
            not isinstance(notification, str) or not 1 <= len(notification) <= MAX_NOTIFICATION
        ):
            raise bad(f"notification: 1..{MAX_NOTIFICATION} characters")
        message = body.get("message")
        if message is not None:
            if not isinstance(message, dict):
                raise bad("message must be an object")
            self._edit(callback["mid"], message)
        callback["answered"] = True
        self.answers.append(
            {"callback_id": callback_id, "notification": notification, "message": message}
        )
        return {"success": True}

    # -- /uploads and the upload host ----------------------------------------------------------
    def _post_upload(self, call: Call) -> dict[str, Any]:
        kind = call.query.get("type")
        if kind not in ("image", "file"):
            raise bad(f"upload type {kind!r}: the fake takes image and file")
        slot = f"u{next(self._ids):010x}"
        self._upload_slots[slot] = kind
        return {"url": f"{self.upload_url}/upload?id={slot}"}

    async def _handle_upload(self, request: web.Request) -> web.Response:
        raw = await request.read()
        secret = self.token.encode()
        seen = (
            "Authorization" in request.headers
            or self.token in request.query_string
            or any(self.token in v for v in request.headers.values())
            or secret in raw
        )
        if seen:
            self.violations.append("upload host saw the bot token")
            return web.json_response(
                {"code": "verify.token", "message": "the upload host takes no token"}, status=401
            )
        slot = request.query.get("id", "")
        kind = self._upload_slots.pop(slot, None)
        if request.method != "POST" or kind is None:
            return web.json_response(
                {"code": "not.found", "message": "unknown or used upload URL"}, status=404
            )
        part = _multipart_field(request.headers.get("Content-Type", ""), raw, "data")
        if part is None:
            return web.json_response(
                {"code": "proto.payload", "message": "multipart field 'data' expected"}, status=400
            )
        content = part.get_payload(decode=True)
        assert isinstance(content, bytes)
        if kind == "image" and not content.startswith((PNG, JPEG)):
            return web.json_response(
                {"code": "proto.payload", "message": "not an image"}, status=400
            )
        token = f"{'img' if kind == 'image' else 'file'}-{next(self._ids):016x}"
        self._tokens[token] = kind
        self._fresh_tokens.add(token)
        self.uploads.append(
            Upload(kind, part.get_filename(), len(content), part.get_content_type(), token)
        )
        if kind == "image":
            return web.json_response({"photos": {f"p{len(self.uploads)}": {"token": token}}})
        return web.json_response({"fileId": 900_000 + len(self.uploads), "token": token})

    # -- /subscriptions ------------------------------------------------------------------------
    def _get_subscriptions(self, call: Call) -> dict[str, Any]:
        if self.subscription is None:
            return {"subscriptions": []}
        return {"subscriptions": [{k: v for k, v in self.subscription.items() if k != "secret"}]}

    def _post_subscription(self, call: Call) -> dict[str, Any]:
        body = self._object(call)
        url = body.get("url")
        schemes = ("https://", "http://") if self.allow_http_webhooks else ("https://",)
        if not isinstance(url, str) or not url.startswith(schemes):
            raise bad("url: an https:// URL")
        secret = body.get("secret")
        if secret is not None and (not isinstance(secret, str) or not _SECRET_RE.match(secret)):
            raise bad("secret: 5..256 characters of A-Z, a-z, 0-9 and '-'")
        types = body.get("update_types")
        if types is not None and (not isinstance(types, list) or not set(types) <= UPDATE_TYPES):
            raise bad("update_types: known update types")
        self.subscription = {
            "url": url,
            "time": _now_ms(),
            "update_types": types,
            "secret": secret,
        }
        return {"success": True}

    def _delete_subscription(self, call: Call) -> dict[str, Any]:
        url = call.query.get("url")
        if self.subscription is None or self.subscription["url"] != url:
            raise ApiError(404, "not.found", f"no subscription {url!r}")
        self.subscription = None
        return {"success": True}


def _multipart_field(content_type: str, raw: bytes, name: str) -> email.message.Message | None:
    """The part named `name` of a multipart/form-data body, parsed with the email package."""
    if not content_type.startswith("multipart/form-data"):
        return None
    parsed = email.message_from_bytes(b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + raw)
    if not parsed.is_multipart():
        return None
    for part in parsed.walk():
        if part.get_param("name", header="content-disposition") == name:
            return part
    return None


def _now_ms() -> int:
    return int(time.time() * 1000)

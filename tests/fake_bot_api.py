"""A small Bot API server for end-to-end tests: the real Application talks HTTP to it.

It is strict where Telegram is strict: HTML that Telegram could not parse, text over 4096
characters (as Telegram counts them, after entities), callback_data over 64 bytes, button
shapes, more than 20 messages a minute to one group (429 with retry_after); and it can answer
429, 403 "blocked by the user" or 502 Bad Gateway on demand.
Every call is recorded; `refused` lists the calls answered with an error.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import itertools
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

BOT_USER = {
    "id": 7000001,
    "is_bot": True,
    "first_name": "Smolensk e-services",
    "username": "smol_eservices_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": True,
}
JSON_FIELDS = (
    "reply_markup",
    "commands",
    "allowed_updates",
    "entities",
    "link_preview_options",
    "reply_parameters",
    "results",
    "scope",
)
ALLOWED_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "span",
    "tg-spoiler",
    "a",
    "code",
    "pre",
    "blockquote",
    "tg-emoji",
}
_TAG_RE = re.compile(
    r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+(?:=\"[^\"]*\"|='[^']*')?)*)\s*>"
)
_ENTITY_RE = re.compile(r"&(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")
MAX_TEXT = 4096
# A well-formed token the fake answers 401 Unauthorized, as Telegram does for a revoked one.
REJECTED_TOKEN = "111111111:RejectedRejectedRejectedRejectedRej"
MAX_CALLBACK_DATA = 64
MAX_ROW_BUTTONS, MAX_BUTTONS = 8, 100
GROUP_PER_MINUTE = 20  # messages Telegram lets a bot send to one group in a minute


class ApiError(Exception):
    def __init__(self, code: int, description: str, parameters: dict[str, Any] | None = None):
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def parse_html(text: str) -> str:
    """The plain text Telegram would show, or ApiError as Telegram words it."""
    out: list[str] = []
    stack: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "<":
            m = _TAG_RE.match(text, i)
            if m is None:
                raise ApiError(
                    400,
                    f"Bad Request: can't parse entities: unsupported start tag at byte offset {i}",
                )
            closing, name = m[1] == "/", m[2].lower()
            if name not in ALLOWED_TAGS:
                raise ApiError(
                    400, f'Bad Request: can\'t parse entities: unsupported start tag "{name}"'
                )
            if closing:
                if not stack or stack[-1] != name:
                    raise ApiError(
                        400, f'Bad Request: can\'t parse entities: unexpected end tag "{name}"'
                    )
                stack.pop()
            else:
                if name == "a" and "href=" not in m[3]:
                    raise ApiError(400, "Bad Request: can't parse entities: a tag without href")
                stack.append(name)
            i = m.end()
        elif ch == "&":
            m = _ENTITY_RE.match(text, i)
            if m is None:
                raise ApiError(
                    400, f"Bad Request: can't parse entities: unsupported entity at byte offset {i}"
                )
            out.append(html.unescape(m[0]))
            i = m.end()
        elif ch == ">":
            raise ApiError(400, "Bad Request: can't parse entities: unexpected '>'")
        else:
            out.append(ch)
            i += 1
    if stack:
        raise ApiError(
            400,
            "Bad Request: can't parse entities: "
            f'can\'t find end tag corresponding to start tag "{stack[-1]}"',
        )
    return "".join(out)


def check_keyboard(markup: Any) -> None:
    if markup is None:
        return
    rows = markup.get("inline_keyboard") if isinstance(markup, dict) else None
    if rows is None:
        return
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        raise ApiError(400, "Bad Request: inline keyboard must be an array of arrays")
    # Telegram's limits: at most 8 buttons in a row and 100 in a keyboard.
    if any(len(r) > MAX_ROW_BUTTONS for r in rows) or sum(map(len, rows)) > MAX_BUTTONS:
        raise ApiError(400, "Bad Request: reply markup is too long")
    for row in rows:
        for button in row:
            if not button.get("text"):
                raise ApiError(
                    400, "Bad Request: text buttons are unallowed in the inline keyboard"
                )
            kinds = [
                k
                for k in (
                    "url",
                    "callback_data",
                    "switch_inline_query",
                    "switch_inline_query_current_chat",
                )
                if k in button
            ]
            if len(kinds) != 1:
                raise ApiError(
                    400,
                    "Bad Request: can't parse inline keyboard button: exactly one action needed",
                )
            data = button.get("callback_data")
            if data is not None and not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA:
                raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
            url = button.get("url")
            if url is not None and not re.match(r"^(https?|tg)://", url):
                raise ApiError(400, "Bad Request: inline keyboard button URL is invalid")


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    ok: bool = True
    result: Any = None
    error: str | None = None
    at: float = field(default_factory=time.monotonic)
    content_type: str = ""


class FakeBotApi:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.updates: list[dict[str, Any]] = []
        # Command menus by (scope, language): scope "default", "all_private_chats" or
        # "chat:<id>"; language "" for every language without its own menu.
        self.menus: dict[tuple[str, str], list[dict[str, str]]] = {}
        self.descriptions: dict[str, str] = {}  # by language, as setMyDescription set them
        self.short_descriptions: dict[str, str] = {}
        self.blocked: set[int] = set()
        self.chats: dict[int, dict[str, Any]] = {}
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        self.flood_every: int | None = None  # every Nth send is answered 429
        self.inline_answers: dict[str, dict[str, Any]] = {}
        self.files: dict[int, bytes] = {}  # uploaded documents by message id
        self.webhook: dict[str, Any] | None = None
        self.any_chat = False  # benchmarks: every chat id exists
        self.keep_calls = True  # benchmarks: count calls instead of keeping them
        self.sent_count = 0
        self.retry_after = 1
        self.delays: dict[int, list[float]] = {}  # chat id -> seconds its next sends take
        self.flood_once: dict[int, int] = {}  # chat id -> retry_after of a 429 on its next send
        self.failing_until = 0.0  # monotonic time until which sendMessage answers 502
        self._group_sends: dict[int, list[float]] = {}
        self._redelivered: list[dict[str, Any]] = []
        self._ids = itertools.count(1)
        # Bumped by end_long_polls(): a getUpdates waiting since an earlier generation returns.
        self._poll_generation = 0
        self._stopping = False
        self._message_ids = itertools.count(1000)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.url = ""

    # -- running -------------------------------------------------------------------------------
    async def start(self) -> str:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}/bot"
        return self.url

    async def stop(self) -> None:
        # aiohttp's cleanup waits for requests in flight: a getUpdates still holding its long
        # poll for a bot that has gone would keep it waiting for nothing.
        self._stopping = True
        await self.end_long_polls()
        if self._runner is not None:
            await self._runner.cleanup()

    async def end_long_polls(self) -> None:
        """Answer every getUpdates waiting now with what there is (as Telegram does when its
        timeout runs out), at once. A test harness calls it before stopping the bot's Updater,
        so that the stop does not wait for a long poll nobody will read."""
        async with self._changed:
            self._poll_generation += 1
            self._changed.notify_all()

    @property
    def refused(self) -> list[Call]:
        return [c for c in self.calls if not c.ok]

    def sent(self, chat_id: int | None = None) -> list[Call]:
        """Successful sendMessage calls, optionally to one chat."""
        return [
            c
            for c in self.calls
            if c.method == "sendMessage"
            and c.ok
            and (chat_id is None or int(c.params["chat_id"]) == chat_id)
        ]

    async def wait_for(self, predicate: Callable[[list[Call]], bool], timeout: float = 10) -> None:
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: predicate(self.calls)), timeout)

    async def wait_sent(self, chat_id: int, count: int = 1, timeout: float = 10) -> list[Call]:
        await self.wait_for(lambda _: len(self.sent(chat_id)) >= count, timeout)
        return self.sent(chat_id)

    # -- updates the tests push ------------------------------------------------------------------
    @staticmethod
    def user(user_id: int, language_code: str = "ru", first_name: str = "Иван") -> dict[str, Any]:
        return {
            "id": user_id,
            "is_bot": False,
            "first_name": first_name,
            "language_code": language_code,
        }

    def add_private_chat(self, user: dict[str, Any]) -> None:
        """A chat the bot can write to (a user who once pressed Start), without an update."""
        self.chats[user["id"]] = {
            "id": user["id"],
            "type": "private",
            "first_name": user["first_name"],
        }

    async def push(self, kind: str, payload: dict[str, Any]) -> int:
        update_id = next(self._ids)
        async with self._changed:
            self.updates.append({"update_id": update_id, kind: payload})
            self._changed.notify_all()
        return update_id

    def _message(
        self, user: dict[str, Any], text: str | None, chat: dict[str, Any] | None, **extra: Any
    ) -> dict[str, Any]:
        chat = chat or {"id": user["id"], "type": "private", "first_name": user["first_name"]}
        self.chats[chat["id"]] = chat
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat,
            "from": user,
            **extra,
        }
        if text is not None:
            message["text"] = text
            if text.startswith("/"):
                command = text.split()[0]
                message["entities"] = [
                    {"type": "bot_command", "offset": 0, "length": utf16_len(command)}
                ]
            mention = f"@{BOT_USER['username']}"
            if mention in text:
                offset = utf16_len(text[: text.index(mention)])
                message.setdefault("entities", []).append(
                    {"type": "mention", "offset": offset, "length": utf16_len(mention)}
                )
        return message

    async def push_text(
        self, user: dict[str, Any], text: str, chat: dict[str, Any] | None = None
    ) -> int:
        return await self.push("message", self._message(user, text, chat))

    async def push_message(self, user: dict[str, Any], **fields: Any) -> int:
        return await self.push("message", self._message(user, None, None, **fields))

    async def push_edit(self, user: dict[str, Any], text: str) -> int:
        message = self._message(user, text, None, edit_date=int(time.time()))
        return await self.push("edited_message", message)

    async def push_inline(self, user: dict[str, Any], query: str) -> str:
        query_id = str(next(self._ids))
        await self.push(
            "inline_query", {"id": query_id, "from": user, "query": query, "offset": ""}
        )
        return query_id

    async def push_callback(self, user: dict[str, Any], message: dict[str, Any], data: str) -> int:
        payload = {
            "id": str(next(self._ids)),
            "from": user,
            "message": message,
            "chat_instance": "1",
            "data": data,
        }
        return await self.push("callback_query", payload)

    # -- the API ---------------------------------------------------------------------------------
    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params: dict[str, Any] = {}
        if request.content_type == "application/json":
            params = await request.json()
        else:
            for key, value in (await request.post()).items():
                if isinstance(value, str) and key in JSON_FIELDS:
                    params[key] = json.loads(value)
                else:
                    params[key] = value
        call = Call(method, params, content_type=request.content_type)
        status = 200
        try:
            if request.match_info["token"] == REJECTED_TOKEN:
                raise ApiError(401, "Unauthorized")
            call.result = await self._dispatch(method, params)
            body: dict[str, Any] = {"ok": True, "result": call.result}
        except ApiError as exc:
            call.ok, call.error, status = False, exc.description, exc.code
            body = {"ok": False, "error_code": exc.code, "description": exc.description}
            if exc.parameters:
                body["parameters"] = exc.parameters
        if method == "sendMessage" and call.ok:
            self.sent_count += 1
        if self.keep_calls and (method != "getUpdates" or call.result):
            async with self._changed:
                self.calls.append(call)
                self._changed.notify_all()
        return web.json_response(body, status=status)

    async def _dispatch(self, method: str, params: dict[str, Any]) -> Any:
        handler = getattr(self, f"api_{method}", None)
        if handler is None:
            raise ApiError(404, f"Not Found: method {method} is not in the fake")
        return await handler(params)

    async def api_getMe(self, params: dict[str, Any]) -> Any:
        return BOT_USER

    async def api_deleteWebhook(self, params: dict[str, Any]) -> Any:
        return True

    async def api_setWebhook(self, params: dict[str, Any]) -> Any:
        if not str(params.get("url", "")).startswith(("https://", "http://")):
            raise ApiError(400, "Bad Request: bad webhook: an HTTPS URL must be provided")
        self.webhook = {"url": params["url"], "secret_token": params.get("secret_token")}
        return True

    async def redeliver(self, update: dict[str, Any]) -> None:
        """Deliver an update again, below the offset, as Telegram does for one whose receipt it
        never saw confirmed."""
        async with self._changed:
            self._redelivered.append(update)
            self._changed.notify_all()

    async def api_getUpdates(self, params: dict[str, Any]) -> Any:
        offset = int(params.get("offset") or 0)
        timeout = 0.0 if self._stopping else min(float(params.get("timeout") or 0), 0.5)
        async with self._changed:
            if self._redelivered:
                again, self._redelivered = self._redelivered, []
                return again
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
            if not self.updates and timeout:
                generation = self._poll_generation
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(
                        self._changed.wait_for(
                            lambda: bool(
                                self.updates
                                or self._redelivered
                                or self._poll_generation != generation
                            )
                        ),
                        timeout,
                    )
                if self._redelivered:
                    again, self._redelivered = self._redelivered, []
                    return again
            return list(self.updates[:100])

    @property
    def commands(self) -> dict[str, list[dict[str, str]]]:
        """The residents' menus: private chats' commands by language."""
        return {lang: c for (scope, lang), c in self.menus.items() if scope == "all_private_chats"}

    @staticmethod
    def _language(params: dict[str, Any]) -> str:
        lang = str(params.get("language_code") or "")
        if lang and not re.fullmatch(r"[a-z]{2}", lang):
            raise ApiError(400, "Bad Request: invalid language code specified")
        return lang

    def _scope(self, params: dict[str, Any]) -> str:
        scope = params.get("scope") or {"type": "default"}
        kind = scope.get("type")
        if kind in ("default", "all_private_chats", "all_group_chats", "all_chat_administrators"):
            return str(kind)
        if kind == "chat":
            chat_id = int(scope.get("chat_id", 0))
            if chat_id not in self.chats:  # Telegram knows only chats that wrote to the bot
                raise ApiError(400, "Bad Request: chat not found")
            return f"chat:{chat_id}"
        raise ApiError(400, "Bad Request: wrong bot command scope type specified")

    async def api_setMyCommands(self, params: dict[str, Any]) -> Any:
        commands = params.get("commands") or []
        if len(commands) > 100:
            raise ApiError(400, "Bad Request: too many commands")
        for c in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", c.get("command", "")):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(c.get("description", "")) <= 256:
                raise ApiError(400, "Bad Request: command description is invalid")
        self.menus[(self._scope(params), self._language(params))] = commands
        return True

    async def api_setMyDescription(self, params: dict[str, Any]) -> Any:
        description = str(params.get("description") or "")
        if len(description) > 512:
            raise ApiError(400, "Bad Request: description is too long")
        self.descriptions[self._language(params)] = description
        return True

    async def api_setMyShortDescription(self, params: dict[str, Any]) -> Any:
        description = str(params.get("short_description") or "")
        if len(description) > 120:
            raise ApiError(400, "Bad Request: short description is too long")
        self.short_descriptions[self._language(params)] = description
        return True

    def _check_send(self, chat_id: int) -> None:
        if time.monotonic() < self.failing_until:
            raise ApiError(502, "Bad Gateway")
        if chat_id in self.flood_once:
            retry_after = self.flood_once.pop(chat_id)
            raise ApiError(
                429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
            )
        if chat_id < 0:
            self._check_group_rate(chat_id)
        if chat_id in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if self.any_chat and chat_id not in self.chats:
            self.chats[chat_id] = {"id": chat_id, "type": "private", "first_name": "User"}
        if chat_id not in self.chats:
            raise ApiError(400, "Bad Request: chat not found")
        if self.flood_every:
            sends = sum(1 for c in self.calls if c.method == "sendMessage") + 1
            if sends % self.flood_every == 0:
                raise ApiError(
                    429,
                    f"Too Many Requests: retry after {self.retry_after}",
                    {"retry_after": self.retry_after},
                )

    def _check_group_rate(self, chat_id: int) -> None:
        now = time.monotonic()
        sends = [t for t in self._group_sends.get(chat_id, []) if now - t < 60]
        if len(sends) >= GROUP_PER_MINUTE:
            retry_after = int(sends[0] + 60 - now) + 1
            self._group_sends[chat_id] = sends
            raise ApiError(
                429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
            )
        self._group_sends[chat_id] = [*sends, now]

    def _text(self, params: dict[str, Any]) -> str:
        text = str(params.get("text", ""))
        shown = parse_html(text) if params.get("parse_mode") == "HTML" else text
        if not shown.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if utf16_len(shown) > MAX_TEXT:
            raise ApiError(400, "Bad Request: message is too long")
        return shown

    async def api_sendMessage(self, params: dict[str, Any]) -> Any:
        chat_id = int(params["chat_id"])
        self._check_send(chat_id)
        if self.delays.get(chat_id):
            await asyncio.sleep(self.delays[chat_id].pop(0))
        shown = self._text(params)
        check_keyboard(params.get("reply_markup"))
        message = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self.chats[chat_id],
            "from": BOT_USER,
            "text": shown,
        }
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        self.messages[(chat_id, message["message_id"])] = message
        return message

    async def api_editMessageText(self, params: dict[str, Any]) -> Any:
        key = (int(params["chat_id"]), int(params["message_id"]))
        if key not in self.messages:
            raise ApiError(400, "Bad Request: message to edit not found")
        shown = self._text(params)
        check_keyboard(params.get("reply_markup"))
        message = {**self.messages[key], "text": shown, "edit_date": int(time.time())}
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        self.messages[key] = message
        return message

    async def api_answerInlineQuery(self, params: dict[str, Any]) -> Any:
        results = params.get("results") or []
        if len(results) > 50:
            raise ApiError(400, "Bad Request: RESULTS_TOO_MUCH")
        ids = [str(r.get("id", "")) for r in results]
        if len(set(ids)) != len(ids) or not all(1 <= len(i.encode()) <= 64 for i in ids):
            raise ApiError(400, "Bad Request: RESULT_ID_INVALID")
        for result in results:
            if result.get("type") != "article" or not result.get("title"):
                raise ApiError(400, "Bad Request: RESULT_TYPE_INVALID")
            content = result.get("input_message_content") or {}
            self._text(
                {"text": content.get("message_text", ""), "parse_mode": content.get("parse_mode")}
            )
            check_keyboard(result.get("reply_markup"))
        self.inline_answers[str(params["inline_query_id"])] = {
            "results": results,
            "cache_time": int(params.get("cache_time", 300)),
        }
        return True

    def _upload(self, params: dict[str, Any], field: str) -> tuple[int, bytes, Any, str]:
        """(chat id, bytes, the upload, the caption as shown) of a file upload, checked."""
        chat_id = int(params["chat_id"])
        self._check_send(chat_id)
        upload = params.get(field)
        if not hasattr(upload, "file"):
            raise ApiError(400, f"Bad Request: a {field} upload is expected")
        caption = str(params.get("caption", ""))
        shown = parse_html(caption) if params.get("parse_mode") == "HTML" else caption
        if utf16_len(shown) > 1024:
            raise ApiError(400, "Bad Request: message caption is too long")
        return chat_id, upload.file.read(), upload, shown

    def _file_message(self, chat_id: int, content: bytes, caption: str, **media: Any) -> Any:
        message = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self.chats[chat_id],
            "from": BOT_USER,
            "caption": caption,
            **media,
        }
        self.files[message["message_id"]] = content
        return message

    async def api_sendDocument(self, params: dict[str, Any]) -> Any:
        chat_id, content, upload, caption = self._upload(params, "document")
        document = {
            "file_id": f"doc{len(self.files)}",
            "file_unique_id": f"u{len(self.files)}",
            "file_name": upload.filename,
            "file_size": len(content),
        }
        return self._file_message(chat_id, content, caption, document=document)

    async def api_sendPhoto(self, params: dict[str, Any]) -> Any:
        chat_id, content, _, caption = self._upload(params, "photo")
        if not content.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8")):
            raise ApiError(400, "Bad Request: IMAGE_PROCESS_FAILED")
        photo = {
            "file_id": f"photo{len(self.files)}",
            "file_unique_id": f"p{len(self.files)}",
            "width": 960,
            "height": 576,
            "file_size": len(content),
        }
        return self._file_message(chat_id, content, caption, photo=[photo])

    async def api_answerCallbackQuery(self, params: dict[str, Any]) -> Any:
        if len(str(params.get("text", ""))) > 200:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        return True


async def serve_forever() -> None:
    """`python -m tests.fake_bot_api`: a standalone fake for benchmarks; prints its URL."""
    api = FakeBotApi()
    api.any_chat, api.keep_calls = True, False
    print(await api.start(), flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(serve_forever())

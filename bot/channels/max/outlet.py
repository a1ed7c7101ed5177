"""Replies as MAX Bot API calls: HTML cut to 4,000 UTF-16 units (tags count), MAX's tags only,
buttons as an inline keyboard (resent with every edit: an edit's attachments replace the
message's), files uploaded without the token, at most 2 messages a second to a chat."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from bot.channels.max.client import MaxApiError, MaxClient, MaxError, MaxNetworkError
from bot.channels.max.markup import keyboard_attachment, max_html
from bot.channels.max.pace import Pace
from bot.conversation import Attachment, Blocked, DeliveryError, MessageId, Outcome, Reply
from bot.engine.render import split_message
from bot.peer import MAX

MAX_LIMIT = 4000  # UTF-16 units of the raw text, tags included
MESSAGES_PER_CHAT_SECOND = 2
NOTIFICATION_LIMIT = 200  # a callback's toast; longer ones are cut
NOT_READY_WAITS = (0.2, 0.5, 1.0, 2.0, 3.0)  # a fresh upload may not be ready at once
RATE_LIMIT_WAITS = 3  # a 429 on a reply: wait and send again this many times
MIME = {"photo": ("image", "image/png"), "document": ("file", "application/octet-stream")}


@lru_cache(maxsize=64)
def max_parts(html: str) -> tuple[str, ...]:
    """The flows' HTML as the messages MAX takes. Cached: a broadcast sends the same text to
    every subscriber."""
    return tuple(split_message(max_html(html), MAX_LIMIT))


def gone(error: MaxApiError) -> bool:
    """The user blocked the bot, or the dialog no longer exists."""
    return error.status == 403 or (error.status == 404 and "chat" in error.code)


class MaxOutlet:
    """The flows' `Outlet` for MAX."""

    channel = MAX
    max_text = MAX_LIMIT

    def __init__(self, client: MaxClient, on_sent: Callable[[int], None] | None = None) -> None:
        self.client = client
        self.on_sent = on_sent
        self._per_chat = Pace(MESSAGES_PER_CHAT_SECOND)
        # A user's dialog, as seen in their updates: the 2-a-second limit counts per chat, and
        # a broadcast addressed by user id goes to the same chat as the replies.
        self.dialogs: dict[int, int] = {}

    async def send(
        self, chat_id: int, reply: Reply, thread_id: int | None = None
    ) -> MessageId | None:
        keyboard = keyboard_attachment(reply.keyboard)
        try:
            if reply.file is not None:
                token = await self._upload(reply.file)
                kind = MIME[reply.file.kind][0]
                attachments = [{"type": kind, "payload": {"token": token}}, *keyboard]
                text = max_parts(reply.html)[0] if reply.html else ""
                return await self._post(text, attachments, chat_id=chat_id)
            parts = max_parts(reply.html)
            mid = None
            for i, part in enumerate(parts):
                last = i == len(parts) - 1
                mid = await self._post(part, keyboard if last else [], chat_id=chat_id)
            return mid
        except MaxApiError as exc:
            raise (Blocked if gone(exc) else DeliveryError)(str(exc)) from exc
        except MaxError as exc:
            raise DeliveryError(str(exc)) from exc

    async def edit(self, chat_id: int, message_id: MessageId, reply: Reply) -> None:
        text = max_parts(reply.html)[0]
        try:
            await self.client.edit(str(message_id), text, keyboard_attachment(reply.keyboard))
        except MaxError as exc:
            raise DeliveryError(str(exc)) from exc

    async def answer_tap(self, tap_id: str, text: str | None = None) -> None:
        try:
            await self.client.answer(tap_id, text[:NOTIFICATION_LIMIT] if text else None)
        except MaxError as exc:
            raise DeliveryError(str(exc)) from exc

    async def deliver(self, chat_id: int, html: str) -> Outcome:
        """A broadcast message to the user `chat_id` (subscribers are kept by user id)."""
        dialog = self.dialogs.get(chat_id)
        target = {"chat_id": dialog} if dialog is not None else {"user_id": chat_id}
        try:
            for part in max_parts(html):
                await self._per_chat.wait(dialog if dialog is not None else ("user", chat_id))
                await self.client.send(part, [], **target)
        except MaxApiError as exc:
            if exc.status == 429:  # MAX says no time: a second, for the whole messenger
                return Outcome("retry", retry_after=exc.retry_after or 1.0, error=str(exc))
            if gone(exc):
                return Outcome("blocked", error=str(exc))
            if exc.status >= 500:
                return Outcome("retry", error=str(exc))  # no time given: back off
            return Outcome("failed", error=str(exc))
        except MaxNetworkError as exc:
            return Outcome("retry", error=str(exc))
        except MaxError as exc:
            return Outcome("failed", error=str(exc))
        return Outcome("sent")

    def answer_sent(self, question_id: int) -> None:
        if self.on_sent is not None:
            self.on_sent(question_id)

    async def _post(self, text: str, attachments: list[dict[str, Any]], chat_id: int) -> str | None:
        """One message, paced per chat; a 429 or an attachment not yet ready is waited out."""
        not_ready = iter(NOT_READY_WAITS)
        limited = 0
        while True:
            await self._per_chat.wait(chat_id)
            try:
                message = await self.client.send(text, attachments, chat_id=chat_id)
            except MaxApiError as exc:
                if exc.code == "attachment.not.ready" and (wait := next(not_ready, None)):
                    await asyncio.sleep(wait)
                    continue
                if exc.status == 429 and limited < RATE_LIMIT_WAITS:
                    limited += 1
                    await asyncio.sleep(exc.retry_after or 1.0)
                    continue
                raise
            mid = message.get("body", {}).get("mid")
            return mid if isinstance(mid, str) else None

    async def _upload(self, file: Attachment) -> str:
        kind, mime = MIME[file.kind]
        return await self.client.upload(kind, file.data, file.filename, mime)

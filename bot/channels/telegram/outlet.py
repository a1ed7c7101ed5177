"""Replies as Bot API calls: HTML split to Telegram's length, buttons as inline keyboards."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import ExtBot

from bot.channels.telegram.inbox import DurableUpdateQueue
from bot.channels.telegram.rate_limit import ONE_TRY, RateLimitArgs, retry_seconds
from bot.conversation import Blocked, DeliveryError, Keyboard, MessageId, Outcome, Reply
from bot.engine.render import TELEGRAM_LIMIT, split_message
from bot.peer import TELEGRAM


def markup(keyboard: Keyboard) -> InlineKeyboardMarkup | None:
    if not keyboard:
        return None
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(b.text, url=b.url)
                if b.url
                else InlineKeyboardButton(b.text, callback_data=b.payload)
                for b in row
            ]
            for row in keyboard
        ]
    )


def _gone(exc: TelegramError) -> bool:
    """The user blocked the bot, or the chat no longer exists."""
    return isinstance(exc, Forbidden) or (
        isinstance(exc, BadRequest) and "chat not found" in exc.message.lower()
    )


class TelegramOutlet:
    """The flows' `Outlet` for Telegram. Parse mode, quoting and link previews come from the
    Application's `Defaults`."""

    channel = TELEGRAM
    max_text = TELEGRAM_LIMIT

    def __init__(self, bot: ExtBot[RateLimitArgs], inbox: DurableUpdateQueue | None = None) -> None:
        self.bot = bot
        self.inbox = inbox

    async def send(
        self, chat_id: int, reply: Reply, thread_id: int | None = None
    ) -> MessageId | None:
        try:
            return await self._send(chat_id, reply, thread_id)
        except TelegramError as exc:
            raise (Blocked if _gone(exc) else DeliveryError)(exc.message) from exc

    async def _send(self, chat_id: int, reply: Reply, thread_id: int | None) -> int | None:
        keyboard = markup(reply.keyboard)
        if reply.file is not None:
            upload = InputFile(reply.file.data, filename=reply.file.filename)
            send_file = (
                self.bot.send_photo if reply.file.kind == "photo" else self.bot.send_document
            )
            sent = await send_file(
                chat_id,
                upload,
                caption=reply.html or None,
                reply_markup=keyboard,
                message_thread_id=thread_id,
            )
            return sent.message_id
        parts = split_message(reply.html, self.max_text)
        message_id = None
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            sent = await self.bot.send_message(
                chat_id, part, reply_markup=keyboard if last else None, message_thread_id=thread_id
            )
            message_id = sent.message_id
        return message_id

    async def edit(self, chat_id: int, message_id: MessageId, reply: Reply) -> None:
        try:
            await self.bot.edit_message_text(
                reply.html,
                chat_id=chat_id,
                message_id=int(message_id),
                reply_markup=markup(reply.keyboard),
            )
        except BadRequest as exc:
            if "not modified" not in exc.message.lower():
                raise DeliveryError(exc.message) from exc
        except TelegramError as exc:
            raise DeliveryError(exc.message) from exc

    async def answer_tap(self, tap_id: str, text: str | None = None) -> None:
        try:
            await self.bot.answer_callback_query(tap_id, text=text)
        except TelegramError as exc:
            raise DeliveryError(exc.message) from exc

    async def deliver(self, chat_id: int, html: str) -> Outcome:
        try:
            await self.bot.send_message(chat_id, html, rate_limit_args=ONE_TRY)
        except RetryAfter as exc:
            return Outcome("retry", retry_after=retry_seconds(exc))
        except TelegramError as exc:
            if _gone(exc):
                return Outcome("blocked", error=exc.message)
            if isinstance(exc, NetworkError) and not isinstance(exc, BadRequest):
                return Outcome("retry", error=exc.message)  # no time given: back off
            return Outcome("failed", error=exc.message)
        return Outcome("sent")

    def answer_sent(self, question_id: int) -> None:
        if self.inbox is not None:
            self.inbox.sent(question_id)

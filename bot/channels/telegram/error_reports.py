"""A short report of a failure to the administrators' chat: what failed and where, never the
token, never more than 200 characters of what the user wrote, at most once a minute for the
same error."""

from __future__ import annotations

import logging
import time
import traceback
from pathlib import Path

from telegram import Bot, Update
from telegram.error import TelegramError

from bot.engine.render import escape
from bot.i18n import DEFAULT_LANGUAGE, t

log = logging.getLogger(__name__)

SAME_ERROR_EVERY = 60.0  # seconds
USER_TEXT_SHOWN = 200
DETAIL_SHOWN = 300


class ErrorReports:
    def __init__(self, bot: Bot, chat_id: int, secrets: list[str]) -> None:
        self.bot = bot
        self.chat_id = chat_id
        self._secrets = [s for s in secrets if s]  # the token, a proxy URL with its password
        self._last_sent: dict[tuple[str, str], float] = {}

    async def report(self, error: BaseException, update: Update | None) -> None:
        where = _where(error)
        key = (type(error).__name__, where)
        now = time.monotonic()
        if now - self._last_sent.get(key, -SAME_ERROR_EVERY) < SAME_ERROR_EVERY:
            return
        self._last_sent[key] = now
        try:
            await self.bot.send_message(self.chat_id, self.text(error, where, update))
        except TelegramError as exc:
            log.warning("could not report an error to chat %s: %s", self.chat_id, exc)

    def text(self, error: BaseException, where: str, update: Update | None) -> str:
        detail = self._redact(f"{type(error).__name__}: {error}")[:DETAIL_SHOWN]
        title = escape(t(DEFAULT_LANGUAGE, "error_report_title"))
        lines = [f"⚠️ <b>{title}</b>", f"<code>{escape(detail)}</code>", escape(where)]
        if update is not None:
            lines.append(f"update {update.update_id}")
            message = update.effective_message
            written = message.text or message.caption if message is not None else None
            if written:
                shown = self._redact(written)[:USER_TEXT_SHOWN]
                more = "…" if len(written) > USER_TEXT_SHOWN else ""
                lines.append(escape(t(DEFAULT_LANGUAGE, "error_report_text", text=shown + more)))
        return "\n".join(lines)

    def _redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "<secret>")
        return text


def _where(error: BaseException) -> str:
    """The innermost frame of our own code the error passed through: file and line."""
    frames = traceback.extract_tb(error.__traceback__)
    ours = [f for f in frames if "/site-packages/" not in f.filename] or frames
    if not ours:
        return "?"
    frame = ours[-1]
    return f"{'/'.join(Path(frame.filename).parts[-2:])}:{frame.lineno} in {frame.name}"

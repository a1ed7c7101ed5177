"""A short report of a failure to the administrators' chat: what failed and where, never a
token, never more than 200 characters of what the user wrote, at most once a minute for the
same error. Channel-neutral: sent through an Outlet (the errors chat is a Telegram chat, and
failures on MAX are reported there too)."""

from __future__ import annotations

import logging
import time
import traceback
from pathlib import Path

from bot.conversation import DeliveryError, Outlet, Reply
from bot.engine.render import escape
from bot.i18n import DEFAULT_LANGUAGE, t

log = logging.getLogger(__name__)

SAME_ERROR_EVERY = 60.0  # seconds
USER_TEXT_SHOWN = 200
DETAIL_SHOWN = 300


class ErrorReports:
    def __init__(self, outlet: Outlet, chat_id: int, secrets: list[str]) -> None:
        self.outlet = outlet
        self.chat_id = chat_id
        self._secrets = [s for s in secrets if s]  # tokens, a proxy URL with its password
        self._last_sent: dict[tuple[str, str], float] = {}

    async def report(
        self, error: BaseException, received: str | None = None, written: str | None = None
    ) -> None:
        """`received`: what the failure was handling ("update 123", "MAX message");
        `written`: what the user wrote, if anything."""
        where = _where(error)
        key = (type(error).__name__, where)
        now = time.monotonic()
        if now - self._last_sent.get(key, -SAME_ERROR_EVERY) < SAME_ERROR_EVERY:
            return
        self._last_sent[key] = now
        try:
            await self.outlet.send(self.chat_id, Reply(self.text(error, where, received, written)))
        except DeliveryError as exc:
            log.warning("could not report an error to chat %s: %s", self.chat_id, exc)

    def text(
        self, error: BaseException, where: str, received: str | None, written: str | None
    ) -> str:
        detail = self._redact(f"{type(error).__name__}: {error}")[:DETAIL_SHOWN]
        title = escape(t(DEFAULT_LANGUAGE, "error_report_title"))
        lines = [f"⚠️ <b>{title}</b>", f"<code>{escape(detail)}</code>", escape(where)]
        if received is not None:
            lines.append(escape(received))
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

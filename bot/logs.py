"""Logging for the running bot: one format, no secrets.

httpx logs every request URL at INFO, and a Bot API URL carries the token, so httpx and httpcore
log only warnings; a filter on every handler also replaces any secret left in a message or a
traceback with "<redacted>".
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from bot.config import Settings

REDACTED = "<redacted>"


class RedactSecrets(logging.Filter):
    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def _redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self._redact(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self._redact(record.exc_text)
        return True


def configure_logging(settings: Settings) -> None:
    logging.basicConfig(
        level=settings.log_level_number,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        force=True,
    )
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # The webhook secret too: PTB logs setWebhook's parameters at DEBUG.
    secrets = [s.get() for s in (settings.telegram_bot_token, settings.webhook_secret) if s]
    redact = RedactSecrets(secrets)
    for handler in logging.getLogger().handlers:
        handler.addFilter(redact)

"""Webhook mode for MAX: MAX posts each update to MAX_WEBHOOK_URL with the secret in
X-Max-Bot-Api-Secret. The update is stored before MAX hears "ok", then handled as a polled one.

MAX posts only to HTTPS on port 443 with a certificate from a public CA: a reverse proxy there
forwards to WEBHOOK_LISTEN:MAX_WEBHOOK_PORT, where this small tornado server listens.
"""

from __future__ import annotations

import json
import logging
from urllib.parse import urlparse

from tornado.httpserver import HTTPServer
from tornado.web import Application as WebApplication

from bot.channels.max.client import MaxClient
from bot.channels.max.events import UPDATE_TYPES, update_key
from bot.channels.max.handling import UpdateHandling
from bot.channels.secret_post import MAX_BODY, SecretPost
from bot.config import Settings
from bot.storage.max_inbox import MaxInbox

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Max-Bot-Api-Secret"


class MaxUpdateHandler(SecretPost):
    """MAX's posts, with the secret in X-Max-Bot-Api-Secret."""

    secret_header = SECRET_HEADER

    def initialize(self, hook: MaxWebhook) -> None:
        self.hook, self.secret = hook, hook.secret

    async def post(self) -> None:
        if self.hook.stopping:  # MAX delivers it again later
            self.set_status(503)
            self.finish("stopping")
            return
        try:
            update = json.loads(bytes(self.body))
        except (ValueError, RecursionError):
            update = None
        if not isinstance(update, dict) or not isinstance(update.get("update_type"), str):
            self.set_status(400)
            self.finish("bad update")
            return
        await self.hook.receive(update)
        self.finish("ok")


class MaxWebhook:
    def __init__(
        self, client: MaxClient, inbox: MaxInbox, handling: UpdateHandling, settings: Settings
    ) -> None:
        assert settings.max_webhook_url is not None and settings.max_webhook_secret is not None
        self.client = client
        self.inbox = inbox
        self.handling = handling
        self.url = settings.max_webhook_url
        self.secret = settings.max_webhook_secret.get()
        self.listen = settings.webhook_listen
        self.port = settings.max_webhook_port
        self.stopping = False
        self._server: HTTPServer | None = None

    async def start(self) -> None:
        await self.handling.replay()
        path = urlparse(self.url).path or "/max"
        web = WebApplication([(path, MaxUpdateHandler, {"hook": self})])
        self._server = HTTPServer(web, max_body_size=MAX_BODY)
        self._server.listen(self.port, self.listen)
        await self.client.subscribe(self.url, self.secret, UPDATE_TYPES)
        log.info("MAX webhook: serving %s on port %s", path, self.port)

    async def receive(self, update: dict[str, object]) -> None:
        key = update_key(update)
        body = json.dumps(update, ensure_ascii=False)
        # Stored before MAX hears "ok"; after a stop began it waits for the next start.
        if await self.inbox.receive([(key, body)], None) and not self.stopping:
            self.handling.submit(key, update)

    async def stop(self) -> None:
        self.stopping = True
        if self._server is not None:
            self._server.stop()
            await self._server.close_all_connections()
            self._server = None

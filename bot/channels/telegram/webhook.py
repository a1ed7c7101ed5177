"""Webhook mode: Telegram posts updates to WEBHOOK_URL; /healthz says whether the bot is ready.

python-telegram-bot's own webhook server has no room for a health check, so this is a small
tornado server (tornado comes with PTB's webhooks extra) in front of the Application's update
queue. Requests without the right X-Telegram-Bot-Api-Secret-Token header are refused before
their body is read; bodies over MAX_BODY are refused too.
"""

from __future__ import annotations

import asyncio
import json
import logging
import signal
from urllib.parse import urlparse

from telegram import Bot, Update
from telegram.ext import Application
from tornado.httpserver import HTTPServer
from tornado.web import Application as WebApplication
from tornado.web import RequestHandler

from bot.channels.secret_post import MAX_BODY, SecretPost
from bot.channels.telegram.inbox import DurableUpdateQueue
from bot.config import Settings

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def webhook_path(settings: Settings) -> str:
    return urlparse(settings.webhook_url or "").path or "/telegram"


def parse_update(body: bytes, bot: Bot) -> Update | None:
    """The update in a request body, or None for anything that is not one (JSON null, a list,
    a number, nesting too deep to parse)."""
    try:
        data = json.loads(body)
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            return None
        return Update.de_json(data, bot)
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
        return None


class UpdateHandler(SecretPost):
    """Telegram's posts, with the secret in X-Telegram-Bot-Api-Secret-Token."""

    secret_header = SECRET_HEADER

    def initialize(self, app: Application, secret: str) -> None:
        self.app, self.secret = app, secret

    async def post(self) -> None:
        if not self.app.running:  # stopping: Telegram delivers it again later
            self.set_status(503)
            self.finish("stopping")
            return
        update = parse_update(bytes(self.body), self.app.bot)
        if update is None:
            self.set_status(400)
            self.finish("bad update")
            return
        await self.app.update_queue.put(update)
        if isinstance(self.app.update_queue, DurableUpdateQueue):
            await self.app.update_queue.flush()  # stored before Telegram hears "ok"
        self.finish("ok")


class HealthHandler(RequestHandler):
    def initialize(self, app: Application) -> None:
        self.app = app

    async def get(self) -> None:
        checks = {"engine": False, "database": False}
        bot_data = self.app.bot_data
        if bot_data.ready:
            services = bot_data.services
            checks["engine"] = bool(services.engine.kb.entries)
            try:
                await services.storage.check_writable()
                checks["database"] = True
            except Exception:  # reported, not raised: this is what /healthz is for
                log.warning("health check: the database cannot be written", exc_info=True)
        ok = all(checks.values())
        self.set_status(200 if ok else 503)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"status": "ok" if ok else "unavailable", **checks}))


def serve(app: Application, settings: Settings) -> HTTPServer:
    """The webhook and /healthz, listening."""
    assert settings.webhook_secret is not None
    web = WebApplication(
        [
            (
                webhook_path(settings),
                UpdateHandler,
                {"app": app, "secret": settings.webhook_secret.get()},
            ),
            (r"/healthz", HealthHandler, {"app": app}),
        ]
    )
    server = HTTPServer(web, max_body_size=MAX_BODY)
    server.listen(settings.webhook_port, settings.webhook_listen)
    return server


async def run_webhook(app: Application, settings: Settings) -> None:
    """Serve until SIGTERM or SIGINT, then stop as long polling does."""
    assert settings.webhook_url is not None and settings.webhook_secret is not None
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    try:
        await app.initialize()
        if app.post_init:
            await app.post_init(app)
        await app.start()
        server = serve(app, settings)
        await app.bot.set_webhook(
            settings.webhook_url,
            secret_token=settings.webhook_secret.get(),
            allowed_updates=Update.ALL_TYPES,
        )
        log.info(
            "webhook: serving %s and /healthz on port %s",
            webhook_path(settings),
            settings.webhook_port,
        )
        await stop.wait()
        server.stop()
        await server.close_all_connections()  # Telegram keeps connections open
    finally:  # also after a failed start: post_shutdown closes the database
        if app.running:
            await app.stop()
            if app.post_stop:
                await app.post_stop(app)
        await app.shutdown()
        if app.post_shutdown:
            await app.post_shutdown(app)

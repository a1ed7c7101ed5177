"""The PTB Application: typed context, Defaults, durable updates, per-chat order, rate limits,
and the start-up that gives the flows their services."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable

from telegram import LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.ext import Application, ApplicationBuilder, ContextTypes, Defaults
from telegram.request import HTTPXRequest

from bot.channels.telegram import dispatch
from bot.channels.telegram.context import BotData, SmolContext
from bot.channels.telegram.inbox import DurableUpdateQueue, UpdatesRequest
from bot.channels.telegram.menus import set_up_menus
from bot.channels.telegram.outlet import TelegramOutlet
from bot.channels.telegram.rate_limit import PerChatRateLimiter
from bot.channels.telegram.updates import PerChatOrder
from bot.config import Settings
from bot.error_reports import ErrorReports
from bot.peer import TELEGRAM
from bot.services import Services

log = logging.getLogger(__name__)

PURGE_AT = dt.time(3, 30, tzinfo=dt.UTC)  # the daily purge, at a quiet hour

# The composition root's part: the services, ready, once the Telegram side has started.
ServicesFactory = Callable[[Application, DurableUpdateQueue], Awaitable[Services]]


class SmolApplication(Application):
    """PTB's Application, whose stop leaves the updates not yet begun for the next start."""

    async def stop(self) -> None:
        if isinstance(self.update_processor, PerChatOrder):
            self.update_processor.begin_stop()
        await super().stop()


async def purge_old_records(context: SmolContext) -> None:
    """Daily (Storage.purge_old): questions past LOG_RETENTION_DAYS, handled updates' keys."""
    services = context.services
    deleted = await services.storage.purge_old(services.settings.log_retention_days)
    if deleted:
        log.info("purged %s questions past retention", deleted)


def build_telegram(
    settings: Settings,
    start_services: ServicesFactory,
    stop_services: Callable[[], Awaitable[None]],
    close_services: Callable[[], Awaitable[None]],
    rate_limited: bool = True,
    started: Callable[[Services], Awaitable[None]] | None = None,
) -> Application:
    """The Telegram bot. `start_services` runs in post_init (storage open, engine loaded);
    `started` at its end, with Telegram's outlet registered; `stop_services` before the HTTP
    client closes; `close_services` at the very end, also after a failed start."""
    inbox = DurableUpdateQueue()

    async def post_init(app: Application) -> None:
        services = await start_services(app, inbox)
        outlet = TelegramOutlet(app.bot, inbox)
        services.outlets[TELEGRAM] = outlet
        services.flood = app.bot_data.flood
        services.before_stats.append(inbox.write_done)
        app.bot_data.attach(services, outlet)
        errors_chat = settings.errors_chat_id
        if errors_chat is not None:
            secrets = [settings.require_token().get(), settings.telegram_proxy_url or ""]
            if settings.max_bot_token is not None:
                secrets.append(settings.max_bot_token.get())
            reports = ErrorReports(outlet, errors_chat, secrets)
            app.bot_data.error_reports = services.error_reports = reports
        if services.worker is not None:
            services.worker.start()  # resumes a broadcast a restart interrupted
        await inbox.replay(app.bot)  # handled once the application starts
        if app.job_queue is not None:
            app.job_queue.run_once(purge_old_records, when=1)  # a restart may have missed one
            app.job_queue.run_daily(purge_old_records, time=PURGE_AT)
        await set_up_menus(app.bot, settings.admin_ids)
        if started is not None:
            await started(services)

    async def post_stop(app: Application) -> None:
        await stop_services()

    async def post_shutdown(app: Application) -> None:
        """Also after a start that failed or was stopped halfway: aiosqlite's thread would keep
        the process alive, and systemd would never restart it."""
        await stop_services()  # a start that failed after the worker began: no task left behind
        await inbox.close()
        await close_services()

    builder = (
        ApplicationBuilder()
        .application_class(SmolApplication)
        .update_queue(inbox)
        .token(settings.require_token().get())
        .base_url(settings.telegram_api_base_url)
        .base_file_url(settings.telegram_api_base_url.replace("/bot", "/file/bot", 1))
        .context_types(ContextTypes(context=SmolContext, bot_data=BotData))
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                do_quote=False,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .concurrent_updates(PerChatOrder(inbox))
        .request(HTTPXRequest(connection_pool_size=256, proxy=settings.telegram_proxy_url))
        .get_updates_request(UpdatesRequest(inbox, proxy=settings.telegram_proxy_url))
        .post_init(post_init)
        .post_stop(post_stop)
        .post_shutdown(post_shutdown)
    )
    if rate_limited:
        # The builder typed the bot ExtBot[None] before this optional step; the limiter takes
        # rate_limit_args (ONE_TRY), which the typed context's ExtBot[RateLimitArgs] allows.
        builder = builder.rate_limiter(PerChatRateLimiter())  # type: ignore[arg-type]
    app = builder.build()
    dispatch.register(app)
    return app

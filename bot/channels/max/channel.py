"""The MAX side of the bot: started with the shared services, stopped before they close.

Receives by long polling from the stored marker, or by a webhook with MAX_WEBHOOK_URL; hands
each update to the flows as an Event; sets up the command menu.
"""

from __future__ import annotations

import logging
from collections.abc import Hashable
from dataclasses import replace
from typing import Any, Protocol

from bot.channels.max.client import MaxClient, MaxError
from bot.channels.max.events import chat_of, to_event
from bot.channels.max.handling import UpdateHandling
from bot.channels.max.outlet import MaxOutlet
from bot.channels.max.polling import Polling
from bot.channels.max.webhook import MaxWebhook
from bot.config import ConfigError, Settings
from bot.conversation import Event, Reply
from bot.engine.render import escape
from bot.i18n import DEFAULT_LANGUAGE, t
from bot.peer import MAX
from bot.services import Services
from handlers.routes import RESIDENT_MENU, route

log = logging.getLogger(__name__)

STOP_GRACE = 5.0  # seconds the updates in hand get to finish at a stop


class MaxChannel:
    def __init__(self, settings: Settings, stop_grace: float = STOP_GRACE) -> None:
        if settings.max_bot_token is None:
            raise ConfigError("MAX_BOT_TOKEN is not set")
        self.settings = settings
        self.stop_grace = stop_grace
        self.client = MaxClient(
            settings.max_bot_token, settings.max_api_base_url, settings.max_ca_bundle
        )
        self.username: str | None = None
        self.bot_id: int | None = None
        self._services: Services | None = None
        self._outlet: MaxOutlet | None = None
        self._handling: UpdateHandling | None = None
        self._receiving: Receiving | None = None
        self._stopped = False

    async def check(self) -> dict[str, Any]:
        """GET /me: raises MaxError if the token is refused or MAX cannot be reached."""
        me = await self.client.me()
        username, user_id = me.get("username"), me.get("user_id")
        self.username = username if isinstance(username, str) else None
        self.bot_id = user_id if isinstance(user_id, int) else None
        return me

    async def start(self, services: Services) -> None:
        """Attach and start receiving at once (MAX alone, with no other outlet to wait for)."""
        await self.attach(services)
        await self.start_receiving()

    async def attach(self, services: Services) -> None:
        """Check the token, register the outlet (before the broadcast worker starts, so a
        broadcast a restart interrupted resumes on MAX too), set up the menu."""
        await self.check()
        self._services = services
        handling = UpdateHandling(services.storage.max_inbox, self._handle, order_key)
        outlet = MaxOutlet(self.client, on_sent=handling.sent)
        outlet.dialogs.update(await services.storage.max_dialogs.all())
        self._handling, self._outlet = handling, outlet
        services.outlets[MAX] = outlet
        services.before_stats.append(handling.write_done)
        await self._set_up_menu()

    async def start_receiving(self) -> None:
        """Updates start coming (those stored before a restart first): once every messenger's
        outlet is registered, since a MAX resident's tap may go to Telegram's operators."""
        services, handling = self._services, self._handling
        assert services is not None and handling is not None
        if self.settings.max_webhook_url:
            self._receiving = MaxWebhook(
                self.client, services.storage.max_inbox, handling, self.settings
            )
        else:
            await self._stop_webhooks()
            self._receiving = Polling(self.client, services.storage.max_inbox, handling)
        await self._receiving.start()

    async def stop_receiving(self) -> None:
        """Take no new update and let the ones in hand finish; sending still works (the
        broadcast worker records its batch in flight after this). Twice is once."""
        if self._stopped:
            return
        self._stopped = True
        if self._receiving is not None:
            await self._receiving.stop()
        if self._handling is not None:
            try:
                await self._handling.drain(self.stop_grace)
            except Exception:
                log.exception("could not record the handled MAX updates at stop")

    async def close(self) -> None:
        """Close the HTTP clients: after the broadcast worker has stopped."""
        await self.stop_receiving()
        await self.client.close()

    async def _handle(self, update: dict[str, Any], received_at: float) -> None:
        services, outlet = self._services, self._outlet
        assert services is not None and outlet is not None
        event = to_event(update, self.username, self.bot_id)
        if event is None:
            await self._answer_orphan_tap(update)
            return
        event = replace(event, received_at=received_at)
        user = event.user
        if user is not None and event.private and outlet.dialogs.get(user.id) != event.chat_id:
            outlet.dialogs[user.id] = event.chat_id
            await services.storage.max_dialogs.remember(user.id, event.chat_id)
        try:
            await route(event, outlet, services)
        except Exception as exc:
            log.exception("MAX update for chat %s failed", event.chat_id)
            await self._tell_about_error(event)
            if services.error_reports is not None:
                await services.error_reports.report(exc, f"MAX {event.kind}", event.text)

    async def _tell_about_error(self, event: Event) -> None:
        assert self._services is not None and self._outlet is not None
        lang = DEFAULT_LANGUAGE
        try:
            if event.user is not None:
                found = await self._services.storage.users.language(event.user)
                lang = found or lang
            await self._outlet.send(event.chat_id, Reply(escape(t(lang, "error"))))
        except Exception:  # the messenger or the storage may be what failed
            log.warning("could not tell MAX chat %s about the error", event.chat_id)

    async def _answer_orphan_tap(self, update: dict[str, Any]) -> None:
        """A button on a message that is gone: answered, so it does not keep spinning."""
        callback = update.get("callback")
        if update.get("update_type") == "message_callback" and isinstance(callback, dict):
            callback_id = callback.get("callback_id")
            if isinstance(callback_id, str):
                try:
                    await self.client.answer(callback_id, None)
                except MaxError as exc:
                    log.warning("could not answer a MAX callback: %s", exc)

    async def _set_up_menu(self) -> None:
        """MAX has one menu for everybody: the residents' commands, in the default language."""
        commands = [
            {"name": name, "description": t(DEFAULT_LANGUAGE, f"command_{name}")}
            for name in RESIDENT_MENU
        ]
        try:
            await self.client.set_commands(commands)
        except MaxError as exc:
            log.warning("could not set the MAX command menu: %s", exc)

    async def _stop_webhooks(self) -> None:
        """Polling works only while no webhook is subscribed (one left from webhook mode)."""
        try:
            for subscription in await self.client.subscriptions():
                url = subscription.get("url")
                if isinstance(url, str):
                    await self.client.unsubscribe(url)
                    log.info("removed the MAX webhook %s to poll instead", url)
        except MaxError as exc:
            log.warning("could not check MAX webhooks: %s", exc)


def order_key(update: dict[str, Any]) -> Hashable:
    """The chat an update belongs to: its updates are handled in order."""
    chat_id = chat_of(update)
    return chat_id if chat_id is not None else ("update", id(update))  # no chat: no order


class Receiving(Protocol):
    """Polling or the webhook."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

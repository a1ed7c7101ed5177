"""One event being answered: the event, where replies go, the services, the user's language."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.conversation import Event, MessageId, Outlet, Reply
from bot.i18n import DEFAULT_LANGUAGE
from bot.services import Services


@dataclass
class Turn:
    event: Event
    outlet: Outlet
    services: Services
    tap_answered: bool = False
    # What the payload pattern of the tapped button captured (handlers/routes.py).
    parts: tuple[str, ...] = ()
    _lang: str | None = field(default=None, repr=False)

    async def language(self) -> str:
        """The language to talk to this user in; records that they wrote (once a turn)."""
        if self._lang is None:
            user = self.event.user
            self._lang = (
                DEFAULT_LANGUAGE
                if user is None
                else await self.services.storage.users.touch(user, self.event.language_code)
            )
        return self._lang

    async def stored_language(self) -> str:
        """The user's language without recording a visit (for /forget_me and floods)."""
        user = self.event.user
        found = await self.services.storage.users.language(user) if user else None
        return found or DEFAULT_LANGUAGE

    @property
    def is_admin(self) -> bool:
        return self.services.is_admin(self.event.user)

    async def say(self, reply: Reply | str) -> MessageId | None:
        """Reply in the event's chat (a str is HTML); returns the id of the last message."""
        if isinstance(reply, str):
            reply = Reply(reply)
        return await self.outlet.send(self.event.chat_id, reply, self.event.thread_id)

    async def toast(self, text: str | None = None) -> None:
        """Answer the tap, with a short notice if `text`; once (later calls do nothing)."""
        if self.event.tap_id is None or self.tap_answered:
            return
        self.tap_answered = True
        await self.outlet.answer_tap(self.event.tap_id, text)

    async def edit(self, reply: Reply | str) -> None:
        """Replace the message whose button was tapped."""
        if self.event.message_id is None:
            return
        if isinstance(reply, str):
            reply = Reply(reply)
        await self.outlet.edit(self.event.chat_id, self.event.message_id, reply)

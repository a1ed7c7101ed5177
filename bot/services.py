"""What the flows work with: one set of services per process, shared by every messenger."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bot.broadcast import BroadcastWorker
from bot.charts import Charts
from bot.config import Settings
from bot.conversation import Outlet
from bot.engine.answer import Engine
from bot.error_reports import ErrorReports
from bot.facts import Fact
from bot.flood import FloodGuard
from bot.peer import MAX, TELEGRAM, Peer
from bot.storage import Storage


@dataclass
class Services:
    settings: Settings
    engine: Engine
    storage: Storage
    facts: list[Fact] = field(default_factory=list)
    charts: Charts | None = None
    worker: BroadcastWorker | None = None
    # The adapters of the messengers this process serves, by channel name.
    outlets: dict[str, Outlet] = field(default_factory=dict)
    flood: FloodGuard = field(default_factory=FloodGuard)
    # Where failures are reported (a Telegram chat: set while Telegram is served).
    error_reports: ErrorReports | None = None
    # Writes an adapter batches (done marks, answers sent), run before /stats reads the counts.
    before_stats: list[Callable[[], Awaitable[None]]] = field(default_factory=list)

    def admin_ids(self, channel: str) -> frozenset[int]:
        by_channel = {TELEGRAM: self.settings.admin_ids, MAX: self.settings.max_admin_ids}
        return by_channel.get(channel, frozenset())

    def is_admin(self, user: Peer | None) -> bool:
        return user is not None and user.id in self.admin_ids(user.channel)

    @property
    def operators(self) -> tuple[str, int] | None:
        """The operators' chat (channel, chat id), if residents can be handed to a person: a
        Telegram group, so only while this process serves Telegram."""
        chat = self.settings.operators_chat_id
        return (TELEGRAM, chat) if chat is not None and TELEGRAM in self.outlets else None

"""Who someone is across messengers: a user id means nothing without its channel."""

from __future__ import annotations

from typing import NamedTuple

TELEGRAM = "telegram"
MAX = "max"


class Peer(NamedTuple):
    """A user (or a private chat with them) on one messenger."""

    channel: str
    id: int

"""The plain values between the flows (`handlers/`) and the messenger adapters.

An adapter turns its messenger's update into an `Event`, hands it to `handlers.route`, and
implements `Outlet`: how a `Reply` (HTML text, buttons, a file) becomes its API's calls within
its limits. Flows never import a messenger library; a new messenger is a new adapter.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

from bot.peer import Peer

# Payloads are built for the strictest messenger: Telegram's callback_data holds 64 bytes.
MAX_PAYLOAD_BYTES = 64
# Photo captions: Telegram's limit; flows cut plain text to it before escaping.
MAX_CAPTION = 1024

# Telegram numbers messages; MAX names them ("mid.0123abcd...").
MessageId = int | str

EventKind = Literal["message", "tap", "edited", "other", "started"]


@dataclass(frozen=True, slots=True)
class Event:
    """Something a person did: wrote (`message`), tapped a button (`tap`), edited a message
    (`edited`), sent something that is not text (`other`), or opened the bot (`started`)."""

    channel: str
    kind: EventKind
    chat_id: int
    user: Peer | None = None
    private: bool = True
    language_code: str | None = None  # the messenger's language tag, if it gives one
    text: str = ""  # plain text; in a group, without the bot's @mention
    html: str = ""  # the same text as HTML, with the sender's formatting
    command: str | None = None  # "rank" for "/rank 2019" (lower case)
    args: str = ""  # "2019"
    addressed: bool = True  # in a group: the message mentions the bot or replies to it
    reply_to: MessageId | None = None  # the id of the message this one replies to
    reply_to_html: str = ""  # that message's text or caption, as HTML
    payload: str | None = None  # a tapped button's payload ("" if it carried none)
    tap_id: str | None = None  # to answer the tap (stops the button spinning)
    message_id: MessageId | None = None  # this message, or the one whose button was tapped
    thread_id: int | None = None  # a forum topic in a group, where replies go
    update_id: int | None = None  # the messenger's id for this delivery, to log once
    # When the adapter received it (time.monotonic()), if it may be handled much later: flood
    # control counts arrivals, not the pace at which a chat's replies may go out.
    received_at: float | None = None


@dataclass(frozen=True, slots=True)
class Button:
    """A button that sends `payload` back as a tap, or opens `url`."""

    text: str
    payload: str | None = None
    url: str | None = None


Keyboard = tuple[tuple[Button, ...], ...]


@dataclass(frozen=True, slots=True)
class Attachment:
    data: bytes
    filename: str
    kind: Literal["photo", "document"]


@dataclass(frozen=True, slots=True)
class Reply:
    """One reply: HTML of any length (the adapter splits it to its messenger's limit, buttons
    under the last part), or a file with `html` as its caption."""

    html: str = ""
    keyboard: Keyboard = ()
    file: Attachment | None = None


def payload(*parts: object) -> str:
    """A button payload from parts; refused here rather than by the messenger."""
    data = ":".join(str(p) for p in parts)
    if len(data.encode()) > MAX_PAYLOAD_BYTES:
        raise ValueError(f"payload over {MAX_PAYLOAD_BYTES} bytes: {data!r}")
    return data


class DeliveryError(Exception):
    """A message could not be sent; `str(error)` says why in the messenger's words."""


class Blocked(DeliveryError):
    """The user blocked the bot, or the chat is gone."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one broadcast message."""

    status: Literal["sent", "blocked", "retry", "failed"]
    retry_after: float | None = None  # "retry": seconds the messenger asked for; None: backoff
    error: str | None = None


class Outlet(Protocol):
    """What a messenger adapter does for the flows; `send` and `edit` raise `DeliveryError`."""

    @property
    def channel(self) -> str: ...

    @property
    def max_text(self) -> int:
        """The longest text one message may carry, in the units the messenger counts."""
        ...

    async def send(
        self, chat_id: int, reply: Reply, thread_id: int | None = None
    ) -> MessageId | None:
        """Send; returns the id of the (last) message sent."""
        ...

    async def edit(self, chat_id: int, message_id: MessageId, reply: Reply) -> None:
        """Replace a message's text and buttons (unchanged text is not an error)."""
        ...

    async def answer_tap(self, tap_id: str, text: str | None = None) -> None: ...

    async def deliver(self, chat_id: int, html: str) -> Outcome:
        """One broadcast message; never raises for a messenger's refusal."""
        ...

    def answer_sent(self, question_id: int) -> None:
        """The answer to a logged question went out (for the adapter's delivery records)."""
        ...

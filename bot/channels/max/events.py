"""A MAX update as a plain `Event`, and the key that names it (to handle it once).

MAX sends commands as plain text ("/rank 2019"), greets with `bot_started` instead of
"/start", and gives the user's language as a BCP 47 `user_locale` ("ru-RU").
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import replace
from typing import Any

from bot.channels.max.markup import markup_html
from bot.conversation import Event
from bot.engine.render import escape
from bot.peer import MAX, Peer

# The updates the bot takes; MAX sends only these when asked with `types`.
UPDATE_TYPES = ("message_created", "message_callback", "bot_started", "message_edited")
_COMMAND = re.compile(r"^/([A-Za-z0-9_]{1,64})(?:@([A-Za-z0-9_]+))?(?:\s+|$)")


def update_key(update: dict[str, Any]) -> str:
    """What names an update across deliveries: a message's mid, a callback's id; else a hash
    of the whole update (a repeated delivery is the same JSON)."""
    kind = update.get("update_type")
    if kind == "message_created":
        mid = _dict(_dict(update.get("message")).get("body")).get("mid")
        if isinstance(mid, str) and mid:
            return f"m:{mid}"
    if kind == "message_callback":
        callback_id = _dict(update.get("callback")).get("callback_id")
        if isinstance(callback_id, str) and callback_id:
            return f"c:{callback_id}"
    digest = hashlib.sha256(json.dumps(update, sort_keys=True).encode()).hexdigest()[:32]
    return f"h:{kind}:{digest}"


def chat_of(update: dict[str, Any]) -> int | None:
    """The chat an update happened in: bot_started names it; a message, and a tap on one,
    through the message's recipient."""
    chat_id = update.get("chat_id")
    if not isinstance(chat_id, int):
        chat_id = _dict(_dict(update.get("message")).get("recipient")).get("chat_id")
    return chat_id if isinstance(chat_id, int) else None


def to_event(
    update: dict[str, Any], bot_username: str | None, bot_id: int | None = None
) -> Event | None:
    """The event, or None for an update no flow takes (a message from a channel, a bot...)."""
    kind = update.get("update_type")
    locale = update.get("user_locale")
    language = locale if isinstance(locale, str) else None
    if kind == "bot_started":
        user = _user(update.get("user"))
        chat_id = chat_of(update)
        if user is None or chat_id is None:
            return None
        return Event(MAX, "started", chat_id, user=user, language_code=language)
    if kind == "message_callback":
        return _tap(update, language)
    if kind in ("message_created", "message_edited"):
        edited = kind == "message_edited"
        return _message(update, language, bot_username, bot_id, edited=edited)
    return None


def _tap(update: dict[str, Any], language: str | None) -> Event | None:
    callback = _dict(update.get("callback"))
    user = _user(callback.get("user"))
    callback_id = callback.get("callback_id")
    message = _dict(update.get("message"))
    chat_id = chat_of(update)
    if user is None or not isinstance(callback_id, str) or chat_id is None:
        return None
    payload = callback.get("payload")
    return Event(
        MAX,
        "tap",
        chat_id,
        user=user,
        private=_dict(message.get("recipient")).get("chat_type") != "chat",
        language_code=language,
        payload=payload if isinstance(payload, str) else "",
        tap_id=callback_id,
        message_id=_mid(_dict(message.get("body"))),
    )


def _message(
    update: dict[str, Any],
    language: str | None,
    bot_username: str | None,
    bot_id: int | None,
    edited: bool,
) -> Event | None:
    message = _dict(update.get("message"))
    user = _user(message.get("sender"))
    recipient = _dict(message.get("recipient"))
    chat_id = chat_of(update)
    if user is None or chat_id is None:
        return None  # a channel's post, or a bot's message
    body = _dict(message.get("body"))
    private = recipient.get("chat_type") != "chat"
    text = body.get("text") if isinstance(body.get("text"), str) else ""
    linked = _dict(message.get("link"))
    replied = _dict(linked.get("message")) if linked.get("type") == "reply" else {}
    replied_text = replied.get("text")
    event = Event(
        MAX,
        "other",
        chat_id,
        user=user,
        private=private,
        language_code=language,
        message_id=_mid(body),
        reply_to=_mid(replied),
        reply_to_html=escape(replied_text) if isinstance(replied_text, str) else "",
    )
    if edited:
        return replace(event, kind="edited", text=text or "")
    if not text:
        return event
    command, args, addressee = _command(text)
    if command is not None and addressee and addressee.lower() != (bot_username or "").lower():
        command = f"{command}@{addressee}".lower()  # for another bot: matches no flow
    mention = _mention(bot_username)
    replied_to_bot = bot_id is not None and _dict(linked.get("sender")).get("user_id") == bot_id
    addressed = private or replied_to_bot or bool(mention and mention.search(text))
    shown = text  # as written: the markup's offsets count in it
    if command is None and not private and mention is not None:
        text = mention.sub(" ", text).strip()
    return replace(
        event,
        kind="message",
        text=text,
        html=markup_html(shown, body.get("markup")),
        command=command,
        args=args,
        addressed=addressed,
    )


def _mention(bot_username: str | None) -> re.Pattern[str] | None:
    """A mention of the bot as a word of its own ("@bot_name_fan" is someone else)."""
    if not bot_username:
        return None
    return re.compile(rf"(?<![\w@])@{re.escape(bot_username)}(?!\w)", re.IGNORECASE)


def _command(text: str) -> tuple[str | None, str, str | None]:
    """("rank", "2019", None) for "/rank 2019"; (None, "", None) for anything else."""
    found = _COMMAND.match(text.strip())
    if found is None:
        return None, "", None
    return found[1].lower(), " ".join(text.strip()[found.end() :].split()), found[2]


def _mid(body: dict[str, Any]) -> str | None:
    mid = body.get("mid")
    return mid if isinstance(mid, str) else None


def _user(raw: object) -> Peer | None:
    user = _dict(raw)
    user_id = user.get("user_id")
    if not isinstance(user_id, int) or user.get("is_bot"):
        return None
    return Peer(MAX, user_id)


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}

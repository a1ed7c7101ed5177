"""A Telegram update as a plain `Event`; None for updates no flow takes (channel posts, member
changes, service messages)."""

from __future__ import annotations

import re
from dataclasses import replace

from telegram import Bot, CallbackQuery, Message, MessageEntity, Update
from telegram.constants import ChatType
from telegram.ext import filters

from bot.conversation import Event
from bot.peer import TELEGRAM, Peer


def to_event(update: Update, bot: Bot) -> Event | None:
    if update.callback_query is not None:
        return _tap(update.callback_query, update.update_id)
    message = update.message or update.edited_message
    if message is None or filters.StatusUpdate.ALL.check_update(update):
        return None
    user = message.from_user
    private = message.chat.type == ChatType.PRIVATE
    reply = message.reply_to_message
    received = Event(
        channel=TELEGRAM,
        kind="other",
        chat_id=message.chat.id,
        user=Peer(TELEGRAM, user.id) if user else None,
        private=private,
        language_code=user.language_code if user else None,
        message_id=message.message_id,
        thread_id=message.message_thread_id if message.is_topic_message else None,
        update_id=update.update_id,
        reply_to=reply.message_id if reply else None,
        reply_to_html=_html_of(reply) if reply else "",
    )
    if update.edited_message is not None:
        return replace(received, kind="edited", text=message.text or "")
    if message.text is None:
        return received
    text = message.text
    command, args = _command(message, bot)
    if command is None and not private:
        text = _without_mention(text, bot.username)
    return replace(
        received,
        kind="message",
        text=text,
        html=message.text_html,
        command=command,
        args=args,
        addressed=private or _addressed_to(message, bot),
    )


def _tap(tap: CallbackQuery, update_id: int) -> Event | None:
    if tap.game_short_name:
        return None
    message = tap.message
    user = tap.from_user
    return Event(
        channel=TELEGRAM,
        kind="tap",
        chat_id=message.chat.id if message is not None else user.id,
        user=Peer(TELEGRAM, user.id),
        private=message is None or message.chat.type == ChatType.PRIVATE,
        language_code=user.language_code,
        payload=tap.data or "",
        tap_id=tap.id,
        message_id=message.message_id if message is not None else None,
        update_id=update_id,
    )


def _html_of(message: Message) -> str:
    """A message's text or caption as HTML, with its formatting."""
    if message.text is not None:
        return message.text_html
    return message.caption_html or ""


def _command(message: Message, bot: Bot) -> tuple[str | None, str]:
    """("rank", "2019") for "/rank 2019" or "/rank@this_bot 2019", as PTB's CommandHandler
    reads them; a command for another bot keeps its "@name" and so matches no flow."""
    entities = message.entities
    text = message.text or ""
    if not entities or entities[0].type != MessageEntity.BOT_COMMAND or entities[0].offset:
        return None, ""
    name = text[1 : entities[0].length].lower()
    command, _, addressee = name.partition("@")
    if addressee and addressee != (bot.username or "").lower():
        command = name
    return command, " ".join(text.split()[1:])


def _addressed_to(message: Message, bot: Bot) -> bool:
    """In a group: the message mentions the bot or replies to it."""
    reply = message.reply_to_message
    if reply is not None and reply.from_user is not None and reply.from_user.id == bot.id:
        return True
    mention = f"@{bot.username}".lower()
    mentions = message.parse_entities([MessageEntity.MENTION]).values()
    return any(m.lower() == mention for m in mentions)


def _without_mention(text: str, username: str | None) -> str:
    if not username:
        return text
    return re.sub(rf"@{re.escape(username)}\b", " ", text, flags=re.IGNORECASE).strip()

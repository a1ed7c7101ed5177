"""Questions typed in words, the clarify buttons, the votes, and messages that are not text."""

from __future__ import annotations

import re

from telegram import Message, MessageEntity, Update
from telegram.constants import ChatType
from telegram.ext import Application, CallbackQueryHandler, MessageHandler, filters

from bot.app import Context
from bot.engine.render import escape
from bot.i18n import t
from handlers.common import ID, log_and_send, send_html, services, user_language


class _AddressedToBot(filters.MessageFilter):
    """In a group: a message that mentions the bot or replies to it."""

    def filter(self, message: Message) -> bool:
        bot = message.get_bot()
        reply = message.reply_to_message
        if reply is not None and reply.from_user is not None and reply.from_user.id == bot.id:
            return True
        mention = f"@{bot.username}".lower()
        mentions = message.parse_entities([MessageEntity.MENTION]).values()
        return any(m.lower() == mention for m in mentions)


PRIVATE_TEXT = (
    filters.TEXT & ~filters.COMMAND & filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
)
GROUP_TEXT = (
    filters.TEXT
    & ~filters.COMMAND
    & filters.ChatType.GROUPS
    & filters.UpdateType.MESSAGE
    & _AddressedToBot()
)
NOT_TEXT = (
    filters.UpdateType.MESSAGE
    & filters.ChatType.PRIVATE
    & ~filters.TEXT
    & ~filters.StatusUpdate.ALL
)


def _without_mention(text: str, username: str | None) -> str:
    if not username:
        return text
    return re.sub(rf"@{re.escape(username)}\b", " ", text, flags=re.IGNORECASE).strip()


async def question(update: Update, context: Context) -> None:
    message = update.effective_message
    if message is None or message.text is None:
        return
    await user_language(update, context)
    text = message.text
    if update.effective_chat is not None and update.effective_chat.type != ChatType.PRIVATE:
        text = _without_mention(text, context.bot.username)
    answer = services(context).engine.ask(text)
    await log_and_send(update, context, message, answer, text)


async def clarify_pick(update: Update, context: Context) -> None:
    """A tap on one of the titles offered after a clarifying question."""
    query = update.callback_query
    if query is None or query.data is None:
        return
    lang = await user_language(update, context)
    parts = query.data.split(":")
    engine = services(context).engine
    topic = parts[2] if len(parts) == 3 else ""
    if not engine.knows_topic(topic):
        await query.answer(t(lang, "stale"))
        return
    await query.answer()
    answer = engine.answer_topic(topic, lang)
    if isinstance(query.message, Message):
        await log_and_send(update, context, query.message, answer, f"[{topic}]")


async def vote(update: Update, context: Context) -> None:
    query = update.callback_query
    if query is None or query.data is None or update.effective_user is None:
        return
    lang = await user_language(update, context)
    match = re.fullmatch(rf"v:({ID}):(-?1)", query.data)
    stored = match is not None and await services(context).storage.vote(
        int(match[1]), update.effective_user.id, int(match[2])
    )
    await query.answer(t(lang, "vote_thanks" if stored else "vote_unknown"))


async def not_text(update: Update, context: Context) -> None:
    if update.effective_message is not None:
        lang = await user_language(update, context)
        await send_html(update.effective_message, escape(t(lang, "non_text")))


async def edited(update: Update, context: Context) -> None:
    message = update.edited_message
    if message is not None and message.chat.type == ChatType.PRIVATE:
        lang = await user_language(update, context)
        await send_html(message, escape(t(lang, "edited")))


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(MessageHandler(PRIVATE_TEXT | GROUP_TEXT, question))
    app.add_handler(MessageHandler(NOT_TEXT, not_text))
    app.add_handler(MessageHandler(filters.UpdateType.EDITED_MESSAGE, edited))
    app.add_handler(CallbackQueryHandler(clarify_pick, pattern=r"^t:"))
    app.add_handler(CallbackQueryHandler(vote, pattern=r"^v:"))

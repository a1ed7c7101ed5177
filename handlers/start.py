"""/start, /help, /language, /subscribe, /unsubscribe, /forget_me and the start menu."""

from __future__ import annotations

from bot.conversation import Button, Reply, payload
from bot.engine.render import escape
from bot.i18n import DEFAULT_LANGUAGE, LANGUAGES, t
from handlers.answers import menu_keyboard
from handlers.facts import send_rank, send_share
from handlers.services import send_service_list
from handlers.turn import Turn


async def start(turn: Turn) -> None:
    lang = await turn.language()
    await turn.say(Reply(escape(t(lang, "greeting")), await menu_keyboard(turn, lang)))


async def help_command(turn: Turn) -> None:
    lang = await turn.language()
    await turn.say(Reply(escape(t(lang, "help")), await menu_keyboard(turn, lang)))


async def language(turn: Turn) -> None:
    await turn.language()
    keyboard = (tuple(Button(t(lang, "language_name"), payload("l", lang)) for lang in LANGUAGES),)
    # Asked in the bot's first language: whoever needs this may not read the current one.
    await turn.say(Reply(escape(t(DEFAULT_LANGUAGE, "choose_language")), keyboard))


async def language_chosen(turn: Turn) -> None:
    user = turn.event.user
    (lang,) = turn.parts
    if user is None or lang not in LANGUAGES:
        return
    await turn.services.storage.users.set_language(user, lang)
    await turn.toast(t(lang, "language_set"))
    await turn.edit(escape(t(lang, "language_set")))


async def _set_subscription(turn: Turn, subscribed: bool) -> None:
    lang = await turn.language()
    if turn.event.user is not None:
        await turn.services.storage.users.set_subscribed(turn.event.user, subscribed)
    await turn.say(escape(t(lang, "subscribed" if subscribed else "unsubscribed")))


async def subscribe(turn: Turn) -> None:
    await _set_subscription(turn, True)


async def unsubscribe(turn: Turn) -> None:
    await _set_subscription(turn, False)


async def menu(turn: Turn) -> None:
    """The start menu's buttons: each does what its command does."""
    await turn.toast()
    (action,) = turn.parts
    if action == "rank":
        await send_rank(turn, "")
    elif action == "share":
        await send_share(turn)
    elif action == "svc":
        await send_service_list(turn)
    elif action in ("sub", "unsub"):
        await _set_subscription(turn, action == "sub")


async def forget_me(turn: Turn) -> None:
    """Delete everything stored about this user: questions, votes, subscription."""
    user = turn.event.user
    if user is None:
        return
    lang = await turn.stored_language()
    await turn.services.storage.forget_user(user)
    await turn.say(escape(t(lang, "forgotten")))


async def unknown_command(turn: Turn) -> None:
    """Any command the bot does not have, or that this user may not use: the same reply."""
    await turn.say(escape(t(await turn.language(), "unknown_command")))


async def stale_button(turn: Turn) -> None:
    """A tap no flow takes (a button from an older version of the bot, forged, or empty):
    answered, so the button stops spinning."""
    await turn.toast(t(await turn.language(), "stale"))

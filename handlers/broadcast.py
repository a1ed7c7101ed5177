"""Administrators' broadcast: /broadcast (preview, recipients, ✅/✖), progress, status, cancel."""

from __future__ import annotations

import html
import re
from collections.abc import Awaitable, Callable

from bot.broadcast import Progress
from bot.conversation import Button, Reply, payload
from bot.engine.render import escape, text_units
from bot.i18n import DEFAULT_LANGUAGE, number, percent, t, tn
from bot.services import Services
from handlers.turn import Turn

BAR_WIDTH = 20
_COMMAND_RE = re.compile(r"^/broadcast(@\w+)?\s*", re.IGNORECASE)


def progress_text(lang: str, p: Progress, with_rate: bool = True) -> str:
    share = p.done / p.total if p.total else 1.0
    filled = round(share * BAR_WIDTH)
    bar = "▓" * filled + "░" * (BAR_WIDTH - filled)
    if p.finished:
        head = t(lang, "broadcast_cancelled" if p.cancelled else "broadcast_done")
    else:
        head = t(lang, "broadcast_running")
    counts = {k: number(lang, v) for k, v in _delivery_counts(p).items()}
    lines = [
        f"<b>{escape(head)}</b> {t(lang, 'broadcast_number', id=p.broadcast_id)}",
        f"{bar} {percent(lang, share)}",
        escape(t(lang, "broadcast_progress_counts", **counts)),
    ]
    if with_rate:
        lines.append(escape(t(lang, "broadcast_rate", rate=number(lang, p.rate, digits=1))))
    if not p.finished and p.eta_seconds is not None:
        minutes, seconds = divmod(int(p.eta_seconds), 60)
        lines.append(escape(t(lang, "broadcast_eta", minutes=minutes, seconds=seconds)))
    return "\n".join(lines)


def _delivery_counts(p: Progress) -> dict[str, int]:
    """The figures a progress line names, by the catalogue's placeholders."""
    return {"sent": p.sent, "total": p.total, "failed": p.failed, "blocked": p.blocked}


def progress_reporter(services: Services) -> Callable[[Progress], Awaitable[None]]:
    """The worker's progress callback: edit the admin's progress message in place, on the
    admin's messenger."""

    async def report(progress: Progress) -> None:
        broadcast = await services.storage.broadcasts.get(progress.broadcast_id)
        if broadcast is None or broadcast.progress_message_id is None:
            return
        outlet = services.outlets.get(broadcast.admin.channel)
        if outlet is not None:
            lang = await services.storage.users.language(broadcast.admin) or DEFAULT_LANGUAGE
            await outlet.edit(
                broadcast.admin_chat_id,
                broadcast.progress_message_id,
                Reply(progress_text(lang, progress)),
            )

    return report


def broadcast_text(turn: Turn) -> str:
    """The HTML to send: the text after the command, or the message replied to."""
    own = _COMMAND_RE.sub("", turn.event.html, count=1).strip()
    return own or turn.event.reply_to_html.strip()


async def broadcast(turn: Turn) -> None:
    user = turn.event.user
    if user is None:
        return
    lang = await turn.language()
    text = broadcast_text(turn)
    if not text:
        await turn.say(escape(t(lang, "broadcast_usage")))
        return
    limit = min(outlet.max_text for outlet in turn.services.outlets.values())
    if text_units(html.unescape(re.sub(r"<[^>]+>", "", text))) > limit:
        await turn.say(escape(tn(lang, "broadcast_too_long", limit)))
        return
    storage = turn.services.storage
    broadcast_id = await storage.broadcasts.create(user, turn.event.chat_id, text)
    recipients = await storage.users.subscriber_count()
    await turn.say(text)  # the preview, exactly as subscribers see it
    keyboard = (
        (
            Button(t(lang, "broadcast_send_button"), payload("b", "go", broadcast_id)),
            Button(t(lang, "broadcast_cancel_button"), payload("b", "no", broadcast_id)),
        ),
    )
    preview = t(lang, "broadcast_preview_html", recipients=number(lang, recipients))
    await turn.say(Reply(preview, keyboard))


async def confirm(turn: Turn) -> None:
    action, raw_id = turn.parts
    broadcast_id = int(raw_id)
    storage = turn.services.storage
    lang = await turn.language()
    if action == "no":
        cancelled = await storage.broadcasts.set_status(broadcast_id, "cancelled")
        await turn.toast(
            t(lang, "broadcast_cancelled_answer" if cancelled else "broadcast_not_draft")
        )
        if cancelled:
            await turn.edit(escape(t(lang, "broadcast_cancelled_unsent")))
        return
    recipients = await storage.broadcasts.start(broadcast_id)
    if recipients is None:
        await turn.toast(t(lang, "broadcast_already_started"))
        return
    await turn.toast(t(lang, "broadcast_sending"))
    await turn.edit(escape(tn(lang, "broadcast_started", recipients, id=broadcast_id)))
    start = Progress(broadcast_id, recipients, 0, 0, 0, 0.0, None)
    sent = await turn.say(progress_text(lang, start))
    if sent is not None:
        await storage.broadcasts.set_progress_message(broadcast_id, sent)
    if turn.services.worker is not None:
        turn.services.worker.wake()


async def status(turn: Turn) -> None:
    storage = turn.services.storage
    lang = await turn.language()
    latest = await storage.broadcasts.latest()
    if latest is None:
        await turn.say(escape(t(lang, "broadcast_none_yet")))
        return
    counts = await storage.broadcasts.counts(latest.id)
    finished = latest.status in ("done", "cancelled")
    progress = Progress.of(latest.id, counts, latest.status, finished=finished)
    # No rate: it is measured by the worker while it sends, not by a look at the counts.
    await turn.say(progress_text(lang, progress, with_rate=False))


async def cancel(turn: Turn) -> None:
    storage = turn.services.storage
    lang = await turn.language()
    sending = await storage.broadcasts.sending()
    if not sending:
        await turn.say(escape(t(lang, "broadcast_nothing_sending")))
        return
    for broadcast_id in sending:
        await storage.broadcasts.set_status(broadcast_id, "cancelled")
    numbers = ", ".join(t(lang, "broadcast_number", id=i) for i in sending)
    key = "broadcast_stopped_one" if len(sending) == 1 else "broadcast_stopped_many"
    await turn.say(escape(t(lang, key, numbers=numbers)))

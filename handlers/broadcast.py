"""Administrators' broadcast: /broadcast (preview, recipients, ✅/✖), progress, status, cancel."""

from __future__ import annotations

import html
import re
from collections.abc import Awaitable, Callable

from bot.broadcast import Progress
from bot.conversation import Button, Reply, payload
from bot.engine.render import escape, text_units
from bot.services import Services
from handlers.turn import Turn

BAR_WIDTH = 20
_COMMAND_RE = re.compile(r"^/broadcast(@\w+)?\s*", re.IGNORECASE)


def progress_text(p: Progress, with_rate: bool = True) -> str:
    share = p.done / p.total if p.total else 1.0
    filled = round(share * BAR_WIDTH)
    bar = "▓" * filled + "░" * (BAR_WIDTH - filled)
    if p.finished:
        head = "⛔ Рассылка отменена" if p.cancelled else "✅ Рассылка завершена"
    else:
        head = "📨 Идёт рассылка"
    lines = [
        f"<b>{head}</b> №{p.broadcast_id}",
        f"{bar} {share:.0%}",
        f"Отправлено: {p.sent} из {p.total} · не доставлено: {p.failed}"
        f" · заблокировали бота: {p.blocked}",
    ]
    if with_rate:
        lines.append(f"Скорость: {p.rate:.1f} сообщ./с")
    if not p.finished and p.eta_seconds is not None:
        minutes, seconds = divmod(int(p.eta_seconds), 60)
        lines.append(f"Осталось примерно: {minutes} мин {seconds} с")
    return "\n".join(lines)


def progress_reporter(services: Services) -> Callable[[Progress], Awaitable[None]]:
    """The worker's progress callback: edit the admin's progress message in place, on the
    admin's messenger."""

    async def report(progress: Progress) -> None:
        broadcast = await services.storage.broadcasts.get(progress.broadcast_id)
        if broadcast is None or broadcast.progress_message_id is None:
            return
        outlet = services.outlets.get(broadcast.admin.channel)
        if outlet is not None:
            await outlet.edit(
                broadcast.admin_chat_id,
                broadcast.progress_message_id,
                Reply(progress_text(progress)),
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
    text = broadcast_text(turn)
    if not text:
        await turn.say(
            escape(
                "Напишите текст после команды: /broadcast Текст новости — "
                "или ответьте командой /broadcast на сообщение с текстом."
            )
        )
        return
    limit = min(outlet.max_text for outlet in turn.services.outlets.values())
    if text_units(html.unescape(re.sub(r"<[^>]+>", "", text))) > limit:
        await turn.say(escape(f"Текст длиннее {limit} символов: сократите его."))
        return
    storage = turn.services.storage
    broadcast_id = await storage.broadcasts.create(user, turn.event.chat_id, text)
    recipients = await storage.users.subscriber_count()
    await turn.say(text)  # the preview, exactly as subscribers see it
    keyboard = (
        (
            Button("✅ Отправить", payload("b", "go", broadcast_id)),
            Button("✖ Отмена", payload("b", "no", broadcast_id)),
        ),
    )
    await turn.say(
        Reply(
            "Выше — так увидят рассылку подписчики. "
            f"Получателей сейчас: <b>{recipients}</b>. Отправить?",
            keyboard,
        )
    )


async def confirm(turn: Turn) -> None:
    _, action, raw_id = (turn.event.payload or "").split(":")
    broadcast_id = int(raw_id)
    storage = turn.services.storage
    if action == "no":
        cancelled = await storage.broadcasts.set_status(broadcast_id, "cancelled")
        await turn.toast("Отменено" if cancelled else "Уже не черновик")
        if cancelled:
            await turn.edit("✖ Рассылка отменена, ничего не отправлено.")
        return
    recipients = await storage.broadcasts.start(broadcast_id)
    if recipients is None:
        await turn.toast("Эта рассылка уже запущена или отменена")
        return
    await turn.toast("Отправляю")
    await turn.edit(f"✅ Рассылка №{broadcast_id} запущена: {recipients} получателей.")
    start = Progress(broadcast_id, recipients, 0, 0, 0, 0.0, None)
    sent = await turn.say(progress_text(start))
    if sent is not None:
        await storage.broadcasts.set_progress_message(broadcast_id, sent)
    if turn.services.worker is not None:
        turn.services.worker.wake()


async def status(turn: Turn) -> None:
    storage = turn.services.storage
    latest = await storage.broadcasts.latest()
    if latest is None:
        await turn.say("Рассылок ещё не было.")
        return
    counts = await storage.broadcasts.counts(latest.id)
    finished = latest.status in ("done", "cancelled")
    progress = Progress.of(latest.id, counts, latest.status, finished=finished)
    # No rate: it is measured by the worker while it sends, not by a look at the counts.
    await turn.say(progress_text(progress, with_rate=False))


async def cancel(turn: Turn) -> None:
    storage = turn.services.storage
    sending = await storage.broadcasts.sending()
    if not sending:
        await turn.say("Сейчас ничего не рассылается.")
        return
    for broadcast_id in sending:
        await storage.broadcasts.set_status(broadcast_id, "cancelled")
    await turn.say(
        escape(
            f"Рассылка №{', №'.join(map(str, sending))} остановлена; "
            "уже отправленное не отзывается."
        )
    )

"""Administrators' broadcast: /broadcast (preview, recipients, ✅/✖), progress, status, cancel."""

from __future__ import annotations

import html
import re

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.app import Context
from bot.broadcast import Progress
from bot.config import Settings
from bot.engine.render import TELEGRAM_LIMIT, escape, text_units
from bot.storage import Storage
from handlers.common import ID, admin_callback, callback, send_html, services

BAR_WIDTH = 20
_COMMAND_RE = re.compile(r"^/broadcast(@\w+)?\s*", re.IGNORECASE)


def admins(settings: Settings) -> filters.User:
    """Only the ids in ADMIN_IDS; with none configured, nobody (0 is no one's id)."""
    return filters.User(user_id=settings.admin_ids or [0])


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


def progress_reporter(bot: Bot, storage: Storage):  # type: ignore[no-untyped-def]
    """The worker's progress callback: edit the admin's progress message in place."""

    async def report(progress: Progress) -> None:
        broadcast = await storage.broadcast(progress.broadcast_id)
        if broadcast is None or broadcast.progress_message_id is None:
            return
        try:
            await bot.edit_message_text(
                progress_text(progress),
                chat_id=broadcast.admin_chat_id,
                message_id=broadcast.progress_message_id,
                parse_mode=ParseMode.HTML,
            )
        except BadRequest as exc:
            if "not modified" not in exc.message.lower():
                raise

    return report


def broadcast_text(message: Message) -> str:
    """The HTML to send: the text after the command, or the message replied to."""
    own = _COMMAND_RE.sub("", message.text_html or "", count=1).strip()
    if own:
        return own
    reply = message.reply_to_message
    if reply is not None:
        return (reply.text_html or reply.caption_html or "").strip()
    return ""


async def broadcast(update: Update, context: Context) -> None:
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return
    text = broadcast_text(message)
    if not text:
        await send_html(
            message,
            escape(
                "Напишите текст после команды: /broadcast Текст новости — "
                "или ответьте командой /broadcast на сообщение с текстом."
            ),
        )
        return
    if text_units(html.unescape(re.sub(r"<[^>]+>", "", text))) > TELEGRAM_LIMIT:
        await send_html(message, escape(f"Текст длиннее {TELEGRAM_LIMIT} символов: сократите его."))
        return
    storage = services(context).storage
    broadcast_id = await storage.create_broadcast(user.id, message.chat_id, text)
    recipients = await storage.subscriber_count()
    await message.reply_html(text, do_quote=False)  # the preview, exactly as subscribers see it
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    "✅ Отправить", callback_data=callback("b", "go", broadcast_id)
                ),
                InlineKeyboardButton("✖ Отмена", callback_data=callback("b", "no", broadcast_id)),
            ]
        ]
    )
    await send_html(
        message,
        "Выше — так увидят рассылку подписчики. "
        f"Получателей сейчас: <b>{recipients}</b>. Отправить?",
        keyboard,
    )


async def confirm(update: Update, context: Context) -> None:
    query = await admin_callback(update, context)
    if query is None or query.data is None:
        return
    _, action, raw_id = query.data.split(":")
    broadcast_id = int(raw_id)
    storage = services(context).storage
    if action == "no":
        cancelled = await storage.set_broadcast_status(broadcast_id, "cancelled")
        await query.answer("Отменено" if cancelled else "Уже не черновик")
        if cancelled:
            await query.edit_message_text("✖ Рассылка отменена, ничего не отправлено.")
        return
    recipients = await storage.start_broadcast(broadcast_id)
    if recipients is None:
        await query.answer("Эта рассылка уже запущена или отменена")
        return
    await query.answer("Отправляю")
    await query.edit_message_text(
        f"✅ Рассылка №{broadcast_id} запущена: {recipients} получателей."
    )
    if isinstance(query.message, Message):
        start = Progress(broadcast_id, recipients, 0, 0, 0, 0.0, None)
        sent = await query.message.reply_html(progress_text(start), do_quote=False)
        await storage.set_progress_message(broadcast_id, sent.message_id)
    worker = services(context).worker
    if worker is not None:
        worker.wake()


async def status(update: Update, context: Context) -> None:
    message = update.effective_message
    if message is None:
        return
    storage = services(context).storage
    latest = await storage.latest_broadcast()
    if latest is None:
        await send_html(message, "Рассылок ещё не было.")
        return
    counts = await storage.delivery_counts(latest.id)
    finished = latest.status in ("done", "cancelled")
    progress = Progress.of(latest.id, counts, latest.status, finished=finished)
    # No rate: it is measured by the worker while it sends, not by a look at the counts.
    await send_html(message, progress_text(progress, with_rate=False))


async def cancel(update: Update, context: Context) -> None:
    message = update.effective_message
    if message is None:
        return
    storage = services(context).storage
    sending = await storage.sending_broadcasts()
    if not sending:
        await send_html(message, "Сейчас ничего не рассылается.")
        return
    for broadcast_id in sending:
        await storage.set_broadcast_status(broadcast_id, "cancelled")
    await send_html(
        message,
        escape(
            f"Рассылка №{', №'.join(map(str, sending))} остановлена; "
            "уже отправленное не отзывается."
        ),
    )


def register(app: Application, settings: Settings) -> None:  # type: ignore[type-arg]
    only_admins = admins(settings)
    app.add_handler(CommandHandler("broadcast", broadcast, filters=only_admins))
    app.add_handler(CommandHandler("broadcast_status", status, filters=only_admins))
    app.add_handler(CommandHandler("broadcast_cancel", cancel, filters=only_admins))
    app.add_handler(CallbackQueryHandler(confirm, pattern=rf"^b:(go|no):{ID}$"))

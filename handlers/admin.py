"""Administrators' /stats and /unanswered (with attaching a question as a new phrasing)."""

from __future__ import annotations

import html

from rapidfuzz import fuzz
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.app import Context
from bot.config import Settings
from bot.engine.render import escape
from bot.kb.model import Entry, KnowledgeBase
from handlers.broadcast import admins
from handlers.common import ID, admin_callback, callback, send_html, services

SIMILAR = 80  # token-sort ratio of normalised questions that count as one
SHOWN_GROUPS = 10
CANDIDATES = 3
ABOUT_GROUP = "about"  # the topics that are not service cards


async def stats(update: Update, context: Context) -> None:
    if update.effective_message is None:
        return
    inbox = services(context).inbox
    if inbox is not None:
        await inbox.write_done()  # answers sent in the last fraction of a second count too
    s = await services(context).storage.stats()
    engine = services(context).engine
    total = max(s.questions, 1)
    titles = {e.id: e.title.ru for e in engine.kb.entries}
    lines = [
        "<b>Статистика</b>",
        f"Пользователей: {s.users}, подписчиков: {s.subscribers}",
        f"Вопросов сегодня: {s.questions_today}, всего: {s.questions}",
        "Ответов: {:.0%} · уточнений: {:.0%} · без ответа: {:.0%}".format(
            s.outcomes.get("answer", 0) / total,
            s.outcomes.get("clarify", 0) / total,
            s.outcomes.get("none", 0) / total,
        ),
        f"Оценки: 👍 {s.votes_up} · 👎 {s.votes_down}",
    ]
    if s.top_topics:
        lines.append("Частые темы:")
        lines += [f"• {escape(titles.get(t, t))}: {n}" for t, n in s.top_topics]
    await send_html(update.effective_message, "\n".join(lines))


def group_similar(rows: list[tuple[int, str, int]], key) -> list[tuple[int, str, int, int]]:  # type: ignore[no-untyped-def]
    """(id, question, times asked, similar wordings) groups, most asked first."""
    groups: list[tuple[int, str, int, int, str]] = []
    for question_id, text, count in rows:
        normalised = key(text)
        for i, (gid, gtext, gcount, similar, gkey) in enumerate(groups):
            if fuzz.token_sort_ratio(normalised, gkey, processor=None) >= SIMILAR:
                groups[i] = (gid, gtext, gcount + count, similar + 1, gkey)
                break
        else:
            groups.append((question_id, text, count, 0, normalised))
    groups.sort(key=lambda g: g[2], reverse=True)
    return [(gid, text, count, similar) for gid, text, count, similar, _ in groups]


async def unanswered(update: Update, context: Context) -> None:
    message = update.effective_message
    if message is None:
        return
    engine = services(context).engine
    rows = await services(context).storage.unanswered_questions()
    if not rows:
        await send_html(message, "Вопросов без ответа нет.")
        return

    def key(text: str) -> str:
        return " ".join(engine.normalizer.normalize(text).tokens)

    groups = group_similar(rows, key)[:SHOWN_GROUPS]
    lines = ["<b>Частые вопросы без ответа</b> (кнопка — добавить как формулировку темы):"]
    buttons = []
    for n, (question_id, text, count, similar) in enumerate(groups, 1):
        extra = f", похожих формулировок: {similar}" if similar else ""
        lines.append(f"{n}. «{escape(text)}» — {count} раз{extra}")
        buttons.append(
            [InlineKeyboardButton(f"{n}. Привязать", callback_data=callback("u", question_id))]
        )
    await send_html(message, "\n".join(lines), InlineKeyboardMarkup(buttons))


def topic_groups(kb: KnowledgeBase) -> list[tuple[str, str, list[Entry]]]:
    """(key, title, entries): the rating and figures first, then each category of services,
    so that picking one of ~60 topics takes two short keyboards, not one long one."""
    groups = [(ABOUT_GROUP, "Рейтинг, цифры и справка", [e for e in kb.entries if not e.category])]
    groups += [(c.id, c.title.ru, list(kb.services(c.id))) for c in kb.categories]
    return [g for g in groups if g[2]]


async def choose_entry(update: Update, context: Context) -> None:
    """Which entry to attach a question to: the likeliest first; "ul:" the groups of topics;
    "ug:" one group's topics."""
    query = await admin_callback(update, context)
    if query is None or query.data is None:
        return
    kind, raw_id, *group = query.data.split(":")
    question_id = int(raw_id)
    found = await services(context).storage.question(question_id)
    await query.answer()
    if found is None or not isinstance(query.message, Message):
        return
    engine = services(context).engine
    groups = topic_groups(engine.kb)
    if kind == "ul":
        rows = [
            [InlineKeyboardButton(f"📂 {title}", callback_data=callback("ug", question_id, key))]
            for key, title, _ in groups
        ]
    else:
        if kind == "ug":
            entries = next((e for key, _, e in groups if [key] == group), [])
        else:
            norm = engine.normalizer.normalize(found[0])
            scored = engine.index.score(engine.normalizer.content(norm.tokens), norm.minor)
            entries = [s.entry for s in scored[:CANDIDATES]]
        rows = [
            [InlineKeyboardButton(e.title.ru, callback_data=callback("ua", question_id, e.id))]
            for e in entries
        ]
        rows.append(
            [InlineKeyboardButton("📋 Все темы", callback_data=callback("ul", question_id))]
        )
    await send_html(
        query.message, f"К какой теме отнести «{escape(found[0])}»?", InlineKeyboardMarkup(rows)
    )


async def attach(update: Update, context: Context) -> None:
    query = await admin_callback(update, context)
    if query is None or query.data is None:
        return
    _, raw_id, entry_id = query.data.split(":")
    svc = services(context)
    found = await svc.storage.question(int(raw_id))
    if found is None or svc.engine.kb.find(entry_id) is None:
        await query.answer("Уже не найдено")
        return
    added = await svc.storage.add_phrasing(entry_id, found[0], query.from_user.id, found[2])
    svc.engine.add_phrasings([(entry_id, found[0])])
    await query.answer("Добавлено" if added else "Уже было")
    await query.edit_message_text(
        f"«{html.escape(found[0], quote=False)}» теперь формулировка темы «{escape(entry_id)}»."
    )


def register(app: Application, settings: Settings) -> None:  # type: ignore[type-arg]
    only_admins = admins(settings)
    app.add_handler(CommandHandler("stats", stats, filters=only_admins))
    app.add_handler(CommandHandler("unanswered", unanswered, filters=only_admins))
    app.add_handler(CallbackQueryHandler(choose_entry, pattern=rf"^ul?:{ID}$|^ug:{ID}:[a-z0-9-]+$"))
    app.add_handler(CallbackQueryHandler(attach, pattern=rf"^ua:{ID}:[a-z0-9-]+$"))

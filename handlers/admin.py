"""Administrators' /stats and /unanswered (with attaching a question as a new phrasing)."""

from __future__ import annotations

from collections.abc import Callable

from rapidfuzz import fuzz

from bot.conversation import Button, Keyboard, Reply, payload
from bot.engine.render import escape
from bot.kb.model import Entry, KnowledgeBase
from handlers.turn import Turn

SIMILAR = 80  # token-sort ratio of normalised questions that count as one
SHOWN_GROUPS = 10
CANDIDATES = 3
ABOUT_GROUP = "about"  # the topics that are not service cards


async def stats(turn: Turn) -> None:
    services = turn.services
    for flush in services.before_stats:
        await flush()  # answers sent in the last fraction of a second count too
    s = await services.storage.questions.stats()
    total = max(s.questions, 1)
    titles = {e.id: e.title.ru for e in services.engine.kb.entries}
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
    await turn.say("\n".join(lines))


def group_similar(
    rows: list[tuple[int, str, int]], key: Callable[[str], str]
) -> list[tuple[int, str, int, int]]:
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


async def unanswered(turn: Turn) -> None:
    engine = turn.services.engine
    rows = await turn.services.storage.questions.unanswered()
    if not rows:
        await turn.say("Вопросов без ответа нет.")
        return

    def key(text: str) -> str:
        return " ".join(engine.normalizer.normalize(text).tokens)

    groups = group_similar(rows, key)[:SHOWN_GROUPS]
    lines = ["<b>Частые вопросы без ответа</b> (кнопка — добавить как формулировку темы):"]
    buttons: list[tuple[Button, ...]] = []
    for n, (question_id, text, count, similar) in enumerate(groups, 1):
        extra = f", похожих формулировок: {similar}" if similar else ""
        lines.append(f"{n}. «{escape(text)}» — {count} раз{extra}")
        buttons.append((Button(f"{n}. Привязать", payload("u", question_id)),))
    await turn.say(Reply("\n".join(lines), tuple(buttons)))


def topic_groups(kb: KnowledgeBase) -> list[tuple[str, str, list[Entry]]]:
    """(key, title, entries): the rating and figures first, then each category of services,
    so that picking one of ~60 topics takes two short keyboards, not one long one."""
    groups = [(ABOUT_GROUP, "Рейтинг, цифры и справка", [e for e in kb.entries if not e.category])]
    groups += [(c.id, c.title.ru, list(kb.services(c.id))) for c in kb.categories]
    return [g for g in groups if g[2]]


async def choose_entry(turn: Turn) -> None:
    """Which entry to attach a question to: the likeliest first; "ul:" the groups of topics;
    "ug:" one group's topics."""
    kind, raw_id, *group = (turn.event.payload or "").split(":")
    question_id = int(raw_id)
    found = await turn.services.storage.questions.get(question_id)
    await turn.toast()
    if found is None:
        return
    engine = turn.services.engine
    groups = topic_groups(engine.kb)
    rows: Keyboard
    if kind == "ul":
        rows = tuple(
            (Button(f"📂 {title}", payload("ug", question_id, key)),) for key, title, _ in groups
        )
    else:
        if kind == "ug":
            entries = next((e for key, _, e in groups if [key] == group), [])
        else:
            norm = engine.normalizer.normalize(found.query)
            scored = engine.index.score(engine.normalizer.content(norm.tokens), norm.minor)
            entries = [s.entry for s in scored[:CANDIDATES]]
        rows = (
            *((Button(e.title.ru, payload("ua", question_id, e.id)),) for e in entries),
            (Button("📋 Все темы", payload("ul", question_id)),),
        )
    await turn.say(Reply(f"К какой теме отнести «{escape(found.query)}»?", rows))


async def attach(turn: Turn) -> None:
    _, raw_id, entry_id = (turn.event.payload or "").split(":")
    services = turn.services
    found = await services.storage.questions.get(int(raw_id))
    if found is None or services.engine.kb.find(entry_id) is None:
        await turn.toast("Уже не найдено")
        return
    admin = turn.event.user.id if turn.event.user else None
    added = await services.storage.phrasings.add(entry_id, found.query, admin, found.user)
    services.engine.add_phrasings([(entry_id, found.query)])
    await turn.toast("Добавлено" if added else "Уже было")
    await turn.edit(f"«{escape(found.query)}» теперь формулировка темы «{escape(entry_id)}».")

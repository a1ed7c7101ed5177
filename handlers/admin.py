"""Administrators' /stats and /unanswered (with attaching a question as a new phrasing)."""

from __future__ import annotations

from collections.abc import Callable

from rapidfuzz import fuzz

from bot.conversation import Button, Keyboard, Reply, payload
from bot.engine.render import escape
from bot.i18n import number, percent, t, tn
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
    lang = await turn.language()
    total = max(s.questions, 1)

    def num(n: int) -> str:
        return number(lang, n)

    def share(outcome: str) -> str:
        return percent(lang, s.outcomes.get(outcome, 0) / total)

    lines = [
        f"<b>{escape(t(lang, 'admin_stats_title'))}</b>",
        t(lang, "admin_stats_users", users=num(s.users), subscribers=num(s.subscribers)),
        t(lang, "admin_stats_questions", today=num(s.questions_today), total=num(s.questions)),
        t(
            lang,
            "admin_stats_outcomes",
            answered=share("answer"),
            clarified=share("clarify"),
            unanswered=share("none"),
        ),
        t(lang, "admin_stats_votes", up=num(s.votes_up), down=num(s.votes_down)),
    ]
    for channel, counts in s.by_channel.items():
        lines.append(
            t(
                lang,
                "admin_stats_channel",
                channel=t(lang, f"channel_{channel}"),
                users=num(counts.users),
                subscribers=num(counts.subscribers),
                questions=num(counts.questions),
            )
        )
    if s.top_topics:
        kb = services.engine.kb
        lines.append(t(lang, "admin_stats_top_topics"))
        for topic, n in s.top_topics:
            entry = kb.find(topic)
            lines.append(f"• {escape(entry.title.get(lang) if entry else topic)}: {num(n)}")
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
    lang = await turn.language()
    rows = await turn.services.storage.questions.unanswered()
    if not rows:
        await turn.say(escape(t(lang, "admin_unanswered_none")))
        return

    def key(text: str) -> str:
        return " ".join(engine.normalizer.normalize(text).tokens)

    groups = group_similar(rows, key)[:SHOWN_GROUPS]
    title = escape(t(lang, "admin_unanswered_title"))
    lines = [f"<b>{title}</b> {escape(t(lang, 'admin_unanswered_hint'))}"]
    buttons: list[tuple[Button, ...]] = []
    for n, (question_id, text, count, similar) in enumerate(groups, 1):
        extra = t(lang, "admin_similar", n=number(lang, similar)) if similar else ""
        line = t(
            lang,
            "admin_unanswered_item",
            index=n,
            question=text,
            times=tn(lang, "admin_times", count),
            similar=extra,
        )
        lines.append(escape(line))
        buttons.append(
            (Button(t(lang, "admin_attach_button", index=n), payload("u", question_id)),)
        )
    await turn.say(Reply("\n".join(lines), tuple(buttons)))


def topic_groups(kb: KnowledgeBase, lang: str) -> list[tuple[str, str, list[Entry]]]:
    """(key, title, entries): the rating and figures first, then each category of services,
    so that picking one of ~60 topics takes two short keyboards, not one long one."""
    about = [e for e in kb.entries if not e.category]
    groups = [(ABOUT_GROUP, t(lang, "admin_topics_about"), about)]
    groups += [(c.id, c.title.get(lang), list(kb.services(c.id))) for c in kb.categories]
    return [g for g in groups if g[2]]


async def choose_entry(turn: Turn) -> None:
    """Which entry to attach a question to: the likeliest first; "ul:" the groups of topics;
    "ug:" one group's topics."""
    kind, raw_id, *group = turn.parts
    question_id = int(raw_id)
    found = await turn.services.storage.questions.get(question_id)
    await turn.toast()
    if found is None:
        return
    engine = turn.services.engine
    lang = await turn.language()
    groups = topic_groups(engine.kb, lang)
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
            *((Button(e.title.get(lang), payload("ua", question_id, e.id)),) for e in entries),
            (Button(t(lang, "admin_all_topics_button"), payload("ul", question_id)),),
        )
    await turn.say(Reply(escape(t(lang, "admin_which_topic", question=found.query)), rows))


async def attach(turn: Turn) -> None:
    raw_id, entry_id = turn.parts
    services = turn.services
    lang = await turn.language()
    found = await services.storage.questions.get(int(raw_id))
    if found is None or services.engine.kb.find(entry_id) is None:
        await turn.toast(t(lang, "admin_attach_gone"))
        return
    admin = turn.event.user.id if turn.event.user else None
    added = await services.storage.phrasings.add(entry_id, found.query, admin, found.user)
    services.engine.add_phrasings([(entry_id, found.query)])
    await turn.toast(t(lang, "admin_attach_added" if added else "admin_attach_existed"))
    await turn.edit(escape(t(lang, "admin_attached", question=found.query, topic=entry_id)))

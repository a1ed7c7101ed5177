"""An Answer as plain text (terminal, JSON) or as Telegram HTML (every string escaped)."""

from __future__ import annotations

import html

from bot.engine.model import Answer, SourceRef
from bot.i18n import t

# The date of a citation whose source gives none; said so rather than guessed.
UNDATED = "undated"


def citation(s: SourceRef, lang: str) -> str:
    """Ready to paste into a story: publisher, title, the date described, publication, link."""
    undated = s.date == UNDATED
    date = t(lang, "citation_undated") if undated else t(lang, "citation_date", date=s.date)
    line = t(
        lang,
        "citation_published" if s.published else "citation",
        publisher=s.publisher,
        title=s.title,
        date=date,
        published=s.published,
    )
    return f"{line}; {s.url}" if s.url else line


def short_source(s: SourceRef) -> str:
    """Publisher and year: what a link to the source says ("Смоленская газета, 2017")."""
    year = next(
        (d[:4] for d in (s.published, s.date) if d and d[:4].isdigit()),
        None,
    )
    return f"{s.publisher}, {year}" if year else s.publisher


def _sources_plain(answer: Answer) -> str:
    lang = answer.lang
    label = t(lang, "source" if len(answer.sources) == 1 else "sources")
    lines = [f"{short_source(s)} — {s.url}" if s.url else short_source(s) for s in answer.sources]
    if len(lines) == 1:
        return f"{label}: {lines[0]}"
    return "\n".join([f"{label}:", *(f"• {line}" for line in lines)])


def render_plain(answer: Answer) -> str:
    """The answer for the terminal: the first screen, then what Telegram puts behind buttons."""
    lang = answer.lang
    parts = [p for p in (answer.title, answer.body) if p]
    parts += [
        f"{t(lang, 'section_' + name)}:\n{answer.sections[name]}" for name in answer.follow_ups
    ]
    if answer.portal:
        parts.append(f"{t(lang, 'portal')}: {answer.portal}")
    if answer.sources:
        parts.append(_sources_plain(answer))
    return "\n\n".join(parts)


def escape(text: str) -> str:
    """Text made safe for Telegram's HTML parse mode."""
    return html.escape(text, quote=False)


def _link(s: SourceRef) -> str:
    text = escape(short_source(s))
    if not s.url:
        return text
    return f'<a href="{html.escape(s.url, quote=True)}">{text}</a>'


def render_html(answer: Answer) -> str:
    """The first screen for Telegram: title, body, link to apply, and the sources folded into
    an expandable quote as short links (the full citation lines are in /facts and inline)."""
    lang = answer.lang
    parts = []
    if answer.title:
        parts.append(f"<b>{escape(answer.title)}</b>")
    if answer.body:
        parts.append(escape(answer.body))
    if answer.portal:
        parts.append(
            f'{t(lang, "portal")}: <a href="{html.escape(answer.portal, quote=True)}">'
            f"{escape(answer.portal)}</a>"
        )
    if answer.sources:
        label = t(lang, "source" if len(answer.sources) == 1 else "sources")
        links = "; ".join(_link(s) for s in answer.sources)
        parts.append(f"<blockquote expandable>{label}: {links}</blockquote>")
    return "\n\n".join(parts)


def section_html(answer: Answer, section: str) -> str:
    """One section of a card behind its button: the card's title, the section, its sources."""
    lang = answer.lang
    part = Answer(
        answer.query,
        answer.status,
        lang,
        title=f"{answer.title}: {t(lang, 'section_' + section)}",
        body=answer.sections[section],
        topic=answer.topic,
        sources=answer.sources,
    )
    return render_html(part)


TELEGRAM_LIMIT = 4096


def text_units(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units (an emoji counts two)."""
    return len(text.encode("utf-16-le")) // 2


def _hard_split(line: str, limit: int) -> list[str]:
    """Cut an over-long line at spaces, never inside an HTML entity such as &amp;."""
    pieces = []
    while text_units(line) > limit:
        cut = limit
        while text_units(line[:cut]) > limit:
            cut -= 1
        space = line.rfind(" ", 0, cut)
        if space > cut // 2:
            cut = space
        amp = line.rfind("&", 0, cut)
        if amp != -1 and ";" not in line[amp:cut]:
            cut = amp
        pieces.append(line[:cut].rstrip())
        line = line[cut:].lstrip()
    return [*pieces, line]


def split_message(html_text: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Split Telegram HTML into messages of at most `limit`, at paragraph boundaries first.

    Tags in our answers never span a paragraph, so each part stays valid HTML.
    """
    if text_units(html_text) <= limit:
        return [html_text]
    blocks: list[str] = []
    for paragraph in html_text.split("\n\n"):
        if text_units(paragraph) <= limit:
            blocks.append(paragraph)
            continue
        for line in paragraph.split("\n"):
            blocks.extend(_hard_split(line, limit) if text_units(line) > limit else [line])
    parts: list[str] = []
    current = ""
    for block in blocks:
        candidate = f"{current}\n\n{block}" if current else block
        if text_units(candidate) <= limit:
            current = candidate
        else:
            parts.append(current)
            current = block
    if current:
        parts.append(current)
    return [p for p in parts if p.strip()]

"""An Answer as plain text (terminal, JSON) or as Telegram HTML (every string escaped)."""

from __future__ import annotations

import html

from bot.engine.answer import Answer, SourceRef
from bot.i18n import t

# The date of a citation whose source gives none; said so rather than guessed.
UNDATED = "undated"


def citation(s: SourceRef, lang: str) -> str:
    """Ready to paste into a story: publisher, title, the date described, publication, link."""
    if s.date == UNDATED:
        date = "undated" if lang == "en" else "дата не указана"
    else:
        date = f"data for {s.date}" if lang == "en" else f"данные за {s.date}"
    if lang == "en":
        line = f"{s.publisher}, \u201c{s.title}\u201d; {date}"
        if s.published:
            line += f"; published {s.published}"
    else:
        line = f"{s.publisher}, «{s.title}»; {date}"
        if s.published:
            line += f"; опубликовано {s.published}"
    return f"{line}; {s.url}" if s.url else line


def _sources_plain(answer: Answer) -> str:
    lang = answer.lang
    if len(answer.sources) == 1:
        return f"{t(lang, 'source')}: {citation(answer.sources[0], lang)}"
    lines = [f"{t(lang, 'sources')}:"] + [f"• {citation(s, lang)}" for s in answer.sources]
    return "\n".join(lines)


def render_plain(answer: Answer) -> str:
    parts = [p for p in (answer.title, answer.body) if p]
    if answer.portal:
        parts.append(f"{t(answer.lang, 'portal')}: {answer.portal}")
    if answer.sources:
        parts.append(_sources_plain(answer))
    return "\n\n".join(parts)


def escape(text: str) -> str:
    """Text made safe for Telegram's HTML parse mode."""
    return html.escape(text, quote=False)


def _source_html(s: SourceRef, lang: str) -> str:
    # Plain text with the link in it, so that it can be copied as it is; clients link the URL.
    return escape(citation(s, lang))


def render_html(answer: Answer) -> str:
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
        if len(answer.sources) == 1:
            parts.append(f"<i>{t(lang, 'source')}:</i> {_source_html(answer.sources[0], lang)}")
        else:
            lines = [f"<i>{t(lang, 'sources')}:</i>"]
            lines += [f"• {_source_html(s, lang)}" for s in answer.sources]
            parts.append("\n".join(lines))
    return "\n\n".join(parts)


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

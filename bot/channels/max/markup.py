"""The flows' HTML (written for Telegram) as MAX takes it, and buttons as MAX keyboards.

MAX strips tags outside b/strong, i/em, u/ins, s/del, a, pre/code, mark and h1, and takes only
the entities &lt; &gt; &amp; &quot;. A blockquote (the sources under an answer) becomes
italics; other tags keep their text and lose the tag; a link keeps only its href, and a link
MAX cannot open (no href, a tg:// mention) keeps only its text. Text between tags is escaped
again, since text Telegram formatted may carry &#x27; and the like.
"""

from __future__ import annotations

import html
import re
from typing import Any

from bot.conversation import Button, Keyboard

ALLOWED_TAGS = frozenset({"b", "strong", "i", "em", "u", "ins", "s", "del", "a", "pre", "code"})
ALLOWED_TAGS |= {"mark", "h1"}
RENAMED = {"blockquote": "i", "strike": "s"}
LINK_SCHEMES = ("http://", "https://", "max://", "tel:", "mailto:")
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)([^>]*)>")
_HREF = re.compile(r"""\bhref\s*=\s*(?:"([^"]*)"|'([^']*)')""")

MAX_ROWS = 30
MAX_ROW_BUTTONS = 7
MAX_ROW_LINKS = 3  # link-like buttons (link, open_app, geo, contact) in a row
MAX_BUTTON_TEXT = 128


def max_html(text: str) -> str:
    out: list[str] = []
    dropped_link = False  # links do not nest: one flag is enough
    position = 0
    for found in _TAG.finditer(text):
        out.append(_text(text[position : found.start()]))
        position = found.end()
        closing, name = found[1], RENAMED.get(found[2].lower(), found[2].lower())
        if name not in ALLOWED_TAGS:
            continue
        if name != "a":
            out.append(f"</{name}>" if closing else f"<{name}>")
        elif closing:
            out.append("" if dropped_link else "</a>")
            dropped_link = False
        else:
            href = _href(found[3])
            dropped_link = href is None
            if href is not None:
                out.append(_link_opening(href))
    out.append(_text(text[position:]))
    return "".join(out)


def _link_opening(href: str) -> str:
    """<a href="..."> with only the entities MAX takes (&#x27; is not one of them)."""
    return f'<a href="{html.escape(href, quote=False).replace(chr(34), "&quot;")}">'


def _text(run: str) -> str:
    """Text between tags with only the entities MAX takes."""
    return html.escape(html.unescape(run), quote=False)


def _href(attributes: str) -> str | None:
    found = _HREF.search(attributes)
    if found is None:
        return None
    href = html.unescape(found[1] if found[1] is not None else found[2])
    return href if href.lower().startswith(LINK_SCHEMES) else None


def keyboard_attachment(keyboard: Keyboard) -> list[dict[str, Any]]:
    """The inline keyboard as MAX's attachment list (empty: no keyboard). Rows longer than MAX
    allows wrap; rows past the 30th are dropped (no flow makes that many)."""
    rows: list[list[dict[str, Any]]] = []
    for row in keyboard:
        current: list[dict[str, Any]] = []
        links = 0
        for button in row:
            is_link = button.url is not None
            if len(current) == MAX_ROW_BUTTONS or (is_link and links == MAX_ROW_LINKS):
                rows.append(current)
                current, links = [], 0
            current.append(_button(button))
            links += is_link
        if current:
            rows.append(current)
    if not rows:
        return []
    return [{"type": "inline_keyboard", "payload": {"buttons": rows[:MAX_ROWS]}}]


def _button(button: Button) -> dict[str, Any]:
    text = button.text[:MAX_BUTTON_TEXT]
    if button.url is not None:
        return {"type": "link", "text": text, "url": button.url}
    return {"type": "callback", "text": text, "payload": button.payload or ""}


# A sender's formatting (body.markup) as the flows' HTML, which Telegram must take too (a MAX
# administrator's broadcast goes to both): styles without a Telegram tag keep their text.
STYLE_TAGS = {
    "strong": "b",
    "emphasized": "i",
    "underline": "u",
    "strikethrough": "s",
    "monospaced": "code",
    "link": "a",
}


def markup_html(text: str, markup: object) -> str:
    """`text` as HTML with the styles of MAX's `markup` (offsets in UTF-16 units); a style
    that is unknown, out of range or not nested in the one around it is left out."""
    starts = _unit_starts(text)
    spans: list[tuple[int, int, str, str]] = []  # (start, end) as str indices, open, close
    for element in markup if isinstance(markup, list) else []:
        if not isinstance(element, dict):
            continue
        tag = STYLE_TAGS.get(str(element.get("type")))
        first, length = element.get("from"), element.get("length")
        if tag is None or not isinstance(first, int) or not isinstance(length, int):
            continue
        start, end = starts.get(first), starts.get(first + length)
        if start is None or end is None or start >= end:
            continue
        opening = f"<{tag}>"
        if tag == "a":
            url = element.get("url")
            if not isinstance(url, str) or not url.lower().startswith(("http://", "https://")):
                continue
            opening = _link_opening(url)
        spans.append((start, end, opening, f"</{tag}>"))
    spans.sort(key=lambda s: (s[0], -s[1]))
    out: list[str] = []
    open_ends: list[tuple[int, str]] = []  # (end, closing tag), innermost last
    position = 0
    for start, end, opening, closing in spans:
        while open_ends and open_ends[-1][0] <= start:
            out.append(html.escape(text[position : open_ends[-1][0]], quote=False))
            position = open_ends[-1][0]
            out.append(open_ends.pop()[1])
        if open_ends and end > open_ends[-1][0]:
            continue  # crosses the span around it: HTML cannot say that
        out.append(html.escape(text[position:start], quote=False))
        out.append(opening)
        position = start
        open_ends.append((end, closing))
    while open_ends:
        out.append(html.escape(text[position : open_ends[-1][0]], quote=False))
        position = open_ends[-1][0]
        out.append(open_ends.pop()[1])
    out.append(html.escape(text[position:], quote=False))
    return "".join(out)


def _unit_starts(text: str) -> dict[int, int]:
    """UTF-16 offset -> index in `text`, at every character boundary."""
    starts, units = {}, 0
    for index, char in enumerate(text):
        starts[units] = index
        units += 2 if ord(char) > 0xFFFF else 1
    starts[units] = len(text)
    return starts

"""The flows' HTML (written for Telegram) as MAX takes it, and buttons as MAX keyboards.

MAX strips tags outside b/strong, i/em, u/ins, s/del, a, pre/code, mark and h1. A blockquote
(the sources line under an answer) becomes italics on its own paragraph; other tags keep their
text and lose the tag; attributes other than a link's href go.
"""

from __future__ import annotations

import re
from typing import Any

from bot.conversation import Button, Keyboard

ALLOWED_TAGS = frozenset({"b", "strong", "i", "em", "u", "ins", "s", "del", "a", "pre", "code"})
ALLOWED_TAGS |= {"mark", "h1"}
RENAMED = {"blockquote": "i", "strike": "s"}
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)([^>]*)>")
_HREF = re.compile(r"""\bhref\s*=\s*("[^"]*"|'[^']*')""")

MAX_ROWS = 30
MAX_ROW_BUTTONS = 7
MAX_ROW_LINKS = 3  # link-like buttons (link, open_app, geo, contact) in a row
MAX_BUTTON_TEXT = 128


def max_html(html: str) -> str:
    return _TAG.sub(_tag, html)


def _tag(found: re.Match[str]) -> str:
    closing, name, attributes = found[1], found[2].lower(), found[3]
    name = RENAMED.get(name, name)
    if name not in ALLOWED_TAGS:
        return ""
    if closing:
        return f"</{name}>"
    if name == "a":
        href = _HREF.search(attributes)
        return f"<a href={href[1]}>" if href else "<a>"
    return f"<{name}>"


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

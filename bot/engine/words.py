"""How the engine splits text into words; shared by the normaliser and the lexicon's checks."""

from __future__ import annotations

import re

WORD_RE = re.compile(r"[a-zа-я]+|\d+|%")


def split_words(text: str) -> list[str]:
    """Lower-cased words, numbers and '%' signs of a text."""
    return WORD_RE.findall(text.lower().replace("ё", "е"))

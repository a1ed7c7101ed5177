"""Russian typed in Latin letters ("kak poluchit zagranpasport") read back in Cyrillic.

People without a Cyrillic keyboard spell by ear, not by one standard: "й" is "i", "j" or "y",
"ц" is "c" or "ts", "ь" is "'" or nothing. A fixed scheme (cyrtranslit's, GOST's) reads only its
own spelling, so each Latin word is read every way these spellings allow and the reading that is
a real Russian word wins; the caller decides whether the whole message was Russian at all.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable

# Latin spellings and the Cyrillic they may stand for, the likelier first. Longest match first.
_SPELLINGS: dict[str, tuple[str, ...]] = {
    "shch": ("щ",),
    "sch": ("щ", "сч", "сх"),
    "tsya": ("тся", "ться"),
    "tsja": ("тся", "ться"),
    "tsia": ("ция", "тся", "ться"),
    "tsa": ("ца", "тся", "ться"),
    "tca": ("тся", "ться", "тса"),
    "iya": ("ия",),
    "iyu": ("ию",),
    "iye": ("ие",),
    "iju": ("ию",),
    "ija": ("ия",),
    "ije": ("ие",),
    "sh": ("ш", "сх", "шь"),  # "umeesh": the soft sign of "-шь" is rarely typed
    "ch": ("ч", "х", "чь"),
    "zh": ("ж",),
    "kh": ("х",),
    "ts": ("ц", "тс", "ть"),
    "tz": ("ц",),
    "ya": ("я", "ья", "ыа"),
    "ja": ("я", "ья"),
    "ia": ("ия", "я"),
    "yu": ("ю", "ью"),
    "ju": ("ю", "ью"),
    "iu": ("ию", "ю"),
    "yo": ("е", "ье"),
    "jo": ("е", "ье"),
    "ye": ("е", "ые", "ье"),
    "je": ("е", "ье"),
    "yi": ("ый", "ий", "ьи"),
    "ij": ("ий", "ый"),
    "yj": ("ый",),
    "iy": ("ий", "ый"),
    "ck": ("к",),
    "x": ("кс",),
    "w": ("в",),
    "q": ("к",),
    "a": ("а",),
    "b": ("б",),
    "c": ("ц", "к", "ч"),
    "d": ("д", "дь"),
    "e": ("е", "э"),
    "f": ("ф",),
    "g": ("г",),
    "h": ("х",),
    "i": ("и", "й", "ы"),
    "j": ("й", "ж"),
    "k": ("к",),
    "l": ("л", "ль"),
    "m": ("м", "мь"),
    "n": ("н", "нь"),
    "o": ("о",),
    "p": ("п",),
    "r": ("р", "рь"),
    "s": ("с", "сь"),
    "t": ("т", "ть"),
    "u": ("у",),
    "v": ("в", "вь"),
    "y": ("ы", "й", "и"),
    "z": ("з", "зь"),
    "'": ("ь",),
}
_LONGEST = max(map(len, _SPELLINGS))
_LATIN_WORD_RE = re.compile(r"^[a-z']+$")
# A word with more readings than this is read only its likeliest ways: each extra choice point
# doubles the readings, and a long word with many of them is rarely Russian anyway.
MAX_READINGS = 128


def _segments(word: str) -> list[tuple[str, ...]] | None:
    out = []
    i = 0
    while i < len(word):
        for size in range(min(_LONGEST, len(word) - i), 0, -1):
            options = _SPELLINGS.get(word[i : i + size])
            if options is not None:
                out.append(options)
                i += size
                break
        else:
            return None
    return out


def readings(word: str) -> list[str]:
    """Every Cyrillic reading of a lower-case Latin word, the likeliest first."""
    if not _LATIN_WORD_RE.match(word):
        return []
    segments = _segments(word)
    if not segments:
        return []
    # Choice points beyond what MAX_READINGS allows keep their likeliest reading. The ending
    # is read every way first: it is where the soft signs of "-сь" and "-ть" hide.
    budget = MAX_READINGS
    trimmed: list[tuple[str, ...]] = [()] * len(segments)
    for i in [len(segments) - 1, *range(len(segments) - 1)]:
        options = segments[i]
        if len(options) > 1 and budget >= len(options):
            budget //= len(options)
            trimmed[i] = options
        else:
            trimmed[i] = options[:1]
    # Fewest departures from the likeliest spelling first.
    choices = itertools.product(*(range(len(options)) for options in trimmed))
    ranked = sorted(choices, key=sum)
    return [
        "".join(options[k] for options, k in zip(trimmed, pick, strict=True)) for pick in ranked
    ]


def to_cyrillic(
    word: str, is_russian: Callable[[str], bool], is_known: Callable[[str], bool] | None = None
) -> str | None:
    """The first reading of `word` that `is_known` accepts (a word the knowledge base uses:
    "snyat" is "снять" before it is "снят"; "mincifry" is "минцифры", though no dictionary has
    it), else the first `is_russian` accepts, else None."""
    first_russian = None
    for reading in readings(word):
        if is_known is not None and is_known(reading):
            return reading
        if is_russian(reading):
            if is_known is None:
                return reading
            first_russian = first_russian or reading
    return first_russian

"""What a message does besides naming a topic: small talk, and a place in the rating it claims.

Read from a normalised message's lemmas and tokens; no knowledge base needed.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from bot.engine.concepts import GREETING as GREETING
from bot.engine.concepts import HELP as HELP
from bot.engine.concepts import SMALL_TALK as SMALL_TALK
from bot.engine.concepts import THANKS as THANKS
from bot.engine.lexicon import ORDINAL_ENDINGS

# Small-talk concepts (the lexicon maps "привет", "добрый день", "hello" ... onto them), by
# what the bot answers first: a greeting, "you are welcome", or what it can do.

_ORDINALS = {
    "первый": 1,
    "второй": 2,
    "третий": 3,
    "четвертый": 4,
    "пятый": 5,
    "шестой": 6,
    "седьмой": 7,
    "восьмой": 8,
    "девятый": 9,
    "десятый": 10,
    "одиннадцатый": 11,
    "двенадцатый": 12,
    "тринадцатый": 13,
    "четырнадцатый": 14,
    "пятнадцатый": 15,
    "шестнадцатый": 16,
    "семнадцатый": 17,
    "восемнадцатый": 18,
    "девятнадцатый": 19,
    "двадцатый": 20,
    "тридцатый": 30,
    "сороковой": 40,
    "пятидесятый": 50,
    "шестидесятый": 60,
    "семидесятый": 70,
    "восьмидесятый": 80,
    "девяностый": 90,
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
}
# "двадцать третий": the tens come as a cardinal before the ordinal.
_TENS = {
    "двадцать": 20,
    "тридцать": 30,
    "сорок": 40,
    "пятьдесят": 50,
    "шестьдесят": 60,
    "семьдесят": 70,
    "восемьдесят": 80,
}
# "в десятке" (in the top ten), "в первой пятерке", "top 5".
_GROUPS = {"тройка": 3, "пятерка": 5, "десятка": 10, "двадцатка": 20, "десяток": 10}
_TOP = ("топ", "top")
# What may follow a number that is a place: "5 место", "5-е", "5-м", "5th"; not "-го", which
# is a date's ("до 10-го").
_PLACE_AFTER = (ORDINAL_ENDINGS - {"го"}) | frozenset(
    {"место", "строчка", "позиция", "th", "st", "nd", "rd", "place"}
)
MAX_PLACE = 100
# What may follow an English ordinal that is a place: "we were fifth in 2019", "first among".
_EN_AFTER_PLACE = frozenset({"", "in", "among", "of", "for", "this", "that", "last", "again"})


@dataclass(frozen=True, slots=True)
class PlaceClaim:
    """A place the message states: "седьмыми" is 7; "в десятке" is at most 10 (`within`)."""

    place: int
    within: bool = False
    words: tuple[str, ...] = ()  # the lemmas that stated it ("десятый"; "5", "место")

    def holds(self, place: int) -> bool:
        return place <= self.place if self.within else place == self.place


def small_talk(tokens: Sequence[str]) -> tuple[str, ...]:
    """The small-talk concepts in a message, in the order of SMALL_TALK."""
    present = set(tokens)
    return tuple(kind for kind in SMALL_TALK if kind in present)


# A question that asks who held a place ("кто был вторым", "какой регион") claims nothing.
_WHO = frozenset({"кто", "who", "which"})
_WHICH, _WHICH_OF = "какой", frozenset({"регион", "область", "субъект"})
_WHO_OF_US = ("кто", "из", "мы")
_WHAT = frozenset({"что", "чем", "what"})
# Words that make a place a claim about the region itself: "мы в десятке?", "область на 5 месте".
_US = frozenset({"мы", "наш", "область", "смоленщина", "смоленский", "we", "our", "us", "smolensk"})


# What making a rating is called: "кто составляет / делает / проводит", "когда подводят итоги".
_COMPILING = frozenset(
    {
        "составлять",
        "составить",
        "делать",
        "сделать",
        "проводить",
        "провести",
        "подводить",
        "подвести",
        "публиковать",
        "опубликовать",
        "вести",
        "формировать",
        "сформировать",
        "выпускать",
        "compile",
        "make",
        "conduct",
        "run",
        "publish",
    }
)
_WHEN = frozenset({"когда", "when"})
# "в каком месяце", "what month": when, too.
_WHICH_ANY = frozenset({_WHICH, "what", "which"})
_TIME_UNITS = frozenset({"месяц", "число", "день", "month", "date", "day"})
# Naming who makes it ("Минцифры ведёт рейтинг?") is asking who makes it.
_AGENCIES = frozenset({"минэкономразвития", "минцифр", "министерство", "ministry"})


def asks_who_compiles(lemmas: Sequence[str]) -> bool:
    """Whether a message asks who makes a rating, or when its results come out ("кто
    составляет рейтинг", "в каком месяце подводят итоги", "правда, что его ведёт
    Минцифры?"), rather than who is in it."""
    words = set(lemmas)
    when = bool(_WHEN & words) or any(
        a in _WHICH_ANY and b in _TIME_UNITS for a, b in itertools.pairwise(lemmas)
    )
    return bool(_WHO & words or when or _AGENCIES & words) and bool(_COMPILING & words)


def asks_who(lemmas: Sequence[str]) -> bool:
    """Whether a message asks who ("кто на первом месте", "какой регион первый"), not what
    place ("какое место")."""
    # "кто из нас прав" asks which of the speakers is right, not who held a place.
    of_us = any(tuple(lemmas[i : i + 3]) == _WHO_OF_US for i in range(len(lemmas) - 2))
    who = bool(_WHO & set(lemmas)) and not of_us
    return who or any(a == _WHICH and b in _WHICH_OF for a, b in itertools.pairwise(lemmas))


def asks_what_it_does(lemmas: Sequence[str]) -> bool:
    """Whether a message asks what something does ("чем занимается МФЦ", "за что отвечает",
    "what does it do") rather than who or which body does it."""
    words = set(lemmas)
    return bool(_WHAT & words) and not asks_who(lemmas) and _WHICH not in words


def names_us(lemmas: Sequence[str]) -> bool:
    """Whether a message names the region itself ("мы", "Смоленская"), not just any region
    ("худшая область" asks about others)."""
    return bool((_US - {"область"}) & set(lemmas))


def about_us(lemmas: Sequence[str]) -> bool:
    """Whether a message speaks of the region itself ("мы", "наша область", "Смоленщина")."""
    return bool(_US & set(lemmas))


def _counts_something(ordinal: str, following: str, nouns: frozenset[str]) -> bool:
    """Whether an ordinal numbers something other than a place: "на второго ребенка",
    "first grade". An English word after an English ordinal does, unless it says place."""
    if following in _PLACE_AFTER:
        return False
    if ordinal.isascii():
        return following not in _EN_AFTER_PLACE
    return following in nouns


def claimed_place(lemmas: Sequence[str], nouns: frozenset[str] = frozenset()) -> PlaceClaim | None:
    """The place in the rating a message states, if any ("на 5 месте", "седьмыми", "в десятке").

    Read from the message's lemmas before synonyms ("десятка", not the concept "топ"). An
    ordinal before another noun counts something else ("на второго ребенка").
    """
    if asks_who(lemmas):
        return None
    for i, lemma in enumerate(lemmas):
        following = lemmas[i + 1] if i + 1 < len(lemmas) else ""
        if lemma in _GROUPS:
            return PlaceClaim(_GROUPS[lemma], within=True, words=(lemma,))
        if lemma in _TOP and following.isdigit() and 0 < int(following) <= MAX_PLACE:
            return PlaceClaim(int(following), within=True, words=(lemma, following))
        if lemma in _ORDINALS and not _counts_something(lemma, following, nouns):
            tens = _TENS.get(lemmas[i - 1], 0) if i > 0 else 0
            return PlaceClaim(tens + _ORDINALS[lemma], words=(lemma,))
        if lemma.isdigit() and 0 < int(lemma) <= MAX_PLACE and following in _PLACE_AFTER:
            return PlaceClaim(int(lemma), words=(lemma, following))
    return None


# One neighbour is a person telling the story ("сосед по даче уверяет…", "соседка говорит"),
# not the regions around ours ("на фоне соседей", "соседние области").
_NEIGHBOUR_PERSON = frozenset(
    {
        "сосед", "соседа", "соседу", "соседом", "соседе",
        "соседка", "соседки", "соседке", "соседку", "соседкой",
    }
)  # fmt: skip


def neighbour_is_a_person(words: Sequence[str]) -> bool:
    """Whether every word of a message about a neighbour names one person (words as typed)."""
    said = [w for w in words if w.startswith("сосед")]
    return bool(said) and all(w in _NEIGHBOUR_PERSON for w in said)

"""Slots: the year and the region a question names, read from its canonical tokens."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.engine.lexicon import ORDINAL_ENDINGS
from bot.engine.normalize import Normalizer
from bot.kb.model import Region

MIN_YEAR, MAX_YEAR = 2000, 2099
_REGION_WORDS = frozenset({"область", "республика", "округ", "ао"})
# Lemma endings of Russian region adjectives ("курский", "тверской", "ненецкий").
_ADJECTIVE_ENDINGS = ("ский", "цкий", "ской")
DEFAULT_REGION = "smolensk"
# "в 17 году" is 2017; "мне 72 года" is an age.
_YEAR_PREPOSITIONS = frozenset({"в", "во", "за", "на", "к", "с", "до", "по", "от"})
# What follows a number that counts money, people or things rather than naming a year.
_UNITS = frozenset(
    {"рубль", "руб", "р", "тысяча", "процент", "житель", "услуга", "место", "лет", "штука"}
)


@dataclass(frozen=True, slots=True)
class Slots:
    year: int | None = None
    regions: tuple[str, ...] = ()  # known region keys, in the order named
    unknown_region: str | None = None  # "курский" in "курская область": named but not in our data
    region_used: frozenset[int] = frozenset()  # positions of the tokens that named regions


class SlotReader:
    """Finds years and regions; region aliases are lemmatised once at load."""

    def __init__(self, normalizer: Normalizer, regions: dict[str, Region]) -> None:
        self._normalizer = normalizer
        self._aliases: dict[tuple[str, ...], str] = {}
        for region in regions.values():
            for alias in (*region.aliases, region.name.ru, region.name.en):
                key = tuple(normalizer.canonical(alias.replace("-", " ").split()))
                key = tuple(t for t in key if t not in _REGION_WORDS)  # "... область" == "..."
                if key:
                    self._aliases.setdefault(key, region.key)
        # The most tokens an alias starting with each token has: other tokens name no region.
        self._alias_words: dict[str, int] = {}
        for key in self._aliases:
            self._alias_words[key[0]] = max(self._alias_words.get(key[0], 1), len(key))
        self.alias_tokens = frozenset(t for key in self._aliases for t in key)

    def read(self, tokens: Sequence[str]) -> Slots:
        year = None
        regions: list[str] = []
        unknown = None
        used: set[int] = set()  # region positions
        i = 0
        while i < len(tokens):
            token = tokens[i]
            if token.isdigit():
                value = int(token)
                after = i + 1
                if after < len(tokens) and tokens[after] in ORDINAL_ENDINGS:
                    after += 1  # "в 17-м году", "в 19м году"
                following = tokens[after] if after < len(tokens) else ""
                before = tokens[i - 1] if i > 0 else ""
                if len(token) == 2 and following == "год" and before in _YEAR_PREPOSITIONS:
                    value += 2000  # "в 17 году", but not "мне 72 года"
                if following in _UNITS:
                    value = 0  # "2000 рублей", "1500 человек": an amount, not a year
                if MIN_YEAR <= value <= MAX_YEAR and year is None:
                    year = value
                i += 1
                continue
            longest = self._alias_words.get(token, 0)
            for size in range(min(longest, len(tokens) - i), 0, -1):
                key = self._aliases.get(tuple(tokens[i : i + size]))
                if key is not None:
                    if key not in regions:
                        regions.append(key)
                    used.update(range(i, i + size))
                    i += size
                    break
            else:
                after_name = token in _REGION_WORDS and i > 0 and (i - 1) not in used
                if after_name and self._looks_like_region_name(tokens[i - 1]):
                    unknown = tokens[i - 1]
                    used.add(i - 1)
                i += 1
        return Slots(year, tuple(regions), unknown, frozenset(used))

    def _looks_like_region_name(self, token: str) -> bool:
        """ "курский" before "область", or an unknown English word before "region"."""
        if token.endswith(_ADJECTIVE_ENDINGS):
            return True
        n = self._normalizer
        return (
            token.isascii()
            and token.isalpha()
            and token not in n.vocabulary
            and token not in n.stopwords
        )

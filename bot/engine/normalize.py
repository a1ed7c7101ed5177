"""Turns text as people type it into canonical tokens for matching.

Steps: lower case and ё→е; each word tried in both keyboard layouts (йцукен/qwerty);
Russian words lemmatised (pymorphy3; words it does not know are stemmed), English ones stemmed
(Snowball); synonyms and
abbreviations mapped to one concept; typos corrected against the known vocabulary.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import pymorphy3
import Stemmer
from rapidfuzz import fuzz, process

from bot.engine.lexicon import MINOR_EN, STOPWORDS, SYNONYMS

_QWERTY = "qwertyuiop[]asdfghjkl;'zxcvbnm,.`"
_YCUKEN = "йцукенгшщзхъфывапролджэячсмитьбюё"
# Text is lower-cased before layouts are tried, so lower-case maps suffice.
_TO_CYRILLIC = str.maketrans(_QWERTY, _YCUKEN)
_TO_LATIN = str.maketrans(_YCUKEN, _QWERTY)
_WORD_RE = re.compile(r"[a-zа-я]+|\d+|%")
_CYRILLIC_RE = re.compile(r"[а-я]")
_LATIN_RE = re.compile(r"[a-z]")
# Only this much of a message is matched: questions are short, and a 5,000-character paste
# must not cost more than a question does.
MAX_CHARS = 400
MAX_SYNONYM_WORDS = 4
# Parts of speech that rarely name a topic: an unknown verb or adverb ("находится", "чаще")
# says less about what the question is about than an unknown noun ("борщ", "кредит").
_MINOR_POS = frozenset(
    {
        "VERB",
        "INFN",
        "ADJF",
        "ADJS",
        "PRTF",
        "PRTS",
        "GRND",
        "ADVB",
        "PREP",
        "CONJ",
        "PRCL",
        "NPRO",
        "NUMR",
        "PRED",
        "COMP",
        "INTJ",
    }
)


@dataclass(frozen=True, slots=True)
class Normalized:
    """A query reduced to canonical tokens."""

    tokens: tuple[str, ...]  # every canonical token, in order (slots read these)
    lang: str  # "ru" or "en": the language to answer in
    layout_fixed: bool
    corrected: tuple[tuple[str, str], ...] = ()  # (typed, understood) pairs
    minor: frozenset[str] = frozenset()  # tokens of verbs, adverbs and other function words


class Normalizer:
    """Reduces words to lemmas and concepts; one instance, prepared once at load."""

    def __init__(self) -> None:
        self._morph = pymorphy3.MorphAnalyzer()
        self._stem_en = Stemmer.Stemmer("english")
        self._stem_ru = Stemmer.Stemmer("russian")
        self._minor_en = frozenset(self._stem_en.stemWords(MINOR_EN))
        self._analyse = lru_cache(maxsize=200_000)(self._analyse_uncached)
        self.synonyms: dict[tuple[str, ...], str] = {}
        for concept, variants in SYNONYMS.items():
            for variant in (concept, *variants):
                words = split_words(variant)
                if len(words) == 1:
                    # Every reading of the word: "десятка" alone reads as "десяток", while
                    # "в десятке" reads as "десятка"; both must reach the concept.
                    for lemma in self._all_lemmas(words[0]):
                        self.synonyms.setdefault((lemma,), concept)
                elif words:
                    self.synonyms[tuple(self._lemma(w) for w in words)] = concept
        self.stopwords = frozenset(self.canonical(split_words(" ".join(STOPWORDS))))
        # Lemmas that synonyms turn into a concept are known words ("билет" of "охотничий билет").
        self._synonym_lemmas = frozenset(t for key in self.synonyms for t in key)
        self.vocabulary: frozenset[str] = frozenset()
        self._known_words: frozenset[str] = self.stopwords | self._synonym_lemmas
        self._correction_choices: list[str] = []
        self._correct = lru_cache(maxsize=50_000)(self._correct_uncached)

    # -- words -----------------------------------------------------------------------------
    def _lemma(self, word: str) -> str:
        return self._analyse(word)[0]

    def _all_lemmas(self, word: str) -> set[str]:
        lemmas = {self._lemma(word)}
        if _CYRILLIC_RE.search(word) and self._morph.word_is_known(word):
            for parse in self._morph.parse(word):
                lemma = parse.normal_form.replace("ё", "е")
                lemmas.add(lemma[:-2] if lemma.endswith(("ться", "тись", "чься")) else lemma)
        return lemmas

    def _analyse_uncached(self, word: str) -> tuple[str, bool]:
        """(lemma, whether the word is a verb, adverb or other function word)."""
        if word.isdigit() or word == "%":
            return word, False
        if _CYRILLIC_RE.search(word):
            if not self._morph.word_is_known(word):
                # pymorphy3 guesses odd lemmas for words it lacks ("учетку" -> "учеткать");
                # a stemmer reduces every form of such a word to the same stem.
                return self._stem_ru.stemWord(word), False
            parse = self._morph.parse(word)[0]
            lemma = parse.normal_form.replace("ё", "е")
            # Reflexive and plain verbs are one concept: "зарегистрироваться" ~ "зарегистрировать".
            if lemma.endswith(("ться", "тись", "чься")):
                lemma = lemma[:-2]
            return lemma, parse.tag.POS in _MINOR_POS
        stem = self._stem_en.stemWord(word)
        return stem, stem in self._minor_en

    def canonical(self, words: Iterable[str]) -> list[str]:
        """Lemmatise words and map synonym phrases (longest first) to their concept."""
        lemmas = [self._lemma(w) for w in words]
        return self._map_synonyms(lemmas)

    def _map_synonyms(self, lemmas: list[str]) -> list[str]:
        out: list[str] = []
        i = 0
        while i < len(lemmas):
            for size in range(min(MAX_SYNONYM_WORDS, len(lemmas) - i), 0, -1):
                concept = self.synonyms.get(tuple(lemmas[i : i + size]))
                if concept is not None:
                    out.append(concept)
                    i += size
                    break
            else:
                out.append(lemmas[i])
                i += 1
        return out

    def content(self, tokens: Iterable[str]) -> list[str]:
        """Tokens that carry meaning: stopwords dropped, order kept, duplicates removed."""
        seen: dict[str, None] = {}
        for t in tokens:
            if t not in self.stopwords:
                seen.setdefault(t, None)
        return list(seen)

    # -- vocabulary and typos ------------------------------------------------------------------
    def set_vocabulary(self, vocabulary: Iterable[str]) -> None:
        """The tokens the knowledge base knows: layout and typo fixes aim at these."""
        self.vocabulary = frozenset(vocabulary)
        self._known_words = self.vocabulary | self.stopwords | self._synonym_lemmas
        long_stopwords = {t for t in self.stopwords if len(t) >= 5}
        self._correction_choices = sorted(
            t
            for t in self.vocabulary | self._synonym_lemmas | long_stopwords
            if len(t) >= 3 and t.isalpha()
        )
        self._correct.cache_clear()

    def _known(self, token: str) -> bool:
        return token in self._known_words or token.isdigit() or token == "%"

    def _familiarity(self, words: list[tuple[str, str]]) -> float:
        """How many words are known; a likely typo of a known word counts half."""
        return sum(
            1.0 if self._known(lemma) else 0.5 if self._correct(lemma) else 0.0
            for _, lemma in words
        )

    def _correct_uncached(self, token: str) -> str | None:
        """The known token a typo most likely meant, or None."""
        if len(token) < 4 or not token.isalpha():
            return None
        if token.isascii():
            # No English dictionary to tell a typo from a real word ("presid" is not "resid"):
            # only long words, and only near-certain fixes.
            if len(token) < 7:
                return None
            cutoff = 90
        else:
            # One edit in a short word, about one in five in a longer one.
            cutoff = 84 if len(token) <= 6 else 78
        found = process.extractOne(
            token, self._correction_choices, scorer=fuzz.ratio, score_cutoff=cutoff
        )
        return found[0] if found else None

    # -- the whole query -------------------------------------------------------------------------
    def normalize(self, text: str) -> Normalized:
        text = text[:MAX_CHARS].lower().replace("ё", "е")
        layout_fixed = False
        words: list[tuple[str, str]] = []  # (word as typed, lemma)
        for chunk in text.split():
            chosen = self._lemmas_of(chunk)
            if not all(self._known(lemma) for _, lemma in chosen):
                alt_chunk = _other_layout(chunk)
                if alt_chunk is not None:
                    alt = self._lemmas_of(alt_chunk)
                    if alt and self._familiarity(alt) > self._familiarity(chosen):
                        chosen, layout_fixed = alt, True
            words.extend(chosen)
        corrected: list[tuple[str, str]] = []
        fixed: list[str] = []
        for word, lemma in words:
            if not self._known(lemma) and not self._is_dictionary_word(word):
                fix = self._correct(lemma)
                if fix is not None:
                    corrected.append((word, fix))
                    lemma = fix
            fixed.append(lemma)
        tokens = self._map_synonyms(fixed)
        lemmas = [lemma for _, lemma in words]
        minor = frozenset(lemma for word, lemma in words if self._analyse(word)[1])
        return Normalized(tuple(tokens), _language(lemmas), layout_fixed, tuple(corrected), minor)

    def _lemmas_of(self, chunk: str) -> list[tuple[str, str]]:
        return [(w, self._lemma(w)) for w in _WORD_RE.findall(chunk)]

    def _is_dictionary_word(self, word: str) -> bool:
        """A real Russian word ("продать") is not a typo of a known one ("подать")."""
        return bool(_CYRILLIC_RE.search(word)) and self._morph.word_is_known(word)


def split_words(text: str) -> list[str]:
    """Lower-cased words, numbers and '%' signs of a text."""
    return _WORD_RE.findall(text.lower().replace("ё", "е"))


def _other_layout(chunk: str) -> str | None:
    """The chunk as it would read typed in the other keyboard layout, if it has letters."""
    has_cyr = bool(_CYRILLIC_RE.search(chunk))
    has_lat = bool(_LATIN_RE.search(chunk))
    if has_lat and not has_cyr:
        return chunk.translate(_TO_CYRILLIC)
    if has_cyr and not has_lat:
        return chunk.translate(_TO_LATIN)
    return None


def _language(lemmas: list[str]) -> str:
    latin = sum(1 for t in lemmas if _LATIN_RE.match(t))
    cyrillic = sum(1 for t in lemmas if _CYRILLIC_RE.match(t))
    return "en" if latin > cyrillic else "ru"

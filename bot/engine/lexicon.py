"""The lexicon: words the matcher treats as one concept, words it ignores, words that set a
question's scene. Editors keep it in data/lexicon.yaml, where each section says what it does.

`load_lexicon` reads and validates the file into a `Lexicon`; every problem is reported as
`file:line: what is wrong` (KbInvalid, as the knowledge base's are). It is read once where the
engine is built (bot/runtime.py, bot/kb/store.py) and handed to the Normalizer, which the rest
of the engine asks for it. `default_lexicon()` is the project's own, read once when first
asked for; the old constants (SYNONYMS, STOPWORDS...) read it too, for code that imports them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeGuard

import yaml

from bot.config import DEFAULT_DATA_DIR
from bot.engine.concepts import NAMED_BY_RULES
from bot.engine.words import split_words
from bot.kb.files import LEXICON_FILE
from bot.kb.loader import KbError, KbInvalid
from bot.kb.yaml_lines import LineDict, LineList, item_line, line_of, load_yaml

# What follows a number written as an ordinal: "20-м", "5-е", "3-й", "10-го", "5-ое", "5-ой".
# Grammar the code reads (slots.py, intents.py), not vocabulary: kept here, and added to the
# stopwords.
ORDINAL_ENDINGS = frozenset({"м", "е", "й", "го", "ом", "ое", "ой"})

# The most words a synonym phrase may have: longer ones are never looked for.
MAX_SYNONYM_WORDS = 6


@dataclass(frozen=True, slots=True)
class Lexicon:
    """data/lexicon.yaml, validated; each field is the section of its name (see the file)."""

    spellings: Mapping[str, str]
    scene_things: frozenset[str]
    context_words: frozenset[str]  # with the scene_things
    senses: Mapping[str, tuple[str, frozenset[str]]]  # concept -> (its sense, the words beside)
    ministry_abbreviations: frozenset[str]
    ministry: str
    rating_context: frozenset[str]
    generic_adjectives: frozenset[str]
    foreign_places: frozenset[str]
    kept_as_typed: frozenset[str]
    synonyms: Mapping[str, tuple[str, ...]]  # concept -> variants, in the file's order
    stopwords: tuple[str, ...]  # with the ORDINAL_ENDINGS
    context_en: tuple[str, ...]
    scene_things_en: tuple[str, ...]
    minor_en: tuple[str, ...]


# One word as typed or as its lemma; an English word; a concept or a token ("за_человека").
_WORD = re.compile(r"[a-zа-я]+")
_EN_WORD = re.compile(r"[a-z]+")
_TOKEN = re.compile(r"[a-zа-я0-9]+(?:_[a-zа-я0-9]+)*")
_ONE_WORD = "one word of letters (а-я or a-z)"
_ONE_TOKEN = "one word of letters or digits (words of a concept joined by '_')"

# Lists of words: section -> (what each item must match, what that means).
_WORD_LISTS: dict[str, tuple[re.Pattern[str], str]] = {
    "scene_things": (_WORD, _ONE_WORD),
    "context_words": (_WORD, _ONE_WORD),
    "ministry_abbreviations": (_WORD, _ONE_WORD),
    "rating_context": (_TOKEN, _ONE_TOKEN),
    "generic_adjectives": (_WORD, _ONE_WORD),
    "foreign_places": (_WORD, _ONE_WORD),
    "kept_as_typed": (_WORD, _ONE_WORD),
    "context_en": (_EN_WORD, "one English word (a-z)"),
    "scene_things_en": (_EN_WORD, "one English word (a-z)"),
    "minor_en": (_EN_WORD, "one English word (a-z)"),
}
SECTIONS = (
    "spellings",
    "scene_things",
    "context_words",
    "senses",
    "ministry_abbreviations",
    "ministry",
    "rating_context",
    "generic_adjectives",
    "foreign_places",
    "kept_as_typed",
    "synonyms",
    "stopwords",
    "context_en",
    "scene_things_en",
    "minor_en",
)


def load_lexicon(path: Path) -> Lexicon:
    """Read and validate the lexicon at `path`; raise KbInvalid listing every problem."""
    if not path.is_file():
        raise KbInvalid(
            [KbError(str(path), 0, "no lexicon: the words the bot understands (data/lexicon.yaml)")]
        )
    try:
        doc = load_yaml(path.read_text(encoding="utf-8"), fast=True)
    except UnicodeDecodeError as exc:
        raise KbInvalid([KbError(path.name, 1, f"not UTF-8 text ({exc.reason})")]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        line = mark.line + 1 if mark else 1
        raise KbInvalid([KbError(path.name, line, f"YAML syntax: {problem}")]) from None
    if not isinstance(doc, LineDict):
        raise KbInvalid([KbError(path.name, 1, "the file must be a mapping of sections")])
    reader = _Reader(doc)
    lexicon = reader.lexicon()
    if reader.errors:
        raise KbInvalid([KbError(path.name, line, message) for line, message in reader.errors])
    return lexicon


def lexicon_in(data_dir: Path) -> Lexicon:
    """The lexicon of a data folder (data/lexicon.yaml beside the knowledge base's files)."""
    return load_lexicon(data_dir / LEXICON_FILE)


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    """The project's lexicon (the default data folder's), read once: for a Normalizer built
    without one, as tests and benchmarks build it."""
    return lexicon_in(DEFAULT_DATA_DIR)


# The constants this module had before the lexicon moved to data/: each reads the default one.
_CONSTANTS = {name.upper(): name for name in SECTIONS}


def __getattr__(name: str) -> Any:
    field = _CONSTANTS.get(name)
    if field is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(default_lexicon(), field)


class _Reader:
    """Validates the lexicon's sections, recording (line, message) for each problem."""

    def __init__(self, doc: LineDict) -> None:
        self.doc = doc
        self.errors: list[tuple[int, str]] = []

    def error(self, line: int, message: str) -> None:
        self.errors.append((line, message))

    def lexicon(self) -> Lexicon:
        doc = self.doc
        for key in doc:
            if key not in SECTIONS:
                self.error(
                    line_of(doc, key),
                    f"unknown section '{key}' (expected one of {', '.join(SECTIONS)})",
                )
        for key in SECTIONS:
            if key not in doc:
                self.error(doc.line, f"missing section '{key}'")
        words = {
            key: self.words(key, pattern, meaning)
            for key, (pattern, meaning) in _WORD_LISTS.items()
        }
        for word, line in words["context_words"]:
            if word in words["scene_things"]:
                self.error(line, f"context_words: '{word}' is in scene_things already")
        synonyms = self.synonyms()
        concepts = {concept: line for concept, (_, line) in synonyms.items()}
        ministry = self.ministry(concepts)
        senses = self.senses(concepts)
        for concept, where in NAMED_BY_RULES.items():
            if concepts and concept not in concepts:
                self.error(
                    line_of(doc, "synonyms"), f"synonyms: concept '{concept}' is missing ({where})"
                )

        def plain(key: str) -> frozenset[str]:
            return frozenset(word for word, _ in words[key])

        return Lexicon(
            spellings=self.spellings(),
            scene_things=plain("scene_things"),
            context_words=plain("scene_things") | plain("context_words"),
            senses=senses,
            ministry_abbreviations=plain("ministry_abbreviations"),
            ministry=ministry,
            rating_context=plain("rating_context"),
            generic_adjectives=plain("generic_adjectives"),
            foreign_places=plain("foreign_places"),
            kept_as_typed=plain("kept_as_typed"),
            synonyms={concept: variants for concept, (variants, _) in synonyms.items()},
            stopwords=(*self.stopwords(), *sorted(ORDINAL_ENDINGS)),
            context_en=tuple(word for word, _ in words["context_en"]),
            scene_things_en=tuple(word for word, _ in words["scene_things_en"]),
            minor_en=tuple(word for word, _ in words["minor_en"]),
        )

    # -- the kinds of section ------------------------------------------------------------------
    def section(self, key: str, kind: type, what: str) -> Any:
        """The section's node if it is of `kind`, else None (after recording why)."""
        if key not in self.doc:
            return None  # reported as missing
        node = self.doc[key]
        if not isinstance(node, kind):
            self.error(line_of(self.doc, key), f"{key}: must be {what}")
            return None
        return node

    def text(
        self, value: Any, section: str, line: int, check: Callable[[str], str | None]
    ) -> TypeGuard[str]:
        """Whether `value` is well-written text; `check` says what else is wrong with it."""
        if not isinstance(value, str):
            shown = "nothing" if value is None else repr(value)
            self.error(
                line, f"{section}: {shown} is not text (put words like on, no, yes in quotes)"
            )
            return False
        problem = None
        if not value.strip():
            problem = "is empty"
        elif value != value.strip():
            problem = "has spaces around it"
        elif "ё" in value or "Ё" in value:
            problem = "has ё: write е (the bot reads ё as е)"
        elif value != value.lower():
            problem = "is not in lower case"
        else:
            problem = check(value)
        if problem:
            self.error(line, f"{section}: '{value}' {problem}")
        return problem is None

    def items(
        self, key: str, check: Callable[[str], str | None], node: Any = None
    ) -> list[tuple[str, int]]:
        """A list's good items with their lines; an item listed twice is an error."""
        node = self.section(key, list, "a list") if node is None else node
        if node is None:
            return []
        good: list[tuple[str, int]] = []
        first: dict[str, int] = {}
        for index, value in enumerate(node):
            line = item_line(node, index)
            if not self.text(value, key, line, check):
                continue
            if value in first:
                self.error(line, f"{key}: '{value}' is listed twice (first on line {first[value]})")
                continue
            first[value] = line
            good.append((value, line))
        return good

    def words(self, key: str, pattern: re.Pattern[str], meaning: str) -> list[tuple[str, int]]:
        return self.items(key, lambda w: None if pattern.fullmatch(w) else f"must be {meaning}")

    def spellings(self) -> dict[str, str]:
        node = self.section("spellings", LineDict, "a mapping: as typed -> the word meant")
        result: dict[str, str] = {}
        for typed, meant in (node or {}).items():
            line = line_of(node, typed)
            if self.text(typed, "spellings", line, _one_word) and self.text(
                meant, f"spellings: '{typed}'", line, _one_word
            ):
                result[typed] = meant
        return result

    def synonyms(self) -> dict[str, tuple[tuple[str, ...], int]]:
        """concept -> (variants, its line); a variant of two concepts is an error."""
        node = self.section("synonyms", LineDict, "a mapping: concept -> variants")
        result: dict[str, tuple[tuple[str, ...], int]] = {}
        owner: dict[str, tuple[str, int]] = {}  # variant -> (concept, line)
        for concept, variants in (node or {}).items():
            line = line_of(node, concept)
            if not self.text(concept, "synonyms", line, _concept):
                continue
            what = f"synonyms: '{concept}'"
            if not isinstance(variants, LineList) or not variants:
                self.error(line, f"{what} must be a list of variants")
                continue
            good = self.items(what, _variant, variants)
            for variant, at in [(concept, line), *good]:
                other = owner.get(variant)
                if other is not None and other[0] != concept:
                    self.error(
                        at,
                        f"{what}: '{variant}' is a variant of '{other[0]}' already "
                        f"(line {other[1]})",
                    )
                owner.setdefault(variant, (concept, at))
            result[concept] = (tuple(v for v, _ in good), line)
        return result

    def ministry(self, concepts: dict[str, int]) -> str:
        value = self.doc.get("ministry")
        if "ministry" not in self.doc:
            return ""
        line = line_of(self.doc, "ministry")
        if not self.text(value, "ministry", line, _concept):
            return ""
        if concepts and value not in concepts:
            self.error(line, f"ministry: '{value}' is not a concept of synonyms")
        return value

    def senses(self, concepts: dict[str, int]) -> dict[str, tuple[str, frozenset[str]]]:
        node = self.section("senses", LineDict, "a mapping: concept -> {sense, beside}")
        result: dict[str, tuple[str, frozenset[str]]] = {}
        for concept, body in (node or {}).items():
            line = line_of(node, concept)
            what = f"senses: '{concept}'"
            if not self.text(concept, "senses", line, _concept):
                continue
            if concepts and concept not in concepts:
                self.error(line, f"{what} is not a concept of synonyms")
            if not isinstance(body, LineDict):
                self.error(line, f"{what} must be a mapping with 'sense' and 'beside'")
                continue
            for key in body:
                if key not in ("sense", "beside"):
                    self.error(line_of(body, key), f"{what}: unknown key '{key}'")
            sense = body.get("sense")
            sense_line = line_of(body, "sense")
            if not self.text(sense, f"{what}: sense", sense_line, _concept):
                continue
            if concepts and sense not in concepts:
                self.error(sense_line, f"{what}: sense '{sense}' is not a concept of synonyms")
            beside = body.get("beside")
            if not isinstance(beside, list) or not beside:
                self.error(line_of(body, "beside"), f"{what}: 'beside' must be a list of words")
                continue
            words = self.items(f"{what}: beside", _token, beside)
            result[concept] = (sense, frozenset(w for w, _ in words))
        return result

    def stopwords(self) -> list[str]:
        def check(text: str) -> str | None:
            if text in ORDINAL_ENDINGS:
                return "is an ordinal's ending, which bot/engine/lexicon.py adds itself"
            return None if split_words(text) else "has no word in it"

        return [word for word, _ in self.items("stopwords", check)]


def _one_word(text: str) -> str | None:
    return None if _WORD.fullmatch(text) else f"must be {_ONE_WORD}"


def _concept(text: str) -> str | None:
    return None if _TOKEN.fullmatch(text) else f"must be {_ONE_TOKEN}"


_token = _concept


def _variant(text: str) -> str | None:
    words = split_words(text)
    if not words:
        return "has no word in it"
    if len(words) > MAX_SYNONYM_WORDS:
        return f"has more than {MAX_SYNONYM_WORDS} words: it would never be found"
    return None

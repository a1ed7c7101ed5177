"""The lexicon (data/lexicon.yaml) read and validated: every problem named with its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.engine.lexicon import ORDINAL_ENDINGS, Lexicon, default_lexicon, load_lexicon
from bot.kb.loader import KbInvalid

from .conftest import DATA

REAL = (DATA / "lexicon.yaml").read_text(encoding="utf-8")


def errors_for(tmp_path: Path, text: str | bytes) -> list[str]:
    path = tmp_path / "lexicon.yaml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    with pytest.raises(KbInvalid) as info:
        load_lexicon(path)
    return [str(e) for e in info.value.errors]


def line_of(text: str, line: str, after: str = "") -> int:
    """The number of the first line that is `line`, after the line that is `after`."""
    lines = text.splitlines()
    start = lines.index(after) if after else 0
    return lines.index(line, start) + 1


def changed(old: str, new: str, text: str = REAL) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def test_the_project_lexicon_is_valid() -> None:
    lexicon = load_lexicon(DATA / "lexicon.yaml")
    assert isinstance(lexicon, Lexicon) and lexicon == default_lexicon()
    assert "пошлина" in lexicon.synonyms["пошлина"] and "fee" in lexicon.synonyms["пошлина"]
    assert lexicon.spellings["скока"] == "сколько"
    assert lexicon.senses["запись"] == ("трудовая", frozenset({"трудовая"}))
    assert lexicon.scene_things < lexicon.context_words
    assert set(lexicon.stopwords) >= ORDINAL_ENDINGS
    # YAML would read these as true/false: the file quotes them.
    assert {"on", "no", "true"} <= set(lexicon.stopwords)


def test_the_old_constants_still_import() -> None:
    from bot.engine.lexicon import CONTEXT_WORDS, STOPWORDS, SYNONYMS

    lexicon = default_lexicon()
    assert SYNONYMS is lexicon.synonyms and lexicon.stopwords == STOPWORDS
    assert "тетя" in CONTEXT_WORDS
    with pytest.raises(ImportError):
        from bot.engine.lexicon import NO_SUCH_THING  # noqa: F401


def test_a_word_with_yo_or_capitals_is_named_with_its_line(tmp_path: Path) -> None:
    text = changed("  - тетя\n", "  - тётя\n")
    text = changed("  - пенсионерка\n", "  - Пенсионерка\n", text)
    assert errors_for(tmp_path, text) == [
        f"lexicon.yaml:{line_of(text, '  - тётя')}: context_words: 'тётя' has ё: write е "
        "(the bot reads ё as е)",
        f"lexicon.yaml:{line_of(text, '  - Пенсионерка')}: context_words: 'Пенсионерка' is not "
        "in lower case",
    ]


def test_a_repeated_word_and_a_variant_of_two_concepts(tmp_path: Path) -> None:
    text = changed("  срок:\n    - срок\n", "  срок:\n    - срок\n    - госпошлина\n")
    text = text.replace("  - март\n", "  - март\n  - март\n", 1)
    first = line_of(text, "  - март")
    owner = line_of(text, "    - госпошлина")
    again = line_of(text, "    - госпошлина", after="  срок:")
    assert errors_for(tmp_path, text) == [
        f"lexicon.yaml:{first + 1}: context_words: 'март' is listed twice (first on line {first})",
        f"lexicon.yaml:{again}: synonyms: 'срок': 'госпошлина' is a variant of 'пошлина' "
        f"already (line {owner})",
    ]


def test_a_duplicate_key_and_bad_syntax_name_their_line(tmp_path: Path) -> None:
    text = changed("  скоко: сколько\n", "  скоко: сколько\n  скока: сколько\n")
    [error] = errors_for(tmp_path, text)
    again = line_of(text, "  скоко: сколько") + 1
    assert error == f"lexicon.yaml:{again}: YAML syntax: duplicate key 'скока'"
    text = changed("  скок: сколько\n", "  скок: сколько: скока\n")
    [error] = errors_for(tmp_path, text)
    assert error.startswith(
        f"lexicon.yaml:{line_of(text, '  скок: сколько: скока')}: YAML syntax: "
    )


def test_what_yaml_reads_as_no_text(tmp_path: Path) -> None:
    text = changed('  - "no"\n', "  - no\n")
    text = changed("  скок: сколько\n", "  скок: ''\n", text)
    empty = line_of(text, "  скок: ''")
    assert errors_for(tmp_path, text) == [
        f"lexicon.yaml:{empty}: spellings: 'скок': '' is empty",
        f"lexicon.yaml:{line_of(text, '  - no')}: stopwords: False is not text "
        "(put words like on, no, yes in quotes)",
    ]


def test_sections_missing_unknown_or_of_the_wrong_kind(tmp_path: Path) -> None:
    text = changed("kept_as_typed: [", "kept_as_typo: [")
    text = changed("ministry_abbreviations: [мэр, мер]", "ministry_abbreviations: мэр", text)
    typo = next(line for line in text.splitlines() if line.startswith("kept_as_typo:"))
    assert errors_for(tmp_path, text) == [
        f"lexicon.yaml:{line_of(text, typo)}: unknown section 'kept_as_typo' (expected one of "
        "spellings, scene_things, context_words, senses, ministry_abbreviations, ministry, "
        "rating_context, generic_adjectives, foreign_places, kept_as_typed, synonyms, stopwords, "
        "context_en, scene_things_en, minor_en)",
        f"lexicon.yaml:{line_of(text, 'spellings:')}: missing section 'kept_as_typed'",
        f"lexicon.yaml:{line_of(text, 'ministry_abbreviations: мэр')}: ministry_abbreviations: "
        "must be a list",
    ]


def test_concepts_the_code_and_the_senses_name_must_exist(tmp_path: Path) -> None:
    text = changed("  приветствие:\n", "  приветы:\n")
    text = changed("    sense: трудовая\n", "    sense: трудовой_стаж\n", text)
    text = changed("ministry: минэкономразвития", "ministry: минэк", text)
    synonyms = line_of(text, "synonyms:")
    assert errors_for(tmp_path, text) == [
        f"lexicon.yaml:{line_of(text, 'ministry: минэк')}: ministry: 'минэк' is not a concept "
        "of synonyms",
        f"lexicon.yaml:{line_of(text, '    sense: трудовой_стаж')}: senses: 'запись': sense "
        "'трудовой_стаж' is not a concept of synonyms",
        f"lexicon.yaml:{synonyms}: synonyms: concept 'приветствие' is missing "
        "(bot/engine/intents.py)",
    ]


def test_a_phrase_too_long_to_be_found_and_an_ordinal_ending(tmp_path: Path) -> None:
    text = changed("    - кто ты\n", "    - кто ты такой и что ты умеешь\n")
    text = changed("  - опять\n", "  - опять\n  - ой\n", text)
    assert errors_for(tmp_path, text) == [
        f"lexicon.yaml:{line_of(text, '    - кто ты такой и что ты умеешь')}: synonyms: "
        "'помощь': 'кто ты такой и что ты умеешь' has more than 6 words: it would never be found",
        f"lexicon.yaml:{line_of(text, '  - ой')}: stopwords: 'ой' is an ordinal's ending, which "
        "bot/engine/lexicon.py adds itself",
    ]


def test_no_file_not_utf8_not_a_mapping(tmp_path: Path) -> None:
    with pytest.raises(KbInvalid, match="no lexicon"):
        load_lexicon(tmp_path / "lexicon.yaml")
    assert errors_for(tmp_path, b"\xff\xfe\x00bad") == [
        "lexicon.yaml:1: not UTF-8 text (invalid start byte)"
    ]
    assert errors_for(tmp_path, "- just\n- a list\n") == [
        "lexicon.yaml:1: the file must be a mapping of sections"
    ]

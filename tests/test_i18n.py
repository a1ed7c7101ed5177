"""The string catalogues: every language has every key, the plural forms it needs, the same
placeholders; plurals and numbers come out as each language writes them."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from bot import i18n
from bot.engine.ratings import format_place
from bot.i18n import (
    CATALOGUES,
    LANGUAGES,
    LOCALES_DIR,
    CatalogueError,
    language_for,
    load,
    number,
    ordinal,
    percent,
    placeholders,
    plural_forms,
    problems,
    t,
    tn,
)
from bot.kb.model import Placement, RatingYear

ROOT = Path(__file__).resolve().parents[1]
NBSP = "\xa0"


def test_every_language_has_a_catalogue_file_and_nothing_else_is_there() -> None:
    assert sorted(p.stem for p in LOCALES_DIR.glob("*.yaml")) == sorted(LANGUAGES)


def test_the_catalogues_have_the_same_keys() -> None:
    keys = {lang: set(catalogue) for lang, catalogue in CATALOGUES.items()}
    assert all(k == keys["ru"] for k in keys.values()), {
        lang: sorted(k ^ keys["ru"]) for lang, k in keys.items()
    }


def test_each_key_has_the_same_placeholders_in_every_language() -> None:
    for key in CATALOGUES["ru"]:
        found = {lang: placeholders(catalogue[key]) for lang, catalogue in CATALOGUES.items()}
        assert len(set(found.values())) == 1, (key, found)


def test_plural_messages_have_every_form_their_language_needs() -> None:
    assert plural_forms("ru", "guides") == {"one", "few", "many", "other"}
    assert plural_forms("en", "guides") == {"one", "other"}
    assert plural_forms("en", "place_ordinal") == {"one", "two", "few", "other"}
    plurals = 0
    for lang, catalogue in CATALOGUES.items():
        for key, message in catalogue.items():
            if isinstance(message, dict):
                plurals += 1
                assert set(message) == plural_forms(lang, key), (lang, key)
                assert all("{n}" in text for text in message.values()), (lang, key)
    assert plurals >= 2 * 10


def test_the_catalogues_as_loaded_have_no_problems() -> None:
    assert problems(CATALOGUES) == []


def _write(directory: Path, lang: str, data: dict[str, object]) -> None:
    (directory / f"{lang}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True))


def test_a_key_missing_in_one_language_stops_the_load(tmp_path: Path) -> None:
    _write(tmp_path, "ru", {"a": "А", "b": "Б"})
    _write(tmp_path, "en", {"a": "A"})
    with pytest.raises(CatalogueError, match=r"en: no 'b'"):
        load(tmp_path)


def test_a_missing_plural_form_or_placeholder_stops_the_load(tmp_path: Path) -> None:
    _write(tmp_path, "ru", {"times": {"one": "{n} раз", "other": "{n} раза"}, "x": "{a}"})
    _write(tmp_path, "en", {"times": {"one": "{n} time", "other": "{n} times"}, "x": "{b}"})
    with pytest.raises(CatalogueError) as failure:
        load(tmp_path)
    assert "ru: 'times' has forms ['one', 'other'], needs ['few', 'many', 'one', 'other']" in str(
        failure.value
    )
    assert "'x' has different placeholders" in str(failure.value)


def test_a_key_written_twice_or_a_missing_file_stops_the_load(tmp_path: Path) -> None:
    (tmp_path / "ru.yaml").write_text("a: А\na: Б\n")
    _write(tmp_path, "en", {"a": "A"})
    with pytest.raises(CatalogueError, match="duplicate key 'a'"):
        load(tmp_path)
    (tmp_path / "ru.yaml").unlink()
    with pytest.raises(CatalogueError, match=r"ru\.yaml"):
        load(tmp_path)


def test_the_shipped_catalogues_load_from_a_copy(tmp_path: Path) -> None:
    shutil.copytree(LOCALES_DIR, tmp_path / "locales")
    assert load(tmp_path / "locales") == CATALOGUES


@pytest.mark.parametrize(
    ("n", "ru", "en"),
    [
        (1, "1 балл из 100", "1 point of 100"),
        (2, "2 балла из 100", "2 points of 100"),
        (5, "5 баллов из 100", "5 points of 100"),
        (11, "11 баллов из 100", "11 points of 100"),
        (21, "21 балл из 100", "21 points of 100"),
        (24, "24 балла из 100", "24 points of 100"),
    ],
)
def test_russian_plurals_follow_the_number(n: int, ru: str, en: str) -> None:
    assert (tn("ru", "score_points", n), tn("en", "score_points", n)) == (ru, en)


def test_a_fraction_takes_the_form_for_fractions_as_shown() -> None:
    assert tn("ru", "score_points", 83.17, digits=2) == "83,17 балла из 100"
    # 83.00 as shown is a fraction: "83,00 балла", not "83,00 баллов".
    assert tn("ru", "score_points", 83, digits=2) == "83,00 балла из 100"
    assert tn("en", "score_points", 1, digits=2) == "1.00 points of 100"


@pytest.mark.parametrize(
    ("n", "en"),
    [
        (1, "1st"),
        (2, "2nd"),
        (3, "3rd"),
        (4, "4th"),
        (11, "11th"),
        (12, "12th"),
        (13, "13th"),
        (21, "21st"),
        (22, "22nd"),
        (23, "23rd"),
        (101, "101st"),
        (111, "111th"),
    ],
)
def test_ordinals(n: int, en: str) -> None:
    assert ordinal("en", "place_ordinal", n) == f"{en} place"
    assert ordinal("ru", "place_ordinal", n) == f"{n}-е место"


def test_numbers_in_each_languages_format() -> None:
    assert number("ru", 1234567.5) == f"1{NBSP}234{NBSP}567,5"
    assert number("en", 1234567.5) == "1,234,567.5"
    assert number("ru", 7.449, digits=2) == "7,45"
    assert tn("ru", "broadcast_started", 1234, id=7) == (
        f"✅ Рассылка №7 запущена: 1{NBSP}234 получателя."
    )
    assert percent("ru", 0.5) == "50%" and percent("en", 0.253) == "25%"


def test_place_and_score_as_people_read_them() -> None:
    year = RatingYear(2020, 85, "points", None, (), ())
    one = Placement("x", score=1.0)
    assert format_place(one, year, "ru") == "место не указано (1,00 балла из 100)"
    placed = Placement("x", place=4, score=83.17)
    assert format_place(placed, year, "ru") == "4-е место (83,17 балла из 100)"
    assert format_place(placed, year, "en") == "4th place (83.17 points of 100)"
    percent_year = RatingYear(2017, 85, "percent", None, (), ())
    assert format_place(Placement("x", 7, score=67.08), percent_year, "ru") == "7-е место (67,08%)"


def test_admin_plurals() -> None:
    times = [tn("ru", "admin_times", n) for n in (1, 2, 4, 5, 11, 21)]
    assert times == ["1 раз", "2 раза", "4 раза", "5 раз", "11 раз", "21 раз"]
    assert [tn("en", "admin_times", n) for n in (1, 4)] == ["1 time", "4 times"]


def test_an_unknown_language_falls_back_to_the_default() -> None:
    assert t("de", "sources") == t("ru", "sources")
    assert tn("de", "guides", 2) == tn("ru", "guides", 2)
    assert [language_for(c) for c in ("en", "en-GB", "EN_us", "ru", "uk", "", None)] == [
        "en",
        "en",
        "en",
        "ru",
        "ru",
        "ru",
        "ru",
    ]


def test_plural_and_plain_messages_are_not_confused() -> None:
    with pytest.raises(TypeError):
        t("ru", "guides")
    with pytest.raises(TypeError):
        tn("ru", "sources", 2)
    with pytest.raises(KeyError):
        t("ru", "no such key")


# Only bot/i18n.py chooses text by language. Elsewhere a language is a value to pass on, or a
# key of bilingual data (Text.get, the knowledge base's .ru/.en fields): not a branch.
_BRANCH = re.compile(r'lang(uage)?\s*[!=]=\s*"|\bru = lang\b|"(ru|en)"\s+if\b|\bif ru\b')
_NOT_UI = {
    "bot/i18n.py",  # the catalogues' own module
    "bot/kb/model.py",  # Text.get and Source.title_in: bilingual data, chosen by key
    "bot/engine/normalize.py",  # which language a message is written in (Latin or Cyrillic)
}


def test_no_language_branches_outside_i18n() -> None:
    """In bot/ and in the flows (handlers/)."""
    found = [
        f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
        for folder in ("bot", "handlers")
        for path in sorted((ROOT / folder).rglob("*.py"))
        if str(path.relative_to(ROOT)) not in _NOT_UI
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if _BRANCH.search(line)
    ]
    assert found == []


def test_the_module_is_the_one_that_knows_the_languages() -> None:
    assert set(CATALOGUES) == set(LANGUAGES) and i18n.DEFAULT_LANGUAGE in LANGUAGES

"""The loader on broken sources: every problem named with its file and line, nothing loaded."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.kb.loader import KbInvalid, load_dir

from .conftest import DATA

GOOD_ENTRY = """\
sources:
  s1: {title: T, title_en: T, publisher: P, publisher_en: P, url: https://example.org, grade: media}
entries:
  - id: e1
    kind: info
    title: {ru: Заголовок, en: Title}
    phrasings: {ru: [вопрос], en: [question]}
    answer: {ru: Ответ, en: Answer}
    sources: [{ref: s1, date: "2020"}]
"""


def errors_for(tmp_path: Path, text: str | bytes, name: str = "x.yaml") -> list[str]:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    with pytest.raises(KbInvalid) as info:
        load_dir(tmp_path)
    return [str(e) for e in info.value.errors]


def test_the_project_data_is_valid(kb) -> None:  # type: ignore[no-untyped-def]
    assert len(kb.entries) >= 30
    services = [e for e in kb.entries if e.kind == "service"]
    assert len(services) >= 40
    assert [y.year for y in kb.ratings] == [2017, 2019, 2020]
    # Every card sits in a category /services shows, and every category has cards.
    assert all(e.category for e in services)
    assert {c.id for c in kb.categories} == {e.category for e in services}
    # The region's most used e-services (the knowledge base itself names them) have cards.
    assert {"doctor-appointment", "e-diary"} <= {e.id for e in services}


def test_every_fact_has_a_source_and_a_date(kb) -> None:  # type: ignore[no-untyped-def]
    for entry in kb.entries:
        if entry.kind in ("service", "info"):
            assert entry.sources, entry.id
    for figure in kb.figures:
        assert figure.sources and figure.date, figure.id
    for year in kb.ratings:
        assert year.sources, year.year
    for source in kb.sources.values():
        assert source.title and source.publisher, source.key
        assert source.title_en and source.publisher_en, source.key


def test_a_good_file_loads(tmp_path: Path) -> None:
    (tmp_path / "x.yaml").write_text(GOOD_ENTRY, encoding="utf-8")
    assert load_dir(tmp_path).entries[0].id == "e1"


def test_yaml_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    errors = errors_for(tmp_path, GOOD_ENTRY.replace("kind: info", "kind: info: oops"))
    assert errors == ["x.yaml:5: YAML syntax: mapping values are not allowed here"]


def test_missing_field_names_the_entry_line(tmp_path: Path) -> None:
    errors = errors_for(tmp_path, GOOD_ENTRY.replace("    answer: {ru: Ответ, en: Answer}\n", ""))
    assert errors == ["x.yaml:4: entry 'e1': missing 'answer' (with ru and en)"]


def test_missing_language_is_reported(tmp_path: Path) -> None:
    errors = errors_for(tmp_path, GOOD_ENTRY.replace("en: [question]", "de: [frage]"))
    assert "x.yaml:7: entry 'e1': needs at least one phrasing in 'en'" in errors


def test_unknown_source_reference(tmp_path: Path) -> None:
    errors = errors_for(tmp_path, GOOD_ENTRY.replace("ref: s1", "ref: nowhere"))
    assert errors == ["x.yaml:9: unknown source 'nowhere' (not in any 'sources' section)"]


def test_duplicate_id_across_files(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(GOOD_ENTRY, encoding="utf-8")
    errors = errors_for(
        tmp_path, GOOD_ENTRY.replace("s1:", "s2:").replace("ref: s1", "ref: s2"), "b.yaml"
    )
    assert errors == ["b.yaml:4: entry 'e1' is already defined in a.yaml:4"]


def test_duplicate_key_in_a_mapping(tmp_path: Path) -> None:
    errors = errors_for(
        tmp_path, GOOD_ENTRY.replace("    kind: info\n", "    kind: info\n    kind: info\n")
    )
    assert len(errors) == 1 and "x.yaml:6:" in errors[0] and "duplicate key 'kind'" in errors[0]


def test_bad_values(tmp_path: Path) -> None:
    text = (
        GOOD_ENTRY.replace("url: https://example.org", "url: example.org")
        .replace("kind: info", "kind: poem")
        .replace("id: e1", "id: E 1")
    )
    errors = errors_for(tmp_path, text)
    assert "x.yaml:2: source 's1': 'url' must start with http:// or https://" in errors
    assert any(e.startswith("x.yaml:4: entry 'E 1': 'id' may hold only") for e in errors)
    assert any(e.startswith("x.yaml:5: entry 'E 1': 'kind' must be one of") for e in errors)


def test_not_utf8_and_not_a_mapping(tmp_path: Path) -> None:
    assert errors_for(tmp_path, b"\xff\xfe\x00bad") == [
        "x.yaml:1: not UTF-8 text (invalid start byte)"
    ]
    (tmp_path / "x.yaml").unlink()
    assert errors_for(tmp_path, "- just\n- a list\n") == [
        "x.yaml:1: the file must be a mapping of sections"
    ]


def test_unknown_section_and_empty_folder(tmp_path: Path) -> None:
    errors = errors_for(tmp_path, GOOD_ENTRY + "extras: 1\n")
    expected = "sources, entries, regions, neighbours, years, figures, categories"
    assert errors == [f"x.yaml:10: unknown section 'extras' (expected one of {expected})"]
    (tmp_path / "x.yaml").unlink()
    with pytest.raises(KbInvalid, match=r"no \.yaml files"):
        load_dir(tmp_path)


def test_rating_placement_checks(tmp_path: Path) -> None:
    shutil.copy(DATA / "sources.yaml", tmp_path / "sources.yaml")
    text = (DATA / "ratings.yaml").read_text(encoding="utf-8")
    text = text.replace("{region: kaluga, place: 23}", "{region: atlantis, place: 23}")
    text = text.replace("{region: tver, place: 79}", "{region: tver, place: 99}")
    errors = errors_for(tmp_path, text, "ratings.yaml")
    assert any("unknown region 'atlantis'" in e for e in errors)
    assert any("place 99 is beyond regions_total 85" in e for e in errors)
    assert all(e.startswith("ratings.yaml:") for e in errors)


def test_a_source_needs_english_and_a_card_a_known_category(tmp_path: Path) -> None:
    card = (
        """\
sources:
  s1: {title: T, publisher: P, grade: media}
entries:
  - id: c1
    kind: service
    category: nowhere
    title: {ru: Т, en: T}
    phrasings: {ru: [вопрос], en: [question]}
    portal: https://www.gosuslugi.ru
    sections:
"""
        + "".join(
            f"      {name}: {{ru: т, en: t}}\n"
            for name in ("summary", "steps", "documents", "fee", "time_limit", "in_person")
        )
        + """\
    sources: [{ref: s1, date: "2020"}]
"""
    )
    assert errors_for(tmp_path, card) == [
        "x.yaml:2: source 's1': missing 'title_en'",
        "x.yaml:2: source 's1': missing 'publisher_en'",
        "x.yaml:6: unknown category 'nowhere'",
    ]

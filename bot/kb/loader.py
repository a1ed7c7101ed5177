"""Reads the editors' YAML files in data/ into a validated KnowledgeBase.

Every problem is reported as `file:line: what is wrong`; nothing is half-loaded.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.kb.files import data_files
from bot.kb.model import (
    LANGS,
    SERVICE_SECTIONS,
    Category,
    Citation,
    Entry,
    Figure,
    KnowledgeBase,
    Placement,
    RatingYear,
    Region,
    Source,
    Text,
)
from bot.kb.yaml_lines import LineDict, LineList, line_of, load_yaml

ENTRY_KINDS = ("service", "info", "figures", "rating")
SOURCE_GRADES = ("official", "media", "aggregator", "seed")
TOP_LEVEL_KEYS = (
    "sources",
    "entries",
    "regions",
    "neighbours",
    "years",
    "figures",
    "categories",
)
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_URL_RE = re.compile(r"^https?://\S+$")


@dataclass(frozen=True, slots=True)
class KbError:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class KbInvalid(Exception):
    """The sources have errors; `errors` lists each with its file and line."""

    def __init__(self, errors: list[KbError]) -> None:
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors


@dataclass
class _CrossRefs:
    """References checked once every file is read: (reader, node, key) triples."""

    sources: list[tuple[_FileReader, LineDict, str]]
    regions: list[tuple[_FileReader, LineDict, str]]
    categories: list[tuple[_FileReader, LineDict, str]] = field(default_factory=list)


class _FileReader:
    """Validates one file's nodes, recording errors against its name."""

    def __init__(self, name: str, errors: list[KbError], refs: _CrossRefs) -> None:
        self.name = name
        self.errors = errors
        self.refs = refs

    def error(self, node: Any, message: str, key: str | None = None, line: int = 0) -> None:
        self.errors.append(KbError(self.name, line or line_of(node, key), message))

    def mapping(self, node: Any, what: str, parent: Any = None, key: str | None = None) -> LineDict:
        if isinstance(node, LineDict):
            return node
        self.error(parent, f"{what} must be a mapping", key)
        return LineDict()

    def seq(self, node: Any, what: str, parent: Any, key: str) -> LineList:
        if isinstance(node, LineList):
            return node
        if node is not None:
            self.error(parent, f"{what} must be a list", key)
        return LineList()

    def string(self, parent: LineDict, key: str, what: str, required: bool = True) -> str | None:
        value = parent.get(key)
        if value is None:
            if required:
                self.error(parent, f"{what}: missing '{key}'")
            return None
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, int) and not isinstance(value, bool) and key in ("date", "published"):
            return str(value)
        if not isinstance(value, str) or not value.strip():
            self.error(parent, f"{what}: '{key}' must be a non-empty string", key)
            return None
        return value.strip()

    def text(self, parent: LineDict, key: str, what: str, required: bool = True) -> Text | None:
        node = parent.get(key)
        if node is None:
            if required:
                self.error(parent, f"{what}: missing '{key}' (with ru and en)")
            return None
        node = self.mapping(node, f"{what}: '{key}'", parent, key)
        values = [self.string(node, lang, f"{what}: {key}") for lang in LANGS]
        extra = set(node) - set(LANGS)
        if extra:
            self.error(node, f"{what}: '{key}' has unknown languages {sorted(extra)}")
        if None in values:
            return None
        return Text(ru=values[0] or "", en=values[1] or "")

    def integer(self, parent: LineDict, key: str, what: str, required: bool = True) -> int | None:
        value = parent.get(key)
        if value is None:
            if required:
                self.error(parent, f"{what}: missing '{key}'")
            return None
        if not isinstance(value, int) or isinstance(value, bool):
            self.error(parent, f"{what}: '{key}' must be a whole number", key)
            return None
        return value

    def citations(self, parent: LineDict, what: str, required: bool) -> tuple[Citation, ...]:
        nodes = self.seq(parent.get("sources"), f"{what}: 'sources'", parent, "sources")
        if required and not nodes:
            self.error(parent, f"{what}: needs at least one source", "sources")
        result = []
        for node in nodes:
            node = self.mapping(node, f"{what}: a source", parent, "sources")
            ref = self.string(node, "ref", f"{what}: source")
            date = self.string(node, "date", f"{what}: source '{ref}'")
            if ref and date:
                result.append(Citation(ref=ref, date=date))
                self.refs.sources.append((self, node, ref))
        return tuple(result)


def _read_sources(r: _FileReader, node: Any, out: dict[str, Source]) -> None:
    for key, value in r.mapping(node, "'sources'").items():
        what = f"source '{key}'"
        if key in out:
            r.error(node, f"{what} is defined twice", key)
            continue
        value = r.mapping(value, what, node, key)
        title = r.string(value, "title", what)
        publisher = r.string(value, "publisher", what)
        url = r.string(value, "url", what, required=False)
        if url and not _URL_RE.match(url):
            r.error(value, f"{what}: 'url' must start with http:// or https://", "url")
        grade = r.string(value, "grade", what) or "media"
        if grade not in SOURCE_GRADES:
            r.error(value, f"{what}: 'grade' must be one of {', '.join(SOURCE_GRADES)}", "grade")
        published = r.string(value, "published", what, required=False)
        title_en = r.string(value, "title_en", what)
        publisher_en = r.string(value, "publisher_en", what)
        if title and publisher:
            out[key] = Source(key, title, publisher, url, published, grade, title_en, publisher_en)


def _read_phrasings(r: _FileReader, entry: LineDict, what: str) -> dict[str, tuple[str, ...]]:
    node = r.mapping(entry.get("phrasings"), f"{what}: 'phrasings'", entry, "phrasings")
    result: dict[str, tuple[str, ...]] = {}
    for lang in LANGS:
        items = r.seq(node.get(lang), f"{what}: phrasings.{lang}", node, lang)
        if not items:
            r.error(node, f"{what}: needs at least one phrasing in '{lang}'", lang)
        good = []
        for item in items:
            if isinstance(item, str | int) and str(item).strip():
                good.append(str(item).strip())
            else:
                r.error(items, f"{what}: phrasings.{lang} holds an empty or non-text item")
        result[lang] = tuple(good)
    return result


def _read_entry(r: _FileReader, node: Any, parent: Any) -> Entry | None:
    node = r.mapping(node, "an entry", parent, None)
    entry_id = r.string(node, "id", "entry")
    what = f"entry '{entry_id}'"
    if entry_id and not _ID_RE.match(entry_id):
        r.error(node, f"{what}: 'id' may hold only a-z, 0-9 and '-'", "id")
    kind = r.string(node, "kind", what)
    if kind and kind not in ENTRY_KINDS:
        r.error(node, f"{what}: 'kind' must be one of {', '.join(ENTRY_KINDS)}", "kind")
    title = r.text(node, "title", what)
    phrasings = _read_phrasings(r, node, what)
    sources = r.citations(node, what, required=kind in ("service", "info"))
    answer = r.text(node, "answer", what, required=kind == "info")
    sections: dict[str, Text] = {}
    portal = category = None
    if kind == "service":
        category = r.string(node, "category", what)
        if category:
            r.refs.categories.append((r, node, category))
        sec_node = r.mapping(node.get("sections"), f"{what}: 'sections'", node, "sections")
        for name in SERVICE_SECTIONS:
            value = r.text(sec_node, name, f"{what}: sections")
            if value:
                sections[name] = value
        unknown = set(sec_node) - set(SERVICE_SECTIONS)
        if unknown:
            r.error(sec_node, f"{what}: unknown sections {sorted(unknown)}")
        portal = r.string(node, "portal", what)
        if portal and not _URL_RE.match(portal):
            r.error(node, f"{what}: 'portal' must be a URL", "portal")
    years = tuple(
        y
        for y in r.seq(node.get("years"), f"{what}: 'years'", node, "years")
        if _check(r, isinstance(y, int), node, f"{what}: 'years' must hold years", "years")
    )
    metrics = tuple(
        str(m) for m in r.seq(node.get("metrics"), f"{what}: 'metrics'", node, "metrics")
    )
    if kind == "figures" and not metrics:
        r.error(node, f"{what}: a figures entry needs 'metrics'")
    if not (entry_id and kind and title):
        return None
    return Entry(
        id=entry_id,
        kind=kind,
        title=title,
        phrasings=phrasings,
        sources=sources,
        file=r.name,
        answer=answer,
        sections=sections,
        portal=portal,
        years=years,
        metrics=metrics,
        category=category,
    )


def _check(r: _FileReader, ok: bool, node: Any, message: str, key: str) -> bool:
    if not ok:
        r.error(node, message, key)
    return ok


def _read_category(r: _FileReader, node: Any, parent: Any) -> Category | None:
    node = r.mapping(node, "a category", parent, None)
    cid = r.string(node, "id", "category")
    what = f"category '{cid}'"
    title = r.text(node, "title", what)
    words_node = r.mapping(node.get("words"), f"{what}: 'words'", node, "words")
    words: list[str] = []
    for lang in LANGS:
        items = r.seq(words_node.get(lang), f"{what}: words.{lang}", words_node, lang)
        if not items:
            r.error(words_node, f"{what}: needs at least one word in '{lang}'", lang)
        words += [str(w).strip() for w in items if str(w).strip()]
    if not (cid and title):
        return None
    return Category(cid, title, tuple(words))


def _read_regions(r: _FileReader, node: Any, out: dict[str, Region]) -> None:
    for key, value in r.mapping(node, "'regions'").items():
        what = f"region '{key}'"
        value = r.mapping(value, what, node, key)
        ru = r.string(value, "ru", what)
        en = r.string(value, "en", what)
        aliases = tuple(
            str(a) for a in r.seq(value.get("aliases"), f"{what}: 'aliases'", value, "aliases")
        )
        if key in out:
            r.error(node, f"{what} is defined twice", key)
        elif ru and en:
            out[key] = Region(key, Text(ru, en), aliases)


def _read_placement(r: _FileReader, node: Any, parent: Any, year: int) -> Placement | None:
    node = r.mapping(node, f"a {year} placement", parent, None)
    region = r.string(node, "region", f"{year} placement")
    what = f"{year} placement of '{region}'"
    place = r.integer(node, "place", what, required=False)
    rng = node.get("place_range")
    place_range = None
    if rng is not None:
        if isinstance(rng, list) and len(rng) == 2 and all(isinstance(x, int) for x in rng):
            place_range = (rng[0], rng[1])
        else:
            r.error(node, f"{what}: 'place_range' must be [first, last]", "place_range")
    score = node.get("score")
    if score is not None and (not isinstance(score, int | float) or not 0 <= score <= 100):
        r.error(node, f"{what}: 'score' must be a number from 0 to 100", "score")
        score = None
    if place is not None and place < 1:
        r.error(node, f"{what}: 'place' must be 1 or more", "place")
    sources = r.citations(node, what, required=False)
    if region is None:
        return None
    r.refs.regions.append((r, node, region))
    return Placement(
        region, place, place_range, float(score) if score is not None else None, sources
    )


def _read_year(r: _FileReader, node: Any, parent: Any) -> RatingYear | None:
    node = r.mapping(node, "a rating year", parent, None)
    year = r.integer(node, "year", "rating year")
    what = f"rating year {year}"
    total = r.integer(node, "regions_total", what, required=False)
    unit = r.string(node, "score_unit", what, required=False)
    if unit and unit not in ("percent", "points"):
        r.error(node, f"{what}: 'score_unit' must be percent or points", "score_unit")
    note = r.text(node, "note", what, required=False)
    sources = r.citations(node, what, required=True)
    places = []
    for p in r.seq(node.get("places"), f"{what}: 'places'", node, "places"):
        placement = _read_placement(r, p, node, year or 0)
        if placement:
            if total and placement.place and placement.place > total:
                r.error(p, f"{what}: place {placement.place} is beyond regions_total {total}")
            places.append(placement)
    if year is None:
        return None
    return RatingYear(year, total, unit, note, sources, tuple(places))


def _read_figure(r: _FileReader, node: Any, parent: Any) -> Figure | None:
    node = r.mapping(node, "a figure", parent, None)
    fid = r.string(node, "id", "figure")
    what = f"figure '{fid}'"
    metric = r.string(node, "metric", what)
    date = r.string(node, "date", what)
    value = node.get("value")
    if value is None:
        r.error(node, f"{what}: missing 'value'")
    text = r.text(node, "text", what)
    sources = r.citations(node, what, required=True)
    if not (fid and metric and date and text and value is not None):
        return None
    return Figure(fid, metric, date, str(value), text, sources)


@dataclass
class _Collected:
    """What every file contributed so far."""

    sources: dict[str, Source] = field(default_factory=dict)
    regions: dict[str, Region] = field(default_factory=dict)
    entries: list[Entry] = field(default_factory=list)
    years: list[RatingYear] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    neighbours: list[str] = field(default_factory=list)
    categories: list[Category] = field(default_factory=list)
    entry_lines: dict[str, tuple[_FileReader, int]] = field(default_factory=dict)


def _parse(path: Path, errors: list[KbError]) -> LineDict | None:
    """The file's top-level mapping, or None after recording why it cannot be read."""
    try:
        doc = load_yaml(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        errors.append(KbError(path.name, 1, f"not UTF-8 text ({exc.reason})"))
        return None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        errors.append(KbError(path.name, mark.line + 1 if mark else 1, f"YAML syntax: {problem}"))
        return None
    if doc is None or isinstance(doc, LineDict):
        return doc
    errors.append(KbError(path.name, 1, "the file must be a mapping of sections"))
    return None


def _read_file(r: _FileReader, doc: LineDict, out: _Collected) -> None:
    for key in doc:
        if key not in TOP_LEVEL_KEYS:
            expected = ", ".join(TOP_LEVEL_KEYS)
            r.error(doc, f"unknown section '{key}' (expected one of {expected})", key)
    if "sources" in doc:
        _read_sources(r, doc["sources"], out.sources)
    if "regions" in doc:
        _read_regions(r, doc["regions"], out.regions)
    for node in r.seq(doc.get("entries"), "'entries'", doc, "entries"):
        entry = _read_entry(r, node, doc)
        if entry is None:
            continue
        if entry.id in out.entry_lines:
            other, line = out.entry_lines[entry.id]
            r.error(node, f"entry '{entry.id}' is already defined in {other.name}:{line}", "id")
            continue
        out.entry_lines[entry.id] = (r, line_of(node, "id"))
        out.entries.append(entry)
    for node in r.seq(doc.get("years"), "'years'", doc, "years"):
        year = _read_year(r, node, doc)
        if year:
            if any(y.year == year.year for y in out.years):
                r.error(node, f"rating year {year.year} is defined twice", "year")
            out.years.append(year)
    for node in r.seq(doc.get("figures"), "'figures'", doc, "figures"):
        figure = _read_figure(r, node, doc)
        if figure:
            out.figures.append(figure)
    for node in r.seq(doc.get("categories"), "'categories'", doc, "categories"):
        category = _read_category(r, node, doc)
        if category is None:
            continue
        if any(c.id == category.id for c in out.categories):
            r.error(node, f"category '{category.id}' is defined twice", "id")
        else:
            out.categories.append(category)
    for node in r.seq(doc.get("neighbours"), "'neighbours'", doc, "neighbours"):
        out.neighbours.append(str(node))
        r.refs.regions.append((r, doc, str(node)))


def _check_references(refs: _CrossRefs, out: _Collected) -> None:
    for reader, node, ref in refs.sources:
        if ref not in out.sources:
            reader.error(node, f"unknown source '{ref}' (not in any 'sources' section)", "ref")
    for reader, node, region in refs.regions:
        if region not in out.regions:
            reader.error(node, f"unknown region '{region}'", "region")
    category_ids = {c.id for c in out.categories}
    for reader, node, category in refs.categories:
        if category not in category_ids:
            reader.error(node, f"unknown category '{category}'", "category")
    metrics = {f.metric for f in out.figures}
    for entry in out.entries:
        for metric in entry.metrics:
            if metric not in metrics:
                reader, line = out.entry_lines[entry.id]
                reader.error(
                    None, f"entry '{entry.id}': no figure has metric '{metric}'", line=line
                )


def load_dir(data_dir: Path) -> KnowledgeBase:
    """Load and validate every YAML file in `data_dir`; raise KbInvalid listing all problems."""
    files = data_files(data_dir)
    if not files:
        raise KbInvalid([KbError(str(data_dir), 0, "no .yaml files found")])
    errors: list[KbError] = []
    refs = _CrossRefs(sources=[], regions=[])
    out = _Collected()
    for path in files:
        doc = _parse(path, errors)
        if doc is not None:
            _read_file(_FileReader(path.name, errors, refs), doc, out)
    _check_references(refs, out)
    if not out.entries and not errors:
        errors.append(KbError(str(data_dir), 0, "no entries found"))
    if errors:
        raise KbInvalid(errors)
    return KnowledgeBase(
        sources=out.sources,
        entries=tuple(out.entries),
        regions=out.regions,
        neighbours=tuple(out.neighbours),
        ratings=tuple(sorted(out.years, key=lambda y: y.year)),
        figures=tuple(out.figures),
        categories=tuple(out.categories),
    )

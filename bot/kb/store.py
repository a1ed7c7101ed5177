"""The compiled knowledge base: data/*.yaml -> one SQLite file, rebuilt when the sources change.

The file is written beside its final path and renamed into place, so a failed build never
leaves a half-written knowledge base. Phrasings are stored already reduced to content tokens,
so starting the engine does not lemmatise the whole knowledge base again.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import aiosqlite

from bot.engine.answer import Engine, prepare_phrasings
from bot.engine.lexicon import Lexicon, lexicon_in
from bot.engine.normalize import CompiledLexicon, Normalizer
from bot.engine.slots import SlotReader
from bot.kb.files import source_files
from bot.kb.loader import load_dir
from bot.kb.model import (
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

SCHEMA_VERSION = 3
_CODE_DIRS = ("engine", "kb")  # code whose changes alter the compiled tokens

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE sources (
    key TEXT PRIMARY KEY, title TEXT NOT NULL, publisher TEXT NOT NULL,
    url TEXT, published TEXT, grade TEXT NOT NULL, title_en TEXT, publisher_en TEXT
);
CREATE TABLE entries (
    idx INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, file TEXT NOT NULL,
    title_ru TEXT NOT NULL, title_en TEXT NOT NULL, answer_ru TEXT, answer_en TEXT,
    portal TEXT, years TEXT NOT NULL, metrics TEXT NOT NULL, sections TEXT NOT NULL,
    sources TEXT NOT NULL, category TEXT
);
CREATE TABLE categories (
    position INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, title_ru TEXT NOT NULL,
    title_en TEXT NOT NULL, words TEXT NOT NULL
);
CREATE TABLE phrasings (
    entry_idx INTEGER NOT NULL REFERENCES entries(idx), lang TEXT NOT NULL,
    text TEXT NOT NULL, tokens TEXT NOT NULL
);
CREATE TABLE regions (
    key TEXT PRIMARY KEY, name_ru TEXT NOT NULL, name_en TEXT NOT NULL, aliases TEXT NOT NULL
);
CREATE TABLE neighbours (
    position INTEGER PRIMARY KEY, region TEXT NOT NULL REFERENCES regions(key)
);
CREATE TABLE rating_years (
    year INTEGER PRIMARY KEY, regions_total INTEGER, score_unit TEXT,
    note_ru TEXT, note_en TEXT, sources TEXT NOT NULL
);
CREATE TABLE rating_places (
    year INTEGER NOT NULL REFERENCES rating_years(year), position INTEGER NOT NULL,
    region TEXT NOT NULL REFERENCES regions(key), place INTEGER, place_lo INTEGER,
    place_hi INTEGER, score REAL, sources TEXT NOT NULL, PRIMARY KEY (year, position)
);
CREATE TABLE figures (
    id TEXT PRIMARY KEY, metric TEXT NOT NULL, date TEXT NOT NULL, value TEXT NOT NULL,
    text_ru TEXT NOT NULL, text_en TEXT NOT NULL, sources TEXT NOT NULL
);
"""

Prepared = list[tuple[int, list[str]]]


@dataclass(frozen=True, slots=True)
class Compiled:
    """What starting the engine needs: the knowledge base, its phrasings already reduced to
    tokens, and the lexicon already reduced to lemmas."""

    kb: KnowledgeBase
    prepared: Prepared
    lexicon: CompiledLexicon


def fingerprint(data_dir: Path) -> str:
    """Changes whenever a source file or the code that compiles it changes."""
    digest = hashlib.sha256(f"schema={SCHEMA_VERSION}".encode())
    code_root = Path(__file__).resolve().parents[1]
    code = sorted(p for d in _CODE_DIRS for p in (code_root / d).glob("*.py"))
    for path in [*source_files(data_dir), *code]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _cites(cites: Sequence[Citation]) -> str:
    return json.dumps([[c.ref, c.date] for c in cites], ensure_ascii=False)


def _uncite(raw: str) -> tuple[Citation, ...]:
    return tuple(Citation(ref, date) for ref, date in json.loads(raw))


async def build(data_dir: Path, db_path: Path, lexicon: Lexicon | None = None) -> Compiled:
    """Validate the sources and compile them into `db_path` atomically. `lexicon`: the data
    folder's, if the caller has read it already."""
    kb = load_dir(data_dir)
    normalizer = Normalizer(lexicon=lexicon if lexicon is not None else lexicon_in(data_dir))
    prepared = prepare_phrasings(kb, normalizer, SlotReader(normalizer, kb.regions))
    Engine(kb, prepared, normalizer)  # reads the categories' and regions' words too
    compiled = normalizer.compiled()
    db_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = db_path.with_name(db_path.name + f".tmp{os.getpid()}")
    tmp.unlink(missing_ok=True)
    try:
        async with aiosqlite.connect(tmp) as db:
            await db.executescript(SCHEMA)
            await _write(db, kb, prepared, fingerprint(data_dir))
            await db.execute("INSERT INTO meta VALUES ('lexicon', ?)", (_lexicon_json(compiled),))
            await db.commit()
        tmp.replace(db_path)
    finally:
        tmp.unlink(missing_ok=True)
    return Compiled(kb, prepared, compiled)


def _lexicon_json(lexicon: CompiledLexicon) -> str:
    return json.dumps(
        {
            "synonyms": [[list(key), concept] for key, concept in lexicon.synonyms.items()],
            "stopwords": sorted(lexicon.stopwords),
            "analyses": [[word, *analysis] for word, analysis in lexicon.analyses.items()],
        },
        ensure_ascii=False,
    )


def _lexicon(raw: str) -> CompiledLexicon:
    data = json.loads(raw)
    return CompiledLexicon(
        synonyms={tuple(key): concept for key, concept in data["synonyms"]},
        stopwords=frozenset(data["stopwords"]),
        analyses={word: (lemma, kind) for word, lemma, kind in data["analyses"]},
    )


async def _write(db: aiosqlite.Connection, kb: KnowledgeBase, prepared: Prepared, fp: str) -> None:
    await db.executemany(
        "INSERT INTO meta VALUES (?, ?)", [("fingerprint", fp), ("schema", str(SCHEMA_VERSION))]
    )
    await db.executemany(
        "INSERT INTO sources VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (s.key, s.title, s.publisher, s.url, s.published, s.grade, s.title_en, s.publisher_en)
            for s in kb.sources.values()
        ],
    )
    await db.executemany(
        "INSERT INTO categories VALUES (?, ?, ?, ?, ?)",
        [
            (pos, c.id, c.title.ru, c.title.en, json.dumps(c.words, ensure_ascii=False))
            for pos, c in enumerate(kb.categories)
        ],
    )
    await db.executemany(
        "INSERT INTO entries VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                idx,
                e.id,
                e.kind,
                e.file,
                e.title.ru,
                e.title.en,
                e.answer.ru if e.answer else None,
                e.answer.en if e.answer else None,
                e.portal,
                json.dumps(e.years),
                json.dumps(e.metrics),
                json.dumps({k: asdict(v) for k, v in e.sections.items()}, ensure_ascii=False),
                _cites(e.sources),
                e.category,
            )
            for idx, e in enumerate(kb.entries)
        ],
    )
    texts = [
        (idx, lang, text)
        for idx, e in enumerate(kb.entries)
        for lang, items in e.phrasings.items()
        for text in items
    ]
    # prepare_phrasings yields the phrasings in this same order.
    await db.executemany(
        "INSERT INTO phrasings VALUES (?, ?, ?, ?)",
        [
            (idx, lang, text, " ".join(tokens))
            for (idx, lang, text), (_, tokens) in zip(texts, prepared, strict=True)
        ],
    )
    await db.executemany(
        "INSERT INTO regions VALUES (?, ?, ?, ?)",
        [
            (r.key, r.name.ru, r.name.en, json.dumps(r.aliases, ensure_ascii=False))
            for r in kb.regions.values()
        ],
    )
    await db.executemany("INSERT INTO neighbours VALUES (?, ?)", list(enumerate(kb.neighbours)))
    for y in kb.ratings:
        await db.execute(
            "INSERT INTO rating_years VALUES (?, ?, ?, ?, ?, ?)",
            (
                y.year,
                y.regions_total,
                y.score_unit,
                y.note.ru if y.note else None,
                y.note.en if y.note else None,
                _cites(y.sources),
            ),
        )
        await db.executemany(
            "INSERT INTO rating_places VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    y.year,
                    pos,
                    p.region,
                    p.place,
                    p.place_range[0] if p.place_range else None,
                    p.place_range[1] if p.place_range else None,
                    p.score,
                    _cites(p.sources),
                )
                for pos, p in enumerate(y.places)
            ],
        )
    await db.executemany(
        "INSERT INTO figures VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (f.id, f.metric, f.date, f.value, f.text.ru, f.text.en, _cites(f.sources))
            for f in kb.figures
        ],
    )


async def stored_fingerprint(db_path: Path) -> str | None:
    if not db_path.exists():
        return None
    try:
        async with (
            aiosqlite.connect(f"file:{db_path}?mode=ro", uri=True) as db,
            db.execute("SELECT value FROM meta WHERE key = 'fingerprint'") as cur,
        ):
            row = await cur.fetchone()
    except aiosqlite.Error:
        return None
    return row[0] if row else None


async def load(db_path: Path) -> Compiled:
    """Read a compiled knowledge base back into memory."""
    async with aiosqlite.connect(f"file:{db_path}?mode=ro", uri=True) as db:

        async def rows(sql: str) -> list[Any]:
            async with db.execute(sql) as cur:
                return list(await cur.fetchall())

        sources = {r[0]: Source(*r) for r in await rows("SELECT * FROM sources")}
        entries = []
        for r in await rows("SELECT * FROM entries ORDER BY idx"):
            (
                _,
                eid,
                kind,
                file,
                t_ru,
                t_en,
                a_ru,
                a_en,
                portal,
                years,
                metrics,
                sections,
                cites,
                category,
            ) = r
            entries.append(
                Entry(
                    id=eid,
                    kind=kind,
                    title=Text(t_ru, t_en),
                    phrasings={},
                    sources=_uncite(cites),
                    file=file,
                    answer=Text(a_ru, a_en) if a_ru is not None else None,
                    sections={k: Text(**v) for k, v in json.loads(sections).items()},
                    portal=portal,
                    years=tuple(json.loads(years)),
                    metrics=tuple(json.loads(metrics)),
                    category=category,
                )
            )
        phrasings: dict[int, dict[str, list[str]]] = {}
        prepared: Prepared = []
        for idx, lang, text, tokens in await rows("SELECT * FROM phrasings ORDER BY rowid"):
            phrasings.setdefault(idx, {}).setdefault(lang, []).append(text)
            prepared.append((idx, tokens.split()))
        entries = [
            Entry(
                **{
                    **{f: getattr(e, f) for f in e.__slots__},
                    "phrasings": {k: tuple(v) for k, v in phrasings.get(i, {}).items()},
                }
            )
            for i, e in enumerate(entries)
        ]
        regions = {
            r[0]: Region(r[0], Text(r[1], r[2]), tuple(json.loads(r[3])))
            for r in await rows("SELECT * FROM regions")
        }
        neighbours = tuple(
            r[0] for r in await rows("SELECT region FROM neighbours ORDER BY position")
        )
        places: dict[int, list[Placement]] = {}
        for year, _, region, place, lo, hi, score, cites in await rows(
            "SELECT * FROM rating_places ORDER BY year, position"
        ):
            places.setdefault(year, []).append(
                Placement(
                    region, place, (lo, hi) if lo is not None else None, score, _uncite(cites)
                )
            )
        ratings = tuple(
            RatingYear(
                year,
                total,
                unit,
                Text(n_ru, n_en) if n_ru is not None else None,
                _uncite(cites),
                tuple(places.get(year, ())),
            )
            for year, total, unit, n_ru, n_en, cites in await rows(
                "SELECT * FROM rating_years ORDER BY year"
            )
        )
        figures = tuple(
            Figure(fid, metric, date, value, Text(ru, en), _uncite(cites))
            for fid, metric, date, value, ru, en, cites in await rows(
                "SELECT * FROM figures ORDER BY rowid"
            )
        )
        categories = tuple(
            Category(cid, Text(t_ru, t_en), tuple(json.loads(words)))
            for _, cid, t_ru, t_en, words in await rows(
                "SELECT * FROM categories ORDER BY position"
            )
        )
        ((lexicon,),) = await rows("SELECT value FROM meta WHERE key = 'lexicon'")
    kb = KnowledgeBase(sources, tuple(entries), regions, neighbours, ratings, figures, categories)
    return Compiled(kb, prepared, _lexicon(lexicon))


async def ensure_built(data_dir: Path, db_path: Path, lexicon: Lexicon | None = None) -> Compiled:
    """The compiled knowledge base, rebuilt first if the sources or the compiler changed.
    `lexicon`: the data folder's, if the caller has read it already."""
    if await stored_fingerprint(db_path) != fingerprint(data_dir):
        return await build(data_dir, db_path, lexicon)
    return await load(db_path)


def export(kb: KnowledgeBase, added: Sequence[tuple[str, str]] = ()) -> dict[str, Any]:
    """Everything in the knowledge base as plain JSON-ready data.

    `added`: (entry id, text) phrasings editors attached from unanswered questions; each entry
    lists them under "phrasings_added".
    """
    by_entry: dict[str, list[str]] = {}
    for entry_id, text in added:
        by_entry.setdefault(entry_id, []).append(text)
    return {
        "sources": {k: asdict(s) for k, s in kb.sources.items()},
        "entries": [{**asdict(e), "phrasings_added": by_entry.get(e.id, [])} for e in kb.entries],
        "regions": {k: asdict(r) for k, r in kb.regions.items()},
        "neighbours": list(kb.neighbours),
        "ratings": [asdict(y) for y in kb.ratings],
        "figures": [asdict(f) for f in kb.figures],
        "categories": [asdict(c) for c in kb.categories],
    }

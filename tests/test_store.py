from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.engine.answer import Engine
from bot.engine.normalize import Normalizer
from bot.kb import store
from bot.kb.loader import KbInvalid

from .conftest import DATA


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


async def test_build_then_load_gives_the_same_knowledge_base(
    compiled: tuple[Path, store.Compiled],
) -> None:
    db, built = compiled
    loaded = await store.load(db)
    assert loaded.kb == built.kb
    assert loaded.prepared == [(i, list(t)) for i, t in built.prepared]
    assert loaded.lexicon == built.lexicon


async def test_engine_from_the_database_answers_like_one_from_yaml(
    compiled: tuple[Path, store.Compiled],
) -> None:
    db, built = compiled
    loaded = await store.load(db)
    from_db = Engine(loaded.kb, loaded.prepared, Normalizer(loaded.lexicon))
    from_yaml = Engine(built.kb, built.prepared)
    for query in ("рейтинг", "Калужская 2019", "паспорт", "загс", "борщ", "kak oformit pasport"):
        assert from_db.ask(query) == from_yaml.ask(query)


async def test_starting_from_the_database_needs_no_lemmatiser_for_known_words(
    compiled: tuple[Path, store.Compiled],
) -> None:
    loaded = await store.load(compiled[0])
    engine = Engine(loaded.kb, loaded.prepared, Normalizer(loaded.lexicon))
    assert engine.ask("регистрация брака").topic == "marriage-registration"
    assert engine.normalizer._morph_analyzer is None  # pymorphy3 not even loaded


async def test_changed_sources_are_rebuilt_at_start(data_dir: Path, kb_path: Path) -> None:
    db = kb_path  # built from these sources before
    await store.ensure_built(data_dir, db)
    first = await store.stored_fingerprint(db)
    services = data_dir / "services.yaml"
    services.write_text(
        services.read_text(encoding="utf-8").replace(
            "- выйти замуж", "- хочу выйти замуж за смолянина"
        ),
        encoding="utf-8",
    )
    kb = (await store.ensure_built(data_dir, db)).kb
    assert await store.stored_fingerprint(db) != first
    assert "хочу выйти замуж за смолянина" in kb.entry("marriage-registration").phrasings["ru"]


async def test_a_changed_lexicon_is_rebuilt_at_start(data_dir: Path, kb_path: Path) -> None:
    db = kb_path  # built from these sources before
    built = await store.ensure_built(data_dir, db)
    assert ("местный", "житель") not in built.lexicon.synonyms
    lexicon = data_dir / "lexicon.yaml"
    text = lexicon.read_text(encoding="utf-8")
    lexicon.write_text(text.replace("    - ppl\n", "    - ppl\n    - местные жители\n"), "utf-8")
    rebuilt = await store.ensure_built(data_dir, db)
    assert rebuilt.lexicon.synonyms[("местный", "житель")] == "житель"


async def test_unchanged_sources_are_not_rebuilt(data_dir: Path, kb_path: Path) -> None:
    db = kb_path  # built from these sources before
    await store.ensure_built(data_dir, db)
    stamp = db.stat().st_mtime_ns
    await store.ensure_built(data_dir, db)
    assert db.stat().st_mtime_ns == stamp


async def test_a_broken_source_leaves_the_last_good_build(
    data_dir: Path, kb_path: Path, tmp_path: Path
) -> None:
    db = kb_path  # the last good build
    before = db.read_bytes()
    (data_dir / "faq.yaml").write_text("entries: [\n", encoding="utf-8")
    with pytest.raises(KbInvalid):
        await store.build(data_dir, db)
    assert db.read_bytes() == before
    assert not list(tmp_path.glob("kb.sqlite3.tmp*"))


def test_export_holds_every_entry_with_phrasings(kb) -> None:  # type: ignore[no-untyped-def]
    exported = store.export(kb)
    assert len(exported["entries"]) == len(kb.entries)
    marriage = next(e for e in exported["entries"] if e["id"] == "marriage-registration")
    assert marriage["phrasings"]["ru"] and marriage["sections"]["fee"]["ru"]
    assert exported["ratings"][0]["year"] == 2017

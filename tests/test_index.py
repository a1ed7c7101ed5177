"""Index: scoring stays right and fast when the knowledge base is thousands of entries."""

from __future__ import annotations

from bot.engine.index import COMMON_POSTINGS, Index
from bot.kb.model import Citation, Entry, Text

SIZE = 3 * COMMON_POSTINGS


def entry(n: int) -> Entry:
    return Entry(
        id=f"e{n}",
        kind="info",
        title=Text(f"e{n}", f"e{n}"),
        phrasings={"ru": (f"получить услуга{n}",)},
        sources=(Citation("s", "undated"),),
    )


def large_index() -> Index:
    """Every entry shares "получить"; each has a word of its own."""
    return Index(
        [entry(n) for n in range(SIZE)], [(n, ["получить", f"услуга{n}"]) for n in range(SIZE)]
    )


def test_a_rare_word_finds_its_entry_without_scoring_every_entry_of_a_common_word() -> None:
    found = large_index().score(["получить", "услуга42"])
    assert found[0].entry.id == "e42" and found[0].score > 0.9
    # "получить" is in more phrasings than COMMON_POSTINGS: it brought no candidates in.
    assert len(found) == 1


def test_a_query_of_common_words_alone_still_finds_candidates() -> None:
    assert len(large_index().score(["получить"])) == SIZE


def test_unknown_words_weigh_as_much_in_a_large_knowledge_base_as_in_a_small_one() -> None:
    """Known words' IDF grows with the knowledge base; so does the weight of an unknown word,
    or "услуга42 борщ" would pass for a question about услуга42."""
    index = large_index()
    assert index.score(["услуга42", "борщ"], min_precision=0.56) == []
    assert index.score(["услуга42"], min_precision=0.56)[0].entry.id == "e42"

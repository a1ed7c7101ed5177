"""Index: scoring stays right and fast when the knowledge base is thousands of entries."""

from __future__ import annotations

import math

from rapidfuzz import fuzz

from bot.engine.index import COMMON_POSTINGS, FUZZ_SHARE, Index
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


def test_a_word_every_entry_of_a_kind_implies_does_not_count_against_a_phrasing() -> None:
    """ "лидеры рейтинга госуслуг": every rating entry is about госуслуги, so the phrasing
    "лидер рейтинг" explains the question as fully as one that says "госуслуга" too."""

    def rating(n: int, words: str) -> Entry:
        return Entry(
            id=f"r{n}",
            kind="rating",
            title=Text(words, words),
            phrasings={"ru": (words,)},
            sources=(Citation("s", "undated"),),
        )

    entries = [rating(0, "лидер рейтинг"), rating(1, "госуслуга рейтинг")]
    phrasings = [(0, ["лидер", "рейтинг"]), (1, ["госуслуга", "рейтинг"])]
    query = ["лидер", "рейтинг", "госуслуга"]
    plain = {s.entry.id: s.score for s in Index(entries, phrasings).score(query)}
    implied = Index(entries, phrasings, implied={"rating": frozenset({"госуслуга"})})
    scores = {s.entry.id: s.score for s in implied.score(query)}
    # r0's words explain the whole question (F1 = 1): only the wording's fuzzy share is lost.
    ratio = fuzz.token_sort_ratio("госуслуга лидер рейтинг", "лидер рейтинг") / 100
    assert math.isclose(scores["r0"], 1 - FUZZ_SHARE + FUZZ_SHARE * ratio)
    assert scores["r0"] - scores["r1"] > plain["r0"] - plain["r1"]

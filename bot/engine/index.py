"""Scores knowledge-base entries against a query's content tokens.

Each phrasing is reduced to content tokens once at load. A query scores an entry by how much of
the query the entry's vocabulary explains (precision, IDF-weighted, so that unknown words such as
"борщ" pull the score down) and how much of its best phrasing the query covers (recall), blended
with RapidFuzz's token-sort ratio against that phrasing to break ties by wording.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from bot.kb.model import Entry

# The weight of a word the knowledge base has never seen: about that of a word in two entries.
UNKNOWN_WEIGHT = 3.0
NUMBER_WEIGHT = 1.0
# A year in a phrasing ("мониторинг 2019") helps it match a query naming that year, but a year
# in a query is not a word to explain: "рейтинг 2017" is as much about the rating as "рейтинг".
YEAR_WEIGHT = 1.0
FUZZ_SHARE = 0.15


@dataclass(frozen=True, slots=True)
class Phrasing:
    entry: int
    tokens: frozenset[str]
    text: str  # the content tokens joined, for RapidFuzz
    weight: float


@dataclass(frozen=True, slots=True)
class Scored:
    entry: Entry
    score: float
    phrasing: str
    precision: float  # the share of the query's weight this entry's words explain


def is_year(token: str) -> bool:
    return len(token) == 4 and token.isdigit() and token[:2] in ("19", "20")


class Index:
    """Prepared once at load from (entry, content tokens of each phrasing)."""

    def __init__(self, entries: Sequence[Entry], phrasings: Sequence[tuple[int, Sequence[str]]]):
        self.entries = list(entries)
        df: dict[str, int] = defaultdict(int)
        vocab_by_entry: list[set[str]] = [set() for _ in self.entries]
        for entry_idx, tokens in phrasings:
            vocab_by_entry[entry_idx].update(tokens)
        for vocab in vocab_by_entry:
            for t in vocab:
                df[t] += 1
        n = len(self.entries)
        self.idf = {t: YEAR_WEIGHT if is_year(t) else math.log(1 + n / d) for t, d in df.items()}
        self.entry_vocab = [frozenset(v) for v in vocab_by_entry]
        self.phrasings: list[Phrasing] = []
        self.postings: dict[str, list[int]] = defaultdict(list)
        seen: set[tuple[int, frozenset[str]]] = set()
        for entry_idx, tokens in phrasings:
            key = (entry_idx, frozenset(tokens))
            if not tokens or key in seen:
                continue
            seen.add(key)
            weight = sum(self.idf[t] for t in key[1])
            idx = len(self.phrasings)
            self.phrasings.append(Phrasing(entry_idx, key[1], " ".join(sorted(tokens)), weight))
            for t in key[1]:
                self.postings[t].append(idx)

    @property
    def vocabulary(self) -> frozenset[str]:
        return frozenset(self.idf)

    def weight(self, token: str) -> float:
        w = self.idf.get(token)
        if w is not None:
            return w
        return NUMBER_WEIGHT if token.isdigit() else UNKNOWN_WEIGHT

    def score(self, tokens: Sequence[str]) -> list[Scored]:
        """Entries sharing a word with the query, best first."""
        query = frozenset(tokens)
        words = [t for t in query if not is_year(t)]
        total = sum(self.weight(t) for t in words)
        if total <= 0:
            return []
        query_text = " ".join(sorted(query))
        candidates = {p for t in query for p in self.postings.get(t, ())}
        best: dict[int, tuple[float, Phrasing]] = {}
        for p_idx in candidates:
            phrasing = self.phrasings[p_idx]
            recall = sum(self.idf[x] for x in query & phrasing.tokens) / phrasing.weight
            current = best.get(phrasing.entry)
            if current is None or recall > current[0]:
                best[phrasing.entry] = (recall, phrasing)
        results = []
        for entry_idx, (recall, phrasing) in best.items():
            vocab = self.entry_vocab[entry_idx]
            precision = sum(self.idf[t] for t in words if t in vocab) / total
            f1 = 2 * precision * recall / (precision + recall)
            ratio = fuzz.token_sort_ratio(query_text, phrasing.text, processor=None) / 100
            score = (1 - FUZZ_SHARE) * f1 + FUZZ_SHARE * ratio * precision
            results.append(
                Scored(self.entries[entry_idx], min(score, 1.0), phrasing.text, precision)
            )
        results.sort(key=lambda s: s.score, reverse=True)
        return results

"""Scores knowledge-base entries against a query's content tokens.

Each phrasing is reduced to content tokens once at load. A query scores each phrasing by how much
of the query the phrasing (and, in part, the rest of its entry) explains (precision, IDF-weighted,
so that unknown words such as "борщ" pull the score down) and how much of the phrasing the query
covers (recall), blended with RapidFuzz's token-sort ratio to break ties by wording. An entry
scores as its best phrasing.
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
# An unknown verb or adverb ("находится", "чаще") weighs less than an unknown noun.
MINOR_WEIGHT = 1.0
# So does a word that sets the scene: who is asking, where, when ("пенсионерка", "внучок",
# "в Гагарине", "в марте") is context, rarely what the question is about.
CONTEXT_WEIGHT = 1.0
# A verb or adverb the knowledge base knows ("выступить", "использовать") still says little
# about which entry is meant: in a query it weighs at most this much.
MINOR_CAP = 1.5
NUMBER_WEIGHT = 1.0
# A year in a phrasing ("мониторинг 2019") helps it match a query naming that year, but a year
# in a query is not a word to explain: "рейтинг 2017" is as much about the rating as "рейтинг".
YEAR_WEIGHT = 1.0
FUZZ_SHARE = 0.15
# Words an entry does not explain pull its score down less when the query already says much
# about it: past this much explained weight (about two specific words), what else a long,
# chatty message says ("меня сократили на заводе, мне 58 лет") counts for less and less.
STRONG_EVIDENCE = 3.5
VOCAB_CREDIT = 0.5
# The weights above are for a knowledge base of tens of entries. In a larger one a known word's
# IDF grows (log(1 + n / df)) while these would not, and words the knowledge base has never
# seen would stop pulling a score down; so from that size on they grow with the IDF of a word
# in two entries.
SCALE_FROM = 2 * (math.exp(UNKNOWN_WEIGHT) - 1)  # the size where log(1 + n / 2) = UNKNOWN_WEIGHT
# Words in more phrasings than this ("получить" in a knowledge base of thousands of services;
# "госуслуга" in a tenth of ours) do not bring in candidates when the query has rarer words: it
# would mean scoring most of the knowledge base. They still count in the score of the
# candidates the rarer words bring in.
COMMON_POSTINGS = 2_000
MIN_COMMON = 64


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
    explained: float = 0.0  # that weight itself: how much the query says about this entry


def _best_possible(share: float) -> float:
    """The highest score an entry explaining `share` of a query can reach (recall 1, the
    same wording): the bound that lets most entries go unscored."""
    return (1 - FUZZ_SHARE) * 2 * share / (share + 1) + FUZZ_SHARE * share


def is_year(token: str) -> bool:
    return len(token) == 4 and token.isdigit() and token[:2] in ("19", "20")


class Index:
    """Prepared once at load from (entry, content tokens of each phrasing)."""

    def __init__(
        self,
        entries: Sequence[Entry],
        phrasings: Sequence[tuple[int, Sequence[str]]],
        implied: dict[str, frozenset[str]] | None = None,
    ):
        """`implied`: words every entry of a kind explains ("срок" for every service card)."""
        self.entries = list(entries)
        kinds = implied or {}
        self.entry_implied = [frozenset(kinds.get(e.kind, ())) for e in self.entries]
        df: dict[str, int] = defaultdict(int)
        vocab_by_entry: list[set[str]] = [set() for _ in self.entries]
        for entry_idx, tokens in phrasings:
            vocab_by_entry[entry_idx].update(tokens)
        for vocab in vocab_by_entry:
            for t in vocab:
                df[t] += 1
        # Implied words widen what an entry explains but are no evidence of rarity: "мфц" stays
        # as rare as the phrasings make it, though every service card answers where to apply.
        for vocab, words in zip(vocab_by_entry, self.entry_implied, strict=True):
            for t in words - vocab:
                vocab.add(t)
                if t not in df:
                    df[t] = sum(t in other for other in self.entry_implied)
        n = len(self.entries)
        self.idf = {t: YEAR_WEIGHT if is_year(t) else math.log(1 + n / d) for t, d in df.items()}
        self.scale = math.log(1 + n / 2) / UNKNOWN_WEIGHT if n > SCALE_FROM else 1.0
        self.entry_vocab = [frozenset(v) for v in vocab_by_entry]
        self._position = {e.id: i for i, e in enumerate(self.entries)}
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
        self.phrasing_entry = [p.entry for p in self.phrasings]
        # How many phrasings make a word common: a tenth of them, within these bounds.
        self.common = max(MIN_COMMON, min(COMMON_POSTINGS, len(self.phrasings) // 10))

    @property
    def vocabulary(self) -> frozenset[str]:
        return frozenset(self.idf)

    def vocab_of(self, entry: Entry) -> frozenset[str]:
        """Every word an entry's phrasings have, and the words its kind implies."""
        return self.entry_vocab[self._position[entry.id]]

    def is_common(self, token: str) -> bool:
        """Whether a word is in so many phrasings that a question with nothing rarer would
        mean scoring a good part of a large knowledge base ("получить" among thousands of
        services). No word of ours is, today."""
        return len(self.postings.get(token, ())) > COMMON_POSTINGS

    def is_rare(self, token: str) -> bool:
        """Whether a known word names at most two entries ("опередить", not "получить")."""
        return self.idf.get(token, 0.0) >= math.log(1 + len(self.entries) / 2)

    def weight(
        self, token: str, minor: frozenset[str] = frozenset(), context: frozenset[str] = frozenset()
    ) -> float:
        """A query word's weight: its IDF if known, less for verbs and adverbs."""
        w = self.idf.get(token)
        if w is not None:
            # A number a phrasing has ("паспорт в 14 лет") is an age, an amount or a count the
            # question shares, weak evidence of which entry it is about.
            weak = token in minor or token in context or token.isdigit()
            return min(w, MINOR_CAP * self.scale) if weak else w
        if token.isdigit():
            return NUMBER_WEIGHT * self.scale
        if token in minor or len(token) == 1:  # "e" of "e-goverment", "k" of "zapis k vrachu"
            return MINOR_WEIGHT * self.scale
        if token in context:
            return CONTEXT_WEIGHT * self.scale
        return UNKNOWN_WEIGHT * self.scale

    def score(
        self,
        tokens: Sequence[str],
        minor: frozenset[str] = frozenset(),
        min_precision: float = 0.0,
        context: frozenset[str] = frozenset(),
        min_score: float = 0.0,
    ) -> list[Scored]:
        """Entries sharing a word with the query, best first; only those whose vocabulary
        explains at least `min_precision` of the query's weight, and that could score
        `min_score` (entries below it are not scored at all)."""
        query = frozenset(tokens)
        weights = {t: self.weight(t, minor, context) for t in query if not is_year(t)}
        total = sum(weights.values())
        if total <= 0:
            return []
        strong = STRONG_EVIDENCE * self.scale

        def effective_total(explained: float) -> float:
            unexplained = total - explained
            if explained > strong:
                unexplained *= strong / explained
            return explained + unexplained

        known = sum(w for t, w in weights.items() if t in self.idf)
        if known < min_precision * effective_total(known):
            return []  # the words no entry knows are too much of the query for any entry
        query_text = " ".join(sorted(query))
        candidates: set[int] = set()
        for postings in sorted((self.postings.get(t, ()) for t in query), key=len):
            if candidates and len(postings) > self.common:
                break
            candidates.update(postings)
        by_entry: dict[int, list[int]] = defaultdict(list)
        entry_of = self.phrasing_entry
        for p_idx in candidates:
            by_entry[entry_of[p_idx]].append(p_idx)
        idf = self.idf
        weighted = tuple(weights.items())
        best: dict[int, Scored] = {}
        for entry_idx, phrasing_ids in by_entry.items():
            vocab = self.entry_vocab[entry_idx]
            # The weight of the query words this entry's vocabulary has, and the share of the
            # query that is: no phrasing of the entry can do better than that share.
            in_vocab = sum(w for t, w in weighted if t in vocab)
            entry_total = effective_total(in_vocab)
            share = in_vocab / entry_total
            if share < min_precision or _best_possible(share) < min_score:
                continue
            implied = query & self.entry_implied[entry_idx]
            for p_idx in phrasing_ids:
                phrasing = self.phrasings[p_idx]
                in_phrasing = matched_idf = 0.0
                for t in query & phrasing.tokens:
                    matched_idf += idf[t]
                    in_phrasing += weights.get(t, 0.0)  # years have no weight in a query
                # An implied word is said by every phrasing of its kind: a phrasing without it
                # is not the worse for it ("лидеры рейтинга госуслуг" and "лидер рейтинга").
                for t in implied - phrasing.tokens:
                    in_phrasing += weights.get(t, 0.0)
                # Words this phrasing has count fully; words only other phrasings of the entry
                # have count in part, so that a question may combine two phrasings of one entry.
                precision = (in_phrasing + VOCAB_CREDIT * (in_vocab - in_phrasing)) / entry_total
                recall = matched_idf / phrasing.weight
                if precision <= 0 or recall <= 0:
                    continue
                f1 = 2 * precision * recall / (precision + recall)
                by_words = (1 - FUZZ_SHARE) * f1
                current = best.get(entry_idx)
                if current is not None and by_words + FUZZ_SHARE * precision <= current.score:
                    continue  # not even the same wording could beat the entry's best phrasing
                ratio = fuzz.token_sort_ratio(query_text, phrasing.text, processor=None) / 100
                score = min(by_words + FUZZ_SHARE * ratio * precision, 1.0)
                if current is None or score > current.score:
                    best[entry_idx] = Scored(
                        self.entries[entry_idx], score, phrasing.text, share, in_vocab
                    )
        return sorted(best.values(), key=lambda s: s.score, reverse=True)

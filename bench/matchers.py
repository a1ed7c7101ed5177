"""Our engine and the baselines a user could pick instead, behind one interface.

Every matcher sees the same knowledge base: each phrasing of each entry, in both languages.
A baseline answers with the entry of its best phrasing, or `none` below its threshold; the
threshold is calibrated on the tuning set, so the baselines get their best showing.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from rapidfuzz import fuzz, process, utils

from bench.labelled import Case, is_right
from bot.engine.answer import Engine
from bot.kb.model import KnowledgeBase


@dataclass(frozen=True, slots=True)
class Outcome:
    status: str
    topic: str | None
    offered: tuple[str, ...] = ()


class Matcher(Protocol):
    name: str

    def match(self, query: str) -> Outcome: ...


class OurEngine:
    name = "smolbot engine"

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def match(self, query: str) -> Outcome:
        answer = self.engine.ask(query)
        return Outcome(answer.status, answer.topic, tuple(s.topic for s in answer.suggestions))


class _PhrasingBaseline:
    """Best phrasing by some similarity; `none` below `threshold` (0..1)."""

    name = "baseline"

    def __init__(self, kb: KnowledgeBase) -> None:
        self.texts: list[str] = []
        self.topics: list[str] = []
        for entry in kb.entries:
            for phrasings in entry.phrasings.values():
                for text in phrasings:
                    self.texts.append(text.lower())
                    self.topics.append(entry.id)
        self.threshold = 0.5

    def best(self, query: str) -> tuple[int, float]:
        raise NotImplementedError

    def match(self, query: str) -> Outcome:
        idx, score = self.best(query)
        if idx < 0 or score < self.threshold:
            return Outcome("none", None)
        return Outcome("answer", self.topics[idx])


class DifflibBaseline(_PhrasingBaseline):
    name = "difflib SequenceMatcher"

    def best(self, query: str) -> tuple[int, float]:
        q = query.lower()
        scores = [difflib.SequenceMatcher(None, q, t).ratio() for t in self.texts]
        idx = max(range(len(scores)), key=scores.__getitem__)
        return idx, scores[idx]


class WRatioBaseline(_PhrasingBaseline):
    name = "rapidfuzz WRatio"

    def best(self, query: str) -> tuple[int, float]:
        found = process.extractOne(
            query, self.texts, scorer=fuzz.WRatio, processor=utils.default_process
        )
        if found is None:
            return -1, 0.0
        return found[2], found[1] / 100


class TfidfBaseline(_PhrasingBaseline):
    name = "TF-IDF char 2-4-grams"

    def __init__(self, kb: KnowledgeBase) -> None:
        super().__init__(kb)
        from sklearn.feature_extraction.text import TfidfVectorizer  # bench extra only

        self.vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True)
        self.matrix = self.vectorizer.fit_transform(self.texts)

    def best(self, query: str) -> tuple[int, float]:
        similarities = (
            (self.matrix @ self.vectorizer.transform([query.lower()]).T).toarray().ravel()
        )
        idx = int(similarities.argmax())
        return idx, float(similarities[idx])


def calibrate(baseline: _PhrasingBaseline, cases: Sequence[Case]) -> float:
    """The threshold that maximises balanced accuracy (in-scope right + off-topic refused)."""
    scored = [(baseline.best(c.query), c) for c in cases]
    best_threshold, best_value = 0.5, -1.0
    for step in range(101):
        threshold = step / 100
        right = {True: 0, False: 0}
        for (idx, score), case in scored:
            answered = idx >= 0 and score >= threshold
            outcome = ("answer", baseline.topics[idx]) if answered else ("none", None)
            right[case.off_topic] += is_right(case, *outcome)
        in_scope = sum(not c.off_topic for c in cases)
        value = right[False] / max(in_scope, 1) + right[True] / max(len(cases) - in_scope, 1)
        if value > best_value:
            best_threshold, best_value = threshold, value
    baseline.threshold = best_threshold
    return best_threshold

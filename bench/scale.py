"""How matching grows with the knowledge base: `python -m bench.scale SIZE NOUNS_FILE`.

The real knowledge base plus SIZE synthetic entries, each three Russian phrasings made of a
common opener ("как получить", "сколько стоит": words real entries use too, so their posting
lists grow with SIZE) and nouns drawn, Zipf-like, from pymorphy3's dictionary (nouns the real
entries or the labelled questions use are left out, so each question keeps its answer). The
labelled questions are then asked: latency of every matcher, and our engine's accuracy with that
many distractors. Prints one JSON line. NOUNS_FILE caches the noun list (reading the dictionary
takes ~15 s); it is written if missing.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import random
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from bench.labelled import HOLDOUT_SETS, ROOT, TUNING_SET, is_right, load_cases
from bench.matchers import DifflibBaseline, Matcher, OurEngine, TfidfBaseline, WRatioBaseline
from bot.engine.answer import Engine
from bot.engine.normalize import Normalizer, split_words
from bot.kb.loader import load_dir
from bot.kb.model import Citation, Entry, Source, Text

OPENERS = (
    "как получить",
    "как оформить",
    "где оформить",
    "сколько стоит",
    "какие документы нужны для",
    "срок получения",
    "куда обратиться за",
    "можно ли онлайн заказать",
    "как подать заявление на",
    "как продлить",
)
ENGINE_PASSES = 3
BASELINE_BUDGET_S = 20.0  # each baseline is timed on as many questions as fit, at least 3
SEED = 2026


def dictionary_nouns() -> list[str]:
    """Common inanimate nouns in pymorphy3's dictionary (no names, places or abbreviations)."""
    import pymorphy3

    skip = ("Name", "Surn", "Patr", "Geox", "Orgn", "Abbr", "Init", "anim")
    nouns = set()
    for word, tag, _, _, form in pymorphy3.MorphAnalyzer().dictionary.iter_known_words():
        fits = form == 0 and word.isalpha() and 4 <= len(word) <= 14
        if fits and "NOUN" in tag and not any(s in tag for s in skip):
            nouns.add(word)
    return sorted(nouns)


def load_nouns(cache: Path) -> list[str]:
    if not cache.exists():
        cache.write_text("\n".join(dictionary_nouns()), encoding="utf-8")
    return cache.read_text(encoding="utf-8").split()


def synthetic_entries(
    size: int, nouns: Sequence[str], taken: frozenset[str], normalizer: Normalizer
) -> list[Entry]:
    """`taken`: tokens no synthetic entry may contain, as the engine reduces words ("путина",
    the fishing season, reduces as "Путину" does)."""
    rng = random.Random(SEED)
    pool = [n for n in nouns if taken.isdisjoint(normalizer.canonical([n]))]
    rng.shuffle(pool)
    weights = list(itertools.accumulate(1 / (rank + 1) ** 0.7 for rank in range(len(pool))))
    entries = []
    for i in range(size):
        a, b, c = rng.choices(pool, cum_weights=weights, k=3)
        phrasings = tuple(
            f"{opener} {words}"
            for opener, words in zip(
                rng.sample(OPENERS, 3), (f"{a} {b}", f"{b} {a}", f"{a} {b} {c}"), strict=True
            )
        )
        title = f"{a.capitalize()} {b}"
        entries.append(
            Entry(
                id=f"synthetic-{i}",
                kind="info",
                title=Text(title, title),
                phrasings={"ru": phrasings},
                sources=(Citation("synthetic", "undated"),),
                answer=Text(f"Синтетическая запись {i}.", f"Synthetic entry {i}."),
            )
        )
    return entries


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def timed(matcher: Matcher, queries: Sequence[str], budget: float | None) -> list[float]:
    """Milliseconds per question; with a budget, stops once it is spent (after 3 at least)."""
    timings: list[float] = []
    started = time.perf_counter()
    for query in queries:
        start = time.perf_counter()
        matcher.match(query)
        timings.append((time.perf_counter() - start) * 1000)
        if budget is not None and len(timings) >= 3 and time.perf_counter() - started > budget:
            break
    return timings


def run(size: int, nouns_file: Path) -> dict[str, object]:
    kb = load_dir(ROOT / "data")
    cases = load_cases(TUNING_SET) + [c for p in HOLDOUT_SETS for c in load_cases(p)]
    # Nouns the real entries or any labelled question use stay out of the synthetic entries,
    # so that each labelled question keeps its one right answer (or none).
    plain = Engine(kb)
    asked = {t for c in cases for t in plain.normalizer.canonical(split_words(c.query))}
    taken = plain.index.vocabulary | asked
    entries = synthetic_entries(size, load_nouns(nouns_file), taken, plain.normalizer)
    synthetic = Source("synthetic", "Synthetic entries for bench/scale.py", "bench", grade="weak")
    sources = {**kb.sources, "synthetic": synthetic}
    big = dataclasses.replace(kb, entries=kb.entries + tuple(entries), sources=sources)
    before = rss_mib()
    start = time.perf_counter()
    engine = Engine(big)
    build_s = time.perf_counter() - start
    engine_mib = rss_mib() - before
    ours = OurEngine(engine)
    queries = [c.query for c in cases]
    timed(ours, queries, None)  # warm-up: word caches
    results: dict[str, object] = {
        "entries": len(big.entries),
        "phrasings": len(engine.index.phrasings),
        "vocabulary": len(engine.index.vocabulary),
        "build_s": round(build_s, 2),
        "engine_mib": round(engine_mib, 1),
    }
    right = {True: 0, False: 0}
    for case in cases:
        outcome = ours.match(case.query)
        right[case.off_topic] += is_right(case, outcome.status, outcome.topic, outcome.offered)
    off_topic = sum(c.off_topic for c in cases)
    results["in_scope_right"] = right[False] / (len(cases) - off_topic)
    results["off_topic_refused"] = right[True] / off_topic
    results["engine_passes"] = [timed(ours, queries, None) for _ in range(ENGINE_PASSES)]
    baselines: list[tuple[str, Callable[[], Matcher]]] = [
        ("rapidfuzz WRatio", lambda: WRatioBaseline(big)),
        ("TF-IDF char 2-4-grams", lambda: TfidfBaseline(big)),
        ("difflib SequenceMatcher", lambda: DifflibBaseline(big)),
    ]
    sample = random.Random(SEED).sample(queries, len(queries))
    results["baselines"] = {
        name: timed(build(), sample, BASELINE_BUDGET_S) for name, build in baselines
    }
    return results


if __name__ == "__main__":
    print(json.dumps(run(int(sys.argv[1]), Path(sys.argv[2]))))

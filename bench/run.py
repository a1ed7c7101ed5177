"""`make bench`: every benchmark in bench/, then docs/BENCHMARKS.md rewritten from the results.

Run from the project root: `python -m bench.run`. About 25 minutes on the 2-core machine, most
of it the 100,000-subscriber broadcasts. The raw results also go to var/bench/results.json.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.labelled import HOLDOUT_SETS, ROOT, TUNING_SET, Case, is_right, load_cases
from bench.matchers import (
    DifflibBaseline,
    Matcher,
    OurEngine,
    TfidfBaseline,
    WRatioBaseline,
    calibrate,
)
from bench.report import write_report
from bot.engine.answer import Engine
from bot.kb.loader import load_dir

LATENCY_PASSES = 5  # each matcher times every question this many times over
FIRST_SIGHT_PASSES = 3  # each with a new engine, word caches empty
COLD_START_RUNS = 15
SCALE_SIZES = (1_000, 10_000, 100_000)
BROADCAST_RUNS = ((1_000, 25.0), (10_000, 500.0), (100_000, 500.0))
BROADCAST_REPEATS = 3
RESULTS = ROOT / "var" / "bench" / "results.json"


def accuracy(matcher: Matcher, cases: Sequence[Case]) -> tuple[float, float]:
    """(share of in-scope questions answered right, share of off-topic questions refused)."""
    right = {True: 0, False: 0}
    total = {True: 0, False: 0}
    for case in cases:
        outcome = matcher.match(case.query)
        total[case.off_topic] += 1
        right[case.off_topic] += is_right(case, outcome.status, outcome.topic, outcome.offered)
    return right[False] / total[False], right[True] / total[True]


def latencies_ms(matcher: Matcher, queries: Sequence[str]) -> list[float]:
    timings = []
    for query in queries:
        start = time.perf_counter()
        matcher.match(query)
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def matching() -> dict[str, Any]:
    kb = load_dir(ROOT / "data")
    tuning = load_cases(TUNING_SET)
    holdout = [case for path in HOLDOUT_SETS for case in load_cases(path)]
    start = time.perf_counter()
    engine = Engine(kb)
    build_ms = (time.perf_counter() - start) * 1000
    rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    baselines = [DifflibBaseline(kb), WRatioBaseline(kb), TfidfBaseline(kb)]
    thresholds = {b.name: calibrate(b, tuning) for b in baselines}
    queries = [c.query for c in tuning + holdout]
    first_sight = [latencies_ms(OurEngine(Engine(kb)), queries) for _ in range(FIRST_SIGHT_PASSES)]
    rows = []
    for matcher in [OurEngine(engine), *baselines]:
        latencies_ms(matcher, queries)  # warm-up
        rows.append(
            {
                "name": matcher.name,
                "threshold": thresholds.get(matcher.name),
                "tuning": accuracy(matcher, tuning),
                "holdout": accuracy(matcher, holdout),
                "latency_passes": [latencies_ms(matcher, queries) for _ in range(LATENCY_PASSES)],
            }
        )
    return {
        "tuning_cases": len(tuning),
        "tuning_off_topic": sum(c.off_topic for c in tuning),
        "holdout_cases": len(holdout),
        "holdout_off_topic": sum(c.off_topic for c in holdout),
        "queries": len(queries),
        "rows": rows,
        "first_sight_passes": first_sight,
        "engine_build_ms": build_ms,
        "rss_mib": rss_mib,
    }


def cold_start_s() -> list[float]:
    """Wall time of a whole `smolbot ask` process, knowledge base already compiled.

    As deployed, Python caches the modules' bytecode; a workplace that sets
    PYTHONDONTWRITEBYTECODE would compile every module on every run instead, so the
    variable is dropped for these runs.
    """
    smolbot = Path(sys.executable).with_name("smolbot")
    command = [str(smolbot), "ask", "какое место заняла Смоленская область"]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    # The first run compiles the knowledge base if needed and caches the bytecode.
    subprocess.run(command, check=True, capture_output=True, env=env)
    times = []
    for _ in range(COLD_START_RUNS):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, env=env)
        times.append(time.perf_counter() - start)
    return times


def json_of(*module_and_args: str) -> Any:
    """Runs `python -m MODULE ARGS...` in a process of its own; its last line, parsed."""
    out = subprocess.run(
        [sys.executable, "-m", *module_and_args],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if out.returncode != 0:
        # Its output was captured: without this, a failure says only "exit status 1".
        sys.stderr.write(out.stdout + out.stderr)
        out.check_returncode()
    return json.loads(out.stdout.strip().splitlines()[-1])


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores; Python {platform.python_version()}; {platform.system()}"


def main() -> None:
    started = time.monotonic()
    results: dict[str, Any] = {"date": dt.date.today().isoformat(), "machine": machine()}
    print("matching...", flush=True)
    results["matching"] = matching()
    results["cold_start_s"] = cold_start_s()
    with tempfile.TemporaryDirectory() as tmp:
        nouns = str(Path(tmp) / "nouns.txt")
        results["scale"] = []
        for size in SCALE_SIZES:
            print(f"synthetic knowledge base of {size:,} entries...", flush=True)
            results["scale"].append(json_of("bench.scale", str(size), nouns))
    print("end to end...", flush=True)
    results["e2e"] = json_of("bench.e2e")
    results["broadcast"] = []
    for subscribers, rate in BROADCAST_RUNS:
        print(f"broadcast to {subscribers:,} at {rate:g}/s...", flush=True)
        runs = [
            json_of("bench.broadcast", str(subscribers), str(rate))
            for _ in range(BROADCAST_REPEATS)
        ]
        results["broadcast"].append(runs)
    results["minutes"] = (time.monotonic() - started) / 60
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results), encoding="utf-8")
    print(write_report(results))


if __name__ == "__main__":
    main()

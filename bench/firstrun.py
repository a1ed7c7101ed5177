"""One labelled set through the engine: the figure to record on a new hold-out set's first run.

`python -m bench.firstrun bench/holdout7.yaml [--misses]` prints in-scope right and off-topic
refused; with `--misses`, every question it got wrong with what the engine did instead. Topics the
knowledge base does not have (yet) are counted apart, so a first run taken before new entries
exist says how the engine does on what it knows and how much of the set it cannot know.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bench.labelled import ROOT, Case, is_right, load_cases
from bot.engine.answer import Engine
from bot.kb.loader import load_dir


def run(path: Path, misses: bool) -> int:
    engine = Engine(load_dir(ROOT / "data"))
    cases = load_cases(path)
    unknown: list[Case] = []
    right = {True: 0, False: 0}
    total = {True: 0, False: 0}
    wrong: list[str] = []
    for case in cases:
        expected = case.allowed if case.expected == "clarify" else (case.expected,)
        answer = engine.ask(case.query)
        offered = tuple(s.topic for s in answer.suggestions)
        ok = is_right(case, answer.status, answer.topic, offered)
        if not case.off_topic and not any(engine.knows_topic(t) for t in expected):
            unknown.append(case)
        total[case.off_topic] += 1
        right[case.off_topic] += ok
        if not ok:
            got = answer.topic or ",".join(offered) or "-"
            wrong.append(
                f"{case.expected:>26} <- {answer.status}:{got} {answer.score:.2f}  {case.query}"
            )
    in_total, off_total = total[False], total[True]
    print(f"{path.name}: {len(cases)} questions")
    print(
        f"in-scope right: {right[False]} of {in_total} "
        f"({100 * right[False] / max(in_total, 1):.1f}%)"
    )
    print(
        f"off-topic refused: {right[True]} of {off_total} "
        f"({100 * right[True] / max(off_total, 1):.1f}%)"
    )
    if unknown:
        # A question about a topic the knowledge base lacks cannot be answered right, so every
        # right answer is about a topic it has.
        answerable = in_total - len(unknown)
        print(
            f"of them about topics the knowledge base has: {right[False]} of {answerable} "
            f"({100 * right[False] / max(answerable, 1):.1f}%); "
            f"{len(unknown)} ask about topics it does not have yet"
        )
    if misses:
        print("\n".join(sorted(wrong)))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.firstrun")
    parser.add_argument("path", type=Path)
    parser.add_argument("--misses", action="store_true", help="list every question it got wrong")
    args = parser.parse_args(argv)
    return run(args.path, args.misses)


if __name__ == "__main__":
    sys.exit(main())

"""Labelled questions (tests/queries.yaml, bench/holdout.yaml) and what counts as right."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
TUNING_SET = ROOT / "tests" / "queries.yaml"
HOLDOUT_SETS = (
    *(
        ROOT / "bench" / f"holdout{n}.yaml"
        for n in ("", "2", "3", "4", "5", "6", "7", "7b", "8", "9", "10", "11", "12", "13", "14")
    ),
    # Written blind like the hold-out sets, but to tune on: half of it described situations.
    ROOT / "bench" / "situations12.yaml",
)


@dataclass(frozen=True, slots=True)
class Case:
    query: str
    expected: str  # a topic, "none", or "clarify"
    allowed: tuple[str, ...] = ()  # for "clarify": the topics that count as right

    @property
    def off_topic(self) -> bool:
        return self.expected == "none"


def load_cases(path: Path) -> list[Case]:
    cases = []
    for key, items in yaml.safe_load(path.read_text(encoding="utf-8")).items():
        for item in items:
            if isinstance(item, dict):
                ((query, allowed),) = item.items()
                cases.append(Case(str(query), key, tuple(allowed)))
            else:
                cases.append(Case(str(item), key))
    return cases


def is_right(case: Case, status: str, topic: str | None, offered: tuple[str, ...] = ()) -> bool:
    """An in-scope question needs the right answer; a clarify is right only where it is expected."""
    if case.off_topic:
        return status == "none"
    if case.expected == "clarify":
        return (status == "answer" and topic in case.allowed) or (
            status == "clarify" and bool(set(offered) & set(case.allowed))
        )
    return status == "answer" and topic == case.expected

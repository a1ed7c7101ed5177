"""The engine's output: an Answer, its sources and suggestions. Plain values, no behaviour."""

from __future__ import annotations

from dataclasses import dataclass, field

ANSWER, CLARIFY, NONE = "answer", "clarify", "none"


@dataclass(frozen=True, slots=True)
class SourceRef:
    """A cited source as shown to a reader: what it is, where, and the date of the fact."""

    title: str
    publisher: str
    url: str | None
    date: str
    published: str | None = None


@dataclass(frozen=True, slots=True)
class Suggestion:
    topic: str
    title: str


@dataclass(frozen=True, slots=True)
class Answer:
    query: str
    status: str  # answer | clarify | none
    lang: str
    title: str = ""
    body: str = ""  # the first screen
    topic: str | None = None
    score: float = 0.0
    sources: tuple[SourceRef, ...] = ()
    # A clarify's choices, or a menu's items (a category's cards, the menu's categories).
    suggestions: tuple[Suggestion, ...] = ()
    sections: dict[str, str] = field(default_factory=dict)  # every part of a card, by name
    portal: str | None = None
    follow_ups: tuple[str, ...] = ()  # sections not on the first screen, offered as buttons

"""Typed knowledge-base records shared by the loader, the SQLite store and the engine."""

from __future__ import annotations

from dataclasses import dataclass, field

LANGS = ("ru", "en")

# The order of a service card's sections, and which of them a card must have.
SERVICE_SECTIONS = ("summary", "steps", "documents", "fee", "time_limit", "in_person")


@dataclass(frozen=True, slots=True)
class Text:
    """A string in both languages the bot speaks."""

    ru: str
    en: str

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.ru


@dataclass(frozen=True, slots=True)
class Source:
    key: str
    title: str
    publisher: str
    url: str | None = None
    published: str | None = None
    grade: str = "media"
    title_en: str | None = None  # an English reader's title: a translation of `title`
    publisher_en: str | None = None

    def title_in(self, lang: str) -> str:
        return (self.title_en or self.title) if lang == "en" else self.title

    def publisher_in(self, lang: str) -> str:
        return (self.publisher_en or self.publisher) if lang == "en" else self.publisher


@dataclass(frozen=True, slots=True)
class Citation:
    """A reference to a source and the date of what it describes."""

    ref: str
    date: str


@dataclass(frozen=True, slots=True)
class Entry:
    """One question the bot answers: what people type, and what it answers."""

    id: str
    kind: str  # service | info | figures | rating
    title: Text
    phrasings: dict[str, tuple[str, ...]]
    sources: tuple[Citation, ...]
    file: str = ""
    answer: Text | None = None
    sections: dict[str, Text] = field(default_factory=dict)
    portal: str | None = None
    years: tuple[int, ...] = ()
    metrics: tuple[str, ...] = ()
    category: str | None = None  # a service card's group in /services


@dataclass(frozen=True, slots=True)
class Category:
    """A group of service cards, and the words a resident may send to see the group."""

    id: str
    title: Text
    words: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Region:
    key: str
    name: Text
    aliases: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Placement:
    region: str
    place: int | None = None
    place_range: tuple[int, int] | None = None
    score: float | None = None
    sources: tuple[Citation, ...] = ()


@dataclass(frozen=True, slots=True)
class RatingYear:
    year: int
    regions_total: int | None
    score_unit: str | None  # percent | points | None
    note: Text | None
    sources: tuple[Citation, ...]
    places: tuple[Placement, ...]

    def placement(self, region: str) -> Placement | None:
        return next((p for p in self.places if p.region == region), None)


@dataclass(frozen=True, slots=True)
class Figure:
    id: str
    metric: str
    date: str
    value: str
    text: Text
    sources: tuple[Citation, ...]


@dataclass(frozen=True, slots=True)
class KnowledgeBase:
    sources: dict[str, Source]
    entries: tuple[Entry, ...]
    regions: dict[str, Region]
    neighbours: tuple[str, ...]
    ratings: tuple[RatingYear, ...]  # sorted by year
    figures: tuple[Figure, ...]
    categories: tuple[Category, ...] = ()
    # Looked up on every answer: indexed once, so that a knowledge base of 100,000 entries
    # costs no more per answer than one of forty.
    _by_id: dict[str, Entry] = field(init=False, repr=False, compare=False)
    _services: dict[str | None, tuple[Entry, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        services = [e for e in self.entries if e.kind == "service"]
        by_category: dict[str | None, tuple[Entry, ...]] = {None: tuple(services)}
        for c in self.categories:
            by_category[c.id] = tuple(e for e in services if e.category == c.id)
        object.__setattr__(self, "_by_id", {e.id: e for e in reversed(self.entries)})
        object.__setattr__(self, "_services", by_category)

    def services(self, category: str | None = None) -> tuple[Entry, ...]:
        """Service cards in the knowledge base's order, all or one category's."""
        found = self._services.get(category)
        if found is None:
            found = tuple(e for e in self._services[None] if e.category == category)
        return found

    def entry(self, entry_id: str) -> Entry:
        """The entry with this id (KeyError if none)."""
        return self._by_id[entry_id]

    def find(self, entry_id: str) -> Entry | None:
        """The entry with this id, or None (an id from a stale button, a typed topic)."""
        return self._by_id.get(entry_id)

    def rating_year(self, year: int) -> RatingYear | None:
        return next((r for r in self.ratings if r.year == year), None)

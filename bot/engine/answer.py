"""The engine: a question in, an Answer out (answer, clarify or none). No Telegram, no I/O."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.engine.index import Index, Scored, is_year
from bot.engine.normalize import Normalizer, split_words
from bot.engine.ratings import RatingAnswers
from bot.engine.slots import SlotReader, Slots
from bot.i18n import t
from bot.kb.model import SERVICE_SECTIONS, Citation, Entry, KnowledgeBase, Source

# Calibrated on tests/queries.yaml, checked on bench/holdout*.yaml (docs/BENCHMARKS.md): at or
# above ANSWER_AT with a clear lead the top entry is the answer; from CLARIFY_AT up the top
# entries are offered to choose from.
ANSWER_AT = 0.62
CLARIFY_AT = 0.42
SINGLE_CLARIFY_AT = 0.55
# The share of a query's weight the entry must explain: words the knowledge base has never seen
# ("фильм" in "лучший фильм 2019") mean the question is about something else.
ANSWER_PRECISION = 0.6
CLARIFY_PRECISION = 0.56
LEAD = 0.1
# A near-perfect match needs only a small lead; a tie is still a question to ask back.
SURE_AT = 0.9
SURE_LEAD = 0.03
MAX_SUGGESTIONS = 3
# A service card answers what it costs, how long it takes and what to bring, whatever the service:
# these concepts count as explained by every card even where no phrasing names them.
SERVICE_ASPECTS = frozenset(
    {
        "пошлина",
        "срок",
        "документ",
        "мфц",
        "получить",
        "заявление",
        "госуслуга",
        "электронный",
        "оплатить",
        "подать",
        "лично",
    }
)
# Every rating entry is about the rating of electronic public services, whatever it names.
RATING_ASPECTS = frozenset({"рейтинг", "госуслуга"})
YEAR_BONUS = 0.12
# A question naming another year than an entry's is about something else.
YEAR_PENALTY = 0.4

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
    body: str = ""
    topic: str | None = None
    score: float = 0.0
    sources: tuple[SourceRef, ...] = ()
    suggestions: tuple[Suggestion, ...] = ()
    sections: dict[str, str] = field(default_factory=dict)  # a service card's parts, for buttons
    portal: str | None = None


def phrasing_tokens(text: str, normalizer: Normalizer, slots: SlotReader) -> list[str]:
    """A phrasing as content tokens, the way a query is reduced (regions taken out)."""
    tokens = normalizer.canonical(split_words(text))
    used = slots.read(tokens).region_used
    return normalizer.content(t for i, t in enumerate(tokens) if i not in used)


def prepare_phrasings(
    kb: KnowledgeBase, normalizer: Normalizer, slots: SlotReader
) -> list[tuple[int, list[str]]]:
    """Every phrasing of every entry as content tokens, in the knowledge base's order."""
    return [
        (idx, phrasing_tokens(text, normalizer, slots))
        for idx, entry in enumerate(kb.entries)
        for lang_phrasings in entry.phrasings.values()
        for text in lang_phrasings
    ]


class Engine:
    """Answers questions from one knowledge base; built once, then pure and synchronous."""

    def __init__(
        self,
        kb: KnowledgeBase,
        prepared: Sequence[tuple[int, Sequence[str]]] | None = None,
        normalizer: Normalizer | None = None,
    ) -> None:
        self.kb = kb
        self.normalizer = normalizer or Normalizer()
        self.slots = SlotReader(self.normalizer, kb.regions)
        if prepared is None:
            prepared = prepare_phrasings(kb, self.normalizer, self.slots)
        self._prepared = [(idx, list(tokens)) for idx, tokens in prepared]
        self._entry_index = {e.id: i for i, e in enumerate(kb.entries)}
        self._build_index()
        self.ratings = RatingAnswers(kb)

    def _build_index(self) -> None:
        self.index = Index(
            self.kb.entries,
            self._prepared,
            implied={"service": SERVICE_ASPECTS, "rating": RATING_ASPECTS},
        )
        self.normalizer.set_vocabulary(self.index.vocabulary | self.slots.alias_tokens)

    def add_phrasings(self, phrasings: Sequence[tuple[str, str]]) -> int:
        """Teach the engine more wordings (entry id, text), e.g. editors' picks from the
        unanswered questions; returns how many were usable."""
        added = 0
        for entry_id, text in phrasings:
            idx = self._entry_index.get(entry_id)
            if idx is None:
                continue
            content = phrasing_tokens(text, self.normalizer, self.slots)
            if content:
                self._prepared.append((idx, content))
                added += 1
        if added:
            self._build_index()
        return added

    def ask(self, query: str, lang: str | None = None) -> Answer:
        """The answer, a clarifying question, or an honest "I don't know" (`lang` forces one)."""
        norm = self.normalizer.normalize(query)
        lang = lang or norm.lang
        slots = self.slots.read(norm.tokens)
        content = self.normalizer.content(
            t for i, t in enumerate(norm.tokens) if i not in slots.region_used
        )
        if all(is_year(t) for t in content):  # nothing but a year and/or a region named
            if slots.year or slots.regions or slots.unknown_region:
                return self._answer(query, self.kb.entry("rating"), 1.0, slots, lang)
            return self._none(query, lang, 0.0)
        found = self.index.score(content, norm.minor, min_precision=CLARIFY_PRECISION)
        scored = [self._adjust(s, slots) for s in found]
        scored.sort(key=lambda s: s.score, reverse=True)
        if not scored or scored[0].score < CLARIFY_AT:
            return self._none(query, lang, scored[0].score if scored else 0.0)
        top = scored[0]
        runner_up = scored[1].score if len(scored) > 1 else 0.0
        confident = top.score >= ANSWER_AT and top.precision >= ANSWER_PRECISION
        lead = top.score - runner_up
        if confident and (lead >= LEAD or (top.score >= SURE_AT and lead >= SURE_LEAD)):
            return self._answer(query, top.entry, top.score, slots, lang)
        options = [s for s in scored[:MAX_SUGGESTIONS] if s.score >= CLARIFY_AT]
        if len(options) == 1 and confident:
            return self._answer(query, top.entry, top.score, slots, lang)
        if len(options) == 1 and top.score < SINGLE_CLARIFY_AT:
            # One weak guess is more often a coincidence of words than a near miss.
            return self._none(query, lang, top.score)
        suggestions = tuple(Suggestion(s.entry.id, s.entry.title.get(lang)) for s in options)
        body = "\n".join(f"{i}. {s.title}" for i, s in enumerate(suggestions, 1))
        return Answer(
            query,
            CLARIFY,
            lang,
            title=t(lang, "clarify"),
            body=body,
            score=round(min(top.score, 1.0), 3),
            suggestions=suggestions,
        )

    def answer_topic(self, topic: str, lang: str = "ru", query: str = "") -> Answer:
        """The answer of one entry, as when a user picks a suggestion."""
        return self._answer(query, self.kb.entry(topic), 1.0, Slots(), lang)

    def rating(self, text: str, lang: str = "ru") -> Answer | None:
        """/rank's answer: the overview, or what the year or region in `text` names.

        None when `text` names neither.
        """
        slots = self.slots.read(self.normalizer.normalize(text).tokens) if text.strip() else Slots()
        if text.strip() and not (slots.year or slots.regions or slots.unknown_region):
            return None
        return self._answer(text, self.kb.entry("rating"), 1.0, slots, lang)

    def _adjust(self, s: Scored, slots: Slots) -> Scored:
        """Year slot: an entry about that year gains, an entry about other years loses.

        Rating entries name no years: they answer any year, saying so where the table has none.
        """
        years = s.entry.years
        if slots.year is None or not years:
            return s
        bonus = YEAR_BONUS if slots.year in years else -YEAR_PENALTY
        # Not capped at 1.0: the bonus must still separate two perfect phrasings.
        return Scored(s.entry, max(0.0, s.score + bonus), s.phrasing, s.precision)

    # -- composing -------------------------------------------------------------------------------
    def _answer(self, query: str, entry: Entry, score: float, slots: Slots, lang: str) -> Answer:
        sections: dict[str, str] = {}
        if entry.kind == "rating":
            composed = self.ratings.compose(entry.id, slots, lang)
            title, body, cites = composed.title, composed.body, composed.citations
        elif entry.kind == "figures":
            title, body, cites = self._figures(entry, slots.year, lang)
        elif entry.kind == "service":
            title = entry.title.get(lang)
            sections = {name: entry.sections[name].get(lang) for name in SERVICE_SECTIONS}
            parts = [sections["summary"]]
            for name in SERVICE_SECTIONS[1:]:
                parts.append(f"{t(lang, 'section_' + name)}:\n{sections[name]}")
            body, cites = "\n\n".join(parts), entry.sources
        else:
            title = entry.title.get(lang)
            body = entry.answer.get(lang) if entry.answer else ""
            cites = entry.sources
        return Answer(
            query,
            ANSWER,
            lang,
            title=title,
            body=body.strip(),
            topic=entry.id,
            score=round(min(score, 1.0), 3),
            sources=self._refs(cites),
            sections=sections,
            portal=entry.portal,
        )

    def _figures(
        self, entry: Entry, year: int | None, lang: str
    ) -> tuple[str, str, tuple[Citation, ...]]:
        # Grouped as the entry lists its metrics (registered, then usage...), each by date.
        order = {metric: i for i, metric in enumerate(entry.metrics)}
        figures = sorted(
            (f for f in self.kb.figures if f.metric in order),
            key=lambda f: (order[f.metric], f.date),
        )
        lines = []
        if year is not None:
            matching = [f for f in figures if f.date.startswith(str(year))]
            if matching:
                figures = matching
            else:
                lines.append(
                    f"За {year} год такой цифры в наших источниках нет. Известно:"
                    if lang == "ru"
                    else f"Our sources have no such figure for {year}. What is known:"
                )
        lines += [f"• {f.text.get(lang)}" for f in figures]
        cites = tuple(dict.fromkeys(c for f in figures for c in f.sources))
        return entry.title.get(lang), "\n".join(lines), cites

    def _refs(self, cites: Sequence[Citation]) -> tuple[SourceRef, ...]:
        refs = []
        for c in cites:
            src: Source = self.kb.sources[c.ref]
            refs.append(SourceRef(src.title, src.publisher, src.url, c.date, src.published))
        return tuple(dict.fromkeys(refs))

    def _none(self, query: str, lang: str, score: float) -> Answer:
        return Answer(query, NONE, lang, body=self._fallback(lang), score=round(min(score, 1.0), 3))

    def _fallback(self, lang: str) -> str:
        services = ", ".join(e.title.get(lang) for e in self.kb.entries if e.kind == "service")
        return "\n".join(
            [
                t(lang, "none_intro"),
                "",
                t(lang, "none_topics"),
                "• " + t(lang, "topic_rating"),
                "• " + t(lang, "topic_shares"),
                "• " + t(lang, "topic_monitoring"),
                "• " + t(lang, "topic_mfc"),
                "",
                f"{t(lang, 'none_services')} {services}.",
                "",
                t(lang, "none_help"),
            ]
        )

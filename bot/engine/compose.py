"""Turns a decision (this entry, this menu, small talk) into an Answer a phone screen can hold.

The first screen of an answer leads with what was asked (a service card's fee when the question
was "сколько стоит"; the latest figure before the history); the rest of a card waits behind its
follow-up buttons, and the terminal prints it after the first screen.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from bot.engine.concepts import ASPECT_SECTIONS as ASPECT_SECTIONS
from bot.engine.intents import GREETING, THANKS, PlaceClaim
from bot.engine.model import ANSWER, NONE, Answer, SourceRef, Suggestion
from bot.engine.ratings import RatingAnswers
from bot.engine.slots import Slots
from bot.i18n import t, tn
from bot.kb.model import SERVICE_SECTIONS, Category, Citation, Entry, KnowledgeBase

# The first screen of a service card holds at most this many characters of body text; with the
# title and the sources' line it stays within ~1,200 visible characters on a phone.
CARD_SCREEN = 1000
# A figures answer's first screen: the lead figure of each kind, then earlier ones while they fit.
FIGURES_SCREEN = 700
# How many composed cards and reference lists are kept (cards x languages x what was asked).
COMPOSED_CACHE = 4096
HELP_TOPIC = "help"
SERVICES_TOPIC = "services"
CATEGORY_PREFIX = "services-"
# Which card section a question's words ask for ("сколько стоит" is the fee).


class Composer:
    """Builds answers from one knowledge base; pure and synchronous."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.ratings = RatingAnswers(kb)
        self.categories = {c.id: c for c in kb.categories}
        self._fallbacks: dict[str, str] = {}
        # A card's first screen and its references depend on the card, the language and what
        # was asked, not on the words: each is composed once. Bounded: the cards are few.
        self._card = lru_cache(maxsize=COMPOSED_CACHE)(self._card_uncached)
        self._refs = lru_cache(maxsize=COMPOSED_CACHE)(self._refs_uncached)

    # -- entries ---------------------------------------------------------------------------
    def entry(
        self,
        query: str,
        entry: Entry,
        score: float,
        slots: Slots,
        lang: str,
        aspects: Sequence[str] = (),
        claim: PlaceClaim | None = None,
    ) -> Answer:
        if entry.kind == "rating":
            composed = self.ratings.compose(entry.id, slots, lang, claim)
            return self._answer(
                query,
                entry,
                score,
                lang,
                composed.title,
                composed.body,
                composed.citations,
                sections={"places": composed.more} if composed.more else {},
            )
        if entry.kind == "figures":
            body, history, cites = self._figures(entry, slots.year, lang)
            return self._answer(
                query,
                entry,
                score,
                lang,
                entry.title.get(lang),
                body,
                cites,
                sections={"history": history} if history else {},
            )
        if entry.kind == "service":
            return self._service(query, entry, score, lang, aspects)
        body = entry.answer.get(lang) if entry.answer else ""
        return self._answer(query, entry, score, lang, entry.title.get(lang), body, entry.sources)

    def _answer(
        self,
        query: str,
        entry: Entry,
        score: float,
        lang: str,
        title: str,
        body: str,
        cites: Sequence[Citation],
        sections: dict[str, str] | None = None,
        follow_ups: tuple[str, ...] | None = None,
    ) -> Answer:
        """An entry's answer; `follow_ups`, the sections behind buttons, are all of
        `sections` unless the first screen already shows some."""
        sections = sections or {}
        return Answer(
            query,
            ANSWER,
            lang,
            title=title,
            body=body.strip(),
            topic=entry.id,
            score=round(min(score, 1.0), 3),
            sources=self.refs(cites, lang),
            sections=sections,
            portal=entry.portal,
            follow_ups=tuple(sections) if follow_ups is None else follow_ups,
        )

    def _service(
        self, query: str, entry: Entry, score: float, lang: str, aspects: Sequence[str]
    ) -> Answer:
        """Summary, the sections the question asked for, the steps if they still fit."""
        sections = _service_sections(entry, lang)
        body, follow_ups = self._card(entry.id, lang, tuple(aspects))
        return self._answer(
            query,
            entry,
            score,
            lang,
            entry.title.get(lang),
            body,
            entry.sources,
            sections=sections,
            follow_ups=follow_ups,
        )

    def _card_uncached(
        self, entry_id: str, lang: str, aspects: tuple[str, ...]
    ) -> tuple[str, tuple[str, ...]]:
        """A service card's first screen and the sections left for buttons."""
        sections = _service_sections(self.kb.entry(entry_id), lang)
        shown = ["summary", *(a for a in aspects if a in sections)]
        if "steps" not in shown:
            shown.append("steps")

        def part(name: str) -> str:
            text = sections[name]
            return text if name == "summary" else f"{t(lang, 'section_' + name)}:\n{text}"

        parts: list[str] = []
        on_screen: list[str] = []
        for name in dict.fromkeys(shown):
            candidate = "\n\n".join([*parts, part(name)])
            if parts and len(candidate) > CARD_SCREEN:
                continue
            parts.append(part(name))
            on_screen.append(name)
        follow_ups = tuple(n for n in SERVICE_SECTIONS if n not in on_screen)
        return "\n\n".join(parts), follow_ups

    def _figures(
        self, entry: Entry, year: int | None, lang: str
    ) -> tuple[str, str, tuple[Citation, ...]]:
        """(first screen, earlier figures, citations). Each kind of figure in the entry's order;
        within a kind, the editors' order: the lead figure first."""
        order = {metric: i for i, metric in enumerate(entry.metrics)}
        figures = sorted(
            (f for f in self.kb.figures if f.metric in order), key=lambda f: order[f.metric]
        )
        intro: list[str] = []
        if year is not None:
            matching = [f for f in figures if f.date.startswith(str(year))]
            if matching:
                figures = matching
            else:
                intro.append(t(lang, "figures_missing_year", year=year))
        leads = list({f.metric: f for f in reversed(figures)}.values())[::-1]
        rest = [f for f in figures if f not in leads]
        lines = [*intro, *(f"• {f.text.get(lang)}" for f in leads)]
        history: list[str] = []
        for f in rest:
            line = f"• {f.text.get(lang)}"
            if len("\n".join([*lines, line])) <= FIGURES_SCREEN:
                lines.append(line)
            else:
                history.append(line)
        shown = [f for f in figures if f"• {f.text.get(lang)}" in lines]
        cites = tuple(dict.fromkeys(c for f in shown for c in f.sources))
        return "\n".join(lines), "\n".join(history), cites

    def refs(self, cites: Sequence[Citation], lang: str) -> tuple[SourceRef, ...]:
        return self._refs(tuple(cites), lang)

    def _refs_uncached(self, cites: tuple[Citation, ...], lang: str) -> tuple[SourceRef, ...]:
        refs = []
        for c in cites:
            src = self.kb.sources[c.ref]
            refs.append(
                SourceRef(
                    src.title_in(lang), src.publisher_in(lang), src.url, c.date, src.published
                )
            )
        return tuple(dict.fromkeys(refs))

    # -- not an entry ----------------------------------------------------------------------
    def help(self, query: str, lang: str, talk: Sequence[str]) -> Answer:
        """What the bot can do, after a greeting or "you are welcome" if that was said."""
        opener = (
            t(lang, "talk_thanks")
            if THANKS in talk
            else t(lang, "talk_greeting")
            if GREETING in talk
            else ""
        )
        body = t(lang, "talk_help", services=self._guides(lang))
        return Answer(
            query,
            ANSWER,
            lang,
            title=opener,
            body=body,
            topic=HELP_TOPIC,
            score=1.0,
        )

    def _guides(self, lang: str) -> str:
        """'41 инструкция' / '41 guides': how many service cards there are."""
        return tn(lang, "guides", len(self.kb.services()))

    def services_menu(self, query: str, lang: str) -> Answer:
        """Every category with how many cards it has; each offered as a button."""
        groups = [c for c in self.kb.categories if self.kb.services(c.id)]
        lines = [
            f"{i}. {c.title.get(lang)} ({len(self.kb.services(c.id))})"
            for i, c in enumerate(groups, 1)
        ]
        return Answer(
            query,
            ANSWER,
            lang,
            title=t(lang, "services_title"),
            body="\n".join([t(lang, "services_menu_intro"), *lines]),
            topic=SERVICES_TOPIC,
            score=1.0,
            suggestions=tuple(
                Suggestion(CATEGORY_PREFIX + c.id, c.title.get(lang)) for c in groups
            ),
        )

    def category(self, query: str, category: Category, lang: str) -> Answer:
        """The service cards of one category, each offered as a button."""
        cards = self.kb.services(category.id)
        return Answer(
            query,
            ANSWER,
            lang,
            title=category.title.get(lang),
            body="\n".join(
                [
                    t(lang, "category_intro"),
                    *(f"{i}. {e.title.get(lang)}" for i, e in enumerate(cards, 1)),
                ]
            ),
            topic=CATEGORY_PREFIX + category.id,
            score=1.0,
            suggestions=tuple(Suggestion(e.id, e.title.get(lang)) for e in cards),
        )

    def knows(self, topic: str) -> bool:
        """Whether `topic` is an entry, a category, the services menu or help."""
        if topic in (HELP_TOPIC, SERVICES_TOPIC):
            return True
        if topic.startswith(CATEGORY_PREFIX) and topic.removeprefix(CATEGORY_PREFIX) in (
            self.categories
        ):
            return True
        return self.kb.find(topic) is not None

    def topic(self, topic: str, lang: str, query: str = "") -> Answer | None:
        """The answer of a topic by its id (an entry, a category, the menu, help), or None."""
        if topic == HELP_TOPIC:
            return self.help(query, lang, ())
        if topic == SERVICES_TOPIC:
            return self.services_menu(query, lang)
        category = self.categories.get(topic.removeprefix(CATEGORY_PREFIX))
        if topic.startswith(CATEGORY_PREFIX) and category is not None:
            return self.category(query, category, lang)
        entry = self.kb.find(topic)
        if entry is None:
            return None
        return self.entry(query, entry, 1.0, Slots(), lang)

    def other_rating(self, query: str, lang: str, score: float) -> Answer:
        """A rating the knowledge base has no figures for: say which ratings it knows."""
        years = ", ".join(str(y.year) for y in self.kb.ratings)
        return Answer(
            query,
            NONE,
            lang,
            body=t(lang, "other_rating", years=years),
            score=round(min(score, 1.0), 3),
        )

    def none(self, query: str, lang: str, score: float) -> Answer:
        return Answer(query, NONE, lang, body=self.fallback(lang), score=round(min(score, 1.0), 3))

    def fallback(self, lang: str) -> str:
        """The honest \"I don't know\": what the bot can tell, where else to look. Built once
        a language: every refusal, and every long message's check for one, uses it."""
        if lang not in self._fallbacks:
            self._fallbacks[lang] = self._build_fallback(lang)
        return self._fallbacks[lang]

    def _build_fallback(self, lang: str) -> str:
        categories = ", ".join(c.title.get(lang).lower() for c in self.kb.categories)
        return "\n".join(
            [
                t(lang, "none_intro"),
                "",
                t(lang, "none_topics"),
                "• " + t(lang, "topic_rating"),
                "• " + t(lang, "topic_shares"),
                "• " + t(lang, "topic_monitoring"),
                "• "
                + t(lang, "topic_services", services=self._guides(lang), categories=categories),
                "",
                t(lang, "none_help"),
            ]
        )


def _service_sections(entry: Entry, lang: str) -> dict[str, str]:
    """Every section of a service card in one language, in the cards' order."""
    return {name: entry.sections[name].get(lang) for name in SERVICE_SECTIONS}

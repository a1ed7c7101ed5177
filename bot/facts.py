"""The press fact sheet: every key figure with its date and source, as small citable facts.

Used by /facts (text and CSV), `smolbot facts --csv` and inline mode. Built from the knowledge
base only: the ratings table, the dated figures and the monitoring's own numbers.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from bot.engine.model import SourceRef
from bot.engine.ratings import format_place
from bot.engine.render import citation, escape
from bot.engine.slots import DEFAULT_REGION
from bot.i18n import LANGUAGES, t
from bot.kb.model import Citation, KnowledgeBase, Source, Text


@dataclass(frozen=True, slots=True)
class Fact:
    id: str  # stable and short: an inline result id
    topic: str  # the knowledge-base entry it belongs to
    title: Text
    value: Text
    date: str
    year: int | None
    region: str | None
    source: Source
    citation: Citation


def citation_line(fact: Fact, lang: str) -> str:
    """The same ready-to-paste source line every chat answer ends with."""
    s = fact.source
    ref = SourceRef(s.title_in(lang), s.publisher_in(lang), s.url, fact.date, s.published)
    return f"{t(lang, 'source')}: {citation(ref, lang)}"


def build_facts(kb: KnowledgeBase) -> list[Fact]:
    facts: list[Fact] = []
    for year in kb.ratings:
        for placement in year.places:
            cite = (placement.sources or year.sources)[0]
            region = kb.regions[placement.region]
            own = placement.region == DEFAULT_REGION
            facts.append(
                Fact(
                    id=f"rank-{year.year}-{placement.region}",
                    topic="rating",
                    title=Text(
                        **{
                            lang: t(
                                lang,
                                "fact_rank_title",
                                region=region.name.get(lang),
                                year=year.year,
                            )
                            for lang in LANGUAGES
                        }
                    ),
                    value=Text(**{lang: format_place(placement, year, lang) for lang in LANGUAGES}),
                    date=str(year.year),
                    year=year.year,
                    region=None if own else placement.region,
                    source=kb.sources[cite.ref],
                    citation=cite,
                )
            )
    for figure in kb.figures:
        cite = figure.sources[0]
        # The entry that answers with this figure: same metric, and the figure's year if the
        # entry is about particular years (the 2017 and 2019 monitoring).
        entry = next(
            (
                e
                for e in kb.entries
                if figure.metric in e.metrics
                and (not e.years or figure.date[:4] in {str(y) for y in e.years})
            ),
            None,
        )
        facts.append(
            Fact(
                id=f"fig-{figure.id}"[:64],
                topic=entry.id if entry else figure.metric,
                title=entry.title if entry else Text(figure.metric, figure.metric),
                value=figure.text,
                date=figure.date,
                year=int(figure.date[:4]) if figure.date[:4].isdigit() else None,
                region=None,
                source=kb.sources[cite.ref],
                citation=cite,
            )
        )
    return facts


def key_facts(facts: list[Fact]) -> list[Fact]:
    """What a journalist most often needs: Smolensk's places and the headline figures."""
    return [f for f in facts if f.region is None]


def fact_html(fact: Fact, lang: str) -> str:
    """One fact as a message: title, the figure with its date, the citation line."""
    return (
        f"<b>{escape(fact.title.get(lang))}</b>\n{escape(fact.value.get(lang))}\n\n"
        f"<i>{escape(citation_line(fact, lang))}</i>"
    )


def sheet(facts: list[Fact], lang: str, html: bool = True) -> str:
    """The whole press sheet: Telegram HTML (the caller splits it), or plain text."""

    def esc(text: str) -> str:
        return escape(text) if html else text

    def tag(name: str, text: str) -> str:
        return f"<{name}>{text}</{name}>" if html else text

    lines = [tag("b", t(lang, "facts_heading"))]
    for fact in key_facts(facts):
        lines.append(
            f"• {esc(fact.title.get(lang))}: {esc(fact.value.get(lang))}"
            f"\n  {tag('i', esc(citation_line(fact, lang)))}"
        )
    return "\n\n".join(lines)


CSV_COLUMNS = (
    "id",
    "topic",
    "date",
    "title_ru",
    "value_ru",
    "title_en",
    "value_en",
    "source_publisher",
    "source_title",
    "source_url",
    "source_published",
)


def sheet_csv(facts: list[Fact]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for f in facts:
        writer.writerow(
            [
                f.id,
                f.topic,
                f.date,
                f.title.ru,
                f.value.ru,
                f.title.en,
                f.value.en,
                f.source.publisher,
                f.source.title,
                f.source.url or "",
                f.source.published or "",
            ]
        )
    return out.getvalue()

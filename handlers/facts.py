"""/rank [year|region] with charts, /share and /facts: figures straight from the knowledge base."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.conversation import MAX_CAPTION, Attachment, Reply
from bot.engine.model import ANSWER, CLARIFY, Answer
from bot.engine.render import escape
from bot.facts import Fact, key_facts, sheet, sheet_csv
from bot.i18n import DEFAULT_LANGUAGE, t
from bot.services import Services
from handlers.answers import send_answer
from handlers.turn import Turn


async def send_rank(turn: Turn, args: str) -> None:
    lang = await turn.language()
    answer = turn.services.engine.rating(args, lang)
    if answer is None:
        await turn.say(escape(t(lang, "rank_usage")))
        return
    await send_answer(turn, answer, f"/rank {args}".strip())


async def send_share(turn: Turn) -> None:
    answer = turn.services.engine.answer_topic("shares", await turn.language())
    await send_answer(turn, answer, "/share")


async def send_charts(turn: Turn) -> None:
    """The place by year, then the neighbours and leaders; the figures are in the captions."""
    charts = turn.services.charts
    if charts is None:
        return
    lang = await turn.language()
    for name, caption in (
        ("rank-by-year", charts.rank_caption(lang)),
        ("neighbours", charts.neighbours_caption(lang)),
    ):
        png = await charts.png(name, lang)
        picture = Attachment(png, f"{name}.png", "photo")
        await turn.say(Reply(escape(caption[:MAX_CAPTION]), file=picture))


async def rank(turn: Turn) -> None:
    args = turn.event.args
    if not args:
        await send_charts(turn)
    await send_rank(turn, args)


async def share(turn: Turn) -> None:
    await send_share(turn)


async def facts(turn: Turn) -> None:
    """/facts: the press sheet; /facts csv: the same as a CSV document."""
    lang = await turn.language()
    all_facts = turn.services.facts
    if turn.event.args.strip().lower() == "csv":
        data = sheet_csv(all_facts).encode("utf-8-sig")  # the BOM lets Excel read Cyrillic
        document = Attachment(data, "smolensk-eservices-facts.csv", "document")
        await turn.say(Reply(escape(t(lang, "facts_csv_caption")), file=document))
        return
    await turn.say(sheet(all_facts, lang))


_NUMBER_RE = re.compile(r"\d+")


@dataclass(frozen=True, slots=True)
class FactCards:
    """What a journalist's search finds: facts, best first, in `lang`; or, for a topic without
    figures (a service card), the engine's answer to show instead."""

    facts: list[Fact]
    lang: str
    answer: Answer | None


def find_facts(services: Services, text: str) -> FactCards:
    """The facts a search asks for (inline mode): the engine picks the topics, the slots the
    region and the year, and figures named in the query come first."""
    if not text.strip():
        return FactCards(key_facts(services.facts), DEFAULT_LANGUAGE, None)
    engine = services.engine
    answer = engine.ask(text)
    topics = [answer.topic] if answer.status == ANSWER else []
    if answer.status == CLARIFY:
        topics = [s.topic for s in answer.suggestions]
    slots = engine.slots.read(engine.normalizer.normalize(text).tokens)
    regions = [r for r in slots.regions if r != "smolensk"]
    found = [f for f in services.facts if f.topic in topics]
    if regions:
        found = [f for f in found if f.region in regions]
    elif "rating" in topics:
        found = [f for f in found if f.region is None]
    if slots.year:
        found = [f for f in found if f.year == slots.year] or found
    numbers = set(_NUMBER_RE.findall(text))
    found.sort(key=lambda f: -len(numbers & set(_NUMBER_RE.findall(f.value.ru + f.title.ru))))
    shown = answer if answer.status == ANSWER and answer.topic else None
    return FactCards(found, answer.lang, shown)

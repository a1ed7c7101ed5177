"""Inline mode: `@bot рейтинг` in any chat returns citable fact cards."""

from __future__ import annotations

import re

from telegram import InlineQueryResultArticle, InputTextMessageContent, Update
from telegram.constants import ParseMode
from telegram.ext import Application, InlineQueryHandler

from bot.app import Context
from bot.engine.model import ANSWER, CLARIFY, Answer
from bot.engine.render import render_html, split_message
from bot.facts import Fact, fact_html, key_facts
from handlers.common import services

MAX_RESULTS = 50
CACHE_SECONDS = 300
MAX_QUERY = 256
_NUMBER_RE = re.compile(r"\d+")


def matching_facts(context: Context, text: str) -> tuple[list[Fact], str, Answer | None]:
    """The facts a query asks for, best first, the language to show them in, and the
    engine's answer (None for an empty query)."""
    svc = services(context)
    facts = svc.facts
    if not text.strip():
        return key_facts(facts), "ru", None
    answer = svc.engine.ask(text)
    topics = [answer.topic] if answer.status == ANSWER else []
    if answer.status == CLARIFY:
        topics = [s.topic for s in answer.suggestions]
    slots = svc.engine.slots.read(svc.engine.normalizer.normalize(text).tokens)
    regions = [r for r in slots.regions if r != "smolensk"]
    found = [f for f in facts if f.topic in topics]
    if regions:
        found = [f for f in found if f.region in regions]
    elif "rating" in topics:
        found = [f for f in found if f.region is None]
    if slots.year:
        found = [f for f in found if f.year == slots.year] or found
    numbers = set(_NUMBER_RE.findall(text))
    found.sort(key=lambda f: -len(numbers & set(_NUMBER_RE.findall(f.value.ru + f.title.ru))))
    return found, answer.lang, answer


async def inline_query(update: Update, context: Context) -> None:
    query = update.inline_query
    if query is None:
        return
    text = query.query[:MAX_QUERY]
    facts, lang, answer = matching_facts(context, text)
    results: list[InlineQueryResultArticle] = [
        InlineQueryResultArticle(
            id=fact.id,
            title=fact.title.get(lang),
            description=f"{fact.value.get(lang)} ({fact.date})"[:200],
            input_message_content=InputTextMessageContent(
                fact_html(fact, lang), parse_mode=ParseMode.HTML
            ),
        )
        for fact in facts[:MAX_RESULTS]
    ]
    # A topic without figures (a service card): the answer itself, if there is one.
    if not results and answer is not None and answer.status == ANSWER and answer.topic:
        first = answer.body.split("\n\n", 1)[0]
        results.append(
            InlineQueryResultArticle(
                id=f"topic-{answer.topic}"[:64],
                title=answer.title,
                description=first[:200],
                input_message_content=InputTextMessageContent(
                    split_message(render_html(answer))[0], parse_mode=ParseMode.HTML
                ),
            )
        )
    await query.answer(results, cache_time=CACHE_SECONDS, is_personal=False)


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(InlineQueryHandler(inline_query))

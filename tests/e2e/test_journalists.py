"""Journalists' quick lookups: inline mode and the fact sheet, end to end."""

from __future__ import annotations

import csv
import io
from typing import Any

from tests.fake_bot_api import FakeBotApi, parse_html

JOURNALIST = FakeBotApi.user(501, "ru", "Пресса")


async def inline(bot: FakeBotApi, query: str) -> dict[str, Any]:
    query_id = await bot.push_inline(JOURNALIST, query)
    await bot.wait_for(lambda _: query_id in bot.inline_answers)
    return bot.inline_answers[query_id]


async def test_inline_queries_return_citable_fact_cards(bot: FakeBotApi) -> None:
    rating = await inline(bot, "рейтинг")
    titles = [r["title"] for r in rating["results"]]
    assert "Смоленская область: место в рейтинге электронных госуслуг, 2020" in titles
    card = rating["results"][0]["input_message_content"]["message_text"]
    assert "Источник:" in card and "данные за" in card
    assert 0 < rating["cache_time"] <= 3600

    bryansk = await inline(bot, "брянская")
    assert [r["title"] for r in bryansk["results"]] == [
        "Брянская область: место в рейтинге электронных госуслуг, 2019"
    ]
    assert "44-е место" in bryansk["results"][0]["description"]

    share = await inline(bot, "86%")
    assert "86%" in share["results"][0]["input_message_content"]["message_text"]

    english = await inline(bot, "share registered")
    assert (
        english["results"]
        and "Source:" in english["results"][0]["input_message_content"]["message_text"]
    )


async def test_inline_empty_nonsense_and_long_queries(bot: FakeBotApi) -> None:
    empty = await inline(bot, "")
    assert 3 <= len(empty["results"]) <= 50
    ids = [r["id"] for r in empty["results"]]
    assert len(set(ids)) == len(ids)
    assert (await inline(bot, "ывапролджэ qwerty zxcv"))["results"] == []
    long = await inline(bot, "рейтинг " * 40)  # Telegram's 256 characters and more
    assert long["results"]
    assert bot.refused == []


async def test_facts_sheet_and_csv(bot: FakeBotApi, kb) -> None:  # type: ignore[no-untyped-def]
    from bot.engine.render import split_message
    from bot.facts import build_facts, key_facts, sheet

    expected_parts = len(split_message(sheet(build_facts(kb), "ru")))
    await bot.push_text(JOURNALIST, "/facts")
    parts = await bot.wait_sent(JOURNALIST["id"], expected_parts)
    text = "\n\n".join(p.result["text"] for p in parts)
    assert "Ключевые цифры" in text and "4-е место (83,17 балла из 100)" in text and "86%" in text
    assert text.count("Источник:") == len(key_facts(build_facts(kb)))  # every figure cited
    assert len(bot.sent(JOURNALIST["id"])) == expected_parts
    await bot.push_text(JOURNALIST, "/facts csv")
    await bot.wait_for(lambda calls: any(c.method == "sendDocument" and c.ok for c in calls))
    document = next(c for c in bot.calls if c.method == "sendDocument")
    data = bot.files[document.result["message_id"]].decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(data)))
    assert document.result["document"]["file_name"].endswith(".csv")
    smolensk_2017 = next(r for r in rows if r["id"] == "rank-2017-smolensk")
    assert smolensk_2017["value_ru"] == "7-е место (67,08%)" and smolensk_2017[
        "source_url"
    ].startswith("http")
    assert all(r["date"] and r["source_publisher"] for r in rows)
    assert bot.refused == []


def test_every_fact_card_is_valid_telegram_html(kb) -> None:  # type: ignore[no-untyped-def]
    from bot.facts import build_facts, fact_html

    for fact in build_facts(kb):
        for lang in ("ru", "en"):
            assert parse_html(fact_html(fact, lang))

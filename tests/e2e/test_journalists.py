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


async def test_rank_sends_two_png_charts_with_the_figures_in_the_captions(bot: FakeBotApi) -> None:
    await bot.push_text(JOURNALIST, "/rank")
    await bot.wait_for(
        lambda calls: (
            sum(c.method == "sendPhoto" and c.ok for c in calls) == 2
            and any(c.method == "sendMessage" for c in calls)
        ),
        timeout=30,
    )
    photos = [c for c in bot.calls if c.method == "sendPhoto"]
    for photo in photos:
        png = bot.files[photo.result["message_id"]]
        assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 10_000
    assert "2020: 4-е место (83,17 балла из 100)" in photos[0].result["caption"]
    assert "Брянская область — 2019: 44-е место" in photos[1].result["caption"]
    text = bot.sent(JOURNALIST["id"])[-1].result["text"]
    assert "По годам" in text  # and the answer itself, with its sources and votes
    # Files go as multipart forms; everything else as url-encoded forms (PTB's HTTPXRequest).
    assert {c.content_type for c in photos} == {"multipart/form-data"}
    sent_types = {c.content_type for c in bot.sent(JOURNALIST["id"])}
    assert sent_types == {"application/x-www-form-urlencoded"}
    await bot.push_text(JOURNALIST, "/rank 2019")
    await bot.wait_sent(JOURNALIST["id"], 2)
    assert sum(c.method == "sendPhoto" for c in bot.calls) == 2  # a lookup gets no charts
    assert bot.refused == []


def test_charts_are_drawn_once_per_data_version(kb, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from bot.charts import Charts

    first = Charts(kb, tmp_path)
    png = first.rank_by_year("ru")
    cached = list(tmp_path.glob("rank-by-year-ru-*.png"))
    assert len(cached) == 1 and cached[0].read_bytes() == png
    again = Charts(kb, tmp_path)  # a restart: read from disk, not drawn
    cached[0].write_bytes(b"\x89PNG\r\n\x1a\nfrom-disk")
    assert again.rank_by_year("ru") == b"\x89PNG\r\n\x1a\nfrom-disk"

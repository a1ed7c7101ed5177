from __future__ import annotations

import pytest

from bot.engine.answer import MAX_SUGGESTIONS, Engine
from bot.engine.model import ANSWER, CLARIFY, NONE
from bot.engine.render import render_plain


def test_general_rank_question_gives_latest_result_and_change(engine: Engine) -> None:
    answer = engine.ask("какое место занимает Смоленская область в рейтинге")
    assert answer.status == ANSWER
    assert "2020" in answer.body and "4-е место" in answer.body and "83,17" in answer.body
    assert "2017: 7-е место" in answer.body and "2019: 10-е место" in answer.body
    assert "поднялась на 6 позиций" in answer.body
    assert "2018" in answer.body  # the gap is said, not hidden


def test_region_lookup(engine: Engine) -> None:
    body = engine.ask("Калужская").body
    assert "Калужская область" in body and "2019: 23-е место" in body
    assert "Брянская область" in engine.ask("а брянская?").body
    assert "44-е место" in engine.ask("брянская 2019").body


def test_year_lookup(engine: Engine) -> None:
    answer = engine.ask("в 2017 году")
    assert answer.topic == "rating"
    assert "Смоленская область — 7-е место" in answer.body and "67,08%" in answer.body
    assert "Тверская область: 85-е место" in answer.body


def test_year_without_data_is_said_honestly(engine: Engine) -> None:
    body = engine.ask("место в рейтинге в 2018 году").body
    assert "2018" in body and "нет" in body
    assert "2017, 2019, 2020" in body


def test_region_without_data_is_said_honestly(engine: Engine) -> None:
    answer = engine.ask("курская область место в рейтинге")
    assert answer.status == ANSWER and "нет" in answer.body
    assert "Курск" not in answer.body  # no invented place


def test_who_was_first(engine: Engine) -> None:
    body = engine.ask("кто был первым").body
    assert "1-е место (87,81 балла из 100) — Москва" in body
    assert "порядок в источнике не указан" in body  # 2019 gives no order


def test_english_in_english_out(engine: Engine) -> None:
    answer = engine.ask("what place did smolensk take in the rating")
    assert answer.lang == "en" and answer.status == ANSWER
    assert "4th place" in answer.body and "83.17 points" in answer.body
    card = engine.ask("how long does it take to get a hunting licence")
    assert card.lang == "en" and "working days" in card.body  # the time limit asked for


def test_answers_cite_sources_with_dates(engine: Engine) -> None:
    for query in ("регистрация брака", "86%", "кто составляет рейтинг", "рейтинг 2020"):
        answer = engine.ask(query)
        assert answer.status == ANSWER, query
        assert answer.sources, query
        assert all(s.date and s.title for s in answer.sources), query
        assert "Источник" in render_plain(answer)


def test_service_card_has_every_section(engine: Engine) -> None:
    answer = engine.ask("замена паспорта в 45 лет")
    assert answer.topic == "passport-replacement"
    assert set(answer.sections) == {
        "summary",
        "steps",
        "documents",
        "fee",
        "time_limit",
        "in_person",
    }
    assert "300 ₽" in answer.sections["fee"] and "333.33" in answer.sections["fee"]
    assert answer.portal == "https://www.gosuslugi.ru"


def test_clarify_offers_at_most_three_titles(engine: Engine) -> None:
    answer = engine.ask("паспорт")
    assert answer.status == CLARIFY
    assert 2 <= len(answer.suggestions) <= MAX_SUGGESTIONS
    topics = {s.topic for s in answer.suggestions}
    assert {"passport-replacement", "foreign-passport"} <= topics
    assert all(s.title for s in answer.suggestions)


def test_picking_a_suggestion_answers_it(engine: Engine) -> None:
    picked = engine.answer_topic("foreign-passport", "ru")
    assert picked.status == ANSWER and picked.topic == "foreign-passport"
    # The first screen is the summary and the steps; the fee waits behind its button.
    assert "fee" in picked.follow_ups and "6000 ₽" in picked.sections["fee"]


def test_none_says_what_the_bot_knows(engine: Engine) -> None:
    answer = engine.ask("как приготовить борщ")
    assert answer.status == NONE and answer.topic is None
    assert "рейтинг" in answer.body and "МФЦ" in answer.body and "gosuslugi.ru" in answer.body
    services = len(engine.kb.services())
    assert f"{services} инструкц" in answer.body and "семья и дети" in answer.body
    assert engine.ask("how to cook pasta").body.startswith("Sorry")


@pytest.mark.parametrize(
    "hostile",
    [
        "",
        "   ",
        "\x00\x01\x02",
        "а" * 5000,
        "<b>паспорт</b>",
        "'; DROP TABLE questions; --",
        "🙂🙂🙂",
        "\u202eпаспорт",
        "2017" * 500,
        "%%%%",
        "ёЁёЁ",
        "\n\n\n",
    ],
)
def test_hostile_input_gets_an_answer_not_an_exception(engine: Engine, hostile: str) -> None:
    answer = engine.ask(hostile)
    assert answer.status in (ANSWER, CLARIFY, NONE)
    assert render_plain(answer)

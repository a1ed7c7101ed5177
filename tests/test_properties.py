"""Property-based: whatever text arrives, the engine answers, and the HTML is Telegram-valid."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.engine.answer import Engine
from bot.engine.model import ANSWER, CLARIFY, NONE
from bot.engine.render import render_html, render_plain, split_message
from tests.fake_bot_api import parse_html, utf16_len

TEXT = st.text(max_size=10_000)
# Text that looks like questions: Cyrillic, Latin, digits, punctuation, HTML-ish characters.
QUESTIONS = st.text(
    alphabet=st.sampled_from(
        list("абвгдеёжзийклмнопрстуфхцчшщъыьэюя ABCXYZabcxyz0123456789 <>&\"'%?!.,;:-\n\t")
    ),
    max_size=300,
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=TEXT)
def test_any_unicode_gets_an_answer_with_valid_html(engine: Engine, text: str) -> None:
    check(engine, text)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=QUESTIONS)
def test_question_like_text_gets_an_answer_with_valid_html(engine: Engine, text: str) -> None:
    check(engine, text)


def check(engine: Engine, text: str) -> None:
    answer = engine.ask(text)
    assert answer.status in (ANSWER, CLARIFY, NONE)
    # A clarify offers at most three titles; a menu (a category's cards) may list more.
    assert answer.status != CLARIFY or 2 <= len(answer.suggestions) <= 3
    assert answer.status != ANSWER or answer.topic
    assert render_plain(answer)
    for part in split_message(render_html(answer)):
        assert utf16_len(part) <= 4096
        parse_html(part)  # raises as Telegram would on bad HTML

from __future__ import annotations

from html.parser import HTMLParser

from bot.engine.model import Answer, SourceRef
from bot.engine.render import render_html, render_plain

ALLOWED_TAGS = {"b", "i", "a", "blockquote"}


class TagChecker(HTMLParser):
    """Fails on any tag Telegram's HTML mode would refuse or that is left open."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        assert tag in ALLOWED_TAGS, tag
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack.pop() == tag, tag


def check_html(text: str) -> None:
    checker = TagChecker()
    checker.feed(text)
    checker.close()
    assert checker.stack == []


def test_html_escapes_every_string() -> None:
    evil = '<script>alert("x")</script> & <b>'
    answer = Answer(
        query=evil,
        status="answer",
        lang="ru",
        title=evil,
        body=evil,
        topic="t",
        sources=(SourceRef(evil, evil, 'https://example.org/?a=1&b="2"', evil),),
    )
    html = render_html(answer)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="https://example.org/?a=1&amp;b=&quot;2&quot;"' in html
    check_html(html)


def test_real_answers_are_valid_telegram_html(engine) -> None:  # type: ignore[no-untyped-def]
    for query in ("рейтинг", "регистрация брака", "паспорт", "борщ", "2017", "кто первый", "86%"):
        check_html(render_html(engine.ask(query)))


def test_plain_text_lists_sources_with_dates(engine) -> None:  # type: ignore[no-untyped-def]
    text = render_plain(engine.ask("Калужская"))
    assert "Источник" in text and "balthazarkorab.com, 2019 — https://" in text


def test_sources_fold_into_an_expandable_quote_of_short_links(engine) -> None:  # type: ignore[no-untyped-def]
    from tests.fake_bot_api import parse_html

    html = render_html(engine.ask("какое место заняла смоленская область в рейтинге"))
    quote = html.split("<blockquote expandable>")[1]
    assert quote.endswith("</blockquote>") and "http" not in parse_html(html)
    assert '<a href="http://nesluhi.info/' in quote and ">nesluhi.info, 2020</a>" in quote
    assert "данные за" not in html  # the full citation lines are for /facts and inline cards


def test_long_answers_are_split_at_paragraphs_within_telegrams_limit() -> None:
    from bot.engine.render import split_message
    from tests.fake_bot_api import parse_html, utf16_len

    paragraphs = [f"<b>Раздел {i}</b>\n" + "Текст &amp; ещё текст 🙂 " * 40 for i in range(40)]
    parts = split_message("\n\n".join(paragraphs))
    assert len(parts) > 1
    for part in parts:
        assert utf16_len(part) <= 4096
        parse_html(part)  # each part is valid HTML on its own
    assert "".join(parts).count("Раздел") == 40


def test_an_over_long_line_is_cut_without_breaking_entities() -> None:
    from bot.engine.render import split_message
    from tests.fake_bot_api import parse_html

    line = "&amp;" * 3000  # one line, no spaces, entities everywhere
    parts = split_message(line)
    assert all(len(p) <= 4096 for p in parts)
    assert "".join(parse_html(p) for p in parts) == "&" * 3000


def test_callback_data_over_64_bytes_is_refused_before_telegram_sees_it() -> None:
    import pytest

    from bot.conversation import payload as callback

    assert (
        callback("x", "vehicle-registration", "time_limit") == "x:vehicle-registration:time_limit"
    )
    with pytest.raises(ValueError, match="over 64 bytes"):
        callback("t", "я" * 40)


def test_every_first_screen_fits_a_phone(engine) -> None:  # type: ignore[no-untyped-def]
    """Issue 12 C: at most ~1,200 visible characters for a card, ~900 for anything else,
    the sources folded away; the rest of a card is behind its buttons."""
    from tests.fake_bot_api import parse_html

    def visible(html: str) -> int:
        return len(parse_html(html.split("<blockquote expandable>")[0]))

    questions = ["рейтинг 2017", "рейтинг 2019", "лидеры", "соседи", "кто последний", "услуги"]
    for lang in ("ru", "en"):
        answers = [engine.answer_topic(e.id, lang) for e in engine.kb.entries]
        answers += [engine.ask(q, lang=lang) for q in questions]
        for answer in answers:
            limit = 1200 if answer.sections and "fee" in answer.sections else 900
            assert visible(render_html(answer)) <= limit, (answer.topic, lang)

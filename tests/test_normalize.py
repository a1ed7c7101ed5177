from __future__ import annotations

import pytest

from bot.engine.answer import Engine


def tokens(engine: Engine, text: str) -> tuple[str, ...]:
    return engine.normalizer.normalize(text).tokens


def test_case_yo_and_punctuation_are_ignored(engine: Engine) -> None:
    assert tokens(engine, "РЕБЁНКА!!!") == tokens(engine, "ребенка")


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("gfcgjhn", "паспорт"),  # Russian typed with the English layout
        ("htqnbyu", "рейтинг"),
        (",hfr", "брак"),  # punctuation keys are letters in the other layout
        ("кфештп", "rating"),  # English typed with the Russian layout
    ],
)
def test_wrong_keyboard_layout_is_tried(engine: Engine, typed: str, meant: str) -> None:
    norm = engine.normalizer.normalize(typed)
    assert norm.tokens == tokens(engine, meant)
    assert norm.layout_fixed is True


def test_unknown_text_is_left_in_its_layout(engine: Engine) -> None:
    # "ыуфкср" is "search" in the other layout: not a word the knowledge base knows.
    assert engine.normalizer.normalize("ыуфкср").layout_fixed is False


def test_a_russian_word_the_knowledge_base_lacks_stays_russian(engine: Engine) -> None:
    # "свежую" in the other layout is "cdt;e.": two Latin non-words, not a better reading.
    norm = engine.normalizer.normalize("свежую выписку")
    assert norm.layout_fixed is False
    assert norm.tokens[0].startswith("свеж")


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("zapis", "запись"),  # a soft sign at the end, not typed
        ("snyat", "снять"),  # the reading the knowledge base uses ("снять"), not "снят"
    ],
)
def test_a_latin_word_is_read_the_way_the_knowledge_base_uses_it(
    engine: Engine, typed: str, meant: str
) -> None:
    assert meant in tokens(engine, f"{typed} cherez gosuslugi")


def test_word_forms_reduce_to_one_lemma(engine: Engine) -> None:
    forms = ["паспорт", "паспорта", "паспортом", "паспортов"]
    assert len({tokens(engine, f) for f in forms}) == 1
    assert tokens(engine, "детей") == tokens(engine, "ребенок")


@pytest.mark.parametrize(
    ("variant", "concept"),
    [
        ("ЕПГУ", "госуслуга"),
        ("гос услуги", "госуслуга"),
        ("госуслугах", "госуслуга"),
        ("охотбилет", "охотбилет"),
        ("охотничьего билета", "охотбилет"),
        ("hunting licence", "охотбилет"),
        ("загран", "загранпаспорт"),
        ("сколько стоит", "пошлина"),
        ("МФЦ", "мфц"),
        ("ГАИ", "гибдд"),
    ],
)
def test_synonyms_and_abbreviations_map_to_one_concept(
    engine: Engine, variant: str, concept: str
) -> None:
    assert concept in tokens(engine, variant)


def test_typos_are_corrected_towards_known_words(engine: Engine) -> None:
    norm = engine.normalizer.normalize("регистрацыя пасспорта")
    assert "регистрация" in norm.tokens
    assert "паспорт" in norm.tokens
    assert norm.corrected


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("к вачу", "врач"),  # a letter missing from a short word: its stem is three letters
        ("детское пасобие", "пособие"),  # the word as typed is nearer than its stem
        ("эликтронный дневник", "электронный"),
    ],
)
def test_typos_of_short_and_inflected_words(engine: Engine, typed: str, meant: str) -> None:
    assert meant in tokens(engine, typed)


def test_real_words_are_not_taken_for_typos(engine: Engine) -> None:
    # "продать" is one letter from "подать", but it is a word of its own.
    assert "подать" not in tokens(engine, "продать квартиру")


def test_language_is_detected(engine: Engine) -> None:
    assert engine.normalizer.normalize("how much is a passport").lang == "en"
    assert engine.normalizer.normalize("сколько стоит паспорт").lang == "ru"
    assert engine.normalizer.normalize("gfcgjhn").lang == "ru"


def test_long_input_is_cut_before_matching(engine: Engine) -> None:
    norm = engine.normalizer.normalize("паспорт " * 2000)
    assert len(norm.tokens) < 200


def test_stopwords_do_not_swallow_concepts(engine: Engine) -> None:
    """A stopword that lemmatises into a concept would silently delete that concept."""
    n = engine.normalizer
    concepts = set(n.synonyms.values())
    # Deliberately ignored: "регион"/"область", "впервые" and "с человека" however it is said.
    assert n.stopwords & concepts == {"область", "впервые", "за_человека"}


def test_no_region_name_reads_as_a_concept(engine: Engine) -> None:
    # "мск" is Moscow: were it also a synonym ("МСК" for maternity capital), every phrasing
    # with that concept would lose it as a region name.
    from bot.engine.lexicon import SYNONYMS

    concepts = set(SYNONYMS) - {"область"}
    for region in engine.kb.regions.values():
        for alias in (*region.aliases, region.name.ru, region.name.en):
            assert not concepts & set(tokens(engine, alias)), alias


def test_a_noun_that_may_be_a_thing_is_not_a_person_setting_the_scene(engine: Engine) -> None:
    assert "счетчик" not in engine.normalizer.normalize("показания счетчика").context  # a meter
    assert "бабушка" in engine.normalizer.normalize("бабушка не может войти").context

"""The eleven ways residents' questions went wrong (issue 12), each with phrasings of our own."""

from __future__ import annotations

import pytest

from bench.labelled import HOLDOUT_SETS, TUNING_SET, load_cases
from bot.engine.answer import Engine
from bot.engine.compose import HELP_TOPIC
from bot.engine.model import ANSWER, CLARIFY, NONE
from bot.i18n import tn


def answered(engine: Engine, query: str) -> str | None:
    answer = engine.ask(query)
    return answer.topic if answer.status == ANSWER else None


# 1. One unfamiliar word must cost a little, not veto a clear question.
@pytest.mark.parametrize(
    ("query", "topic"),
    [
        ("я пенсионерка, как мне записаться к терапевту через компьютер", "doctor-appointment"),
        ("внучок поставил госуслуги, как подтвердить учетную запись", "gosuslugi-account"),
        (
            "меня сократили на заводе, как встать на учет как безработный и какое пособие положено",
            "unemployment",
        ),
    ],
)
def test_an_unknown_word_does_not_sink_a_clear_question(
    engine: Engine, query: str, topic: str
) -> None:
    assert answered(engine, query) == topic


@pytest.mark.parametrize(
    ("query", "topic"),
    [
        ("на работу просят инн где его получить", "inn"),
        ("в банке сказали нужен снилс, как его сделать", "snils"),
        ("сколько стоит прописка в доме", "residence-registration"),
    ],
)
def test_where_a_story_happens_weighs_less_than_what_it_asks(
    engine: Engine, query: str, topic: str
) -> None:
    assert answered(engine, query) == topic


def test_a_story_is_answered_by_the_thing_it_names(engine: Engine) -> None:
    story = (
        "Дочку берут в лагерь вожатой, начальник лагеря требует справку о несудимости, "
        "мы раньше такую не брали. Как получить?"
    )
    assert answered(engine, story) == "criminal-record-certificate"


@pytest.mark.parametrize(
    "query",
    [
        "подскажите какая пенсия у стариков в Германии, брат туда переехал давно",
        "развели меня по телефону на деньги, звонили якобы из банка, что теперь делать",
    ],
)
def test_a_story_abroad_or_a_verb_of_another_sense_is_not_rescued(
    engine: Engine, query: str
) -> None:
    assert engine.ask(query).status == NONE


@pytest.mark.parametrize(
    ("query", "topic"),
    [
        ("учительница говорит, что оценки теперь только в электронке, где их смотреть", "e-diary"),
        ("хочу проверить все записи в трудовой за последние годы, где глянуть", "work-record"),
    ],
)
def test_a_word_means_what_the_words_beside_it_say(engine: Engine, query: str, topic: str) -> None:
    assert answered(engine, query) == topic


def test_a_long_message_is_answered_by_the_sentence_that_asks(engine: Engine) -> None:
    story = (
        "Живу в деревне под Велижем, сосед на тракторе возит в райцентр по вторникам, "
        "зимой дороги не чистят. Как поменять водительские права, если срок кончается?"
    )
    assert answered(engine, story) == "driving-licence"
    # A clause that is only a year, or only the scene, answers nothing.
    for query in ("лучший фильм, 2019", "рецепт пирога, мне 72 года", "погода, привет"):
        assert engine.ask(query).status == NONE, query


@pytest.mark.parametrize(
    ("query", "topic"),
    [
        (
            "Загранпаспорт у меня уже есть, а вот к врачу как записаться онлайн?",
            "doctor-appointment",
        ),
        ("Про рейтинг я всё знаю. А сколько смолян зарегистрированы на госуслугах?", "shares"),
        ("права я уже поменял, теперь вопрос про штрафы гибдд: где их проверить", "traffic-fines"),
        (
            "Ушла на пенсию в марте, пенсию назначили. Теперь хочу узнать про выписку "
            "из электронной трудовой книжки",
            "work-record",
        ),
        ("паспорт я поменяла, а как поменять снилс", "snils"),  # done: a verb in the past
    ],
)
def test_what_is_already_done_is_not_what_is_asked(engine: Engine, query: str, topic: str) -> None:
    assert answered(engine, query) == topic


def test_a_question_that_points_back_is_not_asked_alone(engine: Engine) -> None:
    # "туда" is the 2019 monitoring: the part after "а" is not a question about divorce.
    assert answered(engine, "в 2019 проверяли тысячи услуг, а развод туда входил?") != "divorce"


def test_our_place_asked_with_any_verb(engine: Engine) -> None:
    assert answered(engine, "на каком месте оказалась наша область") == "rating"


def test_an_unknown_noun_still_makes_an_off_topic_question_off_topic(engine: Engine) -> None:
    for query in ("лучший фильм 2019", "как приготовить борщ", "рецепт блинов на молоке"):
        assert engine.ask(query).status == NONE, query


def test_only_common_adjectives_and_verbs_in_common_is_off_topic(engine: Engine) -> None:
    # An entry may say "новый" or "быстро"; a question with nothing else names no subject.
    for query in ("что нового у вас", "ну что есть новое?"):
        assert engine.ask(query).status == NONE, query
    assert answered(engine, "кто был первым в 2019") == "rating-leaders"  # a place, not a word


@pytest.mark.parametrize(
    ("query", "topic"),
    [("what is my taxpayer id", "inn"), ("gosuslugi account protection", "account-security")],
)
def test_english_names_of_a_service(engine: Engine, query: str, topic: str) -> None:
    assert answered(engine, query) == topic


# What residents call services and papers: abbreviations, slang, everyday names.
@pytest.mark.parametrize(
    ("query", "topic"),
    [
        ("хэлп", HELP_TOPIC),
        ("этк как получить", "work-record"),
        ("номер в пенсионном фонде потеряла", "snils"),
        ("что такое рпгу", "regional-portal"),
        ("пп номер 236", "decree-236"),
        ("травмат как купить", "firearms-licence"),
        ("мат капитал на ипотеку", "maternity-capital"),
        ("справку из полиции для работы как получить", "criminal-record-certificate"),
        ("первоклашек когда записывают", "school-enrolment"),
        ("заслуженный отдых когда положен", "old-age-pension"),
        ("во сколько обойдется развод", "divorce"),  # costs, not overtakes
        ("можно ли записаться к окулисту не выходя из дома", "doctor-appointment"),
        ("свид-во о смерти где получить", "death-registration"),
        ("какие вопросы можно задать боту?", HELP_TOPIC),
        ("проигрываем ли мы калужской по госуслугам", "rating"),
        ("kak oformit pensiju po starosti", "old-age-pension"),  # "ju" of "-ию"
    ],
)
def test_everyday_names_of_services(engine: Engine, query: str, topic: str) -> None:
    assert answered(engine, query) == topic


def test_a_childs_marks_are_the_school_diary_not_the_monitoring(engine: Engine) -> None:
    assert answered(engine, "как глянуть оценки дочки") == "e-diary"
    assert answered(engine, "по каким критериям шла оценка услуг в мониторинге 2019") == (
        "monitoring-2019"
    )


def test_only_a_scene_word_in_common_is_off_topic(engine: Engine) -> None:
    # The MFC card gives the MFC's phone; mending a phone is not about it.
    assert engine.ask("где починить телефон").status == NONE
    assert answered(engine, "телефон мфц в вязьме") == "mfc"


# 2. Russian typed in Latin letters.
@pytest.mark.parametrize(
    ("query", "topic"),
    [
        ("reiting smolenskoi oblasti v 2019", "rating"),
        ("kak oformit zagranpasport", "foreign-passport"),
        ("skolko stoit razvod", "divorce"),
        ("mesto smolenskoj oblasti v rejtinge", "rating"),
        ("a ty chto voobshche mozhesh, chto umeesh", HELP_TOPIC),  # "-шь" typed without "ь"
    ],
)
def test_russian_typed_in_latin_letters(engine: Engine, query: str, topic: str) -> None:
    answer = engine.ask(query)
    assert (answer.status, answer.topic, answer.lang) == (ANSWER, topic, "ru")


def test_the_regions_own_portal_is_the_regional_portal(engine: Engine) -> None:
    assert answered(engine, "а у смоленщины собственный портал услуг есть, не федеральный?") == (
        "regional-portal"
    )


def test_a_russian_word_the_dictionary_lacks_is_read_in_latin_letters_too(engine: Engine) -> None:
    # "минцифры" is no dictionary word; its stem is one the knowledge base knows.
    assert answered(engine, "where is Smolensk in the mincifry ratings") == "digital-ratings"


def test_english_stays_english(engine: Engine) -> None:
    answer = engine.ask("how do I renew my passport")
    assert answer.lang == "en" and answer.topic == "passport-replacement"
    assert not engine.normalizer.normalize("how do I renew my passport").transliterated


# 3. Claims to check: the year and the place named, true or false.
@pytest.mark.parametrize(
    ("query", "verdict"),
    [
        ("Правда ли, что в 2017 году мы были седьмыми?", "Да, верно: в 2017 году"),
        ("говорят, в 2019 область была десятой, так?", "Да, верно: в 2019 году"),
        ("это правда, что мы на 2 месте?", "Нет: в 2020 году Смоленская область — 4-е место"),
        ("правда что мы были на 7 месте?", "Так было в 2017 году"),
        ("мы в 2019 году были в десятке?", "Да, верно: в 2019 году"),
        ("область в 2021 году вылетела из десятки?", "Проверить нельзя: места за 2021 год"),
        ("is it true Smolensk was 5th in 2020?", "No: in 2020 Smolensk oblast took 4th place"),
        # A claim told as a story, the region named as people call it, "who of us" not "who".
        ("Смоленщина в 2019 попала в десятку по электронным услугам, не врут?", "Да, верно"),
        ("краем уха слышала, что мы седьмые по эл услугам за 2017. так?", "Да, верно"),
        ("по итогам 2020 года область вошла в первую пятёрку?", "Да, верно"),
        (
            "Поспорили с соседом полдня. Он уверяет, что в 2020 наша область в рейтинге "
            "госуслуг была на 12-м месте, я говорю что выше. Кто из нас прав?",
            "Нет: в 2020 году Смоленская область — 4-е место",
        ),
    ],
)
def test_a_claimed_place_is_confirmed_or_corrected(
    engine: Engine, query: str, verdict: str
) -> None:
    answer = engine.ask(query)
    assert answer.status == ANSWER and answer.topic == "rating", query
    assert answer.body.startswith(verdict), answer.body


def test_an_ordinal_before_another_noun_is_not_a_place(engine: Engine) -> None:
    assert answered(engine, "материнский капитал на второго ребенка сколько") == (
        "maternity-capital"
    )
    assert answered(engine, "our son starts first grade in Smolensk, how to apply") == (
        "school-enrolment"
    )


def test_a_date_is_not_a_place_but_a_feminine_ordinal_is() -> None:
    from bot.engine.intents import claimed_place

    assert claimed_place(("мы", "на", "5", "ой", "позиция"), frozenset()) is not None
    assert claimed_place(("оплатить", "до", "10", "го", "число"), frozenset()) is None


# 4. Comparisons with a neighbour: both places, for the year asked or the latest with both.
@pytest.mark.parametrize(
    "query",
    ["Брянская нас обогнала?", "мы лучше Брянской?", "кто выше, мы или брянская область"],
)
def test_a_comparison_gives_both_places(engine: Engine, query: str) -> None:
    answer = engine.ask(query)
    assert answer.topic == "rating"
    assert answer.body.startswith(
        "В 2019 году: Смоленская область — 10-е место, Брянская область — 44-е место. "
        "Смоленская область выше на 34 места."
    )


def test_a_comparison_for_a_year_without_both_says_so(engine: Engine) -> None:
    answer = engine.ask("калужская обогнала нас в 2020?")
    assert answer.topic == "rating" and "нет года" in answer.body


# 5. Small talk and help: what the bot can do, status answer, topic help.
@pytest.mark.parametrize(
    "query", ["привет", "добрый день", "спасибо", "help", "что ты умеешь", "помощь", "меню"]
)
def test_small_talk_gets_what_the_bot_can_do(engine: Engine, query: str) -> None:
    answer = engine.ask(query)
    assert (answer.status, answer.topic) == (ANSWER, HELP_TOPIC)
    assert f"{len(engine.kb.services())} инструкц" in answer.body or "guides" in answer.body


def test_a_long_message_that_asks_what_the_bot_can_do_gets_help(engine: Engine) -> None:
    story = (
        "Добрый день. Внук установил мне на телефон этот бот, а я в технике плохо понимаю. "
        "Скажите, что вы умеете?"
    )
    assert (engine.ask(story).status, engine.ask(story).topic) == (ANSWER, HELP_TOPIC)


@pytest.mark.parametrize(
    ("n", "ru", "en"),
    [
        (1, "1 инструкция", "1 guide"),
        (3, "3 инструкции", "3 guides"),
        (11, "11 инструкций", "11 guides"),
        (41, "41 инструкция", "41 guides"),
        (112, "112 инструкций", "112 guides"),
    ],
)
def test_counts_agree_with_their_number(n: int, ru: str, en: str) -> None:
    assert tn("ru", "guides", n) == ru
    assert tn("en", "guides", n) == en


def test_a_greeting_before_a_question_answers_the_question(engine: Engine) -> None:
    assert answered(engine, "Здравствуйте! Как оформить загранпаспорт?") == "foreign-passport"


# 6. A clarifying question never offers a single title.
def test_a_clarify_offers_at_least_two_titles(engine: Engine) -> None:
    for path in (TUNING_SET, *HOLDOUT_SETS):
        for case in load_cases(path):
            answer = engine.ask(case.query)
            assert answer.status != CLARIFY or len(answer.suggestions) >= 2, case.query


# 7. Other ratings are not the e-services rating.
@pytest.mark.parametrize(
    "query",
    [
        "Какое место в рейтинге качества жизни",
        "рейтинг инвестиционной привлекательности смоленской области",
        "рейтинг лучших фильмов 2019",
        "Внук учится на экономиста. Он спросил, какое у нас место в рейтинге качества жизни",
        "смоленская область в экологическом рейтинге на каком месте",
    ],
)
def test_another_rating_is_named_as_unknown(engine: Engine, query: str) -> None:
    answer = engine.ask(query)
    assert answer.status == NONE and "Про этот рейтинг у меня проверенных данных нет" in (
        answer.body
    )


@pytest.mark.parametrize(
    "query",
    ["what is the best restaurant ranking in smolensk", "лучшие кафе смоленска", "the best phone"],
)
def test_the_best_of_something_else_is_not_the_leaders(engine: Engine, query: str) -> None:
    assert engine.ask(query).status == NONE


@pytest.mark.parametrize("query", ["какое место у нас в свежем рейтинге", "мы в прошлом рейтинге"])
def test_an_adjective_that_says_when_is_still_our_rating(engine: Engine, query: str) -> None:
    assert answered(engine, query) == "rating"


def test_a_mistyped_english_word_beside_a_rating_is_not_another_thing(engine: Engine) -> None:
    query = "which regions lead the e-goverment services rating"
    assert answered(engine, query) == "rating-leaders"


def test_the_digital_transformation_rating_is_one_the_bot_knows(engine: Engine) -> None:
    assert answered(engine, "место в рейтинге цифровой трансформации") == "digital-ratings"


def test_a_place_claimed_in_a_newer_rating_is_checked_there(engine: Engine) -> None:
    query = "мы на 22 месте в рейтинге ПОС?"
    assert answered(engine, query) == "digital-ratings"


# 8. Numbers that are not years.
@pytest.mark.parametrize(
    "query",
    [
        "сколько людей старше 14 лет зарегистрированы на госуслугах",
        "мне 72 года, как подтвердить учетную запись",
        "штраф 2000 рублей как оплатить",
    ],
)
def test_ages_and_amounts_are_not_years(engine: Engine, query: str) -> None:
    tokens = engine.normalizer.normalize(query).tokens
    assert engine.slots.read(tokens).year is None


@pytest.mark.parametrize(("query", "year"), [("а в 19м году?", 2019), ("в 17-м году", 2017)])
def test_a_two_digit_year_written_as_an_ordinal(engine: Engine, query: str, year: int) -> None:
    tokens = engine.normalizer.normalize(query).tokens
    assert engine.slots.read(tokens).year == year


def test_the_registration_figure_leads_with_the_share_not_the_2014_count(
    engine: Engine,
) -> None:
    body = engine.ask("сколько людей старше 14 лет зарегистрированы на госуслугах").body
    assert body.index("86%") < body.index("22 000")


# 9. Colloquial spellings and abbreviations.
@pytest.mark.parametrize(
    ("query", "topic"),
    [
        ("скока стоит загран", "foreign-passport"),
        ("чё по рейтингу щас", "rating"),
        ("плиз подскажи как записаться к врачу", "doctor-appointment"),
        ("гос.услуги регистрация", "gosuslugi-account"),
        ("рейтинг МЭР 2017", "rating"),
        ("какое место у нас в рейтинге МЭРТ", "rating"),
        ("где взять инн", "inn"),  # the taxpayer number, not the name Инна
    ],
)
def test_chat_spellings_and_abbreviations(engine: Engine, query: str, topic: str) -> None:
    assert answered(engine, query) == topic


@pytest.mark.parametrize(
    ("query", "topic"),
    [
        ("а мфц вообще чем занимаются?", "mfc"),
        ("кто у нас в области занимается электронными услугами", "digital-department"),
    ],
)
def test_what_something_does_is_not_who_is_in_charge(
    engine: Engine, query: str, topic: str
) -> None:
    assert answered(engine, query) == topic


def test_how_long_it_takes_is_not_who_is_in_charge(engine: Engine) -> None:
    tokens = engine.normalizer.normalize("сколько это займет по времени").tokens
    assert "срок" in tokens and "отвечать" not in tokens


def test_a_mayor_is_not_the_ministry_outside_the_rating(engine: Engine) -> None:
    tokens = engine.normalizer.normalize("мэр смоленска").tokens
    assert "минэкономразвития" not in tokens


# 10. The leaders of 2019: the nine without order, and Smolensk 10th.
def test_the_top_ten_of_2019(engine: Engine) -> None:
    answer = engine.ask("кто в десятке лучших в 2019")
    assert answer.topic == "rating-leaders"
    assert "места 1–9 (порядок в источнике не указан)" in answer.body
    assert "10-е место — Смоленская область" in answer.body
    assert "2020" not in answer.body


# What a rating question does picks the rating entry, whatever words it shares with others.
@pytest.mark.parametrize(
    ("query", "topic"),
    [
        ("а кто вообще делает этот рейтинг по госуслугам", "monitoring-who"),
        ("когда минэкономразвития публикует итоги рейтинга", "monitoring-who"),
        ("who runs this e-services ranking", "monitoring-who"),
        ("в какой месяц выходят итоги рейтинга электронных услуг", "monitoring-who"),
        ("рейтинг электронных услуг ведет минэкономразвития?", "monitoring-who"),
        ("кто оказался на последнем месте в рейтинге госуслуг", "rating-outsiders"),
        ("худшие регионы рейтинга электронных услуг", "rating-outsiders"),
        ("топ 3 регионов рейтинга электронных услуг 2019", "rating-leaders"),
        ("какой регион возглавлял рейтинг госуслуг в 2020", "rating-leaders"),
        ("а мы как смотримся рядом с соседями в рейтинге", "rating-neighbours"),
        ("мы на последнем месте в рейтинге?", "rating"),
        # One neighbour telling the story is a person, not the regions around ours.
        ("мы с соседом поспорили, какое место у области в рейтинге госуслуг", "rating"),
        ("на каком месте мы среди соседей в рейтинге госуслуг", "rating-neighbours"),
    ],
)
def test_what_a_rating_question_does_picks_its_entry(
    engine: Engine, query: str, topic: str
) -> None:
    answer = engine.ask(query)
    assert (answer.status, answer.topic) == (ANSWER, topic)


# 11. Bare topic words list the services under them.
@pytest.mark.parametrize(
    ("query", "topic", "card"),
    [
        ("услуги", "services", "services-family"),
        ("документы", "services-documents", "passport-replacement"),
        ("налоги", "services-taxes", "property-taxes"),
        ("семья", "services-family", "marriage-registration"),
        ("транспорт", "services-transport", "traffic-fines"),
        ("покажи услуги", "services", "services-health"),
        ("медуслуги", "services-health", "doctor-appointment"),
    ],
)
def test_a_bare_topic_word_lists_its_services(
    engine: Engine, query: str, topic: str, card: str
) -> None:
    answer = engine.ask(query)
    assert (answer.status, answer.topic) == (ANSWER, topic)
    assert card in {s.topic for s in answer.suggestions}


def test_going_to_a_doctor_is_not_the_health_menu(engine: Engine) -> None:
    answer = engine.ask("хочу к окулисту")
    assert answer.topic != "services-health"
    assert "doctor-appointment" in {answer.topic, *(s.topic for s in answer.suggestions)}


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_every_service_card_is_found_by_its_own_title(engine: Engine, lang: str) -> None:
    # A category word or a synonym that swallowed a card's subject ("охотничье" as the word
    # for the hunting group) would turn its title into a menu or a refusal.
    missed = [e.id for e in engine.kb.services() if engine.ask(e.title.get(lang)).topic != e.id]
    assert missed == []

"""The engine: a question in, an Answer out (answer, clarify or none). No Telegram, no I/O."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache
from itertools import pairwise

from rapidfuzz import fuzz, process

from bot.engine.compose import Composer
from bot.engine.concepts import (
    ASPECT_SECTIONS,
    LAST,
    NEIGHBOUR,
    PLACE,
    PLACE_WORDS,
    RATING,
    RATING_ANCHORS,
    RESPONSIBLE,
)
from bot.engine.index import Index, Scored, is_year
from bot.engine.intents import (
    HELP,
    SMALL_TALK,
    PlaceClaim,
    about_us,
    asks_what_it_does,
    asks_who,
    asks_who_compiles,
    claimed_place,
    names_us,
    neighbour_is_a_person,
    small_talk,
)
from bot.engine.model import ANSWER, CLARIFY, NONE, Answer, Suggestion
from bot.engine.normalize import MAX_CHARS, Normalized, Normalizer, split_words
from bot.engine.slots import DEFAULT_REGION, SlotReader, Slots
from bot.engine.story import abroad, story_subject
from bot.i18n import t
from bot.kb.model import Category, KnowledgeBase

# Calibrated on tests/queries.yaml, checked on bench/holdout*.yaml (docs/BENCHMARKS.md): at or
# above ANSWER_AT with a clear lead the top entry is the answer; from CLARIFY_AT up the top
# entries are offered to choose from.
ANSWER_AT = 0.62
CLARIFY_AT = 0.42
# The one candidate left: answered at a lower score and share than a contested top entry.
SINGLE_ANSWER_AT = 0.55
SINGLE_PRECISION = 0.45
# The share of a query's weight the entry must explain: words the knowledge base has never seen
# ("фильм" in "лучший фильм 2019") mean the question is about something else.
ANSWER_PRECISION = 0.6
CLARIFY_PRECISION = 0.56
LEAD = 0.1
# A near-perfect match needs only a small lead; a tie is still a question to ask back.
SURE_AT = 0.9
SURE_LEAD = 0.03
MAX_SUGGESTIONS = 3
# A service card answers what it costs, how long it takes and what to bring, whatever the service:
# these concepts count as explained by every card even where no phrasing names them.
SERVICE_ASPECTS = frozenset(
    {
        "пошлина",
        "срок",
        "документ",
        "мфц",
        "получить",
        "заявление",
        "госуслуга",
        "электронный",
        "оплатить",
        "подать",
        "лично",
    }
)
# Every rating entry is about the rating of electronic public services, whatever it names.
RATING_ASPECTS = frozenset({"рейтинг", "госуслуга", "сравнить"})
# "…, а вот ИНН как получить?", "… я уже знаю. А сколько…": what comes after it is the question
# when what comes before it is already done, had or known.
_CONTRAST = re.compile(r"(?:[,.;!?:]\s*|\s)(а вот|а|но|теперь)\s", re.IGNORECASE)
_DONE = frozenset(
    {"уже", "есть", "знаю", "знаем", "знает", "знал", "знала", "знали", "действует", "действуют"}
)
_SENTENCE_END = re.compile(r"[.!?]")
_BACK_REFERENCES = frozenset({"туда", "тогда", "оттуда", "тоже", "также"})
# How many clauses' normalisations are kept: enough for one long message.
CLAUSE_CACHE = 16
# Where a clause of a message ends: a long message is asked clause by clause if need be.
_CLAUSE_END = re.compile(r"[.!?\n;,]+")
LEAD_WORDS = frozenset({"первый", "лидер", "топ"})
LEADER = "лидер"  # "лучший": the best of a rating, or the best of something else
# An English word this short beside "best" or "rating" says nothing ("sk" of a mistyped ",sk");
# one this close to a word the engine knows is that word mistyped.
MIN_THING_LENGTH = 4
TYPO_SIMILARITY = 80
# The entries about places in the rating, and those a question about the rating may also mean.
RATING_ENTRIES = frozenset({"rating", "rating-leaders", "rating-neighbours", "rating-outsiders"})
RATING_FAMILY = RATING_ENTRIES | {"monitoring-who", "monitoring-2017", "monitoring-2019"}
# The entry about the newer ratings the bot knows: a place claimed in one of them is checked
# there ("в рейтинге обратной связи у нас 22 место?"), not in the e-services rating.
OTHER_RATINGS = "digital-ratings"
YEAR_BONUS = 0.12
# A question naming another year than an entry's is about something else.
YEAR_PENALTY = 0.4
# Words that ask for the list of services rather than one of them: "услуги", "список услуг".
MENU_WORDS = frozenset(
    {
        "услуга",
        "список",
        "перечень",
        "каталог",
        "весь",
        "какой",
        "есть",
        "показать",
        "all",
        "list",
        "show",
    }
)
# "к терапевту": a message that goes to someone asks for them, not for their category.
TOWARDS = "к"
# ...and "госуслуги" with one of these: "перечень госуслуг", but not "портал госуслуг".
LIST_WORDS = frozenset({"список", "перечень", "каталог", "весь", "all", "list"})


def phrasing_tokens(text: str, normalizer: Normalizer, slots: SlotReader) -> list[str]:
    """A phrasing as content tokens, the way a query is reduced (regions taken out)."""
    tokens = normalizer.canonical(split_words(text))
    used = slots.read(tokens).region_used
    # Small talk is never what a phrasing is about ("как дела у соседей" is about neighbours).
    return normalizer.content(
        t for i, t in enumerate(tokens) if i not in used and t not in SMALL_TALK
    )


def prepare_phrasings(
    kb: KnowledgeBase, normalizer: Normalizer, slots: SlotReader
) -> list[tuple[int, list[str]]]:
    """Every phrasing of every entry as content tokens, in the knowledge base's order."""
    return [
        (idx, phrasing_tokens(text, normalizer, slots))
        for idx, entry in enumerate(kb.entries)
        for lang_phrasings in entry.phrasings.values()
        for text in lang_phrasings
    ]


class Engine:
    """Answers questions from one knowledge base; built once, then pure and synchronous."""

    def __init__(
        self,
        kb: KnowledgeBase,
        prepared: Sequence[tuple[int, Sequence[str]]] | None = None,
        normalizer: Normalizer | None = None,
    ) -> None:
        self.kb = kb
        self.normalizer = normalizer or Normalizer()
        self.slots = SlotReader(self.normalizer, kb.regions)
        if prepared is None:
            prepared = prepare_phrasings(kb, self.normalizer, self.slots)
        self._prepared = [(idx, list(tokens)) for idx, tokens in prepared]
        self._entry_index = {e.id: i for i, e in enumerate(kb.entries)}
        self.compose = Composer(kb)
        self._concepts = frozenset(self.normalizer.synonyms.values())
        self.ratings = self.compose.ratings
        # Each of a category's words or phrases as the content tokens a message must be.
        self._category_phrases = {
            frozenset(self._content_of(word)): c for c in kb.categories for word in c.words
        }
        self._build_index()

    def _content_of(self, text: str) -> list[str]:
        return self.normalizer.content(self.normalizer.canonical(split_words(text)))

    def _build_index(self) -> None:
        self.index = Index(
            self.kb.entries,
            self._prepared,
            implied={"service": SERVICE_ASPECTS, "rating": RATING_ASPECTS},
        )
        # Every word of every entry about a rating (the places, the monitoring, the digital
        # ratings): a noun outside it, next to "рейтинг", names another rating.
        self._rating_vocabulary = frozenset().union(
            *(vocab for vocab in self.index.entry_vocab if RATING in vocab)
        )
        self.normalizer.set_vocabulary(self.index.vocabulary | self.slots.alias_tokens)
        self._known_english = sorted(
            t for t in self.normalizer.known_words if t.isascii() and t.isalpha() and len(t) > 2
        )
        # A long message's clauses are read when its whole is checked for another rating and
        # again when it is asked clause by clause: each is normalised and read for years and
        # regions once. Small, so that it serves one message, not a benchmark's repeats.
        self._clause = lru_cache(maxsize=CLAUSE_CACHE)(self.normalizer.normalize)
        self._slots = lru_cache(maxsize=CLAUSE_CACHE)(self.slots.read)

    def add_phrasings(self, phrasings: Sequence[tuple[str, str]]) -> int:
        """Teach the engine more wordings (entry id, text), e.g. editors' picks from the
        unanswered questions; returns how many were usable."""
        added = 0
        for entry_id, text in phrasings:
            idx = self._entry_index.get(entry_id)
            if idx is None:
                continue
            content = phrasing_tokens(text, self.normalizer, self.slots)
            if content:
                self._prepared.append((idx, content))
                added += 1
        if added:
            self._build_index()
        return added

    def ask(self, query: str, lang: str | None = None) -> Answer:
        """The answer, a clarifying question, or an honest "I don't know" (`lang` forces one).

        A long message that as a whole matches nothing may still hold one sentence or clause
        that asks clearly ("…в колхозе под Монастырщиной. Как подать заявление на пенсию?"):
        the best answer of an entry one of them gets (not small talk, not a menu).
        """
        tail = self._after_contrast(query)
        if tail is not None:
            asked = self._ask(tail, lang, self._clause(tail))
            if asked.status == ANSWER and asked.topic in self._entry_index:
                return replace(asked, query=query)
        norm = self.normalizer.normalize(query)
        answer = self._ask(query, lang, norm)
        if answer.status != NONE or answer.body != self.compose.fallback(answer.lang):
            return answer  # answered, or refused for a reason of its own (another rating)
        talk = small_talk(norm.tokens)
        if HELP in talk:
            # However long its story, a message that asks what the bot can do ("мне дочь
            # прислала ссылку на этот бот… о чём у вас можно спрашивать?") gets that.
            return self.compose.help(query, answer.lang, talk)
        clauses = self._clauses(query)
        if not clauses or abroad(norm, self.normalizer.lexicon.foreign_places):
            return answer
        found = [
            self._ask(text, lang or answer.lang, part)
            for text, part in clauses
            if self._says_enough(text, part)
        ]
        best = max(
            (a for a in found if a.status == ANSWER and a.topic in self._entry_index),
            key=lambda a: a.score,
            default=None,
        )
        if best is not None:
            return replace(best, query=query)
        return self._story(query, norm, answer.lang) or answer

    def _story(self, query: str, norm: Normalized, lang: str) -> Answer | None:
        """The entry a long story names by a thing of its own, its scene aside (story.py)."""
        slots = self._slots(norm.tokens)
        content = self._content(norm, slots)
        found = story_subject(
            query, norm, content, self.index, self.normalizer, self._concepts, RATING_FAMILY
        )
        if found is None:
            return None
        return self._entry(query, found.entry.id, found.score, slots, norm, lang, None)

    def _clauses(self, query: str) -> list[tuple[str, Normalized]]:
        """Each clause of a message of more than one, with its normalisation; [] for one."""
        texts = [c for c in _CLAUSE_END.split(query[:MAX_CHARS]) if c.strip()]
        return [(c, self._clause(c)) for c in texts] if len(texts) > 1 else []

    def _after_contrast(self, query: str) -> str | None:
        """What a message asks after saying what it already has, knows or did ("СНИЛС у
        меня есть, а вот ИНН как получить?", "к врачу я записалась, а как поменять страховую?"):
        the part after the last "а", "а вот", "но" or "теперь", if the part before says "уже",
        "есть", "знаю" or a verb in the past, and the part after names something."""
        text = query[:MAX_CHARS]
        found = list(_CONTRAST.finditer(text))
        if not found:
            return None
        last = found[-1]
        head, tail = text[: last.start()], text[last.end() :]
        # "…всё по-хорошему. Теперь нужна выписка…": a new sentence that starts with "теперь"
        # asks what is next, whatever came before.
        next_step = last.group(1).lower() == "теперь" and _SENTENCE_END.search(last.group(0))
        words = split_words(head)
        done = _DONE & set(words) or any(self.normalizer.is_past_verb(w) for w in words)
        if not next_step and not done:
            return None
        return tail if self._says_enough(tail, self._clause(tail)) else None

    def _says_enough(self, clause: str, norm: Normalized) -> bool:
        """A clause worth answering on its own: two words at least, one of them a word the
        knowledge base knows that is not a common verb, not a number, and not in most phrasings
        ("в 2019" alone would be read as a question about that year's rating; "мне 72 года"
        names nothing; "how do I get it" could be about most entries of a large base), and
        that does not point back at the rest ("туда", "тогда")."""
        content = self.normalizer.content(norm.tokens)
        named = [
            t
            for t in content
            if t in self.index.idf
            and (t not in norm.verbs or self.index.is_rare(t))  # "умер", not "записаться"
            and not t.isdigit()
            and not self.index.is_common(t)
        ]
        words = split_words(clause)
        # "…, а регистрация брака туда входила?" asks about what came before it.
        return len(words) >= 2 and bool(named) and not _BACK_REFERENCES & set(words)

    def _ask(self, query: str, lang: str | None, norm: Normalized | None = None) -> Answer:
        norm = norm or self.normalizer.normalize(query)
        lang = lang or norm.lang
        slots = self._slots(norm.tokens)
        talk = small_talk(norm.tokens)
        content = self._content(norm, slots)
        if talk and all(t in norm.minor for t in content):
            return self.compose.help(query, lang, talk)  # "привет", "спасибо большое"
        claim = claimed_place(norm.lemmas, norm.nouns)
        if claim is not None:
            # "мы вроде десятые были?" is about a place in the rating: the ordinal says so.
            content = [t for t in content if t not in claim.words or t in PLACE_WORDS]
            if not PLACE_WORDS & set(content):
                content.append(PLACE)
        others = [r for r in slots.regions if r != DEFAULT_REGION]
        if all(is_year(t) or (others and t in norm.verbs) for t in content):
            # Nothing but a year and/or a region named, or a region and what it did
            # ("калужская обошла нас?").
            if slots.year or slots.regions or slots.unknown_region:
                return self._entry(query, "rating", 1.0, slots, norm, lang, claim)
            return self.compose.none(query, lang, 0.0)
        if {RATING, LEADER} & set(content) and self._names_another_rating(query, norm, content):
            return self.compose.other_rating(query, lang, 0.0)
        menu = self._menu(query, content, lang, norm)
        if menu is not None:
            return menu
        found = self.index.score(
            content,
            norm.minor,
            min_precision=CLARIFY_PRECISION,
            context=norm.context,
            min_score=CLARIFY_AT - YEAR_BONUS,  # a year named may still lift it to CLARIFY_AT
        )
        scored = [self._adjust(s, slots) for s in found]
        scored.sort(key=lambda s: s.score, reverse=True)
        ours = about_us(norm.lemmas) or DEFAULT_REGION in slots.regions
        if (
            claim is not None
            and ours
            and self._speaks_of_rating(norm, scored)
            and not (scored and scored[0].entry.id == OTHER_RATINGS)
        ):
            # "слышал, мы третьи по эл услугам за 2017?", "по итогам 2019 года область попала
            # в первую тройку?": a place of ours to check, whichever entry shares the most words.
            score = scored[0].score if scored else 1.0
            return self._entry(query, "rating", score, slots, norm, lang, claim)
        if not scored or scored[0].score < CLARIFY_AT:
            return self.compose.none(query, lang, scored[0].score if scored else 0.0)
        top = scored[0]
        vocab = self.index.vocab_of(top.entry)
        if all(self._says_little(t, norm) for t in content if t in vocab):
            # Only common verbs, adverbs and adjectives in common ("что посмотреть", "как
            # записаться к психологу", "что нового"): no word names this entry's subject.
            return self.compose.none(query, lang, top.score)
        if self._about_rating(top):
            if top.entry.kind == "rating" and self._names_another_rating(query, norm, content):
                return self.compose.other_rating(query, lang, top.score)
            shaped = self._rating_topic(
                query, top.entry.id, others, ours and claim is not None, norm, content
            )
            if shaped is not None:
                # What the question does decides among the rating's entries, not the words
                # they share: it compares, it checks a place of ours, it asks who led.
                return self._entry(query, shaped, top.score, slots, norm, lang, claim)
        runner_up = scored[1].score if len(scored) > 1 else 0.0
        confident = top.score >= ANSWER_AT and top.precision >= ANSWER_PRECISION
        lead = top.score - runner_up
        options = [s for s in scored[:MAX_SUGGESTIONS] if s.score >= CLARIFY_AT]
        if confident and (lead >= LEAD or (top.score >= SURE_AT and lead >= SURE_LEAD)):
            return self._entry(query, top.entry.id, top.score, slots, norm, lang, claim)
        if len(options) == 1:
            # One candidate is not a choice to offer: answer it when sure enough, else refuse.
            if confident or (top.score >= SINGLE_ANSWER_AT and top.precision >= SINGLE_PRECISION):
                return self._entry(query, top.entry.id, top.score, slots, norm, lang, claim)
            return self.compose.none(query, lang, top.score)
        suggestions = tuple(Suggestion(s.entry.id, s.entry.title.get(lang)) for s in options)
        body = "\n".join(f"{i}. {s.title}" for i, s in enumerate(suggestions, 1))
        return Answer(
            query,
            CLARIFY,
            lang,
            title=t(lang, "clarify"),
            body=body,
            score=round(min(top.score, 1.0), 3),
            suggestions=suggestions,
        )

    def _says_little(self, token: str, norm: Normalized) -> bool:
        """A common verb, adverb or adjective the lexicon gives no meaning of its own ("новый",
        "записаться"; not "первый", which is a place), or a word that only sets the scene
        ("телефон" in "где отремонтировать телефон")."""
        weak = token in norm.minor or token in norm.context
        return weak and token not in self._concepts and not self.index.is_rare(token)

    def _speaks_of_rating(self, norm: Normalized, scored: Sequence[Scored]) -> bool:
        """A rating's words ("итоги", "место", "рейтинг"), or a rating entry among the best."""
        return bool(self.normalizer.lexicon.rating_context & set(norm.tokens)) or any(
            self._about_rating(s) for s in scored[:MAX_SUGGESTIONS]
        )

    @staticmethod
    def _about_rating(scored: Scored) -> bool:
        return scored.entry.kind == "rating" or scored.entry.id in RATING_FAMILY

    def _menu(
        self, query: str, content: Sequence[str], lang: str, norm: Normalized
    ) -> Answer | None:
        """A message of nothing but a category's words ("налоги", "семья") or "услуги"; not
        one that goes to someone ("хочу к терапевту" asks for an appointment, not the health
        services)."""
        words = set(content) - MENU_WORDS
        if not words or (words == {"госуслуга"} and LIST_WORDS & set(content)):
            return self.compose.services_menu(query, lang)
        if TOWARDS in norm.lemmas:
            return None
        category = self._category(words)
        return self.compose.category(query, category, lang) if category else None

    def _category(self, words: set[str]) -> Category | None:
        return self._category_phrases.get(frozenset(words))

    def _content(self, norm: Normalized, slots: Slots) -> list[str]:
        """The words a message says about its subject: no stopwords, regions or small talk;
        no "in charge" when it asks what something does ("чем занимается МФЦ" asks what the
        MFC is; "кто занимается цифровизацией" asks who is in charge of it)."""
        kept = (t for i, t in enumerate(norm.tokens) if i not in slots.region_used)
        said = [t for t in self.normalizer.content(kept) if t not in SMALL_TALK]
        if RESPONSIBLE in said and asks_what_it_does(norm.lemmas):
            said.remove(RESPONSIBLE)
        return said

    def _names_another_rating(self, query: str, norm: Normalized, content: Sequence[str]) -> bool:
        """A noun no entry about a rating knows, in the clause that speaks of a rating or a
        place ("рейтинг качества жизни", "рейтинг лучших школ"): the question is about another
        rating than ours. Nouns elsewhere in a long message ("спорим уже полчаса") set its
        scene."""
        clauses = self._clauses(query)
        if clauses:
            said = [(p, self._content(p, self._slots(p.tokens))) for _, p in clauses]
        else:
            said = [(norm, list(content))]
        return any(
            (self._names_a_thing(t, part) or self._kind_of_rating(t, part))
            and t not in self._rating_vocabulary
            for part, words in said
            if RATING_ANCHORS & set(words)
            for t in words
        )

    def _kind_of_rating(self, token: str, norm: Normalized) -> bool:
        """An adjective no entry knows, just before "рейтинг" ("в туристическом рейтинге",
        "инвестиционный рейтинг"): a kind of rating that is not ours. Not a region's ("в
        брянском рейтинге"), nor one that only says which or when ("свежий", "прошлый")."""
        return (
            token in norm.minor
            and token not in norm.verbs
            and token not in self.index.idf
            and token not in self.normalizer.stopwords
            and token not in self.slots.alias_tokens
            and token not in self.normalizer.lexicon.generic_adjectives
            and (token, RATING) in pairwise(norm.tokens)
        )

    def _names_a_thing(self, token: str, norm: Normalized) -> bool:
        """A noun ("фильм", "телефон"), or an English word no entry knows that neither sets
        the scene, nor is a verb, nor looks like a known word mistyped ("pizza"; not "russia",
        "need" or "gover" of "e-goverment")."""
        if token in norm.nouns or token in self.normalizer.scene_things:
            return True
        english = token.isascii() and token.isalpha() and len(token) >= MIN_THING_LENGTH
        unknown = token not in self.index.idf and token not in norm.minor | norm.context
        return english and unknown and not self._typo(token)

    def _typo(self, token: str) -> bool:
        known = self._known_english
        return bool(
            process.extractOne(token, known, scorer=fuzz.ratio, score_cutoff=TYPO_SIMILARITY)
        )

    def _rating_topic(
        self,
        query: str,
        topic: str,
        others: Sequence[str],
        claims_ours: bool,
        norm: Normalized,
        content: Sequence[str],
    ) -> str | None:
        """Which rating entry a rating question means by what it does, or None if what it
        does does not tell (the words decide)."""
        if len(others) == 1 or claims_ours:
            return "rating"  # "Брянская нас обогнала?" compares; "мы в десятке?" checks ours
        if asks_who_compiles((*norm.lemmas, *norm.tokens)) and not PLACE_WORDS & set(content):
            return "monitoring-who"  # "кто составляет рейтинг", "когда подводят итоги"
        if len(others) > 1 and topic == "rating-leaders":
            return "rating-neighbours"  # "смоленская, брянская, калужская"
        if others or topic not in RATING_ENTRIES | {"monitoring-who"}:
            return None
        who, ours = asks_who(norm.lemmas), names_us(norm.lemmas)
        if NEIGHBOUR in content and not neighbour_is_a_person(split_words(query)):
            return "rating-neighbours"  # "а как мы на фоне соседей"
        if LAST in content and (who or not ours):
            return "rating-outsiders"  # "кто на последнем месте", "худшие регионы"
        if LEAD_WORDS & set(content) and (who or not ours):
            return "rating-leaders"  # "кто на первом месте", "топ 5 регионов"
        if ours and (LAST in content or LEAD_WORDS & set(content)):
            return "rating"  # "мы на последнем месте?", "мы в лидерах?": our place
        if ours and PLACE in content and not who:
            return "rating"  # "на каком месте мы оказались"
        return None

    def _entry(
        self,
        query: str,
        topic: str,
        score: float,
        slots: Slots,
        norm: Normalized,
        lang: str,
        claim: PlaceClaim | None,
    ) -> Answer:
        """The answer of an entry, as the question shaped it: the aspects it asked about and
        the place it claims (which rating entry it means is decided before)."""
        aspects = tuple(
            dict.fromkeys(ASPECT_SECTIONS[t] for t in norm.tokens if t in ASPECT_SECTIONS)
        )
        return self.compose.entry(query, self.kb.entry(topic), score, slots, lang, aspects, claim)

    def answer_topic(self, topic: str, lang: str = "ru", query: str = "") -> Answer:
        """The answer of one topic, as when a user picks a suggestion or a menu item."""
        answer = self.compose.topic(topic, lang, query)
        if answer is None:
            raise KeyError(topic)
        return answer

    def knows_topic(self, topic: str) -> bool:
        return self.compose.knows(topic)

    def rating(self, text: str, lang: str = "ru") -> Answer | None:
        """/rank's answer: the overview, or what the year or region in `text` names.

        None when `text` names neither.
        """
        slots = self.slots.read(self.normalizer.normalize(text).tokens) if text.strip() else Slots()
        if text.strip() and not (slots.year or slots.regions or slots.unknown_region):
            return None
        return self.compose.entry(text, self.kb.entry("rating"), 1.0, slots, lang)

    def _adjust(self, s: Scored, slots: Slots) -> Scored:
        """Year slot: an entry about that year gains, an entry about other years loses.

        Rating entries name no years: they answer any year, saying so where the table has none.
        """
        years = s.entry.years
        if slots.year is None or not years:
            return s
        bonus = YEAR_BONUS if slots.year in years else -YEAR_PENALTY
        # Not capped at 1.0: the bonus must still separate two perfect phrasings.
        return Scored(s.entry, max(0.0, s.score + bonus), s.phrasing, s.precision, s.explained)

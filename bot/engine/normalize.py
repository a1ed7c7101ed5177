"""Turns text as people type it into canonical tokens for matching.

Steps: lower case and ё→е; each word tried in both keyboard layouts (йцукен/qwerty);
Russian words lemmatised (pymorphy3; words it does not know are stemmed), English ones stemmed
(Snowball); synonyms and
abbreviations mapped to one concept; typos corrected against the known vocabulary.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import Stemmer
from rapidfuzz import fuzz, process

from bot.engine.lexicon import MAX_SYNONYM_WORDS, Lexicon, default_lexicon
from bot.engine.translit import readings, to_cyrillic
from bot.engine.words import WORD_RE
from bot.engine.words import split_words as split_words

if TYPE_CHECKING:
    import pymorphy3

_QWERTY = "qwertyuiop[]asdfghjkl;'zxcvbnm,.`"
_YCUKEN = "йцукенгшщзхъфывапролджэячсмитьбюё"
# Text is lower-cased before layouts are tried, so lower-case maps suffice.
_TO_CYRILLIC = str.maketrans(_QWERTY, _YCUKEN)
_TO_LATIN = str.maketrans(_YCUKEN, _QWERTY)
_CYRILLIC_RE = re.compile(r"[а-я]")
_LATIN_RE = re.compile(r"[a-z]")
_LATIN_WORD_RE = re.compile(r"[a-z']+")
# Words this short say little about the language: "do", "na", "i" read as both.
_TELLING_LENGTH = 3
# Only this much of a message is matched: questions are short, and a 5,000-character paste
# must not cost more than a question does.
MAX_CHARS = 400
# Words whose analysis is remembered; the rest are analysed again each time.
MAX_ANALYSED = 200_000
# Parts of speech that rarely name a topic: an unknown verb or adverb ("находится", "чаще")
# says less about what the question is about than an unknown noun ("борщ", "кредит").
_MINOR_POS = frozenset(
    {
        "VERB",
        "INFN",
        "ADJF",
        "ADJS",
        "PRTF",
        "PRTS",
        "GRND",
        "ADVB",
        "PREP",
        "CONJ",
        "PRCL",
        "NPRO",
        "NUMR",
        "PRED",
        "COMP",
        "INTJ",
    }
)


MINOR, VERB, CONTEXT, NOUN = "minor", "verb", "context", "noun"
_PAST_ENDINGS = ("л", "ла", "ло", "ли", "лся", "лась", "лось", "лись")
# pymorphy3's tags for first names, surnames, patronymics and place names.
_SCENE_TAGS = frozenset({"Name", "Surn", "Patr", "Geox"})
# Of the minor parts of speech, those that never name a subject: a question whose only words in
# common with an entry are of these ("что посмотреть", "как записаться") is not about it.
_VERB_POS = frozenset(
    {"VERB", "INFN", "GRND", "PRTF", "PRTS", "ADVB", "PRED", "PRCL", "CONJ", "PREP", "NPRO", "INTJ"}
)


@dataclass(frozen=True, slots=True)
class Normalized:
    """A query reduced to canonical tokens."""

    tokens: tuple[str, ...]  # every canonical token, in order (slots read these)
    lang: str  # "ru" or "en": the language to answer in
    layout_fixed: bool
    corrected: tuple[tuple[str, str], ...] = ()  # (typed, understood) pairs
    minor: frozenset[str] = frozenset()  # tokens of verbs, adverbs and other function words
    lemmas: tuple[str, ...] = ()  # every word's lemma before synonyms ("седьмой", "десятка")
    transliterated: bool = False  # Russian typed in Latin letters, read back in Cyrillic
    # Who asks, for whom, where and when: "пенсионерка", "внучок", "в Гагарине", "в марте".
    context: frozenset[str] = frozenset()
    nouns: frozenset[str] = frozenset()  # other Russian dictionary nouns: "жизнь", "фильм"
    verbs: frozenset[str] = frozenset()  # verbs, adverbs, pronouns: words that name no subject


@dataclass(frozen=True, slots=True)
class _Word:
    """One word of a message: as typed (or read in Cyrillic), its lemma, the known word a
    typo in it meant, and its kind (see Normalizer._analyse_uncached)."""

    typed: str
    lemma: str
    fix: str | None
    kind: str


@dataclass(frozen=True, slots=True)
class CompiledLexicon:
    """The lexicon reduced to lemmas, and every word analysed so far: computed when the
    knowledge base is compiled and stored with it, so that starting needs no lemmatiser
    until a question brings a word it has not seen (pymorphy3 takes ~0.2 s to load)."""

    synonyms: dict[tuple[str, ...], str]
    stopwords: frozenset[str]
    analyses: dict[str, tuple[str, str]]


class Normalizer:
    """Reduces words to lemmas and concepts; one instance, prepared once at load.

    `compiled`: the lexicon already reduced to lemmas, as the compiled knowledge base stores it;
    `lexicon`: the lexicon it was compiled from (by default the project's, data/lexicon.yaml).
    """

    def __init__(
        self, compiled: CompiledLexicon | None = None, lexicon: Lexicon | None = None
    ) -> None:
        self.lexicon = lexicon = lexicon if lexicon is not None else default_lexicon()
        self._spellings = lexicon.spellings
        self._kept_as_typed = lexicon.kept_as_typed
        self._context_words = lexicon.context_words
        self._senses = lexicon.senses
        self._morph_analyzer: pymorphy3.MorphAnalyzer | None = None
        self._stem_en = Stemmer.Stemmer("english")
        self._stem_ru = Stemmer.Stemmer("russian")
        self._minor_en = frozenset(self._stem_en.stemWords(lexicon.minor_en))
        things_en = frozenset(self._stem_en.stemWords(lexicon.scene_things_en))
        self._context_en = frozenset(self._stem_en.stemWords(lexicon.context_en)) | things_en
        # What a story is told around, in both languages: beside "best" it is what is rated.
        self.scene_things = lexicon.scene_things | things_en
        self._analysed: dict[str, tuple[str, str]] = dict(compiled.analyses) if compiled else {}
        self.synonyms = dict(compiled.synonyms) if compiled else self._compile_synonyms()
        self._set_phrases()
        if compiled is not None:
            self.stopwords = compiled.stopwords
        else:
            # Each stopword on its own: read together, neighbours would form synonym phrases.
            self.stopwords = frozenset(
                t for w in lexicon.stopwords for t in self.canonical(split_words(w))
            )
        # Lemmas that synonyms turn into a concept are known words ("билет" of "охотничий билет").
        self._synonym_lemmas = frozenset(t for key in self.synonyms for t in key)
        self.vocabulary: frozenset[str] = frozenset()
        self._known_words: frozenset[str] = self.stopwords | self._synonym_lemmas
        self._correction_choices: list[str] = []
        self._correct = lru_cache(maxsize=50_000)(self._correct_uncached)
        self._cyrillic = lru_cache(maxsize=50_000)(self._cyrillic_uncached)
        self._in_dictionary = lru_cache(maxsize=50_000)(self._in_dictionary_uncached)
        # Most of what people type between two spaces has been typed before.
        self._chunk = lru_cache(maxsize=50_000)(self._chunk_uncached)

    def _compile_synonyms(self) -> dict[tuple[str, ...], str]:
        synonyms: dict[tuple[str, ...], str] = {}
        for concept, variants in self.lexicon.synonyms.items():
            for variant in (concept, *variants):
                words = split_words(variant)
                if len(words) == 1:
                    # Every reading of the word: "десятка" alone reads as "десяток", while
                    # "в десятке" reads as "десятка"; both must reach the concept.
                    for lemma in self._all_lemmas(words[0]):
                        synonyms.setdefault((lemma,), concept)
                elif words:
                    synonyms[tuple(self._lemma(w) for w in words)] = concept
        return synonyms

    def compiled(self) -> CompiledLexicon:
        """What to store with the compiled knowledge base (see CompiledLexicon)."""
        return CompiledLexicon(self.synonyms, self.stopwords, dict(self._analysed))

    @property
    def _morph(self) -> pymorphy3.MorphAnalyzer:
        """pymorphy3, imported and loaded the first time a word needs it."""
        if self._morph_analyzer is None:
            import pymorphy3

            self._morph_analyzer = pymorphy3.MorphAnalyzer()
        return self._morph_analyzer

    # -- words -----------------------------------------------------------------------------
    def _analyse(self, word: str) -> tuple[str, str]:
        found = self._analysed.get(word)
        if found is None:
            found = self._analyse_uncached(word)
            if len(self._analysed) < MAX_ANALYSED:
                self._analysed[word] = found
        return found

    def _lemma(self, word: str) -> str:
        return self._analyse(word)[0]

    def _all_lemmas(self, word: str) -> set[str]:
        lemmas = {self._lemma(word)}
        if word in self._kept_as_typed or word in self._spellings:
            return lemmas
        if _CYRILLIC_RE.search(word) and self._morph.word_is_known(word):
            for parse in self._morph.parse(word):
                lemma = parse.normal_form.replace("ё", "е")
                lemmas.add(lemma[:-2] if lemma.endswith(("ться", "тись", "чься")) else lemma)
        return lemmas

    def _analyse_uncached(self, word: str) -> tuple[str, str]:
        """(lemma, its kind): VERB or MINOR for verbs, adverbs and other function words,
        CONTEXT for what sets a question's scene (people, names, places, months: "пенсионерка",
        "внучок", "Гагарин", "март"), NOUN for other dictionary nouns, "" for anything else
        (numbers, English words, unknown words)."""
        word = self._spellings.get(word, word)
        if word.isdigit() or word == "%" or word in self._kept_as_typed:
            return word, ""
        if _CYRILLIC_RE.search(word):
            if not self._morph.word_is_known(word):
                # pymorphy3 guesses odd lemmas for words it lacks ("учетку" -> "учеткать");
                # a stemmer reduces every form of such a word to the same stem.
                return self._stem_ru.stemWord(word), ""
            parses = self._morph.parse(word)
            parse = _abbreviation(parses) or parses[0]
            lemma = parse.normal_form.replace("ё", "е")
            # Reflexive and plain verbs are one concept: "зарегистрироваться" ~ "зарегистрировать".
            if lemma.endswith(("ться", "тись", "чься")):
                lemma = lemma[:-2]
            if parse.tag.POS in _VERB_POS:
                return lemma, VERB
            if parse.tag.POS in _MINOR_POS:
                return lemma, MINOR
            if parse.tag.POS == "NOUN":
                # People (animate nouns), names and places set a question's scene; a noun
                # that may also be a thing ("счётчик", a meter or a counting clerk) is a thing.
                person = "anim" in parse.tag and not any(
                    "inan" in p.tag and p.normal_form == parse.normal_form for p in parses
                )
                scene = person or bool(_SCENE_TAGS & parse.tag.grammemes)
                return lemma, CONTEXT if scene or lemma in self._context_words else NOUN
            return lemma, ""
        stem = self._stem_en.stemWord(word)
        if stem in self._minor_en:
            return stem, VERB
        return stem, CONTEXT if stem in self._context_en else ""

    def canonical(self, words: Iterable[str]) -> list[str]:
        """Lemmatise words and map synonym phrases (longest first) to their concept, in the
        sense the words beside it give it."""
        lemmas = [self._lemma(w) for w in words]
        return self._map_synonyms(lemmas)

    def _set_phrases(self) -> None:
        self._single = {key[0]: concept for key, concept in self.synonyms.items() if len(key) == 1}
        self._phrase_words = _phrase_words(self.synonyms)

    def concept_of(self, lemma: str) -> str:
        """The concept one word stands for on its own ("развести" -> "развод"), or the word."""
        return self._single.get(lemma, lemma)

    def _map_synonyms(self, lemmas: list[str]) -> list[str]:
        """Synonym phrases (longest first) as their concepts, each in the sense its neighbours
        give it: questions and phrasings alike."""
        out: list[str] = []
        i, n = 0, len(lemmas)
        synonyms, single, longest = self.synonyms, self._single, self._phrase_words
        while i < n:
            lemma = lemmas[i]
            for size in range(min(longest.get(lemma, 1), n - i), 1, -1):
                concept = synonyms.get(tuple(lemmas[i : i + size]))
                if concept is not None:
                    out.append(concept)
                    i += size
                    break
            else:
                out.append(single.get(lemma, lemma))
                i += 1
        return _in_sense(out, self._senses)

    def content(self, tokens: Iterable[str]) -> list[str]:
        """Tokens that carry meaning: stopwords dropped, order kept, duplicates removed."""
        seen: dict[str, None] = {}
        for t in tokens:
            if t not in self.stopwords:
                seen.setdefault(t, None)
        return list(seen)

    # -- vocabulary and typos ------------------------------------------------------------------
    def set_vocabulary(self, vocabulary: Iterable[str]) -> None:
        """The tokens the knowledge base knows: layout and typo fixes aim at these."""
        self.vocabulary = frozenset(vocabulary)
        self._known_words = self.vocabulary | self.stopwords | self._synonym_lemmas
        long_stopwords = {t for t in self.stopwords if len(t) >= 5}
        self._correction_choices = sorted(
            t
            for t in self.vocabulary | self._synonym_lemmas | long_stopwords
            if len(t) >= 3 and t.isalpha()
        )
        self._correct.cache_clear()
        self._cyrillic.cache_clear()
        self._chunk.cache_clear()

    def is_past_verb(self, word: str) -> bool:
        """A Russian verb in the past tense as typed ("записалась", "поменял"; not "если")."""
        if not word.endswith(_PAST_ENDINGS) or self._analyse(word)[1] != VERB:
            return False
        return self._in_dictionary(word) and "past" in self._morph.parse(word)[0].tag

    @property
    def known_words(self) -> frozenset[str]:
        """The knowledge base's words, the lexicon's lemmas and the stopwords."""
        return self._known_words

    def _known(self, token: str) -> bool:
        return token in self._known_words or token.isdigit() or token == "%"

    def _familiarity(self, words: list[tuple[str, str]]) -> float:
        """How many words are known; a likely typo of a known word counts half."""
        return sum(
            # A single letter ("в" typed as "d") counts, but less than a word.
            (1.0 if self._known(lemma) else 0.5 if self._correct(lemma) else 0.0)
            * (1.0 if len(lemma) > 1 else 0.25)
            for _, lemma in words
        )

    def _correct_uncached(self, token: str) -> str | None:
        """The known token a typo most likely meant, or None."""
        if len(token) < 3 or not token.isalpha():
            return None
        if token.isascii():
            # No English dictionary to tell a typo from a real word ("presid" is not "resid"):
            # only long words, and only near-certain fixes.
            if len(token) < 7:
                return None
            cutoff = 90
        else:
            # One edit in a short word, about one in five in a longer one; a stem of three
            # letters only with one letter missing ("вач" of "вачу" for "врач").
            cutoff = 85 if len(token) == 3 else 84 if len(token) <= 6 else 78
        found = process.extractOne(
            token, self._correction_choices, scorer=fuzz.ratio, score_cutoff=cutoff
        )
        return found[0] if found else None

    # -- the whole query -------------------------------------------------------------------------
    def _is_russian(self, word: str) -> bool:
        """A dictionary word, or one the knowledge base uses as it is ("сфр", "жку")."""
        return word in self._known_words or self._in_dictionary(word)

    def _cyrillic_uncached(self, word: str) -> str | None:
        return to_cyrillic(word, self._is_russian, self._reads_known)

    def _reads_known(self, word: str) -> bool:
        return self._lemma(word) in self._known_words

    def _spelled_in_cyrillic(self, word: str, lemma: str) -> tuple[str, str]:
        """A Russian word typed in Latin letters among English ones ("okhotnichiy bilet" in
        an English question), read in Cyrillic if that is a word the knowledge base knows."""
        if self._known(lemma) or not _LATIN_RE.match(word) or len(word) < _TELLING_LENGTH:
            return word, lemma
        reading = self._cyrillic(word)
        read = self._lemma(reading) if reading is not None else ""
        if reading is not None and (read in self.vocabulary or read in self._synonym_lemmas):
            return reading, read
        return word, lemma

    def _is_english(self, word: str) -> bool:
        return self._known(self._stem_en.stemWord(word)) or word in self._minor_en

    def _transliterated(self, text: str) -> str | None:
        """The text read as Russian typed in Latin letters, if that reads better than English.

        Only for text with no Cyrillic in it; words of fewer than three letters do not vote.
        English words the knowledge base knows count against it ("do", "get" and "inn" read as
        Russian too).
        """
        if _CYRILLIC_RE.search(text):
            return None
        words = _LATIN_WORD_RE.findall(text)
        telling = [w for w in words if len(w.strip("'")) >= _TELLING_LENGTH]
        if not telling:
            return None
        russian = sum(self._cyrillic(w) is not None for w in telling)
        english = sum(self._is_english(w) for w in telling)
        # Most telling words must read as Russian, and clearly more than read as English.
        if 3 * russian < 2 * len(telling) or russian < english + (2 if english else 1):
            return None

        def cyrillic(match: re.Match[str]) -> str:
            word = match.group()
            found = self._cyrillic(word)
            if found is None:
                options = readings(word)
                found = options[0] if options else word
            return found

        return _LATIN_WORD_RE.sub(cyrillic, text)

    def normalize(self, text: str) -> Normalized:
        text = text[:MAX_CHARS].lower().replace("ё", "е")
        russian = self._transliterated(text)
        if russian is not None:
            text = russian
        layout_fixed = False
        words: list[_Word] = []
        for chunk in text.split():
            read, fixed_layout = self._chunk(chunk)
            words.extend(read)
            layout_fixed = layout_fixed or fixed_layout
        lexicon = self.lexicon
        if any(w.lemma in lexicon.rating_context for w in words):
            ministry, abbreviations = lexicon.ministry, lexicon.ministry_abbreviations
            words = [
                _Word(w.typed, ministry, None, w.kind) if w.typed in abbreviations else w
                for w in words
            ]
        corrected = tuple((w.typed, w.fix) for w in words if w.fix is not None)
        fixed = [w.lemma if w.fix is None else w.fix for w in words]
        tokens = self._map_synonyms(fixed)
        lemmas = [w.lemma for w in words]
        kinds: dict[str, set[str]] = {MINOR: set(), VERB: set(), CONTEXT: set(), NOUN: set()}
        for w in words:
            if w.kind:
                kinds[w.kind].add(w.lemma)
        return Normalized(
            tuple(tokens),
            _language(lemmas),
            layout_fixed,
            corrected,
            frozenset(kinds[MINOR] | kinds[VERB]),
            tuple(fixed),
            russian is not None,
            frozenset(kinds[CONTEXT]),
            frozenset(kinds[NOUN]),
            frozenset(kinds[VERB]),
        )

    def _chunk_uncached(self, chunk: str) -> tuple[tuple[_Word, ...], bool]:
        """The words of what was typed between two spaces, and whether it was read in the
        other keyboard layout."""
        chosen = self._lemmas_of(chunk)
        layout_fixed = False
        # A Russian word the knowledge base lacks ("свежую") is still Russian, not a word
        # typed in the wrong layout ("cdt;e." would read as two unknown Latin words).
        if not all(self._known(lemma) or self._in_dictionary(w) for w, lemma in chosen):
            alt_chunk = _other_layout(chunk)
            if alt_chunk is not None:
                alt = self._lemmas_of(alt_chunk)
                if alt and self._familiarity(alt) > self._familiarity(chosen):
                    chosen, layout_fixed = alt, True
        words = []
        for typed, lemma in chosen:
            word, lemma = self._spelled_in_cyrillic(typed, lemma)
            fix = None
            if not self._known(lemma) and not self._in_dictionary(word):
                # The stem, or the word as typed: "пасобие" is nearer "пособие" than its stem is.
                fix = self._correct(lemma) or self._correct(word)
            words.append(_Word(word, lemma, fix, self._analyse(word)[1]))
        return tuple(words), layout_fixed

    def _lemmas_of(self, chunk: str) -> list[tuple[str, str]]:
        return [(w, self._lemma(w)) for w in WORD_RE.findall(chunk)]

    def _in_dictionary_uncached(self, word: str) -> bool:
        """A real Russian word ("продать") is not a typo of a known one ("подать")."""
        return bool(_CYRILLIC_RE.search(word)) and self._morph.word_is_known(word)


def _in_sense(tokens: list[str], senses: Mapping[str, tuple[str, frozenset[str]]]) -> list[str]:
    """Each concept in the sense the words beside it give it (the lexicon's senses)."""
    if not senses.keys() & set(tokens):
        return tokens
    present = set(tokens)
    out = []
    for t in tokens:
        sense = senses.get(t)
        out.append(sense[0] if sense is not None and sense[1] & present else t)
    return out


def _abbreviation(parses: list[pymorphy3.analyzer.Parse]) -> pymorphy3.analyzer.Parse | None:
    """An abbreviation's reading as likely as the first one: "инн" is the taxpayer number,
    not the plural of the name Инна, whose reading pymorphy3 lists first at the same score."""
    best = parses[0].score
    return next((p for p in parses if "Abbr" in p.tag and p.score >= best), None)


def _phrase_words(synonyms: dict[tuple[str, ...], str]) -> dict[str, int]:
    """The most words a phrase of two or more starting with each lemma has ("о" of "о чем
    можно спросить"): only a word that starts a phrase is tried with the words after it."""
    longest: dict[str, int] = {}
    for key in synonyms:
        if 1 < len(key) <= MAX_SYNONYM_WORDS:
            longest[key[0]] = max(longest.get(key[0], 1), len(key))
    return longest


def _other_layout(chunk: str) -> str | None:
    """The chunk as it would read typed in the other keyboard layout, if it has letters."""
    has_cyr = bool(_CYRILLIC_RE.search(chunk))
    has_lat = bool(_LATIN_RE.search(chunk))
    if has_lat and not has_cyr:
        return chunk.translate(_TO_CYRILLIC)
    if has_cyr and not has_lat:
        return chunk.translate(_TO_LATIN)
    return None


def _language(lemmas: list[str]) -> str:
    latin = cyrillic = 0
    for t in lemmas:
        first = t[:1]
        latin += "a" <= first <= "z"
        cyrillic += "а" <= first <= "я"
    return "en" if latin > cyrillic else "ru"

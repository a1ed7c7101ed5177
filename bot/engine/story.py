"""The thing a long story is about, when the story's scene drowns it.

"Ребёнку два месяца, в поликлинике спросили его СНИЛС, а мы его не оформляли. Как это сделать?"
names one service clearly (СНИЛС), but the clinic, the age and the verbs around it are most of the
message's weight, so no entry explains enough of it to be answered by the usual precision floor.
A story of several words that names a thing only a few entries know, as a noun, gets the one
entry that thing leads to, if that entry clearly leads and no foreign country is the scene
("пенсия в Германии для переселенцев" is not about the Smolensk pension service).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from bot.engine.index import Index, Scored
from bot.engine.normalize import Normalized, Normalizer, split_words

# A story: this many words at least. Shorter messages have little scene to drown the subject,
# and a short one the usual floor refuses ("как развести костёр") means something else.
STORY_WORDS = 7
# What the named thing's entry must still explain of the story, and score.
STORY_PRECISION = 0.3
STORY_AT = 0.45
STORY_LEAD = 0.1
# A thing that names at most this many entries points at one of them; "документ" does not.
ANCHOR_ENTRIES = 3


def abroad(norm: Normalized, foreign_places: frozenset[str]) -> bool:
    """Whether a message names a foreign country or capital (the lexicon's foreign_places): a
    long one that does is not answered by one of its parts or by what it names in passing."""
    return bool(foreign_places & set(norm.lemmas))


def story_subject(
    query: str,
    norm: Normalized,
    content: Sequence[str],
    index: Index,
    normalizer: Normalizer,
    concepts: frozenset[str],
    excluded: frozenset[str],
) -> Scored | None:
    """The entry a long story names by a specific thing, or None. `concepts`: the lexicon's
    concepts; besides them, a thing is a dictionary noun (not any rare word: "выходные" is in
    one card but names no service); `excluded`: entries a story may not be rescued to (the
    rating's, which their own rules decide)."""
    if len(split_words(query)) < STORY_WORDS or abroad(norm, normalizer.lexicon.foreign_places):
        return None
    scored = index.score(content, norm.minor, STORY_PRECISION, norm.context, STORY_AT)
    if not scored or scored[0].score < STORY_AT or scored[0].entry.id in excluded:
        return None
    top = scored[0]
    if len(scored) > 1 and top.score - scored[1].score < STORY_LEAD:
        return None
    specific = math.log(1 + len(index.entries) / ANCHOR_ENTRIES)
    vocab = index.vocab_of(top.entry)
    # A thing named by a noun, not only by a verb: "развели на деньги" is not a divorce.
    by_verb = {normalizer.concept_of(v) for v in norm.verbs}
    by_noun = {normalizer.concept_of(w) for w in norm.lemmas if w not in norm.verbs}
    named = any(
        t in vocab
        and (t in concepts or t in norm.nouns)
        and t not in norm.minor | norm.context
        and index.idf.get(t, 0.0) >= specific
        and (t in by_noun or t not in by_verb)
        for t in content
    )
    return top if named else None

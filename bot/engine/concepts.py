"""The lexicon's concepts that the engine's rules name. The lexicon (data/lexicon.yaml) must
keep each of them; `smolbot kb check` says which one is missing and which rule needs it."""

from __future__ import annotations

GREETING, THANKS, HELP = "приветствие", "благодарность", "помощь"
SMALL_TALK = (GREETING, THANKS, HELP)
PLACE, RATING = "место", "рейтинг"
RESPONSIBLE = "отвечать"
LAST, NEIGHBOUR = "последний", "сосед"
# A message with one of these already asks about places ("кто на первом месте").
PLACE_WORDS = frozenset({PLACE, "первый", "лидер", "последний", "топ"})
# Words that speak of a rating or a place in one: another rating is named beside them.
RATING_ANCHORS = PLACE_WORDS | {RATING}
# A word of a question that asks for one section of a service card.
ASPECT_SECTIONS = {
    "пошлина": "fee",
    "документ": "documents",
    "срок": "time_limit",
    "мфц": "in_person",
    "лично": "in_person",
}

# concept -> the module whose rules name it
NAMED_BY_RULES: dict[str, str] = {
    **dict.fromkeys(SMALL_TALK, "bot/engine/intents.py"),
    **dict.fromkeys((*RATING_ANCHORS, RESPONSIBLE, LAST, NEIGHBOUR), "bot/engine/answer.py"),
}
for _concept in ASPECT_SECTIONS:
    NAMED_BY_RULES.setdefault(_concept, "bot/engine/compose.py")

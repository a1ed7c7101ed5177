"""Builds the engine from settings: the compiled knowledge base, rebuilt if the sources changed."""

from __future__ import annotations

from bot.config import Settings
from bot.engine.answer import Engine
from bot.engine.lexicon import lexicon_in
from bot.engine.normalize import Normalizer
from bot.kb import store


async def load_engine(settings: Settings) -> Engine:
    # The lexicon is read once, here, from the knowledge base's data folder (15-30 ms).
    lexicon = lexicon_in(settings.kb_data_dir)
    compiled = await store.ensure_built(settings.kb_data_dir, settings.kb_path, lexicon)
    return Engine(compiled.kb, compiled.prepared, Normalizer(compiled.lexicon, lexicon))

"""Builds the engine from settings: the compiled knowledge base, rebuilt if the sources changed."""

from __future__ import annotations

from bot.config import Settings
from bot.engine.answer import Engine
from bot.engine.normalize import Normalizer
from bot.kb import store


async def load_engine(settings: Settings) -> Engine:
    compiled = await store.ensure_built(settings.kb_data_dir, settings.kb_path)
    return Engine(compiled.kb, compiled.prepared, Normalizer(compiled.lexicon))

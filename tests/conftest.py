from __future__ import annotations

from pathlib import Path

import pytest

from bot.engine.answer import Engine
from bot.kb.loader import load_dir
from bot.kb.model import KnowledgeBase

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_dir(DATA)


@pytest.fixture(scope="session")
def engine(kb: KnowledgeBase) -> Engine:
    return Engine(kb)

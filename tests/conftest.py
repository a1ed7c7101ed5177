from __future__ import annotations

import gc
import warnings
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.engine.answer import Engine
from bot.kb.loader import load_dir
from bot.kb.model import KnowledgeBase
from tests.fake_bot_api import FakeBotApi

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_dir(DATA)


@pytest.fixture(scope="session")
def engine(kb: KnowledgeBase) -> Engine:
    return Engine(kb)


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    """A fake Bot API server on a free local port."""
    server = FakeBotApi()
    await server.start()
    yield server
    await server.stop()
    # A long poll cut short by Updater.stop() can leave httpx's socket to the garbage
    # collector; collect it here, where it is expected, not in whichever test runs next.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()

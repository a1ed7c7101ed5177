from __future__ import annotations

import asyncio
import gc
import shutil
import warnings
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.engine.answer import Engine
from bot.kb import store
from bot.kb.loader import load_dir
from bot.kb.model import KnowledgeBase
from tests.fake_bot_api import FakeBotApi

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """mypy first: the longest test, it starts while the other processes take the rest."""
    items.sort(key=lambda item: item.nodeid != "tests/test_types.py::test_mypy_finds_no_errors")


def pytest_collection_finish(session: pytest.Session) -> None:
    """Every module the tests use is imported now: move what is alive into the collector's
    permanent generation, so the collections below (after each end-to-end test) and Python's
    own scan only what the tests make (each took ~0.1 s, scanning PTB, aiohttp and the rest)."""
    gc.collect()
    gc.freeze()


@pytest.fixture(autouse=True)
def no_proxy_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The bot's httpx follows HTTP_PROXY, HTTPS_PROXY and ALL_PROXY; the tests' servers are
    local, and a developer's or CI's proxy must not carry them (proxy tests set their own)."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_dir(DATA)


@pytest.fixture(scope="session")
def shared_engine(kb: KnowledgeBase) -> Engine:
    return Engine(kb)  # ~0.6 s: built once per test process


@pytest.fixture
def engine(shared_engine: Engine) -> Iterator[Engine]:
    """The engine all tests share. A test that teaches it phrasings (an editor attaching an
    unanswered question) builds an Engine(kb) of its own; one that taught this one fails."""
    phrasings = len(shared_engine._prepared)
    yield shared_engine
    assert len(shared_engine._prepared) == phrasings, "a test taught the shared engine"


@pytest.fixture(scope="session")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, store.Compiled]:
    """data/ compiled once per test process (~1.5 s), as `smolbot` leaves it after its first
    start: the database and what the build returned. Tests read it; kb_path is a copy."""
    path = tmp_path_factory.mktemp("compiled") / "kb.sqlite3"
    return path, asyncio.run(store.build(DATA, path))


@pytest.fixture
def kb_path(compiled: tuple[Path, store.Compiled], tmp_path: Path) -> Path:
    """A test's own copy of the compiled knowledge base, at tmp_path / "kb.sqlite3": a
    `smolbot` process started with it loads it instead of compiling the sources again."""
    path = tmp_path / "kb.sqlite3"
    shutil.copyfile(compiled[0], path)
    return path


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

"""The flows with no messenger at all: plain events in, plain replies out, through a recording
outlet of an imaginary messenger. What works here works on any adapter."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bot.config import Settings
from bot.conversation import Blocked, Event, Outcome, Reply
from bot.engine.answer import Engine
from bot.peer import Peer
from bot.services import Services
from bot.storage import Storage
from handlers.routes import route

CHANNEL = "pigeon"  # no such messenger: the flows must not care


@dataclass
class RecordingOutlet:
    channel: str = CHANNEL
    max_text: int = 1000
    sent: list[tuple[int, Reply]] = field(default_factory=list)
    edits: list[tuple[int, int, Reply]] = field(default_factory=list)
    taps: list[tuple[str, str | None]] = field(default_factory=list)
    answered: list[int] = field(default_factory=list)
    blocked: set[int] = field(default_factory=set)

    async def send(self, chat_id: int, reply: Reply, thread_id: int | None = None) -> int | None:
        if chat_id in self.blocked:
            raise Blocked("blocked")
        self.sent.append((chat_id, reply))
        return len(self.sent)

    async def edit(self, chat_id: int, message_id: int, reply: Reply) -> None:
        self.edits.append((chat_id, message_id, reply))

    async def answer_tap(self, tap_id: str, text: str | None = None) -> None:
        self.taps.append((tap_id, text))

    async def deliver(self, chat_id: int, html: str) -> Outcome:
        return Outcome("blocked") if chat_id in self.blocked else Outcome("sent")

    def answer_sent(self, question_id: int) -> None:
        self.answered.append(question_id)


@pytest.fixture
async def services(engine: Engine, tmp_path: Path) -> AsyncIterator[Services]:
    storage = Storage(tmp_path / "bot.sqlite3")
    await storage.open()
    settings = Settings(admin_ids=frozenset())
    found = Services(settings, engine, storage)
    found.outlets[CHANNEL] = RecordingOutlet()
    yield found
    await storage.close()


def outlet_of(services: Services) -> RecordingOutlet:
    outlet = services.outlets[CHANNEL]
    assert isinstance(outlet, RecordingOutlet)
    return outlet


def message(text: str, user: int = 5, **fields: object) -> Event:
    command = text[1:].split()[0] if text.startswith("/") else None
    args = " ".join(text.split()[1:]) if command else ""
    return Event(
        channel=CHANNEL,
        kind="message",
        chat_id=user,
        user=Peer(CHANNEL, user),
        text=text,
        html=text,
        command=command,
        args=args,
        **fields,  # type: ignore[arg-type]
    )


def tap(payload: str, user: int = 5) -> Event:
    return Event(
        channel=CHANNEL,
        kind="tap",
        chat_id=user,
        user=Peer(CHANNEL, user),
        payload=payload,
        tap_id=f"tap-{payload}",
        message_id=1,
    )


async def test_a_question_is_answered_logged_and_voted_on(services: Services) -> None:
    outlet = outlet_of(services)
    await route(message("как получить охотничий билет"), outlet, services)
    ((chat, reply),) = outlet.sent
    assert chat == 5 and "охот" in reply.html.lower()
    assert outlet.answered  # the adapter heard that the answer went out
    vote = next(b.payload for row in reply.keyboard for b in row if b.text == "👍")
    assert vote is not None
    await route(tap(vote), outlet, services)
    assert outlet.taps == [(f"tap-{vote}", "Спасибо за оценку!")]
    await route(tap(vote, user=6), outlet, services)  # not the asker's vote
    assert outlet.taps[-1] == (f"tap-{vote}", "Этот ответ уже не найден.")


async def test_users_of_two_messengers_with_one_id_are_two_people(services: Services) -> None:
    outlet = outlet_of(services)
    await route(message("/subscribe"), outlet, services)
    users = services.storage.users
    assert await users.is_subscribed(Peer(CHANNEL, 5))
    assert not await users.is_subscribed(Peer("telegram", 5))
    await services.storage.forget_user(Peer("telegram", 5))
    assert await users.is_subscribed(Peer(CHANNEL, 5))


async def test_every_tap_is_answered_even_a_stale_or_empty_one(services: Services) -> None:
    outlet = outlet_of(services)
    for payload in ("", "zz:unknown", "t:0:no-such-topic", "b:go:1", "op:1"):
        await route(tap(payload), outlet, services)
    assert [tap_id for tap_id, _ in outlet.taps] == [
        "tap-",
        "tap-zz:unknown",
        "tap-t:0:no-such-topic",
        "tap-b:go:1",  # an administrator's button, tapped by a resident: nothing done
        "tap-op:1",  # no operators' chat configured
    ]
    assert outlet.sent == [] and outlet.edits == []


async def test_group_chatter_not_addressed_to_the_bot_is_left_alone(services: Services) -> None:
    outlet = outlet_of(services)
    await route(message("всем привет", private=False, addressed=False), outlet, services)
    await route(message("/unknown", private=False), outlet, services)
    assert outlet.sent == []
    await route(message("рейтинг", private=False, addressed=True), outlet, services)
    assert len(outlet.sent) == 1


def test_no_flow_imports_a_messenger_library_or_the_composition_root() -> None:
    """The flows stay channel-neutral: a second messenger must be able to reuse every one."""
    import ast

    forbidden = ("telegram", "maxapi", "bot.app", "bot.channels")
    found = []
    for path in sorted(Path(__file__).resolve().parents[1].joinpath("handlers").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            found += [
                f"{path.name}: {name}"
                for name in names
                if any(name == f or name.startswith(f + ".") for f in forbidden)
            ]
    assert found == []

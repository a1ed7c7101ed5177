"""The `smolbot` command: run | ask | chat | kb build|check|export."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TextIO

from bot.config import ConfigError, Settings, load_settings
from bot.engine.answer import Engine
from bot.engine.lexicon import Lexicon, lexicon_in
from bot.engine.model import CLARIFY, NONE, Answer
from bot.engine.render import render_plain
from bot.i18n import DEFAULT_LANGUAGE, LANGUAGES, t
from bot.kb import store
from bot.kb.loader import KbError, KbInvalid, load_dir
from bot.kb.model import KnowledgeBase
from bot.runtime import load_engine
from bot.storage import Storage, make_private

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def answer_json(answer: Answer) -> dict[str, object]:
    """The JSON contract of `smolbot ask --json` (see docs and ARCHITECTURE.md)."""
    return {
        "query": answer.query,
        "status": answer.status,
        "answer": render_plain(answer),
        "topic": answer.topic,
        "score": answer.score,
        "suggestions": [{"topic": s.topic, "title": s.title} for s in answer.suggestions],
        "sources": [
            {"title": s.title, "url": s.url, "date": s.date, "publisher": s.publisher}
            for s in answer.sources
        ],
        "lang": answer.lang,
    }


class QuestionLog:
    """Records unanswered questions for editors; answering goes on if the database fails."""

    def __init__(self, storage: Storage | None) -> None:
        self.storage = storage

    async def record(self, answer: Answer) -> None:
        if self.storage is None or answer.status != NONE or not answer.query.strip():
            return
        try:
            await self.storage.questions.log(
                channel="cli",
                query=answer.query,
                lang=answer.lang,
                status=answer.status,
                topic=answer.topic,
                score=answer.score,
            )
        except Exception as exc:
            print(f"smolbot: could not record the question ({exc})", file=sys.stderr)
            self.storage = None


async def _open_log(settings: Settings) -> QuestionLog:
    storage = Storage(settings.database_path)
    try:
        await storage.open()
    except Exception as exc:
        print(
            "smolbot: questions will not be recorded: "
            f"cannot open {settings.database_path} ({exc})",
            file=sys.stderr,
        )
        await storage.close()
        return QuestionLog(None)
    return QuestionLog(storage)


def _lines(stream: TextIO) -> Iterator[str]:
    for raw in stream:
        yield raw.rstrip("\r\n")


async def cmd_ask(settings: Settings, args: argparse.Namespace) -> int:
    engine = await load_engine(settings)
    log = await _open_log(settings)
    try:
        from_stdin = args.question == ["-"]
        questions: Iterable[str] = _lines(sys.stdin) if from_stdin else [" ".join(args.question)]
        for question in questions:
            answer = engine.ask(question, lang=args.lang)
            await log.record(answer)
            if args.json:
                print(json.dumps(answer_json(answer), ensure_ascii=False), flush=True)
            else:
                print(
                    render_plain(answer), end="\n\n" if args.question == ["-"] else "\n", flush=True
                )
    finally:
        if log.storage:
            await log.storage.close()
    return EXIT_OK


def _chat_reply(engine: Engine, text: str, last: Answer | None, lang: str | None) -> Answer:
    """A number after a clarify or a list of services picks that item; anything else is a new
    question."""
    stripped = text.strip()
    if last is not None and last.suggestions and stripped.isdigit():
        pick = int(stripped)
        if 1 <= pick <= len(last.suggestions):
            return engine.answer_topic(
                last.suggestions[pick - 1].topic, last.lang, query=last.query
            )
    return engine.ask(text, lang=lang)


async def cmd_chat(settings: Settings, args: argparse.Namespace) -> int:
    engine = await load_engine(settings)
    log = await _open_log(settings)
    interactive = sys.stdin.isatty()
    if interactive:
        print("\n".join(t(lang, "chat_intro") for lang in LANGUAGES))
    last: Answer | None = None
    try:
        while True:
            if interactive:
                print("> ", end="", flush=True)
            line = sys.stdin.readline()
            if not line:
                break
            text = line.rstrip("\r\n")
            if not text.strip():
                continue
            answer = _chat_reply(engine, text, last, args.lang)
            await log.record(answer)
            reply = render_plain(answer)
            if answer.status == CLARIFY:
                reply += "\n\n" + t(answer.lang, "chat_clarify_hint")
            print(reply + "\n", flush=True)
            last = answer
    finally:
        if log.storage:
            await log.storage.close()
    return EXIT_OK


def _data_dir(settings: Settings, args: argparse.Namespace) -> Path:
    return Path(args.data) if getattr(args, "data", None) else settings.kb_data_dir


def check_sources(data_dir: Path) -> tuple[KnowledgeBase, Lexicon]:
    """The knowledge base and the lexicon of a data folder; KbInvalid lists the problems of
    both."""
    errors: list[KbError] = []
    kb = lexicon = None
    try:
        kb = load_dir(data_dir)
    except KbInvalid as exc:
        errors.extend(exc.errors)
    try:
        lexicon = lexicon_in(data_dir)
    except KbInvalid as exc:
        errors.extend(exc.errors)
    if kb is None or lexicon is None:
        raise KbInvalid(errors)
    return kb, lexicon


async def cmd_kb(settings: Settings, args: argparse.Namespace) -> int:
    data_dir = _data_dir(settings, args)
    if not data_dir.is_dir():
        print(f"smolbot: {data_dir}: no such directory", file=sys.stderr)
        return EXIT_INVALID
    if args.kb_command == "check":
        kb, lexicon = check_sources(data_dir)
        print(
            f"{data_dir}: OK — {len(kb.entries)} entries, {len(kb.sources)} sources, "
            f"{len(kb.ratings)} rating years, {len(kb.figures)} figures; "
            f"lexicon: {len(lexicon.synonyms)} concepts, {len(lexicon.stopwords)} stopwords"
        )
    elif args.kb_command == "build":
        kb = (await store.build(data_dir, settings.kb_path)).kb
        print(f"built {settings.kb_path} from {data_dir}: {len(kb.entries)} entries")
    elif args.kb_command == "export":
        kb = (await store.ensure_built(data_dir, settings.kb_path)).kb
        added: list[tuple[str, str]] = []
        if settings.database_path.exists():
            async with Storage(settings.database_path) as storage:
                added = await storage.phrasings.all()
        json.dump(store.export(kb, added), sys.stdout, ensure_ascii=False, indent=2)
        print()
    return EXIT_OK


async def database_problem(settings: Settings) -> str | None:
    """Why the database cannot be opened and migrated (corrupt, read-only...), or None."""
    import sqlite3

    try:
        async with Storage(settings.database_path):
            return None
    except (sqlite3.DatabaseError, OSError) as exc:
        return str(exc)


def cmd_run(settings: Settings, args: argparse.Namespace) -> int:
    """Every messenger whose token is set, until SIGINT or SIGTERM: Telegram by long polling
    (or a webhook with WEBHOOK_URL), MAX by long polling (or a webhook with MAX_WEBHOOK_URL)."""
    from bot.logs import configure_logging

    if not settings.channels:
        raise ConfigError(
            "neither TELEGRAM_BOT_TOKEN nor MAX_BOT_TOKEN is set: put the token from @BotFather"
            " or from business.max.ru into .env (see .env.example) or the environment"
        )
    problem = asyncio.run(database_problem(settings))
    if problem is not None:
        print(
            f"smolbot: cannot use the database {settings.database_path}: {problem}", file=sys.stderr
        )
        return EXIT_INVALID
    if settings.max_bot_token is not None and (failed := asyncio.run(max_problem(settings))):
        reason, exit_code = failed
        print(f"smolbot: {reason}", file=sys.stderr)
        return exit_code
    configure_logging(settings)
    if settings.telegram_bot_token is None:
        from bot.app import serve_max

        asyncio.run(serve_max(settings))
        return EXIT_OK
    return run_telegram(settings)


async def max_problem(settings: Settings) -> tuple[str, int] | None:
    """GET /me on MAX once before starting: a refused token is one line, not a traceback.
    Returns why MAX cannot be used, and the exit code that means."""
    from bot.channels.max.client import MaxApiError, MaxClient, MaxError

    assert settings.max_bot_token is not None
    client = MaxClient(settings.max_bot_token, settings.max_api_base_url, settings.max_ca_bundle)
    try:
        await client.me()
    except MaxApiError as exc:
        if exc.status == 401:
            return "MAX rejected MAX_BOT_TOKEN; check it on business.max.ru", EXIT_USAGE
        return f"MAX answered {exc} at {settings.max_api_base_url}", EXIT_INVALID
    except MaxError as exc:
        reason = f"cannot reach the MAX Bot API at {settings.max_api_base_url} ({exc})"
        return reason, EXIT_INVALID
    finally:
        await client.close()
    return None


def run_telegram(settings: Settings) -> int:
    """The Telegram Application runs the process (and starts MAX with it, if set)."""
    from telegram import Update
    from telegram.error import InvalidToken, NetworkError

    from bot.app import build_application

    app = build_application(settings)

    async def check_token() -> None:
        """getMe once before polling: a rejected token is one line, not PTB's retry log."""
        try:
            await app.bot.initialize()
        finally:
            await app.bot.shutdown()  # closes the HTTP sessions, also when getMe failed

    try:
        asyncio.run(check_token())
        if settings.webhook_url:
            from bot.channels.telegram.webhook import run_webhook

            asyncio.run(run_webhook(app, settings))
        else:
            app.run_polling(allowed_updates=Update.ALL_TYPES)
    except InvalidToken:
        print(
            "smolbot: Telegram rejected TELEGRAM_BOT_TOKEN; check it with @BotFather",
            file=sys.stderr,
        )
        return EXIT_USAGE
    except NetworkError as exc:
        print(
            f"smolbot: cannot reach the Bot API at {settings.telegram_api_base_url}"
            f" ({exc.message})",
            file=sys.stderr,
        )
        return EXIT_INVALID
    return EXIT_OK


async def cmd_facts(settings: Settings, args: argparse.Namespace) -> int:
    from bot.facts import build_facts, sheet, sheet_csv

    kb = (await store.ensure_built(settings.kb_data_dir, settings.kb_path)).kb
    facts = build_facts(kb)
    sys.stdout.write(sheet_csv(facts) if args.csv else sheet(facts, args.lang, html=False) + "\n")
    return EXIT_OK


def cmd_backup(settings: Settings, args: argparse.Namespace) -> int:
    """An online copy of DATABASE_PATH (SQLite's backup API: safe while the bot runs)."""
    import sqlite3

    source_path = settings.database_path
    if not source_path.exists():
        print(f"smolbot: {source_path}: no database to back up", file=sys.stderr)
        return EXIT_INVALID
    target = Path(args.path)
    if target.is_dir():
        target = target / f"{source_path.stem}-backup.sqlite3"
    partial = target.with_name(target.name + ".partial")
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
    partial.unlink(missing_ok=True)
    make_private(partial)
    try:
        copy = sqlite3.connect(partial)
        try:
            source.backup(copy)
        finally:
            copy.close()
    finally:
        source.close()
    partial.replace(target)  # a backup is whole or not there
    print(f"backed up {source_path} to {target}")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="smolbot", description="Smolensk e-services bot")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="run the bot on Telegram and/or MAX (whichever tokens are set)")
    ask = sub.add_parser("ask", help="answer one question (or '-' for one a line from stdin)")
    ask.add_argument("question", nargs="+", help="the question, or - to read questions from stdin")
    ask.add_argument("--json", action="store_true", help="print one JSON object per question")
    ask.add_argument("--lang", choices=LANGUAGES, help="answer in this language")
    chat = sub.add_parser("chat", help="talk to the bot in the terminal (reads stdin until EOF)")
    chat.add_argument("--lang", choices=LANGUAGES, help="answer in this language")
    facts = sub.add_parser("facts", help="the press sheet: key figures with dates and sources")
    facts.add_argument("--csv", action="store_true", help="as CSV, one fact a row")
    facts.add_argument("--lang", choices=LANGUAGES, default=DEFAULT_LANGUAGE)
    backup = sub.add_parser("backup", help="copy the database while the bot runs")
    backup.add_argument("path", help="the backup file (or a folder for it)")
    kb = sub.add_parser("kb", help="the knowledge base")
    kb_sub = kb.add_subparsers(dest="kb_command", required=True)
    for name, text in (
        ("build", "compile data/*.yaml into SQLite"),
        ("check", "validate the sources and the lexicon"),
        ("export", "print everything"),
    ):
        p = kb_sub.add_parser(name, help=text)
        p.add_argument("--data", metavar="DIR", help="the sources folder (default: data/)")
        if name == "export":
            p.add_argument("--json", action="store_true", required=True, help="as JSON")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
        if args.command == "run":
            return cmd_run(settings, args)
        if args.command == "backup":
            return cmd_backup(settings, args)
        handler = {"ask": cmd_ask, "chat": cmd_chat, "kb": cmd_kb, "facts": cmd_facts}[args.command]
        return asyncio.run(handler(settings, args))
    except ConfigError as exc:
        print(f"smolbot: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KbInvalid as exc:
        for error in exc.errors:
            print(error, file=sys.stderr)
        print(f"smolbot: the knowledge base has {len(exc.errors)} error(s)", file=sys.stderr)
        return EXIT_INVALID
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except OSError as exc:
        print(f"smolbot: {exc}", file=sys.stderr)
        return EXIT_INVALID


if __name__ == "__main__":
    sys.exit(main())

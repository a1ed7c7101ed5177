"""The `smolbot` command as other tools use it: run as a separate process."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import DATA

FIELDS = {"query", "status", "answer", "topic", "score", "suggestions", "sources", "lang"}


@pytest.fixture
def env(tmp_path: Path, kb_path: Path) -> dict[str, str]:
    """The environment of a machine where `smolbot` has run before: its knowledge base is
    compiled (test_ask_plain starts without it)."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "MAX_", "KB_", "DATABASE_"))
    }
    clean.update(KB_PATH=str(kb_path), DATABASE_PATH=str(tmp_path / "bot.sqlite3"))
    return clean


def smolbot(
    env: dict[str, str], *args: str, stdin: str = "", cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd or Path(env["KB_PATH"]).parent,
        timeout=60,
        check=False,
    )


def test_ask_plain(env: dict[str, str]) -> None:
    Path(env["KB_PATH"]).unlink()  # the first run on a new machine compiles the sources
    result = smolbot(env, "ask", "сколько стоит регистрация брака")
    assert result.returncode == 0, result.stderr
    assert "350 ₽" in result.stdout and "Источники" in result.stdout
    assert Path(env["KB_PATH"]).exists()


def test_ask_json_has_the_contract_fields(env: dict[str, str]) -> None:
    result = smolbot(env, "ask", "--json", "Калужская", "2019")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == FIELDS
    assert data["query"] == "Калужская 2019" and data["status"] == "answer" and data["lang"] == "ru"
    assert "23-е место" in data["answer"]
    assert data["sources"] and {"title", "url", "date"} <= set(data["sources"][0])


def test_ask_json_stdin_answers_every_line_in_order(env: dict[str, str]) -> None:
    questions = ["паспорт", "как приготовить борщ", "what place did smolensk take", "", "загс"]
    result = smolbot(env, "ask", "--json", "-", stdin="\n".join(questions) + "\n")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [d["query"] for d in lines] == questions
    assert [d["status"] for d in lines] == ["clarify", "none", "answer", "none", "answer"]
    assert lines[0]["suggestions"] and len(lines[0]["suggestions"]) <= 3
    assert lines[2]["lang"] == "en"


def test_unanswered_questions_are_stored_for_editors(env: dict[str, str]) -> None:
    smolbot(
        env, "ask", "--json", "-", stdin="как приготовить борщ\nрейтинг\nкак приготовить борщ\n"
    )
    with sqlite3.connect(env["DATABASE_PATH"]) as db:
        rows = db.execute("SELECT query, status FROM questions").fetchall()
    assert rows == [("как приготовить борщ", "none"), ("как приготовить борщ", "none")]


def test_an_unwritable_database_does_not_stop_answers(env: dict[str, str], tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    env["DATABASE_PATH"] = str(blocker / "sub" / "bot.sqlite3")
    result = smolbot(env, "ask", "борщ")
    assert result.returncode == 0 and "К сожалению" in result.stdout
    assert "will not be recorded" in result.stderr and "Traceback" not in result.stderr


def test_chat_piped_with_a_clarify_pick_and_a_new_question(env: dict[str, str]) -> None:
    result = smolbot(env, "chat", stdin="паспорт\n2\nзагс\n1\n")
    assert result.returncode == 0, result.stderr
    replies = result.stdout.split("Уточните")
    assert len(replies) == 2  # one clarify only
    after_pick = replies[1]
    assert "загранпаспорт" in after_pick.lower()  # "2" picked the second suggestion
    assert "Регистрация брака" in after_pick  # "загс" was a new question
    # "1" after an answer is a new question, not a pick: it gets the fallback.
    assert after_pick.rstrip().endswith("МФЦ «Мои документы».")


def test_chat_picks_from_a_list_of_services_by_number(env: dict[str, str]) -> None:
    result = smolbot(env, "chat", stdin="налоги\n3\n")
    assert result.returncode == 0, result.stderr
    listing, card = result.stdout.split("3. Выписка из ЕГРН")
    assert listing.startswith("Налоги и имущество")
    assert "\nВыписка из ЕГРН\n" in card and "Госпошлина:" in card  # the whole card


def test_kb_check_ok_and_broken(env: dict[str, str], tmp_path: Path) -> None:
    ok = smolbot(env, "kb", "check")
    assert ok.returncode == 0 and "OK" in ok.stdout and "lexicon: " in ok.stdout
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "a.yaml").write_text(
        "entries:\n  - id: x\n    kind: info\n    title: [\n", encoding="utf-8"
    )
    result = smolbot(env, "kb", "check", "--data", str(broken))
    assert result.returncode == 1
    assert "a.yaml:" in result.stderr and "YAML syntax" in result.stderr
    assert "Traceback" not in result.stderr
    missing = smolbot(env, "kb", "check", "--data", str(tmp_path / "nope"))
    assert missing.returncode == 1 and "no such directory" in missing.stderr


def test_kb_check_names_a_broken_lexicon_by_file_and_line(
    env: dict[str, str], tmp_path: Path
) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    lexicon = data / "lexicon.yaml"
    lines = lexicon.read_text(encoding="utf-8").splitlines(keepends=True)
    at = lines.index("  - тетя\n")
    lines[at] = "  - тётя\n"
    lexicon.write_text("".join(lines), encoding="utf-8")
    result = smolbot(env, "kb", "check", "--data", str(data))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"lexicon.yaml:{at + 1}: context_words: 'тётя' has ё")
    assert "1 error(s)" in result.stderr
    lexicon.unlink()
    missing = smolbot(env, "kb", "check", "--data", str(data))
    assert missing.returncode == 1 and f"{lexicon}:0: no lexicon" in missing.stderr


def test_kb_build_and_export(env: dict[str, str]) -> None:
    built = smolbot(env, "kb", "build", "--data", str(DATA))
    assert built.returncode == 0 and Path(env["KB_PATH"]).exists()
    exported = smolbot(env, "kb", "export", "--json")
    data = json.loads(exported.stdout)
    assert any(e["id"] == "hunting-licence-cancel" for e in data["entries"])


async def test_kb_export_includes_phrasings_editors_attached(env: dict[str, str]) -> None:
    from bot.storage import Storage

    async with Storage(Path(env["DATABASE_PATH"])) as storage:
        await storage.phrasings.add("mfc", "где взять талон в мфц", added_by=1)
    exported = json.loads(smolbot(env, "kb", "export", "--json").stdout)
    mfc = next(e for e in exported["entries"] if e["id"] == "mfc")
    assert mfc["phrasings_added"] == ["где взять талон в мфц"]
    assert all(e["phrasings_added"] == [] for e in exported["entries"] if e["id"] != "mfc")


def test_facts_csv_and_plain(env: dict[str, str]) -> None:
    import csv
    import io

    result = smolbot(env, "facts", "--csv")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {"rank-2020-smolensk", "fig-registered-86"} <= {r["id"] for r in rows}
    assert all(r["source_publisher"] and r["date"] for r in rows)
    plain = smolbot(env, "facts", "--lang", "en").stdout
    assert plain.startswith("Key figures") and "<" not in plain and "Source:" in plain


def test_bad_settings_give_one_clear_line(env: dict[str, str]) -> None:
    env["LOG_LEVEL"] = "LOUD"
    result = smolbot(env, "ask", "рейтинг")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "smolbot: LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL, got 'LOUD'"
    ]


def test_backup_is_a_whole_readable_copy(env: dict[str, str], tmp_path: Path) -> None:
    smolbot(env, "ask", "как приготовить борщ")  # creates the database with one question
    result = smolbot(env, "backup", str(tmp_path / "copy.sqlite3"))
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(tmp_path / "copy.sqlite3") as db:
        assert db.execute("SELECT query FROM questions").fetchall() == [("как приготовить борщ",)]
    assert not list(tmp_path.glob("*.partial"))
    env["DATABASE_PATH"] = str(tmp_path / "none.sqlite3")
    missing = smolbot(env, "backup", str(tmp_path / "x.sqlite3"))
    assert missing.returncode == 1 and "no database" in missing.stderr

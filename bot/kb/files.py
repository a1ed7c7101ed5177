"""Which files make the knowledge base (without importing the YAML reader)."""

from __future__ import annotations

from pathlib import Path

# The lexicon (bot/engine/lexicon.py) lives beside the knowledge base's files but is not one.
LEXICON_FILE = "lexicon.yaml"


def data_files(data_dir: Path) -> list[Path]:
    """The knowledge base's YAML files."""
    return sorted(p for p in data_dir.glob("*.yaml") if p.is_file() and p.name != LEXICON_FILE)


def source_files(data_dir: Path) -> list[Path]:
    """Every file the compiled knowledge base is made from: its YAML files and the lexicon."""
    lexicon = data_dir / LEXICON_FILE
    return [*data_files(data_dir), *([lexicon] if lexicon.is_file() else [])]

"""Which files make the knowledge base (without importing the YAML reader)."""

from __future__ import annotations

from pathlib import Path


def data_files(data_dir: Path) -> list[Path]:
    return sorted(p for p in data_dir.glob("*.yaml") if p.is_file())

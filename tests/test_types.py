"""mypy over the code ([tool.mypy] in pyproject.toml) as one of the tests.

`make test` runs the tests in parallel processes (pytest-xdist); as a test, mypy's ~12 s from a
cold cache run beside the other tests instead of before them. conftest.py puts it first.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from .conftest import ROOT


def test_mypy_finds_no_errors() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if result.returncode != 0:  # mypy's own report, without a traceback around it
        pytest.fail(f"mypy:\n{result.stdout}{result.stderr}", pytrace=False)

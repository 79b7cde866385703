"""The house rules that tools can check: layers, lint and strict typing."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_import_linter_contracts_are_kept() -> None:
    """Layers point down; Qt only in the UI and the PDF writer; SQL only in storage."""
    executable = shutil.which("lint-imports")
    assert executable, "import-linter is part of the test extra"
    result = run(executable)
    assert result.returncode == 0, result.stdout[-4000:]


def test_ruff_is_clean() -> None:
    result = run(sys.executable, "-m", "ruff", "check", "warroom", "tests")
    assert result.returncode == 0, result.stdout[-4000:]


@pytest.mark.slow
def test_mypy_strict_is_clean() -> None:
    result = run(sys.executable, "-m", "mypy")
    assert result.returncode == 0, result.stdout[-4000:]

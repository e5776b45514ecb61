"""ruff over the code and the notebooks is part of the test command (CI enforces it)."""

from __future__ import annotations

import subprocess
import sys

from notebook_utils import ROOT

LINTED = ["lesson.py", "conftest.py", "scripts", "tests", "episodes"]


def test_ruff_finds_nothing():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", *LINTED],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


def test_lesson_py_lints_the_same_paths():
    assert f"LINTED = {LINTED!r}".replace("'", '"') in (ROOT / "lesson.py").read_text()

"""lesson.py, the front door: its usage and its refusal of unknown commands."""

from __future__ import annotations

import subprocess
import sys

import pytest

from notebook_utils import ROOT


def lesson(*args):
    return subprocess.run([sys.executable, str(ROOT / "lesson.py"), *args],
                          capture_output=True, text=True, timeout=60)


def test_help_names_the_two_commands():
    out = lesson("--help")
    assert out.returncode == 0
    assert "python3 lesson.py lab" in out.stdout and "python3 lesson.py test" in out.stdout
    assert "python3 lesson.py test --fast" in out.stdout


def test_unknown_command_is_refused():
    out = lesson("frobnicate")
    assert out.returncode == 2 and "Unknown command" in out.stdout


def test_readme_states_the_same_two_commands():
    readme = (ROOT / "README.md").read_text()
    assert "python3 lesson.py lab" in readme and "python3 lesson.py test" in readme


def test_the_lesson_installs_only_the_lesson_lock_and_tests_add_the_dev_lock():
    import importlib.util

    spec = importlib.util.spec_from_file_location("lesson_cli", ROOT / "lesson.py")
    cli = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(cli)
    assert {"lab", "setup", "prefetch", "check"} == cli.LESSON_COMMANDS
    assert "test" in cli.DEV_COMMANDS and not cli.LESSON_COMMANDS & cli.DEV_COMMANDS


@pytest.mark.slow
def test_the_fast_lane_collects_the_unit_tests_only():
    out = subprocess.run([sys.executable, str(ROOT / "lesson.py"), "test", "--fast", "--no-venv",
                          "--collect-only", "-q"], capture_output=True, text=True, timeout=300,
                         cwd=ROOT)
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    collected = out.stdout
    assert "tests/test_data.py::" in collected and ".ipynb" not in collected
    assert "test_learning.py" not in collected and "test_browser.py" not in collected

"""The lock files and the conda environment, from ``pyproject.toml`` (one source).

    python -m lessontools lock            recompile, keeping every pin that still fits
    python -m lessontools lock --upgrade  recompile with the newest versions that fit

``requirements.txt`` pins every package, transitive ones included, that running the lesson
needs (``pip install -e .[lab]``): it is what ``lesson.py lab`` installs, so a rerun next month
gets the same numbers. ``requirements-dev.txt`` adds the test and maintainer tools (``.[dev]``)
with the same pins for the shared packages: ``lesson.py test`` installs it. Both are universal
(one file for Linux, macOS and Windows; environment markers choose). ``environment.yml``
(conda, Binder) is generated from ``requirements.txt``; a test checks that it is current.
"""

from __future__ import annotations

import subprocess
import sys

from cnnlesson.settings import project_root

LESSON_LOCK = "requirements.txt"
DEV_LOCK = "requirements-dev.txt"
ENVIRONMENT = "environment.yml"
PYTHON = "3.11.5"  # the oldest Python the pinned packages all support


def lock_commands(upgrade: bool = False) -> list[list[str]]:
    common = ["--universal", "--python-version", PYTHON] + (["--upgrade"] if upgrade else [])
    return [
        ["uv", "pip", "compile", "pyproject.toml", "--extra", "lab", *common, "-o", LESSON_LOCK],
        ["uv", "pip", "compile", "pyproject.toml", "--extra", "lab", "--extra", "dev", *common,
         "-c", LESSON_LOCK, "-o", DEV_LOCK],
    ]


def requirement_lines(lock_text: str) -> list[str]:
    """The requirement lines of a lock file (pins with their markers), comments dropped."""
    lines = []
    for line in lock_text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            lines.append(line)
    return lines


def environment_yml(lock_text: str) -> str:
    """The conda environment (Binder) with exactly the pins of the lesson lock file."""
    pins = "".join(f'      - "{line}"\n' for line in requirement_lines(lock_text))
    return ("# Conda / Binder environment, generated from requirements.txt by "
            "`python -m lessontools lock`:\n"
            "# do not edit. After creating it, install the lesson package:\n"
            "#   conda env create -f environment.yml && conda activate cnn-lesson && "
            "pip install --no-deps -e .\n"
            "name: cnn-lesson\nchannels:\n  - conda-forge\ndependencies:\n"
            "  - python=3.11\n  - pip\n  - pip:\n" + pins)


def main(argv: list[str] | None = None) -> int:
    root = project_root()
    upgrade = "--upgrade" in (argv or [])
    uv = [sys.executable, "-m", "uv"]
    for command in lock_commands(upgrade):
        print("+", " ".join(command), flush=True)
        if subprocess.call(uv + command[1:], cwd=root) != 0:
            return 1
    (root / ENVIRONMENT).write_text(environment_yml((root / LESSON_LOCK).read_text()))
    print("wrote", ENVIRONMENT)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

#!/usr/bin/env python3
"""One command for the lesson. Needs only Python 3.10+ and pip; sets everything else up itself.

    python3 lesson.py lab          set up, fetch the data, open the lesson in JupyterLab
    python3 lesson.py test         set up, fetch the data, lint, run every test (CI runs this)
    python3 lesson.py test --fast  only the unit tests (under a minute): no notebooks, no
                                   training on real data, no browser

Other commands, for instructors and developers:

    python3 lesson.py setup      only create/update the virtual environment .venv/
    python3 lesson.py prefetch   fetch and verify all data; prints a pass/fail table
    python3 lesson.py check      is this machine ready? versions, devices, memory, data
    python3 lesson.py bench      run episodes in full mode; time, memory and accuracy table
    python3 lesson.py catchup    remake the catch-up models in fit_outputs/catchup/
    python3 lesson.py learners   regenerate the learner copies (solutions replaced by starts)
    python3 lesson.py lint       ruff over the packages, tests and notebooks
    python3 lesson.py lock       recompile the lock files and environment.yml from pyproject.toml
    python3 lesson.py site       build the lesson's website into site/_build/html/ (no network)

`lab`, `setup`, `prefetch` and `check` install the lesson's lock file (requirements.txt); the
other commands also need the test and maintainer tools (requirements-dev.txt, the `dev` extra).
Add --no-venv to use the current Python environment instead of .venv/ (conda, Binder, Colab).
Arguments after the command go to the tool it runs (jupyter lab, pytest, the benchmark).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP_NAME = ".cnnlesson-installed"
LINTED = ["lesson.py", "conftest.py", "scripts", "tests", "episodes"]
USAGE = __doc__


def venv_python() -> Path:
    if os.name == "nt":
        return VENV / "Scripts" / "python.exe"
    return VENV / "bin" / "python"


LESSON_COMMANDS = {"setup", "lab", "prefetch", "check"}
DEV_COMMANDS = {"test", "bench", "catchup", "learners", "lint", "lock", "site"}


def requirements_hash(lock: str) -> str:
    digest = hashlib.sha256()
    for name in (lock, "pyproject.toml"):
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()


def run(cmd: list[str], **kwargs) -> int:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    return subprocess.call([str(c) for c in cmd], cwd=ROOT, **kwargs)


def setup(use_venv: bool, dev: bool = False) -> str:
    """Return the Python to run the lesson with, installing what is missing: the lesson's lock
    file, or with ``dev`` the one that adds the test and maintainer tools."""
    if sys.version_info < (3, 11):  # noqa: UP036 (runs under any python3, says why it stops)
        sys.exit(f"Python 3.11 or newer is needed; this is {sys.version.split()[0]}.")
    if not use_venv:
        python = sys.executable
        stamp = Path(sys.prefix) / STAMP_NAME
    else:
        python = str(venv_python())
        stamp = VENV / STAMP_NAME
        if not venv_python().exists():
            print(f"Creating the virtual environment {VENV} ...", flush=True)
            venv.EnvBuilder(with_pip=True).create(VENV)
    done = stamp.read_text().split() if stamp.exists() else []
    locks = ["requirements.txt"] + (["requirements-dev.txt"] if dev else [])
    for lock in locks:
        wanted = f"{lock}:{requirements_hash(lock)}"
        if wanted in done:
            continue
        print(f"Installing the pinned packages of {lock} and the lesson package (a few minutes, "
              "once) ...", flush=True)
        pip = [python, "-m", "pip", "--disable-pip-version-check"]
        code = run(pip + ["install", "--quiet", "-r", lock])
        if code == 0:
            code = run(pip + ["install", "--quiet", "--no-deps", "-e", "."])
        if code != 0:
            sys.exit("Installing the packages failed (see pip's message above).")
        done = [d for d in done if not d.startswith(f"{lock}:")] + [wanted]
        stamp.write_text("\n".join(done) + "\n")
    return python


def prefetch(python: str) -> int:
    return run([python, "-m", "cnnlesson.environment", "prefetch"])


def main(argv: list[str]) -> int:
    use_venv = "--no-venv" not in argv
    argv = [a for a in argv if a != "--no-venv"]
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(USAGE)
        return 0
    command, rest = argv[0], argv[1:]
    if command not in LESSON_COMMANDS | DEV_COMMANDS:
        print(f"Unknown command {command!r}.\n{USAGE}")
        return 2
    python = setup(use_venv, dev=command in DEV_COMMANDS)
    if command == "setup":
        return 0
    if command == "prefetch":
        return prefetch(python)
    if command == "lab":
        if prefetch(python) != 0:
            print("Some data is missing (see the table above); episodes that need it will say "
                  "so. Opening the lesson anyway.", flush=True)
        return run([python, "-m", "jupyterlab", "--notebook-dir", str(ROOT),
                    "--LabApp.default_url=/lab/tree/episodes", *rest])
    if command == "test":
        env = {**os.environ, "CNNLESSON_MODE": "quick", "CNNLESSON_NO_PROGRESS": "1"}
        if "--fast" in rest:  # unit tests only: no data needed, nothing fetched
            rest = [a for a in rest if a != "--fast"]
            return run([python, "-m", "pytest", "tests", "-m", "not slow and not browser",
                        "-p", "no:nbval", "-o", "addopts=-ra -p no:cacheprovider", *rest],
                       env=env)
        if prefetch(python) != 0:
            return 1
        return run([python, "-m", "pytest", *rest], env=env)
    if command == "check":
        return run([python, "-m", "cnnlesson.environment", "check"])
    if command == "lint":
        return run([python, "-m", "ruff", "check", *LINTED, *rest])
    return run([python, "-m", "lessontools", command, *rest])  # bench catchup learners lock


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

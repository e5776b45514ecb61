"""Opening the episodes in Google Colab (developer tooling, not lesson content).

Every episode notebook starts with

- an "Open in Colab" badge in its title cell, pointing at the notebook's *learner copy*
  (``episodes/learner/``: exercises to write, not to read; a second link opens the copy with
  the solutions), and
- a first code cell that does nothing except on Colab. There it clones the repository once
  into ``/content``, installs the helper package with ``pip install --no-deps -e`` (so Colab's
  own TensorFlow and Keras stay as they are) plus the few packages the episodes import that
  Colab lacks, makes it importable without a restart, and changes into ``episodes/`` as
  JupyterLab would.

The repository's public address is written in one place, ``[project.urls] Repository`` in
``pyproject.toml``. ``python -m cnnlesson.notebooks colab`` (re)writes the badge and the cell
from it into the instructor notebooks; ``python3 lesson.py learners`` then carries them into the
learner copies. Running it twice changes nothing, and it leaves every other cell's outputs as
they are (the new cell counts as executed first, as in a real run, where it prints nothing).
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

BRANCH = "main"
CELL_ID = "colab-setup"
BADGE_IMAGE = "https://colab.research.google.com/assets/colab-badge.svg"
BADGE_START = "[![Open In Colab]"
# Packages the episodes import that Colab's preinstalled set lacks (numpy, pillow, tqdm,
# matplotlib, scikit-learn, tensorflow, keras 3, tensorboard, ipywidgets and psutil come with
# Colab). Their versions come from requirements.txt.
COLAB_EXTRA_PACKAGES = ("scikeras",)


def repository_url(root: Path) -> str:
    """``[project.urls] Repository`` of pyproject.toml, without a trailing slash."""
    text = (root / "pyproject.toml").read_text()
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        match = re.search(r"^\[project\.urls\][^\[]*?^Repository\s*=\s*\"([^\"]+)\"", text,
                          re.M | re.S)
        if not match:
            raise ValueError("pyproject.toml has no [project.urls] Repository") from None
        url = match[1]
    else:
        url = tomllib.loads(text)["project"]["urls"]["Repository"]
    url = url.rstrip("/")
    if not re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", url):
        raise ValueError(f"Colab opens GitHub repositories only, not {url!r}")
    return url


def colab_link(repo_url: str, path_in_repo: str) -> str:
    """The Colab address that opens ``path_in_repo`` of the GitHub repository."""
    owner_repo = repo_url.removeprefix("https://github.com/")
    return f"https://colab.research.google.com/github/{owner_repo}/blob/{BRANCH}/{path_in_repo}"


def badge_line(repo_url: str, name: str, *, with_solutions: bool) -> str:
    """The markdown line under the title: badge to the learner copy (and a link to the
    instructor copy when the episode has solutions)."""
    line = (f"{BADGE_START}({BADGE_IMAGE})]"
            f"({colab_link(repo_url, f'episodes/learner/{name}')})")
    if with_solutions:
        line += f" (or [with the solutions]({colab_link(repo_url, f'episodes/{name}')}))"
    return line


def _pins(root: Path) -> dict[str, str]:
    pins = {}
    for line in (root / "requirements.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            name, version = line.split("==", 1)
            pins[name.strip().lower()] = version.strip()
    return pins


def setup_cell_source(repo_url: str, extra_packages: list[str]) -> str:
    """The first code cell of every episode (see the module docstring)."""
    folder = "/content/" + repo_url.rsplit("/", 1)[1]
    packages = "[" + ", ".join(f'"{p}"' for p in extra_packages) + "]"
    return f'''\
# On Google Colab only: fetch the lesson and install its helper package. Elsewhere: nothing.
import sys

if "google.colab" in sys.modules:
    import importlib.util
    import os
    import subprocess

    url = "{repo_url}"
    lesson = "{folder}"
    done = []
    if not os.path.isdir(lesson):
        subprocess.run(["git", "clone", "--depth", "1", "--quiet", url, lesson], check=True)
        done.append("cloned the lesson")
    if importlib.util.find_spec("cnnlesson") is None:
        # --no-deps keeps Colab's TensorFlow and Keras; add only what Colab lacks
        missing = [p for p in {packages}
                   if importlib.util.find_spec(p.split("==")[0]) is None]
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                        "-e", lesson, *missing], check=True)
        sys.path.insert(0, os.path.join(lesson, "scripts"))  # importable without a restart
        importlib.invalidate_caches()
        done.append("installed cnnlesson" + "".join(" and " + p for p in missing))
    os.chdir(os.path.join(lesson, "episodes"))
    print("Colab:", "; ".join(done) or "lesson already set up", "- working in", os.getcwd())\
'''


def expected_setup_cell_source(root: Path) -> str:
    pins = _pins(root)
    extras = [f"{p}=={pins[p]}" if p in pins else p for p in COLAB_EXTRA_PACKAGES]
    return setup_cell_source(repository_url(root), extras)


def has_solutions(nb: nbformat.NotebookNode) -> bool:
    from .notebooks import is_solution

    return any(is_solution(c) for c in nb.cells)


def add_colab(nb: nbformat.NotebookNode, name: str, repo_url: str, cell_source: str) -> None:
    """Put the badge under the title and the set-up cell first (or update them), in place."""
    title = nb.cells[0]
    if title.cell_type != "markdown" or not title.source.startswith("# "):
        raise ValueError(f"{name}: the first cell must be the markdown title '# NN — ...'")
    badge = badge_line(repo_url, name, with_solutions=has_solutions(nb))
    lines = title.source.split("\n")
    at = next((i for i, line in enumerate(lines) if line.startswith(BADGE_START)), None)
    if at is None:
        lines[1:1] = ["", badge]
    else:
        lines[at] = badge
    title.source = "\n".join(lines)

    cell = next((c for c in nb.cells if c.get("id") == CELL_ID), None)
    if cell is not None:
        cell.source = cell_source
        return
    cell = nbformat.v4.new_code_cell(cell_source)
    cell.id = CELL_ID
    nb.cells.insert(1, cell)
    if any(c.cell_type == "code" and c.execution_count is not None for c in nb.cells):
        # a stored run: the new cell ran first (printing nothing off Colab); renumber
        count = 0
        for c in nb.cells:
            if c.cell_type != "code" or (c.execution_count is None and c is not cell):
                continue
            count += 1
            c.execution_count = count
            for out in c.outputs:
                if out.output_type == "execute_result":
                    out.execution_count = count


def apply(root: Path, paths: list[Path]) -> list[Path]:
    """Add or update the Colab badge and cell in ``paths``; returns the files it changed."""
    from .download import atomic_write_bytes

    repo_url = repository_url(root)
    source = expected_setup_cell_source(root)
    changed = []
    for path in paths:
        before = path.read_text()
        nb = nbformat.reads(before, as_version=4)
        add_colab(nb, path.name, repo_url, source)
        after = nbformat.writes(nb) + "\n"
        if after != before:
            atomic_write_bytes(path, after.encode())
            changed.append(path)
    return changed

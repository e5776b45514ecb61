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
``pyproject.toml``. ``python -m lessontools colab`` (re)writes the badge and the cell
from it into the instructor notebooks; ``python3 lesson.py learners`` then carries them into the
learner copies. Running it twice changes nothing, and it leaves every other cell's outputs as
they are (the new cell counts as executed first, as in a real run, where it prints nothing).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import nbformat

from cnnlesson.environment import pinned_versions

from . import learners, notebooks

BRANCH = "main"
CELL_ID = notebooks.COLAB_CELL_ID
BADGE_IMAGE = "https://colab.research.google.com/assets/colab-badge.svg"
BADGE_START = "[![Open In Colab]"
# Packages the episodes import that Colab's preinstalled set lacks, pinned as in requirements.txt.
# None today: numpy, pillow, tqdm, matplotlib, scikit-learn, tensorflow, keras 3, tensorboard,
# ipython, ipywidgets, psutil and packaging all come with Colab.
COLAB_EXTRA_PACKAGES: tuple[str, ...] = ()


def repository_url(root: Path) -> str:
    """``[project.urls] Repository`` of pyproject.toml, without a trailing slash."""
    url = tomllib.loads((root / "pyproject.toml").read_text())["project"]["urls"]["Repository"]
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


def setup_cell_source(repo_url: str, extra_packages: list[str]) -> str:
    """The first code cell of every episode (see the module docstring)."""
    folder = "/content/" + repo_url.rsplit("/", 1)[1]
    packages = "[" + ", ".join(f'"{p}"' for p in extra_packages) + "]"
    if extra_packages:
        install = f"""\
        # --no-deps keeps Colab's TensorFlow and Keras; add only what Colab lacks
        missing = [p for p in {packages}
                   if importlib.util.find_spec(p.split("==")[0]) is None]
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                        "-e", lesson, *missing], check=True)"""
        installed = '"installed cnnlesson" + "".join(" and " + p for p in missing)'
    else:
        install = """\
        # --no-deps keeps Colab's TensorFlow and Keras (Colab has every package we need)
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                        "-e", lesson], check=True)"""
        installed = '"installed cnnlesson"'
    return f'''\
# On Google Colab only: fetch the lesson and install its package. Elsewhere: nothing.
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
{install}
        sys.path.insert(0, os.path.join(lesson, "scripts"))  # importable without a restart
        importlib.invalidate_caches()
        done.append({installed})
    os.chdir(os.path.join(lesson, "episodes"))
    print("Colab:", "; ".join(done) or "lesson already set up", "- working in", os.getcwd())\
'''


def expected_setup_cell_source(root: Path) -> str:
    pins = pinned_versions(root / "requirements.txt")
    extras = [f"{p}=={pins[p]}" if p in pins else p for p in COLAB_EXTRA_PACKAGES]
    return setup_cell_source(repository_url(root), extras)


def has_solutions(nb: nbformat.NotebookNode) -> bool:
    return any(learners.is_solution(c) for c in nb.cells)


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
    if cell is None:
        cell = nbformat.v4.new_code_cell(cell_source)
        cell.id = CELL_ID
        nb.cells.insert(1, cell)
        if any(c.cell_type == "code" and c.execution_count is not None for c in nb.cells):
            cell.execution_count = 0  # a stored run: the new cell ran first, printing nothing
            notebooks.renumber(nb)
    cell.source = cell_source
    cell.metadata.setdefault("jupyter", {})["source_hidden"] = True


def apply(root: Path, paths: list[Path]) -> list[Path]:
    """Add or update the Colab badge and cell in ``paths``; returns the files it changed."""
    repo_url = repository_url(root)
    source = expected_setup_cell_source(root)
    changed = []
    for path in paths:
        nb = notebooks.read(path)
        add_colab(nb, path.name, repo_url, source)
        if notebooks.write(nb, path, normalise=False):
            changed.append(path)
    return changed

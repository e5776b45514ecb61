"""Executing and normalizing the episode notebooks (developer tooling, not lesson content).

Stored notebooks keep the outputs of a full-mode run, so learners see real results on GitHub and
nbval has deterministic outputs to compare against. Before storing, outputs that differ from
machine to machine are removed: stderr streams (TensorFlow's start-up logs, warnings), widget
state and per-cell timing metadata.
"""

from __future__ import annotations

import os
from pathlib import Path

import nbformat

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def normalize(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop volatile parts in place (stderr, widget state, timings) and return the notebook."""
    nb.metadata.pop("widgets", None)
    nb.metadata.pop("papermill", None)
    count = 0
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type != "code":
            continue
        kept = []
        for out in cell.get("outputs", []):
            if out.output_type == "stream" and out.name == "stderr":
                continue
            if out.output_type in ("display_data", "execute_result"):
                out.data.pop(WIDGET_VIEW, None)
                if not out.data:
                    continue
            kept.append(out)
        cell.outputs = kept
        if cell.execution_count is not None:
            count += 1
            cell.execution_count = count
            for out in kept:
                if out.output_type == "execute_result":
                    out.execution_count = count
    return nb


def execute(path: str | os.PathLike, *, env: dict[str, str] | None = None,
            extra_cells: list[str] = (), timeout: int = 1800) -> nbformat.NotebookNode:
    """Run a notebook top to bottom in a fresh kernel started in the notebook's folder (as nbval
    and JupyterLab do), with ``env`` added to the environment. ``extra_cells`` are appended
    code cells (the benchmark's measurements); they stay in the returned notebook."""
    from nbclient import NotebookClient

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    for source in extra_cells:
        nb.cells.append(nbformat.v4.new_code_cell(source))
    old_env = dict(os.environ)
    os.environ.update(env or {})
    try:
        client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                                resources={"metadata": {"path": str(path.parent)}})
        client.execute()
    finally:
        os.environ.clear()
        os.environ.update(old_env)
    return nb


def write(nb: nbformat.NotebookNode, path: str | os.PathLike) -> None:
    """Write a normalized notebook (atomically, with a trailing newline)."""
    from .download import atomic_write_bytes

    text = nbformat.writes(normalize(nb)) + "\n"
    atomic_write_bytes(path, text.encode())


def episode_notebooks(root: Path) -> list[Path]:
    """The numbered episode notebooks, in order."""
    return sorted(p for p in (root / "episodes").glob("[0-9][0-9]_*.ipynb"))


SOLUTION_TAG = "solution"
HIDDEN_HINT = "Solutions are hidden below each exercise"
STUB = ("# Your solution: write it here, then run the cell.\n"
        "# (The instructor's copy of this episode has a worked solution.)\n")


def is_solution(cell) -> bool:
    """A solution is a code cell with hidden source, or any cell tagged ``solution``."""
    hidden = cell.cell_type == "code" and cell.metadata.get("jupyter", {}).get("source_hidden")
    return bool(hidden) or SOLUTION_TAG in cell.metadata.get("tags", [])


def make_learner_copy(nb: nbformat.NotebookNode, source_name: str) -> nbformat.NotebookNode:
    """The learner's copy of an instructor notebook: every solution code cell becomes an empty
    stub that runs without error, cells tagged ``solution`` are dropped, and everything else
    is kept with its outputs (so nbval can test the copy too)."""
    import copy

    learner = copy.deepcopy(nb)
    cells = []
    for cell in learner.cells:
        if cell.cell_type == "code" and is_solution(cell) and SOLUTION_TAG not in \
                cell.metadata.get("tags", []):
            stub = nbformat.v4.new_code_cell(STUB)
            stub.id = cell.get("id", stub.id)
            cells.append(stub)
        elif is_solution(cell):
            continue
        else:
            if cell.cell_type == "markdown" and HIDDEN_HINT in cell.source:
                cell.source = cell.source.replace(
                    "Solutions are hidden below each exercise: click the `…` of the collapsed "
                    "cell to show it.",
                    "Write your solution in the empty cell below each exercise.")
            cells.append(cell)
    note = nbformat.v4.new_markdown_cell(
        f"*Learner copy, generated from `episodes/{source_name}` by `python3 lesson.py "
        "learners`: edit the instructor's copy, not this one.*")
    note.id = "learner-copy-note"
    learner.cells = cells[:1] + [note] + cells[1:]
    count = 0
    for cell in learner.cells:
        if cell.cell_type == "code":
            count += 1
            cell.execution_count = count if cell.outputs or cell.source != STUB else None
            for out in cell.outputs:
                if out.output_type == "execute_result":
                    out.execution_count = count
    return learner


def learner_dir(root: Path) -> Path:
    return root / "episodes" / "learner"


def write_learner_copies(root: Path) -> list[Path]:
    """Regenerate ``episodes/learner/*.ipynb`` from the instructor notebooks."""
    from .download import atomic_write_bytes

    written = []
    for path in episode_notebooks(root):
        learner = make_learner_copy(nbformat.read(path, as_version=4), path.name)
        target = learner_dir(root) / path.name
        atomic_write_bytes(target, (nbformat.writes(learner) + "\n").encode())
        written.append(target)
    return written


if __name__ == "__main__":
    import sys

    from .settings import project_root

    if sys.argv[1:] == ["learners"]:
        for p in write_learner_copies(project_root()):
            print("wrote", p.relative_to(project_root()))
    elif sys.argv[1:2] == ["colab"]:
        # python -m cnnlesson.notebooks colab [NN ...]: Colab badge and set-up cell (colab.py)
        from .colab import apply

        chosen = [p for p in episode_notebooks(project_root())
                  if not sys.argv[2:] or any(p.name.startswith(e) for e in sys.argv[2:])]
        changed = apply(project_root(), chosen)
        for p in chosen:
            print("updated" if p in changed else "unchanged", p.relative_to(project_root()))
        if changed:
            print("Now regenerate the learner copies: python3 lesson.py learners")
    else:
        print("usage: python -m cnnlesson.notebooks learners | colab [NN ...]")
        sys.exit(2)

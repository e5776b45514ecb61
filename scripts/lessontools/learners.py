"""Learner copies: the instructor notebooks with every exercise solution replaced by a start.

An exercise solution is a code cell whose source is hidden (``jupyter.source_hidden``); in the
learner copy it becomes the skeleton stored in its metadata (``cnnlesson.skeleton``: the start
of an answer with blanks, ``...``, that already runs and checks itself) or, without one, an
empty cell to write in. Markdown cells tagged ``solution`` (answers in words) are dropped.
Everything else is kept as it is, outputs included.

The learner copies are never executed by the tests. Instead the instructor notebook runs once
(nbval), each learner start runs in place there in a copy of the namespace (see the root
``conftest.py``), and :func:`run_all_problems` checks statically that nothing after an exercise
needs a name that only its solution defines, nor a name its start would change.
"""

from __future__ import annotations

import ast
import copy
import re
from pathlib import Path

import nbformat

from . import notebooks

SOLUTION_TAG = "solution"
STUB = "# Your answer: write it here, then run the cell.\n"
NOTE_ID = "learner-copy-note"


def is_solution(cell) -> bool:
    """A solution is a hidden code cell (not the Colab set-up cell), or any cell tagged
    ``solution``."""
    if SOLUTION_TAG in cell.metadata.get("tags", []):
        return True
    hidden = cell.cell_type == "code" and cell.metadata.get("jupyter", {}).get("source_hidden")
    return bool(hidden) and cell.get("id") != notebooks.COLAB_CELL_ID


def skeleton(cell) -> str:
    """What the learner copy shows instead of the solution code cell ``cell``."""
    return cell.metadata.get("cnnlesson", {}).get("skeleton") or STUB


def make_learner_copy(nb: nbformat.NotebookNode, source_name: str) -> nbformat.NotebookNode:
    """The learner's copy of an instructor notebook (see the module docstring)."""
    learner = copy.deepcopy(nb)
    cells = []
    for cell in learner.cells:
        if cell.cell_type == "code" and is_solution(cell) and \
                SOLUTION_TAG not in cell.metadata.get("tags", []):
            start = nbformat.v4.new_code_cell(skeleton(cell))
            start.id = cell.get("id", start.id)
            cells.append(start)
        elif not is_solution(cell):
            cells.append(cell)
    note = nbformat.v4.new_markdown_cell(
        "*Your copy of this episode: under each exercise is a cell for your answer (many "
        "start you off and check your answer when you run them). The same episode with worked "
        f"solutions: [`{source_name}`](../{source_name}).*")
    note.id = NOTE_ID
    learner.cells = cells[:1] + [note] + cells[1:]
    for cell in learner.cells:
        if cell.cell_type == "code" and not cell.outputs and is_start(cell, nb):
            cell.execution_count = None
    return notebooks.renumber(learner)


def is_start(cell, instructor: nbformat.NotebookNode) -> bool:
    ids = {c.get("id") for c in instructor.cells if c.cell_type == "code" and is_solution(c)}
    return cell.get("id") in ids


def learner_dir(root: Path) -> Path:
    return root / "episodes" / "learner"


def write_learner_copies(root: Path) -> list[Path]:
    """Regenerate ``episodes/learner/*.ipynb`` from the instructor notebooks; returns the files
    written."""
    written = []
    for path in notebooks.episode_notebooks(root):
        learner = make_learner_copy(notebooks.read(path), path.name)
        target = learner_dir(root) / path.name
        notebooks.write(learner, target, normalise=False)
        written.append(target)
    return written


# --------------------------------------------------------------------------------------------
# Static checks: does Run All of a learner copy need anything only a solution provides?
# --------------------------------------------------------------------------------------------

MAGIC = re.compile(r"^\s*[%!].*$", re.M)


def _tree(source: str) -> ast.Module:
    return ast.parse(MAGIC.sub("", source))


def defined_names(source: str) -> set[str]:
    """Names a cell binds at the top level of the notebook's namespace."""
    names: set[str] = set()

    def visit(node, top: bool) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if top:
                names.add(node.name)
            return  # names bound inside are local
        if isinstance(node, ast.Lambda):
            return
        if top and isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        if top and isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                names.add((alias.asname or alias.name).split(".")[0])
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            return  # comprehension variables are local
        for child in ast.iter_child_nodes(node):
            visit(child, top)

    visit(_tree(source), True)
    return names


def used_names(source: str) -> set[str]:
    """The names a cell reads from the notebook's namespace: every name it loads, except
    parameters and locals of the functions it defines and comprehension variables."""
    used: set[str] = set()

    def stored(nodes) -> set[str]:
        return {n.id for node in nodes for n in ast.walk(node)
                if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}

    def visit(node, bound: frozenset[str]) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            args = node.args
            params = {a.arg for a in args.posonlyargs + args.args + args.kwonlyargs}
            params |= {a.arg for a in (args.vararg, args.kwarg) if a}
            body = node.body if isinstance(node.body, list) else [node.body]
            bound = bound | params | stored(body)
        elif isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            bound = bound | stored(g.target for g in node.generators)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and \
                node.id not in bound:
            used.add(node.id)
        for child in ast.iter_child_nodes(node):
            visit(child, bound)

    visit(_tree(source), frozenset())
    return used


def run_all_problems(nb: nbformat.NotebookNode) -> list[str]:
    """What would stop *Run All* of the learner copy of ``nb`` although the instructor copy
    runs: a later cell reading a name that only a solution defined, or a learner start
    rebinding a name that a later cell reads. Empty when there is nothing."""
    problems = []
    defined_by_lesson: set[str] = set()
    only_in_solutions: dict[str, str] = {}
    changed_by_start: dict[str, str] = {}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        label = cell.get("id", "?")
        if is_solution(cell):
            start = skeleton(cell)
            for name in used_names(start) & set(only_in_solutions):
                problems.append(f"the start of exercise cell {label} reads {name!r}, which only "
                                f"the solution cell {only_in_solutions[name]} defines")
            for name in defined_names(cell.source) - defined_by_lesson:
                only_in_solutions.setdefault(name, label)
            for name in defined_names(start) & defined_by_lesson:
                changed_by_start[name] = label
            continue
        used = used_names(cell.source) - defined_names(cell.source)  # its own loops etc.
        for name in sorted(used & set(only_in_solutions)):
            problems.append(f"cell {label} reads {name!r}, which only the solution cell "
                            f"{only_in_solutions[name]} defines")
        for name in sorted(used & set(changed_by_start)):
            problems.append(f"cell {label} reads {name!r}, which the learner's start in "
                                f"cell {changed_by_start[name]} rebinds")
        for name in defined_names(cell.source):
            defined_by_lesson.add(name)
            only_in_solutions.pop(name, None)
            changed_by_start.pop(name, None)
    return problems

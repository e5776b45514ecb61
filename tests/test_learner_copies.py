"""Learner copies: solutions removed, stubs that run, regenerated copies equal the committed."""

from __future__ import annotations

import nbformat
import pytest

from cnnlesson import notebooks
from notebook_utils import ROOT, episodes


def instructor_notebook():
    nb = nbformat.v4.new_notebook()
    hidden = {"jupyter": {"source_hidden": True}}
    nb.cells = [
        nbformat.v4.new_markdown_cell("# 99 — Test"),
        nbformat.v4.new_code_cell("x = 1", outputs=[], execution_count=1),
        nbformat.v4.new_markdown_cell(
            "## Exercises\n\nSolutions are hidden below each exercise: click the `…` of the "
            "collapsed cell to show it.\n\n### Exercise 1\nPrint x."),
        nbformat.v4.new_code_cell("print(x)", metadata=hidden, execution_count=2,
                                  outputs=[nbformat.v4.new_output("stream", text="1\n")]),
        nbformat.v4.new_markdown_cell("It prints 1.", metadata={"tags": ["solution"]}),
        nbformat.v4.new_markdown_cell("### Exercise 2\nNothing."),
    ]
    return nb


def test_learner_copy_removes_solutions_and_keeps_the_rest():
    learner = notebooks.make_learner_copy(instructor_notebook(), "99_test.ipynb")
    sources = [c.source for c in learner.cells]
    assert "print(x)" not in sources and "It prints 1." not in sources
    assert notebooks.STUB in sources
    assert "x = 1" in sources and "### Exercise 2\nNothing." in sources
    assert "Learner copy" in learner.cells[1].source
    assert "Write your solution in the empty cell" in learner.cells[3].source


def test_stubs_run_without_error():
    exec(compile(notebooks.STUB, "<stub>", "exec"), {})


def test_instructor_notebook_is_not_changed():
    nb = instructor_notebook()
    before = nbformat.writes(nb)
    notebooks.make_learner_copy(nb, "99_test.ipynb")
    assert nbformat.writes(nb) == before


@pytest.mark.parametrize("path", episodes(), ids=lambda p: p.stem)
def test_committed_learner_copy_is_up_to_date(path):
    committed = notebooks.learner_dir(ROOT) / path.name
    assert committed.is_file(), "run `python3 lesson.py learners` and commit episodes/learner/"
    fresh = notebooks.make_learner_copy(nbformat.read(path, as_version=4), path.name)
    stored = nbformat.read(committed, as_version=4)
    assert [(c.cell_type, c.source) for c in stored.cells] == \
        [(c.cell_type, c.source) for c in fresh.cells], \
        "stale learner copy: run `python3 lesson.py learners`"
    assert [c.get("outputs") for c in stored.cells] == [c.get("outputs") for c in fresh.cells]

"""Learner copies, checked statically instead of being executed a second time: each is the
instructor notebook with every solution replaced by its start, nothing later needs what only a
solution defines, and the starts themselves run in place during nbval's one run of the
instructor notebook (root conftest.py)."""

from __future__ import annotations

import nbformat
import pytest

from lessontools import learners
from notebook_utils import ROOT, episodes

HIDDEN = {"jupyter": {"source_hidden": True}}


def instructor_notebook():
    nb = nbformat.v4.new_notebook()
    skeleton = {**HIDDEN, "cnnlesson": {"skeleton": "y_ex2 = ...\ncheck('99.2', y=y_ex2)\n"}}
    nb.cells = [
        nbformat.v4.new_markdown_cell("# 99 — Test"),
        nbformat.v4.new_code_cell("x = 1", outputs=[], execution_count=1),
        nbformat.v4.new_markdown_cell("### Exercise 99.1 — Print x (about 1 min)\nWhat is x?"),
        nbformat.v4.new_code_cell("print(x)", metadata=HIDDEN, execution_count=2,
                                  outputs=[nbformat.v4.new_output("stream", text="1\n")]),
        nbformat.v4.new_markdown_cell("It prints 1.", metadata={"tags": ["solution"]}),
        nbformat.v4.new_markdown_cell("### Exercise 99.2 — Double it (about 2 min)"),
        nbformat.v4.new_code_cell("y_ex2 = 2 * x\ncheck('99.2', y=y_ex2)", metadata=skeleton,
                                  execution_count=3, outputs=[]),
        nbformat.v4.new_code_cell("print(x + 1)", execution_count=4, outputs=[]),
    ]
    for i, cell in enumerate(nb.cells):
        cell.id = f"c{i}"
    return nb


def test_learner_copy_replaces_solutions_by_starts_and_keeps_the_rest():
    learner = learners.make_learner_copy(instructor_notebook(), "99_test.ipynb")
    sources = [c.source for c in learner.cells]
    assert "print(x)" not in sources and "It prints 1." not in sources
    assert learners.STUB in sources, "a solution without skeleton becomes an empty cell"
    assert "y_ex2 = ...\ncheck('99.2', y=y_ex2)\n" in sources, "the skeleton is the start"
    assert "x = 1" in sources and "print(x + 1)" in sources
    assert learner.cells[1].id == learners.NOTE_ID and "worked solutions" in learner.cells[1].source
    counts = [c.execution_count for c in learner.cells if c.cell_type == "code"]
    assert counts == [1, None, None, 2], "starts have not run; the rest is renumbered"


def test_instructor_notebook_is_not_changed():
    nb = instructor_notebook()
    before = nbformat.writes(nb)
    learners.make_learner_copy(nb, "99_test.ipynb")
    assert nbformat.writes(nb) == before


def test_the_colab_cell_is_hidden_but_is_no_solution():
    cell = nbformat.v4.new_code_cell("import sys", metadata=HIDDEN)
    cell.id = "colab-setup"
    assert not learners.is_solution(cell)


def test_static_check_finds_a_later_cell_that_needs_a_solution():
    nb = instructor_notebook()
    nb.cells[-1].source = "print(y_ex2)"
    problems = learners.run_all_problems(nb)
    assert len(problems) == 1 and "'y_ex2'" in problems[0] and "c6" in problems[0]


def test_static_check_finds_a_start_that_rebinds_a_name_used_later():
    nb = instructor_notebook()
    nb.cells[6].metadata["cnnlesson"]["skeleton"] = "x = ...\n"
    problems = learners.run_all_problems(nb)
    assert len(problems) == 1 and "rebinds" in problems[0] and "'x'" in problems[0]


def test_static_check_passes_a_clean_notebook():
    assert learners.run_all_problems(instructor_notebook()) == []


def test_names_are_read_from_code_with_magics_and_functions():
    source = "%matplotlib inline\nimport numpy as np\ndef f(a):\n    b = a\n    return c\n" \
             "for i in range(3):\n    total = i\n[k for k in range(2)]\n"
    assert learners.defined_names(source) == {"np", "f", "i", "total"}
    used = learners.used_names(source)
    assert {"c", "range"} <= used and not {"a", "b", "k"} & used


@pytest.mark.parametrize("path", episodes(), ids=lambda p: p.stem)
def test_run_all_of_the_learner_copy_needs_nothing_only_a_solution_defines(path):
    assert learners.run_all_problems(learners.notebooks.read(path)) == []


@pytest.mark.parametrize("path", episodes(), ids=lambda p: p.stem)
def test_committed_learner_copy_is_up_to_date(path):
    committed = learners.learner_dir(ROOT) / path.name
    assert committed.is_file(), "run `python3 lesson.py learners` and commit episodes/learner/"
    fresh = learners.make_learner_copy(nbformat.read(path, as_version=4), path.name)
    stored = nbformat.read(committed, as_version=4)
    assert [(c.cell_type, c.source) for c in stored.cells] == \
        [(c.cell_type, c.source) for c in fresh.cells], \
        "stale learner copy: run `python3 lesson.py learners`"
    assert [c.get("outputs") for c in stored.cells] == [c.get("outputs") for c in fresh.cells]

"""Colab: every episode (and learner copy) has the badge and the current set-up cell first; the
cell does nothing off Colab and, on Colab, clones, installs without touching TensorFlow/Keras
and changes directory; the command that writes them is idempotent."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import types

import nbformat
import pytest

from lessontools import colab, learners
from notebook_utils import ROOT, episodes, read

REPO_URL = colab.repository_url(ROOT)
SOURCE = colab.expected_setup_cell_source(ROOT)
ALL = episodes() + sorted(learners.learner_dir(ROOT).glob("[0-9][0-9]_*.ipynb"))


def test_repository_url_is_read_from_pyproject():
    assert REPO_URL.startswith("https://github.com/") and not REPO_URL.endswith("/")
    assert f'Repository = "{REPO_URL}"' in (ROOT / "pyproject.toml").read_text()


def test_links_point_at_the_learner_copy_on_the_main_branch():
    line = colab.badge_line("https://github.com/o/r", "01_x.ipynb", with_solutions=True)
    assert line.startswith("[![Open In Colab](https://colab.research.google.com/assets/")
    assert "(https://colab.research.google.com/github/o/r/blob/main/episodes/learner/" \
        "01_x.ipynb)" in line
    assert "[with the solutions](https://colab.research.google.com/github/o/r/blob/main/" \
        "episodes/01_x.ipynb)" in line
    assert "solutions" not in colab.badge_line("https://github.com/o/r", "00_x.ipynb",
                                               with_solutions=False)


@pytest.mark.parametrize("path", ALL, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_notebook_has_the_badge_and_the_current_colab_cell_first(path):
    nb = read(path)
    instructor = read(ROOT / "episodes" / path.name)
    badge = colab.badge_line(REPO_URL, path.name, with_solutions=colab.has_solutions(instructor))
    assert badge in nb.cells[0].source.split("\n"), \
        "run `python -m lessontools colab`, then `python3 lesson.py learners`"
    first_code = next(c for c in nb.cells if c.cell_type == "code")
    assert first_code.get("id") == colab.CELL_ID and first_code.source == SOURCE, \
        "run `python -m lessontools colab`, then `python3 lesson.py learners`"
    assert first_code.outputs == [], "off Colab the cell prints nothing"
    assert first_code.metadata["jupyter"]["source_hidden"], "plumbing: stored collapsed"


def run_cell(capsys):
    exec(compile(SOURCE, "<colab cell>", "exec"), {"__name__": "__main__"})
    return capsys.readouterr().out


def test_cell_does_nothing_off_colab(monkeypatch, capsys):
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    calls = []
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: calls.append(a))
    monkeypatch.setattr(os, "chdir", lambda path: calls.append(path))
    assert run_cell(capsys) == "" and calls == []


@pytest.fixture
def fake_colab(monkeypatch):
    """A fake ``google.colab`` module, recorded subprocess/chdir calls, and a fresh machine:
    no clone yet, neither cnnlesson nor the extra packages importable."""
    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    monkeypatch.setattr(sys, "path", list(sys.path))
    state = {"runs": [], "chdir": [], "cloned": False, "installed": False}
    real_isdir, real_find_spec = os.path.isdir, importlib.util.find_spec
    lesson = "/content/" + REPO_URL.rsplit("/", 1)[1]

    def fake_run(cmd, **kwargs):
        state["runs"].append((cmd, kwargs))
        if cmd[:2] == ["git", "clone"]:
            state["cloned"] = True
        else:
            state["installed"] = True

    def isdir(path):
        return state["cloned"] if path == lesson else real_isdir(path)

    def find_spec(name, *args):
        if name == "cnnlesson" or name in colab.COLAB_EXTRA_PACKAGES:
            return object() if state["installed"] else None
        return real_find_spec(name, *args)

    monkeypatch.setattr(subprocess, "run", fake_run)
    monkeypatch.setattr(os, "chdir", state["chdir"].append)
    monkeypatch.setattr(os.path, "isdir", isdir)
    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    state["lesson"] = lesson
    return state


def test_cell_on_colab_clones_installs_and_changes_directory(fake_colab, capsys):
    out = run_cell(capsys)
    lesson = fake_colab["lesson"]
    (clone, clone_kw), (pip, pip_kw) = fake_colab["runs"]
    assert clone == ["git", "clone", "--depth", "1", "--quiet", REPO_URL, lesson]
    extras = [p for p in SOURCE.split('"') if p.split("==")[0] in colab.COLAB_EXTRA_PACKAGES]
    assert pip == [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "-e", lesson,
                   *extras]
    assert not {"tensorflow", "keras", "-r", "-U", "--upgrade"} & {p.split("==")[0] for p in pip}
    assert clone_kw == pip_kw == {"check": True}
    assert fake_colab["chdir"] == [os.path.join(lesson, "episodes")]
    assert os.path.join(lesson, "scripts") in sys.path
    assert out.count("\n") == 1 and out.startswith("Colab: cloned the lesson; installed cnnlesson")


def test_cell_on_colab_a_second_time_does_no_work(fake_colab, capsys):
    run_cell(capsys)
    fake_colab["runs"].clear()
    out = run_cell(capsys)
    assert fake_colab["runs"] == []
    assert out.startswith("Colab: lesson already set up - working in")


def test_command_is_idempotent_and_keeps_other_outputs(tmp_path):
    nb = nbformat.v4.new_notebook()
    hidden = {"jupyter": {"source_hidden": True}}
    nb.cells = [
        nbformat.v4.new_markdown_cell("# 99 — Test\n\n**Time:** short."),
        nbformat.v4.new_code_cell("1 + 1", execution_count=1, outputs=[nbformat.v4.new_output(
            "execute_result", data={"text/plain": "2"}, execution_count=1)]),
        nbformat.v4.new_code_cell("print(3)", metadata=hidden, execution_count=2,
                                  outputs=[nbformat.v4.new_output("stream", text="3\n")]),
    ]
    path = tmp_path / "99_test.ipynb"
    path.write_text(nbformat.writes(nb) + "\n")
    assert colab.apply(ROOT, [path]) == [path]
    once = path.read_text()
    assert colab.apply(ROOT, [path]) == [] and path.read_text() == once
    cells = nbformat.reads(once, as_version=4).cells
    assert cells[0].source.split("\n")[:3] == [
        "# 99 — Test", "", colab.badge_line(REPO_URL, path.name, with_solutions=True)]
    assert cells[1].id == colab.CELL_ID and cells[1].source == SOURCE
    assert [c.execution_count for c in cells[1:]] == [1, 2, 3]
    assert cells[2].outputs[0].data == {"text/plain": "2"}
    assert cells[2].outputs[0].execution_count == 2
    assert cells[3].outputs[0].text == "3\n"

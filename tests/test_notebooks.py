"""The stored episode notebooks follow the lesson's format and keep only clean full-mode output."""

from __future__ import annotations

import json
import re

import pytest

from notebook_utils import ROOT, episodes, output_text, prose, read

EPISODES = episodes()
# 00 is the environment check, not a lesson: no Questions/Objectives, exercises or run
# settings (test_the_environment_check_notebook says what it must have instead).
CHECK = "00_check_environment"
LESSONS = [p for p in EPISODES if p.stem != CHECK]


def test_there_are_episodes():
    assert EPISODES, "no episode notebooks in episodes/"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_episode_has_the_lesson_skeleton(path):
    text = prose(read(path))
    number = path.name[:2]
    assert re.match(rf"# {number} — ", text), "title '# NN — ...' first"
    for part in ("**Time:**", "**Objectives**", "## Key points", "## Exercises"):
        assert part in text, f"missing {part}"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_exercise_solutions_are_collapsed(path):
    hidden = [c for c in read(path).cells
              if c.cell_type == "code" and c.metadata.get("jupyter", {}).get("source_hidden")]
    assert hidden, "solutions are code cells with metadata jupyter.source_hidden = true"


@pytest.mark.parametrize("path", EPISODES, ids=lambda p: p.stem)
def test_stored_outputs_are_a_clean_full_run(path):
    nb = read(path)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1)), \
        "store a complete top-to-bottom run (python3 lesson.py bench NN --store)"
    if path.stem != CHECK:
        assert "Mode: full" in output_text(nb), "stored outputs must come from a full-mode run"
    for cell in code:
        for out in cell.outputs:
            assert not (out.output_type == "stream" and out.name == "stderr"), \
                "stderr is machine-specific: do not store it"
            if "raises-exception" not in cell.metadata.get("tags", []):
                assert out.output_type != "error", "a stored cell raised an error"
    assert "widgets" not in nb.metadata
    assert path.stat().st_size < 1_000_000


@pytest.mark.parametrize("path", EPISODES, ids=lambda p: p.stem)
def test_code_uses_no_relative_paths(path):
    for cell in read(path).cells:
        if cell.cell_type == "code":
            assert "../" not in cell.source, "paths come from the cnnlesson package"


@pytest.mark.parametrize("path", EPISODES, ids=lambda p: p.stem)
def test_time_estimate_matches_the_benchmark(path):
    """The header's 'runs top to bottom in about N seconds/minutes' is within 30% of the
    benchmark's measured wall time."""
    results = json.loads((ROOT / "benchmarks" / "results.json").read_text())
    measured = results["episodes"][path.stem]["seconds"]
    match = re.search(r"runs top to bottom in about ([\d.]+) (seconds|minutes)", prose(read(path)))
    assert match, "state the measured run time in the header"
    claimed = float(match[1]) * (60 if match[2] == "minutes" else 1)
    assert abs(claimed - measured) <= 0.3 * measured, (claimed, measured)


def test_the_environment_check_notebook():
    """00 runs the check of `python3 lesson.py check` (no copy of its logic), shows the table,
    and its last cell fails while any check fails."""
    nb = read(ROOT / "episodes" / f"{CHECK}.ipynb")
    assert re.match(r"# 00 — ", prose(nb)) and "**Time:**" in prose(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert any("check.run_checks()" in c.source and "check.format_rows(rows)" in c.source
               and "nbval-ignore-output" in c.metadata.get("tags", []) for c in code)
    last = code[-1]
    assert "check.FAIL" in last.source and "raise" in last.source
    assert "nbval-ignore-output" not in last.metadata.get("tags", []), \
        "the verdict is compared, so a failed check fails the notebook test"
    assert "lesson.py check" in prose(nb)

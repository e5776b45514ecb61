"""The instructor notes (instructors/README.md) state what the notebooks and benchmark say: the
generated tables are current, and the error messages they quote are the package's own."""

from __future__ import annotations

import json
import re

import nbformat

from cnnlesson import instructors
from notebook_utils import ROOT

NOTES = ROOT / instructors.NOTES

# Messages the notes quote, as the package prints them (fragments without the variable parts).
QUOTED = [
    "Check your internet connection.",
    "To work offline, either copy the official",
    "CIFAR-10 has not been downloaded yet. Run `python3 lesson.py prefetch`.",
    "but there is no such folder. Fix the path or unset the variable.",
    "Could not download the ImageNet weights of",
    "broke off after",
    "Nothing was kept; run it again.",
    "it is corrupt or not the official file, so it was not kept.",
    "is corrupt or not the official file: ",
    "was saved with Keras",
    "It loaded; if its results look wrong, retrain it with this version.",
    "Run `python3 lesson.py catchup` to retrain it, or run the episode that trains it.",
    "Loaded the catch-up copy of",
    "that you trained",
]


def folded(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def package_text() -> str:
    """The package's source with adjacent string literals joined ("a " "b" -> "a b")."""
    text = "\n".join(p.read_text() for p in (ROOT / "scripts" / "cnnlesson").glob("*.py"))
    return folded(re.sub(r"\"\s*\n\s*f?\"", "", text))


def test_generated_tables_are_current():
    assert NOTES.read_text() == instructors.render(NOTES.read_text(), ROOT), \
        "stale instructor notes: run `python -m cnnlesson.instructors`"


def test_quoted_messages_are_the_packages_own():
    notes, source = folded(NOTES.read_text()), package_text()
    for fragment in QUOTED:
        assert fragment in notes, f"the notes no longer quote {fragment!r}: update QUOTED"
        assert fragment in source, f"the package no longer says {fragment!r}: update the notes"


def test_time_lines_are_read_with_and_without_exercises():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(
        "# 09 — X\n\n**Time:** about 30 minutes of teaching and\n15 minutes of exercises.")]
    assert instructors.episode_minutes(nb) == (30, 15)
    nb.cells[0].source = "# 00 — X\n\n**Time:** about 5 minutes, before the first episode."
    assert instructors.episode_minutes(nb) == (5, None)
    nb.cells[0].source = "# 00 — X"
    assert instructors.episode_minutes(nb) is None


def test_expected_ranges_come_from_the_stored_runs():
    results = json.loads((ROOT / "benchmarks" / "results.json").read_text())["episodes"]
    table = instructors.results_table(ROOT)
    accuracy = results["01_introduction"]["models"]["01_intro_cnn"]["test_accuracy"]
    spread = instructors.EXPECTED_SPREAD
    assert (f"| 01 | `01_intro_cnn` | {accuracy:.3f} | {accuracy - spread:.2f} to "
            f"{accuracy + spread:.2f} | 0.62 |") in table


def test_catchup_reruns_are_compared_with_the_stored_runs():
    results = json.loads((ROOT / "benchmarks" / "results.json").read_text())["episodes"]
    catchup = json.loads((ROOT / "fit_outputs" / "catchup" / "01_intro_cnn.history.json")
                         .read_text())
    stored = results["01_introduction"]["models"]["01_intro_cnn"]["test_accuracy"]
    again = catchup["metrics"]["test_accuracy"]
    assert ("01_intro_cnn", again, stored) in instructors.catchup_reruns(ROOT, results)
    assert f"`01_intro_cnn` {again:.4f} (stored run {stored:.4f})" in \
        instructors.results_table(ROOT)

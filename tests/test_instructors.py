"""The instructor notes (instructors/README.md) state what the notebooks and benchmark say: the
generated tables are current, and the error messages they quote are the package's own."""

from __future__ import annotations

import json
import re

import nbformat
import pytest

from lessontools import instructors
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
    "Run the episode that trains it (maintainers: `python3 lesson.py catchup` retrains the "
    "copies).",
    "Loaded the catch-up copy of",
    "that you trained",
]


def folded(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def package_text() -> str:
    """The package's source with adjacent string literals joined ("a " "b" -> "a b")."""
    text = "\n".join(p.read_text() for p in (ROOT / "scripts" / "cnnlesson").rglob("*.py"))
    return folded(re.sub(r"\"\s*\n\s*f?\"", "", text))


def test_generated_tables_are_current():
    assert NOTES.read_text() == instructors.render(NOTES.read_text(), ROOT), \
        "stale instructor notes: run `python -m lessontools instructors`"


def test_quoted_messages_are_the_packages_own():
    notes, source = folded(NOTES.read_text()), package_text()
    for fragment in QUOTED:
        assert fragment in notes, f"the notes no longer quote {fragment!r}: update QUOTED"
        assert fragment in source, f"the package no longer says {fragment!r}: update the notes"


def test_pace_counts_words_cells_run_time_and_stated_exercise_minutes():
    nb = nbformat.v4.new_notebook()
    hidden = {"jupyter": {"source_hidden": True}}
    nb.cells = [
        nbformat.v4.new_markdown_cell("# 09 — X\n\n" + "word " * 198),  # 200 words
        nbformat.v4.new_code_cell("a = 1"),
        nbformat.v4.new_markdown_cell("### Exercise 9.1 — Y (about 7 min)"),
        nbformat.v4.new_code_cell("b = 2", metadata=hidden),
        nbformat.v4.new_markdown_cell("## Going further: Z\n\n" + "word " * 96),
        nbformat.v4.new_code_cell("c = 3"),
    ]
    for i, cell in enumerate(nb.cells):
        cell.id = f"c{i}"
    rule = {"words_per_minute": 100, "minutes_per_code_cell": 1.5}
    parts = instructors.pace(nb, {"c1": 60.0, "c3": 30.0, "c5": 120.0}, rule=rule)
    core, extra = parts["core"], parts["optional"]
    assert (core["words"], core["cells"], core["exercises"]) == (207, 1, 7)
    # 207 words / 100 + 1.5 per cell + the cells' run time (solutions are not teaching)
    assert core["teaching"] == pytest.approx(2.07 + 1.5 + 1.0)
    assert (extra["words"], extra["cells"]) == (99, 1)
    assert extra["teaching"] == pytest.approx(0.99 + 1.5 + 2.0)


def test_expected_ranges_come_from_the_seed_runs():
    """The intro and the fast CNN's ranges are the lowest to highest of the benchmark's seed
    runs; every other model gets its stored run plus or minus the wider of those ranges."""
    stored = json.loads((ROOT / "benchmarks" / "results.json").read_text())
    results, seeds = stored["episodes"], stored["seeds"]
    table = instructors.results_table(ROOT)
    assert set(seeds) == {"01_intro_cnn", "05_fast_cnn"}
    for name, stem in [("01_intro_cnn", "01_introduction"),
                       ("05_fast_cnn", "05_evaluate_and_tune")]:
        values = seeds[name]["test_accuracy"]
        assert len(values) >= 3
        accuracy = results[stem]["models"][name]["test_accuracy"]
        assert (f"| {stem[:2]} | `{name}` | {accuracy:.3f} | {min(values):.3f} to "
                f"{max(values):.3f} ({len(values)} seeds, lowest to highest) |") in table
    widest = max(max(r["test_accuracy"]) - min(r["test_accuracy"]) for r in seeds.values())
    accuracy = results["03_build_a_cnn"]["models"]["03_deeper_cnn"]["test_accuracy"]
    assert (f"| 03 | `03_deeper_cnn` | {accuracy:.3f} | {accuracy - widest:.2f} to "
            f"{accuracy + widest:.2f} |") in table


def test_catchup_reruns_are_compared_with_the_stored_runs():
    results = json.loads((ROOT / "benchmarks" / "results.json").read_text())["episodes"]
    catchup = json.loads((ROOT / "fit_outputs" / "catchup" / "01_intro_cnn.history.json")
                         .read_text())
    stored = results["01_introduction"]["models"]["01_intro_cnn"]["test_accuracy"]
    again = catchup["metrics"]["test_accuracy"]
    assert ("01_intro_cnn", again, stored) in instructors.catchup_reruns(ROOT, results)
    assert f"`01_intro_cnn` {again:.4f} (stored run {stored:.4f})" in \
        instructors.results_table(ROOT)

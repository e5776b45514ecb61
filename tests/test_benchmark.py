"""The benchmark's bookkeeping: budgets (a table of the test's own, not the live budgets),
tables, and a real (tiny) notebook measurement."""

from __future__ import annotations

import json

import nbformat
import pytest

from lessontools import benchmark, budgets

TABLE = {
    "binder": {"limit_mb": 1907, "jupyter_server_mb": 200},
    "expected": {"spread": 0.02},
    "default": {"seconds": 360, "peak_rss_mb": 1500},
    "episodes": {
        "01_introduction": {"seconds": 180, "min_accuracy": {"01_intro_cnn": 0.62}},
        "06_transfer_learning": {"min_accuracy": {"06_transfer_finetuned": 0.80},
                                 "min_ratio": {"06_learning_curve": ["transfer_1000",
                                                                      "scratch_1000", 1.5]}},
    },
}


TOML = """
[binder]
limit_mb = 1907
jupyter_server_mb = 200
[expected]
spread = 0.02
[pacing]
words_per_minute = 100
minutes_per_code_cell = 1.5
core_teaching_max = 60
core_exercises_max = 20
[default]
seconds = 360
peak_rss_mb = 1500
[episodes.01_introduction]
seconds = 180
min_accuracy = { "01_intro_cnn" = 0.62 }
"""


def lesson_home(tmp_path, monkeypatch):
    """A lesson folder with budgets.toml and a results.json of one stored run."""
    monkeypatch.setenv("CNNLESSON_HOME", str(tmp_path))
    (tmp_path / "benchmarks").mkdir()
    (tmp_path / "benchmarks" / "budgets.toml").write_text(TOML)
    return tmp_path


def budget(stem):
    return budgets.episode_budget(TABLE, stem)


def result(seconds=60.0, rss=1100, acc=0.65):
    return {"seconds": seconds, "peak_rss_mb": rss,
            "models": {"01_intro_cnn": {"test_accuracy": acc}}}


def test_budget_met():
    assert benchmark.check_budget(budget("01_introduction"), result()) == []


def test_budget_missed_names_each_problem():
    problems = benchmark.check_budget(budget("01_introduction"), result(200, 1600, 0.5))
    assert len(problems) == 3
    assert any("time" in p for p in problems) and any("RSS" in p for p in problems)
    missing = benchmark.check_budget(budget("01_introduction"), {**result(), "models": {}})
    assert missing and "01_intro_cnn" in missing[0]


def test_transfer_budget_checks_the_ratio_at_1000_images():
    def run(transfer, scratch):
        return {"seconds": 300, "peak_rss_mb": 1200, "models": {
            "06_transfer_finetuned": {"test_accuracy": 0.81},
            "06_learning_curve": {"transfer_1000": transfer, "scratch_1000": scratch}}}

    assert benchmark.check_budget(budget("06_transfer_learning"), run(0.6, 0.3)) == []
    problems = benchmark.check_budget(budget("06_transfer_learning"), run(0.4, 0.3))
    assert len(problems) == 1 and "1.33 < 1.5" in problems[0]
    assert "missing" in benchmark.check_budget(budget("06_transfer_learning"), run(0.6, None))[0]


def test_a_metric_that_must_stay_below_another():
    limit = {**budget("08"), "max_ratio": {"ae": ["test_mse", "noisy_test_mse", 0.8]}}
    run = {"seconds": 1, "peak_rss_mb": 1, "models": {"ae": {"test_mse": 0.005,
                                                               "noisy_test_mse": 0.009}}}
    assert benchmark.check_budget(limit, run) == []
    run["models"]["ae"]["test_mse"] = 0.0085
    assert "0.94 > 0.8" in benchmark.check_budget(limit, run)[0]


def test_write_tables(tmp_path):
    r = {**result(), "mode": "full", "machine": "2 CPU", "date": "2026-01-01",
         "budget_problems": []}
    benchmark.write_tables({"episodes": {"01_introduction": r}}, tmp_path, TABLE)
    assert json.loads((tmp_path / "results.json").read_text())["episodes"]["01_introduction"]
    table = (tmp_path / "results.md").read_text()
    assert "| 01_introduction | full | 60 s | 1,100 MB | 01_intro_cnn: 0.650 | met |" in table


@pytest.mark.slow
def test_bench_notebook_measures_a_real_kernel(tmp_path, monkeypatch):
    monkeypatch.setenv("CNNLESSON_OUTPUT_DIR", str(tmp_path / "out"))
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.cells = [
        nbformat.v4.new_code_cell("import numpy as np\nblock = np.ones(50_000_000, np.uint8)"),
        nbformat.v4.new_code_cell(
            "from cnnlesson.trained import save_history\n"
            "save_history({'loss': [1.0]}, 'tiny', test_accuracy=0.5)\nprint('done')"),
    ]
    path = tmp_path / "00_tiny.ipynb"
    nbformat.write(nb, path)
    r = benchmark.bench_notebook(path, store=True)
    assert r["peak_rss_mb"] >= 50 and r["seconds"] > 0
    assert r["models"] == {"tiny": {"test_accuracy": 0.5}}
    assert len(r["cell_seconds"]) == 2 and all(t >= 0 for t in r["cell_seconds"].values())
    stored = nbformat.read(path, as_version=4)
    assert len(stored.cells) == 2, "the measurement cell is not stored"
    assert stored.cells[1].outputs[0].text == "done\n"


def test_metric_budgets_bound_any_saved_metric():
    """The fast CNN's budget: test accuracy with TTA at least 0.84 within 300 s of training."""
    limit = {**budget("05_other"), "min_metric": {"fast": ["test_accuracy_tta", 0.84]},
             "max_metric": {"fast": ["training_seconds", 300]}}
    ok = {"seconds": 300, "peak_rss_mb": 1400,
          "models": {"fast": {"test_accuracy_tta": 0.845, "training_seconds": 290.0}}}
    assert benchmark.check_budget(limit, ok) == []
    slow = {**ok, "models": {"fast": {"test_accuracy_tta": 0.835, "training_seconds": 301.5}}}
    assert benchmark.check_budget(limit, slow) == [
        "fast: test_accuracy_tta 0.835 < 0.84", "fast: training_seconds 301.5 > 300"]
    missing = {**ok, "models": {"fast": {"test_accuracy_tta": 0.85}}}
    assert benchmark.check_budget(limit, missing) == ["fast: training_seconds missing"]


def test_binder_verdict_adds_the_jupyter_server_to_the_kernel_peak():
    assert budgets.binder_verdict(TABLE, 1459) == "fits: 1,659 MB, 248 MB spare"
    assert budgets.binder_verdict(TABLE, 1707).startswith("fits: ")
    assert budgets.binder_verdict(TABLE, 1708).startswith("DOES NOT FIT: ")


def test_default_budget_fills_what_an_episode_leaves_out():
    assert budget("05_other") == {"seconds": 360, "peak_rss_mb": 1500, "min_accuracy": {},
                                  "min_ratio": {}, "max_ratio": {}, "min_metric": {},
                                  "max_metric": {}}
    assert budget("01_introduction")["peak_rss_mb"] == 1500
    assert budget("01_introduction")["seconds"] == 180


def test_report_rewrites_the_table_from_the_stored_json(tmp_path, monkeypatch):
    lesson_home(tmp_path, monkeypatch)
    r = {**result(rss=1800), "mode": "full", "machine": "2 CPU", "date": "2026-01-01",
         "budget_problems": []}
    (tmp_path / "benchmarks" / "results.json").write_text(
        json.dumps({"episodes": {"01_introduction": r}}))
    assert benchmark.main(["--report"]) == 0
    table = (tmp_path / "benchmarks" / "results.md").read_text()
    assert "| met | DOES NOT FIT: 2,000 MB > 1,907 MB | 2 CPU |" in table


def test_a_benchmark_run_refreshes_the_instructor_notes(tmp_path, monkeypatch):
    from lessontools import instructors

    lesson_home(tmp_path, monkeypatch)
    r = {**result(), "mode": "full", "machine": "2 CPU", "date": "2026-01-01",
         "budget_problems": []}
    (tmp_path / "benchmarks" / "results.json").write_text(
        json.dumps({"episodes": {"01_introduction": r}}))
    notes = tmp_path / instructors.NOTES
    notes.parent.mkdir()
    notes.write_text("".join(f"{instructors._begin(n)}\nold\n{instructors._end(n)}\n"
                             for n in instructors.BLOCKS))
    assert benchmark.main(["--report"]) == 0
    assert "old" not in notes.read_text()
    assert "| 01 | `01_intro_cnn` | 0.650 | 0.63 to 0.67 | 0.62 |" in notes.read_text()

"""The benchmark's bookkeeping: budgets, tables, and a real (tiny) notebook measurement."""

from __future__ import annotations

import json

import nbformat

from cnnlesson import benchmark


def result(seconds=60.0, rss=1100, acc=0.65):
    return {"seconds": seconds, "peak_rss_mb": rss,
            "models": {"01_intro_cnn": {"test_accuracy": acc}}}


def test_budget_met():
    assert benchmark.check_budget("01_introduction", result()) == []


def test_budget_missed_names_each_problem():
    problems = benchmark.check_budget("01_introduction", result(200, 1600, 0.5))
    assert len(problems) == 3
    assert any("time" in p for p in problems) and any("RSS" in p for p in problems)
    missing = benchmark.check_budget("01_introduction", {**result(), "models": {}})
    assert missing and "01_intro_cnn" in missing[0]


def test_transfer_budget_checks_the_ratio_at_1000_images():
    def run(transfer, scratch):
        return {"seconds": 300, "peak_rss_mb": 1200, "models": {
            "06_transfer_finetuned": {"test_accuracy": 0.81},
            "06_learning_curve": {"transfer_1000": transfer, "scratch_1000": scratch}}}

    assert benchmark.check_budget("06_transfer_learning", run(0.6, 0.3)) == []
    problems = benchmark.check_budget("06_transfer_learning", run(0.4, 0.3))
    assert len(problems) == 1 and "1.33 < 1.5" in problems[0]
    assert "missing" in benchmark.check_budget("06_transfer_learning", run(0.6, None))[0]


def test_write_tables(tmp_path):
    r = {**result(), "mode": "full", "machine": "2 CPU", "date": "2026-01-01",
         "budget_problems": []}
    benchmark.write_tables({"episodes": {"01_introduction": r}}, tmp_path)
    assert json.loads((tmp_path / "results.json").read_text())["episodes"]["01_introduction"]
    table = (tmp_path / "results.md").read_text()
    assert "| 01_introduction | full | 60 s | 1,100 MB | 01_intro_cnn: 0.650 | met |" in table


def test_bench_notebook_measures_a_real_kernel(tmp_path, monkeypatch):
    monkeypatch.setenv("CNNLESSON_OUTPUT_DIR", str(tmp_path / "out"))
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.cells = [
        nbformat.v4.new_code_cell("import numpy as np\nblock = np.ones(50_000_000, np.uint8)"),
        nbformat.v4.new_code_cell(
            "from cnnlesson.training import save_history\n"
            "save_history({'loss': [1.0]}, 'tiny', test_accuracy=0.5)\nprint('done')"),
    ]
    path = tmp_path / "00_tiny.ipynb"
    nbformat.write(nb, path)
    r = benchmark.bench_notebook(path, store=True)
    assert r["peak_rss_mb"] >= 50 and r["seconds"] > 0
    assert r["models"] == {"tiny": {"test_accuracy": 0.5}}
    stored = nbformat.read(path, as_version=4)
    assert len(stored.cells) == 2, "the measurement cell is not stored"
    assert stored.cells[1].outputs[0].text == "done\n"


def test_binder_verdict_adds_the_jupyter_server_to_the_kernel_peak():
    limit, server = benchmark.BINDER_LIMIT_MB, benchmark.JUPYTER_SERVER_MB
    assert benchmark.binder_verdict(1459) == \
        f"fits: {1459 + server:,} MB, {limit - 1459 - server:,} MB spare"
    assert benchmark.binder_verdict(limit - server).startswith("fits: ")
    assert benchmark.binder_verdict(limit - server + 1).startswith("DOES NOT FIT: ")


def test_report_rewrites_the_table_from_the_stored_json(tmp_path, monkeypatch):
    monkeypatch.setenv("CNNLESSON_HOME", str(tmp_path))
    r = {**result(rss=1800), "mode": "full", "machine": "2 CPU", "date": "2026-01-01",
         "budget_problems": []}
    (tmp_path / "benchmarks").mkdir()
    (tmp_path / "benchmarks" / "results.json").write_text(
        json.dumps({"episodes": {"01_introduction": r}}))
    assert benchmark.main(["--report"]) == 0
    table = (tmp_path / "benchmarks" / "results.md").read_text()
    assert "| met | DOES NOT FIT: 2,000 MB > 1,907 MB | 2 CPU |" in table


def test_a_benchmark_run_refreshes_the_instructor_notes(tmp_path, monkeypatch):
    from cnnlesson import instructors

    monkeypatch.setenv("CNNLESSON_HOME", str(tmp_path))
    r = {**result(), "mode": "full", "machine": "2 CPU", "date": "2026-01-01",
         "budget_problems": []}
    (tmp_path / "benchmarks").mkdir()
    (tmp_path / "benchmarks" / "results.json").write_text(
        json.dumps({"episodes": {"01_introduction": r}}))
    notes = tmp_path / instructors.NOTES
    notes.parent.mkdir()
    notes.write_text("".join(f"{instructors._begin(n)}\nold\n{instructors._end(n)}\n"
                             for n in instructors.BLOCKS))
    assert benchmark.main(["--report"]) == 0
    assert "old" not in notes.read_text()
    assert "| 01 | `01_intro_cnn` | 0.650 | 0.63 to 0.67 | 0.62 |" in notes.read_text()

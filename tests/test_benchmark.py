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

"""Benchmark: run episodes top to bottom in full mode; wall time, kernel peak RSS, accuracy.

    python3 lesson.py bench                      every episode
    python3 lesson.py bench 01 03                episodes whose file names start with 01 or 03
    python3 lesson.py bench 01 --store           also store the run's outputs in the notebook
    python3 lesson.py bench 01 --quick           quick mode (a smoke test of the benchmark)
    python3 lesson.py bench --report             rewrite results.md from results.json, run nothing

Results are merged into ``benchmarks/results.json`` and ``benchmarks/results.md`` (committed:
instructors read the timings there). Test accuracy per model comes from the
``fit_outputs/<name>.history.json`` files the run writes. This is a measurement, not a test:
run nothing else on the machine meanwhile.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

from . import notebooks, settings

MARKER = "__CNNLESSON_BENCHMARK__"
MEASURE_CELL = f"""\
import json as _json, resource as _resource, sys as _sys
_peak = _resource.getrusage(_resource.RUSAGE_SELF).ru_maxrss
_peak_mb = _peak / 2**20 if _sys.platform == "darwin" else _peak / 1024
print("{MARKER}" + _json.dumps({{"peak_rss_mb": round(_peak_mb)}}))
"""

# Budgets from the issues (full mode, 2-core CPU): seconds, MB, minimum test accuracy per model.
# Episodes not named here get DEFAULT_BUDGET.
DEFAULT_BUDGET = {"seconds": 360, "peak_rss_mb": 1500, "min_accuracy": {}}
BUDGETS = {
    "01_introduction": {"seconds": 180, "peak_rss_mb": 1500,
                        "min_accuracy": {"01_intro_cnn": 0.62}},
    "02_image_data": {"seconds": 120, "peak_rss_mb": 1300, "min_accuracy": {}},
    "03_build_a_cnn": {"seconds": 360, "peak_rss_mb": 1500,
                       "min_accuracy": {"03_deeper_cnn": 0.62}},
    "04_compile_and_fit": {"seconds": 360, "peak_rss_mb": 1500,
                           "min_accuracy": {"04_cats_vs_dogs_binary": 0.65,
                                            "04_regularised_cnn": 0.53}},
    "05_evaluate_and_tune": {"seconds": 360, "peak_rss_mb": 1500,
                             "min_accuracy": {"05_fast_cnn": 0.80}},
    "07_share_deploy_and_scale": {"seconds": 360, "peak_rss_mb": 1500,
                                  "min_accuracy": {"07_shared_cnn": 0.78,
                                                   "07_mirrored_cnn": 0.45}},
    "06_transfer_learning": {"seconds": 360, "peak_rss_mb": 1500,
                             "min_accuracy": {"06_transfer_finetuned": 0.80},
                             # transfer learning >= 1.5x from scratch with 1,000 images
                             "min_ratio": {"06_learning_curve": ("transfer_1000",
                                                                 "scratch_1000", 1.5)}},
}


def _measurement(nb) -> dict:
    for out in nb.cells[-1].get("outputs", []):
        text = out.get("text", "")
        if MARKER in text:
            return json.loads(text.split(MARKER, 1)[1].strip().splitlines()[0])
    raise RuntimeError("the measurement cell printed nothing")


def _new_histories(since: float) -> dict[str, dict]:
    found = {}
    for path in sorted(settings.output_dir().glob("*.history.json")):
        if path.stat().st_mtime >= since:
            record = json.loads(path.read_text())
            found[record["name"]] = record.get("metrics", {})
    return found


def bench_notebook(path: Path, *, store: bool) -> dict:
    start_clock = time.time()
    start = time.perf_counter()
    nb = notebooks.execute(path, extra_cells=[MEASURE_CELL])
    seconds = time.perf_counter() - start
    result = {"notebook": path.name, "seconds": round(seconds, 1), **_measurement(nb),
              "models": _new_histories(start_clock)}
    if store:
        nb.cells.pop()  # the measurement cell is not part of the lesson
        notebooks.write(nb, path)
    return result


def check_budget(stem: str, result: dict) -> list[str]:
    budget = BUDGETS.get(stem, DEFAULT_BUDGET)
    problems = []
    if result["seconds"] > budget["seconds"]:
        problems.append(f"time {result['seconds']} s > {budget['seconds']} s")
    if result["peak_rss_mb"] > budget["peak_rss_mb"]:
        problems.append(f"peak RSS {result['peak_rss_mb']} MB > {budget['peak_rss_mb']} MB")
    for model, minimum in budget.get("min_accuracy", {}).items():
        acc = result["models"].get(model, {}).get("test_accuracy")
        if acc is None or acc < minimum:
            problems.append(f"{model} test accuracy "
                            f"{'missing' if acc is None else format(acc, '.3f')} < {minimum}")
    for record, (top, bottom, minimum) in budget.get("min_ratio", {}).items():
        metrics = result["models"].get(record, {})
        if not metrics.get(bottom) or metrics.get(top) is None:
            problems.append(f"{record}: {top} or {bottom} missing")
        elif metrics[top] / metrics[bottom] < minimum:
            problems.append(f"{record}: {top}/{bottom} = "
                            f"{metrics[top] / metrics[bottom]:.2f} < {minimum}")
    return problems


# Binder (mybinder.org) gives a session at most 2 GB of memory, for the kernel and the Jupyter
# server together. "2 GB" is read as 2 * 10**9 bytes = 1,907 MiB, the smaller of its two
# readings (RSS figures here are MiB). The JupyterLab server's own RSS, measured on 2026-11-24
# (jupyterlab 4.6.6, after loading the lab page and a notebook): 99 MiB; we allow twice that.
BINDER_LIMIT_MB = 1907
JUPYTER_SERVER_MB = 200


def binder_verdict(peak_rss_mb: int) -> str:
    """Does an episode whose kernel peaks at ``peak_rss_mb`` fit in a Binder session (one
    notebook open at a time, with the Jupyter server's allowance)?"""
    total = peak_rss_mb + JUPYTER_SERVER_MB
    if total <= BINDER_LIMIT_MB:
        return f"fits: {total:,} MB, {BINDER_LIMIT_MB - total:,} MB spare"
    return f"DOES NOT FIT: {total:,} MB > {BINDER_LIMIT_MB:,} MB"


def write_tables(results: dict, out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "results.json").write_text(json.dumps(results, indent=1) + "\n")
    lines = [
        "# Benchmark results",
        "",
        "Written by `python3 lesson.py bench` (full mode unless marked quick). Wall time is the",
        "whole notebook run, kernel start included; peak RSS is the kernel's maximum resident",
        "memory. Budgets come from the issues.",
        "",
        f"*Binder* says whether the episode fits Binder's 2 GB (counted as {BINDER_LIMIT_MB:,} "
        "MB): the kernel's",
        f"peak RSS plus {JUPYTER_SERVER_MB} MB for the JupyterLab server (measured: 99 MB), with "
        "one notebook",
        "open at a time.",
        "",
        "| episode | mode | wall time | kernel peak RSS | models: test accuracy | budget "
        "| Binder (2 GB) | machine | date |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for stem, r in sorted(results["episodes"].items()):
        models = ", ".join(f"{k}: {v['test_accuracy']:.3f}" for k, v in r["models"].items()
                           if "test_accuracy" in v) or "—"
        budget = "—" if r["mode"] != "full" else (
            "met" if not r["budget_problems"] else "MISSED: " + "; ".join(r["budget_problems"]))
        binder = binder_verdict(r["peak_rss_mb"]) if r["mode"] == "full" else "—"
        lines.append(f"| {stem} | {r['mode']} | {r['seconds']:.0f} s | {r['peak_rss_mb']:,} MB | "
                     f"{models} | {budget} | {binder} | {r['machine']} | {r['date']} |")
    (out_dir / "results.md").write_text("\n".join(lines) + "\n")


def refresh_instructor_notes(root: Path) -> None:
    """Rewrite the generated tables of instructors/README.md from the new results (if the
    notes exist), so they never go stale; a problem there is reported, not raised."""
    from . import instructors

    path = root / instructors.NOTES
    if not path.is_file():
        return
    try:
        old = path.read_text()
        new = instructors.render(old, root)
    except (ValueError, OSError, KeyError) as err:
        print(f"Could not update {instructors.NOTES}: {err}")
        return
    if new != old:
        path.write_text(new)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="lesson.py bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("episodes", nargs="*", help="episode numbers or name prefixes")
    parser.add_argument("--store", action="store_true",
                        help="store the run's outputs in the notebooks")
    parser.add_argument("--quick", action="store_true", help="run in quick mode")
    parser.add_argument("--report", action="store_true",
                        help="run nothing: rewrite results.md from the stored results.json")
    args = parser.parse_args(argv)

    root = settings.project_root()
    if args.report:
        out_dir = root / "benchmarks"
        write_tables(json.loads((out_dir / "results.json").read_text()), out_dir)
        refresh_instructor_notes(root)
        print((out_dir / "results.md").read_text())
        return 0
    os.environ[settings.MODE_VARIABLE] = "quick" if args.quick else "full"
    os.environ.setdefault("CNNLESSON_NO_PROGRESS", "1")
    chosen = [p for p in notebooks.episode_notebooks(root)
              if not args.episodes or any(p.name.startswith(e) for e in args.episodes)]
    if not chosen:
        print("No episode notebook matches", args.episodes)
        return 2
    out_dir = root / "benchmarks"
    results_path = out_dir / "results.json"
    results = json.loads(results_path.read_text()) if results_path.exists() else {"episodes": {}}
    machine = f"{os.cpu_count()} CPU, {platform.machine()}"
    failed = False
    for path in chosen:
        print(f"Running {path.name} in {os.environ[settings.MODE_VARIABLE]} mode ...", flush=True)
        r = bench_notebook(path, store=args.store)
        r.update(mode=os.environ[settings.MODE_VARIABLE], machine=machine,
                 date=time.strftime("%Y-%m-%d"))
        r["budget_problems"] = check_budget(path.stem, r) if not args.quick else []
        failed |= bool(r["budget_problems"])
        print(json.dumps(r, indent=1), flush=True)
        if not args.quick:  # quick runs are smoke tests; only full runs are recorded
            results["episodes"][path.stem] = r
            write_tables(results, out_dir)
            refresh_instructor_notes(root)
    if not args.quick:
        print((out_dir / "results.md").read_text())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

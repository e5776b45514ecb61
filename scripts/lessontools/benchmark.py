"""Benchmark: run episodes top to bottom in full mode; wall time, kernel peak RSS, accuracy.

    python3 lesson.py bench                      every episode
    python3 lesson.py bench 01 03                episodes whose file names start with 01 or 03
    python3 lesson.py bench 01 --store           also store the run's outputs in the notebook
    python3 lesson.py bench 01 --quick           quick mode (a smoke test of the benchmark)
    python3 lesson.py bench --report             rewrite results.md from results.json, run nothing
    python3 lesson.py bench --seeds 3            train the intro CNN (episode 01) and the fast
                                                 CNN (episode 05) with 3 seeds each, as the
                                                 episodes do (about 20 minutes); with episode
                                                 numbers, run those episodes too

Results are merged into ``benchmarks/results.json`` and ``benchmarks/results.md`` (committed:
instructors read the timings there). Test accuracy per model comes from the
``fit_outputs/<name>.history.json`` files the run writes. This is a measurement, not a test:
run nothing else on the machine meanwhile. A full run first times the short training test of
``cnnlesson.pace`` once and stores its score with every episode it runs (``pace_score``): the
environment check scales the episodes' times by it to predict them on a learner's machine.

The seed runs (``seeds`` in results.json) train the two models of the lesson that learners
train in full and compare: their lowest to highest test accuracy is the range the instructor
notes tell instructors to expect.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

from cnnlesson import settings

from . import budgets, notebooks

MARKER = "__CNNLESSON_BENCHMARK__"
MEASURE_CELL = f"""\
import json as _json, resource as _resource, sys as _sys
_peak = _resource.getrusage(_resource.RUSAGE_SELF).ru_maxrss
_peak_mb = _peak / 2**20 if _sys.platform == "darwin" else _peak / 1024
print("{MARKER}" + _json.dumps({{"peak_rss_mb": round(_peak_mb)}}))
"""

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
    nb.cells.pop()  # the measurement cell is not part of the lesson
    result["cell_seconds"] = notebooks.cell_seconds(nb)
    if store:
        notebooks.write(nb, path)
    return result


def measure_pace(root: Path) -> dict:
    """This machine's training-test score and the test's version (``python -m cnnlesson.pace
    --json``, in its own process so this one stays small): ``{"pace_score": ..., "pace_test":
    ...}``, or ``{}`` if the test failed, which never stops a benchmark."""
    try:
        out = subprocess.run([sys.executable, "-m", "cnnlesson.pace", "--json"], cwd=root,
                             capture_output=True, text=True, timeout=300)
        found = json.loads(out.stdout.strip().splitlines()[-1])
        return {"pace_score": float(found["pace_score"]), "pace_test": found["pace_test"]}
    except (OSError, subprocess.SubprocessError, ValueError, KeyError, IndexError) as err:
        print(f"The training-speed test failed ({type(err).__name__}); no pace_score stored.")
        return {}


SEEDS = (42, 1, 2, 3, 4)
"""The seeds of ``--seeds N``: the first N (42 is the episodes' own)."""


def train_intro_cnn(seed: int, data: dict, quick: bool) -> dict:
    """Episode 01's training: the intro CNN, Adam at 0.001, 10 epochs of batch 64 on the
    40,000 training images; its test accuracy."""
    import keras

    from cnnlesson.models import build_intro_cnn

    settings.set_seed(seed)
    model = build_intro_cnn()
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    start = time.perf_counter()
    model.fit(data["x_train"], data["y_train"], epochs=1 if quick else 10, batch_size=64,
              verbose=0)
    seconds = time.perf_counter() - start
    accuracy = model.evaluate(data["x_test"], data["y_test"], verbose=0)[1]
    return {"test_accuracy": round(float(accuracy), 4), "seconds": round(seconds, 1)}


def train_fast_cnn(seed: int, data: dict, quick: bool) -> dict:
    """Episode 05's fast CNN (``cnnlesson.fastcnn``) on all 50,000 training images; its test
    accuracy without and with (six-view) test-time augmentation."""
    from cnnlesson import fastcnn

    result = fastcnn.train(data["x_all"], data["y_all"], seed=seed,
                           epochs=1 if quick else None)
    accuracy = fastcnn.test_accuracies(result["model"], data["x_test"], data["y_test"])
    return {"test_accuracy": round(accuracy["plain"], 4),
            "test_accuracy_tta": round(accuracy["tta"], 4),
            "seconds": round(result["seconds"], 1)}


SEED_MODELS = {"01_intro_cnn": train_intro_cnn, "05_fast_cnn": train_fast_cnn}


def seed_runs(count: int, *, quick: bool = False) -> dict[str, dict]:
    """Train each model of ``SEED_MODELS`` with the first ``count`` seeds of ``SEEDS``: per
    model, the seeds and, per metric, one value per seed. Quick: 2,000 images, 1 epoch."""
    import gc

    import keras

    import cnnlesson

    if not 1 <= count <= len(SEEDS):
        raise ValueError(f"--seeds takes 1 to {len(SEEDS)}, not {count}")
    cifar = cnnlesson.load_cifar10()
    (x_train, y_train), _ = cnnlesson.split_train_validation(
        cifar.x_train, cifar.y_train, validation_size=10_000, seed=42)
    data = {"x_train": x_train, "y_train": y_train, "x_all": cifar.x_train,
            "y_all": cifar.y_train, "x_test": cifar.x_test, "y_test": cifar.y_test}
    del cifar
    if quick:  # a stratified few of each (the mirror's images are grouped by class)
        for part in ("train", "all", "test"):
            data[f"x_{part}"], data[f"y_{part}"] = cnnlesson.stratified_subset(
                data[f"x_{part}"], data[f"y_{part}"], 2_000, seed=0)
    found = {}
    for name, train in SEED_MODELS.items():
        runs = []
        for seed in SEEDS[:count]:
            print(f"{name}, seed {seed} ...", flush=True)
            runs.append(train(seed, data, quick))
            print("   ", runs[-1], flush=True)
            keras.backend.clear_session()
            gc.collect()
        found[name] = {"seeds": list(SEEDS[:count]),
                       **{metric: [r[metric] for r in runs] for metric in runs[0]}}
    return found


def seed_lines(results: dict) -> list[str]:
    """The seed runs as a Markdown table for results.md (empty without seed runs)."""
    seeds = results.get("seeds", {})
    if not seeds:
        return []
    lines = ["", "## Seeds", "",
             "`python3 lesson.py bench --seeds N` trains each model as its episode does, with N "
             "seeds (full mode). The instructor notes' expected ranges are these lowest to "
             "highest values.", "",
             "| model | seeds | test accuracy | lowest to highest | training time | machine "
             "| date |", "|---|---|---|---|---|---|---|"]
    for name, run in sorted(seeds.items()):
        for metric in ("test_accuracy", "test_accuracy_tta"):
            if metric not in run:
                continue
            values = run[metric]
            label = name + (" (with TTA)" if metric.endswith("_tta") else "")
            lines.append(
                f"| {label} | {', '.join(map(str, run['seeds']))} | "
                f"{', '.join(f'{v:.3f}' for v in values)} | {min(values):.3f} to "
                f"{max(values):.3f} | {min(run['seconds']):.0f} to {max(run['seconds']):.0f} s "
                f"| {run['machine']} | {run['date']} |")
    return lines


def check_budget(budget: dict, result: dict) -> list[str]:
    """Every way ``result`` misses ``budget`` (see :func:`budgets.episode_budget`)."""
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
    for kind in ("min_metric", "max_metric"):
        for record, (metric, limit) in budget.get(kind, {}).items():
            value = result["models"].get(record, {}).get(metric)
            if value is None:
                problems.append(f"{record}: {metric} missing")
            elif kind == "min_metric" and value < limit:
                problems.append(f"{record}: {metric} {value:.3f} < {limit}")
            elif kind == "max_metric" and value > limit:
                problems.append(f"{record}: {metric} {value:.1f} > {limit}")
    ratios = [(kind, entry) for kind in ("min_ratio", "max_ratio")
              for entry in budget.get(kind, {}).items()]
    for kind, (record, (top, bottom, limit)) in ratios:
        metrics = result["models"].get(record, {})
        if not metrics.get(bottom) or metrics.get(top) is None:
            problems.append(f"{record}: {top} or {bottom} missing")
            continue
        ratio = metrics[top] / metrics[bottom]
        if kind == "min_ratio" and ratio < limit:
            problems.append(f"{record}: {top}/{bottom} = {ratio:.2f} < {limit}")
        elif kind == "max_ratio" and ratio > limit:
            problems.append(f"{record}: {top}/{bottom} = {ratio:.2f} > {limit}")
    return problems


def _model_summary(name: str, metrics: dict) -> str:
    """``05_fast_cnn: 0.827 (0.841 with TTA; trained in 285 s)``: a model's test accuracy and,
    where its history saved them, its accuracy with test-time augmentation and training time."""
    extra = []
    if "test_accuracy_tta" in metrics:
        extra.append(f"{metrics['test_accuracy_tta']:.3f} with TTA")
    if "training_seconds" in metrics:
        extra.append(f"trained in {metrics['training_seconds']:.0f} s")
    return f"{name}: {metrics['test_accuracy']:.3f}" + (f" ({'; '.join(extra)})" if extra else "")


def write_tables(results: dict, out_dir: Path, table: dict) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "results.json").write_text(json.dumps(results, indent=1) + "\n")
    lines = [
        "# Benchmark results",
        "",
        "Written by `python3 lesson.py bench` (full mode unless marked quick). Wall time is the",
        "whole notebook run, kernel start included; peak RSS is the kernel's maximum resident",
        "memory.",
        "",
        "*Binder* says whether the episode fits Binder's 2 GB (counted as "
        f"{table['binder']['limit_mb']:,} MB): the kernel's",
        f"peak RSS plus {table['binder']['jupyter_server_mb']} MB for the JupyterLab server "
        "(measured: 99 MB), with one notebook",
        "open at a time. Budgets: `benchmarks/budgets.toml`.",
        "",
        "| episode | mode | wall time | kernel peak RSS | models: test accuracy | budget "
        "| Binder (2 GB) | machine | date |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for stem, r in sorted(results["episodes"].items()):
        models = ", ".join(_model_summary(k, v) for k, v in r["models"].items()
                           if "test_accuracy" in v) or "—"
        budget = "—" if r["mode"] != "full" else (
            "met" if not r["budget_problems"] else "MISSED: " + "; ".join(r["budget_problems"]))
        binder = budgets.binder_verdict(table, r["peak_rss_mb"]) if r["mode"] == "full" else "—"
        lines.append(f"| {stem} | {r['mode']} | {r['seconds']:.0f} s | {r['peak_rss_mb']:,} MB | "
                     f"{models} | {budget} | {binder} | {r['machine']} | {r['date']} |")
    lines += seed_lines(results)
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
    parser.add_argument("--seeds", type=int, default=0, metavar="N",
                        help="train the intro and the fast CNN with N seeds each")
    args = parser.parse_args(argv)

    root = settings.project_root()
    table = budgets.load(root)
    if args.report:
        out_dir = root / "benchmarks"
        write_tables(json.loads((out_dir / "results.json").read_text()), out_dir, table)
        refresh_instructor_notes(root)
        print((out_dir / "results.md").read_text())
        return 0
    os.environ[settings.MODE_VARIABLE] = "quick" if args.quick else "full"
    os.environ.setdefault("CNNLESSON_NO_PROGRESS", "1")
    chosen = [p for p in notebooks.episode_notebooks(root)
              if not args.episodes or any(p.name.startswith(e) for e in args.episodes)]
    if args.seeds and not args.episodes:
        chosen = []  # --seeds alone runs only the seed runs
    elif not chosen:
        print("No episode notebook matches", args.episodes)
        return 2
    out_dir = root / "benchmarks"
    results_path = out_dir / "results.json"
    results = json.loads(results_path.read_text()) if results_path.exists() else {"episodes": {}}
    machine = f"{os.cpu_count()} CPU, {platform.machine()}"
    pace = {} if args.quick or not chosen else measure_pace(root)
    failed = False
    for path in chosen:
        print(f"Running {path.name} in {os.environ[settings.MODE_VARIABLE]} mode ...", flush=True)
        r = bench_notebook(path, store=args.store)
        r.update(mode=os.environ[settings.MODE_VARIABLE], machine=machine,
                 date=time.strftime("%Y-%m-%d"))
        r.update(pace)
        r["budget_problems"] = ([] if args.quick else
                                check_budget(budgets.episode_budget(table, path.stem), r))
        failed |= bool(r["budget_problems"])
        print(json.dumps(r, indent=1), flush=True)
        if not args.quick:  # quick runs are smoke tests; only full runs are recorded
            results["episodes"][path.stem] = r
            write_tables(results, out_dir, table)
            refresh_instructor_notes(root)
    if args.seeds:
        found = seed_runs(args.seeds, quick=args.quick)
        if not args.quick:
            for run in found.values():
                run.update(machine=machine, date=time.strftime("%Y-%m-%d"))
            results.setdefault("seeds", {}).update(found)
            write_tables(results, out_dir, table)
            refresh_instructor_notes(root)
    if not args.quick:
        print((out_dir / "results.md").read_text())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

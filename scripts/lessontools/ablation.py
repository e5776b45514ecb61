"""What each ingredient of the fast CNN buys: the recipe with one ingredient removed at a time.

    python3 lesson.py ablation                  every row (about 25 minutes on 2 CPU cores)
    python3 lesson.py ablation --rows 2 3       only these rows (numbers as listed below);
                                                the other rows keep their stored results
    python3 lesson.py ablation --quick          a smoke test: 2,000 images, 1 epoch, not stored
    python3 lesson.py ablation --list           the rows, run nothing

Each row trains the fast CNN of episode 05 (``cnnlesson.fastcnn.RECIPE``) on the same 50,000
training images with the same seed, minus one ingredient, and scores it on the 10,000 test
images with six-view test-time augmentation (and without). The rows "no test-time
augmentation" and "mirror only" are the full recipe's model predicting each image once or
twice. Results go to ``benchmarks/ablation.json``
(after every row, so an interrupted run loses at most the row in progress) and
``benchmarks/ablation.md``; episode 05 shows the table. This is a measurement: run nothing
else on the machine meanwhile.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import sys
import time
from pathlib import Path

from cnnlesson import fastcnn, settings
from cnnlesson.files import atomic_write_bytes

MARKDOWN = Path("benchmarks") / "ablation.md"


def describe_row(changes: dict) -> str:
    """What a row changes, in words for the table (``label_smoothing=0.0``)."""
    return ", ".join(f"{k}={v}" for k, v in changes.items()) or "nothing"


def measure_row(name: str, changes: dict, data: tuple, *, epochs: int | None = None) -> dict:
    """Train one row and score it: its test accuracy with six-view TTA, mirror-only TTA and
    without TTA, the seconds
    ``fit`` took, the epochs, the parameters."""
    import keras

    x_train, y_train, x_test, y_test = data
    result = fastcnn.train(x_train, y_train, seed=42, epochs=epochs, **changes)
    accuracy = fastcnn.test_accuracies(result["model"], x_test, y_test)
    row = {"row": name, "changes": {k: list(v) if isinstance(v, tuple) else v
                                    for k, v in changes.items()},
           "test_accuracy": round(accuracy["plain"], 4),
           "test_accuracy_flip": round(accuracy["flip"], 4),
           "test_accuracy_tta": round(accuracy["tta"], 4),
           "seconds": round(result["seconds"], 1), "epochs": result["epochs"],
           "train_images": len(x_train), "parameters": int(result["model"].count_params()),
           "final_training_accuracy": round(float(result["history"]["accuracy"][-1]), 4)}
    del result
    keras.backend.clear_session()
    gc.collect()
    return row


def markdown(table: dict) -> str:
    lines = ["# Ablation of the fast CNN (episode 05)", "",
             "Written by `python3 lesson.py ablation`. Each row trains the recipe "
             "(`cnnlesson.fastcnn.RECIPE`) with one ingredient removed: same 50,000 training "
             "images, same seed, same number of epochs. Test accuracy on the 10,000 test images "
             "with six-view test-time augmentation (TTA: each image as it is and shifted by one "
             "pixel either way, each also mirrored), except in the two rows that change it "
             "(derived from the full recipe's model, no training of their own). One seed per "
             "row: a difference smaller than the seed spread (`benchmarks/results.md`, Seeds) is "
             "not evidence.", "",
             "| recipe | test accuracy | change | test accuracy without TTA | training time "
             "| epochs | parameters |", "|---|---|---|---|---|---|---|"]
    for r in fastcnn.ablation_rows(table):
        change = "—" if r["row"] == "full recipe" else f"{r['change']:+.3f}"
        lines.append(f"| {r['row']} | {r['shown']:.3f} | {change} | {r['test_accuracy']:.3f} | "
                     f"{r['seconds']:.0f} s | {r['epochs']} | {r['parameters']:,} |")
    lines += ["", f"Machine: {table['machine']}; {table['date']}; whole run "
              f"{table['total_seconds'] / 60:.0f} min."]
    return "\n".join(lines) + "\n"


def load_data(quick: bool):
    import cnnlesson

    cifar = cnnlesson.load_cifar10()
    x_train, y_train = cifar.x_train, cifar.y_train  # all 50,000, as episode 05 trains it
    x_test, y_test = cifar.x_test, cifar.y_test
    if quick:  # a stratified few: the mirror's images are grouped by class
        x_train, y_train = cnnlesson.stratified_subset(x_train, y_train, 2_000, seed=0)
        x_test, y_test = cnnlesson.stratified_subset(x_test, y_test, 1_000, seed=0)
    return x_train, y_train, x_test, y_test


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="lesson.py ablation", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", nargs="*", type=int, help="row numbers (see --list)")
    parser.add_argument("--quick", action="store_true", help="smoke test; nothing stored")
    parser.add_argument("--list", action="store_true", help="list the rows and stop")
    args = parser.parse_args(argv)
    rows = list(enumerate(fastcnn.ABLATIONS, start=1))
    if args.list:
        for i, (name, changes) in rows:
            print(f"{i}. {name} ({describe_row(changes)})")
        return 0
    if args.rows:
        unknown = sorted(set(args.rows) - {i for i, _ in rows})
        if unknown:
            print(f"No row {unknown}: rows are 1 to {len(rows)} (see --list).")
            return 2
        rows = [(i, row) for i, row in rows if i in args.rows]
    root = settings.project_root()
    path = root / fastcnn.ABLATION_FILE
    os.environ.setdefault("CNNLESSON_NO_PROGRESS", "1")
    stored = {}
    if path.is_file() and not args.quick:
        stored = {r["row"]: r for r in json.loads(path.read_text()).get("rows", [])}
    data = load_data(args.quick)
    start = time.perf_counter()
    table = {"recipe": {k: list(v) if isinstance(v, tuple) else v
                        for k, v in fastcnn.RECIPE.items()},
             "machine": f"{os.cpu_count()} CPU, {platform.machine()}",
             "date": time.strftime("%Y-%m-%d"), "rows": []}
    for i, (name, changes) in rows:
        print(f"[{i}/{len(fastcnn.ABLATIONS)}] {name} ...", flush=True)
        row = measure_row(name, changes, data, epochs=1 if args.quick else None)
        print(f"    test accuracy {row['test_accuracy']:.3f}, with TTA "
              f"{row['test_accuracy_tta']:.3f}; training {row['seconds']:.0f} s", flush=True)
        stored[name] = row
        if args.quick:
            continue
        table["rows"] = [stored[n] for n, _ in fastcnn.ABLATIONS if n in stored]
        table["total_seconds"] = round(time.perf_counter() - start, 1)
        atomic_write_bytes(path, (json.dumps(table, indent=1) + "\n").encode())
    if args.quick:
        print(f"Quick run ({time.perf_counter() - start:.0f} s): nothing stored.")
        return 0
    if all(n in stored for n, _ in fastcnn.ABLATIONS):
        atomic_write_bytes(root / MARKDOWN, markdown(table).encode())
        print(fastcnn.format_ablation(table))
        print(f"Stored in {fastcnn.ABLATION_FILE} and {MARKDOWN} "
              f"({table['total_seconds'] / 60:.0f} min).")
    else:
        print("Some rows have no result yet; the table is written when all have one.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Retrain the catch-up copies in ``fit_outputs/catchup/`` from the episodes themselves.

    python3 lesson.py catchup                 all of them
    python3 lesson.py catchup 01_intro_cnn    one

There is no second copy of any episode's training code: the command runs the episode that makes
a catch-up file (``[catchup.*]`` in ``benchmarks/budgets.toml`` names it) top to bottom in full
mode, into a temporary output folder, and copies what it saved: a model (without its optimizer
state, a third of the size) with its history and a model card written beside it, or a folder of
TensorBoard logs. Episodes load these copies when a learner has not run the earlier episode
(:func:`cnnlesson.trained.load_trained_model`).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from cnnlesson import settings, trained
from cnnlesson.files import atomic_output

from . import budgets, notebooks


def without_optimizer(model):
    """A copy of ``model`` with the same weights and no optimizer state."""
    copy = type(model).from_config(model.get_config())  # uncompiled: no optimizer variables
    copy.set_weights(model.get_weights())
    return copy


def copy_model(source: Path, target: Path, episode: str) -> None:
    """Copy the model ``source`` and its history to ``target`` (without optimizer state) and
    write its model card from the history record."""
    import keras

    from cnnlesson.modelcard import write_model_card

    small = without_optimizer(keras.models.load_model(source))
    with_history = source.with_name(source.name.replace(".keras", ".history.json"))
    record = json.loads(with_history.read_text())
    with atomic_output(target, suffix=".keras") as tmp:
        small.save(tmp)
    shutil.copyfile(with_history, target.with_name(with_history.name))
    write_model_card(
        target, class_names=record["class_names"], input_shape=small.input_shape[1:],
        preprocessing="uint8 RGB images, 32x32, values 0-255; the model scales them itself",
        training_data=f"CIFAR-10, as episodes/{episode}.ipynb uses it (full mode); tested on "
                      "the 10,000 test images",
        test_accuracy=record["metrics"]["test_accuracy"],
        extra={"made_by": f"episodes/{episode}.ipynb, full mode",
               "retrain": f"python3 lesson.py catchup {target.stem}"},
        model=small)


def build(root: Path, names: list[str]) -> list[str]:
    """Run each episode the chosen catch-up entries need once and copy their files."""
    table = budgets.load(root)["catchup"]
    by_episode: dict[str, list[str]] = {}
    for name in names:
        by_episode.setdefault(table[name]["episode"], []).append(name)
    done = []
    target_dir = trained.catchup_dir()
    for episode, entries in by_episode.items():
        with tempfile.TemporaryDirectory(prefix="catchup-") as out:
            print(f"Running episodes/{episode}.ipynb in full mode ...", flush=True)
            start = time.perf_counter()
            notebooks.execute(root / "episodes" / f"{episode}.ipynb",
                              env={settings.MODE_VARIABLE: "full",
                                   settings.OUTPUT_DIR_VARIABLE: out})
            print(f"  ran in {time.perf_counter() - start:.0f} s", flush=True)
            for name in entries:
                for relative in table[name]["files"]:
                    source, target = Path(out) / relative, target_dir / relative
                    if relative.endswith(".keras"):
                        copy_model(source, target, episode)
                    elif source.is_dir():
                        shutil.rmtree(target, ignore_errors=True)
                        shutil.copytree(source, target)
                    elif not relative.endswith(".history.json"):  # copied with its model
                        shutil.copyfile(source, target)
                    print(f"  copied {relative}", flush=True)
                done.append(name)
    return done


def main(argv: list[str] | None = None) -> int:
    root = settings.project_root()
    known = list(budgets.load(root)["catchup"])
    names = list(argv or known)
    unknown = [n for n in names if n not in known]
    if unknown:
        print(f"No catch-up entry {unknown} in {budgets.FILE}; known: {known}")
        return 2
    os.environ.setdefault(settings.NO_PROGRESS_VARIABLE, "1")
    build(root, names)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

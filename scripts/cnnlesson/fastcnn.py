"""The fast CNN's training recipe, in one place.

Episode 05 builds the recipe up step by step in plain Keras and trains it once. The same
recipe lives here for what runs outside the notebook: the ablation table (``python3 lesson.py
ablation``: the recipe with one ingredient removed at a time), the benchmark's seed runs
(``python3 lesson.py bench --seeds 3``), the learning checks and episode 07, which rebuilds the
architecture. A test keeps the notebook's code and this module in step.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from . import settings
from .models import FAST_CNN_POOLS, FAST_CNN_WIDTHS

RECIPE: dict[str, Any] = {
    "widths": FAST_CNN_WIDTHS,
    "pools": FAST_CNN_POOLS,
    "batchnorm": True,
    "augment": True,
    "label_smoothing": 0.1,
    "schedule": True,
    "batch_size": 256,
    "epochs": 8,
    "start_learning_rate": 0.02,
    "peak_learning_rate": 0.2,
    "warmup_fraction": 0.25,
    "momentum": 0.9,
    "weight_decay": 5e-3,
}
"""The recipe episode 05 trains on all 50,000 training images: the architecture (convolution
widths; after which of them a 2x2 max pooling halves the image), its ingredients and the
training settings. Test-time augmentation (:func:`predict_with_tta`) is applied when
predicting."""
TRAIN_IMAGES = 50_000
"""The fast CNN trains on every training image: its schedule is fixed in advance, so no
validation images are held back."""

ABLATIONS: list[tuple[str, dict[str, Any]]] = [
    ("full recipe", {}),
    ("no batch normalisation", {"batchnorm": False}),
    ("no augmentation", {"augment": False}),
    ("no label smoothing", {"label_smoothing": 0.0}),
    ("no learning-rate schedule", {"schedule": False}),
    ("half the width", {"widths": tuple(w // 2 for w in RECIPE["widths"])}),
]
"""The ablation's rows: each removes one ingredient from the recipe (a model is trained for each
row). The rows "no test-time augmentation" and "mirror only" need no training: they are the
full recipe's model predicting each test image once, or twice (as is and mirrored), instead of
in six views."""

NO_TTA_ROW = "no test-time augmentation"
FLIP_ROW = "test-time augmentation: mirror only"
ABLATION_FILE = Path("benchmarks") / "ablation.json"
"""Where ``lesson.py ablation`` stores its table, relative to the lesson folder."""


def recipe(**changes: Any) -> dict[str, Any]:
    """The recipe with ``changes`` applied; an unknown name is an error, not a silent no-op."""
    unknown = sorted(set(changes) - set(RECIPE))
    if unknown:
        raise ValueError(f"not part of the recipe: {', '.join(unknown)}; "
                         f"the recipe has {', '.join(RECIPE)}")
    return {**RECIPE, **changes}


def constant_learning_rate(r: dict[str, Any] | None = None) -> float:
    """The learning rate of the "no schedule" row: the schedule's average over training (a
    linear warm-up from start to peak, then a cosine decay to zero), so the row changes the
    *shape* of the schedule, not its overall size."""
    r = r or RECIPE
    warm = r["warmup_fraction"]
    return (warm * (r["start_learning_rate"] + r["peak_learning_rate"]) / 2
            + (1 - warm) * r["peak_learning_rate"] / 2)


def learning_rate_schedule(steps: int, r: dict[str, Any] | None = None):
    """Keras' ``CosineDecay`` with a linear warm-up: from ``start_learning_rate`` to
    ``peak_learning_rate`` over the first ``warmup_fraction`` of the ``steps``, then along a
    cosine down to zero. Without ``schedule`` in the recipe: the constant average rate."""
    import keras

    r = r or RECIPE
    if not r["schedule"]:
        return constant_learning_rate(r)
    warmup = int(r["warmup_fraction"] * steps)
    return keras.optimizers.schedules.CosineDecay(
        r["start_learning_rate"], decay_steps=steps - warmup, alpha=0.0,
        warmup_target=r["peak_learning_rate"], warmup_steps=warmup)


def training_batches(x, y, batch_size: int, *, seed: int = 42, num_classes: int = 10):
    """Shuffled batches of ``(uint8 images, one-hot labels)``, cut from the NumPy arrays by
    shuffled indices as they are needed (:func:`cnnlesson.data.numpy_batch_loader`, as
    episode 05 does), so no copy of the whole data set is made. The last, incomplete batch is
    dropped (every batch has the same size)."""
    import numpy as np
    import tensorflow as tf

    from .data import numpy_batch_loader

    load = numpy_batch_loader(np.asarray(x), np.asarray(y))

    def load_batch(indices):
        images, labels = load(indices)
        return images, tf.one_hot(labels, num_classes)

    return (tf.data.Dataset.range(len(x))
            .shuffle(len(x), seed=seed)
            .batch(batch_size, drop_remainder=True)
            .map(load_batch, num_parallel_calls=tf.data.AUTOTUNE)
            .prefetch(2))


def compile_model(model, steps: int, r: dict[str, Any] | None = None) -> None:
    """SGD with Nesterov momentum and weight decay on the recipe's schedule, label-smoothed
    cross-entropy, accuracy."""
    import keras

    r = r or RECIPE
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate_schedule(steps, r), momentum=r["momentum"],
                                       nesterov=True, weight_decay=r["weight_decay"]),
        loss=keras.losses.CategoricalCrossentropy(label_smoothing=r["label_smoothing"]),
        metrics=["accuracy"],
    )


def tta_views(images) -> list:
    """The six views of test-time augmentation, as episode 05 builds them: the images shifted
    by one pixel down and right, not shifted, and shifted one pixel up and left (the border
    mirrored in), each also as its mirror image."""
    import tensorflow as tf

    images = tf.constant(images)
    padded = tf.pad(images, [[0, 0], [1, 1], [1, 1], [0, 0]], mode="REFLECT")
    shifts = [padded[:, :-2, :-2], images, padded[:, 2:, 2:]]
    return [view for shift in shifts for view in (shift, tf.reverse(shift, axis=[2]))]


def test_accuracies(model, x_test, y_test) -> dict[str, float]:
    """Test accuracy three ways: each image predicted once (``plain``), the image and its mirror
    image averaged (``flip``), and all six views of :func:`tta_views` averaged (``tta``)."""
    import numpy as np

    views = tta_views(x_test)
    probabilities = [model.predict(v, batch_size=500, verbose=0) for v in views]
    y = np.asarray(y_test)

    def accuracy(p):
        return float(np.mean(p.argmax(axis=1) == y))

    return {"plain": accuracy(probabilities[2]),
            "flip": accuracy(probabilities[2] + probabilities[3]),
            "tta": accuracy(sum(probabilities))}


def train(x, y, *, seed: int = 42, epochs: int | None = None, verbose: int = 0,
          **changes: Any) -> dict[str, Any]:
    """Train the fast CNN on ``x`` (``uint8`` images) and ``y`` (class indices) with the recipe
    (and ``changes``), as episode 05 does. Returns the model, its history, the seconds that
    ``fit`` took and the recipe used."""
    from .models import build_fast_cnn

    r = recipe(**changes)
    epochs = epochs or r["epochs"]
    settings.set_seed(seed)
    model = build_fast_cnn(augment=r["augment"], batchnorm=r["batchnorm"], widths=r["widths"],
                           pools=r["pools"])
    batches = training_batches(x, y, r["batch_size"], seed=seed)
    compile_model(model, len(batches) * epochs, r)
    start = time.perf_counter()
    history = model.fit(batches, epochs=epochs, verbose=verbose)
    seconds = time.perf_counter() - start
    return {"model": model, "history": history.history, "seconds": seconds, "recipe": r,
            "epochs": epochs}


def load_ablation(root: str | Path | None = None) -> dict[str, Any]:
    """The stored ablation table (``benchmarks/ablation.json``), with a clear error if it is
    missing."""
    path = Path(root or settings.project_root()) / ABLATION_FILE
    if not path.is_file():
        raise FileNotFoundError(f"No ablation table at {path}: a maintainer makes it with "
                                "`python3 lesson.py ablation` (about 25 minutes).")
    return json.loads(path.read_text())


def ablation_rows(table: dict[str, Any]) -> list[dict[str, Any]]:
    """The table's rows in order, with the derived "no test-time augmentation" row after the
    full recipe and each row's difference to the full recipe (``change``, in accuracy)."""
    rows = list(table["rows"])
    full = next(r for r in rows if r["row"] == "full recipe")
    best = full["test_accuracy_tta"]
    out = []
    for r in rows:
        out.append({**r, "shown": r["test_accuracy_tta"], "change": r["test_accuracy_tta"] - best})
        if r is full:
            out.append({**r, "row": FLIP_ROW, "shown": r["test_accuracy_flip"],
                        "change": r["test_accuracy_flip"] - best})
            out.append({**r, "row": NO_TTA_ROW, "shown": r["test_accuracy"],
                        "change": r["test_accuracy"] - best})
    return out


def format_ablation(table: dict[str, Any]) -> str:
    """The ablation table as text: one row per ingredient removed, with its test accuracy
    (with six-view TTA, except in the rows that remove it), the change against the full recipe,
    the training accuracy of the last epoch (on augmented images where the row augments) and
    the training time."""
    lines = [f"{'recipe':<37}{'test accuracy':>14}{'change':>8}{'training accuracy':>19}"
             f"{'time':>8}", "-" * 86]
    for r in ablation_rows(table):
        change = "" if r["row"] == "full recipe" else f"{r['change']:+.3f}"
        lines.append(f"{r['row']:<37}{r['shown']:>14.3f}{change:>8}"
                     f"{r['final_training_accuracy']:>19.3f}{r['seconds']:>6.0f} s")
    return "\n".join(lines)


def fast_cnn_seed_range(root: str | Path | None = None) -> tuple[float, float, int]:
    """(lowest, highest, number of seeds): test accuracy with TTA of the full recipe over the
    benchmark's seed runs (``python3 lesson.py bench --seeds N``, in
    ``benchmarks/results.json``)."""
    path = Path(root or settings.project_root()) / "benchmarks" / "results.json"
    seeds = json.loads(path.read_text()).get("seeds", {}) if path.is_file() else {}
    values = seeds.get("05_fast_cnn", {}).get("test_accuracy_tta")
    if not values:
        raise FileNotFoundError(f"No seed runs of the fast CNN in {path}: a maintainer makes "
                                "them with `python3 lesson.py bench --seeds 3`.")
    return min(values), max(values), len(values)

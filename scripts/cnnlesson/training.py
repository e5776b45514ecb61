"""Saving what an episode trains: the model and its history, atomically, under one name.

``fit_outputs/<name>.keras`` holds the model and ``fit_outputs/<name>.history.json`` its training
history plus the final test metrics, the class names and the versions it was made with.
Episode 07 teaches the file formats themselves.
"""

from __future__ import annotations

import json
import platform
import time
from pathlib import Path
from typing import Any

from . import settings
from .download import atomic_output, atomic_write_bytes


def model_path(name: str) -> Path:
    """``fit_outputs/<name>.keras`` (``fit_outputs/quick/`` in quick mode)."""
    return settings.output_path(f"{name}.keras")


def history_path(name: str) -> Path:
    """``fit_outputs/<name>.history.json`` (``fit_outputs/quick/`` in quick mode)."""
    return settings.output_path(f"{name}.history.json")


def save_model(model, name: str) -> Path:
    """Save ``model`` as ``<name>.keras`` in the output folder. The file is written beside its
    final name and renamed into place, so an interrupted save never leaves a broken model."""
    path = model_path(name)
    with atomic_output(path, suffix=".keras") as tmp:
        model.save(tmp)
    return path


def save_history(history, name: str, *, class_names=None, **metrics: float) -> Path:
    """Save a Keras ``History`` (or its ``.history`` dict) with final metrics such as
    ``test_accuracy=0.65`` as ``<name>.history.json``; returns the path."""
    import keras

    record: dict[str, Any] = {
        "name": name,
        "history": {k: [float(v) for v in vals]
                    for k, vals in getattr(history, "history", history).items()},
        "metrics": {k: float(v) for k, v in metrics.items()},
        "class_names": list(class_names) if class_names is not None else None,
        "mode": "quick" if settings.is_quick() else "full",
        "versions": {"keras": keras.__version__, "python": platform.python_version()},
        "saved_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    return atomic_write_bytes(history_path(name), json.dumps(record, indent=1).encode())


def load_history(name: str) -> dict[str, Any]:
    """Read what :func:`save_history` wrote: ``record["history"]["val_accuracy"]`` etc."""
    path = history_path(name)
    if not path.is_file():
        raise FileNotFoundError(f"No saved history named {name!r} at {path}: run the episode "
                                "that trains it first.")
    return json.loads(path.read_text())


def load_model(name: str):
    """Load ``<name>.keras`` from the output folder, with a clear error when it is missing."""
    import keras

    path = model_path(name)
    if not path.is_file():
        raise FileNotFoundError(f"No saved model named {name!r} at {path}: run the episode "
                                "that trains it first.")
    return keras.models.load_model(path)


def array_batches(x, y, *, batch_size: int = 32, shuffle: bool = True, seed: int | None = None):
    """A ``tf.data`` pipeline of ``(x, y)`` batches for ``model.fit``, cut from the NumPy
    arrays as they are needed (episode 06). ``fit`` on whole NumPy arrays first copies them
    into one more tensor (about 120 MB for 40,000 CIFAR-10 images); this makes no such copy.
    Shuffled again every epoch when ``shuffle``; the images stay ``uint8``."""
    import numpy as np
    import tensorflow as tf

    x, y = np.asarray(x), np.asarray(y)
    if len(x) != len(y):
        raise ValueError(f"{len(x)} images but {len(y)} labels")
    if len(x) == 0 or batch_size < 1:
        raise ValueError("need at least one image and a batch size of at least 1")

    def take(indices):
        indices = np.sort(indices)
        return x[indices], y[indices]

    def fetch(indices):
        images, labels = tf.numpy_function(take, [indices], (x.dtype, y.dtype))
        images.set_shape((None, *x.shape[1:]))
        labels.set_shape((None, *y.shape[1:]))
        return images, labels

    indices = tf.data.Dataset.range(len(x))
    if shuffle:
        indices = indices.shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
    return indices.batch(batch_size).map(fetch).prefetch(2)

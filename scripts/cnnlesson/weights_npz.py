"""Weights as a framework-neutral ``.npz`` file (episode 07): every weight of a Keras model as a
plain NumPy array, keyed by position and Keras path, and loaded back into the same architecture.

The Keras calls that save and load whole models stay in the notebook; this is the plumbing.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from .files import atomic_output


def weight_key(index: int, variable) -> str:
    """The key of one weight in the ``.npz`` file: its position and its Keras path, e.g.
    ``"003/conv2d/kernel"``. The position makes the key unique and keeps the order."""
    return f"{index:03d}/{variable.path}"


def export_weights_npz(model, path: str | os.PathLike) -> Path:
    """Save every weight of ``model`` (trainable or not) as NumPy arrays in one ``.npz`` file,
    keyed by :func:`weight_key`, written atomically. Any framework can read it (episode 07)."""
    path = Path(path)
    if path.suffix != ".npz":
        raise ValueError(f"{path} should end in .npz")
    arrays = {weight_key(i, w): np.asarray(w.numpy()) for i, w in enumerate(model.weights)}
    with atomic_output(path, suffix=".npz") as tmp, open(tmp, "wb") as f:
        np.savez(f, **arrays)
    return path


def import_weights_npz(model, path: str | os.PathLike) -> None:
    """Load weights saved by :func:`export_weights_npz` into ``model`` (same architecture).
    Weights are matched by position; their number, names and shapes must agree, otherwise a
    ``ValueError`` says which one differs and nothing is changed."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"No weights file at {path}")
    with np.load(path, allow_pickle=False) as data:
        keys = sorted(data.files)
        arrays = [data[k] for k in keys]
    weights = list(model.weights)
    if len(keys) != len(weights):
        raise ValueError(f"{path.name} holds {len(keys)} weights, the model has {len(weights)}: "
                         "it was saved from a different architecture.")
    for key, array, w in zip(keys, arrays, weights, strict=True):
        saved_name = key.rsplit("/", 1)[-1]
        if saved_name != w.name or tuple(array.shape) != tuple(w.shape):
            raise ValueError(f"Weight {key!r} has shape {tuple(array.shape)}, but the model's "
                             f"weight at that position is {w.path!r} with shape {tuple(w.shape)}"
                             ": the file was saved from a different architecture.")
    for array, w in zip(arrays, weights, strict=True):
        w.assign(array.astype(w.dtype) if str(array.dtype) != str(w.dtype) else array)

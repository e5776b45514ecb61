"""Sharing and using a trained model (episode 07): weights as plain NumPy arrays, your own image
ready for the model, and the TensorBoard logs of episode 04 read back as numbers.

The Keras calls that save and load models stay in the notebook; this module holds the plumbing.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from . import settings
from .download import atomic_output

# --------------------------------------------------------------------------------------------
# Weights as a framework-neutral .npz file
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# Your own image
# --------------------------------------------------------------------------------------------


def prepare_image(image: np.ndarray, size: tuple[int, int] = (32, 32)) -> np.ndarray:
    """An image array of any size as the model's input: the centre square cropped (so nothing
    is squashed), resized to ``size`` and returned as ``uint8`` RGB (height, width, 3). Grey
    images are repeated over three channels, an alpha channel is dropped."""
    from PIL import Image

    image = np.asarray(image)
    if image.ndim == 2:
        image = np.repeat(image[:, :, None], 3, axis=2)
    if image.ndim != 3 or image.shape[2] not in (3, 4) or min(image.shape[:2]) < 1:
        raise ValueError(f"Expected one image of shape (height, width, 3), got {image.shape}. "
                         "Pass a single image, not a batch.")
    if image.dtype != np.uint8:
        raise ValueError(f"Expected a uint8 image (values 0-255), got {image.dtype}.")
    image = image[:, :, :3]
    h, w = image.shape[:2]
    side = min(h, w)
    top, left = (h - side) // 2, (w - side) // 2
    square = Image.fromarray(np.ascontiguousarray(image[top:top + side, left:left + side]))
    if square.size != (size[1], size[0]):
        square = square.resize((size[1], size[0]), Image.Resampling.BICUBIC)
    return np.asarray(square, dtype=np.uint8)


def read_image_for_model(path: str | os.PathLike,
                         input_shape: Sequence[int] = (32, 32, 3)) -> np.ndarray:
    """Read an image file (JPEG, PNG, ...) as the model's input (episode 07): see
    :func:`prepare_image`. A missing file raises ``FileNotFoundError``, a file that is not an
    image ``ValueError``, both naming the file."""
    from .data import read_image

    if len(input_shape) != 3 or input_shape[2] != 3:
        raise ValueError(f"This reads RGB images; the model expects input shape {input_shape}.")
    return prepare_image(read_image(path), size=(int(input_shape[0]), int(input_shape[1])))


def top_k(probabilities: np.ndarray, class_names: Sequence[str],
          k: int = 3) -> list[tuple[str, float]]:
    """The ``k`` most probable classes of one prediction, most probable first."""
    probabilities = np.asarray(probabilities).ravel()
    if len(probabilities) != len(class_names):
        raise ValueError(f"{len(probabilities)} probabilities for {len(class_names)} classes")
    order = np.argsort(probabilities)[::-1][:k]
    return [(class_names[i], float(probabilities[i])) for i in order]


def classify_image_file(model, path: str | os.PathLike, class_names: Sequence[str],
                        k: int = 3) -> tuple[np.ndarray, list[tuple[str, float]]]:
    """Read ``path``, predict with ``model``; return the image as the model saw it and the
    top ``k`` classes with their probabilities (episode 07)."""
    image = read_image_for_model(path, model.input_shape[1:])
    probabilities = model.predict(image[None], verbose=0)[0]
    return image, top_k(probabilities, class_names, k)


# --------------------------------------------------------------------------------------------
# TensorBoard logs
# --------------------------------------------------------------------------------------------


def _has_events(folder: Path) -> bool:
    return folder.is_dir() and any(folder.rglob("events.out.tfevents.*"))


def find_log_dir(run_name: str) -> Path:
    """The TensorBoard logs of ``run_name`` (e.g. ``"04_regularised_cnn"``): yours in
    ``fit_outputs/logs/`` if you ran the episode, else the catch-up copy committed in
    ``fit_outputs/catchup/logs/``. Prints which (episode 07)."""
    own = settings.output_path(f"logs/{run_name}")
    if _has_events(own):
        print(f"Logs of {run_name} that you wrote ({own.parent.name}/{own.name}).")
        return own
    catchup = settings.project_root() / "fit_outputs" / "catchup" / "logs" / run_name
    if _has_events(catchup):
        print(f"The catch-up copy of the logs of {run_name} (you have not written your own).")
        return catchup
    raise FileNotFoundError(f"No TensorBoard logs of {run_name!r} in {own} or {catchup}: run "
                            "the episode that writes them.")


def read_scalars(log_dir: str | os.PathLike) -> dict[str, dict[str, tuple[np.ndarray,
                                                                         np.ndarray]]]:
    """Read the scalars of every sub-run of ``log_dir`` (``train``, ``validation``) from its
    event files: ``{"train": {"epoch_loss": (steps, values), ...}, ...}``, sorted by step."""
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    from tensorboard.util import tensor_util

    log_dir = Path(log_dir)
    runs = sorted(p for p in log_dir.iterdir() if _has_events(p)) if log_dir.is_dir() else []
    if not runs:
        raise FileNotFoundError(f"No event files in the sub-folders of {log_dir}")
    result: dict[str, dict[str, tuple[np.ndarray, np.ndarray]]] = {}
    for run in runs:
        acc = EventAccumulator(str(run), size_guidance={"tensors": 0, "scalars": 0})
        acc.Reload()
        series: dict[str, list[tuple[int, float]]] = {}
        for tag in acc.Tags()["scalars"]:
            series[tag] = [(e.step, float(e.value)) for e in acc.Scalars(tag)]
        for tag in acc.Tags()["tensors"]:
            events = acc.Tensors(tag)
            values = [tensor_util.make_ndarray(e.tensor_proto) for e in events]
            if all(v.ndim == 0 and v.dtype.kind == "f" for v in values):
                series[tag] = [(e.step, float(v)) for e, v in zip(events, values, strict=True)]
        result[run.name] = {tag: (np.array([s for s, _ in pts]), np.array([v for _, v in pts]))
                            for tag, pts in sorted(series.items())
                            for pts in [sorted(pts)]}
    return result

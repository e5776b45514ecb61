"""Your own image file, ready for a model (episode 07): read, centre-cropped, resized, uint8 RGB;
and the top classes of one prediction."""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np


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

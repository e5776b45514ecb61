"""Pretrained ImageNet weights for ``keras.applications`` (episode 06), online or offline.

Online, Keras downloads the weights itself the first time (``weights="imagenet"``). Offline,
set ``CNNLESSON_WEIGHTS_MIRROR`` to a folder holding the weight files under their Keras names
(for example ``mobilenet_2_5_224_tf_no_top.h5``): :func:`use_weights_mirror` checks every file
it knows the checksum of and *links* the files into Keras' cache folder
(``$KERAS_HOME/models``, by default ``~/.keras/models``), so that the ordinary
``keras.applications.MobileNet(weights="imagenet")`` call finds them. Nothing is copied.
"""

from __future__ import annotations

import os
from pathlib import Path

from . import settings
from .download import DataUnavailableError
from .files import verify_file

WEIGHTS_MIRROR_VARIABLE = "CNNLESSON_WEIGHTS_MIRROR"

# Checksums of files we know: (algorithm, digest). Keras itself checks the class index's md5.
KNOWN_FILES = {
    "mobilenet_2_5_224_tf_no_top.h5": (
        "sha256", "dbdb03ee2a22fd895301636cd328b234bb3a9952358f436d82f46b81e0d5b0bf"),
    "imagenet_class_index.json": ("md5", "c2c37ea517e94d9795004a39431a14cb"),
}


def keras_cache_dir() -> Path:
    """The folder where Keras keeps downloaded weights (``$KERAS_HOME/models``)."""
    try:
        from keras.src.backend.config import keras_home

        home = keras_home()
    except ImportError:  # pragma: no cover - older or newer Keras layout
        home = os.environ.get("KERAS_HOME", os.path.join(os.path.expanduser("~"), ".keras"))
    return Path(home).expanduser() / "models"


def mobilenet_weights_name(alpha: float = 0.25, image_size: int = 224) -> str:
    """The file Keras looks for when asked for ``MobileNet(alpha, include_top=False,
    weights="imagenet")`` at ``image_size`` (sizes other than 128/160/192/224 use 224)."""
    alpha_text = {1.0: "1_0", 0.75: "7_5", 0.5: "5_0", 0.25: "2_5"}[alpha]
    rows = image_size if image_size in (128, 160, 192, 224) else 224
    return f"mobilenet_{alpha_text}_{rows}_tf_no_top.h5"


def verify_known_file(path: Path) -> None:
    """Raise ``ChecksumError`` if ``path`` is a file we know and its bytes are wrong."""
    known = KNOWN_FILES.get(path.name)
    if known is not None:
        algorithm, expected = known
        verify_file(path, expected, algorithm)


def use_weights_mirror(mirror: str | os.PathLike | None = None) -> list[Path]:
    """Make the weight files of the mirror folder visible to Keras (see module docstring).

    ``mirror`` defaults to ``$CNNLESSON_WEIGHTS_MIRROR``; without either it does nothing. Files
    with a known checksum are verified first. A file Keras already has (downloaded earlier)
    is left alone. Returns the links made or kept.
    """
    mirror = mirror or os.environ.get(WEIGHTS_MIRROR_VARIABLE)
    if not mirror:
        return []
    folder = Path(mirror).expanduser()
    if not folder.is_dir():
        raise DataUnavailableError(f"{WEIGHTS_MIRROR_VARIABLE} is set to {mirror}, but there is "
                                   "no such folder. Fix the path or unset the variable.")
    cache = keras_cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    linked = []
    for source in sorted(p for p in folder.iterdir() if p.is_file()
                         and p.suffix in (".h5", ".json", ".keras")):
        verify_known_file(source)
        target = cache / source.name
        if target.is_symlink() and not target.exists():
            target.unlink()  # a link to a mirror that moved
        if not target.exists():
            target.symlink_to(source.resolve())
        linked.append(target)
    return linked


# Backbones episode 06 names, with the keras.applications module that holds their
# ``preprocess_input`` and the options the lesson uses by default. Only MobileNet(alpha=0.25)
# has offline weights here; the others download (14-33 MB) the first time, online.
BACKBONES = {
    "MobileNet": ("mobilenet", {"alpha": 0.25}),
    "MobileNetV2": ("mobilenet_v2", {}),
    "EfficientNetB0": ("efficientnet", {}),
    "DenseNet121": ("densenet", {}),
    "ResNet50": ("resnet50", {}),
}


def preprocess_function(name: str):
    """The ``preprocess_input`` that belongs to the ``keras.applications`` model ``name``: each
    backbone expects its inputs scaled the way it was trained (episode 06)."""
    import importlib

    if name not in BACKBONES:
        raise ValueError(f"Unknown backbone {name!r}; choose one of {sorted(BACKBONES)}.")
    module = importlib.import_module(f"keras.applications.{BACKBONES[name][0]}")
    return module.preprocess_input


def load_imagenet_backbone(name: str = "MobileNet", *, input_shape=(96, 96, 3), **kwargs):
    """``keras.applications.<name>(include_top=False, weights="imagenet", input_shape=...)``
    through the real Keras loading code, with the mirror made visible first and a clear
    message when the weights can be neither found nor downloaded (episode 06)."""
    import keras

    use_weights_mirror()
    constructor = getattr(keras.applications, name, None)
    if constructor is None:
        raise ValueError(f"keras.applications has no model named {name!r}")
    kwargs = {**BACKBONES.get(name, ("", {}))[1], **kwargs}
    try:
        return constructor(include_top=False, weights="imagenet", input_shape=input_shape,
                           **kwargs)
    except Exception as err:  # Keras wraps download failures in a plain Exception
        text = str(err)
        if "URL fetch failure" in text or "HTTP Error" in text or "urlopen" in text:
            raise DataUnavailableError(
                f"Could not download the ImageNet weights of {name} ({text.splitlines()[0]}). "
                f"Connect to the internet once, or set {WEIGHTS_MIRROR_VARIABLE} to a folder "
                "holding the weight files under their Keras names and restart the kernel. "
                "Instructors: run `python3 lesson.py prefetch` before the workshop."
            ) from None
        raise


def extract_features(extractor, images, *, batch_size: int = 128, desc: str = "features"):
    """Run a frozen feature extractor over ``images`` batch by batch and return one float32
    array of features (episode 06). Works on the ``uint8`` images directly: unlike
    ``predict`` on a whole array, it never holds a converted copy of the full set in memory,
    and it shows a progress bar."""
    import numpy as np

    images = np.asarray(images)
    if images.ndim != 4:
        raise ValueError(f"expected a batch of images (N, height, width, channels), got shape "
                         f"{images.shape}")
    expected = tuple(extractor.input_shape[1:])
    if tuple(images.shape[1:]) != expected:
        raise ValueError(f"the extractor takes images of shape {expected}, got "
                         f"{tuple(images.shape[1:])}: resize them first")
    out = None
    with settings.progress_bar(total=len(images), desc=desc, unit="img") as bar:
        for start in range(0, len(images), batch_size):
            batch = np.asarray(extractor.predict_on_batch(images[start:start + batch_size]))
            if out is None:
                out = np.empty((len(images), *batch.shape[1:]), np.float32)
            out[start:start + len(batch)] = batch
            bar.update(len(batch))
    if out is None:
        raise ValueError("no images to extract features from")
    return out

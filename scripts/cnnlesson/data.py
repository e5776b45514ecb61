"""Image data: CIFAR-10 (official download or a local mirror), image folders, splits.

Every loader returns an :class:`ImageDataset`: ``uint8`` images in NHWC order (count, height,
width, channels), integer labels and the class names in a fixed order. Images stay ``uint8``
until the model (which scales them in a ``Rescaling`` layer), so no float copy of the data set
is ever made: all of CIFAR-10 takes 184 MB this way, and 1.5 GB as float64.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import tarfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import settings
from .download import DataUnavailableError, download
from .files import atomic_output, verify_file

CIFAR10_URL = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
CIFAR10_SHA256 = "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce"
CIFAR10_ARCHIVE = "cifar-10-python.tar.gz"
CIFAR10_CLASSES = ("airplane", "automobile", "bird", "cat", "deer",
                   "dog", "frog", "horse", "ship", "truck")
MIRROR_VARIABLE = "CNNLESSON_CIFAR10_MIRROR"
"""Folder of a local CIFAR-10 copy as an image folder (``<root>/{train,test}/<class>/*.jpg``)."""

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp", ".tif", ".tiff"}
IGNORED_FILES = {".ds_store", "thumbs.db", "desktop.ini"}
CACHE_VERSION = 1


@dataclass
class ImageDataset:
    """Images and labels of a training and a test split, plus the class names.

    ``x_*`` are ``uint8`` arrays of shape (count, height, width, 3); ``y_*`` are integer labels
    (``int64``), so that ``class_names[y_train[i]]`` names image ``i``'s class.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    class_names: tuple[str, ...]
    source: str = ""

    def __repr__(self) -> str:
        return (f"ImageDataset(train={self.x_train.shape}, test={self.x_test.shape}, "
                f"dtype={self.x_train.dtype}, classes={len(self.class_names)}, "
                f"source={self.source!r})")


# --------------------------------------------------------------------------------------------
# The official CIFAR-10 archive ("CIFAR-10 python version")
# --------------------------------------------------------------------------------------------

def read_cifar10_archive(path: str | os.PathLike) -> ImageDataset:
    """Read the official ``cifar-10-python.tar.gz`` (or a file of the same format) without
    unpacking it to disk: five pickled training batches, one test batch, and the class names."""
    batches: dict[str, dict] = {}
    try:
        with tarfile.open(path, "r:gz") as tar:
            for member in tar.getmembers():
                name = Path(member.name).name
                if member.isfile() and (name.startswith(("data_batch_", "test_batch"))
                                        or name == "batches.meta"):
                    with tar.extractfile(member) as f:
                        batches[name] = pickle.load(io.BytesIO(f.read()), encoding="bytes")
    except (tarfile.TarError, EOFError, OSError, pickle.UnpicklingError) as err:
        raise ValueError(f"{path} is not a readable CIFAR-10 archive ({err}). "
                         "Delete it and download again.") from None
    train_names = sorted(n for n in batches if n.startswith("data_batch_"))
    missing = [n for n in ("test_batch", "batches.meta") if n not in batches]
    if not train_names or missing:
        raise ValueError(f"{path} lacks parts of CIFAR-10: {missing or 'training batches'}")

    def to_arrays(names: list[str]) -> tuple[np.ndarray, np.ndarray]:
        data = np.concatenate([np.asarray(batches[n][b"data"], dtype=np.uint8) for n in names])
        labels = np.concatenate([np.asarray(batches[n][b"labels"], dtype=np.int64)
                                 for n in names])
        images = data.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)  # rows are CHW planes
        return np.ascontiguousarray(images), labels

    x_train, y_train = to_arrays(train_names)
    x_test, y_test = to_arrays(["test_batch"])
    class_names = tuple(n.decode() for n in batches["batches.meta"][b"label_names"])
    return ImageDataset(x_train, y_train, x_test, y_test, class_names, source=str(path))


# --------------------------------------------------------------------------------------------
# Image folders: <root>/<split>/<class>/<image file>
# --------------------------------------------------------------------------------------------

def _class_folders(split_dir: Path) -> list[Path]:
    return sorted(p for p in split_dir.iterdir() if p.is_dir() and not p.name.startswith("."))


def _image_files(class_dir: Path) -> list[Path]:
    files, others = [], []
    for p in sorted(class_dir.iterdir()):
        if p.name.startswith(".") or p.name.lower() in IGNORED_FILES or p.is_dir():
            continue
        (files if p.suffix.lower() in IMAGE_SUFFIXES else others).append(p)
    if others:
        raise ValueError(f"{class_dir} holds files that are not images: "
                         f"{', '.join(p.name for p in others[:5])}. Move them out of the folder.")
    if not files:
        raise ValueError(f"Class folder {class_dir} has no images. Every class needs at least "
                         "one image (or remove the empty folder).")
    return files


def read_image(path: str | os.PathLike, size: tuple[int, int] | None = None) -> np.ndarray:
    """Read one image file as a ``uint8`` RGB array (height, width, 3), optionally resized to
    ``size`` = (height, width). Raises a clear error for a missing or non-image file."""
    from PIL import Image, UnidentifiedImageError

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"No image file at {path}")
    try:
        with Image.open(path) as img:
            img = img.convert("RGB")
            if size is not None and img.size != (size[1], size[0]):
                img = img.resize((size[1], size[0]), Image.Resampling.BILINEAR)
            return np.asarray(img, dtype=np.uint8)
    except (UnidentifiedImageError, OSError, SyntaxError) as err:
        raise ValueError(f"{path} is not a readable image file ({err}).") from None


def _read_split(split_dir: Path, class_names: Sequence[str],
                image_size: tuple[int, int] | None, desc: str) -> tuple[np.ndarray, np.ndarray]:
    from concurrent.futures import ThreadPoolExecutor

    files: list[Path] = []
    labels: list[int] = []
    for label, name in enumerate(class_names):
        class_dir = split_dir / name
        if not class_dir.is_dir():
            raise FileNotFoundError(f"{split_dir} has no folder for class {name!r}")
        found = _image_files(class_dir)
        files += found
        labels += [label] * len(found)
    first = read_image(files[0], image_size)
    height, width = first.shape[:2]
    images = np.empty((len(files), height, width, 3), dtype=np.uint8)

    def read_into(i: int) -> None:
        img = read_image(files[i], image_size)
        if img.shape != images.shape[1:]:
            raise ValueError(
                f"{files[i]} is {img.shape[1]}x{img.shape[0]} pixels but {files[0]} is "
                f"{width}x{height}: pass image_size=(height, width) to resize them all.")
        images[i] = img

    # Decoding releases the GIL, so two threads use both cores of a small laptop.
    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool, \
            settings.progress_bar(total=len(files), desc=desc, unit="img") as bar:
        for _ in pool.map(read_into, range(len(files))):
            bar.update(1)
    return images, np.asarray(labels, dtype=np.int64)


def load_image_folder(root: str | os.PathLike, *, class_names: Sequence[str] | None = None,
                      image_size: tuple[int, int] | None = None,
                      splits: tuple[str, str] = ("train", "test")) -> ImageDataset:
    """Load ``<root>/<split>/<class>/*.jpg|png`` into an :class:`ImageDataset`.

    Class names are the training split's sub-folder names in alphabetical order (or
    ``class_names``, to fix another order); labels follow that order. Images in a class folder
    are read in file-name order, so the result is grouped by class. All images must share one
    size unless ``image_size`` = (height, width) is given, which resizes every image.
    This is how learners bring their own images (episode 02).
    """
    root = Path(root).expanduser()
    if not root.is_dir():
        raise FileNotFoundError(f"No image folder at {root}: expected {root}/train/<class>/*.jpg "
                                f"and {root}/test/<class>/*.jpg")
    split_dirs = [root / s for s in splits]
    for d in split_dirs:
        if not d.is_dir():
            raise FileNotFoundError(f"{root} has no {d.name}/ folder (expected {list(splits)})")
    if class_names is None:
        class_names = [p.name for p in _class_folders(split_dirs[0])]
        if not class_names:
            raise ValueError(f"{split_dirs[0]} has no class folders")
    (x_train, y_train), (x_test, y_test) = (
        _read_split(d, class_names, image_size, desc=f"Reading {d.name} images")
        for d in split_dirs)
    return ImageDataset(x_train, y_train, x_test, y_test, tuple(class_names), source=str(root))


# --------------------------------------------------------------------------------------------
# CIFAR-10 from whichever source is set, cached once as uint8 arrays
# --------------------------------------------------------------------------------------------

def _folder_fingerprint(root: Path) -> str:
    """A digest of every file's path, size and modification time: any change to the folder
    (an image added, removed, moved to another class or replaced) invalidates the cache."""
    digest = hashlib.sha256(f"v{CACHE_VERSION}:{root.resolve()}".encode())
    count = 0
    for split in ("train", "test"):
        for class_dir in _class_folders(root / split):
            for entry in sorted(os.scandir(class_dir), key=lambda e: e.name):
                stat = entry.stat()
                digest.update(f"{split}/{class_dir.name}/{entry.name}:{stat.st_size}:"
                              f"{stat.st_mtime_ns}\n".encode())
                count += 1
    return f"{count}:{digest.hexdigest()}"


def _save_cache(path: Path, ds: ImageDataset, fingerprint: str) -> None:
    with atomic_output(path, suffix=".npz") as tmp:
        np.savez(tmp, x_train=ds.x_train, y_train=ds.y_train, x_test=ds.x_test,
                 y_test=ds.y_test, class_names=np.array(ds.class_names),
                 fingerprint=np.array(fingerprint))


def _load_cache(path: Path, fingerprint: str, source: str) -> ImageDataset | None:
    if not path.is_file():
        return None
    try:
        with np.load(path) as f:
            if str(f["fingerprint"]) != fingerprint:
                return None
            return ImageDataset(f["x_train"], f["y_train"], f["x_test"], f["y_test"],
                                tuple(str(c) for c in f["class_names"]), source=source)
    except Exception:  # a damaged cache is rebuilt, never trusted
        return None


def cifar10_source() -> str:
    """``"mirror"`` when ``CNNLESSON_CIFAR10_MIRROR`` names a folder, else ``"official"``."""
    return "mirror" if os.environ.get(MIRROR_VARIABLE) else "official"


def offline_hint() -> str:
    return (f"To work offline, either copy the official {CIFAR10_ARCHIVE} into "
            f"{settings.data_dir()}/, or set the environment variable {MIRROR_VARIABLE} to a "
            "folder holding CIFAR-10 as images (<folder>/train/<class>/*.jpg, "
            "<folder>/test/<class>/*.jpg) and restart the kernel. Instructors: run "
            "`python3 lesson.py prefetch` before the workshop.")


def fetch_cifar10_archive(url: str = CIFAR10_URL, sha256: str = CIFAR10_SHA256) -> Path:
    """Download the official archive into the data folder (once), verified by its SHA-256."""
    return download(url, settings.data_dir() / CIFAR10_ARCHIVE, sha256=sha256,
                    hint=offline_hint())


def load_cifar10(*, url: str = CIFAR10_URL, sha256: str = CIFAR10_SHA256,
                 download: bool = True) -> ImageDataset:
    """All of CIFAR-10: 50,000 training and 10,000 test images (32x32x3 ``uint8``), 10 classes.

    Source: the folder named by ``CNNLESSON_CIFAR10_MIRROR`` if set, else the official archive,
    downloaded once with a progress bar and verified against its SHA-256. The decoded arrays are
    cached in the data folder, so later calls take about a second. With ``download=False`` it
    raises :class:`DataUnavailableError` instead of downloading (the environment check).
    """
    mirror = os.environ.get(MIRROR_VARIABLE)
    cache_dir = settings.data_dir()
    if mirror:
        root = Path(mirror).expanduser()
        if not root.is_dir():
            raise DataUnavailableError(f"{MIRROR_VARIABLE} is set to {mirror}, but there is no "
                                       "such folder. Fix the path or unset the variable.")
        missing = [s for s in ("train", "test") if not (root / s).is_dir()]
        if missing:
            raise DataUnavailableError(
                f"{MIRROR_VARIABLE} is set to {mirror}, but that folder has no "
                f"{' or '.join(s + '/' for s in missing)} subfolder. A mirror holds "
                "<folder>/train/<class>/*.jpg and <folder>/test/<class>/*.jpg.")
        fingerprint = _folder_fingerprint(root)
        cache = cache_dir / "cifar10-mirror.npz"
        ds = _load_cache(cache, fingerprint, source=f"mirror {root}")
        if ds is None:
            ds = load_image_folder(root, class_names=CIFAR10_CLASSES)
            _save_cache(cache, ds, fingerprint)
            ds.source = f"mirror {root}"
        return ds

    fingerprint = f"v{CACHE_VERSION}:{sha256}"
    cache = cache_dir / "cifar10-official.npz"
    ds = _load_cache(cache, fingerprint, source="official CIFAR-10")
    if ds is None:
        if not download and not (cache_dir / CIFAR10_ARCHIVE).is_file():
            raise DataUnavailableError("CIFAR-10 has not been downloaded yet. "
                                       "Run `python3 lesson.py prefetch`. " + offline_hint())
        archive = fetch_cifar10_archive(url, sha256)
        verify_file(archive, sha256)
        ds = read_cifar10_archive(archive)
        _save_cache(cache, ds, fingerprint)
        ds.source = "official CIFAR-10"
    return ds


# --------------------------------------------------------------------------------------------
# Splits and subsets
# --------------------------------------------------------------------------------------------

def split_train_validation(x: np.ndarray, y: np.ndarray, *, validation_size: int | float,
                           seed: int = settings.DEFAULT_SEED):
    """Stratified, seeded split into training and validation parts (every class keeps its
    share). Returns ``(x_train, y_train), (x_val, y_val)``; arrays keep their dtype."""
    from sklearn.model_selection import train_test_split

    train_idx, val_idx = train_test_split(np.arange(len(y)), test_size=validation_size,
                                          stratify=y, random_state=seed)
    return (x[train_idx], y[train_idx]), (x[val_idx], y[val_idx])


def stratified_subset(x: np.ndarray, y: np.ndarray, size: int | None, *,
                      seed: int = settings.DEFAULT_SEED):
    """A seeded subset of ``size`` examples with the class shares of ``y`` (all of it when
    ``size`` is None or not smaller). Order is kept, so a test set's labels still line up."""
    if size is None or size >= len(y):
        return x, y
    from sklearn.model_selection import train_test_split

    keep, _ = train_test_split(np.arange(len(y)), train_size=size, stratify=y,
                               random_state=seed)
    keep = np.sort(keep)
    return x[keep], y[keep]


def class_counts(y: np.ndarray, class_names: Sequence[str]) -> dict[str, int]:
    """How many examples each class has (episode 02 checks class balance)."""
    counts = np.bincount(np.asarray(y), minlength=len(class_names))
    return {name: int(c) for name, c in zip(class_names, counts, strict=True)}


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

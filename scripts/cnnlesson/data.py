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
MAX_LISTED = 10
"""How many unreadable files an error message or a notice names (then "and N more")."""
CACHE_VERSION = 1


@dataclass
class ImageDataset:
    """Images and labels of a training and a test split, plus the class names.

    ``x_*`` are ``uint8`` arrays of shape (count, height, width, 3); ``y_*`` are integer labels
    (``int64``), so that ``class_names[y_train[i]]`` names image ``i``'s class. ``skipped``
    names the files an image folder had that were left out as unreadable (paths inside it).
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    class_names: tuple[str, ...]
    source: str = ""
    skipped: tuple[str, ...] = ()

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
# Image folders: <root>/<class>/<image file>, or <root>/<split>/<class>/<image file>
# --------------------------------------------------------------------------------------------

def _class_folders(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))


def _image_files(class_dir: Path) -> list[Path]:
    """The files of one class folder in name order, without hidden files, system files
    (``.DS_Store``, ``Thumbs.db``, ``desktop.ini``) and sub-folders. Files that are not images
    stay in the list: reading them reports them (:func:`load_image_folder`)."""
    files = sorted(p for p in class_dir.iterdir()
                   if not p.name.startswith(".") and p.name.lower() not in IGNORED_FILES
                   and not p.is_dir())
    if not files:
        raise ValueError(f"Class folder {class_dir} has no images. Every class needs at least "
                         "one image (or remove the empty folder).")
    return files


def _holds_images(folder: Path) -> bool:
    return any(p.suffix.lower() in IMAGE_SUFFIXES for p in folder.iterdir() if p.is_file())


def _upright_rgb(img):
    """A PIL image upright (its EXIF orientation applied) and as 8-bit RGB: transparent parts
    on white, 16-bit grey scaled from 0-65535 to 0-255. Images that need neither (CIFAR-10's
    JPEGs, most photos from a camera) are returned as they are, without a copy."""
    from PIL import ExifTags, Image, ImageOps

    if img.getexif().get(ExifTags.Base.Orientation, 1) != 1:
        img = ImageOps.exif_transpose(img)
    if img.mode.startswith("I"):  # I;16, I;16B (16-bit) and I (32-bit, read as 16-bit)
        grey = np.clip(np.asarray(img), 0, 65535).astype(np.uint32)
        img = Image.fromarray(((grey + 128) // 257).astype(np.uint8))  # 65535/257 = 255
    if img.has_transparency_data:  # RGBA, LA, PA, or a palette/grey with a transparent colour
        white = Image.new("RGBA", img.size, (255, 255, 255, 255))
        img = Image.alpha_composite(white, img.convert("RGBA"))
    if img.mode != "RGB":  # L, 1, P, CMYK, YCbCr, and what compositing gave (RGBA)
        img = img.convert("RGB")
    return img


def _read_pixels(path: Path, size: tuple[int, int] | None) -> np.ndarray:
    from PIL import Image

    with Image.open(path) as img:
        img = _upright_rgb(img)
        if size is not None and img.size != (size[1], size[0]):
            img = img.resize((size[1], size[0]), Image.Resampling.BILINEAR)
        return np.asarray(img, dtype=np.uint8)


def _pil_errors() -> tuple[type[Exception], ...]:
    """What Pillow raises for a file it cannot read (``DecompressionBombError``: an image of
    more than about 179 million pixels)."""
    from PIL import Image

    return (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError)


def read_image(path: str | os.PathLike, size: tuple[int, int] | None = None) -> np.ndarray:
    """Read one image file as a ``uint8`` RGB array (height, width, 3), optionally resized to
    ``size`` = (height, width).

    The image is turned the way the camera held it (the EXIF orientation of a phone photo), and
    every kind of image becomes 8-bit RGB: grey, black-and-white and palette images are repeated
    over three channels, transparent parts are put on white, CMYK is converted, and 16-bit
    images are scaled from 0-65535 to 0-255. Raises ``FileNotFoundError`` for a missing file and
    ``ValueError`` for a file that is not a readable image, both naming the file."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"No image file at {path}")
    try:
        return _read_pixels(path, size)
    except _pil_errors() as err:
        raise ValueError(f"{path} is not a readable image file ({err}).") from None


def _class_files(folder: Path, class_names: Sequence[str]) -> tuple[list[Path], list[int]]:
    """The files of ``folder/<class>/`` for every class in ``class_names``, and their labels."""
    files: list[Path] = []
    labels: list[int] = []
    for label, name in enumerate(class_names):
        class_dir = folder / name
        if not class_dir.is_dir():
            raise FileNotFoundError(f"{folder} has no folder for class {name!r}")
        found = _image_files(class_dir)
        files += found
        labels += [label] * len(found)
    return files, labels


def _read_images(files: Sequence[Path], image_size: tuple[int, int] | None,
                desc: str) -> tuple[np.ndarray, dict[int, str]]:
    """Read ``files`` into one ``uint8`` array (count, height, width, 3), four at a time.

    Returns the array and ``{index: reason}`` for every file that is not a readable image (its
    row stays black). Without ``image_size`` all images must have the size of the first
    readable one; a different size stops with an error naming both files.
    """
    from concurrent.futures import ThreadPoolExecutor

    from PIL import UnidentifiedImageError

    errors = _pil_errors()
    bad: dict[int, str] = {}

    def read(i: int) -> np.ndarray | None:
        path = files[i]
        if path.suffix.lower() not in IMAGE_SUFFIXES:
            bad[i] = f"not an image file ({path.suffix or 'no file type'})"
            return None
        try:
            return _read_pixels(path, image_size)
        except UnidentifiedImageError:
            bad[i] = "not an image, or of a kind Pillow cannot read"
        except errors as err:
            bad[i] = str(err) or type(err).__name__
        return None

    for first in range(len(files)):  # the first readable image sets the size
        first_image = read(first)
        if first_image is not None:
            break
    else:
        return np.zeros((len(files), 0, 0, 3), dtype=np.uint8), bad
    height, width = first_image.shape[:2]
    images = np.zeros((len(files), height, width, 3), dtype=np.uint8)
    images[first] = first_image

    def read_into(i: int) -> None:
        image = read(i)
        if image is None:
            return
        if image.shape != images.shape[1:]:
            raise ValueError(
                f"{files[i]} is {image.shape[1]}x{image.shape[0]} pixels but {files[first]} is "
                f"{width}x{height}: pass image_size=(height, width) to resize them all.")
        images[i] = image

    # Decoding releases the GIL, so two threads use both cores of a small laptop.
    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool, \
            settings.progress_bar(total=len(files), desc=desc, unit="img") as bar:
        bar.update(first + 1)
        for _ in pool.map(read_into, range(first + 1, len(files))):
            bar.update(1)
    return images, bad


def _has_split_folders(root: Path, splits: tuple[str, str]) -> bool:
    """True when ``root`` holds its own split (``train/`` and ``test/``), False when it holds
    class folders only. Raises for one split folder without the other, and for folders of
    images beside the split folders (two layouts mixed)."""
    present = [name for name in splits if (root / name).is_dir()]
    if not present:
        return False
    if len(present) == 1:
        missing = next(name for name in splits if name not in present)
        raise FileNotFoundError(
            f"{root} has a {present[0]}/ folder but no {missing}/ folder (expected "
            f"{list(splits)}). Put images in {root}/{missing}/<class>/, or put all images in "
            f"{root}/<class>/ (no {present[0]}/ folder) to have them split for you.")
    mixed = [p.name + "/" for p in _class_folders(root) if p.name not in splits
             and _holds_images(p)]
    if mixed:
        raise ValueError(
            f"{root} holds split folders ({splits[0]}/, {splits[1]}/) and also folders of "
            f"images beside them ({', '.join(mixed)}). Use one layout: either "
            f"{root}/{splits[0]}/<class>/ and {root}/{splits[1]}/<class>/, or only "
            f"{root}/<class>/ (split for you).")
    return True


def _split_files(root: Path, labels: Sequence[int], class_names: Sequence[str],
                 test_size: int | float, seed: int,
                 splits: tuple[str, str]) -> tuple[np.ndarray, np.ndarray]:
    """Indexes of the training and the test files of a folder without a split: stratified and
    seeded (:func:`split_train_validation`), sorted so that each split stays grouped by class."""
    labels = np.asarray(labels)
    counts = np.bincount(labels, minlength=len(class_names))
    yourself = (f"make the split yourself in {root}/{splits[0]}/<class>/ and "
                f"{root}/{splits[1]}/<class>/")
    few = [f"{class_names[c]} ({counts[c]})" for c in np.flatnonzero(counts < 2)]
    if few:
        raise ValueError(f"Too few images to split {root} into training and test images: "
                         f"{', '.join(few)}. Every class needs at least 2; add images, or "
                         f"{yourself}.")
    try:
        (train, _), (test, _) = split_train_validation(
            np.arange(len(labels)), labels, validation_size=test_size, seed=seed)
    except ValueError as err:
        raise ValueError(f"Cannot split the {len(labels)} images of {root} with "
                         f"test_size={test_size}: {err}. Add images, change test_size, or "
                         f"{yourself}.") from None
    for part, name in ((train, "training"), (test, "test")):
        missing = np.flatnonzero(np.bincount(labels[part], minlength=len(class_names)) == 0)
        if len(missing):
            raise ValueError(
                f"With test_size={test_size}, class {', '.join(class_names[c] for c in missing)} "
                f"gets no {name} image. Add images of it, change test_size, or {yourself}.")
    return np.sort(train), np.sort(test)


def _listing(names: Sequence[str]) -> list[str]:
    """At most ``MAX_LISTED`` names, then how many more there are."""
    more = [f"and {len(names) - MAX_LISTED} more"] if len(names) > MAX_LISTED else []
    return list(names[:MAX_LISTED]) + more


def load_image_folder(root: str | os.PathLike, *, class_names: Sequence[str] | None = None,
                      image_size: tuple[int, int] | None = None,
                      splits: tuple[str, str] = ("train", "test"),
                      test_size: int | float = 0.2, seed: int = settings.DEFAULT_SEED,
                      skip_bad: bool = False) -> ImageDataset:
    """Load a folder of images, one sub-folder per class, into an :class:`ImageDataset`.

    Two layouts are read:

    * ``<root>/<class>/*.jpg``, the layout of ``keras.utils.image_dataset_from_directory``: the
      images are split into training and test images at random but reproducibly: stratified
      (every class keeps its share), ``test_size`` of them for testing (a fraction or a count)
      and seeded with ``seed``. One printed line says so. Every class needs at least 2 images.
    * ``<root>/train/<class>/*.jpg`` and ``<root>/test/<class>/*.jpg``: your own split, used as
      it is (``splits`` names the two folders). Other folders beside them (``validation/``, say)
      are ignored, but folders of images beside them are an error: use one layout only.

    Class names are the class folders' names in alphabetical order (or ``class_names``, to fix
    another order or to take some classes only); labels follow that order. Images of a class
    are read in file-name order, so each split is grouped by class. Every image is read as
    :func:`read_image` reads it (phone photos turned upright, every kind of image as 8-bit RGB).
    All images must share one size unless ``image_size`` = (height, width) is given, which
    resizes every image.

    Hidden files, ``.DS_Store``, ``Thumbs.db`` and ``desktop.ini`` are ignored. Any other file
    that is not a readable image (a ``.txt`` file, a broken JPEG) stops loading with one error
    that lists them all; with ``skip_bad=True`` they are left out instead, one printed line says
    how many, and the result's ``skipped`` names them.
    This is how learners bring their own images (episode 02).
    """
    root = Path(root).expanduser()
    first, second = splits
    if not root.is_dir():
        raise FileNotFoundError(
            f"No image folder at {root}: expected {root}/<class>/*.jpg (one folder per class), "
            f"or {root}/{first}/<class>/*.jpg and {root}/{second}/<class>/*.jpg")
    own_split = _has_split_folders(root, splits)
    class_root = root / first if own_split else root
    if class_names is None:
        class_names = [p.name for p in _class_folders(class_root)]
        if not class_names:
            raise ValueError(f"{class_root} has no class folders: put each class's images in a "
                             f"folder named after the class, {class_root}/<class>/*.jpg")
    if own_split:
        train_files, train_labels = _class_files(root / first, class_names)
        test_files, test_labels = _class_files(root / second, class_names)
    else:
        files, labels = _class_files(root, class_names)
        train, test = _split_files(root, labels, class_names, test_size, seed, splits)
        train_files, train_labels = [files[i] for i in train], [labels[i] for i in train]
        test_files, test_labels = [files[i] for i in test], [labels[i] for i in test]

    # Both splits are read as one array, so that they share one image size.
    files = train_files + test_files
    images, bad = _read_images(files, image_size, desc="Reading images")
    labels = np.asarray(train_labels + test_labels, dtype=np.int64)
    names = [str(path.relative_to(root)) for path in files]
    bad_in_order = sorted(bad, key=lambda i: names[i])
    if bad and not skip_bad:
        listed = [f"{names[i]}: {bad[i]}" for i in bad_in_order]
        raise ValueError(f"{len(bad)} of the {len(files)} files in {root} are not readable "
                         "images:\n  " + "\n  ".join(_listing(listed))
                         + "\nReplace or remove them, or pass skip_bad=True to leave them out.")
    n_train = len(train_files)
    x_train, y_train = images[:n_train], labels[:n_train]
    x_test, y_test = images[n_train:], labels[n_train:]
    skipped = tuple(names[i] for i in bad_in_order)
    if bad:
        keep = np.ones(len(files), dtype=bool)
        keep[list(bad)] = False
        x_train, y_train = x_train[keep[:n_train]], y_train[keep[:n_train]]
        x_test, y_test = x_test[keep[n_train:]], y_test[keep[n_train:]]
        print(f"Skipped {len(bad)} of the {len(files)} files in {root.name}, which are not "
              f"readable images (the data set's .skipped lists them): "
              f"{', '.join(_listing(skipped))}.")
        for y, name in ((y_train, first), (y_test, second)):
            empty = np.flatnonzero(np.bincount(y, minlength=len(class_names)) == 0)
            if len(empty):
                raise ValueError(f"No readable {name} images are left of class "
                                 f"{', '.join(class_names[c] for c in empty)}: add some.")
    if not own_split:
        # The folder's name, not its full path: the line is shown to learners (and stored).
        print(f"{root.name} has no {first}/ and {second}/ folders, so its images were split at "
              f"random: {len(y_train)} for training, {len(y_test)} for testing (stratified, "
              f"test_size={test_size}, seed={seed}). To choose the split yourself, put them in "
              f"{root.name}/{first}/<class>/ and {root.name}/{second}/<class>/.")
    return ImageDataset(x_train, y_train, x_test, y_test, tuple(class_names), source=str(root),
                        skipped=skipped)


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


def numpy_batch_loader(x, y, *, sort: bool = False):
    """A ``tf.data`` map function from a batch of indices to ``(x[indices], y[indices])``,
    cut from the NumPy arrays by ``tf.numpy_function``: only the batch is copied, never the
    whole array (``tf.constant`` of the array would copy all of it, and more while it
    converts). ``sort`` takes each batch's indices in increasing order."""
    import numpy as np
    import tensorflow as tf

    def take(indices):
        if sort:
            indices = np.sort(indices)
        return x[indices], y[indices]

    def load(indices):
        images, labels = tf.numpy_function(take, [indices], (x.dtype, y.dtype))
        images.set_shape((None, *x.shape[1:]))
        labels.set_shape((None, *y.shape[1:]))
        return images, labels

    return load


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
    fetch = numpy_batch_loader(x, y, sort=True)

    indices = tf.data.Dataset.range(len(x))
    if shuffle:
        indices = indices.shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
    return indices.batch(batch_size).map(fetch).prefetch(2)

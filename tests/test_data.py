"""Unit tests of cnnlesson.data on tiny data built in tmp_path (never the real CIFAR-10)."""

from __future__ import annotations

import shutil
from collections import Counter

import numpy as np
import pytest
from helpers import (
    CIFAR10_CLASSES,
    closed_port_url,
    leftovers,
    make_cifar_archive,
    make_image_folder,
    rows_to_images,
    save_png,
    sha256_of,
)
from PIL import Image

from cnnlesson import data, settings
from cnnlesson.download import DataUnavailableError
from cnnlesson.files import ChecksumError

TRAIN_FILES = ["b.png", "d.png", "a.png", "c.png"]
TEST_FILES = ["y.png", "x.png"]
FOLDER_CLASSES = ["zebra", "apple", "mango"]


@pytest.fixture
def tiny_cifar(tmp_path):
    return make_cifar_archive(tmp_path / "source" / data.CIFAR10_ARCHIVE, per_class=2, seed=1)


@pytest.fixture
def data_env(tmp_path, monkeypatch):
    """CNNLESSON_DATA_DIR in tmp_path, no mirror: the official-archive code path."""
    folder = tmp_path / "data"
    monkeypatch.setenv(settings.DATA_DIR_VARIABLE, str(folder))
    monkeypatch.delenv(data.MIRROR_VARIABLE, raising=False)
    return folder.resolve()


@pytest.fixture
def served_cifar(http_server, tiny_cifar):
    return http_server.serve("/cifar-10-python.tar.gz", tiny_cifar.bytes)


@pytest.fixture
def image_folder(tmp_path):
    """tmp/images/{train,test}/<class>/<file>.png, 8x8 RGB, files written out of order."""
    root = tmp_path / "images"
    written = make_image_folder(root, {
        "train": {name: TRAIN_FILES for name in FOLDER_CLASSES},
        "test": {name: TEST_FILES for name in FOLDER_CLASSES},
    })
    return root, written


@pytest.fixture
def mirror(tmp_path):
    """A CIFAR-10 mirror as an image folder: 2 train and 1 test 32x32 PNG per class."""
    root = tmp_path / "mirror"
    written = make_image_folder(root, {
        "train": {name: ["0.png", "1.png"] for name in CIFAR10_CLASSES},
        "test": {name: ["0.png"] for name in CIFAR10_CLASSES},
    }, size=(32, 32), seed=7)
    return root, written


def expected_from_folder(root, written, split, class_order):
    images, labels = [], []
    for label, name in enumerate(class_order):
        for path in sorted((root / split / name).iterdir()):
            images.append(written[path])
            labels.append(label)
    return np.stack(images), np.array(labels)


# --------------------------------------------------------------------------------------------
# The official archive format
# --------------------------------------------------------------------------------------------

def test_read_cifar10_archive(tiny_cifar):
    ds = data.read_cifar10_archive(tiny_cifar.path)
    train_rows, train_labels = tiny_cifar.train()
    test_rows, test_labels = tiny_cifar.test()

    assert ds.x_train.shape == (100, 32, 32, 3)
    assert ds.x_test.shape == (20, 32, 32, 3)
    assert ds.x_train.dtype == ds.x_test.dtype == np.uint8
    assert ds.y_train.dtype == ds.y_test.dtype == np.int64
    assert ds.x_train.flags.c_contiguous
    assert ds.class_names == CIFAR10_CLASSES
    assert isinstance(ds.class_names, tuple)
    np.testing.assert_array_equal(ds.x_train, rows_to_images(train_rows))
    np.testing.assert_array_equal(ds.x_test, rows_to_images(test_rows))
    np.testing.assert_array_equal(ds.y_train, train_labels)
    np.testing.assert_array_equal(ds.y_test, test_labels)
    assert ds.source == str(tiny_cifar.path)


def test_read_cifar10_archive_pixel_layout(tiny_cifar):
    """Spot-check single pixels against the documented row layout (R plane, G plane, B plane)."""
    ds = data.read_cifar10_archive(tiny_cifar.path)
    rows, _ = tiny_cifar.train()

    for i, r, c in [(0, 0, 0), (3, 0, 31), (57, 31, 0), (99, 17, 5)]:
        assert tuple(ds.x_train[i, r, c]) == tuple(
            rows[i, ch * 1024 + r * 32 + c] for ch in range(3))


def test_read_corrupt_archive(tmp_path):
    path = tmp_path / data.CIFAR10_ARCHIVE
    path.write_bytes(b"this is not a gzip file at all")

    with pytest.raises(ValueError, match="not a readable CIFAR-10 archive") as excinfo:
        data.read_cifar10_archive(path)
    assert str(path) in str(excinfo.value)


def test_read_truncated_archive(tiny_cifar, tmp_path):
    path = tmp_path / "truncated.tar.gz"
    path.write_bytes(tiny_cifar.bytes[: len(tiny_cifar.bytes) // 2])

    with pytest.raises(ValueError, match="not a readable CIFAR-10 archive"):
        data.read_cifar10_archive(path)


def test_read_archive_without_test_batch(tmp_path):
    import tarfile

    path = tmp_path / "partial.tar.gz"
    with tarfile.open(path, "w:gz") as tar:
        info = tarfile.TarInfo("cifar-10-batches-py/readme.html")
        tar.addfile(info)

    with pytest.raises(ValueError, match="lacks parts of CIFAR-10"):
        data.read_cifar10_archive(path)


# --------------------------------------------------------------------------------------------
# load_cifar10 from the official archive (served on 127.0.0.1)
# --------------------------------------------------------------------------------------------

def test_load_cifar10_downloads_and_caches(data_env, http_server, tiny_cifar, served_cifar):
    ds = data.load_cifar10(url=served_cifar, sha256=sha256_of(tiny_cifar.bytes))

    assert http_server.count == 1
    np.testing.assert_array_equal(ds.x_train, rows_to_images(tiny_cifar.train()[0]))
    np.testing.assert_array_equal(ds.y_test, tiny_cifar.test()[1])
    assert ds.class_names == CIFAR10_CLASSES
    assert ds.source == "official CIFAR-10"
    assert (data_env / "cifar10-official.npz").is_file()
    assert (data_env / data.CIFAR10_ARCHIVE).read_bytes() == tiny_cifar.bytes
    assert leftovers(data_env) == []


def test_load_cifar10_second_call_uses_cache(data_env, http_server, tiny_cifar, served_cifar):
    """The archive is deleted after the first call, so only the cache can serve the second."""
    first = data.load_cifar10(url=served_cifar, sha256=sha256_of(tiny_cifar.bytes))
    (data_env / data.CIFAR10_ARCHIVE).unlink()

    second = data.load_cifar10(url=served_cifar, sha256=sha256_of(tiny_cifar.bytes))

    assert http_server.count == 1
    for name in ("x_train", "y_train", "x_test", "y_test"):
        a, b = getattr(first, name), getattr(second, name)
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)
    assert second.class_names == CIFAR10_CLASSES
    assert second.source == "official CIFAR-10"


def test_load_cifar10_wrong_checksum(data_env, http_server, served_cifar):
    with pytest.raises(ChecksumError):
        data.load_cifar10(url=served_cifar, sha256=sha256_of(b"another file"))

    assert http_server.count == 1
    assert not (data_env / "cifar10-official.npz").exists()
    assert not (data_env / data.CIFAR10_ARCHIVE).exists()
    assert leftovers(data_env) == []


def test_load_cifar10_offline_without_mirror(data_env, tiny_cifar):
    with pytest.raises(DataUnavailableError) as excinfo:
        data.load_cifar10(url=closed_port_url("/cifar.tar.gz"), sha256=sha256_of(b"x"))

    message = str(excinfo.value)
    assert data.MIRROR_VARIABLE in message
    assert str(data_env) in message
    assert not (data_env / "cifar10-official.npz").exists()


def test_load_cifar10_offline_with_copied_archive(data_env, tiny_cifar):
    """The offline hint's first option: the archive copied by hand into the data folder."""
    data_env.mkdir(parents=True)
    shutil.copy(tiny_cifar.path, data_env / data.CIFAR10_ARCHIVE)

    ds = data.load_cifar10(url=closed_port_url(), sha256=sha256_of(tiny_cifar.bytes))

    assert ds.x_train.shape == (100, 32, 32, 3)


def test_load_cifar10_rebuilds_corrupt_cache(data_env, http_server, tiny_cifar, served_cifar):
    data_env.mkdir(parents=True)
    cache = data_env / "cifar10-official.npz"
    cache.write_bytes(b"garbage, not an npz file" * 10)

    ds = data.load_cifar10(url=served_cifar, sha256=sha256_of(tiny_cifar.bytes))

    assert http_server.count == 1
    np.testing.assert_array_equal(ds.x_test, rows_to_images(tiny_cifar.test()[0]))
    with np.load(cache) as f:
        np.testing.assert_array_equal(f["x_test"], ds.x_test)


def test_cifar10_source(monkeypatch, tmp_path):
    monkeypatch.delenv(data.MIRROR_VARIABLE, raising=False)
    assert data.cifar10_source() == "official"
    monkeypatch.setenv(data.MIRROR_VARIABLE, str(tmp_path))
    assert data.cifar10_source() == "mirror"


# --------------------------------------------------------------------------------------------
# load_cifar10 from a mirror folder
# --------------------------------------------------------------------------------------------

def test_load_cifar10_from_mirror(mirror, data_env, monkeypatch):
    root, written = mirror
    monkeypatch.setenv(data.MIRROR_VARIABLE, str(root))

    ds = data.load_cifar10(url=closed_port_url(), sha256=sha256_of(b""))

    x_train, y_train = expected_from_folder(root, written, "train", CIFAR10_CLASSES)
    x_test, y_test = expected_from_folder(root, written, "test", CIFAR10_CLASSES)
    np.testing.assert_array_equal(ds.x_train, x_train)
    np.testing.assert_array_equal(ds.y_train, y_train)
    np.testing.assert_array_equal(ds.x_test, x_test)
    np.testing.assert_array_equal(ds.y_test, y_test)
    assert ds.class_names == CIFAR10_CLASSES
    assert ds.source == f"mirror {root}"
    assert (data_env / "cifar10-mirror.npz").is_file()
    assert not (data_env / "cifar10-official.npz").exists()


def test_mirror_second_call_reads_cache(mirror, data_env, monkeypatch):
    root, _ = mirror
    monkeypatch.setenv(data.MIRROR_VARIABLE, str(root))
    first = data.load_cifar10()

    def no_reading(*args, **kwargs):
        raise AssertionError("the image folder was read again")

    monkeypatch.setattr(data, "load_image_folder", no_reading)
    second = data.load_cifar10()

    np.testing.assert_array_equal(first.x_train, second.x_train)
    np.testing.assert_array_equal(first.y_test, second.y_test)
    assert second.class_names == CIFAR10_CLASSES
    assert second.source == f"mirror {root}"


def test_mirror_cache_follows_folder_contents(mirror, data_env, monkeypatch):
    root, _ = mirror
    monkeypatch.setenv(data.MIRROR_VARIABLE, str(root))
    first = data.load_cifar10()
    (root / "train" / "cat" / "1.png").unlink()

    second = data.load_cifar10()

    assert len(first.x_train) == 20
    assert len(second.x_train) == 19
    assert data.class_counts(second.y_train, second.class_names)["cat"] == 1


def test_mirror_cache_notices_moved_image(mirror, data_env, monkeypatch):
    root, _ = mirror
    monkeypatch.setenv(data.MIRROR_VARIABLE, str(root))
    data.load_cifar10()
    (root / "train" / "cat" / "1.png").rename(root / "train" / "dog" / "2.png")

    counts = data.class_counts(data.load_cifar10().y_train, CIFAR10_CLASSES)

    assert (counts["cat"], counts["dog"]) == (1, 3)


def test_mirror_missing_folder(tmp_path, data_env, monkeypatch):
    monkeypatch.setenv(data.MIRROR_VARIABLE, str(tmp_path / "nowhere"))

    with pytest.raises(DataUnavailableError, match=data.MIRROR_VARIABLE):
        data.load_cifar10()


def test_archive_and_folder_give_same_format(tiny_cifar, tmp_path):
    archive = data.read_cifar10_archive(tiny_cifar.path)
    root = tmp_path / "as_images"
    for split, x, y in (("train", archive.x_train, archive.y_train),
                        ("test", archive.x_test, archive.y_test)):
        for i, (image, label) in enumerate(zip(x, y, strict=True)):
            save_png(root / split / CIFAR10_CLASSES[label] / f"{i:04d}.png", image)

    folder = data.load_image_folder(root)

    assert folder.class_names == archive.class_names
    for name in ("x_train", "y_train", "x_test", "y_test"):
        a, b = getattr(archive, name), getattr(folder, name)
        assert (a.dtype, a.shape) == (b.dtype, b.shape)
    for split in ("train", "test"):
        pairs = [Counter((int(label), image.tobytes()) for image, label in
                         zip(getattr(ds, f"x_{split}"), getattr(ds, f"y_{split}"), strict=True))
                 for ds in (archive, folder)]
        assert pairs[0] == pairs[1]


# --------------------------------------------------------------------------------------------
# Image folders
# --------------------------------------------------------------------------------------------

def test_load_image_folder(image_folder):
    root, written = image_folder

    ds = data.load_image_folder(root)

    assert ds.class_names == ("apple", "mango", "zebra")
    assert ds.x_train.shape == (12, 8, 8, 3)
    assert ds.x_test.shape == (6, 8, 8, 3)
    assert ds.x_train.dtype == ds.x_test.dtype == np.uint8
    assert ds.y_train.dtype == ds.y_test.dtype == np.int64
    np.testing.assert_array_equal(ds.y_train, [0] * 4 + [1] * 4 + [2] * 4)
    np.testing.assert_array_equal(ds.y_test, [0, 0, 1, 1, 2, 2])
    for i, name in enumerate(["a.png", "b.png", "c.png", "d.png"]):
        np.testing.assert_array_equal(ds.x_train[8 + i], written[root / "train" / "zebra" / name])
    np.testing.assert_array_equal(ds.x_test[0], written[root / "test" / "apple" / "x.png"])
    np.testing.assert_array_equal(ds.x_test[1], written[root / "test" / "apple" / "y.png"])
    assert ds.source == str(root)


def test_load_image_folder_matches_oracle(image_folder):
    root, written = image_folder
    order = sorted(FOLDER_CLASSES)

    ds = data.load_image_folder(root)

    for split in ("train", "test"):
        x, y = expected_from_folder(root, written, split, order)
        np.testing.assert_array_equal(getattr(ds, f"x_{split}"), x)
        np.testing.assert_array_equal(getattr(ds, f"y_{split}"), y)


def test_load_image_folder_with_class_names(image_folder):
    root, written = image_folder
    order = ("zebra", "apple", "mango")

    ds = data.load_image_folder(root, class_names=list(order))

    assert ds.class_names == order
    x, y = expected_from_folder(root, written, "train", order)
    np.testing.assert_array_equal(ds.x_train, x)
    np.testing.assert_array_equal(ds.y_train, y)
    np.testing.assert_array_equal(ds.x_train[0], written[root / "train" / "zebra" / "a.png"])


def test_load_image_folder_subset_of_classes(image_folder):
    root, _ = image_folder

    ds = data.load_image_folder(root, class_names=["mango"])

    assert ds.class_names == ("mango",)
    assert len(ds.x_train) == 4
    assert set(ds.y_train.tolist()) == {0}


@pytest.mark.parametrize("size", [(4, 4), (4, 6)])
def test_load_image_folder_resizes(image_folder, size):
    root, _ = image_folder

    ds = data.load_image_folder(root, image_size=size)

    assert ds.x_train.shape == (12, *size, 3)
    assert ds.x_test.shape == (6, *size, 3)
    assert ds.x_train.dtype == np.uint8


def test_resize_keeps_a_plain_colour(tmp_path):
    root = tmp_path / "plain"
    for split in ("train", "test"):
        save_png(root / split / "red" / "0.png", np.full((10, 12, 3), (200, 10, 30), np.uint8))

    ds = data.load_image_folder(root, image_size=(5, 3))

    assert ds.x_train.shape == (1, 5, 3, 3)
    assert (ds.x_train.reshape(-1, 3) == (200, 10, 30)).all()


def test_mixed_sizes_need_image_size(image_folder):
    root, _ = image_folder
    save_png(root / "train" / "apple" / "e.png", np.zeros((9, 8, 3), np.uint8))

    with pytest.raises(ValueError, match="image_size"):
        data.load_image_folder(root)
    assert data.load_image_folder(root, image_size=(8, 8)).x_train.shape == (13, 8, 8, 3)


def test_grayscale_and_rgba_become_rgb(tmp_path):
    root = tmp_path / "modes"
    rng = np.random.default_rng(3)
    gray = rng.integers(0, 256, (6, 6), dtype=np.uint8)
    rgba = rng.integers(0, 256, (6, 6, 4), dtype=np.uint8)
    rgba[..., 3] = 255  # opaque; transparent pixels go on white (tests/test_image_folder.py)
    (root / "train" / "c").mkdir(parents=True)
    Image.fromarray(gray, mode="L").save(root / "train" / "c" / "1_gray.png")
    Image.fromarray(rgba, mode="RGBA").save(root / "train" / "c" / "2_rgba.png")
    save_png(root / "test" / "c" / "0.png", rgba[..., :3].copy())

    ds = data.load_image_folder(root)

    assert ds.x_train.shape == (2, 6, 6, 3)
    np.testing.assert_array_equal(ds.x_train[0], np.stack([gray] * 3, axis=-1))
    np.testing.assert_array_equal(ds.x_train[1], rgba[..., :3])


def test_hidden_files_are_ignored(image_folder):
    root, _ = image_folder
    junk = np.random.default_rng(0).bytes(64)
    (root / "train" / "apple" / ".DS_Store").write_bytes(junk)
    (root / "train" / "apple" / "Thumbs.db").write_bytes(junk)
    (root / "train" / ".hidden_class").mkdir()
    (root / "test" / "mango" / "._x.png").write_bytes(junk)

    ds = data.load_image_folder(root)

    assert ds.class_names == ("apple", "mango", "zebra")
    assert len(ds.x_train) == 12
    assert len(ds.x_test) == 6


def test_missing_root(tmp_path):
    with pytest.raises(FileNotFoundError, match="No image folder"):
        data.load_image_folder(tmp_path / "missing")


def test_missing_test_split(image_folder):
    root, _ = image_folder
    shutil.rmtree(root / "test")

    with pytest.raises(FileNotFoundError, match="test"):
        data.load_image_folder(root)


def test_test_split_missing_a_class(image_folder):
    root, _ = image_folder
    shutil.rmtree(root / "test" / "mango")

    with pytest.raises(FileNotFoundError, match="mango"):
        data.load_image_folder(root)


def test_no_class_folders(tmp_path):
    (tmp_path / "train").mkdir()
    (tmp_path / "test").mkdir()

    with pytest.raises(ValueError, match="no class folders"):
        data.load_image_folder(tmp_path)


def test_empty_class_folder(image_folder):
    root, _ = image_folder
    empty = root / "train" / "kiwi"
    empty.mkdir()

    with pytest.raises(ValueError, match="has no images") as excinfo:
        data.load_image_folder(root)
    assert str(empty) in str(excinfo.value)


def test_non_image_file(image_folder):
    root, _ = image_folder
    (root / "train" / "mango" / "notes.txt").write_text("remember the mangoes")

    with pytest.raises(ValueError, match="notes.txt"):
        data.load_image_folder(root)


def test_corrupt_image_file(image_folder):
    root, _ = image_folder
    (root / "test" / "zebra" / "bad.jpg").write_bytes(np.random.default_rng(5).bytes(300))

    with pytest.raises(ValueError, match="bad.jpg"):
        data.load_image_folder(root)


def test_read_image(tmp_path):
    pixels = np.random.default_rng(2).integers(0, 256, (5, 7, 3), dtype=np.uint8)
    path = save_png(tmp_path / "one.png", pixels)

    np.testing.assert_array_equal(data.read_image(path), pixels)
    resized = data.read_image(str(path), size=(3, 4))
    assert resized.shape == (3, 4, 3)
    assert resized.dtype == np.uint8


def test_read_image_missing(tmp_path):
    with pytest.raises(FileNotFoundError):
        data.read_image(tmp_path / "nope.png")
    with pytest.raises(FileNotFoundError):
        data.read_image(tmp_path)


def test_read_image_not_an_image(tmp_path):
    path = tmp_path / "notes.png"
    path.write_text("not pixels")

    with pytest.raises(ValueError, match="notes.png"):
        data.read_image(path)


def test_read_truncated_image(tmp_path):
    pixels = np.random.default_rng(4).integers(0, 256, (32, 32, 3), dtype=np.uint8)
    full = save_png(tmp_path / "full.png", pixels).read_bytes()
    path = tmp_path / "cut.png"
    path.write_bytes(full[: len(full) // 2])

    with pytest.raises(ValueError, match="cut.png"):
        data.read_image(path)


# --------------------------------------------------------------------------------------------
# Splits, subsets, counts
# --------------------------------------------------------------------------------------------

CLASS_SIZES = (60, 40, 20)


@pytest.fixture
def indexed():
    """120 tiny images that encode their own index (pixel 0: index // 256, index % 256) and
    labels with unequal class sizes, interleaved."""
    n = sum(CLASS_SIZES)
    y = np.repeat(np.arange(3), CLASS_SIZES)
    y = y[np.random.default_rng(0).permutation(n)]
    x = np.zeros((n, 2, 2, 3), dtype=np.uint8)
    x[:, 0, 0, 0] = np.arange(n) // 256
    x[:, 0, 0, 1] = np.arange(n) % 256
    return x, y


def index_of(x):
    return x[:, 0, 0, 0].astype(int) * 256 + x[:, 0, 0, 1]


@pytest.mark.parametrize("validation_size", [0.25, 30])
def test_split_train_validation(indexed, validation_size):
    x, y = indexed

    (x_tr, y_tr), (x_val, y_val) = data.split_train_validation(
        x, y, validation_size=validation_size, seed=0)

    assert len(x_val) == len(y_val) == 30
    assert len(x_tr) == len(y_tr) == 90
    assert x_tr.dtype == x_val.dtype == np.uint8
    assert np.bincount(y_val).tolist() == [15, 10, 5]
    assert np.bincount(y_tr).tolist() == [45, 30, 15]
    train_idx, val_idx = index_of(x_tr), index_of(x_val)
    assert not set(train_idx) & set(val_idx)
    assert sorted([*train_idx, *val_idx]) == list(range(120))
    np.testing.assert_array_equal(y_tr, y[train_idx])
    np.testing.assert_array_equal(y_val, y[val_idx])


def test_split_is_seeded(indexed):
    x, y = indexed

    def val_indices(seed):
        return index_of(data.split_train_validation(x, y, validation_size=0.25, seed=seed)[1][0])

    np.testing.assert_array_equal(val_indices(1), val_indices(1))
    assert set(val_indices(1)) != set(val_indices(2))


def test_stratified_subset(indexed):
    x, y = indexed

    xs, ys = data.stratified_subset(x, y, 30, seed=0)

    assert len(xs) == len(ys) == 30
    assert xs.dtype == np.uint8
    assert np.bincount(ys).tolist() == [15, 10, 5]
    kept = index_of(xs)
    assert (np.diff(kept) > 0).all()
    np.testing.assert_array_equal(ys, y[kept])


def test_stratified_subset_is_seeded(indexed):
    x, y = indexed

    first = index_of(data.stratified_subset(x, y, 30, seed=3)[0])

    np.testing.assert_array_equal(first, index_of(data.stratified_subset(x, y, 30, seed=3)[0]))
    assert set(first) != set(index_of(data.stratified_subset(x, y, 30, seed=4)[0]))


@pytest.mark.parametrize("size", [None, 120, 500])
def test_stratified_subset_everything(indexed, size):
    x, y = indexed

    xs, ys = data.stratified_subset(x, y, size)

    np.testing.assert_array_equal(xs, x)
    np.testing.assert_array_equal(ys, y)


def test_class_counts():
    counts = data.class_counts(np.array([2, 0, 2, 2]), ["a", "b", "c", "d"])

    assert counts == {"a": 1, "b": 0, "c": 3, "d": 0}
    assert list(counts) == ["a", "b", "c", "d"]
    assert all(type(v) is int for v in counts.values())


def test_mirror_without_a_train_folder(tmp_path, data_env, monkeypatch):
    (tmp_path / "half_mirror" / "test" / "cat").mkdir(parents=True)
    monkeypatch.setenv(data.MIRROR_VARIABLE, str(tmp_path / "half_mirror"))
    with pytest.raises(DataUnavailableError, match=r"no train/ subfolder"):
        data.load_cifar10()

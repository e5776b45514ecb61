"""Own images as people have them: folder layouts, the automatic split, every kind of image file
(phone photos with an EXIF orientation, palette, grey, transparent, CMYK, 16-bit, 1-bit), mixed
sizes and unreadable files. Every image is made here with PIL in tmp_path."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from helpers import save_png
from PIL import Image

from cnnlesson import data

ORIENTATION = 0x0112  # the EXIF tag of how the camera was held


def uniform_image(path, value: int, label: int, size=(6, 6)):
    """A one-colour PNG whose red channel is ``value`` and green channel ``label``, so that a
    test can tell from the pixels which file an image came from."""
    return save_png(path, np.full((*size, 3), (value, label, 7), dtype=np.uint8))


def make_class_folders(root, counts: dict[str, int]) -> dict[int, tuple[str, str]]:
    """``root/<class>/NN.png`` with ``counts[class]`` images each, every one a unique colour;
    returns red value -> (class, file name)."""
    files, value = {}, 0
    for label, (name, count) in enumerate(counts.items()):
        for i in range(count):
            uniform_image(root / name / f"{i:02d}.png", value, label)
            files[value] = (name, f"{i:02d}.png")
            value += 1
    return files


def which_files(images: np.ndarray) -> list[int]:
    return [int(image[0, 0, 0]) for image in images]


def save_with_exif(path, pixels: np.ndarray, orientation: int, **kwargs):
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    Image.fromarray(pixels).save(path, exif=exif, **kwargs)
    return path


# --------------------------------------------------------------------------------------------
# A folder of class folders, without train/ and test/: split for the learner
# --------------------------------------------------------------------------------------------

COUNTS = {"cat": 10, "dog": 20, "ship": 5}


def test_class_folders_are_split_stratified(tmp_path, capsys):
    files = make_class_folders(tmp_path / "photos", COUNTS)

    ds = data.load_image_folder(tmp_path / "photos")

    assert isinstance(ds, data.ImageDataset)
    assert ds.class_names == ("cat", "dog", "ship")
    assert ds.x_train.dtype == ds.x_test.dtype == np.uint8
    assert ds.y_train.dtype == ds.y_test.dtype == np.int64
    assert ds.x_train.shape == (28, 6, 6, 3)
    assert ds.x_test.shape == (7, 6, 6, 3)
    # each class keeps its share: 20% of 10, 20 and 5 images for testing
    assert data.class_counts(ds.y_test, ds.class_names) == {"cat": 2, "dog": 4, "ship": 1}
    assert data.class_counts(ds.y_train, ds.class_names) == {"cat": 8, "dog": 16, "ship": 4}
    # every file exactly once, with the label of its folder, grouped by class in name order
    seen = which_files(ds.x_train) + which_files(ds.x_test)
    assert sorted(seen) == sorted(files)
    for x, y in ((ds.x_train, ds.y_train), (ds.x_test, ds.y_test)):
        assert [ds.class_names[label] for label in y] == [files[v][0] for v in which_files(x)]
        assert list(y) == sorted(y)
        assert which_files(x) == sorted(which_files(x))
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    assert "28 for training, 7 for testing" in out
    assert "seed=42" in out and "test_size=0.2" in out
    assert "train/<class>/" in out and "test/<class>/" in out


def test_split_is_reproducible_and_follows_the_seed(tmp_path):
    make_class_folders(tmp_path / "photos", COUNTS)

    first = data.load_image_folder(tmp_path / "photos")
    again = data.load_image_folder(tmp_path / "photos", seed=42)
    other = data.load_image_folder(tmp_path / "photos", seed=7)

    np.testing.assert_array_equal(first.x_train, again.x_train)
    np.testing.assert_array_equal(first.x_test, again.x_test)
    assert set(which_files(other.x_test)) != set(which_files(first.x_test))
    assert data.class_counts(other.y_test, other.class_names) == \
        data.class_counts(first.y_test, first.class_names)


def test_split_size_and_seed_are_said(tmp_path, capsys):
    make_class_folders(tmp_path / "photos", {"cat": 4, "dog": 4})

    ds = data.load_image_folder(tmp_path / "photos", test_size=0.5, seed=3)

    assert (len(ds.y_train), len(ds.y_test)) == (4, 4)
    assert data.class_counts(ds.y_test, ds.class_names) == {"cat": 2, "dog": 2}
    out = capsys.readouterr().out
    assert "test_size=0.5, seed=3" in out
    assert "4 for training, 4 for testing" in out


def test_class_names_pick_and_order_classes_without_a_split(tmp_path):
    files = make_class_folders(tmp_path / "photos", COUNTS)

    ds = data.load_image_folder(tmp_path / "photos", class_names=["ship", "cat"])

    assert ds.class_names == ("ship", "cat")
    assert len(ds.y_train) + len(ds.y_test) == 15
    for x, y in ((ds.x_train, ds.y_train), (ds.x_test, ds.y_test)):
        assert [ds.class_names[label] for label in y] == [files[v][0] for v in which_files(x)]


def test_own_split_is_used_as_it_is_and_says_nothing(tmp_path, capsys):
    root = tmp_path / "photos"
    for split, count in (("train", 3), ("test", 2)):
        make_class_folders(root / split, {"cat": count, "dog": count})

    ds = data.load_image_folder(root)

    assert (len(ds.y_train), len(ds.y_test)) == (6, 4)
    np.testing.assert_array_equal(ds.y_train, [0, 0, 0, 1, 1, 1])
    np.testing.assert_array_equal(ds.y_test, [0, 0, 1, 1])
    assert capsys.readouterr().out == ""


def test_both_layouts_give_the_same_kind_of_data_set(tmp_path, capsys):
    make_class_folders(tmp_path / "flat", {"cat": 5, "dog": 5})
    for split in ("train", "test"):
        make_class_folders(tmp_path / "split" / split, {"cat": 5, "dog": 5})

    flat = data.load_image_folder(tmp_path / "flat")
    split = data.load_image_folder(tmp_path / "split")

    assert flat.class_names == split.class_names
    for name in ("x_train", "y_train", "x_test", "y_test"):
        a, b = getattr(flat, name), getattr(split, name)
        assert (a.dtype, a.shape[1:]) == (b.dtype, b.shape[1:])


def test_other_split_folder_names(tmp_path):
    root = tmp_path / "photos"
    for split in ("training", "validation"):
        make_class_folders(root / split, {"cat": 2, "dog": 2})

    ds = data.load_image_folder(root, splits=("training", "validation"))

    assert (len(ds.y_train), len(ds.y_test)) == (4, 4)


def test_a_validation_folder_beside_the_split_is_ignored(tmp_path):
    root = tmp_path / "photos"
    for split in ("train", "test", "validation"):
        make_class_folders(root / split, {"cat": 2, "dog": 2})

    ds = data.load_image_folder(root)

    assert (len(ds.y_train), len(ds.y_test)) == (4, 4)


def test_class_folders_beside_train_and_test_are_an_error(tmp_path):
    root = tmp_path / "photos"
    for split in ("train", "test"):
        make_class_folders(root / split, {"cat": 2})
    make_class_folders(root, {"dog": 3})

    with pytest.raises(ValueError, match="dog/") as excinfo:
        data.load_image_folder(root)
    assert "one layout" in str(excinfo.value)


def test_train_without_test_is_an_error(tmp_path):
    make_class_folders(tmp_path / "photos" / "train", {"cat": 2})

    with pytest.raises(FileNotFoundError, match="no test/ folder"):
        data.load_image_folder(tmp_path / "photos")


def test_a_class_with_one_image_cannot_be_split(tmp_path):
    make_class_folders(tmp_path / "photos", {"cat": 5, "dog": 1})

    with pytest.raises(ValueError, match=r"dog \(1\)") as excinfo:
        data.load_image_folder(tmp_path / "photos")
    assert "at least 2" in str(excinfo.value)


def test_a_class_too_small_for_test_size_is_an_error(tmp_path):
    make_class_folders(tmp_path / "photos", {"cat": 40, "dog": 2})

    with pytest.raises(ValueError, match="dog gets no test image"):
        data.load_image_folder(tmp_path / "photos", test_size=0.1)


def test_images_without_class_folders(tmp_path):
    uniform_image(tmp_path / "photos" / "a.png", 1, 0)

    with pytest.raises(ValueError, match="no class folders") as excinfo:
        data.load_image_folder(tmp_path / "photos")
    assert "<class>" in str(excinfo.value)


def test_missing_folder_names_both_layouts(tmp_path):
    with pytest.raises(FileNotFoundError) as excinfo:
        data.load_image_folder(tmp_path / "nowhere")
    message = str(excinfo.value)
    assert "nowhere/<class>/*.jpg" in message and "nowhere/train/<class>/*.jpg" in message


# --------------------------------------------------------------------------------------------
# Every kind of image file becomes upright uint8 RGB
# --------------------------------------------------------------------------------------------

def quadrants(height: int = 4, width: int = 6) -> np.ndarray:
    """A landscape image whose four corners have different colours."""
    pixels = np.zeros((height, width, 3), dtype=np.uint8)
    pixels[: height // 2, : width // 2] = (255, 0, 0)
    pixels[: height // 2, width // 2:] = (0, 255, 0)
    pixels[height // 2:, : width // 2] = (0, 0, 255)
    pixels[height // 2:, width // 2:] = (255, 255, 0)
    return pixels


# EXIF orientation -> how the stored pixels must be turned to stand upright (numpy's rot90
# turns counter-clockwise for k=1)
UPRIGHT = {1: lambda p: p, 3: lambda p: np.rot90(p, 2), 6: lambda p: np.rot90(p, -1),
           8: lambda p: np.rot90(p, 1)}


@pytest.mark.parametrize("orientation", [1, 3, 6, 8])
def test_exif_orientation_is_applied(tmp_path, orientation):
    stored = quadrants()
    path = save_with_exif(tmp_path / "photo.png", stored, orientation)

    image = data.read_image(path)

    expected = UPRIGHT[orientation](stored)
    assert image.shape == expected.shape == ((6, 4, 3) if orientation in (6, 8) else (4, 6, 3))
    np.testing.assert_array_equal(image, expected)


@pytest.mark.parametrize("orientation", [6, 8])
def test_portrait_phone_photo_jpeg_stands_upright(tmp_path, orientation):
    stored = np.repeat(np.repeat(quadrants(), 16, axis=0), 16, axis=1)  # 64 x 96, landscape
    path = save_with_exif(tmp_path / "phone.jpg", stored, orientation, quality=95)

    image = data.read_image(path)
    resized = data.read_image(path, size=(12, 8))

    assert image.shape == (96, 64, 3)
    expected = UPRIGHT[orientation](stored)
    for top, left in ((8, 8), (8, 56), (88, 8), (88, 56)):  # the middle of each quadrant
        assert np.abs(image[top, left].astype(int) - expected[top, left]).max() < 20
    assert resized.shape == (12, 8, 3)


def test_a_turned_photo_fits_among_portrait_images(tmp_path):
    root = tmp_path / "photos"
    save_png(root / "train" / "cat" / "upright.png", np.zeros((6, 4, 3), np.uint8))
    save_with_exif(root / "train" / "cat" / "turned.png", quadrants(), 6)
    save_png(root / "test" / "cat" / "upright.png", np.zeros((6, 4, 3), np.uint8))

    ds = data.load_image_folder(root)

    assert ds.x_train.shape == (2, 6, 4, 3)
    np.testing.assert_array_equal(ds.x_train[0], np.rot90(quadrants(), -1))


def test_plain_rgb_jpeg_reads_as_pillow_reads_it(tmp_path):
    pixels = np.random.default_rng(1).integers(0, 256, (32, 32, 3), dtype=np.uint8)
    path = tmp_path / "plain.jpg"
    Image.fromarray(pixels).save(path, quality=90)

    with Image.open(path) as img:
        oracle = np.asarray(img.convert("RGB"))
    np.testing.assert_array_equal(data.read_image(path), oracle)


def test_palette_with_transparency(tmp_path):
    indexes = np.array([[0, 1, 2], [2, 1, 0]], dtype=np.uint8)
    img = Image.fromarray(indexes, mode="P")
    img.putpalette([0, 0, 0, 200, 10, 30, 0, 90, 180] + [0] * (256 * 3 - 9))  # 0 is black
    img.save(tmp_path / "icon.png", transparency=0)  # ... and transparent

    image = data.read_image(tmp_path / "icon.png")

    expected = np.array([[(255, 255, 255), (200, 10, 30), (0, 90, 180)],
                         [(0, 90, 180), (200, 10, 30), (255, 255, 255)]], dtype=np.uint8)
    np.testing.assert_array_equal(image, expected)


def test_palette_without_transparency(tmp_path):
    img = Image.fromarray(np.array([[0, 1]], dtype=np.uint8), mode="P")
    img.putpalette([10, 20, 30, 40, 50, 60] + [0] * (256 * 3 - 6))
    img.save(tmp_path / "gif.gif")

    np.testing.assert_array_equal(data.read_image(tmp_path / "gif.gif"),
                                  [[(10, 20, 30), (40, 50, 60)]])


def test_grey(tmp_path):
    grey = np.array([[0, 77], [128, 255]], dtype=np.uint8)
    Image.fromarray(grey, mode="L").save(tmp_path / "grey.png")

    image = data.read_image(tmp_path / "grey.png")

    assert image.shape == (2, 2, 3) and image.dtype == np.uint8
    np.testing.assert_array_equal(image, np.stack([grey] * 3, axis=-1))


def on_white(colour: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """The oracle of compositing: colour * alpha + white * (1 - alpha)."""
    a = alpha[..., None] / 255
    return colour * a + 255 * (1 - a)


def test_grey_with_alpha_on_white(tmp_path):
    grey = np.array([[40, 40, 40]], dtype=np.uint8)
    alpha = np.array([[255, 0, 128]], dtype=np.uint8)
    Image.fromarray(np.stack([grey, alpha], axis=-1), mode="LA").save(tmp_path / "la.png")

    image = data.read_image(tmp_path / "la.png")

    expected = on_white(np.stack([grey] * 3, axis=-1).astype(float), alpha)
    assert np.abs(image - expected).max() <= 1
    np.testing.assert_array_equal(image[0, :2], [(40, 40, 40), (255, 255, 255)])


def test_rgba_on_white(tmp_path):
    rgba = np.array([[(0, 0, 0, 0), (10, 200, 30, 255), (10, 200, 30, 128), (250, 0, 0, 0)]],
                    dtype=np.uint8)
    Image.fromarray(rgba, mode="RGBA").save(tmp_path / "logo.png")

    image = data.read_image(tmp_path / "logo.png")

    np.testing.assert_array_equal(image[0, 0], (255, 255, 255))  # not black
    np.testing.assert_array_equal(image[0, 1], (10, 200, 30))
    np.testing.assert_array_equal(image[0, 3], (255, 255, 255))
    assert np.abs(image - on_white(rgba[..., :3].astype(float), rgba[..., 3])).max() <= 1


def test_cmyk(tmp_path):
    cmyk = np.array([[(0, 0, 0, 0), (0, 0, 0, 255), (0, 255, 255, 0), (255, 255, 0, 0)]],
                    dtype=np.uint8)
    Image.fromarray(cmyk, mode="CMYK").save(tmp_path / "print.tif")

    image = data.read_image(tmp_path / "print.tif")

    np.testing.assert_array_equal(
        image, [[(255, 255, 255), (0, 0, 0), (255, 0, 0), (0, 0, 255)]])


SIXTEEN_BIT = np.array([[0, 257, 32896, 65535]], dtype=np.uint16)
EIGHT_BIT = [0, 1, 128, 255]  # the 16-bit values divided by 257


@pytest.mark.parametrize("name, make", [
    ("deep.png", lambda: Image.fromarray(SIXTEEN_BIT)),  # mode I;16
    ("deep_big_endian.tif", lambda: Image.frombytes("I;16B", (4, 1),
                                                    SIXTEEN_BIT.astype(">u2").tobytes())),
    ("deep_32bit.tif", lambda: Image.fromarray(SIXTEEN_BIT.astype(np.int32))),  # mode I
])
def test_16_bit_is_scaled_not_clipped(tmp_path, name, make):
    make().save(tmp_path / name)

    image = data.read_image(tmp_path / name)

    assert image.dtype == np.uint8 and image.shape == (1, 4, 3)
    np.testing.assert_array_equal(image[0], np.stack([EIGHT_BIT] * 3, axis=-1))


def test_one_bit(tmp_path):
    bits = np.array([[True, False], [False, True]])
    Image.fromarray(bits).save(tmp_path / "fax.png")
    assert Image.open(tmp_path / "fax.png").mode == "1"

    image = data.read_image(tmp_path / "fax.png")

    np.testing.assert_array_equal(image, np.stack([bits * 255] * 3, axis=-1))


def test_a_folder_of_every_kind_reads_as_rgb(tmp_path, capsys):
    root = tmp_path / "mixed"
    save_png(root / "cat" / "rgb.png", np.full((4, 4, 3), 50, np.uint8))
    Image.fromarray(np.full((4, 4), 60, np.uint8), mode="L").save(root / "cat" / "grey.png")
    (root / "dog").mkdir()
    Image.fromarray(np.full((4, 4), 65535, np.uint16)).save(root / "dog" / "deep.png")
    Image.fromarray(np.zeros((4, 4, 4), np.uint8), mode="RGBA").save(root / "dog" / "clear.png")

    ds = data.load_image_folder(root, test_size=0.5)

    assert ds.x_train.shape == ds.x_test.shape == (2, 4, 4, 3)
    values = sorted(int(x[0, 0, 0]) for x in np.concatenate([ds.x_train, ds.x_test]))
    assert values == [50, 60, 255, 255]


# --------------------------------------------------------------------------------------------
# Mixed sizes
# --------------------------------------------------------------------------------------------

def test_mixed_sizes_need_image_size(tmp_path):
    root = tmp_path / "photos"
    save_png(root / "cat" / "a.png", np.zeros((8, 8, 3), np.uint8))
    save_png(root / "cat" / "b.png", np.zeros((8, 10, 3), np.uint8))
    save_png(root / "dog" / "c.png", np.zeros((8, 8, 3), np.uint8))
    save_png(root / "dog" / "d.png", np.zeros((8, 8, 3), np.uint8))

    with pytest.raises(ValueError, match="image_size") as excinfo:
        data.load_image_folder(root, test_size=0.5)
    message = str(excinfo.value)
    assert "b.png is 10x8" in message and "8x8" in message
    assert "a.png" in message or "c.png" in message or "d.png" in message

    ds = data.load_image_folder(root, image_size=(5, 6), test_size=0.5)
    assert ds.x_train.shape == (2, 5, 6, 3) and ds.x_test.shape == (2, 5, 6, 3)


def test_train_and_test_must_share_one_size(tmp_path):
    root = tmp_path / "photos"
    save_png(root / "train" / "cat" / "a.png", np.zeros((8, 8, 3), np.uint8))
    save_png(root / "test" / "cat" / "b.png", np.zeros((9, 9, 3), np.uint8))

    with pytest.raises(ValueError, match=r"b\.png is 9x9 pixels but .*a\.png is 8x8"):
        data.load_image_folder(root)
    assert data.load_image_folder(root, image_size=(4, 4)).x_test.shape == (1, 4, 4, 3)


# --------------------------------------------------------------------------------------------
# Unreadable files: all listed in one error, or skipped
# --------------------------------------------------------------------------------------------

def folder_with_bad_files(root):
    """train/{cat,dog} and test/{cat,dog} with 3 good images each, 4 bad files and 3 ignored."""
    for split in ("train", "test"):
        make_class_folders(root / split, {"cat": 3, "dog": 3})
    truncated = (root / "train" / "dog" / "00.png").read_bytes()[:40]
    (root / "train" / "cat" / "notes.txt").write_text("feed the cat")
    (root / "train" / "dog" / "half.png").write_bytes(truncated)
    (root / "test" / "dog" / "0_random.jpg").write_bytes(np.random.default_rng(5).bytes(300))
    (root / "test" / "cat" / "empty.jpg").write_bytes(b"")
    (root / "train" / "cat" / ".DS_Store").write_bytes(b"\0\1")
    (root / "train" / "dog" / "Thumbs.db").write_bytes(b"\0\1")
    (root / "test" / "cat" / "._00.png").write_bytes(b"\0\1")
    return ["train/cat/notes.txt", "train/dog/half.png", "test/cat/empty.jpg",
            "test/dog/0_random.jpg"]


def test_unreadable_files_are_all_listed(tmp_path):
    bad = folder_with_bad_files(tmp_path / "photos")

    with pytest.raises(ValueError) as excinfo:
        data.load_image_folder(tmp_path / "photos")

    message = str(excinfo.value)
    assert message.startswith(f"4 of the 16 files in {tmp_path / 'photos'} are not readable")
    for name in bad:
        assert name in message
    assert "notes.txt: not an image file (.txt)" in message
    assert "skip_bad=True" in message
    for ignored in (".DS_Store", "Thumbs.db", "._00.png"):
        assert ignored not in message


def test_long_lists_are_cut(tmp_path):
    make_class_folders(tmp_path / "photos", {"cat": 3, "dog": 3})
    for i in range(13):
        (tmp_path / "photos" / "dog" / f"note{i:02d}.txt").write_text("woof")

    with pytest.raises(ValueError) as excinfo:
        data.load_image_folder(tmp_path / "photos")

    message = str(excinfo.value)
    assert "13 of the 19 files" in message
    assert "note09.txt" in message and "note10.txt" not in message
    assert "and 3 more" in message


def test_unreadable_files_can_be_skipped(tmp_path, capsys):
    root = tmp_path / "photos"
    bad = folder_with_bad_files(root)

    ds = data.load_image_folder(root, skip_bad=True)

    assert ds.x_train.shape == (6, 6, 6, 3) and ds.x_test.shape == (6, 6, 6, 3)
    np.testing.assert_array_equal(ds.y_train, [0, 0, 0, 1, 1, 1])
    np.testing.assert_array_equal(ds.y_test, [0, 0, 0, 1, 1, 1])
    assert which_files(ds.x_train) == which_files(ds.x_test) == [0, 1, 2, 3, 4, 5]
    assert sorted(ds.skipped) == sorted(bad)
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    assert out.startswith("Skipped 4 of the 16 files")
    assert all(name in out for name in bad)


def test_skipping_without_a_split(tmp_path, capsys):
    root = tmp_path / "photos"
    make_class_folders(root, {"cat": 5, "dog": 5})
    (root / "cat" / "broken.jpg").write_bytes(b"\xff\xd8\xff not really")

    ds = data.load_image_folder(root, skip_bad=True)

    assert len(ds.y_train) + len(ds.y_test) == 10
    assert ds.skipped == ("cat/broken.jpg",)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and lines[0].startswith("Skipped 1 of the 11 files")


def test_a_class_left_without_images_is_an_error(tmp_path):
    root = tmp_path / "photos"
    make_class_folders(root / "train", {"cat": 2, "dog": 2})
    make_class_folders(root / "test", {"cat": 2})
    (root / "test" / "dog").mkdir()
    (root / "test" / "dog" / "list.txt").write_text("bone")

    with pytest.raises(ValueError, match="No readable test images are left of class dog"):
        data.load_image_folder(root, skip_bad=True)


def test_read_image_still_names_an_unreadable_file(tmp_path):
    path = tmp_path / "notes.jpg"
    path.write_text("milk, eggs, bread")

    with pytest.raises(ValueError, match="notes.jpg is not a readable image file"):
        data.read_image(path)


def test_mirror_layout_reads_every_image_once(tmp_path):
    """The CIFAR-10 mirror's layout (train/ and test/ of class folders of JPEGs) read as an
    image folder: counts per class and the pixels of one JPEG against Pillow's."""
    root = tmp_path / "mirror"
    rng = np.random.default_rng(0)
    for split, count in (("train", 3), ("test", 1)):
        for name in ("airplane", "ship"):
            for i in range(count):
                (root / split / name).mkdir(parents=True, exist_ok=True)
                Image.fromarray(rng.integers(0, 256, (32, 32, 3), dtype=np.uint8)).save(
                    root / split / name / f"{i:04d}.jpg")

    ds = data.load_image_folder(root, class_names=("airplane", "ship"))

    assert Counter(ds.y_train.tolist()) == {0: 3, 1: 3}
    assert Counter(ds.y_test.tolist()) == {0: 1, 1: 1}
    with Image.open(root / "test" / "ship" / "0000.jpg") as img:
        np.testing.assert_array_equal(ds.x_test[1], np.asarray(img.convert("RGB")))


def test_too_few_images_for_test_size(tmp_path):
    make_class_folders(tmp_path / "photos", {"cat": 2, "dog": 2})

    with pytest.raises(ValueError, match="test_size=0.2") as excinfo:
        data.load_image_folder(tmp_path / "photos")
    assert "change test_size" in str(excinfo.value)
    assert len(data.load_image_folder(tmp_path / "photos", test_size=0.5).y_test) == 2

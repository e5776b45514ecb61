"""The checkers of episode 02's exercises: the solution passes, the skeleton asks to fill in,
and typical wrong answers each get their own hint."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from cnnlesson.exercises import hints


def words(found) -> str:
    return " ".join(f"{h.problem} {h.fix} {h.answer}" for h in found).lower()


@pytest.fixture(scope="module")
def images():
    rng = np.random.default_rng(0)
    return rng.integers(1, 255, (40, 32, 32, 3), dtype=np.uint8)


@pytest.fixture(scope="module")
def labels():
    return np.arange(40) % 10


# --- 02.1 ------------------------------------------------------------------------------------

def test_switch_off_red(images):
    image = images[0]
    no_red = image.copy()
    no_red[..., 0] = 0
    assert hints("02.1", image=image, no_red=no_red) == []
    assert "fill in" in words(hints("02.1", image=image, no_red=image.copy()))  # the skeleton
    same = image.copy()
    assert "same array" in words(hints("02.1", image=same, no_red=same))
    no_green = image.copy()
    no_green[..., 1] = 0
    assert "channel 1 (green)" in words(hints("02.1", image=image, no_red=no_green))
    assert "three channels" in words(hints("02.1", image=image, no_red=image[..., 1:].copy()))


# --- 02.2 ------------------------------------------------------------------------------------

def test_png_or_jpeg(tmp_path, images):
    from cnnlesson import read_image

    photo = np.kron(images[0], np.ones((4, 4, 1), dtype=np.uint8))  # 128 x 128, smooth-ish
    Image.fromarray(photo).save(tmp_path / "a.jpg")
    Image.fromarray(photo).save(tmp_path / "a.png")
    assert hints("02.2", original=photo, from_jpeg=read_image(tmp_path / "a.jpg")) == []
    assert "fill in" in words(hints("02.2", original=photo, from_jpeg=...))
    assert "not stored as jpeg" in words(hints("02.2", original=photo,
                                                from_jpeg=read_image(tmp_path / "a.png")))
    resized = read_image(tmp_path / "a.jpg", size=(32, 32))
    assert "without `size=`" in words(hints("02.2", original=photo, from_jpeg=resized))
    scaled = read_image(tmp_path / "a.jpg") / 255
    assert "uint8" in words(hints("02.2", original=photo, from_jpeg=scaled))


# --- 02.3 ------------------------------------------------------------------------------------

def test_resize_whole(images):
    photo = np.kron(images[0], np.ones((4, 6, 1), dtype=np.uint8))
    assert hints("02.3", resized=np.asarray(Image.fromarray(photo).resize((160, 120)))) == []
    assert "fill in" in words(hints("02.3", resized=...))
    assert "(width, height)" in words(hints(
        "02.3", resized=np.asarray(Image.fromarray(photo).resize((120, 160)))))
    assert "pil image" in words(hints("02.3", resized=Image.fromarray(photo).resize((160, 120))))
    assert "(120, 160, 3)" in words(hints("02.3", resized=np.zeros((32, 32, 3), np.uint8)))


# --- 02.4 ------------------------------------------------------------------------------------

def test_scale_batch(images):
    assert hints("02.4", original=images, scaled=images.astype(np.float32) / 255) == []
    assert "fill in" in words(hints("02.4", original=images, scaled=...))
    assert "8 bytes" in words(hints("02.4", original=images, scaled=images / 255))
    assert "integer division" in words(hints("02.4", original=images, scaled=images // 255))
    assert "not scaled" in words(hints("02.4", original=images,
                                       scaled=images.astype(np.float32)))
    low, high = images.min(), images.max()
    minmax = (images.astype(np.float32) - low) / (high - low)
    assert "min-max" in words(hints("02.4", original=images, scaled=minmax))


# --- 02.5 ------------------------------------------------------------------------------------

def test_one_hot_back():
    labels = np.array([2, 8, 1, 2])
    one_hot = np.eye(10, dtype=np.float32)[labels]
    assert hints("02.5", one_hot=one_hot, labels=np.argmax(one_hot, axis=1)) == []
    assert "fill in" in words(hints("02.5", one_hot=one_hot, labels=...))
    assert "axis 0" in words(hints("02.5", one_hot=one_hot, labels=np.argmax(one_hot, axis=0)))
    assert "still one-hot" in words(hints("02.5", one_hot=one_hot, labels=one_hot))
    assert "one number per label" in words(hints("02.5", one_hot=one_hot,
                                                 labels=np.argmax(one_hot)))


# --- 02.6 ------------------------------------------------------------------------------------

def test_shuffle_pairs(images, labels):
    order = np.random.default_rng(5).permutation(len(labels))
    other = np.random.default_rng(6).permutation(len(labels))

    def found(x_after, y_after):
        return words(hints("02.6", x_before=images, y_before=labels, x_after=x_after,
                           y_after=y_after))

    assert hints("02.6", x_before=images, y_before=labels, x_after=images[order],
                 y_after=labels[order]) == []
    assert "fill in" in found(..., ...)
    assert "nothing was shuffled" in found(images, labels)
    assert "only the labels" in found(images, labels[order])
    assert "only the images" in found(images[order], labels)
    assert "different orders" in found(images[order], labels[other])
    assert "shapes changed" in found(images[order[:10]], labels[order[:10]])


# --- 02.7 ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def augment():
    import keras
    from keras import layers

    return keras.Sequential([layers.RandomFlip("horizontal"), layers.RandomTranslation(0.1, 0.1),
                             layers.RandomRotation(0.05), layers.RandomZoom(0.1)])


def test_stronger_augmenter(augment):
    import keras
    from keras import layers

    solution = keras.Sequential([*augment.layers, layers.RandomContrast(0.3),
                                 layers.RandomBrightness(0.2)])
    assert hints("02.7", augmenter=solution) == []
    skeleton = keras.Sequential([*augment.layers])
    assert "still missing: fill it" in words(hints("02.7", augmenter=skeleton))
    only_colour = keras.Sequential([layers.RandomContrast(0.3), layers.RandomBrightness(0.2)])
    assert "four layers" in words(hints("02.7", augmenter=only_colour))
    unit_range = keras.Sequential([*augment.layers, layers.RandomContrast(0.3),
                                   layers.RandomBrightness(0.2, value_range=(0, 1))])
    assert "0 to 255" in words(hints("02.7", augmenter=unit_range))
    scaling = keras.Sequential([layers.Rescaling(1 / 255), *solution.layers])
    assert "rescaling" in words(hints("02.7", augmenter=scaling))
    assert "not a keras" in words(hints("02.7", augmenter=[layers.RandomContrast(0.3)]))


# --- 02.8 ------------------------------------------------------------------------------------

def test_validation_pipeline(images, labels, augment):
    import tensorflow as tf

    x_val, y_val = images, labels
    pairs = tf.data.Dataset.from_tensor_slices((x_val, y_val))
    assert hints("02.8", dataset=pairs.batch(64).prefetch(tf.data.AUTOTUNE), x_val=x_val,
                 y_val=y_val) == []
    assert "fill in" in words(hints("02.8", dataset=pairs, x_val=x_val, y_val=y_val))
    shuffled = pairs.shuffle(40, seed=1).batch(64)
    assert "shuffles" in words(hints("02.8", dataset=shuffled, x_val=x_val, y_val=y_val))
    small = pairs.batch(16)
    assert "asks for 64" in words(hints("02.8", dataset=small, x_val=x_val, y_val=y_val))
    augmented = pairs.batch(64).map(lambda x, y: (augment(x, training=True), y))
    assert "augmented" in words(hints("02.8", dataset=augmented, x_val=x_val, y_val=y_val))
    assert "not a tf.data" in words(hints("02.8", dataset=x_val, x_val=x_val, y_val=y_val))


# --- 02.9 ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def folder(tmp_path_factory, images):
    from cnnlesson import load_image_folder

    root = tmp_path_factory.mktemp("folder")
    for split, start in (("train", 0), ("test", 20)):
        for k, name in enumerate(["cat", "dog"]):
            (root / split / name).mkdir(parents=True)
            for i in range(3):
                Image.fromarray(images[start + 3 * k + i]).save(root / split / name / f"{i}.png")
    return root, load_image_folder(root)


def test_folder_both_ways(folder):
    import keras

    root, mine = folder
    files = keras.utils.image_dataset_from_directory(root / "test", image_size=(32, 32),
                                                     batch_size=None, shuffle=False)
    x = np.stack([image.numpy() for image, _ in files])
    y = np.array([int(label) for _, label in files])
    assert hints("02.9", images=x.astype(np.uint8), labels=y, reference=mine) == []
    assert "fill in" in words(hints("02.9", images=..., labels=..., reference=mine))
    assert "make them uint8" in words(hints("02.9", images=x, labels=y, reference=mine))
    assert "shuffle=false" in words(hints("02.9", images=x.astype(np.uint8), labels=y[::-1],
                                          reference=mine))
    assert "batch_size=none" in words(hints("02.9", images=x[np.newaxis], labels=y,
                                            reference=mine))
    assert "still a tf.data" in words(hints("02.9", images=files, labels=y, reference=mine))


# --- 02.10 -----------------------------------------------------------------------------------

def test_grayscale_and_back(images):
    original = images[0]
    gray = np.round(original @ np.array([0.299, 0.587, 0.114])).astype(np.uint8)
    back = np.repeat(gray[..., np.newaxis], 3, axis=-1)
    assert hints("02.10", original=original, gray=gray, back=back) == []
    assert "fill in" in words(hints("02.10", original=original, gray=..., back=...))
    unrounded = original @ np.array([0.299, 0.587, 0.114])
    assert "uint8" in words(hints("02.10", original=original, gray=unrounded, back=back))
    assert "last axis" in words(hints("02.10", original=original, gray=gray,
                                      back=np.stack([gray] * 3)))
    mean = original.mean(axis=-1).round().astype(np.uint8)
    assert "luminance" in words(hints("02.10", original=original, gray=mean, back=back))

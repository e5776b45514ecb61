"""Unit tests of the plotting helpers of episode 02 (Agg backend, set in conftest.py)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

from cnnlesson.plotting import plot_augmentations, plot_channels, plot_class_counts


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture
def image():
    return np.random.default_rng(0).integers(0, 256, (6, 5, 3), dtype=np.uint8)


def test_plot_channels_shows_each_channel(image):
    fig = plot_channels(image)

    assert [ax.get_title() for ax in fig.axes] == [
        "image", "red channel", "green channel", "blue channel"]
    np.testing.assert_array_equal(fig.axes[0].images[0].get_array(), image)
    for i, ax in enumerate(fig.axes[1:]):
        np.testing.assert_array_equal(ax.images[0].get_array(), image[..., i])
        assert ax.images[0].get_clim() == (0, 255)
    assert [ax.images[0].get_cmap().name for ax in fig.axes[1:]] == ["Reds", "Greens", "Blues"]


def test_plot_channels_float_image_scales_to_its_maximum():
    image = np.full((4, 4, 3), 0.5, dtype=np.float32)

    fig = plot_channels(image)

    assert fig.axes[1].images[0].get_clim() == (0, 0.5)


@pytest.mark.parametrize("shape", [(4, 4), (4, 4, 1), (2, 4, 4, 3)])
def test_plot_channels_rejects_non_rgb(shape):
    with pytest.raises(ValueError, match="RGB image"):
        plot_channels(np.zeros(shape, dtype=np.uint8))


def test_plot_class_counts_one_split():
    counts = {"cat": 3, "dog": 5, "frog": 1}

    fig = plot_class_counts(counts, title="training")

    ax = fig.axes[0]
    assert [p.get_height() for p in ax.patches] == [3, 5, 1]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["cat", "dog", "frog"]
    assert ax.get_legend() is None
    assert ax.get_title() == "training"


def test_plot_class_counts_grouped_splits():
    counts = {"train": {"cat": 4, "dog": 6}, "validation": {"cat": 1, "dog": 2}}

    fig = plot_class_counts(counts)

    ax = fig.axes[0]
    assert [p.get_height() for p in ax.patches] == [4, 6, 1, 2]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["train", "validation"]
    lefts = [p.get_x() for p in ax.patches]
    assert lefts[0] < lefts[2] < lefts[1] < lefts[3]  # each class's bars sit side by side


@pytest.mark.parametrize("counts, message", [
    ({}, "no counts"),
    ({"train": {"cat": 1}, "test": {"dog": 1}}, "other classes"),
])
def test_plot_class_counts_bad_input(counts, message):
    with pytest.raises(ValueError, match=message):
        plot_class_counts(counts)


def test_plot_augmentations_calls_augment_once_in_training_mode(image):
    calls = []

    def shift(batch, training=False):
        calls.append((batch.shape, training))
        return batch.astype(np.float32) + np.arange(len(batch))[:, None, None, None] + 0.4

    fig = plot_augmentations(image, shift, n=4, columns=3)

    assert calls == [((4, 6, 5, 3), True)]
    assert len(fig.axes) == 6
    shown = [ax for ax in fig.axes if ax.images]
    titles = ["original"] + [f"augmented {i}" for i in (1, 2, 3, 4)]
    assert [ax.get_title() for ax in shown] == titles
    np.testing.assert_array_equal(shown[0].images[0].get_array(), image)
    expected = np.clip(np.round(image.astype(np.float32) + 2.4), 0, 255).astype(np.uint8)
    third = shown[3].images[0].get_array()
    assert third.dtype == np.uint8
    np.testing.assert_array_equal(third, expected)


def test_plot_augmentations_with_keras_layer(image):
    import keras

    flip = keras.layers.RandomFlip("horizontal", seed=0)

    fig = plot_augmentations(image, flip, n=5)

    for ax in fig.axes[1:6]:
        shown = ax.images[0].get_array()
        assert np.array_equal(shown, image) or np.array_equal(shown, image[:, ::-1])


def test_plot_augmentations_bad_input(image):
    with pytest.raises(ValueError, match="one image"):
        plot_augmentations(image[None], lambda b, training: b)
    with pytest.raises(ValueError, match="at least 1"):
        plot_augmentations(image, lambda b, training: b, n=0)
    with pytest.raises(ValueError, match="returned 1 images"):
        plot_augmentations(image, lambda b, training: b[:1], n=3)

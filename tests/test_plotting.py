"""Unit tests of cnnlesson.plotting (Agg backend, set in conftest.py)."""

from __future__ import annotations

from types import SimpleNamespace

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import same_color

from cnnlesson.plotting import (
    OTHER_COLOUR,
    RIGHT_COLOUR,
    WRONG_COLOUR,
    plot_history,
    plot_image_grid,
    plot_prediction,
)

CLASSES = ("cat", "dog", "frog")
HISTORY = {"loss": [1.2, 0.9, 0.7], "accuracy": [0.4, 0.55, 0.6],
           "val_loss": [1.3, 1.0, 0.95], "val_accuracy": [0.35, 0.5, 0.52]}


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture
def images():
    return np.random.default_rng(0).integers(0, 256, (10, 8, 8, 3), dtype=np.uint8)


def test_image_grid_axes_and_titles(images):
    labels = [0, 1, 2, 0, 1, 2, 0, 1, 2, 0]

    fig = plot_image_grid(images, labels, CLASSES, columns=4)

    assert len(fig.axes) == 12
    titled = [ax for ax in fig.axes if ax.get_title()]
    assert [ax.get_title() for ax in titled] == [CLASSES[label] for label in labels]
    assert all(same_color(ax.title.get_color(), "black") for ax in titled)
    assert all(len(ax.images) == 1 for ax in titled)
    assert all(not ax.images for ax in fig.axes[10:])


def test_image_grid_marks_wrong_predictions_red(images):
    labels = [0, 1, 2, 0, 1, 2, 0, 1, 2, 0]
    predictions = [0, 2, 2, 1, 1, 2, 0, 0, 2, 0]
    wrong = {1, 3, 7}

    fig = plot_image_grid(images, labels, CLASSES, predictions=predictions, columns=5)

    assert len(fig.axes) == 10
    for i, ax in enumerate(fig.axes):
        assert ax.get_title() == f"{CLASSES[labels[i]]}\n/ {CLASSES[predictions[i]]}"
        assert same_color(ax.title.get_color(), "red" if i in wrong else "black"), i


def test_image_grid_single_row(images):
    fig = plot_image_grid(images[:3], [0, 1, 2], CLASSES)

    assert len(fig.axes) == 8


def lines_per_axis(fig):
    return [[line.get_label() for line in ax.get_lines()] for ax in fig.axes]


@pytest.mark.parametrize("wrap", [
    lambda h: SimpleNamespace(history=h),
    lambda h: h,
    lambda h: {"name": "run", "history": h, "metrics": {"test_accuracy": 0.5}},
], ids=["History", "dict", "load_history record"])
def test_plot_history(wrap):
    fig = plot_history(wrap(HISTORY))

    assert len(fig.axes) == 2
    assert [ax.get_ylabel() for ax in fig.axes] == ["loss", "accuracy"]
    assert lines_per_axis(fig) == [["training", "validation"]] * 2
    np.testing.assert_array_equal(fig.axes[1].get_lines()[1].get_ydata(),
                                  HISTORY["val_accuracy"])
    np.testing.assert_array_equal(fig.axes[0].get_lines()[0].get_xdata(), [1, 2, 3])


def test_plot_history_without_validation():
    fig = plot_history({"loss": [1.0, 0.5]}, metrics=["loss"])

    assert len(fig.axes) == 1
    assert lines_per_axis(fig) == [["training"]]


def test_plot_history_many_epochs():
    fig = plot_history({"loss": list(np.linspace(2, 1, 45))}, metrics=("loss",))

    assert len(fig.axes[0].get_xticks()) <= 12


def test_plot_prediction():
    probabilities = np.array([[0.1, 0.7, 0.2]])
    image = np.zeros((8, 8, 3), dtype=np.uint8)

    fig = plot_prediction(image, probabilities, CLASSES)

    assert len(fig.axes) == 2
    ax_img, ax_bar = fig.axes
    assert ax_img.get_title() == "predicted: dog"
    assert len(ax_bar.patches) == 3
    assert same_color(ax_bar.patches[1].get_facecolor(), RIGHT_COLOUR)


def test_plot_prediction_wrong_is_red():
    fig = plot_prediction(np.zeros((8, 8, 3), np.uint8), [0.1, 0.7, 0.2], CLASSES, true_label=0)

    ax_img, ax_bar = fig.axes
    assert ax_img.get_title() == "true: cat\npredicted: dog"
    assert same_color(ax_bar.patches[1].get_facecolor(), WRONG_COLOUR)
    assert same_color(ax_bar.patches[0].get_facecolor(), OTHER_COLOUR)
    assert [t.get_text() for t in ax_bar.get_yticklabels()] == list(CLASSES)

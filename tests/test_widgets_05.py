"""The prediction browser of episode 05, tested through the plain functions behind it."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

from cnnlesson import widgets
from cnnlesson.widgets import prediction_at, prediction_browser

CLASSES = ["cat", "dog", "frog"]


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (4, 8, 8, 3), dtype=np.uint8)
    probabilities = rng.dirichlet(np.ones(3), size=4).astype("float32")
    labels = np.array([0, 2, 1, 2])
    return images, probabilities, labels


def test_prediction_at_returns_the_matching_row(data):
    images, probabilities, labels = data
    image, probs, label = prediction_at(2, images, probabilities, labels)
    np.testing.assert_array_equal(image, images[2])
    np.testing.assert_array_equal(probs, probabilities[2])
    assert label == 1 and isinstance(label, int)


@pytest.mark.parametrize("index", [-1, 4])
def test_prediction_at_rejects_an_index_outside(data, index):
    with pytest.raises(IndexError, match="outside 0..3"):
        prediction_at(index, *data)


def test_prediction_at_rejects_misaligned_arrays(data):
    images, probabilities, labels = data
    with pytest.raises(ValueError, match="same length"):
        prediction_at(0, images, probabilities[:3], labels)


def test_browser_slider_calls_update(data):
    images, probabilities, labels = data
    browser = prediction_browser(images, probabilities, labels, CLASSES)
    assert browser.index == 0
    np.testing.assert_array_equal(browser.probs, probabilities[0])
    browser.controls["index"].value = 3  # what moving the slider does
    assert browser.index == 3 and browser.label == 2
    np.testing.assert_array_equal(browser.image, images[3])
    np.testing.assert_array_equal(browser.probs, probabilities[3])


def test_browser_update_returns_the_probabilities(data):
    images, probabilities, labels = data
    browser = prediction_browser(images, probabilities, labels, CLASSES, index=1)
    np.testing.assert_array_equal(browser.probs, probabilities[1])
    np.testing.assert_array_equal(browser.update(index=2), probabilities[2])
    with pytest.raises(IndexError):
        browser.update(index=9)


def test_browser_outside_a_notebook_draws_image_and_bars(data):
    images, probabilities, labels = data
    fig = prediction_browser(images, probabilities, labels, CLASSES, index=1).show()
    assert len(fig.axes) == 2
    np.testing.assert_array_equal(fig.axes[0].images[0].get_array(), images[1])
    bars = [patch.get_width() for patch in fig.axes[1].patches]
    np.testing.assert_allclose(bars, probabilities[1])
    assert fig.axes[0].get_title().startswith("test image 1\ntrue: frog")
    plt.close(fig)


def test_browser_rejects_bad_inputs(data):
    images, probabilities, labels = data
    with pytest.raises(ValueError, match="at least one image"):
        prediction_browser(images[:0], probabilities[:0], labels[:0], CLASSES)
    with pytest.raises(ValueError, match="class names"):
        prediction_browser(images, probabilities, labels, CLASSES[:2])


def test_browser_works_without_ipywidgets(monkeypatch, data):
    monkeypatch.setattr(widgets, "_try_ipywidgets", lambda: None)
    browser = prediction_browser(*data, CLASSES)
    assert browser.widget is None and browser.controls == {}
    np.testing.assert_array_equal(browser.update(index=3), data[1][3])

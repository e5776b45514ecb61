"""Unit tests of cnnlesson.explain (Grad-CAM) on tiny untrained models."""

from __future__ import annotations

import keras
import matplotlib.pyplot as plt
import numpy as np
import pytest
from keras import layers

from cnnlesson.explain import grad_cam, last_conv_layer, plot_grad_cam


def tiny_sequential():
    keras.utils.set_random_seed(0)
    return keras.Sequential([
        keras.Input((12, 12, 3)),
        layers.Rescaling(1 / 255),
        layers.Conv2D(4, 3, activation="relu", name="conv_a"),
        layers.MaxPooling2D(2),
        layers.Conv2D(6, 3, activation="relu", name="conv_b"),
        layers.Flatten(),
        layers.Dense(3, activation="softmax"),
    ])


def functional_copy(seq):
    """The same architecture as ``seq`` written as a functional model, with ``seq``'s weights."""
    inputs = keras.Input((12, 12, 3))
    x = layers.Rescaling(1 / 255)(inputs)
    x = layers.Conv2D(4, 3, activation="relu", name="conv_a")(x)
    x = layers.MaxPooling2D(2)(x)
    x = layers.Conv2D(6, 3, activation="relu", name="conv_b")(x)
    x = layers.Flatten()(x)
    model = keras.Model(inputs, layers.Dense(3, activation="softmax")(x))
    model.set_weights(seq.get_weights())
    return model


@pytest.fixture
def image():
    return np.random.default_rng(1).integers(0, 256, (12, 12, 3), dtype=np.uint8)


def test_last_conv_layer_is_found_in_both_kinds_of_model():
    seq = tiny_sequential()
    assert last_conv_layer(seq) == "conv_b"
    assert last_conv_layer(functional_copy(seq)) == "conv_b"


def test_heatmap_shape_and_range(image):
    heatmap = grad_cam(tiny_sequential(), image)
    assert heatmap.shape == (3, 3)  # conv_b's output: 12 -> 10 -> 5 -> 3
    assert heatmap.dtype == np.float32
    assert heatmap.min() >= 0 and heatmap.max() <= 1


def test_a_named_layer_gives_its_resolution(image):
    heatmap = grad_cam(tiny_sequential(), image, layer_name="conv_a")
    assert heatmap.shape == (10, 10)
    assert 0 <= heatmap.min() and heatmap.max() <= 1


def test_sequential_and_functional_give_the_same_heatmap(image):
    seq = tiny_sequential()
    fun = functional_copy(seq)
    for class_index in range(3):
        np.testing.assert_allclose(grad_cam(seq, image, class_index),
                                   grad_cam(fun, image, class_index), atol=1e-5)


def test_default_class_is_the_predicted_one(image):
    seq = tiny_sequential()
    predicted = int(np.argmax(seq.predict(image[None], verbose=0)[0]))
    np.testing.assert_allclose(grad_cam(seq, image), grad_cam(seq, image, predicted))


def test_heatmap_matches_a_hand_computation(image):
    """Oracle: the gradient-weighted sum of conv_b's maps, computed with an explicit tape."""
    import tensorflow as tf

    seq = tiny_sequential()
    sub = keras.Model(seq.inputs, [seq.get_layer("conv_b").output, seq.outputs[0]])
    with tf.GradientTape() as tape:
        maps, probs = sub([image[None].astype("float32")])
        score = probs[0, 1]
    grads = tape.gradient(score, maps).numpy()[0]
    cam = np.maximum((maps.numpy()[0] * grads.mean(axis=(0, 1))).sum(-1), 0)
    expected = cam / cam.max() if cam.max() > 0 else cam
    np.testing.assert_allclose(grad_cam(seq, image, 1), expected, atol=1e-5)


def test_works_on_a_sequential_model_loaded_from_a_file(tmp_path, image):
    seq = tiny_sequential()
    path = tmp_path / "tiny.keras"
    seq.save(path)
    loaded = keras.models.load_model(path)
    np.testing.assert_allclose(grad_cam(loaded, image, 2), grad_cam(seq, image, 2), atol=1e-5)


def test_a_model_without_conv2d_is_refused(image):
    dense = keras.Sequential([keras.Input((12, 12, 3)), layers.Flatten(), layers.Dense(3)])
    with pytest.raises(ValueError, match="no Conv2D layer"):
        last_conv_layer(dense)
    with pytest.raises(ValueError, match="no Conv2D layer"):
        grad_cam(dense, image)


def test_bad_inputs_are_refused(image):
    seq = tiny_sequential()
    with pytest.raises(ValueError):
        grad_cam(seq, image, layer_name="no_such_layer")
    with pytest.raises(ValueError, match="one image"):
        grad_cam(seq, image[None])


def test_plot_grad_cam_draws_image_and_overlay(image):
    heatmaps = [np.linspace(0, 1, 9).reshape(3, 3)] * 2
    fig = plot_grad_cam(np.stack([image, image]), heatmaps, titles=["a", "b"])
    assert len(fig.axes) == 4
    assert [len(ax.images) for ax in fig.axes] == [1, 1, 2, 2]  # top row: image; bottom: + map
    assert fig.axes[0].get_title() == "a"
    plt.close(fig)

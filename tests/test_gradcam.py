"""Unit tests of cnnlesson.gradcam (Grad-CAM) on tiny untrained models."""

from __future__ import annotations

import keras
import matplotlib.pyplot as plt
import numpy as np
import pytest
from keras import layers

from cnnlesson.gradcam import grad_cam, last_conv_block, last_conv_layer, plot_grad_cam


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


def logits_copy(seq):
    """``seq`` with the same weights but no softmax at the end: its outputs are the logits."""
    logits = keras.Sequential([
        keras.Input((12, 12, 3)),
        layers.Rescaling(1 / 255),
        layers.Conv2D(4, 3, activation="relu", name="conv_a"),
        layers.MaxPooling2D(2),
        layers.Conv2D(6, 3, activation="relu", name="conv_b"),
        layers.Flatten(),
        layers.Dense(3),
    ])
    logits.set_weights(seq.get_weights())
    return logits


def test_heatmap_matches_a_hand_computation(image):
    """Oracle: the published method with an explicit tape: the gradient of the pre-softmax
    score of class 1 with respect to conv_b's (ReLU) maps, averaged per map."""
    import tensorflow as tf

    logits = logits_copy(tiny_sequential())
    sub = keras.Model(logits.inputs, [logits.get_layer("conv_b").output, logits.outputs[0]])
    with tf.GradientTape() as tape:
        maps, scores = sub([image[None].astype("float32")])
        score = scores[0, 1]
    grads = tape.gradient(score, maps).numpy()[0]
    cam = np.maximum((maps.numpy()[0] * grads.mean(axis=(0, 1))).sum(-1), 0)
    expected = cam / cam.max() if cam.max() > 0 else cam
    np.testing.assert_allclose(grad_cam(tiny_sequential(), image, 1), expected, atol=1e-5)


def test_the_score_is_taken_before_the_softmax(image):
    """A softmax model and its logits copy give the same heatmaps, for every class; the
    gradient of the probability would differ (it mixes in the other classes)."""
    seq = tiny_sequential()
    logits = logits_copy(seq)
    for class_index in range(3):
        np.testing.assert_allclose(grad_cam(seq, image, class_index),
                                   grad_cam(logits, image, class_index), atol=1e-5)
    fun = functional_copy(seq)
    np.testing.assert_allclose(grad_cam(fun, image, 2), grad_cam(logits, image, 2), atol=1e-5)


def test_the_softmax_is_switched_back_on(image):
    seq, fun = tiny_sequential(), functional_copy(tiny_sequential())
    for model in (seq, fun):
        grad_cam(model, image, 0)
        total = float(np.sum(model.predict(image[None], verbose=0)))
        assert abs(total - 1) < 1e-5, "the model no longer ends in a softmax"


def conv_bn_relu_model():
    """Conv -> BN -> ReLU blocks, then Dense -> Rescaling -> Activation("softmax"), as the
    fast CNN of episode 05."""
    keras.utils.set_random_seed(0)
    inputs = keras.Input((12, 12, 3))
    x = layers.Rescaling(1 / 255)(inputs)
    for filters, name in [(4, "a"), (6, "b")]:
        x = layers.Conv2D(filters, 3, padding="same", use_bias=False, name=f"conv_{name}")(x)
        x = layers.BatchNormalization(name=f"bn_{name}")(x)
        x = layers.Activation("relu", name=f"relu_{name}")(x)
    x = layers.GlobalMaxPooling2D()(x)
    x = layers.Rescaling(0.125)(layers.Dense(3)(x))
    return keras.Model(inputs, layers.Activation("softmax", name="softmax")(x))


def test_the_default_layer_is_the_last_block_activation(image):
    model = conv_bn_relu_model()
    assert last_conv_layer(model) == "conv_b"
    assert last_conv_block(model) == "relu_b"  # after batch normalisation and ReLU
    np.testing.assert_allclose(grad_cam(model, image), grad_cam(model, image,
                                                                 layer_name="relu_b"))
    seq = tiny_sequential()  # Conv2D(relu) then pooling: the convolution itself
    assert last_conv_block(seq) == "conv_b"
    assert last_conv_block(functional_copy(seq)) == "conv_b"


def test_an_activation_softmax_layer_is_switched_off_too(image):
    """Oracle for a model ending in Activation("softmax"): its input (the scaled logits)."""
    import tensorflow as tf

    model = conv_bn_relu_model()
    sub = keras.Model(model.inputs, [model.get_layer("relu_b").output,
                                     model.get_layer("softmax").input])
    with tf.GradientTape() as tape:
        maps, scores = sub(image[None].astype("float32"), training=False)
        score = scores[0, 0]
    grads = tape.gradient(score, maps).numpy()[0]
    cam = np.maximum((maps.numpy()[0] * grads.mean(axis=(0, 1))).sum(-1), 0)
    expected = cam / cam.max() if cam.max() > 0 else cam
    np.testing.assert_allclose(grad_cam(model, image, 0), expected, atol=1e-5)


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

"""The checkers of episode 03's exercises: the solution passes, the skeleton asks to fill in,
and typical wrong answers each get their own hint."""

from __future__ import annotations

import keras
import numpy as np
import pytest
from keras import layers

from cnnlesson.exercises import hints


def words(found) -> str:
    return " ".join(f"{h.problem} {h.fix} {h.answer}" for h in found).lower()


def relu(z):
    return np.maximum(z, 0)


# --- 03.1: a Keras layer by hand --------------------------------------------------------------

@pytest.fixture(scope="module")
def dense_layer():
    layer = layers.Dense(5, activation="relu")
    layer.build((None, 12))
    kernel = np.random.default_rng(0).normal(size=(12, 5)).astype("float32")
    layer.set_weights([kernel, np.array([0.5, -0.5, 0.3, 0.2, -0.1], dtype="float32")])
    x = np.linspace(0, 1, 12, dtype="float32")
    return layer, x, kernel, layer.get_weights()[1]


def test_dense_by_hand(dense_layer):
    layer, x, kernel, bias = dense_layer
    assert hints("03.1", layer=layer, inputs=x, output=relu(x @ kernel + bias)) == []
    assert "fill in" in words(hints("03.1", layer=layer, inputs=x, output=...))
    pre = x @ kernel + bias
    assert pre.min() < 0  # so that leaving out the ReLU is a different answer
    assert "relu" in words(hints("03.1", layer=layer, inputs=x, output=pre))
    assert "bias is missing" in words(hints("03.1", layer=layer, inputs=x,
                                            output=relu(x @ kernel)))
    assert "after the relu" in words(hints("03.1", layer=layer, inputs=x,
                                           output=relu(x @ kernel) + bias))
    assert "shape" in words(hints("03.1", layer=layer, inputs=x, output=x[:, None] * kernel))


# --- 03.2: a horizontal-edge kernel ------------------------------------------------------------

def test_horizontal_edge_kernel():
    sobel = np.array([[1, 2, 1], [0, 0, 0], [-1, -2, -1]])
    assert hints("03.2", kernel=sobel) == []
    assert hints("03.2", kernel=np.array([[1, 1, 1], [0, 0, 0], [-1, -1, -1]])) == []
    assert "fill in" in words(hints("03.2", kernel=...))
    assert "3 × 3" in words(hints("03.2", kernel=np.ones((2, 2))))
    assert "flat areas" in words(hints("03.2", kernel=np.ones((3, 3))))
    assert "opposite edge" in words(hints("03.2", kernel=-sobel))
    assert "vertical" in words(hints("03.2", kernel=sobel.T))


# --- 03.3: an output shape --------------------------------------------------------------------

def test_output_shape():
    assert hints("03.3", shape=(7, 7, 10)) == []
    assert "fill in" in words(hints("03.3", shape=...))
    assert "after the convolution" in words(hints("03.3", shape=(14, 14, 10)))
    assert "channel" in words(hints("03.3", shape=(7, 7, 3)))
    assert "+1" in words(hints("03.3", shape=(6, 6, 10)))
    assert "valid" in words(hints("03.3", shape=(8, 8, 10)))
    assert "three numbers" in words(hints("03.3", shape=(7, 7)))


# --- 03.4: parameters of two layers -----------------------------------------------------------

def test_layer_parameters():
    assert hints("03.4", conv=18_496, dense=10_250) == []
    assert "fill in" in words(hints("03.4", conv=..., dense=...))
    assert "biases" in words(hints("03.4", conv=18_432, dense=10_250))
    assert "all 32 input maps" in words(hints("03.4", conv=640, dense=10_250))
    assert "1,024" in words(hints("03.4", conv=18_496, dense=650))
    assert "biases" in words(hints("03.4", conv=18_496, dense=10_240))


# --- 03.5 and 03.6: a fourth convolution block -------------------------------------------------

def cnn(filters=(32, 64, 128, 256), padding="same", pool_last=True, functional=False):
    if functional:
        inputs = keras.Input(shape=(32, 32, 3))
        h = layers.Rescaling(1 / 255)(inputs)
        for f in filters:
            h = layers.MaxPooling2D(2)(layers.Conv2D(f, 3, padding=padding,
                                                     activation="relu")(h))
        outputs = layers.Dense(10, activation="softmax")(layers.Flatten()(h))
        return keras.Model(inputs, outputs)
    stack = [keras.Input(shape=(32, 32, 3)), layers.Rescaling(1 / 255)]
    for i, f in enumerate(filters):
        stack.append(layers.Conv2D(f, 3, padding=padding, activation="relu"))
        if pool_last or i < len(filters) - 1:
            stack.append(layers.MaxPooling2D(2))
    stack += [layers.Flatten(), layers.Dense(64, activation="relu"),
              layers.Dense(10, activation="softmax")]
    return keras.Sequential(stack)


HISTORY = {"loss": [1.5], "accuracy": [0.4], "val_loss": [1.3], "val_accuracy": [0.5]}


def test_fourth_block():
    assert hints("03.5", model=cnn(), history=HISTORY) == []
    assert "fill in" in words(hints("03.5", model=cnn(filters=(32, 64, 128)), history=...))
    assert "3 convolution layer(s)" in words(hints("03.5", model=cnn(filters=(32, 64, 128)),
                                                   history=HISTORY))
    assert "double" in words(hints("03.5", model=cnn(filters=(32, 64, 128, 128)),
                                   history=HISTORY))
    assert "pooling" in words(hints("03.5", model=cnn(pool_last=False), history=HISTORY))
    assert "train" in words(hints("03.5", model=cnn(), history=None))
    no_validation = {"loss": [1.5], "accuracy": [0.4]}
    assert "validation" in words(hints("03.5", model=cnn(), history=no_validation))
    assert "not a keras model" in words(hints("03.5", model="cnn", history=HISTORY))


def test_functional_blocks():
    assert hints("03.6", model=cnn(functional=True)) == []
    assert "sequential" in words(hints("03.6", model=cnn()))
    assert "2 convolution layer(s)" in words(hints("03.6", model=cnn(filters=(32, 64),
                                                                     functional=True)))


# --- 03.7: the strongest map; 03.8: VGG11 -----------------------------------------------------

def test_strongest_map():
    maps = np.zeros((4, 4, 3))
    maps[..., 1] = 1.0  # largest mean
    maps[0, 0, 2] = 5.0  # largest single value
    assert hints("03.7", maps=maps, index=1) == []
    assert "fill in" in words(hints("03.7", maps=maps, index=...))
    assert "single value" in words(hints("03.7", maps=maps, index=2))
    assert "wrong axes" in words(hints("03.7", maps=maps, index=9))
    assert "larger one" in words(hints("03.7", maps=maps, index=0))


def test_vgg11():
    assert hints("03.8", params=132_863_336) == []
    assert "fill in" in words(hints("03.8", params=...))
    assert "vgg16" in words(hints("03.8", params=138_357_544))
    assert "not vgg11" in words(hints("03.8", params=133_000_000))


# --- 03.9: a residual block with a projection shortcut ------------------------------------------

def block(shortcut="projection", filters=32, input_shape=(16, 16, 16)):
    """The exercise's block, right or with a typical mistake in its shortcut."""
    block_input = keras.Input(shape=input_shape)
    h1 = layers.Conv2D(filters, 3, padding="same", activation="relu")(block_input)
    h = layers.Conv2D(filters, 3, padding="same")(h1)
    if shortcut == "none":
        return keras.Model(block_input, layers.Activation("relu")(h))
    source = h1 if shortcut == "from_h" else block_input
    if shortcut == "identity":
        skip = source
    else:
        skip = layers.Conv2D(filters, 3 if shortcut == "3x3" else 1, padding="same")(source)
    return keras.Model(block_input, layers.Activation("relu")(layers.Add()([skip, h])))


def test_projection_block():
    assert hints("03.9", model=block()) == []
    assert block().count_params() == 14_432
    assert "fill in" in words(hints("03.9", model=...))
    assert "no skip connection" in words(hints("03.9", model=block("none")))
    assert "1 × 1 convolution is enough" in words(hints("03.9", model=block("3x3")))
    assert "skip both" in words(hints("03.9", model=block("from_h")))
    # an identity shortcut only fits when the block keeps 16 channels: the output is wrong
    assert "32" in words(hints("03.9", model=block("identity", filters=16)))
    assert "16 × 16 × 16" in words(hints("03.9", model=block(input_shape=(32, 32, 3))))
    assert "not a keras model" in words(hints("03.9", model=layers.Add()))


# --- 03.10: digits only the CNN reads -----------------------------------------------------------

def test_fixed_by_cnn():
    labels = np.array([0, 1, 2, 3, 4, 5])
    perceptron = np.array([0, 7, 7, 3, 7, 7])  # wrong on 1, 2, 4, 5
    cnn = np.array([0, 1, 2, 9, 9, 8])  # right on 0, 1, 2; wrong on 3, 4, 5
    expected = np.array([False, True, True, False, False, False])

    def found(fixed, p=perceptron, c=cnn):
        return words(hints("03.10", labels=labels, perceptron=p, cnn=c, fixed=fixed))

    assert hints("03.10", labels=labels, perceptron=perceptron, cnn=cnn, fixed=expected) == []
    assert "fill in" in found(...)
    assert "all the perceptron's mistakes" in found(perceptron != labels)
    assert "all the digits the cnn gets right" in found(cnn == labels)
    assert "opposite case" in found((perceptron == labels) & (cnn != labels))
    assert "disagree" in found(perceptron != cnn)
    assert "one number" in found(int(expected.sum()))
    assert "true/false" in found(expected.astype(int))
    assert "probabilities" in found(expected, c=np.eye(10)[cnn])
    assert "predictions for 6 test digits" in found(expected, p=perceptron[:3])
    one = np.array([False, True, False, False, False, False])
    assert "marks 1 of the test digits" in found(one)

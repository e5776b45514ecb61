"""The self-checks of episode 06's exercises: the solution passes, the skeleton asks for its
blanks, and typical wrong answers each get their own hint. Tiny models and random weights
stand in for MobileNet (no download, no training)."""

from __future__ import annotations

import keras
import numpy as np
import pytest
from keras import layers

from cnnlesson.exercises import hints


def words(found) -> str:
    return " ".join(f"{h.problem} {h.fix} {h.answer}" for h in found).lower()


# -- 06.1 ----------------------------------------------------------------------------------

@pytest.fixture
def images():
    return np.random.default_rng(0).integers(0, 256, (16, 32, 32, 3), dtype=np.uint8)


def test_06_1(images):
    scaled = images.astype("float32") / 127.5 - 1
    assert hints("06.1", pixels=scaled, images=images) == []
    preprocessed = keras.applications.mobilenet.preprocess_input(images.astype("float32"))
    assert hints("06.1", pixels=preprocessed, images=images) == []
    assert "fill in" in words(hints("06.1", pixels=..., images=images))
    assert "not preprocessed" in words(hints("06.1", pixels=images, images=images))
    assert "from 0 to 1" in words(hints("06.1", pixels=images / 255, images=images))
    assert "twice" in words(hints("06.1", pixels=scaled / 127.5 - 1, images=images))
    assert "another backbone" in words(hints("06.1", pixels=images - 120.0, images=images))
    assert "shape" in words(hints("06.1", pixels=scaled[:4], images=images))


# -- 06.2 ----------------------------------------------------------------------------------

def tiny_backbone(size=32):
    """A stand-in for MobileNet: a nested model with 256 output channels."""
    inputs = keras.Input((size, size, 3))
    x = layers.Conv2D(256, 3, strides=8, padding="same")(inputs)
    return keras.Model(inputs, x, name="backbone")


def extractor(size=32, resize=False, pool=True, backbone=True):
    inputs = keras.Input((size, size, 3))
    x = layers.Resizing(48, 48)(inputs) if resize else inputs
    if backbone:
        x = tiny_backbone(48 if resize else size)(x, training=False)
    if pool:
        x = layers.GlobalAveragePooling2D()(x)
    return keras.Model(inputs, x)


def test_06_2():
    assert hints("06.2", extractor=extractor()) == []
    skeleton = words(hints("06.2", extractor=extractor(backbone=False)))
    assert "no backbone" in skeleton and "3 numbers per image" in skeleton
    assert "resizing" in words(hints("06.2", extractor=extractor(resize=True)))
    assert "not one vector per image" in words(hints("06.2", extractor=extractor(pool=False)))
    assert "(96, 96, 3)" in words(hints("06.2", extractor=extractor(size=96)))
    assert "not a keras model" in words(hints("06.2", extractor=tiny_backbone))


# -- 06.3 ----------------------------------------------------------------------------------

def head(hidden=128, activation="relu", loss="sparse_categorical_crossentropy", inputs=(256,),
         with_hidden=True, compiled=True):
    stack = [keras.Input(inputs)]
    if len(inputs) > 1:
        stack.append(layers.Flatten())
    stack.append(layers.Dropout(0.2))
    if with_hidden:
        stack.append(layers.Dense(hidden, activation=activation))
    stack.append(layers.Dense(10, activation="softmax"))
    model = keras.Sequential(stack)
    if compiled:
        model.compile(optimizer="adam", loss=loss, metrics=["accuracy"])
    return model


def test_06_3():
    assert hints("06.3", model=head()) == []
    assert "1 dense layer(s); the exercise asks for 2" in words(
        hints("06.3", model=head(with_hidden=False)))  # the skeleton as given
    assert "labels are integers" in words(hints("06.3",
                                                model=head(loss="categorical_crossentropy")))
    assert "64 units" in words(hints("06.3", model=head(hidden=64)))
    assert "sigmoid activation" in words(hints("06.3", model=head(activation="sigmoid")))
    assert "not on images" in words(hints("06.3", model=head(inputs=(32, 32, 3))))
    assert "not compiled" in words(hints("06.3", model=head(compiled=False)))


# -- 06.4 ----------------------------------------------------------------------------------

RESULTS = {250: (0.53, 0.31), 1000: (0.64, 0.39), 5000: (0.69, 0.55), 40000: (0.71, 0.65)}


def test_06_4():
    assert hints("06.4", size=5000, results=RESULTS) == []
    never = {250: (0.53, 0.31), 1000: (0.64, 0.39)}
    assert hints("06.4", size=None, results=never) == []
    assert "fill in" in words(hints("06.4", size=..., results=RESULTS))
    assert "looks like an accuracy" in words(hints("06.4", size=0.55, results=RESULTS))
    assert "below 0.530" in words(hints("06.4", size=1000, results=RESULTS))
    assert "smaller size" in words(hints("06.4", size=40000, results=RESULTS))
    assert "not one of the sizes" in words(hints("06.4", size=3000, results=RESULTS))
    assert "does reach" in words(hints("06.4", size=None, results=RESULTS))

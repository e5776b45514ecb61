"""The checkers of episode 08's exercises: the solution passes, the skeleton asks to fill in,
and typical wrong answers each get their own hint."""

from __future__ import annotations

import pytest

from cnnlesson.exercises import hints


def words(found) -> str:
    return " ".join(f"{h.problem} {h.fix} {h.answer}" for h in found).lower()


# --- 08.1: stronger noise --------------------------------------------------------------------

def test_stronger_noise():
    right = {25: (0.0090, 0.0044), 50: (0.0322, 0.0078)}
    assert hints("08.1", errors=right) == []
    assert "fill in" in words(hints("08.1", errors={25: (..., ...), 50: (..., ...)}))
    assert "0-255" in words(hints("08.1", errors={k: (a * 255**2, b * 255**2)
                                                  for k, (a, b) in right.items()}))
    assert "swapped" in words(hints("08.1", errors={k: (b, a) for k, (a, b) in right.items()}))
    assert "rng.normal" in words(hints("08.1", errors={25: right[25], 50: right[25]}))
    assert "not what noise" in words(hints("08.1", errors={25: (0.02, 0.004),
                                                           50: (0.05, 0.008)}))
    poor_model = {25: (0.0090, 0.0607), 50: (0.0322, 0.0606)}  # a barely trained autoencoder
    assert hints("08.1", errors=poor_model) == []
    assert "keys" in words(hints("08.1", errors={"25": right[25], "50": right[50]}))


# --- 08.2: a 4 x 4 bottleneck ----------------------------------------------------------------

def autoencoder(encoder=(32, 64, 32), decoder=(64, 64, 32), last=(3, "sigmoid")):
    import keras
    from keras import layers

    inputs = keras.Input(shape=(32, 32, 3), dtype="uint8")
    x = layers.Rescaling(1 / 255)(inputs)
    for filters in encoder:
        x = layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
        x = layers.MaxPooling2D()(x)
    for filters in decoder:
        x = layers.Conv2DTranspose(filters, 3, strides=2, padding="same", activation="relu")(x)
    outputs = layers.Conv2D(last[0], 3, padding="same", activation=last[1])(x)
    return keras.Model(inputs, outputs)


def test_bottleneck_autoencoder():
    assert hints("08.2", model=autoencoder()) == []
    skeleton = autoencoder(encoder=(32, 64), decoder=(64, 32))
    assert "3 poolings" in words(hints("08.2", model=skeleton))
    assert "conv2dtranspose" in words(hints("08.2", model=autoencoder(decoder=(64, 32))))
    assert "sigmoid" in words(hints("08.2", model=autoencoder(last=(3, "relu"))))
    assert "512" in words(hints("08.2", model=autoencoder(encoder=(32, 64, 64))))
    assert "not a keras model" in words(hints("08.2", model=[1, 2]))


# --- 08.3: built and compiled under the strategy ---------------------------------------------

def small_cnn(outputs=10):
    import keras
    from keras import layers

    return keras.Sequential([keras.Input(shape=(32, 32, 3)), layers.Rescaling(1 / 255),
                             layers.Conv2D(4, 3, activation="relu"),
                             layers.GlobalAveragePooling2D(),
                             layers.Dense(outputs, activation="softmax")])


@pytest.fixture(scope="module")
def strategy():
    import tensorflow as tf

    return tf.distribute.MirroredStrategy(["/cpu:0"])


def test_mirrored_model(strategy):
    with strategy.scope():
        model = small_cnn()
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"])
    assert hints("08.3", model=model) == []
    with strategy.scope():
        uncompiled = small_cnn()  # the skeleton's model, once moved into the scope
    assert "not compiled" in words(hints("08.3", model=uncompiled))
    outside = small_cnn()
    outside.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    assert "outside the strategy" in words(hints("08.3", model=outside))
    with strategy.scope():
        one_hot = small_cnn()
        one_hot.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
        no_metric = small_cnn()
        no_metric.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        one_output = small_cnn(outputs=1)
    assert "integers" in words(hints("08.3", model=one_hot))
    assert "accuracy" in words(hints("08.3", model=no_metric))
    assert "10 classes" in words(hints("08.3", model=one_output))
    assert "fill in" in words(hints("08.3", model=...))


# --- 08.4: a plan for eight GPUs -------------------------------------------------------------

def test_eight_gpus():
    assert hints("08.4", global_batch=512, steps=40, learning_rate=0.008) == []
    assert hints("08.4", global_batch=512, steps=40.0, learning_rate=0.001 * 512 / 64) == []
    assert "fill in" in words(hints("08.4", global_batch=..., steps=..., learning_rate=...))
    assert "one gpu" in words(hints("08.4", global_batch=64, steps=313, learning_rate=0.001))
    assert "one gpu" in words(hints("08.4", global_batch=512, steps=313, learning_rate=0.008))
    assert "round up" in words(hints("08.4", global_batch=512, steps=39, learning_rate=0.008))
    assert "scales it" in words(hints("08.4", global_batch=512, steps=40, learning_rate=0.001))
    assert "not a smaller" in words(hints("08.4", global_batch=512, steps=40,
                                          learning_rate=0.000125))

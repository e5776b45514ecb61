"""What ``fit()`` does (episode 04, "Going further: what fit() does"), checked against oracles.

- The gradient of a sigmoid neuron's binary cross-entropy, by the formula the episode uses
  (``(p - y) @ x / n``), equals a central finite difference and TensorFlow's ``GradientTape``;
  one step against it lowers the loss.
- A training loop written with ``tf.GradientTape`` (forward pass, loss, gradients, optimizer
  step, a ``Mean`` of the batch losses weighted by batch size, ``SparseCategoricalAccuracy``)
  gives the loss and accuracy ``model.fit`` reports for the same epoch, from the same weights on
  the same batches, within the episode's 1% budget (in practice: the same numbers).

The loop is the episode's code on a smaller model and a few hundred images: on random images in
the fast lane, on real CIFAR-10 images in the slow one.
"""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import layers

TOLERANCE = 0.01  # the episode's budget: loss and accuracy within 1% of fit's


# --------------------------------------------------------------------------------------------
# One neuron by hand
# --------------------------------------------------------------------------------------------

def neuron_loss(x, y, w, b):
    p = 1 / (1 + np.exp(-(x @ w + b)))
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


def neuron_gradient(x, y, w, b):
    """The formula of the episode: dL/dw = (p - y) @ x / n, dL/db = mean(p - y)."""
    p = 1 / (1 + np.exp(-(x @ w + b)))
    return (p - y) @ x / len(y), np.mean(p - y)


@pytest.fixture
def neuron():
    rng = np.random.default_rng(3)
    x = rng.integers(0, 256, (128, 3072)).astype("float64") / 255
    y = (rng.random(128) < 0.1).astype("float64")  # about one image in ten is "a ship"
    w = rng.normal(0, 0.02, 3072)
    return x, y, w, 0.0


def test_the_gradient_formula_equals_a_finite_difference(neuron):
    x, y, w, b = neuron
    grad_w, grad_b = neuron_gradient(x, y, w, b)
    h = 1e-6
    for j in [0, 1000, 2000, 3071]:
        nudge = np.zeros_like(w)
        nudge[j] = h
        numeric = (neuron_loss(x, y, w + nudge, b) - neuron_loss(x, y, w - nudge, b)) / (2 * h)
        assert abs(numeric - grad_w[j]) <= 1e-6 * abs(grad_w[j]), (j, numeric, grad_w[j])
    numeric_b = (neuron_loss(x, y, w, b + h) - neuron_loss(x, y, w, b - h)) / (2 * h)
    assert abs(numeric_b - grad_b) <= 1e-6 * abs(grad_b)


def test_a_wrong_formula_fails_the_finite_difference_check(neuron):
    """The check can fail: the gradient without the 1/n of the mean is n times too large."""
    x, y, w, b = neuron
    grad_w, _ = neuron_gradient(x, y, w, b)
    wrong = grad_w * len(y)
    h, j = 1e-6, 1000
    nudge = np.zeros_like(w)
    nudge[j] = h
    numeric = (neuron_loss(x, y, w + nudge, b) - neuron_loss(x, y, w - nudge, b)) / (2 * h)
    assert abs(numeric - wrong[j]) > 1e-6 * abs(wrong[j])


def test_gradient_tape_gives_the_formula_and_a_step_lowers_the_loss(neuron):
    x, y, w, b = neuron
    grad_w, grad_b = neuron_gradient(x, y, w, b)
    w_variable = tf.Variable(w)
    with tf.GradientTape() as tape:
        p = tf.sigmoid(tf.linalg.matvec(x, w_variable) + b)
        loss = -tf.reduce_mean(y * tf.math.log(p) + (1 - y) * tf.math.log(1 - p))
    np.testing.assert_allclose(tape.gradient(loss, w_variable).numpy(), grad_w, rtol=1e-9,
                               atol=1e-15)
    before = neuron_loss(x, y, w, b)
    after = neuron_loss(x, y, w - 0.001 * grad_w, b - 0.001 * grad_b)
    assert np.isclose(float(loss), before) and after < before


# --------------------------------------------------------------------------------------------
# The loop against fit
# --------------------------------------------------------------------------------------------

def small_cnn():
    return keras.Sequential([
        keras.Input(shape=(32, 32, 3)),
        layers.Rescaling(1 / 255),
        layers.Conv2D(8, 3, activation="relu"),
        layers.MaxPooling2D(2),
        layers.Flatten(),
        layers.Dense(10, activation="softmax"),
    ])


def loop_and_fit(x, y, batch_size=64):
    """One epoch of the episode's GradientTape loop and one of ``fit``, from the same weights on
    the same unshuffled batches: ``(loop loss, loop accuracy, unweighted mean of the batch
    losses, fit's history, largest weight difference)``."""
    keras.utils.set_random_seed(42)
    loop_model, fit_model = small_cnn(), small_cnn()
    fit_model.set_weights(loop_model.get_weights())
    data = tf.data.Dataset.from_tensor_slices((x, y)).batch(batch_size)
    loss_fn = keras.losses.SparseCategoricalCrossentropy()
    optimizer = keras.optimizers.Adam(learning_rate=0.001)
    mean_loss, accuracy = keras.metrics.Mean(), keras.metrics.SparseCategoricalAccuracy()
    plain_mean = keras.metrics.Mean()  # the same, without weighting by batch size

    @tf.function
    def train_step(images, labels):
        with tf.GradientTape() as tape:
            probabilities = loop_model(images, training=True)
            loss = loss_fn(labels, probabilities)
        gradients = tape.gradient(loss, loop_model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, loop_model.trainable_variables,
                                      strict=True))
        mean_loss.update_state(loss, sample_weight=tf.shape(images)[0])
        plain_mean.update_state(loss)
        accuracy.update_state(labels, probabilities)

    for images, labels in data:
        train_step(images, labels)
    fit_model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001),
                      loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = fit_model.fit(data, epochs=1, verbose=0).history
    gap = max(float(np.abs(a - b).max())
              for a, b in zip(loop_model.get_weights(), fit_model.get_weights(), strict=True))
    return (float(mean_loss.result()), float(accuracy.result()), float(plain_mean.result()),
            history, gap)


def assert_loop_matches_fit(x, y):
    loss, accuracy, plain, history, gap = loop_and_fit(x, y)
    fit_loss, fit_accuracy = history["loss"][0], history["accuracy"][0]
    assert abs(loss - fit_loss) <= TOLERANCE * fit_loss, (loss, fit_loss)
    assert abs(accuracy - fit_accuracy) <= TOLERANCE * fit_accuracy, (accuracy, fit_accuracy)
    # in practice the same computation: same numbers, same weights after the epoch
    assert abs(loss - fit_loss) <= 1e-4 * fit_loss and gap < 1e-4
    # fit weights each batch's loss by its size (the last batch here is smaller): the plain
    # mean of the batch losses is another number
    assert abs(plain - fit_loss) > abs(loss - fit_loss)


def test_the_loop_gives_what_fit_reports_on_random_images():
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, (300, 32, 32, 3), dtype=np.uint8)  # 4 batches of 64 and one of 44
    y = rng.integers(0, 10, 300)
    assert_loop_matches_fit(x, y)


@pytest.mark.slow
def test_the_loop_gives_what_fit_reports_on_cifar10():
    import cnnlesson

    cifar = cnnlesson.load_cifar10()
    x, y = cnnlesson.stratified_subset(cifar.x_train, cifar.y_train, 300, seed=42)
    assert x.dtype == np.uint8
    assert_loop_matches_fit(x, y)

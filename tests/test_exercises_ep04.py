"""The checkers of episode 04's exercises: the solution passes, the skeleton asks to fill in,
and typical wrong answers each get their own hint."""

from __future__ import annotations

import keras
import numpy as np
from keras import layers, regularizers

from cnnlesson.exercises import hints
from cnnlesson.models import build_intro_cnn


def words(found) -> str:
    return " ".join(f"{h.problem} {h.fix} {h.answer}" for h in found).lower()


# --- 04.1: a loss for one-hot labels ---------------------------------------------------------

def compiled(loss):
    model = build_intro_cnn()
    model.compile(optimizer="adam", loss=loss, metrics=["accuracy"])
    return model


def test_loss_for_labels():
    one_hot = keras.utils.to_categorical([0, 3, 9], num_classes=10)
    assert hints("04.1", model=compiled("categorical_crossentropy"), labels=one_hot) == []
    assert hints("04.1", model=compiled(keras.losses.CategoricalCrossentropy()),
                 labels=one_hot) == []
    assert "not compiled" in words(hints("04.1", model=build_intro_cnn(), labels=one_hot))
    assert "one-hot but the loss" in words(hints(
        "04.1", model=compiled("sparse_categorical_crossentropy"), labels=one_hot))
    assert "integers but the loss" in words(hints(
        "04.1", model=compiled("categorical_crossentropy"), labels=np.array([0, 3, 9])))
    assert "two classes" in words(hints("04.1", model=compiled("binary_crossentropy"),
                                        labels=one_hot))
    assert "fill in" in words(hints("04.1", model=..., labels=one_hot))


# --- 04.2: Nesterov momentum at a fair step ---------------------------------------------------

def test_nesterov():
    sgd = keras.optimizers.SGD
    assert hints("04.2", optimizer=sgd(learning_rate=0.01, momentum=0.9, nesterov=True)) == []
    assert "fill in" in words(hints("04.2", optimizer=...))
    assert "nesterov is off" in words(hints("04.2", optimizer=sgd(learning_rate=0.01,
                                                                  momentum=0.9)))
    assert "ten times too far" in words(hints("04.2", optimizer=sgd(
        learning_rate=0.1, momentum=0.9, nesterov=True)))
    assert "effective step" in words(hints("04.2", optimizer=sgd(
        learning_rate=0.001, momentum=0.9, nesterov=True)))
    assert "adam" in words(hints("04.2", optimizer=keras.optimizers.Adam()))
    assert "not an optimiser" in words(hints("04.2", optimizer="sgd"))
    assert "momentum is 0" in words(hints("04.2", optimizer=sgd(learning_rate=0.1,
                                                                nesterov=True)))


# --- 04.3: early stopping on the validation accuracy ------------------------------------------

def test_stop_on_accuracy():
    stop = keras.callbacks.EarlyStopping
    assert hints("04.3", early_stopping=stop(monitor="val_accuracy", patience=5,
                                             restore_best_weights=True)) == []
    assert "fill in" in words(hints("04.3", early_stopping=...))
    assert "training accuracy" in words(hints("04.3", early_stopping=stop(
        monitor="accuracy", patience=5, restore_best_weights=True)))
    assert "already" in words(hints("04.3", early_stopping=stop(
        monitor="val_loss", patience=5, restore_best_weights=True)))
    assert "last epoch" in words(hints("04.3", early_stopping=stop(
        monitor="val_accuracy", patience=5)))
    assert "no metric called" in words(hints("04.3", early_stopping=stop(
        monitor="val_acc", patience=5, restore_best_weights=True)))


# --- 04.4: dropout alone -----------------------------------------------------------------------

def dropout_cnn(rate=0.5, where="before output", extra=()):
    stack = [keras.Input(shape=(32, 32, 3)), *extra, layers.Rescaling(1 / 255),
             layers.Conv2D(16, 3, activation="relu"), layers.MaxPooling2D(2),
             layers.Conv2D(32, 3, activation="relu"), layers.MaxPooling2D(2),
             layers.Flatten()]
    if where == "after flatten":
        stack.append(layers.Dropout(rate))
    stack.append(layers.Dense(64, activation="relu"))
    if where == "before output":
        stack.append(layers.Dropout(rate))
    stack.append(layers.Dense(10, activation="softmax"))
    return keras.Sequential(stack)


def test_dropout_alone():
    assert hints("04.4", model=dropout_cnn()) == []
    assert "no dropout" in words(hints("04.4", model=dropout_cnn(where="none")))
    assert "0.5" in words(hints("04.4", model=dropout_cnn(rate=0.25)))
    assert "randomflip" in words(hints("04.4", model=dropout_cnn(
        extra=[layers.RandomFlip("horizontal")])))
    assert "right before the output" in words(hints("04.4", model=dropout_cnn(
        where="after flatten")))
    assert "fill in" in words(hints("04.4", model=...))


# --- 04.5: binary cross-entropy by hand ---------------------------------------------------------

def test_binary_crossentropy():
    p, y = np.array([0.9, 0.2, 0.6, 0.4]), np.array([1, 0, 0, 1])
    right = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    assert hints("04.5", loss=right, probabilities=p, labels=y) == []
    assert "fill in" in words(hints("04.5", loss=..., probabilities=p, labels=y))
    assert "minus sign" in words(hints("04.5", loss=-right, probabilities=p, labels=y))
    assert "1 − p" in words(hints("04.5", loss=-np.mean(np.log(p)), probabilities=p, labels=y))
    assert "base 10" in words(hints("04.5", loss=right / np.log(10), probabilities=p, labels=y))
    assert "summed" in words(hints("04.5", loss=right * 4, probabilities=p, labels=y))


# --- 04.6: a learning rate for a larger batch; 04.7: the penalty of a model ------------------

def test_scaled_learning_rate():
    assert hints("04.6", learning_rate=0.001 * 512 / 64) == []
    assert "fill in" in words(hints("04.6", learning_rate=...))
    assert "unchanged" in words(hints("04.6", learning_rate=0.001))
    assert "divided" in words(hints("04.6", learning_rate=0.000125))
    assert "not 0.001 scaled" in words(hints("04.6", learning_rate=0.1))


def penalised(penalty, everywhere=True):
    return keras.Sequential([
        keras.Input(shape=(8, 8, 3)),
        layers.Conv2D(4, 3, activation="relu", kernel_regularizer=penalty),
        layers.Flatten(),
        layers.Dense(10, activation="softmax",
                     kernel_regularizer=penalty if everywhere else None),
    ])


def test_model_penalty():
    model = penalised(regularizers.l2(0.01))
    squares = [float(np.sum(layer.kernel.numpy() ** 2)) for layer in model.layers
               if hasattr(layer, "kernel")]
    right = 0.01 * sum(squares)
    assert np.isclose(right, float(sum(model.losses)), rtol=1e-5)  # the oracle
    assert hints("04.7", model=model, penalty=right) == []
    assert "fill in" in words(hints("04.7", model=model, penalty=...))
    assert "multiply by" in words(hints("04.7", model=model, penalty=sum(squares)))
    assert "one layer" in words(hints("04.7", model=model, penalty=0.01 * squares[1]))
    absolute = 0.01 * sum(float(np.sum(np.abs(layer.kernel.numpy()))) for layer in model.layers
                          if hasattr(layer, "kernel"))
    assert "absolute" in words(hints("04.7", model=model, penalty=absolute))
    assert "λ = 0.001" in words(hints("04.7", model=penalised(regularizers.l2(0.001)),
                                      penalty=right))
    assert "l1" in words(hints("04.7", model=penalised(regularizers.l1(0.01)), penalty=right))
    assert "no weight penalty" in words(hints("04.7", model=penalised(
        regularizers.l2(0.01), everywhere=False), penalty=right))


# --- 04.8: a callback that records the accuracy gap ----------------------------------------------

class Gaps(keras.callbacks.Callback):
    def __init__(self, sign=1, create=True, append=True):
        super().__init__()
        self.sign, self.create, self.append = sign, create, append

    def on_train_begin(self, logs=None):
        if self.create:
            self.gaps = []

    def on_epoch_end(self, epoch, logs=None):
        if self.append:
            self.gaps.append(self.sign * (logs["accuracy"] - logs["val_accuracy"]))


def test_gap_recorder():
    assert hints("04.8", callback=Gaps()) == []
    assert "0 entries" in words(hints("04.8", callback=Gaps(append=False)))
    assert "negative" in words(hints("04.8", callback=Gaps(sign=-1)))
    assert "no list" in words(hints("04.8", callback=Gaps(create=False, append=False)))
    assert "the class" in words(hints("04.8", callback=Gaps))
    assert "fill in" in words(hints("04.8", callback=...))


# --- 04.9: one SGD step by hand -------------------------------------------------------------------

def stepped(step, which="all"):
    """A small CNN after a hand-made step on 8 random images: ``step(variable, gradient)`` moves
    each variable (``which="last"``: only the last one, as an unindented loop body would)."""
    import tensorflow as tf

    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input(shape=(8, 8, 3)), layers.Rescaling(1 / 255),
                              layers.Conv2D(4, 3, activation="relu"), layers.Flatten(),
                              layers.Dense(10, activation="softmax")])
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (8, 8, 8, 3), dtype=np.uint8)
    labels = rng.integers(0, 10, 8)
    before = model.get_weights()
    with tf.GradientTape() as tape:
        loss = keras.losses.SparseCategoricalCrossentropy()(labels, model(images, training=True))
    gradients = tape.gradient(loss, model.trainable_variables)
    pairs = list(zip(model.trainable_variables, gradients, strict=True))
    for variable, gradient in (pairs if which == "all" else pairs[-1:]):
        step(variable, gradient)
    return {"model": model, "before": before, "images": images, "labels": labels}


def test_sgd_step_by_hand():
    assert hints("04.9", **stepped(lambda v, g: v.assign_sub(0.01 * g))) == []
    assert hints("04.9", **stepped(lambda v, g: v.assign(v - 0.01 * g))) == []
    answer = stepped(lambda v, g: v.assign_sub(0.01 * g))
    assert "fill in" in words(hints("04.9", **{**answer, "model": ...}))
    assert "not changed" in words(hints("04.9", **stepped(lambda v, g: None)))
    assert "*up* the gradient" in words(hints("04.9", **stepped(lambda v, g: v.assign_add(
        0.01 * g))))
    found = words(hints("04.9", **stepped(lambda v, g: v.assign_sub(0.1 * g))))
    assert "0.1 × the gradient" in found and "0.01" in found
    assert "0.02 ×" in words(hints("04.9", **stepped(lambda v, g: v.assign_sub(0.02 * g))))
    assert "only 1 of the 4" in words(hints("04.9", **stepped(lambda v, g: v.assign_sub(
        0.01 * g), which="last")))
    # Adam's first step moves every weight by about the learning rate, whatever its gradient
    assert "not by −0.01" in words(hints("04.9", **stepped(
        lambda v, g: v.assign_sub(0.01 * np.sign(g)))))
    assert "not a keras model" in words(hints("04.9", **{**answer, "model": "model_ex9"}))
    assert "list of weight arrays" in words(hints("04.9", **{**answer, "before": 1.0}))

"""Catch-up models: so every episode runs on its own.

An episode that needs a model trained in an earlier one calls :func:`load_trained_model`. It
loads the learner's own model from ``fit_outputs/`` if there is one, and otherwise the catch-up
copy in ``fit_outputs/catchup/`` (committed to the repository), after checking its model card
(made with this Keras major version, for these class names).

``python3 lesson.py catchup`` retrains every catch-up model with the recipe of the episode that
teaches it, in full mode, and writes the model (without optimizer state, to stay small), its
history and its model card (``<name>.card.json``, see :mod:`cnnlesson.modelcard`) beside it.
The loader checks the card: class names, input shape, Keras version, parameter count.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from . import settings, training
from .modelcard import ModelCardMismatchError, load_model_with_card


class CatchupMismatchError(ModelCardMismatchError):
    """A catch-up model does not fit this installation (its model card disagrees)."""


def catchup_dir() -> Path:
    return settings.project_root() / "fit_outputs" / "catchup"


def load_trained_model(name: str, class_names: Sequence[str] | None = None):
    """The model ``name`` (e.g. ``"01_intro_cnn"``): the learner's own from ``fit_outputs/``
    if present, else the checked catch-up copy. Prints which one it loaded."""
    own = training.model_path(name)
    if own.is_file():
        print(f"Loaded {name} that you trained ({own.parent.name}/{own.name}).")
        import keras

        return keras.models.load_model(own)
    path = catchup_dir() / f"{name}.keras"
    if not path.is_file():
        raise FileNotFoundError(
            f"No model {name!r}: neither {own} (run the episode that trains it) nor a "
            f"catch-up copy in {catchup_dir()} (run `python3 lesson.py catchup`).")
    try:  # the card is the one check: Keras version, class names, input shape, parameters
        model, _ = load_model_with_card(path, class_names=class_names)
    except ModelCardMismatchError as err:
        raise CatchupMismatchError(
            f"Catch-up model {name!r}: {err} Run `python3 lesson.py catchup` to retrain it, "
            "or run the episode that trains it.") from None
    print(f"Loaded the catch-up copy of {name} (you have not trained your own yet).")
    return model


def load_trained_history(name: str) -> dict:
    """The training record of ``name``: the learner's own, else the catch-up copy's."""
    own = training.history_path(name)
    path = own if own.is_file() else catchup_dir() / f"{name}.history.json"
    if not path.is_file():
        raise FileNotFoundError(f"No training history {name!r} (looked for {own} and {path}).")
    return json.loads(path.read_text())


# --------------------------------------------------------------------------------------------
# Recipes: each trains one model exactly as its episode does and returns
# (model, history, metrics). Episodes add theirs to RECIPES.
# --------------------------------------------------------------------------------------------

def _cifar_splits():
    from .data import load_cifar10, split_train_validation

    cifar = load_cifar10()
    (x_train, y_train), (x_val, y_val) = split_train_validation(
        cifar.x_train, cifar.y_train, validation_size=10_000, seed=42)
    return cifar, (x_train, y_train), (x_val, y_val)


def train_intro_cnn():
    """Episode 01's intro CNN: Adam, 10 epochs, batch 64, 40,000 training images."""
    from .models import build_intro_cnn

    settings.set_seed(42)
    cifar, (x_train, y_train), (x_val, y_val) = _cifar_splits()
    model = build_intro_cnn()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x_train, y_train, epochs=10, batch_size=64,
                        validation_data=(x_val, y_val), verbose=2)
    _, test_accuracy = model.evaluate(cifar.x_test, cifar.y_test, verbose=0)
    return model, history, {"test_accuracy": test_accuracy}, cifar.class_names


def train_fast_cnn():
    """Episode 05's fast CNN: SGD with Nesterov momentum and weight decay, warm-up then cosine
    decay, label smoothing 0.2, batch 128, 6 epochs on 40,000 training images."""
    import keras
    import numpy as np
    import tensorflow as tf

    from .models import build_fast_cnn

    settings.set_seed(42)
    cifar, (x_train, y_train), _ = _cifar_splits()
    model = build_fast_cnn()
    x_tensor, y_tensor = tf.constant(x_train), tf.constant(y_train)

    def gather_batch(indices):
        return tf.gather(x_tensor, indices), tf.one_hot(tf.gather(y_tensor, indices), 10)

    train_ds = (tf.data.Dataset.range(x_tensor.shape[0]).shuffle(x_tensor.shape[0], seed=42)
                .batch(128).map(gather_batch, num_parallel_calls=tf.data.AUTOTUNE).prefetch(2))
    epochs = 6
    steps = len(train_ds) * epochs
    schedule = keras.optimizers.schedules.CosineDecay(
        0.01, decay_steps=int(0.75 * steps), alpha=0.0, warmup_target=0.1,
        warmup_steps=int(0.25 * steps))
    model.compile(
        optimizer=keras.optimizers.SGD(schedule, momentum=0.9, nesterov=True,
                                       weight_decay=5e-4),
        loss=keras.losses.CategoricalCrossentropy(label_smoothing=0.2), metrics=["accuracy"])
    history = model.fit(train_ds, epochs=epochs, verbose=2)
    probabilities = model.predict(cifar.x_test, batch_size=256, verbose=0)
    test_accuracy = float(np.mean(probabilities.argmax(axis=1) == cifar.y_test))
    return model, history, {"test_accuracy": test_accuracy}, cifar.class_names


RECIPES: dict[str, Callable] = {"01_intro_cnn": train_intro_cnn, "05_fast_cnn": train_fast_cnn}


def _without_optimizer(model):
    """A copy of ``model`` with the same weights and no optimizer state (a third the size)."""
    copy = type(model).from_config(model.get_config())  # uncompiled: no optimizer variables
    copy.set_weights(model.get_weights())
    return copy


def write_catchup_card(name: str, model=None) -> Path:
    """Write the model card of the catch-up model ``name`` from its training record."""
    from .modelcard import write_model_card

    record = json.loads((catchup_dir() / f"{name}.history.json").read_text())
    return write_model_card(
        catchup_dir() / f"{name}.keras", class_names=record["class_names"],
        input_shape=(32, 32, 3),
        preprocessing="uint8 RGB images, 32x32, values 0-255; the model scales them itself",
        training_data="CIFAR-10: the 40,000 training images of the seed-42 split "
                      "(10,000 held out for validation); tested on the 10,000 test images",
        test_accuracy=record["metrics"]["test_accuracy"],
        extra={"recipe": RECIPES[name].__doc__.strip().splitlines()[0],
               "retrain": f"python3 lesson.py catchup {name}"},
        model=model)


def build_catchup(name: str) -> dict:
    import os

    os.environ[settings.OUTPUT_DIR_VARIABLE] = str(catchup_dir())
    start = time.perf_counter()
    model, history, metrics, class_names = RECIPES[name]()
    small = _without_optimizer(model)
    training.save_model(small, name)
    training.save_history(history, name, class_names=class_names, **metrics)
    write_catchup_card(name, small)
    return {"name": name, "seconds": round(time.perf_counter() - start), **metrics}


def main(argv: list[str] | None = None) -> int:
    import os

    names = argv or list(RECIPES)
    unknown = [n for n in names if n not in RECIPES]
    if unknown:
        print(f"No catch-up recipe for {unknown}; known: {list(RECIPES)}")
        return 2
    os.environ[settings.MODE_VARIABLE] = "full"
    for name in names:
        print(f"Training the catch-up model {name} ...", flush=True)
        print(build_catchup(name), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

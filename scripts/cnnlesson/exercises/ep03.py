"""Checkers of episode 03's exercises (see :mod:`cnnlesson.exercises`). An example to copy."""

from __future__ import annotations

from . import Hint, exercise, is_keras_model, layers_of


@exercise("03.0", "three convolution blocks", success="Train it next and compare.")
def three_blocks(model):
    if not is_keras_model(model):
        yield Hint(f"`model` is a {type(model).__name__}, not a Keras model.",
                   "Build it with keras.Sequential([...]).")
        return
    convs = layers_of(model, "Conv2D")
    if len(convs) != 3:
        yield Hint(f"your model has {len(convs)} convolution layer(s); the exercise asks for 3.",
                   "Add a Conv2D + MaxPooling2D pair for each block.",
                   "layers.Conv2D(32, 3, padding='same', activation='relu'), "
                   "layers.MaxPooling2D(2), then the same with 64 and 128 filters.")

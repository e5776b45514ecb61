"""Models that later episodes reuse after an earlier episode built them in full."""

from __future__ import annotations


def build_intro_cnn(num_classes: int = 10, input_shape: tuple[int, int, int] = (32, 32, 3)):
    """The introductory CNN of episode 01 (79,530 parameters for CIFAR-10): two convolution and
    pooling stages, a dense layer and a softmax output. Inputs are ``uint8`` images; the first
    layer scales them to [0, 1]."""
    import keras
    from keras import layers

    return keras.Sequential(
        [
            keras.Input(shape=input_shape),
            layers.Rescaling(1 / 255, name="scale"),
            layers.Conv2D(16, 3, activation="relu", name="conv1"),
            layers.MaxPooling2D(2, name="pool1"),
            layers.Conv2D(32, 3, activation="relu", name="conv2"),
            layers.MaxPooling2D(2, name="pool2"),
            layers.Flatten(name="flatten"),
            layers.Dense(64, activation="relu", name="dense"),
            layers.Dense(num_classes, activation="softmax", name="output"),
        ],
        name="intro_cnn",
    )

"""Models that later episodes reuse after an earlier episode built them in full."""

from __future__ import annotations


def build_intro_cnn(num_classes: int = 10, input_shape: tuple[int, int, int] = (32, 32, 3)):
    """The introductory CNN of episode 01 (79,530 parameters for CIFAR-10): two convolution and
    pooling stages, a dense layer and a softmax output. Inputs are ``uint8`` images; the first
    layer scales them to [0, 1]. With ``num_classes=1`` the output is one sigmoid unit (episode
    04's cats-vs-dogs model)."""
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
            layers.Dense(num_classes, activation="softmax" if num_classes > 1 else "sigmoid",
                         name="output"),
        ],
        name="intro_cnn",
    )


def build_deeper_cnn(num_classes: int = 10):
    """Episode 03's deeper CNN (225,034 parameters): three conv-pool blocks of 32, 64 and 128
    filters with "same" padding, a dense layer and a softmax output."""
    import keras
    from keras import layers

    blocks = []
    for i, filters in enumerate((32, 64, 128), start=1):
        blocks += [layers.Conv2D(filters, 3, padding="same", activation="relu",
                                 name=f"block{i}_conv"),
                   layers.MaxPooling2D(2, name=f"block{i}_pool")]
    return keras.Sequential(
        [keras.Input(shape=(32, 32, 3)), layers.Rescaling(1 / 255, name="scale"), *blocks,
         layers.Flatten(name="flatten"), layers.Dense(64, activation="relu", name="dense"),
         layers.Dense(num_classes, activation="softmax", name="output")],
        name="deeper_cnn",
    )


def build_regularised_cnn(num_classes: int = 10):
    """Episode 04's regularised CNN: the intro CNN with flip and shift augmentation, batch
    normalisation after each convolution and dropout before the output."""
    import keras
    from keras import layers

    def conv_bn(filters):
        return [layers.Conv2D(filters, kernel_size=3), layers.BatchNormalization(momentum=0.9),
                layers.Activation("relu"), layers.MaxPooling2D(pool_size=2)]

    return keras.Sequential(
        [keras.Input(shape=(32, 32, 3)), layers.RandomFlip("horizontal"),
         layers.RandomTranslation(0.1, 0.1), layers.Rescaling(1 / 255), *conv_bn(16),
         *conv_bn(32), layers.Flatten(), layers.Dense(64, activation="relu"),
         layers.Dropout(0.25), layers.Dense(num_classes, activation="softmax")],
        name="regularised_cnn",
    )


CIFAR10_MEAN = (125.3, 123.0, 113.9)
"""Per-channel mean of the CIFAR-10 training pixels (0-255 scale)."""
CIFAR10_STD = (63.0, 62.1, 66.7)
"""Per-channel standard deviation of the CIFAR-10 training pixels (0-255 scale)."""


FAST_CNN_WIDTHS = (32, 64, 128, 256)
"""The fast CNN's convolution widths (episode 05; ``cnnlesson.fastcnn.RECIPE`` uses them)."""
FAST_CNN_POOLS = (True, True, True, False)
"""After which convolutions of the fast CNN a 2x2 max pooling halves the image."""


def build_fast_cnn(num_classes: int = 10, augment: bool = True, *, batchnorm: bool = True,
                   widths=None, pools=None):
    """Episode 05's best from-scratch model (the recipe in :mod:`cnnlesson.fastcnn`): blocks of
    convolution, max pooling where the recipe halves the image, batch normalisation and ReLU;
    global max pooling; a dense layer whose logits are scaled by 0.125 before the softmax.
    Takes ``uint8`` images and normalises them with the CIFAR-10 channel statistics; with
    ``augment``, random flips and 2-pixel shifts are applied during training only. Without
    ``batchnorm`` the convolutions get biases instead (the ablation's row)."""
    import keras
    from keras import layers

    widths = tuple(widths or FAST_CNN_WIDTHS)
    pools = tuple(FAST_CNN_POOLS if pools is None else pools)
    if len(widths) != len(pools):
        raise ValueError(f"{len(widths)} widths but {len(pools)} pooling flags")
    inputs = keras.Input(shape=(32, 32, 3), dtype="uint8")
    x = layers.Normalization(mean=CIFAR10_MEAN, variance=[s**2 for s in CIFAR10_STD])(inputs)
    if augment:
        x = layers.RandomFlip("horizontal")(x)
        x = layers.RandomTranslation(2 / 32, 2 / 32, fill_mode="reflect",
                                     interpolation="nearest")(x)
    for filters, pool in zip(widths, pools, strict=True):
        x = layers.Conv2D(filters, 3, padding="same", use_bias=not batchnorm)(x)
        if pool:
            x = layers.MaxPooling2D()(x)
        if batchnorm:
            x = layers.BatchNormalization(momentum=0.9)(x)
        x = layers.Activation("relu")(x)
    x = layers.GlobalMaxPooling2D()(x)
    x = layers.Dense(num_classes)(x)
    outputs = layers.Activation("softmax")(layers.Rescaling(0.125)(x))
    return keras.Model(inputs, outputs, name="fast_cnn")

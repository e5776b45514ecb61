"""Checkers of episode 06's exercises (see :mod:`cnnlesson.exercises`)."""

from __future__ import annotations

import numbers

import numpy as np

from . import Hint, exercise, is_keras_model, layers_of, loss_name, wrong_type


@exercise("06.1", "the pixel scale", success="MobileNet sees what it saw on ImageNet.")
def pixel_scale(pixels, images):
    images = np.asarray(images, dtype=np.float32)
    try:
        values = np.asarray(pixels, dtype=np.float32)
    except (TypeError, ValueError):
        yield wrong_type("pixels", pixels, "an array of numbers",
                   "Call preprocess_input on the images: it returns an array.")
        return
    if values.shape != images.shape:
        yield Hint(f"`pixels` has shape {values.shape}; the 16 images have shape "
                   f"{images.shape}.", "Preprocess x_train[:16], all 16 images at once.")
        return
    expected = images / 127.5 - 1
    if np.allclose(values, expected, atol=1e-5):
        return
    if np.allclose(values, images):
        yield Hint("the pixels still go from 0 to 255: they were not preprocessed.",
                   "Apply preprocess_input to x_train[:16].astype('float32').",
                   'pixels = preprocess_input(x_train[:16].astype("float32"))')
    elif np.allclose(values, images / 255):
        yield Hint("the pixels go from 0 to 1: that is the lesson's own scaling, not "
                   "MobileNet's.", "Use MobileNet's preprocess_input, which maps 0..255 to "
                   "-1..1.", 'pixels = preprocess_input(x_train[:16].astype("float32"))')
    elif np.allclose(values, expected / 127.5 - 1, atol=1e-5):
        yield Hint("the pixels were preprocessed twice (they lie between -1.01 and -0.99).",
                   "preprocess_input can change a float array in place: apply it once, to a "
                   "fresh copy made with .astype('float32').")
    else:
        yield Hint("these values are not what MobileNet's preprocess_input gives.",
                   "Use preprocess_function('MobileNet') (the `preprocess_input` of the "
                   "episode), not another backbone's.")


@exercise("06.2", "a 32x32 feature extractor", success="Now train the head on its features.")
def small_extractor(extractor, image_size=32, features=256):
    if not is_keras_model(extractor):
        yield wrong_type("extractor", extractor, "a Keras model",
                   "Build it with keras.Model(small_inputs, outputs).")
        return
    shape = tuple(extractor.input_shape[1:])
    if shape != (image_size, image_size, 3):
        yield Hint(f"your extractor takes images of shape {shape}; the exercise feeds the "
                   f"{image_size}x{image_size} CIFAR-10 images directly.",
                   f"Start from keras.Input(shape=({image_size}, {image_size}, 3)).")
        return
    if layers_of(extractor, "Resizing"):
        yield Hint("your extractor still contains a Resizing layer: the exercise compares "
                   "with NO resizing.", "Pass the preprocessed inputs straight to small_base.")
        return
    backbones = [layer for layer in extractor.layers if is_keras_model(layer)]
    out = tuple(extractor.output_shape[1:])
    if not backbones:
        yield Hint(f"your extractor gives {out[-1]} numbers per image and contains no "
                   "backbone: the images never pass through small_base.",
                   "Call small_base on the preprocessed inputs, with training=False.",
                   "small_maps = small_base(preprocess_input(small_inputs), training=False)")
        return
    if len(out) != 1:
        yield Hint(f"your extractor returns feature maps of shape {out}, not one vector per "
                   "image.", "Average the maps: layers.GlobalAveragePooling2D()(small_maps).")
        return
    if out[0] != features:
        yield Hint(f"your extractor gives {out[0]} numbers per image; MobileNet(alpha=0.25) "
                   f"gives {features}.", "Use the backbone's output, averaged over positions.")


@exercise("06.3", "a bigger head", success="Compare its test accuracy with the one-layer head.")
def bigger_head(model, num_features=256, num_classes=10, units=128):
    if not is_keras_model(model):
        yield wrong_type("model", model, "a Keras model",
                   "Build it with keras.Sequential([...]).")
        return
    shape = tuple(model.input_shape[1:])
    if shape != (num_features,):
        yield Hint(f"your head takes inputs of shape {shape}; it is trained on the "
                   f"{num_features} features per image, not on images.",
                   "Start with keras.Input(shape=(f_train.shape[1],)).")
        return
    dense = layers_of(model, "Dense")
    if len(dense) != 2:
        yield Hint(f"your head has {len(dense)} Dense layer(s); the exercise asks for 2 "
                   "(a hidden layer and the output layer).",
                   "Add layers.Dense(128, activation='relu') before the output layer.")
        return
    hidden, output = dense
    if hidden.units != units or hidden.activation.__name__ != "relu":
        yield Hint(f"the hidden layer has {hidden.units} units and "
                   f"{hidden.activation.__name__} activation; the exercise asks for {units} "
                   "and relu.", f"layers.Dense({units}, activation='relu')")
        return
    if output.units != num_classes or output.activation.__name__ != "softmax":
        yield Hint(f"the output layer must have {num_classes} units with a softmax, one "
                   "probability per class.",
                   f"layers.Dense({num_classes}, activation='softmax') as the last layer.")
        return
    loss = loss_name(model)
    if not loss:
        yield Hint("the head is not compiled.", "Call bigger_head.compile(...) as for `head`.")
    elif "sparse" not in loss and "categorical" in loss:
        yield Hint("your labels are integers (0 to 9), but the loss expects one-hot labels.",
                   "Use loss='sparse_categorical_crossentropy'.")


@exercise("06.4", "read the learning curve", success="Labels are what transfer learning saves.")
def images_needed(size, results):
    sizes = sorted(results)
    target = results[sizes[0]][0]
    reached = [s for s in sizes if results[s][1] >= target]
    expected = reached[0] if reached else None
    if size == expected:
        return
    if size is None:
        yield Hint(f"from scratch does reach {target:.3f}: with {expected:,} images.",
                   "Look at the second number of results[size] for every size.")
        return
    if not isinstance(size, numbers.Real):
        yield Hint(f"`size` is a {type(size).__name__}; the exercise asks for a number of "
                   "images, one of `sizes`.")
        return
    if size not in results:
        if 0 <= size <= 1:
            yield Hint(f"{size} looks like an accuracy; the exercise asks for a number of "
                       "images.", "Return the size s, not results[s].")
        else:
            yield Hint(f"{size} is not one of the sizes measured ({sizes}).",
                       "Pick the answer from `sizes`.")
        return
    if results[size][1] < target:
        yield Hint(f"with {size:,} images from scratch reaches only {results[size][1]:.3f}, "
                   f"below {target:.3f}.", "Compare results[s][1] (from scratch) with the "
                   "target, not results[s][0] (transfer learning).")
        return
    yield Hint(f"{size:,} images is enough, but a smaller size already reaches the target.",
               "Take the smallest such size: min(...).")

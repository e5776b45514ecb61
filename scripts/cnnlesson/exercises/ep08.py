"""Checkers of episode 08's exercises (autoencoders and several devices; see
:mod:`cnnlesson.exercises`)."""

from __future__ import annotations

import math

import numpy as np

from . import Hint, exercise, is_keras_model, layers_of, loss_name, wrong_type


@exercise("08.1", "the autoencoder against stronger noise",
          success="Compare the two pairs: does the output's error grow as fast as the input's?")
def stronger_noise(errors):
    if not isinstance(errors, dict):
        yield wrong_type("errors", errors, "a dictionary",
                   "errors = {25: (noisy_mse, denoised_mse), 50: (noisy_mse, denoised_mse)}")
        return
    missing = [k for k in (25, 50) if k not in errors]
    if missing:
        yield Hint(f"`errors` has no entry for noise {' and '.join(map(str, missing))} (its keys "
                   f"are {list(errors)}).", "Use the numbers 25 and 50 as keys: errors[std] = ...")
        return
    for std in (25, 50):
        pair = errors[std]
        if not isinstance(pair, tuple | list) or len(pair) != 2:
            yield Hint(f"errors[{std}] should be a pair (noisy input's MSE, output's MSE).",
                       f"errors[{std}] = (noisy_mse, denoised_mse)")
            return
        if any(v is Ellipsis for v in pair):
            yield Hint(f"errors[{std}] still holds `...`: fill in the blanks of the skeleton "
                       "first, then run the cell again.")
            return
    values = {std: tuple(float(v) for v in errors[std]) for std in (25, 50)}
    if any(v > 1 for pair in values.values() for v in pair):
        yield Hint("some of your errors are above 1: they are on the 0-255 scale, where the "
                   "errors are 255² = 65,025 times larger.",
                   "Compare noisy / 255 with clean (both 0-1), as the autoencoder's output is.")
        return
    # Gaussian noise of standard deviation s on the 0-255 scale, rounded and clipped, gives the
    # noisy input an MSE of a little under (s / 255)² on the 0-1 scale, whatever the model does
    expected = {25: 0.0090, 50: 0.0322}

    def near(value: float, std: int) -> bool:
        return abs(value - expected[std]) <= 0.3 * expected[std]

    if not near(values[25][0], 25) and near(values[25][1], 25):
        yield Hint(f"the pair for noise 25 is {values[25]}: the second number looks like the "
                   "noisy input's MSE, so the pair looks swapped.",
                   "Put the noisy input's MSE first: (noisy_mse, denoised_mse).")
        return
    if near(values[50][0], 25):
        yield Hint(f"the noisy input's MSE at noise 50 ({values[50][0]:.4f}) is the same as at "
                   "25: doubling the noise should make it about 3.5 times larger.",
                   "Use `std` as the standard deviation in rng.normal(0, std, ...).")
        return
    if not (near(values[25][0], 25) and near(values[50][0], 50)):
        yield Hint(f"the noisy inputs' MSEs ({values[25][0]:.4f} and {values[50][0]:.4f}) are "
                   f"not what noise of 25 and 50 gives (about {expected[25]} and "
                   f"{expected[50]}).",
                   "Add rng.normal(0, std, ...) to clean_test, round and clip to 0-255, then "
                   "compare noisy / 255 with clean.")


@exercise("08.2", "an autoencoder with a 4 x 4 bottleneck",
          success="Train it and compare its test MSE with the first autoencoder's.")
def bottleneck_autoencoder(model):
    if not is_keras_model(model):
        yield wrong_type("model", model, "a Keras model",
                   "Build it with keras.Model(inputs, outputs).")
        return
    pools = layers_of(model, "MaxPooling2D")
    ups = layers_of(model, "Conv2DTranspose")
    if len(pools) != 3:
        yield Hint(f"your encoder pools {len(pools)} time(s); a 4 x 4 code from a 32 x 32 image "
                   "needs 3 poolings (32 -> 16 -> 8 -> 4).",
                   "Add a third Conv2D + MaxPooling2D block (32 filters) to the encoder.")
        return
    out_shape = tuple(model.output_shape[1:])
    if out_shape[:2] != (32, 32):
        yield Hint(f"your model outputs images of {out_shape[0]} x {out_shape[1]} pixels; the "
                   f"target is 32 x 32. It has {len(ups)} Conv2DTranspose layer(s) for 3 "
                   "poolings.",
                   "Add one Conv2DTranspose(..., strides=2, padding='same') for each pooling.")
        return
    last = model.layers[-1]
    activation = getattr(getattr(last, "activation", None), "__name__", "")
    if out_shape[-1] != 3 or activation != "sigmoid":
        yield Hint(f"the last layer gives {out_shape[-1]} channel(s) with a {activation or '?'} "
                   "activation; the clean target has 3 colour channels between 0 and 1.",
                   "End with Conv2D(3, 3, padding='same', activation='sigmoid').")
        return
    code = pools[-1].output.shape
    numbers = int(np.prod(code[1:]))
    if tuple(code[1:3]) != (4, 4) or code[-1] != 32:
        yield Hint(f"your code (the output of the last pooling) is {tuple(code[1:])}: "
                   f"{numbers:,} numbers; the exercise asks for 4 x 4 x 32 = 512.",
                   "Give the convolution before the third pooling 32 filters.")


@exercise("08.3", "a model built and compiled for two replicas",
          success="Now fit trains it on every replica.")
def mirrored_model(model):
    if not is_keras_model(model):
        yield wrong_type("model", model, "a Keras model",
                   "Build it with keras.Sequential([...]) inside `with strategy.scope():`.")
        return
    import tensorflow as tf

    kinds = {type(w.value).__name__ for w in model.weights}
    if not all(isinstance(w.value, tf.distribute.DistributedValues) for w in model.weights):
        yield Hint(f"your model's weights are ordinary variables ({', '.join(sorted(kinds))}), "
                   "not mirrored: the model was built outside the strategy's scope.",
                   "Build (and compile) it in the block `with strategy.scope():`.")
        return
    if model.output_shape[-1] != 10:
        yield Hint(f"your model has {model.output_shape[-1]} output(s); CIFAR-10 has 10 classes.",
                   "End with layers.Dense(10, activation='softmax').")
        return
    loss = loss_name(model)
    if getattr(model, "optimizer", None) is None or not loss:
        yield Hint("your model is not compiled yet.",
                   "Inside the scope: model_ex3.compile(optimizer='adam', "
                   "loss='sparse_categorical_crossentropy', metrics=['accuracy']).")
        return
    if "sparse" not in loss and "categorical" in loss:
        yield Hint(f"your loss is {loss}, which expects one-hot labels; the labels here are "
                   "integers (0-9).", "Use loss='sparse_categorical_crossentropy'.")
        return
    if "crossentropy" not in loss:
        yield Hint(f"your loss is {loss}; classification uses a cross-entropy loss.",
                   "Use loss='sparse_categorical_crossentropy'.")
        return
    config = model.get_compile_config() or {}
    metrics = str(config.get("metrics", ""))
    if "acc" not in metrics:
        yield Hint("your model does not report the accuracy while it trains.",
                   "Add metrics=['accuracy'] to compile.")


@exercise("08.4", "a plan for eight GPUs",
          success="Eight times fewer steps per epoch, with a learning rate eight times larger.")
def eight_gpus(global_batch, steps, learning_rate):
    if global_batch != 512:
        if global_batch == 64:
            yield Hint("64 is the batch of one GPU; the global batch is what all of them "
                       "process in one step.", "Multiply by the number of GPUs.", "64 * 8 = 512")
        elif global_batch == 8:
            yield Hint("8 is the number of GPUs; the global batch counts images.",
                       "Multiply the images per GPU by the number of GPUs.", "64 * 8 = 512")
        else:
            yield Hint(f"a global batch of {global_batch} is not 64 images on each of 8 GPUs.",
                       "Multiply the images per GPU by the number of GPUs.", "64 * 8 = 512")
        return
    if steps != math.ceil(20_000 / 512):
        if steps == math.ceil(20_000 / 64) or steps == 20_000 // 64:
            yield Hint(f"{steps} steps is what one GPU with 64 images per step would need; with "
                       "8 GPUs each step processes the global batch.",
                       "Divide 20,000 by the global batch.", "ceil(20,000 / 512) = 40")
        elif steps == 20_000 // 512:
            yield Hint(f"{steps} steps leaves out the last, smaller batch of 32 images.",
                       "Round up: np.ceil(20_000 / global_batch).", "40")
        else:
            yield Hint(f"{steps} steps do not cover 20,000 images in batches of 512.",
                       "Divide 20,000 by the global batch and round up.", "40")
        return
    if not math.isclose(float(learning_rate), 0.008, rel_tol=1e-6):
        if math.isclose(float(learning_rate), 0.001, rel_tol=1e-6):
            yield Hint("0.001 is the learning rate for a batch of 64; the linear scaling rule "
                       "scales it with the batch.", "Multiply by 512 / 64.", "0.008")
        elif math.isclose(float(learning_rate), 0.001 / 8, rel_tol=1e-6):
            yield Hint("a larger batch gets a larger learning rate, not a smaller one.",
                       "Multiply by 512 / 64 instead of dividing.", "0.008")
        else:
            yield Hint(f"{learning_rate} is not 0.001 scaled by the batch's growth (512 / 64).",
                       "0.001 * global_batch_8 / 64", "0.008")

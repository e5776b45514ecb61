"""Checkers of episode 01's exercises (see :mod:`cnnlesson.exercises`)."""

from __future__ import annotations

import math

import numpy as np

from . import Hint, exercise, is_keras_model, loss_name, wrong_type

# The answers of the two sorting exercises: description -> (answer, why).
AI_ML_DL = {
    "a route planner that searches a road map with hand-written rules":
        ("AI", "people wrote its rules; nothing is learned from examples"),
    "a house-price estimate from a straight line fitted to past sales":
        ("ML", "the line's slope is learned from examples, but a line is no deep network"),
    "a photo app that finds faces with a 20-layer neural network":
        ("DL", "a network of many layers learned from example photos"),
    "a spam filter that learns which words matter from labelled emails":
        ("ML", "it learns word weights from examples, without a deep network"),
}
VISION_TASKS = {
    "sort holiday photos into 'beach', 'city' and 'mountains'":
        ("classification", "one label per photo"),
    "count the cars in each frame of a traffic camera and say where they are":
        ("detection", "a box (where) and a label per car"),
    "measure the area of a tumour in a medical scan, pixel by pixel":
        ("segmentation", "an area needs to know which pixels belong to the tumour"),
    "decide whether a chest X-ray shows pneumonia":
        ("classification", "one label (pneumonia or not) per image"),
}


def _sorting(answers, key: dict[str, tuple[str, str]], choices: tuple[str, ...]):
    if not isinstance(answers, dict):
        yield wrong_type("answers", answers, "a dictionary",
                   "Keep the {description: answer, ...} dictionary of the exercise.")
        return
    missing = [d for d in key if d not in answers]
    if missing:
        yield Hint(f"{len(missing)} description(s) of the exercise are missing or were changed, "
                   f"e.g. {missing[0]!r}.",
                   "Keep the descriptions exactly as given; change only the answers.")
        return
    blanks = [d for d in key if answers[d] is Ellipsis]
    if blanks:
        yield Hint(f"{len(blanks)} answer(s) are still `...`: fill in the blanks first.")
        return
    for description, (right, why) in key.items():
        given = answers[description]
        if not isinstance(given, str) or given.strip().lower() != right.lower():
            if isinstance(given, str) and given.strip().lower() not in choices:
                yield Hint(f"{given!r} is not one of {', '.join(map(repr, choices))}.",
                           "Use exactly one of the given words.")
                continue
            yield Hint(f"not {given!r} for {description!r}.",
                       f"Think about what it must output, or learn: {why}.",
                       f"{right!r}: {why}.")


@exercise("01.1", "AI, ML or DL?", success="Deep learning is inside machine learning, "
          "which is inside AI.")
def ai_ml_dl(answers):
    yield from _sorting(answers, AI_ML_DL, ("ai", "ml", "dl"))


@exercise("01.2", "which vision task?")
def vision_tasks(answers):
    yield from _sorting(answers, VISION_TASKS, ("classification", "detection", "segmentation"))


def _number(value) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


@exercise("01.3", "how big is the data?")
def data_size(numbers_per_image, megabytes):
    n = _number(numbers_per_image)
    if n is None:
        yield wrong_type("numbers_per_image", numbers_per_image, "a number",
                   "Use the `.size` of one image, e.g. cifar.x_train[0].size.")
    elif n == 32 * 32:
        yield Hint("1,024 counts the pixels, but each pixel holds 3 numbers (red, green, blue).",
                   "Multiply by the 3 channels, or use cifar.x_train[0].size.", "3,072")
    elif n == 50_000 * 3072:
        yield Hint("that is the count for all 50,000 images; the exercise asks for one image.",
                   "Use cifar.x_train[0].size.", "3,072")
    elif n != 3072:
        yield Hint(f"{n:,.0f} numbers per image is not right.",
                   "height x width x channels = 32 x 32 x 3.", "3,072")
    mb = _number(megabytes)
    if mb is None:
        yield wrong_type("megabytes", megabytes, "a number",
                   "Use cifar.x_train.nbytes / 1e6.")
    elif math.isclose(mb, 153_600_000):
        yield Hint("that is the number of bytes; the exercise asks for megabytes.",
                   "Divide by 1,000,000 (1e6).", "153.6")
    elif math.isclose(mb, 153.6 * 8, rel_tol=1e-3) or math.isclose(mb, 153.6 * 4, rel_tol=1e-3):
        yield Hint("that counts 4 or 8 bytes per number, but the images are `uint8`: one byte "
                   "each.", "Use cifar.x_train.nbytes / 1e6 on the uint8 array.", "153.6")
    elif math.isclose(mb, 153_600_000 / 2**20, rel_tol=1e-3):
        return  # mebibytes (1 MB = 2**20 bytes) is a fair answer too
    elif not math.isclose(mb, 153.6, rel_tol=1e-3):
        yield Hint(f"{mb:,.1f} MB is not the size of cifar.x_train.",
                   "Use cifar.x_train.nbytes / 1e6 (50,000 images x 3,072 bytes).", "153.6")


def _labels(name: str, value):
    array = np.asarray(value)
    if array.ndim != 1:
        yield Hint(f"your `{name}` has the shape {array.shape}: it holds images, not labels. "
                   "train_test_split returns x_train, x_val, y_train, y_val in this order.",
                   "Unpack as x_part_train, x_part_val, y_part_train, y_part_val = "
                   "train_test_split(x_part, y_part, ...).")


@exercise("01.4", "split it yourself")
def split_yourself(y_train, y_val):
    problems = [*_labels("y_val", y_val), *_labels("y_train", y_train)]
    if problems:
        yield problems[0]
        return
    y_train, y_val = np.asarray(y_train), np.asarray(y_val)
    if len(y_train) + len(y_val) != 1000:
        yield Hint(f"the two parts have {len(y_train) + len(y_val):,} labels together; the "
                   "exercise splits the first 1,000.", "Start from x_train[:1000], y_train[:1000].")
        return
    if len(y_val) != 200:
        yield Hint(f"your validation part has {len(y_val)} labels; the exercise asks for 200.",
                   "Pass test_size=200 (or 0.2) to train_test_split.")
        return
    every = np.bincount(np.concatenate([y_train, y_val]), minlength=10)
    held = np.bincount(y_val, minlength=10)
    off = np.abs(held - every * 200 / 1000)
    if off.max() > 1:
        k = int(np.argmax(off))
        yield Hint(f"the classes do not keep their shares: class {k} has {held[k]} of its "
                   f"{every[k]} images in the validation part, a fifth would be about "
                   f"{every[k] / 5:.0f}.",
                   "Pass stratify=y_part to train_test_split.")


@exercise("01.5", "count parameters by hand")
def count_parameters(conv2_params, dense1_params):
    conv = _number(conv2_params)
    if conv is None:
        yield Hint("`conv2_params` is not a number.", "32 x (3 x 3 x 16 + 1).")
    elif conv == 32 * 3 * 3 * 16:
        yield Hint("you counted the weights but forgot the biases: one per filter.",
                   "Add 1 per filter: 32 x (3 x 3 x 16 + 1).", "4,640")
    elif conv == 32 * (3 * 3 * 3 + 1):
        yield Hint("the second Conv2D does not read the 3 colour channels but the 16 feature "
                   "maps of the first Conv2D.", "Use 16 input maps: 32 x (3 x 3 x 16 + 1).",
                   "4,640")
    elif conv == 32 * (3 * 3 + 1):
        yield Hint("each filter spans all 16 input maps, so it has 3 x 3 x 16 weights, not 3 x 3.",
                   "32 x (3 x 3 x 16 + 1).", "4,640")
    elif conv != 4640:
        yield Hint(f"{conv:,.0f} is not the second Conv2D's parameter count.",
                   "filters x (3 x 3 x input maps + 1 bias).", "4,640")
    dense = _number(dense1_params)
    if dense is None:
        yield Hint("`dense1_params` is not a number.", "64 x (6 x 6 x 32 + 1).")
    elif dense == 64 * 6 * 6 * 32:
        yield Hint("the first Dense layer's count lacks its biases: one per unit.",
                   "64 x (1,152 + 1).", "73,792")
    elif dense != 73_792:
        yield Hint(f"{dense:,.0f} is not the first Dense layer's parameter count.",
                   "Each of the 64 units reads the 6 x 6 x 32 = 1,152 numbers of Flatten, plus a "
                   "bias.", "73,792")


LOSS_NAMES = {"sparse_categorical_crossentropy", "sparsecategoricalcrossentropy"}


@exercise("01.6", "the loss that fits the labels")
def compile_with_strings(model):
    if not is_keras_model(model):
        yield wrong_type("model", model, "a Keras model",
                   "Pass model_ex6, built with build_intro_cnn().")
        return
    if not getattr(model, "compiled", False):
        yield Hint("model_ex6 is not compiled yet: fill in and run its compile(...) line.",
                   'model_ex6.compile(optimizer=..., loss=..., metrics=["accuracy"])')
        return
    loss = loss_name(model).lower()
    if loss in ("categorical_crossentropy", "categoricalcrossentropy"):
        yield Hint("your labels are integers (0 to 9) but categorical_crossentropy expects "
                   "one-hot labels.", "Use the sparse version for integer labels.",
                   'loss="sparse_categorical_crossentropy"')
    elif "binary" in loss:
        yield Hint("binary_crossentropy is for two classes (one probability per image); we "
                   "have ten.", "Use the loss for several classes with integer labels.",
                   'loss="sparse_categorical_crossentropy"')
    elif loss not in LOSS_NAMES:
        yield Hint(f"the loss {loss!r} does not fit ten classes with integer labels.",
                   "Use the loss for several classes with integer labels.",
                   'loss="sparse_categorical_crossentropy"')
    optimizer = type(getattr(model, "optimizer", None)).__name__
    if optimizer != "Adam":
        yield Hint(f"the optimiser is {optimizer}; the exercise asks for Adam.",
                   'optimizer="adam"')
    metrics = model.get_compile_config().get("metrics") or []
    names = [m if isinstance(m, str) else getattr(m, "name", "") for m in np.ravel(metrics)]
    if not any("acc" in str(n) for n in names):
        yield Hint("the model reports no accuracy.", 'Add metrics=["accuracy"].')


@exercise("01.7", "steps per epoch")
def steps_per_epoch(steps_32, steps_96):
    s32 = _number(steps_32)
    if s32 is None:
        yield Hint("`steps_32` is not a number.", "training images / batch size.")
    elif s32 == 40_000 * 32:
        yield Hint("you multiplied; a step takes one batch, so divide the images by the batch "
                   "size.", "40,000 / 32.", "1,250")
    elif s32 != 1250:
        yield Hint(f"{s32:,.0f} steps is not right for batches of 32.", "40,000 / 32.", "1,250")
    s96 = _number(steps_96)
    if s96 is None:
        yield Hint("`steps_96` is not a number.", "training images / batch size, rounded up.")
    elif s96 != int(s96):
        yield Hint(f"{s96:.2f} is not a whole number of steps: a step takes a whole batch, and "
                   "the last, smaller batch is one more step.",
                   "Round up: int(np.ceil(40_000 / 96)).", "417")
    elif s96 == 416:
        yield Hint("416 full batches leave 64 images; they form one more, smaller batch.",
                   "Round up instead of down: int(np.ceil(40_000 / 96)).", "417")
    elif s96 != 417:
        yield Hint(f"{s96:,.0f} steps is not right for batches of 96.",
                   "40,000 / 96, rounded up.", "417")


@exercise("01.8", "where does the model go wrong?",
          success="Now look at the red titles: which mistakes would a person make too?")
def predicted_classes(predictions):
    array = np.asarray(predictions)
    if array.ndim == 2 and array.shape[-1] == 10:
        yield Hint("these are probabilities, one row of 10 per image, not classes.",
                   "Take the most probable class of each row: np.argmax(probabilities_16, "
                   "axis=1).")
    elif array.shape == (10,):
        yield Hint("you took the argmax over the images (axis 0): that gives 10 numbers, one "
                   "per class.", "Use axis=1: the most probable class of each image.")
    elif array.ndim != 1 or len(array) != 16:
        yield Hint(f"your predictions have the shape {array.shape}; the exercise asks for one "
                   "class per image, 16 in all.", "np.argmax(probabilities_16, axis=1).")
    elif not np.issubdtype(array.dtype, np.integer) or array.min() < 0 or array.max() > 9:
        yield Hint("the predictions should be class numbers from 0 to 9.",
                   "np.argmax(probabilities_16, axis=1).")


@exercise("01.9", "how much does the amount of data matter?")
def small_data_accuracy(accuracy):
    if isinstance(accuracy, (list, tuple, np.ndarray)):
        yield Hint("evaluate returned two numbers, the loss and the accuracy; pass only the "
                   "accuracy.", "small_loss, small_accuracy = small_model.evaluate(x_test, "
                   "y_test, verbose=0).")
        return
    value = _number(accuracy)
    if value is None:
        yield wrong_type("accuracy", accuracy, "a number",
                   "Use the second number small_model.evaluate(x_test, y_test) returns.")
    elif value > 1:
        yield Hint(f"{value:.2f} is above 1: an accuracy is a share between 0 and 1 (is it the "
                   "loss?).", "evaluate returns [loss, accuracy]: take the second.")
    elif value < 0.2:
        yield Hint(f"an accuracy of {value:.2f} is about chance (0.10): was the model trained?",
                   "Call small_model.fit(x_train[:5000], y_train[:5000], epochs=run.epochs, "
                   "batch_size=64, verbose=0) before evaluating.")
    elif value > 0.9:
        yield Hint(f"{value:.2f} is far above what this model reaches on new images: did you "
                   "evaluate on the training images?", "Evaluate on x_test, y_test.")

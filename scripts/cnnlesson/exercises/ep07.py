"""Checkers of episode 07's exercises (share and deploy; see :mod:`cnnlesson.exercises`)."""

from __future__ import annotations

import json
import os

import numpy as np

from . import Hint, exercise, is_keras_model, layers_of, wrong_type

AUGMENTATION_LAYERS = ("RandomFlip", "RandomTranslation", "RandomRotation", "RandomZoom",
                       "RandomCrop", "RandomContrast", "RandomBrightness")


def _not_a_model(value, name: str, how: str):
    return wrong_type(name, value, "a Keras model", how)


def _predictions_differ(model, images, reference) -> float:
    """The largest difference between ``model``'s predictions on ``images`` and ``reference``."""
    predicted = np.asarray(model.predict(np.asarray(images), verbose=0))
    if predicted.shape != np.asarray(reference).shape:
        return float("inf")
    return float(np.abs(predicted - np.asarray(reference)).max())


@exercise("07.1", "the files inside a .keras file",
          success="config.json is the architecture, model.weights.h5 the weights.")
def keras_archive(names):
    if hasattr(names, "namelist"):
        yield Hint("`names` is the zip archive itself, not the list of the files inside it.",
                   "Call the archive's `namelist()` method and store what it returns.",
                   "names = archive.namelist()")
        return
    if isinstance(names, str | bytes | os.PathLike):
        yield Hint(f"`names` is one {type(names).__name__} ({str(names)[:40]!r}), not the list "
                   "of the files inside the archive.",
                   "Open the file with `zipfile.ZipFile(keras_path)` and call `namelist()`.",
                   "names = archive.namelist()")
        return
    names = [str(n) for n in names]
    missing = [f for f in ("config.json", "model.weights.h5") if f not in names]
    if missing:
        yield Hint(f"your list has no {' and no '.join(missing)}, so it is not the content of a "
                   f"`.keras` file (it holds {names[:3]}{' ...' if len(names) > 3 else ''}).",
                   "Open `keras_path`, the `.keras` file, not the `.npz` or `.weights.h5` file.",
                   "with zipfile.ZipFile(keras_path) as archive: names = archive.namelist()")


@exercise("07.2", "weights into a rebuilt model",
          success="Same architecture, same weights, same predictions.")
def weights_into_rebuilt_model(model, images, reference):
    from ..models import build_fast_cnn

    if not is_keras_model(model):
        yield _not_a_model(model, "model", "Build it with build_fast_cnn(augment=False).")
        return
    augmentation = [kind for kind in AUGMENTATION_LAYERS if layers_of(model, kind)]
    if augmentation:
        yield Hint(f"your model still has augmentation layers ({', '.join(augmentation)}); "
                   "the model to deploy has none.",
                   "Build it with build_fast_cnn(augment=False).")
        return
    expected = build_fast_cnn(augment=False).count_params()
    if model.count_params() != expected:
        yield Hint(f"your model has {model.count_params():,} parameters; the shared fast CNN has "
                   f"{expected:,}: the weights only fit the same architecture.",
                   "Build it with build_fast_cnn(augment=False), then load the weights.")
        return
    gap = _predictions_differ(model, images, reference)
    if gap > 1e-5:
        yield Hint(f"your model's predictions differ from the original's (by up to {gap:.2f}): "
                   "it still has the random weights it was built with.",
                   "Load the shared weights into it: model_ex2.load_weights(weights_path).",
                   "model_ex2 = build_fast_cnn(augment=False); "
                   "model_ex2.load_weights(weights_path)")


@exercise("07.3", "class names from the server's outputs",
          success="A client turns outputs into names with the class list of the model card.")
def served_class_names(names, probabilities, class_names):
    probabilities = np.asarray(probabilities)
    expected = [str(class_names[k]) for k in probabilities.argmax(axis=1)]
    if isinstance(names, str):
        yield Hint(f"`names` is one string ({names!r}); the exercise asks for a list with one "
                   f"name per image ({len(expected)} images).",
                   "Make a list: [class_names[k] for k in outputs.argmax(axis=1)].")
        return
    names = list(np.asarray(names).ravel()) if isinstance(names, np.ndarray) else list(names)
    if names and all(isinstance(n, int | np.integer) for n in names):
        yield Hint("your list holds class numbers, not class names.",
                   "Turn each number k into a name with class_names[k].",
                   "[class_names[k] for k in outputs.argmax(axis=1)]")
        return
    if len(names) != len(expected):
        if len(names) == len(class_names):
            yield Hint(f"you have {len(names)} answers for {len(expected)} images: argmax without "
                       "axis=1 (or with axis=0) looks down each class's column instead of along "
                       "each image's row.",
                       "Take outputs.argmax(axis=1): one position per image.")
        else:
            yield Hint(f"you have {len(names)} names for {len(expected)} images.",
                       "Call the signature on check_images[:5] and name each image's class.")
        return
    for i, (got, want) in enumerate(zip(names, expected, strict=True)):
        if str(got) != want:
            yield Hint(f"image {i}: you have {str(got)!r}, but its largest output is class "
                       f"{want!r}.",
                       "For each image take the position of its largest output "
                       "(argmax(axis=1)) and look it up in class_names, in their order.",
                       f"{expected}")
            return


@exercise("07.4", "a model card by hand",
          success="These three fields are what a user of the model needs first.")
def card_by_hand(card):
    from ..data import CIFAR10_CLASSES

    if not isinstance(card, dict):
        yield wrong_type("card", card, "a dictionary",
                   'Write it as {"class_names": ..., "input_shape": ..., "test_accuracy": ...}.')
        return
    missing = [k for k in ("class_names", "input_shape", "test_accuracy") if k not in card]
    if missing:
        yield Hint(f"your card has no {', '.join(repr(k) for k in missing)}.",
                   "Use exactly the keys 'class_names', 'input_shape' and 'test_accuracy'.")
        return
    blanks = [k for k, v in card.items() if v is Ellipsis]
    if blanks:
        yield Hint(f"{', '.join(repr(k) for k in blanks)} still "
                   f"{'is' if len(blanks) == 1 else 'are'} `...`: fill in the blanks of the "
                   "skeleton first, then run the cell again.")
        return
    names = card["class_names"]
    if isinstance(names, str) or len(list(names)) != len(CIFAR10_CLASSES):
        yield Hint(f"'class_names' should list the {len(CIFAR10_CLASSES)} class names, one per "
                   "output, in order.", "Use list(class_names).")
        return
    if [str(n) for n in names] != list(CIFAR10_CLASSES):
        yield Hint("'class_names' are not the model's classes in the order of its outputs.",
                   "Use list(class_names), as loaded with the data: output k is class_names[k].")
        return
    shape = [d for d in card["input_shape"]]
    if len(shape) == 4 or None in shape:
        yield Hint(f"'input_shape' is {tuple(shape)}: it includes the batch dimension (None).",
                   "Keep the shape of one image: list(model.input_shape[1:]).",
                   "[32, 32, 3]")
        return
    if [int(d) for d in shape] != [32, 32, 3]:
        yield Hint(f"'input_shape' is {shape}; the model takes images of 32 x 32 pixels with 3 "
                   "colour channels.", "Use list(model.input_shape[1:]).", "[32, 32, 3]")
        return
    accuracy = card["test_accuracy"]
    if not isinstance(accuracy, int | float | np.floating):
        yield Hint(f"'test_accuracy' is a {type(accuracy).__name__}, not a number.",
                   "Use the number test_accuracy, e.g. round(test_accuracy, 4).")
        return
    if accuracy > 1:
        yield Hint(f"'test_accuracy' is {accuracy}: a percentage, but the card stores a "
                   "fraction between 0 and 1 (like Keras's accuracy).",
                   "Use test_accuracy itself, not 100 * test_accuracy.")
        return
    if not 0 < accuracy <= 1:
        yield Hint(f"'test_accuracy' is {accuracy}; an accuracy lies between 0 and 1.",
                   "Use test_accuracy, measured at the start of the episode.")
        return
    try:
        json.dumps(card)
    except TypeError as err:
        yield Hint(f"the card cannot be written as JSON ({err}).",
                   "Convert NumPy values to plain Python ones: float(x), int(d), list(shape).")


@exercise("07.5", "three images in one batch",
          success="One predict call classifies the whole batch.")
def image_batch(batch):
    if isinstance(batch, list | tuple):
        yield Hint(f"`batch` is a {type(batch).__name__} of {len(batch)} arrays; the model wants "
                   "one array.", "Stack the images: np.stack([...]).")
        return
    if not isinstance(batch, np.ndarray):
        yield wrong_type("batch", batch, "a NumPy array",
                   "Read each file with read_image_for_model and np.stack the results.")
        return
    if batch.ndim == 3:
        yield Hint(f"`batch` has shape {batch.shape}: one image, not a batch of images.",
                   "Read all three files and stack them: np.stack([...]) adds the first axis.")
        return
    if batch.ndim != 4:
        yield Hint(f"`batch` has shape {batch.shape}; a batch of images has 4 axes "
                   "(images, height, width, channels).", "np.stack the three (32, 32, 3) images.")
        return
    if batch.dtype.kind == "f" and batch.size and float(batch.max()) <= 1.0:
        yield Hint("your pixels are scaled to 0-1, but this model takes uint8 pixels (0-255) "
                   "and normalises them itself: it would see almost black images.",
                   "Do not divide by 255: keep the uint8 arrays read_image_for_model returns.")
        return
    if batch.dtype != np.uint8:
        yield Hint(f"`batch` holds {batch.dtype} values; the model was trained on uint8 images.",
                   "Keep the uint8 arrays read_image_for_model returns.")
        return
    if batch.shape[1:] != (32, 32, 3):
        yield Hint(f"each image has shape {batch.shape[1:]}; the model takes (32, 32, 3).",
                   "Read the files with read_image_for_model, which resizes them.")
        return
    if batch.shape[0] != 3:
        yield Hint(f"`batch` holds {batch.shape[0]} images; the exercise writes 3 files.",
                   "Read each path in `paths` once.")


@exercise("07.6", "weights in half precision",
          success="Half the bytes, and the decisions barely move.")
def half_precision(weights, model):
    if isinstance(weights, np.ndarray) or not hasattr(weights, "__len__"):
        yield Hint(f"`weights` is a {type(weights).__name__}; the exercise asks for a list of "
                   "arrays, one per weight of the model.",
                   "[w.numpy().astype(np.float16) for w in model.weights]")
        return
    if not is_keras_model(model):
        yield _not_a_model(model, "model", "Build it with build_fast_cnn(augment=False).")
        return
    if len(weights) != len(model.weights):
        yield Hint(f"your list has {len(weights)} arrays; the model has {len(model.weights)} "
                   "weights. model.trainable_weights leaves out the batch-normalisation "
                   "statistics, which the model needs too.",
                   "Take every weight: [w.numpy().astype(np.float16) for w in model.weights].")
        return
    kinds = sorted({str(np.asarray(w).dtype) for w in weights})
    if kinds != ["float16"]:
        yield Hint(f"your arrays are {', '.join(kinds)}, not float16.",
                   "Convert each with .astype(np.float16).")
        return
    loaded = all(np.array_equal(np.asarray(w.numpy()), np.asarray(h).astype(np.float32))
                 for w, h in zip(model.weights, weights, strict=True))
    if not loaded:
        yield Hint("`model` does not hold the half-precision weights yet (it still has the "
                   "random weights it was built with).",
                   "Load them with set_weights, converted back to float32.",
                   "model_ex6.set_weights([w.astype(np.float32) for w in half_weights])")


@exercise("07.7", "the epoch of the lowest validation loss",
          success="Early stopping on val_loss would have kept this epoch's weights.")
def lowest_loss_epoch(epoch, scalars):
    if isinstance(epoch, np.ndarray) and epoch.size == 1:
        epoch = epoch.item()
    if isinstance(epoch, float | np.floating) and float(epoch).is_integer():
        epoch = int(epoch)
    if not isinstance(epoch, int | np.integer):
        yield Hint(f"`epoch` is a {type(epoch).__name__}; the exercise asks for one epoch number.",
                   "int(steps[losses.argmin()]) + 1")
        return
    epoch = int(epoch)

    def epoch_of(run: str, metric: str, pick) -> int:
        steps, values = scalars[run][metric]
        return int(np.asarray(steps)[pick(np.asarray(values))]) + 1

    right = epoch_of("validation", "epoch_loss", np.argmin)
    if epoch == right:
        return
    if epoch == right - 1:
        yield Hint(f"{epoch} is one too small: TensorBoard's steps count from 0, Keras's epochs "
                   "from 1.", "Add 1 to the step.", str(right))
    elif epoch == epoch_of("validation", "epoch_loss", np.argmax):
        yield Hint(f"epoch {epoch} has the highest validation loss, not the lowest.",
                   "Use argmin, not argmax.", str(right))
    elif epoch == epoch_of("train", "epoch_loss", np.argmin):
        yield Hint(f"epoch {epoch} has the lowest *training* loss; the exercise asks for the "
                   "validation loss.", 'Read scalars["validation"]["epoch_loss"].', str(right))
    elif epoch == epoch_of("validation", "epoch_accuracy", np.argmax):
        yield Hint(f"epoch {epoch} has the best validation *accuracy*; the exercise asks for the "
                   "lowest validation loss.", 'Read scalars["validation"]["epoch_loss"].',
                   str(right))
    else:
        yield Hint(f"the validation loss is not lowest at epoch {epoch}.",
                   "Take the step of the smallest value of losses (argmin) and add 1.",
                   str(right))


@exercise("07.8", "a request in the columnar format",
          success='One object holds the whole batch; the server answers with "outputs".')
def columnar_request(body, images, input_name):
    """``body``: the JSON text of a TensorFlow Serving ``predict`` request in the columnar
    format, ``{"signature_name": "serving_default", "inputs": {input_name: images}}``."""
    images = np.asarray(images)
    if isinstance(body, dict):
        yield Hint("`body` is a Python dictionary; a request body is text.",
                   "Turn the dictionary into JSON text: body_ex8 = json.dumps(request_ex8).")
        return
    if not isinstance(body, str | bytes):
        yield wrong_type("body", body, "JSON text", "body_ex8 = json.dumps(request_ex8)")
        return
    try:
        request = json.loads(body)
    except ValueError as err:
        yield Hint(f"`body` is not valid JSON ({err}).",
                   "Make it with json.dumps(...) rather than by hand.")
        return
    if not isinstance(request, dict):
        yield Hint("the JSON text holds no object ({...}) with named fields.",
                   'json.dumps({"signature_name": ..., "inputs": ...})')
        return
    if "instances" in request and "inputs" not in request:
        yield Hint('"instances" is the row format (a list with one entry per image); the '
                   'columnar format puts the whole batch under "inputs".',
                   '"inputs": {input_name: batch_ex8.tolist()}')
        return
    if request.get("signature_name") != "serving_default":
        yield Hint(f"the request asks for the signature {request.get('signature_name')!r}; "
                   "the exported model offers 'serving_default'.",
                   '"signature_name": "serving_default"')
        return
    if "inputs" not in request:
        yield Hint('the request has no "inputs".',
                   '"inputs": {input_name: batch_ex8.tolist()}')
        return
    inputs = request["inputs"]
    if isinstance(inputs, dict):
        if list(inputs) != [input_name]:
            yield Hint(f"the inputs are named {list(inputs)}; the signature's one input is "
                       f"called {input_name!r}.", "Use input_name as the key.")
            return
        inputs = inputs[input_name]
    try:
        batch = np.asarray(inputs, dtype="float64")
    except (TypeError, ValueError):
        yield Hint('the value under "inputs" is not a batch of numbers.',
                   "Use batch_ex8.tolist(): nested lists of numbers.")
        return
    if batch.shape == images.shape[1:]:
        yield Hint(f"the request holds one image of shape {batch.shape}; the exercise sends "
                   f"{len(images)} at once.", "Send batch_ex8.tolist(), the whole batch.")
        return
    if batch.shape != images.shape:
        yield Hint(f"the batch in the request has shape {batch.shape}; the images have shape "
                   f"{images.shape}.", "Send batch_ex8.tolist().")
        return
    if batch.max() <= 1.0 < images.max():
        yield Hint("the values lie between 0 and 1: you divided by 255, but the signature takes "
                   "uint8 pixels from 0 to 255 (the model scales them itself).",
                   "Send the images unchanged: batch_ex8.tolist().")
        return
    if not np.array_equal(batch, images):
        yield Hint("the numbers in the request are not the pixels of the images.",
                   "Send batch_ex8.tolist().")

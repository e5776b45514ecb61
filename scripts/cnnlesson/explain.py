"""Errors explained in plain words: under the traceback of a common error, what went wrong,
how to fix it and where the lesson teaches it.

A notebook switches it on in its setup cell::

    from cnnlesson.explain import explain_errors
    print(explain_errors())

From then on, when a cell fails, IPython shows the usual traceback first, in full, and then, if
the error is one that beginners meet often, three lines such as::

    The error above, in plain words:
      What went wrong: the loss expects one-hot labels ..., but the labels are whole numbers ...
      Fix: use loss="sparse_categorical_crossentropy" ...
      Learn more: episode 04, section 'Choose a loss function'.

Any other error shows exactly as before. :func:`explain` is the pure part (an exception in, the
text or ``None`` out); it recognises the real exception types and messages of TensorFlow 2.21
and Keras 3, and the lesson's own :class:`~cnnlesson.download.DataUnavailableError`.

Not explained, because nothing raises: unscaled ``uint8`` or ``float64`` images train without
an error (a model without a ``Rescaling`` layer just learns badly), and pixels divided by 255
before a model that scales them itself give nonsense predictions silently (episode 07).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from .download import DataUnavailableError
from .files import ChecksumError

# --------------------------------------------------------------------------------------------
# Where the lesson teaches each fix (tests/test_explain.py checks that every heading exists)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    """A ``## `` heading of an episode notebook, ``episodes/<episode>_*.ipynb``."""

    episode: str
    heading: str

    def __str__(self) -> str:
        return f"episode {self.episode}, section '{self.heading}'"


BUILD_A_MODEL = Section("01", "Step 4 — Build a model")
PREDICT = Section("01", "Step 7 — Predict")
IMAGE_AS_ARRAY = Section("02", "Look at an image as an array")
LOAD_IMAGE_FILES = Section("02", "Load a photo and your own image files")
RESIZE = Section("02", "Going further: resize an image")
SCALE = Section("02", "Scale the pixel values")
LABEL_FORMAT = Section("02", "Going further: choose a label format")
SPLIT = Section("02", "Split into training, validation and test sets")
AUGMENT = Section("02", "Augment the training images")
TF_DATA = Section("02", "Build an input pipeline with tf.data")
IMAGE_FOLDER = Section("02", "Going further: load your own image folder")
GRAYSCALE = Section("02", "Going further: convert to grayscale")
LOSS = Section("04", "Choose a loss function")
OPTIMISER = Section("04", "Choose an optimiser and its learning rate")
BATCH_SIZE = Section("04", "Going further: choose a batch size")
OWN_IMAGE = Section("07", "Classify your own image")
IF_SOMETHING_FAILED = Section("00", "If something failed")

README_OFFLINE = "Working offline and before a workshop"
"""The README's section on fetching the data before a workshop and working without internet."""


@dataclass(frozen=True)
class Explanation:
    """What went wrong, the fix, and the sections that teach it."""

    what: str
    fix: str
    learn_more: tuple[Section | str, ...]

    def __str__(self) -> str:
        places = []  # "episode 02, sections 'A' and 'B'" for two sections of one episode
        for episode in dict.fromkeys(s.episode for s in self.learn_more
                                     if isinstance(s, Section)):
            headings = [f"'{s.heading}'" for s in self.learn_more
                        if isinstance(s, Section) and s.episode == episode]
            places.append(f"episode {episode}, section {headings[0]}" if len(headings) == 1
                          else f"episode {episode}, sections {' and '.join(headings)}")
        places += [f"the README, section '{s}'" for s in self.learn_more if isinstance(s, str)]
        return (f"What went wrong: {self.what}\nFix: {self.fix}\n"
                f"Learn more: {'; '.join(places)}.")


# --------------------------------------------------------------------------------------------
# Reading Keras' messages
# --------------------------------------------------------------------------------------------

_ANSI = re.compile(r"\x1b\[[0-9;]*m")  # Keras prints parts of its messages in bold


def _shape(text: str) -> tuple[int | None, ...]:
    """``"None, 32, 32, 3"`` -> ``(None, 32, 32, 3)``."""
    return tuple(int(part) if part.strip().lstrip("-").isdigit() else None
                 for part in text.split(",") if part.strip())


def _show(shape: tuple[int | None, ...]) -> str:
    return "(" + ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


def _type_names(exc: BaseException) -> set[str]:
    """Names of the exception's classes, so TensorFlow's errors are recognised without importing
    TensorFlow."""
    return {cls.__name__ for cls in type(exc).__mro__}


# --------------------------------------------------------------------------------------------
# The explanations, one function per kind of error; each returns None when it does not apply
# --------------------------------------------------------------------------------------------

_LOSS_SHAPES = re.compile(r"Received: target\.shape=\(([^)]*)\), output\.shape=\(([^)]*)\)")


def _labels_and_outputs(exc: BaseException, message: str) -> Explanation | None:
    """A loss that cannot compare the labels with the model's output: a Dense layer on images
    without Flatten, integer labels with a one-hot loss or the reverse, or a last layer with
    the wrong number of units."""
    found = _LOSS_SHAPES.search(message)
    if not isinstance(exc, ValueError) or not found:
        return None
    target, output = _shape(found[1]), _shape(found[2])
    if len(output) > 2:
        return Explanation(
            f"the model's output has shape {_show(output)}: a prediction for every pixel "
            "position, not one per image. A Dense layer works along the last axis only, so it "
            "was given images (height, width, channels) that were never flattened.",
            "add layers.Flatten() (or layers.GlobalAveragePooling2D()) before the first Dense "
            "layer; model.summary() shows each layer's output shape.",
            (BUILD_A_MODEL,))
    classes = output[-1]
    if "target.ndim - 1" in message and len(target) == len(output):
        return Explanation(
            "loss=\"sparse_categorical_crossentropy\" expects one whole number per image (the "
            f"class index), but the labels are one-hot vectors, shape {_show(target)}.",
            "use loss=\"categorical_crossentropy\" for one-hot labels, or turn the labels back "
            "into whole numbers with np.argmax(y, axis=1).",
            (LOSS, LABEL_FORMAT))
    if "target.ndim - 1" in message:
        return None
    if len(target) == 1 or (len(target) == 2 and target[-1] == 1 and classes != 1):
        return Explanation(
            "the loss expects one-hot labels, one column per class like the model's output "
            f"{_show(output)}, but the labels are one whole number per image, shape "
            f"{_show(target)}.",
            "use loss=\"sparse_categorical_crossentropy\" for integer labels, or one-hot encode "
            f"them with keras.utils.to_categorical(y, num_classes={classes}).",
            (LOSS, LABEL_FORMAT))
    if len(target) == 2 and target[-1] != classes:
        return Explanation(
            f"the labels are one-hot vectors of {target[-1]} classes, but the model's last "
            f"layer has {classes} units (one per class).",
            "give the last Dense layer one unit per class, e.g. layers.Dense("
            f"{target[-1]}, activation=\"softmax\"), and one-hot encode the labels with the "
            "same number of classes.",
            (BUILD_A_MODEL, LABEL_FORMAT))
    return None


_LABEL_RANGE = re.compile(r"Received a label value of (-?\d+) which is outside the valid range "
                          r"of \[0, (\d+)\)")


def _label_out_of_range(exc: BaseException, message: str) -> Explanation | None:
    found = _LABEL_RANGE.search(message)
    if not found:
        return None
    label, units = int(found[1]), int(found[2])
    can = f"0 to {units - 1}" if units > 1 else "only 0"
    return Explanation(
        f"a label is {label}, but the model's last layer has {units} unit"
        f"{'s' if units != 1 else ''}, so it can predict the classes {can}.",
        "give the last Dense layer one unit per class (layers.Dense(10, activation=\"softmax\") "
        "for CIFAR-10's 10 classes), and check that the labels run from 0 to the number of "
        "classes minus 1.",
        (BUILD_A_MODEL, LABEL_FORMAT))


def _batch_axis(image: tuple[int | None, ...]) -> Explanation:
    return Explanation(
        f"the model was given one image of shape {_show(image)}, but a model always takes a "
        "batch of images: shape (number of images, height, width, channels).",
        "add a batch axis of length 1: model.predict(image[None]) (or np.expand_dims(image, "
        "0)); for several images, np.stack them into one array first.",
        (OWN_IMAGE,))


def _channel_axis(images: tuple[int | None, ...], channels: int | None) -> Explanation:
    fix = ("give them three channels: np.repeat(x[..., None], 3, axis=-1) (or load the images "
           "in colour)" if channels == 3 else
           "add a channel axis, x[..., None], or repeat it to three channels, "
           "np.repeat(x[..., None], 3, axis=-1), whichever the model was built for")
    expected = f"(number of images, height, width, {channels or 'channels'})"
    return Explanation(
        f"the images have shape {_show(images)}: no channel axis, as grayscale images often "
        f"come. The model expects {expected}.",
        fix + ".",
        (GRAYSCALE, IMAGE_AS_ARRAY))


def _wrong_size(got: tuple[int | None, ...], detail: str) -> Explanation:
    return Explanation(
        f"the data has shape {_show(got)}, which does not fit the model: {detail}. The images "
        "have another size or another number of colour channels than the model was built for.",
        "resize the images to the size the model was built for (PIL's resize, or "
        "keras.layers.Resizing) and give them 3 colour channels; compare x.shape with "
        "model.input_shape.",
        (RESIZE, IMAGE_AS_ARRAY))


_INPUT_CHECK = re.compile(r"Expected shape \(([^)]*)\), but input has incompatible shape "
                          r"\(([^)]*)\)")
_NDIM = re.compile(r"expected (?:min_)?ndim=(\d+), found ndim=(\d+)\. Full shape received: "
                   r"\(([^)]*)\)")
_LAST_AXIS = re.compile(r"expected axis -1 of input shape to have value (\d+), but received "
                        r"input with shape \(([^)]*)\)")
_CALL_INPUT = re.compile(r"inputs=\S*?shape=\(([^)]*)\)")


def _looks_like_one_image(shape: tuple[int | None, ...]) -> bool:
    return len(shape) == 3 and shape[-1] in (1, 3, 4)


def _input_shape(exc: BaseException, message: str) -> Explanation | None:
    """Data whose shape is not the one the model was built for: one image without the batch
    axis, grayscale images without a channel axis, other sizes."""
    if not isinstance(exc, ValueError):
        return None
    if found := _INPUT_CHECK.search(message):  # the model's Input checks the number of axes
        expected, got = _shape(found[1]), _shape(found[2])
        if len(got) == len(expected) - 1 and got == expected[1:]:
            return _batch_axis(got)
        if len(got) == len(expected) - 1 and got[1:] == expected[1:-1]:
            return _channel_axis(got, expected[-1])
        return _wrong_size(got, f"it was built for inputs of shape {_show(expected)}")
    if found := _NDIM.search(message):  # a model without Input: its first layer checks
        got = _shape(found[3])
        if int(found[2]) == int(found[1]) - 1:
            return _batch_axis(got) if _looks_like_one_image(got) else _channel_axis(got, None)
        return _wrong_size(got, f"its first layer expects inputs with {found[1]} axes")
    if found := _LAST_AXIS.search(message):  # same number of axes, other sizes
        call = _CALL_INPUT.search(message)
        got = _shape(call[1]) if call else _shape(found[2])
        if call and _looks_like_one_image(got):
            return _batch_axis(got)
        layer_got = _shape(found[2])
        detail = f"one of its layers expected {found[1]} values along the last axis"
        if layer_got != got:
            detail += f", but got shape {_show(layer_got)}"
        return _wrong_size(got, detail)
    return None


_INVALID_DTYPE = re.compile(r"\bInvalid dtype: (\S+)")


def _not_numbers(exc: BaseException, message: str) -> Explanation | None:
    found = _INVALID_DTYPE.search(message)
    if not isinstance(exc, ValueError) or not found:
        return None
    dtype = found[1]
    if dtype.startswith(("str", "<U", "bytes", "|S")):
        kind = "text"
    elif dtype == "object":
        kind = "Python objects (often a list that NumPy could not turn into one array)"
    else:
        return None
    return Explanation(
        f"the images or the labels are an array of {kind}, dtype {dtype}, not numbers.",
        "make the images one uint8 array, e.g. np.stack(images) of images of one size; turn "
        "class names into whole numbers, e.g. np.array([class_names.index(name) for name in "
        "labels]).",
        (IMAGE_AS_ARRAY, LABEL_FORMAT))


_CARDINALITY = re.compile(r"Data cardinality is ambiguous\..*?'x' sizes: ([\d, ]+)\s*'y' "
                          r"sizes: ([\d, ]+)", re.DOTALL)


def _sizes_and_counts(exc: BaseException, message: str) -> Explanation | None:
    """Images of different sizes that cannot be stacked, and images and labels that do not
    pair up."""
    if not isinstance(exc, ValueError):
        return None
    if "inhomogeneous shape" in message:
        return Explanation(
            "the images have different sizes (or numbers of channels), so NumPy cannot stack "
            "them into one array.",
            "resize every image to the same size before stacking them, e.g. "
            "np.stack([np.asarray(Image.open(p).convert(\"RGB\").resize((32, 32))) for p in "
            "paths]).",
            (RESIZE,))
    found = _CARDINALITY.search(message)
    if not found:
        return None
    x_sizes = [int(s) for s in found[1].replace(",", " ").split()]
    y_sizes = [int(s) for s in found[2].replace(",", " ").split()]
    if len(x_sizes) > 1:
        return Explanation(
            "the images were given as a Python list, and Keras reads a list as several "
            "separate inputs.",
            "stack them into one array of shape (number of images, height, width, channels): "
            "np.stack(images) (resize them to one size first if they differ).",
            (IMAGE_AS_ARRAY, RESIZE))
    return Explanation(
        f"there are {x_sizes[0]:,} images but {y_sizes[0]:,} labels: every image needs exactly "
        "one label.",
        "pass images and labels that belong together (x_train with y_train, x_val with y_val); "
        "when you take a part of one, take the same part of the other, e.g. x[:500] and "
        "y[:500].",
        (SPLIT,))


_NOT_RECOGNIZED = re.compile(r"Argument\(s\) not recognized: \{(.*)\}")


def _keras2_arguments(exc: BaseException, message: str) -> Explanation | None:
    found = _NOT_RECOGNIZED.search(message)
    if not isinstance(exc, ValueError) or not found:
        return None
    if "'lr'" in found[1]:
        return Explanation(
            "lr is the Keras 2 name of the learning rate; Keras 3 calls it learning_rate.",
            "write learning_rate=, e.g. keras.optimizers.Adam(learning_rate=0.001).",
            (OPTIMISER,))
    names = ", ".join(re.findall(r"'(\w+)'\s*:", found[1])) or found[1]
    return Explanation(
        f"the optimiser has no argument {names} in Keras 3; code written for Keras 2 often "
        "uses names that are gone.",
        "see the optimiser's arguments with help(keras.optimizers.Adam) (or the page of your "
        "optimiser on keras.io) and use those names.",
        (OPTIMISER,))


_OLD_MODULE = re.compile(r"No module named '((?:tensorflow\.)?keras\.(?!src\b)[\w.]+)'")
_OLD_NAME = re.compile(r"cannot import name '(\w+)' from '((?:tensorflow\.)?keras\.(?!src\b)"
                       r"[\w.]*)'")
_MODEL_METHOD = re.compile(r"object has no attribute '((?:fit|evaluate|predict)_generator|"
                           r"predict_classes|predict_proba)'")


def _keras2_idioms(exc: BaseException, message: str) -> Explanation | None:
    """Code written for Keras 2: ImageDataGenerator, old module paths, removed model methods."""
    if isinstance(exc, (AttributeError, ImportError)) and "ImageDataGenerator" in message:
        return Explanation(
            "ImageDataGenerator is Keras 2; Keras 3 removed it.",
            "augment with layers, e.g. layers.RandomFlip(\"horizontal\") and "
            "layers.RandomRotation(0.1) in a keras.Sequential, and read image folders with "
            "keras.utils.image_dataset_from_directory.",
            (AUGMENT, IMAGE_FOLDER))
    if isinstance(exc, ImportError) and (found := _OLD_MODULE.search(message)
                                         or _OLD_NAME.search(message)):
        name = f"{found[2]}.{found[1]}" if found.re is _OLD_NAME else found[1]
        return Explanation(
            f"{name} is a name from Keras 2; Keras 3 has no such module or name.",
            "import from the public modules: from keras import layers (then layers.Conv2D, "
            "layers.Dense, ...), keras.utils.to_categorical, keras.optimizers.Adam.",
            (BUILD_A_MODEL,))
    if isinstance(exc, AttributeError) and (found := _MODEL_METHOD.search(message)):
        method = found[1]
        if method.endswith("_generator"):
            return Explanation(
                f"model.{method} is Keras 2; Keras 3 removed it.",
                f"call model.{method.removesuffix('_generator')}(...): it takes generators and "
                "tf.data datasets directly.",
                (TF_DATA,))
        return Explanation(
            f"model.{method} is Keras 2; Keras 3 removed it.",
            "model.predict(x) gives the probabilities; np.argmax(model.predict(x), axis=1) "
            "gives the predicted classes.",
            (PREDICT,))
    return None


_NUMPY_ALLOCATE = re.compile(r"Unable to allocate (\S+ \S+) for an array with shape "
                             r"(\(.*?\)) and data type (\w+)")


def _out_of_memory(exc: BaseException, message: str) -> Explanation | None:
    if "ResourceExhaustedError" in _type_names(exc) or "OOM when allocating" in message:
        return Explanation(
            "the computer (or its GPU) ran out of memory for this computation.",
            "use a smaller batch_size (e.g. 32), fewer or smaller images, or a smaller model; "
            "free what you no longer need (del model, then keras.backend.clear_session()), or "
            "restart the kernel.",
            (BATCH_SIZE,))
    if isinstance(exc, MemoryError):
        found = _NUMPY_ALLOCATE.search(message)
        what = (f"NumPy could not get {found[1]} of memory for an array of shape {found[2]} "
                f"({found[3]})." if found else "Python ran out of memory.")
        return Explanation(
            what,
            "keep images uint8 and scale them inside the model with layers.Rescaling(1 / 255): "
            "x / 255 makes a float64 copy 8 times as large; use fewer images, delete arrays "
            "you no longer need (del x), or restart the kernel.",
            (SCALE,))
    return None


def _about_lesson_data(text: str) -> bool:
    """Does a message name the lesson's data folder or one of its mirror folders?"""
    from . import settings
    from .data import MIRROR_VARIABLE
    from .pretrained import WEIGHTS_MIRROR_VARIABLE

    folders = [str(settings.data_dir())] + [os.environ.get(v, "") for v in
                                            (MIRROR_VARIABLE, WEIGHTS_MIRROR_VARIABLE)]
    return any(folder and folder in text for folder in folders)


_DATA_FIX = ("connect to the internet and run the cell again, or fetch everything once while "
             "online: in a terminal in the lesson folder, python3 lesson.py prefetch. Without "
             "internet, use a copy of the data as the README explains.")


def _data_missing(exc: BaseException, message: str) -> Explanation | None:
    """The lesson's data or weights are neither on this computer nor downloadable."""
    if isinstance(exc, DataUnavailableError):
        return Explanation(
            "the lesson's data (or the pretrained weights) are not on this computer and could "
            "not be downloaded.",
            _DATA_FIX, (IF_SOMETHING_FAILED, README_OFFLINE))
    if message.startswith("URL fetch failure"):  # keras.utils.get_file, keras.datasets
        return Explanation(
            "Keras could not download a file: this computer has no connection to the server "
            "(no internet, or the server is down).",
            _DATA_FIX + " cnnlesson.load_cifar10() reads the lesson's own copy of CIFAR-10.",
            (IF_SOMETHING_FAILED, README_OFFLINE))
    if isinstance(exc, ChecksumError):
        return Explanation(
            "a downloaded file is damaged or is not the expected file (its checksum does not "
            "match), so the lesson did not use it.",
            "delete the file the message names and run the cell again; or run python3 "
            "lesson.py prefetch in a terminal in the lesson folder.",
            (IF_SOMETHING_FAILED, README_OFFLINE))
    if isinstance(exc, FileNotFoundError) and _about_lesson_data(
            f"{message} {exc.filename or ''}"):
        return Explanation(
            "a file or folder of the lesson's data is missing.",
            _DATA_FIX, (IF_SOMETHING_FAILED, README_OFFLINE))
    return None


_FOLDER_MESSAGE = re.compile(r"No image folder at |has no [\w./-]+ folder|has no folder for class")
"""What :func:`cnnlesson.load_image_folder` says about a missing folder."""


def _file_missing(exc: BaseException, message: str) -> Explanation | None:
    """A path that points nowhere: an image folder or an image file."""
    if not isinstance(exc, FileNotFoundError):
        return None
    look = ("relative paths start in the folder of the notebook (print(Path.cwd()) shows it), "
            "and Path(path).exists() tells whether something is there.")
    if _FOLDER_MESSAGE.search(message):
        return Explanation(
            "the image folder is not where the code looks, or it lacks a part of the layout "
            "<folder>/train/<class>/*.jpg and <folder>/test/<class>/*.jpg.",
            "check the path and the folders: " + look,
            (IMAGE_FOLDER,))
    return Explanation(
        "there is no file at the path the error names.",
        "check the file's name and folder: " + look,
        (LOAD_IMAGE_FILES,))


_RULES = (_out_of_memory, _data_missing, _labels_and_outputs, _label_out_of_range,
          _input_shape, _not_numbers, _sizes_and_counts, _keras2_arguments, _keras2_idioms,
          _file_missing)


def explanation(exc: BaseException) -> Explanation | None:
    """The :class:`Explanation` of ``exc``, or ``None`` for an error it does not know."""
    message = _ANSI.sub("", str(exc))
    for rule in _RULES:
        found = rule(exc, message)
        if found is not None:
            return found
    return None


def explain(exc: BaseException) -> str | None:
    """Three lines on a common error (what went wrong, the fix, where the lesson teaches it),
    or ``None`` for any other error."""
    found = explanation(exc)
    return None if found is None else str(found)


# --------------------------------------------------------------------------------------------
# The IPython hook
# --------------------------------------------------------------------------------------------

HEADER = "The error above, in plain words:"
ON = ("Error explanations on: under a common error, a short note says what went wrong, how to "
      "fix it and where the lesson explains it.")
OFF = "Error explanations off."
NO_IPYTHON = ("Error explanations off: they need Jupyter or IPython; here errors show as "
              "usual.")
OTHER_HANDLER = ("Error explanations off: this notebook already has its own error handler, "
                 "which stays in place.")

_HANDLED = (Exception,)
"""The tuple handed to ``set_custom_exc``; the shell keeps this very object, which is how we
recognise our own hook (a second call replaces it instead of stacking a second one)."""

_COMPILE_ERRORS = (OverflowError, SyntaxError, ValueError, TypeError, MemoryError)
"""Errors IPython shows with ``showsyntaxerror`` when they come from compiling a cell."""


def _show_and_explain(shell, etype, value, tb, tb_offset=None):
    """IPython's custom exception handler: the usual traceback, then the explanation."""
    running = tb is not None and tb.tb_frame.f_code.co_name == "run_code"
    if not running and issubclass(etype, _COMPILE_ERRORS):
        # The cell did not compile: show it exactly as IPython does without this hook.
        if issubclass(etype, IndentationError):
            shell.showindentationerror()
        else:
            shell.showsyntaxerror()
        return None
    shell.showtraceback((etype, value, tb), tb_offset=tb_offset, running_compiled_code=True)
    try:
        text = explain(value)
    except Exception:  # an explanation must never hide or replace the error itself
        text = None
    if text:
        print(HEADER)
        print("\n".join("  " + line for line in text.splitlines()))
    return None


def explain_errors(on: bool = True) -> str:
    """Switch the plain-words explanations of common errors on (or off, with ``on=False``) in
    the running Jupyter kernel or IPython shell, and say so in one line.

    Safe to call again (it replaces its own hook, never stacks a second one). Outside IPython,
    or where another error handler is installed already, it changes nothing and says so.
    """
    try:
        from IPython import get_ipython
    except ImportError:
        return NO_IPYTHON
    shell = get_ipython()
    if shell is None:
        return NO_IPYTHON
    ours = shell.custom_exceptions is _HANDLED
    if not on:
        if ours:
            shell.set_custom_exc((), None)
        return OFF
    if shell.custom_exceptions and not ours:
        return OTHER_HANDLER
    shell.set_custom_exc(_HANDLED, _show_and_explain)
    return ON

"""Errors explained in plain words (cnnlesson.explain).

Every explanation is checked against the real error: the tests make the mistake with a tiny
model or array (a few images, one epoch) and feed what TensorFlow, Keras, NumPy or the lesson
raised to ``explain``. The hook is tested in a real IPython shell and in a real Jupyter kernel.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import keras
import numpy as np
import pytest
from keras import layers

import cnnlesson
from cnnlesson import explain as ex
from cnnlesson.download import DataUnavailableError
from cnnlesson.files import ChecksumError, verify_file
from notebook_utils import ROOT

N = 8  # images per tiny data set


@pytest.fixture(scope="module")
def data():
    """Eight 32x32 RGB uint8 images with integer labels 0-9."""
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, size=(N, 32, 32, 3), dtype=np.uint8)
    y = np.arange(N) % 10
    return x, y


def model(input_shape=(32, 32, 3), *, flatten=True, units=10,
          loss="sparse_categorical_crossentropy", conv=False):
    """A tiny compiled classifier: Rescaling, [Conv2D], [Flatten], Dense(units, softmax)."""
    stack = [keras.Input(shape=input_shape), layers.Rescaling(1 / 255)]
    if conv:
        stack.append(layers.Conv2D(4, 3))
    if flatten:
        stack.append(layers.Flatten())
    stack.append(layers.Dense(units, activation="softmax"))
    m = keras.Sequential(stack)
    m.compile(optimizer="adam", loss=loss, metrics=["accuracy"])
    return m


def raised(call) -> BaseException:
    """The exception ``call()`` raises (the test fails if it raises nothing)."""
    with pytest.raises(BaseException) as info:
        call()
    return info.value


def explained(exc: BaseException, section: ex.Section | str, *fragments: str) -> str:
    """Check the explanation of ``exc``: three labelled lines, the fix's key words
    (``fragments``) and the section that teaches it; return the text."""
    text = ex.explain(exc)
    assert text is not None, f"no explanation for {type(exc).__name__}: {exc}"
    lines = text.splitlines()
    assert [line.split(":")[0] for line in lines] == ["What went wrong", "Fix", "Learn more"]
    assert all(len(line) < 400 for line in lines), text
    where = (f"episode {section.episode}, section" if isinstance(section, ex.Section) else
             "the README, section")
    name = section.heading if isinstance(section, ex.Section) else section
    assert re.search(f"{where}s? ('[^']*' and )?'{re.escape(name)}'", lines[2]), text
    for fragment in fragments:
        assert fragment in text, (fragment, text)
    return text


def fit(m, x, y):
    return m.fit(x, y, epochs=1, verbose=0)


# --------------------------------------------------------------------------------------------
# 1-2. Labels, loss and output layer that do not fit together
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("loss", ["sparse_categorical_crossentropy", "categorical_crossentropy"])
def test_a_dense_layer_on_images_without_flatten(data, loss):
    x, y = data
    labels = y if loss.startswith("sparse") else keras.utils.to_categorical(y, 10)
    exc = raised(lambda: fit(model(flatten=False, loss=loss), x, labels))
    assert isinstance(exc, ValueError) and "output.shape=(None, 32, 32, 10)" in str(exc)
    explained(exc, ex.BUILD_A_MODEL, "(None, 32, 32, 10)", "layers.Flatten()")


@pytest.mark.parametrize("shape", ["(n,)", "(n, 1)"])
def test_integer_labels_with_a_one_hot_loss(data, shape):
    x, y = data
    labels = y if shape == "(n,)" else y[:, None]
    exc = raised(lambda: fit(model(loss="categorical_crossentropy"), x, labels))
    assert isinstance(exc, ValueError)
    text = explained(exc, ex.LOSS, 'loss="sparse_categorical_crossentropy"',
                     "keras.utils.to_categorical(y, num_classes=10)")
    assert str(ex.LABEL_FORMAT) in text


@pytest.mark.parametrize("method", ["fit", "evaluate"])
def test_one_hot_labels_with_the_sparse_loss(data, method):
    x, y = data
    one_hot = keras.utils.to_categorical(y, 10)
    m = model()
    exc = raised(lambda: fit(m, x, one_hot) if method == "fit" else
                 m.evaluate(x, one_hot, verbose=0))
    assert "target.ndim - 1" in str(exc)
    text = explained(exc, ex.LOSS, 'loss="categorical_crossentropy"', "np.argmax(y, axis=1)")
    assert "one-hot" in text.splitlines()[0]


def test_one_hot_labels_of_another_number_of_classes(data):
    x, y = data
    exc = raised(lambda: fit(model(loss="categorical_crossentropy"), x,
                             keras.utils.to_categorical(y, 12)))
    explained(exc, ex.BUILD_A_MODEL, "12 classes", "10 units", "layers.Dense(12")


def test_a_label_the_last_layer_cannot_predict(data):
    x, y = data
    exc = raised(lambda: fit(model(units=5), x, y))  # labels 0-7, five units
    assert "InvalidArgumentError" in {c.__name__ for c in type(exc).__mro__}
    explained(exc, ex.BUILD_A_MODEL, "a label is", "5 units", "0 to 4", "one unit per class")


# --------------------------------------------------------------------------------------------
# 3. Input shapes
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["dense", "conv"])
def test_predict_one_image_without_the_batch_axis(data, kind):
    x, _ = data
    exc = raised(lambda: model(conv=kind == "conv").predict(x[0], verbose=0))
    assert "incompatible shape (32, 32, 3)" in str(exc)
    explained(exc, ex.OWN_IMAGE, "one image of shape (32, 32, 3)", "image[None]")


def test_predict_one_image_on_a_model_without_input(data):
    x, _ = data
    m = keras.Sequential([layers.Conv2D(4, 3), layers.Flatten(), layers.Dense(10)])
    exc = raised(lambda: m.predict(x[0], verbose=0))
    assert "found ndim=3" in str(exc)
    explained(exc, ex.OWN_IMAGE, "(32, 32, 3)", "image[None]")


def test_predict_one_grayscale_image_without_the_batch_axis(data):
    x, _ = data
    gray = x[0, :28, :28, :1]
    exc = raised(lambda: model((28, 28, 1)).predict(gray, verbose=0))
    assert "expected axis -1" in str(exc)  # here Keras' Input check lets it through
    explained(exc, ex.OWN_IMAGE, "(28, 28, 1)", "image[None]")


def test_grayscale_images_without_a_channel_axis(data):
    """(A model built for one channel, (32, 32, 1), takes such images without an error.)"""
    x, y = data
    gray = x[..., 0]  # (8, 32, 32)
    exc = raised(lambda: fit(model((32, 32, 3)), gray, y))
    assert "incompatible shape (None, 32, 32)" in str(exc)
    explained(exc, ex.GRAYSCALE, "(None, 32, 32)", "no channel axis",
              "np.repeat(x[..., None], 3, axis=-1)")


def test_grayscale_images_on_a_model_without_input(data):
    x, y = data
    m = keras.Sequential([layers.Conv2D(4, 3), layers.Flatten(), layers.Dense(10)])
    exc = raised(lambda: m.predict(x[..., 0], verbose=0))
    assert "found ndim=3. Full shape received: (8, 32, 32)" in str(exc)
    explained(exc, ex.GRAYSCALE, "(8, 32, 32)", "x[..., None]")


@pytest.mark.parametrize("conv", [False, True])
def test_images_of_another_size(data, conv):
    x, y = data
    small = x[:, :28, :28, :1]  # MNIST-like 28x28x1 into a model built for 32x32x3
    exc = raised(lambda: fit(model(conv=conv), small, y))
    text = explained(exc, ex.RESIZE, "(None, 28, 28, 1)", "resize", "model.input_shape")
    assert ("3072" if not conv else "expected 3 values") in text


# --------------------------------------------------------------------------------------------
# 4. Data that are not one numeric array; float64 and unscaled inputs raise nothing
# --------------------------------------------------------------------------------------------

def test_text_as_images_or_labels(data):
    x, y = data
    names = np.array([cnnlesson.CIFAR10_CLASSES[k] for k in y])
    for images, labels in [(np.full((N, 32, 32, 3), "a"), y), (x, names)]:
        exc = raised(lambda images=images, labels=labels: fit(model(), images, labels))
        assert str(exc).startswith("Invalid dtype: str")
        explained(exc, ex.IMAGE_AS_ARRAY, "text", "class_names.index(name)")


def test_an_object_array(data):
    x, y = data
    objects = np.empty(N, dtype=object)
    objects[:] = list(x)
    exc = raised(lambda: fit(model(), objects, y))
    assert str(exc) == "Invalid dtype: object"
    explained(exc, ex.IMAGE_AS_ARRAY, "Python objects", "np.stack(images)")


def test_images_of_different_sizes(data):
    x, y = data
    photos = [x[0], x[1, :16]]
    exc = raised(lambda: np.array(photos))
    assert "inhomogeneous shape" in str(exc)
    explained(exc, ex.RESIZE, "different sizes", "resize((32, 32))")
    exc = raised(lambda: fit(model(), photos, y[:2]))  # a list: Keras reads several inputs
    assert "'x' sizes: 32, 16" in str(exc)
    explained(exc, ex.IMAGE_AS_ARRAY, "Python list", "np.stack(images)")


def test_images_and_labels_that_do_not_pair_up(data):
    x, y = data
    exc = raised(lambda: fit(model(), x, y[:5]))
    explained(exc, ex.SPLIT, "8 images but 5 labels", "x[:500] and y[:500]")


def test_float64_and_unscaled_images_raise_nothing(data):
    """Why the module explains no "unscaled input": Keras trains on float64 and on 0-255 uint8
    images without a Rescaling layer without any error (the model only learns worse)."""
    x, y = data
    fit(model(), x / 255, y)  # float64
    unscaled = keras.Sequential([keras.Input((32, 32, 3)), layers.Flatten(),
                                 layers.Dense(10, activation="softmax")])
    unscaled.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    fit(unscaled, x, y)


# --------------------------------------------------------------------------------------------
# 5. Keras 2 code
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("optimizer", ["Adam", "SGD"])
def test_lr_instead_of_learning_rate(optimizer):
    exc = raised(lambda: getattr(keras.optimizers, optimizer)(lr=0.01))
    assert str(exc) == "Argument(s) not recognized: {'lr': 0.01}"
    explained(exc, ex.OPTIMISER, "learning_rate", "Keras 3")


def test_another_keras2_optimizer_argument():
    exc = raised(lambda: keras.optimizers.Adam(learning_rate=0.01, schedule_decay=0.004))
    explained(exc, ex.OPTIMISER, "schedule_decay", "help(keras.optimizers.Adam)")


def test_image_data_generator():
    exc = raised(lambda: keras.preprocessing.image.ImageDataGenerator)
    assert isinstance(exc, AttributeError)
    explained(exc, ex.AUGMENT, "layers.RandomFlip", "image_dataset_from_directory")
    exc = raised(lambda: exec("from keras.preprocessing.image import ImageDataGenerator"))
    assert isinstance(exc, ImportError)
    explained(exc, ex.AUGMENT, "Keras 3 removed it")


@pytest.mark.parametrize(("statement", "name"), [
    ("from keras.layers.convolutional import Conv2D", "keras.layers.convolutional"),
    ("from keras.utils.np_utils import to_categorical", "keras.utils.np_utils"),
    ("from keras.utils import np_utils", "keras.utils.np_utils"),
    ("from keras.engine import training", "keras.engine"),
])
def test_keras2_module_paths(statement, name):
    exc = raised(lambda: exec(statement))
    assert isinstance(exc, ImportError)
    explained(exc, ex.BUILD_A_MODEL, name, "from keras import layers")


@pytest.mark.parametrize(("method", "fix"), [("fit_generator", "model.fit(...)"),
                                             ("predict_generator", "model.predict(...)"),
                                             ("predict_classes", "np.argmax(model.predict(x)")])
def test_removed_model_methods(method, fix):
    exc = raised(lambda: getattr(model(), method))
    assert isinstance(exc, AttributeError)
    section = ex.PREDICT if method == "predict_classes" else ex.TF_DATA
    explained(exc, section, f"model.{method}", fix)


# --------------------------------------------------------------------------------------------
# 6. Out of memory. Triggered for real, safely: 2 EiB (NumPy) and 4 EiB (TensorFlow) exceed
# any computer's address space, so the allocation fails at once without touching memory.
# --------------------------------------------------------------------------------------------

def test_numpy_runs_out_of_memory():
    exc = raised(lambda: np.empty((2**29, 2**29)))
    assert isinstance(exc, MemoryError)
    explained(exc, ex.SCALE, "2.00 EiB", "float64", "layers.Rescaling(1 / 255)")


def test_a_plain_memory_error():
    explained(MemoryError(), ex.SCALE, "ran out of memory", "restart the kernel")


OOM_SCRIPT = """
import tensorflow as tf
from cnnlesson.explain import explain
try:
    with tf.device("/CPU:0"):
        tf.zeros((2**30, 2**30))
except Exception as exc:
    print(type(exc).__name__, "|", "OOM when allocating" in str(exc))
    print(explain(exc))
"""


def test_tensorflow_runs_out_of_memory():
    """In a fresh Python with oneDNN off: its CPU allocator fails at once, where the oneDNN one
    (this process's) retries for 10 seconds before it gives up."""
    env = {**os.environ, "TF_ENABLE_ONEDNN_OPTS": "0", "TF_CPP_MIN_LOG_LEVEL": "3"}
    out = subprocess.run([sys.executable, "-c", OOM_SCRIPT], capture_output=True, text=True,
                         env=env, timeout=300, check=True).stdout
    first, text = out.split("\n", 1)
    assert first == "ResourceExhaustedError | True"
    assert f"Learn more: {ex.BATCH_SIZE}." in text
    assert "ran out of memory" in text and "batch_size" in text and "clear_session()" in text


# --------------------------------------------------------------------------------------------
# 7. Data that is not there
# --------------------------------------------------------------------------------------------

@pytest.fixture
def empty_data_dir(tmp_path, monkeypatch):
    """A data folder with nothing in it and no mirror: as on a machine never prefetched."""
    folder = tmp_path / "data"
    folder.mkdir()
    monkeypatch.setenv("CNNLESSON_DATA_DIR", str(folder))
    monkeypatch.delenv("CNNLESSON_CIFAR10_MIRROR", raising=False)
    monkeypatch.delenv("CNNLESSON_WEIGHTS_MIRROR", raising=False)
    return folder


def test_cifar10_not_downloaded(empty_data_dir):
    exc = raised(lambda: cnnlesson.load_cifar10(download=False))
    assert isinstance(exc, DataUnavailableError)
    assert "python3 lesson.py prefetch" in str(exc)  # the lesson's own message says it too
    text = explained(exc, ex.IF_SOMETHING_FAILED, "python3 lesson.py prefetch", "README")
    assert f"the README, section '{ex.README_OFFLINE}'" in text


def test_a_mirror_that_is_not_there(empty_data_dir, monkeypatch):
    monkeypatch.setenv("CNNLESSON_CIFAR10_MIRROR", str(empty_data_dir / "no_such_mirror"))
    exc = raised(cnnlesson.load_cifar10)
    assert isinstance(exc, DataUnavailableError)
    explained(exc, ex.IF_SOMETHING_FAILED, "python3 lesson.py prefetch")


def test_a_mirror_without_its_class_folders(empty_data_dir, monkeypatch):
    mirror = empty_data_dir / "mirror"
    for split in ("train", "test"):
        (mirror / split).mkdir(parents=True)
    monkeypatch.setenv("CNNLESSON_CIFAR10_MIRROR", str(mirror))
    exc = raised(cnnlesson.load_cifar10)
    assert isinstance(exc, FileNotFoundError)
    explained(exc, ex.IF_SOMETHING_FAILED, "lesson's data", "python3 lesson.py prefetch")


def test_keras_cannot_download(tmp_path):
    with __import__("socket").socket() as s:  # a port on which nothing listens
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    exc = raised(lambda: keras.utils.get_file("cifar.tar.gz", f"http://127.0.0.1:{port}/x",
                                              cache_dir=str(tmp_path)))
    assert str(exc).startswith("URL fetch failure")
    explained(exc, ex.IF_SOMETHING_FAILED, "python3 lesson.py prefetch",
              "cnnlesson.load_cifar10()")


def test_a_damaged_download(tmp_path):
    damaged = tmp_path / "cifar-10-python.tar.gz"
    damaged.write_bytes(b"half an archive")
    exc = raised(lambda: verify_file(damaged, "0" * 64))
    assert isinstance(exc, ChecksumError)
    explained(exc, ex.IF_SOMETHING_FAILED, "checksum", "python3 lesson.py prefetch")


def test_an_image_folder_that_is_not_there(tmp_path):
    exc = raised(lambda: cnnlesson.load_image_folder(tmp_path / "my_photos"))
    assert isinstance(exc, FileNotFoundError)
    explained(exc, ex.IMAGE_FOLDER, "<folder>/train/<class>/*.jpg", "Path.cwd()")


@pytest.mark.parametrize("reader", ["cnnlesson", "open"])
def test_an_image_file_that_is_not_there(tmp_path, reader):
    path = tmp_path / "my_cat.jpg"
    exc = raised(lambda: cnnlesson.read_image(path) if reader == "cnnlesson" else open(path))
    assert isinstance(exc, FileNotFoundError)
    explained(exc, ex.LOAD_IMAGE_FILES, "no file", "Path.cwd()", "Path(path).exists()")


# --------------------------------------------------------------------------------------------
# Errors it does not know, and the sections it cites
# --------------------------------------------------------------------------------------------

def test_other_errors_get_no_explanation(data):
    x, _ = data
    for call in [lambda: 1 / 0, lambda: {}["epochs"], lambda: x[100],
                 lambda: int("ten"), lambda: exec("import keras_is_not_a_module"),
                 lambda: keras.Sequential().no_such_method]:
        exc = raised(call)
        assert ex.explain(exc) is None, exc


def headings(path) -> set[str]:
    if path.suffix == ".md":
        return {line[3:].strip() for line in path.read_text().splitlines()
                if line.startswith("## ")}
    cells = json.loads(path.read_text())["cells"]
    return {line[3:].strip() for cell in cells if cell["cell_type"] == "markdown"
            for line in "".join(cell["source"]).splitlines() if line.startswith("## ")}


def test_every_cited_section_exists():
    sections = [v for v in vars(ex).values() if isinstance(v, ex.Section)]
    assert len(sections) >= 15
    for section in sections:
        (notebook,) = (ROOT / "episodes").glob(f"{section.episode}_*.ipynb")
        assert section.heading in headings(notebook), section
    assert ex.README_OFFLINE in headings(ROOT / "README.md")


# --------------------------------------------------------------------------------------------
# The hook in a real IPython shell and a real Jupyter kernel
# --------------------------------------------------------------------------------------------

@pytest.fixture
def shell():
    """A real IPython shell (history in memory), removed again after the test."""
    import builtins

    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    assert not InteractiveShell.initialized()
    before = set(vars(builtins))
    config = Config()
    config.HistoryManager.hist_file = ":memory:"
    ipython = InteractiveShell.instance(config=config)
    try:
        yield ipython
    finally:
        ipython.set_custom_exc((), None)
        InteractiveShell.clear_instance()
        for name in set(vars(builtins)) - before:  # __IPYTHON__, display
            delattr(builtins, name)


def run(shell, capsys, code: str):
    result = shell.run_cell(code)
    return result, re.sub(r"\x1b\[[0-9;]*m", "", capsys.readouterr().out)


def test_the_hook_shows_the_traceback_then_the_explanation(shell, capsys):
    assert ex.explain_errors() == ex.ON
    result, out = run(shell, capsys, "import keras\n"
                                     "optimizer = keras.optimizers.Adam(lr=0.01)\n")
    assert not result.success and isinstance(result.error_in_exec, ValueError)
    assert "Traceback (most recent call last)" in out
    assert "----> 2 optimizer = keras.optimizers.Adam(lr=0.01)" in out  # the cell's line
    original = "ValueError: Argument(s) not recognized: {'lr': 0.01}"
    assert original in out
    assert out.index(original) < out.index(ex.HEADER)
    note = out[out.index(ex.HEADER):].splitlines()
    assert note[0] == ex.HEADER and len(note) == 4
    assert note[1].startswith("  What went wrong: lr is the Keras 2 name")
    assert note[3] == f"  Learn more: {ex.OPTIMISER}."


def test_the_hook_leaves_other_errors_as_they_were(shell, capsys):
    code = "def f():\n    return 1 / 0\nf()\n"
    _, plain = run(shell, capsys, code)
    ex.explain_errors()
    result, out = run(shell, capsys, code)
    assert isinstance(result.error_in_exec, ZeroDivisionError)
    assert re.sub(r"In\[\d+\]", "", out) == re.sub(r"In\[\d+\]", "", plain)
    assert "ZeroDivisionError: division by zero" in out and ex.HEADER not in out


def test_the_hook_shows_syntax_errors_as_ipython_does(shell, capsys):
    _, plain = run(shell, capsys, "x = (1,\n")
    ex.explain_errors()
    result, out = run(shell, capsys, "x = (1,\n")
    assert isinstance(result.error_before_exec, SyntaxError)
    assert re.sub(r"In\[\d+\]", "", out) == re.sub(r"In\[\d+\]", "", plain)
    assert "interactiveshell.py" not in out and ex.HEADER not in out


def test_calling_twice_keeps_one_hook_and_off_removes_it(shell, capsys):
    assert ex.explain_errors() == ex.explain_errors() == ex.ON
    _, out = run(shell, capsys, "raise MemoryError()")
    assert out.count(ex.HEADER) == 1
    assert ex.explain_errors(on=False) == ex.OFF
    assert shell.custom_exceptions == ()
    _, out = run(shell, capsys, "raise MemoryError()")
    assert "MemoryError" in out and ex.HEADER not in out


def test_another_error_handler_stays(shell, capsys):
    def theirs(self, etype, value, tb, tb_offset=None):
        print("their handler")

    shell.set_custom_exc((ValueError,), theirs)
    assert ex.explain_errors() == ex.OTHER_HANDLER
    _, out = run(shell, capsys, "int('ten')")
    assert out.strip() == "their handler"


def test_outside_ipython_it_changes_nothing():
    code = ("import sys; from cnnlesson.explain import explain_errors; "
            "hook = sys.excepthook; print(explain_errors()); assert sys.excepthook is hook")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == ex.NO_IPYTHON


def test_in_a_jupyter_kernel_the_note_follows_the_error(tmp_path):
    """What a learner sees: the error output, then the note as plain text; and Run All still
    stops at the error."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) for s in [
        "from cnnlesson.explain import explain_errors\nprint(explain_errors())",
        "import cnnlesson\nphoto = cnnlesson.read_image('my_cat.jpg')",
        "print('the next cell')",
    ]]
    client = NotebookClient(nb, timeout=60, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}})
    with pytest.raises(CellExecutionError, match="FileNotFoundError"):
        client.execute()
    setup, missing, after = (cell.outputs for cell in nb.cells)
    assert [o.get("text", "").strip() for o in setup] == [ex.ON]
    assert [o.output_type for o in missing] == ["error", "stream"]
    assert missing[0].ename == "FileNotFoundError" and missing[0].traceback
    note = missing[1].text.splitlines()
    assert missing[1].name == "stdout" and note[0] == ex.HEADER and len(note) == 4
    assert note[3] == f"  Learn more: {ex.LOAD_IMAGE_FILES}."
    assert after == [] and nb.cells[2].execution_count is None

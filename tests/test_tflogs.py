"""TensorFlow's C++ start-up lines stay away from learners (cnnlesson.tflogs); Python warnings
do not. Measured in fresh Pythons, the way a learner's kernel or `lesson.py check` starts."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from cnnlesson import tflogs
from notebook_utils import ROOT

# What TensorFlow 2.21 printed here on `import keras` and the first computation (CPU only)
PRINTED = """\
WARNING: All log messages before absl::InitializeLog() is called are written to STDERR
I0000 00:00:1796072759.309577   18060 port.cc:153] oneDNN custom operations are on. You may see.
I0000 00:00:1796072759.309914   18060 cudart_stub.cc:31] Could not find cuda drivers on your machine, GPU will not be used.
I0000 00:00:1796072759.357449   18060 cpu_feature_guard.cc:227] This TensorFlow binary is optimized to use available CPU instructions in performance-critical operations.
To enable the following instructions: AVX2 AVX512F AVX512_VNNI AVX512_BF16 FMA, in other operations, rebuild TensorFlow with the appropriate compiler flags.
E0000 00:00:1796072762.119024   18060 cuda_platform.cc:52] failed call to cuInit: INTERNAL: CUDA error: Failed call to cuInit: UNKNOWN ERROR (303)
2024-01-01 12:00:00.123456: I tensorflow/core/util/port.cc:113] oneDNN custom operations are on.
"""  # noqa: E501

# A fresh Python that imports Keras (so TensorFlow) first, computes once (TensorFlow looks for
# GPUs then: the cuInit line) and warns from Python code, as a notebook may.
KERAS_FIRST = """\
import warnings
import keras
print(keras.ops.convert_to_numpy(keras.ops.ones(2) + 1))
warnings.warn("a Python warning the learner must see", UserWarning)
"""


# A Python without the filter (lesson.py's .venv/ loads it at every start: take it out again)
UNFILTERED = ("import sys\nsys.meta_path[:] = [f for f in sys.meta_path\n"
              "                 if not getattr(f, 'cnnlesson_quiet_tensorflow', False)]\n")


def python_stderr(code: str, *, level: str | None = None) -> str:
    env = {k: v for k, v in os.environ.items() if k != tflogs.LEVEL_VARIABLE}
    if level is not None:
        env[tflogs.LEVEL_VARIABLE] = level
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         timeout=300, cwd=ROOT)
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stderr


def log_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if tflogs.is_log_line(line)]


def test_the_filter_knows_tensorflows_log_lines_and_nothing_else():
    assert len(log_lines(PRINTED)) == len(PRINTED.splitlines())
    assert tflogs.without_log_lines(PRINTED) == ""
    kept = ("/x/keras/src/layers/core/dense.py:93: UserWarning: Do not pass an `input_shape`\n"
            "WARNING:absl:You are saving your model as an HDF5 file\n"
            "Epoch 1/3\nI0000 is not a log line without its file\n")
    assert tflogs.without_log_lines(kept) == kept


def test_the_package_quiets_tensorflow_when_imported_first():
    stderr = python_stderr(UNFILTERED + "import cnnlesson\n" + KERAS_FIRST)
    assert log_lines(stderr) == [] and "cuInit" not in stderr, stderr
    assert "UserWarning: a Python warning the learner must see" in stderr


def test_the_venvs_start_up_copy_quiets_a_notebook_that_imports_keras_first():
    # what lesson.py puts into .venv/: tflogs.py loaded at every start, before any cell
    load = (UNFILTERED + "import importlib.util as u\n"
            f"spec = u.spec_from_file_location('_cnnlesson_tflogs', {str(tflogs.__file__)!r})\n"
            "m = u.module_from_spec(spec); spec.loader.exec_module(m); m.install()\n")
    stderr = python_stderr(load + KERAS_FIRST)
    assert log_lines(stderr) == [] and "cuInit" not in stderr, stderr
    assert "a Python warning the learner must see" in stderr


@pytest.mark.slow
def test_without_the_filter_the_lines_show_and_level_0_shows_them_again():
    plain = python_stderr(UNFILTERED + KERAS_FIRST)
    assert "cudart_stub" in plain or "port.cc" in plain, \
        "TensorFlow no longer prints start-up lines: is the filter still needed?"
    asked = python_stderr(UNFILTERED + "import cnnlesson\n" + KERAS_FIRST, level="0")
    assert log_lines(asked), "TF_CPP_MIN_LOG_LEVEL=0 shows TensorFlow's whole log"


def test_install_adds_one_finder_and_none_when_every_line_is_asked_for(monkeypatch):
    monkeypatch.setattr(sys, "meta_path", [f for f in sys.meta_path
                                           if not getattr(f, "cnnlesson_quiet_tensorflow", 0)])
    monkeypatch.delitem(sys.modules, "tensorflow", raising=False)  # as in a fresh Python
    monkeypatch.setenv(tflogs.LEVEL_VARIABLE, "0")
    tflogs.install()
    assert not tflogs.installed()
    monkeypatch.delenv(tflogs.LEVEL_VARIABLE)
    tflogs.install()
    tflogs.install()
    assert sum(getattr(f, "cnnlesson_quiet_tensorflow", 0) for f in sys.meta_path) == 1
    assert os.environ[tflogs.LEVEL_VARIABLE] == "3"
    tflogs.uninstall()
    assert not tflogs.installed()

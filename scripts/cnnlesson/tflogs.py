"""Keep TensorFlow's C++ start-up log lines away from learners; Python warnings stay visible.

``import tensorflow`` (which ``import keras`` does) prints lines such as
``I0000 ... cudart_stub.cc:31] Could not find cuda drivers on your machine, GPU will not be
used.`` and, at the first computation, ``E0000 ... failed call to cuInit: ... UNKNOWN ERROR
(303)`` on every machine without an NVIDIA GPU. A learner can do nothing about them.
Measured with TensorFlow 2.21 (``python -c "import tensorflow"``):

- ``TF_CPP_MIN_LOG_LEVEL=3``, set before TensorFlow loads, hides the ``E`` line (and the CPU
  feature lines), but not the lines TensorFlow's libraries print while they load, before
  TensorFlow reads the variable (``WARNING: All log messages before absl::InitializeLog() ...``,
  the oneDNN and cuda-driver ``I`` lines, twice each). Set later, the variable does nothing.
- Those load-time lines are written to the process's stderr file descriptor, so only catching
  that descriptor while TensorFlow loads removes them.

:func:`install` does both, for the first ``import tensorflow`` after it: it sets the variable
(unless it is set: ``TF_CPP_MIN_LOG_LEVEL=0`` shows everything again) and makes that import
catch the descriptor and write back every line that is not a TensorFlow log line (a Python
warning printed meanwhile still shows). ``import cnnlesson`` calls it, and ``lesson.py`` loads
this file at the start of every Python of ``.venv/`` (a ``.pth`` file), so a notebook that
imports Keras before ``cnnlesson`` is quiet too. Python's own warnings (Keras ``UserWarning``,
``absl`` messages from Python) are not touched.

This file uses the standard library only and imports nothing of the lesson package: ``lesson.py``
copies it into ``.venv/`` as a module of its own.
"""

from __future__ import annotations

import os
import sys

LEVEL_VARIABLE = "TF_CPP_MIN_LOG_LEVEL"
QUIET_LEVEL = "3"
"""0 shows all of TensorFlow's C++ log, 1 hides INFO, 2 also WARNING, 3 also ERROR."""

LOG_LINE = (
    r"^(?:[IWEF]\d{4} \d\d:\d\d:[\d.]+\s+\d+\s+\S+:\d+\] "  # absl: I0000 00:00:17.. 123 f.cc:31]
    r"|\d{4}-\d\d-\d\d \d\d:\d\d:[\d.]+: [IWEF] \S+:\d+\] "  # older: 2024-01-01 12:00:00.1: I x]
    r"|WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR"
    r"|To enable the following instructions: .* rebuild TensorFlow)")
"""A line of TensorFlow's C++ log (or the continuation line of its CPU-feature message), as a
regular expression (compiled where it is used: ``re`` would cost every start 6 ms)."""


def is_log_line(line: str) -> bool:
    import re

    return re.match(LOG_LINE, line) is not None


def without_log_lines(text: str) -> str:
    """``text`` without TensorFlow's C++ log lines."""
    return "".join(line for line in text.splitlines(keepends=True) if not is_log_line(line))


class _QuietLoader:
    """Runs the real loader of ``tensorflow`` with the stderr descriptor caught. (No
    ``importlib.abc`` base classes: they would cost every Python of .venv/ 20 ms at start.)"""

    def __init__(self, loader):
        self.loader = loader

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        module.__loader__ = self.loader  # TensorFlow sees its own loader
        if module.__spec__ is not None:
            module.__spec__.loader = self.loader
        with caught_stderr():
            self.loader.exec_module(module)


class QuietTensorFlowFinder:
    """Finds nothing itself: wraps the loader of the first ``import tensorflow``."""

    cnnlesson_quiet_tensorflow = True  # how install() recognises a finder (of any copy)

    @classmethod
    def find_spec(cls, name, path=None, target=None):
        if name != "tensorflow":
            return None
        import importlib.util

        uninstall()
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.loader is not None:
            spec.loader = _QuietLoader(spec.loader)
        return spec


class caught_stderr:  # noqa: N801 (used as a context manager, like contextlib's)
    """Send what is written to file descriptor 2 to a temporary file; afterwards write back
    everything but TensorFlow's log lines. Does nothing where descriptor 2 cannot be copied."""

    def __enter__(self):
        self.saved = None
        import tempfile  # here, not at the top: every Python of .venv/ loads this file

        try:
            sys.stderr.flush()
            self.file = tempfile.TemporaryFile()
            saved = os.dup(2)
        except (OSError, ValueError, AttributeError):
            return self
        try:
            os.dup2(self.file.fileno(), 2)
            self.saved = saved
        except OSError:
            os.close(saved)
        return self

    def __exit__(self, *exc):
        if self.saved is None:
            return False
        os.dup2(self.saved, 2)
        os.close(self.saved)
        self.file.seek(0)
        kept = without_log_lines(self.file.read().decode("utf-8", "replace"))
        self.file.close()
        if kept:
            os.write(2, kept.encode("utf-8"))
        return False


def installed() -> bool:
    return any(getattr(finder, "cnnlesson_quiet_tensorflow", False) for finder in sys.meta_path)


def install() -> None:
    """Quiet the first ``import tensorflow`` of this process (nothing if it already happened,
    or if ``TF_CPP_MIN_LOG_LEVEL=0`` asks for every line)."""
    level = os.environ.setdefault(LEVEL_VARIABLE, QUIET_LEVEL)
    if level.strip() in ("", "0"):
        return
    if "tensorflow" not in sys.modules and not installed():
        sys.meta_path.insert(0, QuietTensorFlowFinder)


def uninstall() -> None:
    sys.meta_path[:] = [f for f in sys.meta_path
                        if not getattr(f, "cnnlesson_quiet_tensorflow", False)]

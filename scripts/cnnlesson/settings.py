"""What is in force: paths, the quick/full switch, seeds, progress bars, the kernel, versions.

Every setting is an environment variable, read when a function is called (not at import), so a
test or a notebook can change it on the fly. The README's "Settings" table lists them all.

One thing happens at import: TensorFlow's C++ start-up log is quieted for the rest of the
process (:mod:`cnnlesson.tflogs`; ``TF_CPP_MIN_LOG_LEVEL=0`` shows it again).
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import tflogs

MODE_VARIABLE = "CNNLESSON_MODE"
"""``quick`` gives smoke-test sizes (the tests use it); anything else, or unset: the full lesson."""

HOME_VARIABLE = "CNNLESSON_HOME"
DATA_DIR_VARIABLE = "CNNLESSON_DATA_DIR"
OUTPUT_DIR_VARIABLE = "CNNLESSON_OUTPUT_DIR"
NO_PROGRESS_VARIABLE = "CNNLESSON_NO_PROGRESS"

DEFAULT_SEED = 42

tflogs.install()  # before anything imports TensorFlow: no C++ log lines a learner cannot act on


def project_root() -> Path:
    """The repository's root folder, whatever the working directory (nbval starts kernels in
    ``episodes/``, learners start them anywhere). ``CNNLESSON_HOME`` overrides it."""
    if os.environ.get(HOME_VARIABLE):
        return Path(os.environ[HOME_VARIABLE]).expanduser().resolve()
    here = Path(__file__).resolve().parent  # .../scripts/cnnlesson
    candidate = here.parent.parent
    if (candidate / "episodes").is_dir():
        return candidate
    return Path.cwd()  # installed as a plain (non-editable) package: work where we are


def data_dir() -> Path:
    """Folder for downloads and caches (``data/`` in the repository, or ``CNNLESSON_DATA_DIR``)."""
    path = os.environ.get(DATA_DIR_VARIABLE)
    return Path(path).expanduser().resolve() if path else project_root() / "data"


def is_quick() -> bool:
    """True when ``CNNLESSON_MODE=quick``: the smoke-test sizes the test suite runs with."""
    return os.environ.get(MODE_VARIABLE, "full").strip().lower() == "quick"


def output_dir() -> Path:
    """Where trained models and histories go: ``fit_outputs/`` in full mode,
    ``fit_outputs/quick/`` in quick mode (ignored by git), or ``CNNLESSON_OUTPUT_DIR``."""
    path = os.environ.get(OUTPUT_DIR_VARIABLE)
    if path:
        out = Path(path).expanduser().resolve()
    else:
        out = project_root() / "fit_outputs"
        if is_quick():
            out = out / "quick"
    out.mkdir(parents=True, exist_ok=True)
    return out


def output_path(filename: str) -> Path:
    """``output_dir() / filename``: the one place every episode saves to and loads from."""
    return output_dir() / filename


@dataclass(frozen=True)
class RunSettings:
    """The sizes in force for one notebook: read its fields as attributes (``run.epochs``)."""

    mode: str
    values: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        if name == "values" or name.startswith("__"):  # copy/pickle probe before __init__
            raise AttributeError(name)
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(f"no run setting named {name!r}") from None

    def __str__(self) -> str:
        sizes = ", ".join(
            f"{k}={v:,}" if isinstance(v, int) and not isinstance(v, bool) else f"{k}={v}"
            for k, v in self.values.items())
        return f"Mode: {self.mode}: {sizes}"

    __repr__ = __str__


def run_settings(*, full: dict[str, Any], quick: dict[str, Any]) -> RunSettings:
    """Pick the full or the quick sizes of a notebook (episode 01 shows the switch).

    Both dictionaries must name the same settings, so a notebook cannot silently depend on a
    value that only one mode defines.
    """
    if set(full) != set(quick):
        differ = sorted(set(full) ^ set(quick))
        raise ValueError(f"full and quick settings differ in names: {differ}")
    mode = "quick" if is_quick() else "full"
    return RunSettings(mode=mode, values=dict(quick if mode == "quick" else full))


def set_seed(seed: int = DEFAULT_SEED, *, deterministic: bool = False) -> int:
    """Seed Python, NumPy and Keras (and the backend) in one call; optionally make TensorFlow's
    ops deterministic (slower). Returns the seed so a notebook can print it."""
    import keras
    import numpy as np

    random.seed(seed)
    np.random.seed(seed)
    keras.utils.set_random_seed(seed)
    if deterministic:
        import tensorflow as tf

        tf.config.experimental.enable_op_determinism()
    return seed


def show_progress() -> bool:
    """False when ``CNNLESSON_NO_PROGRESS=1`` (logs, CI): the one switch for progress bars."""
    return os.environ.get(NO_PROGRESS_VARIABLE, "") != "1"


def progress_bar(*, total: int | None, desc: str, unit: str = "it", **kwargs):
    """A tqdm progress bar (a widget in a notebook, text elsewhere), hidden when progress bars
    are switched off (:func:`show_progress`). Use it as a context manager."""
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, unit=unit, disable=not show_progress(), **kwargs)


def in_jupyter_kernel() -> bool:
    """True inside a Jupyter kernel (JupyterLab, Notebook, Colab, nbclient), False in a plain
    Python process or a terminal IPython."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and hasattr(shell, "kernel")


def versions() -> dict[str, str]:
    """The versions a saved model or history was made with (Python, Keras, TensorFlow, NumPy)."""
    import platform

    import keras
    import numpy as np

    found = {"python": platform.python_version(), "keras": keras.__version__,
             "numpy": np.__version__}
    try:
        import tensorflow as tf

        found["tensorflow"] = tf.__version__
    except ImportError:  # another Keras backend
        found["tensorflow"] = "not installed"
    return found

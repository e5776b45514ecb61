"""What the episodes train, saved and found again: models, training histories, TensorBoard logs.

``fit_outputs/<name>.keras`` holds a model and ``fit_outputs/<name>.history.json`` its training
history plus the final test metrics, the class names and the versions it was made with
(``fit_outputs/quick/`` in quick mode). Episode 07 teaches the file formats themselves.

Every episode runs on its own: a later episode asks for an earlier one's model with
:func:`load_trained_model`, which takes **your own run** from ``fit_outputs/`` if there is one,
**else the catch-up copy** committed in ``fit_outputs/catchup/`` (checked against its model
card). :func:`own_or_catchup` is that one rule, for models, histories and log folders alike.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import settings
from .files import atomic_output, atomic_write_bytes


def model_path(name: str) -> Path:
    """``fit_outputs/<name>.keras`` (``fit_outputs/quick/`` in quick mode)."""
    return settings.output_path(f"{name}.keras")


def history_path(name: str) -> Path:
    """``fit_outputs/<name>.history.json`` (``fit_outputs/quick/`` in quick mode)."""
    return settings.output_path(f"{name}.history.json")


def catchup_dir() -> Path:
    """``fit_outputs/catchup/``: the committed catch-up copies."""
    return settings.project_root() / "fit_outputs" / "catchup"


def save_model(model, name: str) -> Path:
    """Save ``model`` as ``<name>.keras`` in the output folder. The file is written beside its
    final name and renamed into place, so an interrupted save never leaves a broken model."""
    path = model_path(name)
    with atomic_output(path, suffix=".keras") as tmp:
        model.save(tmp)
    return path


def save_history(history, name: str, *, class_names=None, **metrics: float) -> Path:
    """Save a Keras ``History`` (or its ``.history`` dict) with final metrics such as
    ``test_accuracy=0.65`` as ``<name>.history.json``; returns the path."""
    record: dict[str, Any] = {
        "name": name,
        "history": {k: [float(v) for v in vals]
                    for k, vals in getattr(history, "history", history).items()},
        "metrics": {k: float(v) for k, v in metrics.items()},
        "class_names": list(class_names) if class_names is not None else None,
        "mode": "quick" if settings.is_quick() else "full",
        "versions": settings.versions(),
        "saved_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    return atomic_write_bytes(history_path(name), json.dumps(record, indent=1).encode())


def load_history(name: str) -> dict[str, Any]:
    """Read what :func:`save_history` wrote: ``record["history"]["val_accuracy"]`` etc."""
    path = history_path(name)
    if not path.is_file():
        raise FileNotFoundError(f"No saved history named {name!r} in {path.parent.name}/: run "
                                "the episode that trains it first.")
    return json.loads(path.read_text())


def load_model(name: str):
    """Load ``<name>.keras`` from the output folder, with a clear error when it is missing."""
    import keras

    path = model_path(name)
    if not path.is_file():
        raise FileNotFoundError(f"No saved model named {name!r} in {path.parent.name}/: run "
                                "the episode that trains it first.")
    return keras.models.load_model(path)


# --------------------------------------------------------------------------------------------
# Your own run, else the catch-up copy
# --------------------------------------------------------------------------------------------


def _exists(path: Path) -> bool:
    if path.is_dir():  # a log folder counts once it holds event files
        return any(path.rglob("events.out.tfevents.*"))
    return path.is_file()


def own_or_catchup(relative: str) -> tuple[Path, bool]:
    """``(path, is_own)`` of ``relative`` (e.g. ``"01_intro_cnn.keras"``,
    ``"logs/04_regularised_cnn"``): in the output folder if you made it, else in the catch-up
    folder. Raises ``FileNotFoundError`` naming both places when neither has it."""
    own = settings.output_path(relative)
    if _exists(own):
        return own, True
    copy = catchup_dir() / relative
    if _exists(copy):
        return copy, False
    raise FileNotFoundError(
        f"Neither {own.parent.name}/{own.name} (run the episode that makes it) nor a catch-up "
        f"copy in fit_outputs/catchup/ (maintainers: `python3 lesson.py catchup`).")


def _say(name: str, path: Path, is_own: bool) -> None:
    if is_own:
        print(f"Loaded {name} that you trained ({path.parent.name}/{path.name}).")
    else:
        print(f"Loaded the catch-up copy of {name} (you have not trained your own yet).")


class CatchupMismatchError(ValueError):
    """A catch-up model does not fit this installation (its model card disagrees)."""


def load_trained_model(name: str, class_names: Sequence[str] | None = None):
    """The model ``name`` (e.g. ``"01_intro_cnn"``): yours, else the catch-up copy, whose model
    card is checked (Keras version, class names, input shape, parameters). Prints which."""
    import keras

    from .modelcard import ModelCardMismatchError, load_model_with_card

    path, is_own = own_or_catchup(f"{name}.keras")
    if is_own:
        model = keras.models.load_model(path)
    else:
        try:
            model, _ = load_model_with_card(path, class_names=class_names)
        except ModelCardMismatchError as err:
            raise CatchupMismatchError(
                f"Catch-up model {name!r}: {err} Run the episode that trains it (maintainers: "
                "`python3 lesson.py catchup` retrains the copies).") from None
    _say(name, path, is_own)
    return model


def load_trained_history(name: str) -> dict[str, Any]:
    """The training record of ``name``: yours, else the catch-up copy's."""
    path, _ = own_or_catchup(f"{name}.history.json")
    return json.loads(path.read_text())


def find_log_dir(run_name: str) -> Path:
    """The TensorBoard logs of ``run_name`` (e.g. ``"04_regularised_cnn"``): yours in
    ``fit_outputs/logs/`` if you ran the episode, else the catch-up copy. Prints which."""
    path, is_own = own_or_catchup(f"logs/{run_name}")
    if is_own:
        print(f"Logs of {run_name} that you wrote ({path.parent.name}/{path.name}).")
    else:
        print(f"The catch-up copy of the logs of {run_name} (you have not written your own).")
    return path

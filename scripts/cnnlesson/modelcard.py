"""Model cards: a small JSON description written next to a saved model (episode 07).

A model file alone does not say which classes its outputs mean, what its input must look like or
how good it is. ``<stem>.card.json`` beside ``<stem>.keras`` records that, and
:func:`load_model_with_card` refuses a model whose card does not match the loaded model or what
the caller expects, with a message that says what differs and what to do.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import settings
from .files import atomic_write_bytes

CARD_SUFFIX = ".card.json"
CARD_FORMAT = 1


class ModelCardMismatchError(ValueError):
    """A model's card is missing, or disagrees with the model or with what the caller expects."""


def card_path(model_path: str | Path) -> Path:
    """``<folder>/<stem>.card.json`` for ``<folder>/<stem>.keras`` (episode 07)."""
    model_path = Path(model_path)
    return model_path.with_name(model_path.stem + CARD_SUFFIX)


def _count_params(model) -> int:
    return int(sum(int(w.numpy().size) for w in model.weights))


def write_model_card(model_path: str | Path, *, class_names: Sequence[str],
                     input_shape: Sequence[int], preprocessing: str, training_data: str,
                     test_accuracy: float, extra: dict[str, Any] | None = None,
                     model=None) -> Path:
    """Write the card of the model saved at ``model_path`` beside it (atomically) and return
    the card's path. The parameter count comes from ``model`` if given, else from loading the
    file. Episode 07 shows what goes in a card and why."""
    model_path = Path(model_path)
    if model is None:
        import keras

        if not model_path.exists():
            raise FileNotFoundError(f"No model at {model_path}: save the model before its card.")
        model = keras.models.load_model(model_path)
    card: dict[str, Any] = {
        "card_format": CARD_FORMAT,
        "model_file": model_path.name,
        "class_names": [str(c) for c in class_names],
        "input_shape": [int(d) for d in input_shape],
        "preprocessing": preprocessing,
        "training_data": training_data,
        "test_accuracy": round(float(test_accuracy), 4),
        "parameters": _count_params(model),
        "versions": settings.versions(),
        "written_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    if extra:
        card["extra"] = dict(extra)
    return atomic_write_bytes(card_path(model_path), (json.dumps(card, indent=1) + "\n").encode())


def read_model_card(model_path: str | Path) -> dict[str, Any]:
    """The card of the model at ``model_path``; :class:`ModelCardMismatchError` if it has none."""
    path = card_path(model_path)
    if not path.is_file():
        raise ModelCardMismatchError(
            f"{Path(model_path).name} has no model card ({path.name} is missing), so nothing "
            "says which classes it predicts or what input it expects. Ask whoever shared it "
            "for the card, or write one with cnnlesson.modelcard.write_model_card.")
    try:
        card = json.loads(path.read_text())
    except json.JSONDecodeError as err:
        raise ModelCardMismatchError(f"{path} is not valid JSON ({err}).") from None
    missing = [k for k in ("class_names", "input_shape", "versions") if k not in card]
    if missing:
        raise ModelCardMismatchError(f"{path} lacks the fields {missing}.")
    return card


def _major_minor(version: str) -> str:
    return ".".join(version.split(".")[:2])


def check_model_card(card: dict[str, Any], model, *, class_names: Sequence[str] | None = None,
                     input_shape: Sequence[int] | None = None) -> None:
    """Raise :class:`ModelCardMismatchError` listing every way ``card`` disagrees with
    ``model``, with the expected ``class_names`` / ``input_shape``, or with this Keras."""
    import keras

    problems = []
    saved_keras = str(card["versions"].get("keras", "?"))
    if saved_keras.split(".")[0] != keras.__version__.split(".")[0]:
        problems.append(f"it was saved with Keras {saved_keras}, this is Keras "
                        f"{keras.__version__}: install Keras {_major_minor(saved_keras)} or "
                        "retrain the model with this version")
    elif _major_minor(saved_keras) != _major_minor(keras.__version__) and model is not None:
        # Colab and other ready-made environments bring their own Keras 3; the .keras format
        # is shared across Keras 3 versions, so load, but say so.
        print(f"Note: {card.get('model_file', 'the model')} was saved with Keras {saved_keras}; "
              f"this is Keras {keras.__version__}. It loaded; if its results look wrong, "
              "retrain it with this version.")
    card_shape = [int(d) for d in card["input_shape"]]
    model_shape = [int(d) for d in model.input_shape[1:]] if model is not None else card_shape
    if model_shape != card_shape:
        problems.append(f"the card says input shape {card_shape}, the model takes "
                        f"{model_shape}: the card belongs to another model")
    card_classes = list(card["class_names"])
    if model is not None and int(model.output_shape[-1]) != len(card_classes):
        problems.append(f"the card names {len(card_classes)} classes, the model has "
                        f"{model.output_shape[-1]} outputs: the card belongs to another model")
    if model is not None and "parameters" in card and card["parameters"] != _count_params(model):
        problems.append(f"the card says {card['parameters']:,} parameters, the model has "
                        f"{_count_params(model):,}: the card belongs to another model")
    if class_names is not None and card_classes != [str(c) for c in class_names]:
        problems.append(f"it predicts the classes {card_classes}, you expect "
                        f"{list(class_names)} (same names in the same order): use a model "
                        "trained on your classes")
    if input_shape is not None and [int(d) for d in input_shape] != card_shape:
        problems.append(f"it takes images of shape {card_shape}, you expect "
                        f"{list(input_shape)}: resize your images to {card_shape}")
    if problems:
        raise ModelCardMismatchError("The model does not fit: " + "; ".join(problems) + ".")


def load_model_with_card(model_path: str | Path, *, class_names: Sequence[str] | None = None,
                         input_shape: Sequence[int] | None = None):
    """Load a ``.keras`` model and its card, check them against each other and against what
    the caller expects (episode 07); return ``(model, card)``."""
    import keras

    model_path = Path(model_path)
    if not model_path.exists():
        raise FileNotFoundError(f"No model at {model_path}.")
    card = read_model_card(model_path)
    saved_keras = str(card["versions"].get("keras", "?"))
    if saved_keras.split(".")[0] != keras.__version__.split(".")[0]:
        check_model_card(card, None)  # refuse before loading a file this Keras may misread
    model = keras.models.load_model(model_path)
    check_model_card(card, model, class_names=class_names, input_shape=input_shape)
    return model, card

"""Exercises that check themselves: ``check("03.2", model=my_model)`` in a notebook.

Each exercise of the lesson has a checker here, registered under its number (``"03.2"`` is
exercise 2 of episode 03; the checkers live in ``ep01.py`` ... ``ep08.py``). A checker looks at
what the learner made (a model, an array, a number, a history) and yields :class:`Hint` objects,
one per problem, most basic problem first; it yields nothing when the answer is right.

:func:`check` prints either a short "correct" line or the *first* problem, and escalates: the
first time a problem shows up it says what is wrong, the second time also how to fix it, the
third time the answer itself (where the checker gives one). A blank left as ``...`` in a
skeleton gets "fill in the blanks" rather than a traceback, and so does any answer the checker
cannot even inspect: :func:`check` never raises, so *Run All* never stops at an exercise.

Tests call :func:`hints` to get the list of hints without printing.
"""

from __future__ import annotations

import importlib
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

__all__ = ["Hint", "check", "exercise", "hints", "wrong_type"]


@dataclass(frozen=True)
class Hint:
    """One problem with an answer: what is wrong, how to fix it, and (last resort) the answer."""

    problem: str
    fix: str = ""
    answer: str = ""


@dataclass(frozen=True)
class Exercise:
    key: str
    title: str
    checker: Callable[..., Iterable[Hint]]
    success: str


REGISTRY: dict[str, Exercise] = {}
_attempts: Counter[tuple[str, str]] = Counter()


def exercise(key: str, title: str, success: str = ""):
    """Register the decorated function as the checker of exercise ``key`` ("NN.K")."""

    def register(checker: Callable[..., Iterable[Hint]]):
        REGISTRY[key] = Exercise(key, title, checker, success)
        return checker

    return register


def _load(key: str) -> Exercise:
    if key not in REGISTRY:
        episode = key.split(".", 1)[0]
        try:
            importlib.import_module(f"{__name__}.ep{episode}")
        except ModuleNotFoundError:
            pass
    if key not in REGISTRY:
        raise KeyError(f"There is no exercise {key!r}: check the number in the cell.")
    return REGISTRY[key]


def hints(key: str, **answers) -> list[Hint]:
    """Every problem the checker of exercise ``key`` finds in ``answers`` (empty: correct)."""
    blanks = sorted(name for name, value in answers.items() if value is Ellipsis)
    if blanks:
        names = ", ".join(f"`{name}`" for name in blanks)
        return [Hint(f"{names} still {'is' if len(blanks) == 1 else 'are'} `...`: fill in "
                     "the blanks of the skeleton first, then run the cell again.")]
    exercise_ = _load(key)
    try:
        return list(exercise_.checker(**answers))
    except Exception as err:  # a learner's answer of an unexpected kind: a hint, never a crash
        return [Hint(f"could not check this answer ({type(err).__name__}: {err}).",
                     "Make sure you pass what the exercise asks for, e.g. a Keras model for "
                     "`model=`, a NumPy array for `images=`.")]


def check(key: str, **answers) -> None:
    """Check the answer of exercise ``key`` and print the verdict (see the module docstring)."""
    try:
        found = hints(key, **answers)
        title = _load(key).title
        success = _load(key).success
    except KeyError as err:
        print(err.args[0])
        return
    head = f"Exercise {key} ({title})"
    if not found:
        print(f"✔ {head}: correct." + (f" {success}" if success else ""))
        return
    first = found[0]
    _attempts[(key, first.problem)] += 1
    level = _attempts[(key, first.problem)]
    lines = [f"✘ {head}, not yet: {first.problem}"]
    if level >= 2 and first.fix:
        lines.append(f"  Hint: {first.fix}")
    if level >= 3 and first.answer:
        lines.append(f"  Answer: {first.answer}")
    elif first.fix and level < 2:
        lines.append("  (Run the check again after a try: it then adds a hint.)")
    if len(found) > 1:
        lines.append(f"  After this, {len(found) - 1} more thing(s) to fix.")
    print("\n".join(lines))


# --------------------------------------------------------------------------------------------
# Hints and inspectors the checkers share
# --------------------------------------------------------------------------------------------


def _with_article(word: str) -> str:
    return ("an " if word[:1].lower() in "aeiou" else "a ") + word


def wrong_type(name: str, value, expected: str, fix: str = "", answer: str = "") -> Hint:
    """The hint for an answer of the wrong kind: "`model` is an int, not a Keras model."."""
    return Hint(f"`{name}` is {_with_article(type(value).__name__)}, not {expected}.",
                fix, answer)


def layers_of(model, kind: str) -> list:
    """The layers of ``model`` whose class is named ``kind`` (e.g. "Conv2D"), nested models
    included, in order."""
    found = []
    for layer in getattr(model, "layers", []):
        if type(layer).__name__ == kind:
            found.append(layer)
        if hasattr(layer, "layers"):
            found += layers_of(layer, kind)
    return found


def is_keras_model(value) -> bool:
    import keras

    return isinstance(value, keras.Model)


def loss_name(model) -> str:
    """The name of the loss ``model`` was compiled with ("" when not compiled)."""
    loss = getattr(model, "loss", None)
    if loss is None:
        return ""
    if isinstance(loss, str):
        return loss
    return getattr(loss, "name", type(loss).__name__)

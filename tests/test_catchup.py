"""Catch-up models: committed, loadable with this Keras, checked, as good as recorded, and made
by the episodes themselves (the catch-up command copies what a full run saved)."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from cnnlesson import CIFAR10_CLASSES, trained
from lessontools import budgets
from notebook_utils import ROOT

ENTRIES = budgets.load(ROOT)["catchup"]
MODELS = [n for n, e in ENTRIES.items() if any(f.endswith(".keras") for f in e["files"])]


@pytest.fixture
def no_own_models(tmp_path, monkeypatch):
    monkeypatch.setenv("CNNLESSON_OUTPUT_DIR", str(tmp_path / "own"))
    return tmp_path / "own"


@pytest.mark.parametrize("name", MODELS)
def test_every_recipe_has_a_committed_catchup_model(name):
    for suffix in (".keras", ".history.json", ".card.json"):
        path = trained.catchup_dir() / f"{name}{suffix}"
        assert path.is_file(), f"run `python3 lesson.py catchup {name}` and commit {path.name}"
        assert path.stat().st_size < 3_000_000
    record = json.loads((trained.catchup_dir() / f"{name}.history.json").read_text())
    assert record["mode"] == "full" and record["class_names"] == list(CIFAR10_CLASSES)


@pytest.mark.slow
@pytest.mark.parametrize("name", MODELS)
def test_catchup_model_loads_and_scores_as_recorded(name, no_own_models, capsys):
    import cnnlesson

    model = trained.load_trained_model(name, CIFAR10_CLASSES)
    assert "catch-up" in capsys.readouterr().out
    cifar = cnnlesson.load_cifar10()
    predictions = np.argmax(model.predict(cifar.x_test, verbose=0, batch_size=500), axis=1)
    accuracy = float(np.mean(predictions == cifar.y_test))
    recorded = trained.load_trained_history(name)["metrics"]["test_accuracy"]
    assert accuracy == pytest.approx(recorded, abs=0.03)


def test_own_model_is_preferred(no_own_models, capsys):
    from cnnlesson.models import build_intro_cnn
    from cnnlesson.trained import save_model

    save_model(build_intro_cnn(), "01_intro_cnn")
    trained.load_trained_model("01_intro_cnn", CIFAR10_CLASSES)
    assert "that you trained" in capsys.readouterr().out


def fake_catchup(tmp_path, monkeypatch, **card_changes):
    """A catch-up folder holding a copy of 01_intro_cnn whose model card has ``card_changes``."""
    folder = tmp_path / "catchup"
    folder.mkdir()
    for suffix in (".keras", ".history.json"):
        shutil.copy(trained.catchup_dir() / f"01_intro_cnn{suffix}", folder)
    card = json.loads((trained.catchup_dir() / "01_intro_cnn.card.json").read_text())
    card.update(card_changes)
    (folder / "01_intro_cnn.card.json").write_text(json.dumps(card))
    monkeypatch.setattr(trained, "catchup_dir", lambda: folder)


def test_other_keras_version_is_refused(tmp_path, monkeypatch, no_own_models):
    fake_catchup(tmp_path, monkeypatch, versions={"keras": "2.15.0"})
    with pytest.raises(trained.CatchupMismatchError, match="Keras 2.15.0.*lesson.py catchup"):
        trained.load_trained_model("01_intro_cnn", CIFAR10_CLASSES)


def test_other_class_names_are_refused(tmp_path, monkeypatch, no_own_models):
    fake_catchup(tmp_path, monkeypatch, class_names=list(reversed(CIFAR10_CLASSES)))
    with pytest.raises(trained.CatchupMismatchError, match="classes"):
        trained.load_trained_model("01_intro_cnn", CIFAR10_CLASSES)


def test_missing_model_says_what_to_run(no_own_models):
    with pytest.raises(FileNotFoundError, match="lesson.py catchup"):
        trained.load_trained_model("99_no_such_model")


@pytest.mark.parametrize("name", MODELS)
def test_every_catchup_card_matches_its_model_and_record(name):
    from cnnlesson.modelcard import load_model_with_card

    model, card = load_model_with_card(trained.catchup_dir() / f"{name}.keras",
                                       class_names=CIFAR10_CLASSES, input_shape=(32, 32, 3))
    record = json.loads((trained.catchup_dir() / f"{name}.history.json").read_text())
    assert card["test_accuracy"] == pytest.approx(record["metrics"]["test_accuracy"], abs=1e-4)
    assert card["parameters"] == model.count_params()


def test_catchup_without_card_is_refused(tmp_path, monkeypatch, no_own_models):

    fake_catchup(tmp_path, monkeypatch)
    (tmp_path / "catchup" / "01_intro_cnn.card.json").unlink()
    with pytest.raises(trained.CatchupMismatchError, match="no model card"):
        trained.load_trained_model("01_intro_cnn", CIFAR10_CLASSES)


def test_every_catchup_entry_names_an_episode_that_saves_its_files():
    for name, entry in ENTRIES.items():
        source = (ROOT / "episodes" / f"{entry['episode']}.ipynb").read_text()
        for relative in entry["files"]:
            stem = relative.removeprefix("logs/").split(".")[0]
            assert stem in source, f"{entry['episode']} does not save {relative} ({name})"


TINY_EPISODE = """import keras, numpy as np
from cnnlesson.trained import save_history, save_model
model = keras.Sequential([keras.Input((32, 32, 3)), keras.layers.Flatten(),
                          keras.layers.Dense(2, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
history = model.fit(np.zeros((4, 32, 32, 3), "uint8"), np.array([0, 1, 0, 1]), verbose=0)
save_model(model, "98_tiny")
save_history(history, "98_tiny", test_accuracy=0.5, class_names=["a", "b"])
"""


@pytest.mark.slow
def test_the_catchup_command_copies_what_a_full_run_of_the_episode_saved(tmp_path, monkeypatch):
    """No second copy of the training code: the command runs the episode and copies."""
    import nbformat

    from cnnlesson.modelcard import load_model_with_card
    from lessontools import catchup

    monkeypatch.setenv("CNNLESSON_HOME", str(tmp_path))
    (tmp_path / "episodes").mkdir()
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(TINY_EPISODE)]
    nbformat.write(nb, tmp_path / "episodes" / "98_tiny.ipynb")
    (tmp_path / "benchmarks").mkdir()
    (tmp_path / "benchmarks" / "budgets.toml").write_text(
        '[catchup.98_tiny]\nepisode = "98_tiny"\nfiles = ["98_tiny.keras", '
        '"98_tiny.history.json"]\n')
    assert catchup.main(["98_tiny"]) == 0
    folder = tmp_path / "fit_outputs" / "catchup"
    model, card = load_model_with_card(folder / "98_tiny.keras", class_names=["a", "b"])
    assert card["extra"]["made_by"] == "episodes/98_tiny.ipynb, full mode"
    assert card["test_accuracy"] == 0.5 and getattr(model, "optimizer", None) is None
    assert json.loads((folder / "98_tiny.history.json").read_text())["mode"] == "full"
    assert catchup.main(["99_unknown"]) == 2

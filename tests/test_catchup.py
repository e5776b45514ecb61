"""Catch-up models: committed, loadable with this Keras, checked, and as good as recorded."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from cnnlesson import CIFAR10_CLASSES, catchup


@pytest.fixture
def no_own_models(tmp_path, monkeypatch):
    monkeypatch.setenv("CNNLESSON_OUTPUT_DIR", str(tmp_path / "own"))
    return tmp_path / "own"


@pytest.mark.parametrize("name", list(catchup.RECIPES))
def test_every_recipe_has_a_committed_catchup_model(name):
    for suffix in (".keras", ".history.json", ".card.json"):
        path = catchup.catchup_dir() / f"{name}{suffix}"
        assert path.is_file(), f"run `python3 lesson.py catchup {name}` and commit {path.name}"
        assert path.stat().st_size < 3_000_000
    record = json.loads((catchup.catchup_dir() / f"{name}.history.json").read_text())
    assert record["mode"] == "full" and record["class_names"] == list(CIFAR10_CLASSES)


@pytest.mark.slow
@pytest.mark.parametrize("name", list(catchup.RECIPES))
def test_catchup_model_loads_and_scores_as_recorded(name, no_own_models, capsys):
    import cnnlesson

    model = catchup.load_trained_model(name, CIFAR10_CLASSES)
    assert "catch-up" in capsys.readouterr().out
    cifar = cnnlesson.load_cifar10()
    predictions = np.argmax(model.predict(cifar.x_test, verbose=0, batch_size=500), axis=1)
    accuracy = float(np.mean(predictions == cifar.y_test))
    recorded = catchup.load_trained_history(name)["metrics"]["test_accuracy"]
    assert accuracy == pytest.approx(recorded, abs=0.03)


def test_own_model_is_preferred(no_own_models, capsys):
    from cnnlesson.models import build_intro_cnn
    from cnnlesson.training import save_model

    save_model(build_intro_cnn(), "01_intro_cnn")
    catchup.load_trained_model("01_intro_cnn", CIFAR10_CLASSES)
    assert "that you trained" in capsys.readouterr().out


def fake_catchup(tmp_path, monkeypatch, **card_changes):
    """A catch-up folder holding a copy of 01_intro_cnn whose model card has ``card_changes``."""
    folder = tmp_path / "catchup"
    folder.mkdir()
    for suffix in (".keras", ".history.json"):
        shutil.copy(catchup.catchup_dir() / f"01_intro_cnn{suffix}", folder)
    card = json.loads((catchup.catchup_dir() / "01_intro_cnn.card.json").read_text())
    card.update(card_changes)
    (folder / "01_intro_cnn.card.json").write_text(json.dumps(card))
    monkeypatch.setattr(catchup, "catchup_dir", lambda: folder)


def test_other_keras_version_is_refused(tmp_path, monkeypatch, no_own_models):
    fake_catchup(tmp_path, monkeypatch, versions={"keras": "2.15.0"})
    with pytest.raises(catchup.CatchupMismatchError, match="Keras 2.15.0.*lesson.py catchup"):
        catchup.load_trained_model("01_intro_cnn", CIFAR10_CLASSES)


def test_other_class_names_are_refused(tmp_path, monkeypatch, no_own_models):
    fake_catchup(tmp_path, monkeypatch, class_names=list(reversed(CIFAR10_CLASSES)))
    with pytest.raises(catchup.CatchupMismatchError, match="classes"):
        catchup.load_trained_model("01_intro_cnn", CIFAR10_CLASSES)


def test_missing_model_says_what_to_run(no_own_models):
    with pytest.raises(FileNotFoundError, match="lesson.py catchup"):
        catchup.load_trained_model("99_no_such_model")


@pytest.mark.parametrize("name", list(catchup.RECIPES))
def test_every_catchup_card_matches_its_model_and_record(name):
    from cnnlesson.modelcard import load_model_with_card

    model, card = load_model_with_card(catchup.catchup_dir() / f"{name}.keras",
                                       class_names=CIFAR10_CLASSES, input_shape=(32, 32, 3))
    record = json.loads((catchup.catchup_dir() / f"{name}.history.json").read_text())
    assert card["test_accuracy"] == pytest.approx(record["metrics"]["test_accuracy"], abs=1e-4)
    assert card["parameters"] == model.count_params()


def test_catchup_without_card_is_refused(tmp_path, monkeypatch, no_own_models):

    fake_catchup(tmp_path, monkeypatch)
    (tmp_path / "catchup" / "01_intro_cnn.card.json").unlink()
    with pytest.raises(catchup.CatchupMismatchError, match="no model card"):
        catchup.load_trained_model("01_intro_cnn", CIFAR10_CLASSES)

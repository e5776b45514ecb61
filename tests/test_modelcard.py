"""Model cards (episode 07): written beside the model, read back, and every mismatch refused."""

from __future__ import annotations

import json

import numpy as np
import pytest

from cnnlesson.modelcard import (
    ModelCardMismatchError,
    card_path,
    load_model_with_card,
    read_model_card,
    write_model_card,
)

CLASSES = ("red", "green", "blue")


def tiny_model(num_classes: int = 3, size: int = 8):
    import keras
    from keras import layers

    keras.utils.set_random_seed(0)
    return keras.Sequential([keras.Input(shape=(size, size, 3), dtype="uint8"),
                             layers.Rescaling(1 / 255), layers.Conv2D(2, 3),
                             layers.GlobalAveragePooling2D(),
                             layers.Dense(num_classes, activation="softmax")])


@pytest.fixture
def shared(tmp_path):
    """A tiny model saved as ``tiny.keras`` with its card; returns (path, model)."""
    model = tiny_model()
    path = tmp_path / "tiny.keras"
    model.save(path)
    write_model_card(path, class_names=CLASSES, input_shape=(8, 8, 3),
                     preprocessing="uint8 RGB, 8x8", training_data="made up",
                     test_accuracy=0.123456, extra={"note": "test"})
    return path, model


def edit_card(path, **changes):
    card = json.loads(card_path(path).read_text())
    card.update(changes)
    card_path(path).write_text(json.dumps(card))


def test_card_sits_beside_the_model_and_holds_the_facts(shared):
    path, model = shared
    assert card_path(path) == path.parent / "tiny.card.json"
    card = read_model_card(path)
    assert card["class_names"] == list(CLASSES)
    assert card["input_shape"] == [8, 8, 3]
    assert card["test_accuracy"] == pytest.approx(0.1235)
    assert card["parameters"] == model.count_params()
    assert set(card["versions"]) >= {"python", "tensorflow", "keras", "numpy"}
    assert card["extra"] == {"note": "test"}
    assert card["model_file"] == "tiny.keras"
    assert sorted(p.name for p in path.parent.iterdir()) == ["tiny.card.json", "tiny.keras"]


def test_load_with_card_gives_the_same_model(shared):
    path, model = shared
    loaded, card = load_model_with_card(path, class_names=list(CLASSES), input_shape=(8, 8, 3))
    x = np.random.default_rng(0).integers(0, 256, size=(5, 8, 8, 3), dtype=np.uint8)
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    assert card["class_names"] == list(CLASSES)


def test_model_passed_in_is_not_reloaded(tmp_path):
    model = tiny_model()
    path = tmp_path / "m.keras"
    model.save(path)
    write_model_card(path, class_names=CLASSES, input_shape=(8, 8, 3), preprocessing="",
                     training_data="", test_accuracy=1.0, model=model)
    assert read_model_card(path)["parameters"] == model.count_params()


def test_card_for_a_missing_model_file_is_refused(tmp_path):
    with pytest.raises(FileNotFoundError, match="save the model before its card"):
        write_model_card(tmp_path / "nothing.keras", class_names=CLASSES, input_shape=(8, 8, 3),
                         preprocessing="", training_data="", test_accuracy=0.5)


def test_wrong_class_names_are_refused(shared):
    path, _ = shared
    with pytest.raises(ModelCardMismatchError, match=r"you expect \['cat', 'dog'\]"):
        load_model_with_card(path, class_names=["cat", "dog"])
    with pytest.raises(ModelCardMismatchError, match="same order"):
        load_model_with_card(path, class_names=["blue", "green", "red"])


def test_wrong_expected_input_shape_is_refused(shared):
    path, _ = shared
    with pytest.raises(ModelCardMismatchError, match=r"resize your images to \[8, 8, 3\]"):
        load_model_with_card(path, input_shape=(32, 32, 3))


def test_card_of_another_model_is_refused(shared):
    path, _ = shared
    edit_card(path, input_shape=[32, 32, 3])
    with pytest.raises(ModelCardMismatchError, match="belongs to another model"):
        load_model_with_card(path)


def test_card_with_a_different_number_of_classes_is_refused(shared):
    path, _ = shared
    edit_card(path, class_names=["a", "b", "c", "d"])
    with pytest.raises(ModelCardMismatchError, match="names 4 classes, the model has 3 outputs"):
        load_model_with_card(path)


def test_card_with_a_different_parameter_count_is_refused(shared):
    path, _ = shared
    edit_card(path, parameters=1)
    with pytest.raises(ModelCardMismatchError, match="parameters"):
        load_model_with_card(path)


def test_other_keras_version_is_refused(shared):
    path, _ = shared
    card = json.loads(card_path(path).read_text())
    card["versions"]["keras"] = "2.15.0"
    card_path(path).write_text(json.dumps(card))
    with pytest.raises(ModelCardMismatchError, match="saved with Keras 2.15.0"):
        load_model_with_card(path)


def test_other_keras_minor_version_loads_with_a_note(shared, capsys):
    import keras

    path, _ = shared
    major = keras.__version__.split(".")[0]
    card = json.loads(card_path(path).read_text())
    card["versions"]["keras"] = f"{major}.0.1"
    card_path(path).write_text(json.dumps(card))
    load_model_with_card(path)
    assert f"saved with Keras {major}.0.1" in capsys.readouterr().out


def test_same_keras_minor_with_another_patch_is_accepted(shared, monkeypatch):
    import keras

    path, _ = shared
    major, minor = keras.__version__.split(".")[:2]
    card = json.loads(card_path(path).read_text())
    card["versions"]["keras"] = f"{major}.{minor}.999"
    card_path(path).write_text(json.dumps(card))
    load_model_with_card(path)


def test_missing_card_is_refused_clearly(tmp_path):
    path = tmp_path / "lonely.keras"
    tiny_model().save(path)
    with pytest.raises(ModelCardMismatchError, match="has no model card"):
        load_model_with_card(path)


def test_broken_or_incomplete_card_is_refused(shared):
    path, _ = shared
    card_path(path).write_text("{not json")
    with pytest.raises(ModelCardMismatchError, match="not valid JSON"):
        read_model_card(path)
    card_path(path).write_text(json.dumps({"class_names": list(CLASSES)}))
    with pytest.raises(ModelCardMismatchError, match="lacks the fields"):
        read_model_card(path)


def test_missing_model_file_is_a_file_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        load_model_with_card(tmp_path / "gone.keras")

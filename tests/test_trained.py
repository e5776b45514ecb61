"""Unit tests of cnnlesson.trained: saving and loading models and histories (tiny models only)."""

from __future__ import annotations

import json
from types import SimpleNamespace

import numpy as np
import pytest

from cnnlesson import settings, trained

keras = pytest.importorskip("keras")
pytestmark = pytest.mark.filterwarnings(
    "ignore:__array__ implementation doesn't accept a copy keyword:DeprecationWarning")

HISTORY = {"loss": [1.5, 1.25], "accuracy": [0.25, 0.5],
           "val_loss": [1.75, 1.5], "val_accuracy": [0.125, 0.375]}


@pytest.fixture
def out_dir(tmp_path, monkeypatch):
    folder = tmp_path / "outputs"
    monkeypatch.setenv(settings.OUTPUT_DIR_VARIABLE, str(folder))
    monkeypatch.setenv(settings.MODE_VARIABLE, "quick")
    return folder.resolve()


def tiny_model(seed=0):
    keras.utils.set_random_seed(seed)
    return keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])


def predict(model, x):
    return keras.ops.convert_to_numpy(model(x, training=False))


def test_save_and_load_model(out_dir):
    model = tiny_model()
    x = np.random.default_rng(0).normal(size=(5, 4)).astype("float32")

    path = trained.save_model(model, "tiny")
    loaded = trained.load_model("tiny")

    assert path == out_dir / "tiny.keras"
    assert path.is_file()
    np.testing.assert_array_equal(predict(loaded, x), predict(model, x))
    assert sorted(p.name for p in out_dir.iterdir()) == ["tiny.keras"]


def test_save_model_replaces_older_file(out_dir):
    x = np.ones((2, 4), dtype="float32")
    trained.save_model(tiny_model(seed=0), "tiny")
    newer = tiny_model(seed=1)

    trained.save_model(newer, "tiny")

    np.testing.assert_array_equal(predict(trained.load_model("tiny"), x), predict(newer, x))
    assert sorted(p.name for p in out_dir.iterdir()) == ["tiny.keras"]


def test_paths(out_dir):
    assert trained.model_path("m") == out_dir / "m.keras"
    assert trained.history_path("m") == out_dir / "m.history.json"


def test_save_and_load_history(out_dir):
    path = trained.save_history(HISTORY, "tiny", class_names=("cat", "dog"),
                                 test_accuracy=np.float32(0.5))

    record = trained.load_history("tiny")

    assert path == out_dir / "tiny.history.json"
    assert record["name"] == "tiny"
    assert record["history"] == HISTORY
    assert record["metrics"] == {"test_accuracy": 0.5}
    assert record["class_names"] == ["cat", "dog"]
    assert record["mode"] == "quick"
    assert record["versions"]["keras"] == keras.__version__
    assert record["saved_at"]
    assert json.loads(path.read_text()) == record
    assert sorted(p.name for p in out_dir.iterdir()) == ["tiny.history.json"]


def test_save_history_of_history_object(out_dir, monkeypatch):
    monkeypatch.setenv(settings.MODE_VARIABLE, "full")
    history = SimpleNamespace(history={"loss": [np.float32(2.0), np.float64(1.0)]})

    trained.save_history(history, "obj")
    record = trained.load_history("obj")

    assert record["history"] == {"loss": [2.0, 1.0]}
    assert record["metrics"] == {}
    assert record["class_names"] is None
    assert record["mode"] == "full"


def test_load_missing_model(out_dir):
    with pytest.raises(FileNotFoundError, match="never_trained"):
        trained.load_model("never_trained")


def test_load_missing_history(out_dir):
    with pytest.raises(FileNotFoundError, match="never_trained"):
        trained.load_history("never_trained")


def test_array_batches_cover_every_example_once_per_epoch_and_reshuffle():
    import numpy as np
    import pytest

    from cnnlesson.data import array_batches

    x = np.arange(10, dtype=np.uint8).reshape(10, 1, 1, 1)
    y = np.arange(10)
    batches = array_batches(x, y, batch_size=4, seed=0)
    assert len(batches) == 3

    def epoch():
        out = [(a.numpy(), b.numpy()) for a, b in batches]
        assert all(a.dtype == np.uint8 and (a.ravel() == b).all() for a, b in out)
        return np.concatenate([b for _, b in out]).tolist()

    first, second = epoch(), epoch()
    assert sorted(first) == sorted(second) == list(range(10))
    assert first != second  # shuffled again
    fixed = array_batches(x, y, batch_size=4, shuffle=False)
    assert next(iter(fixed))[1].numpy().tolist() == [0, 1, 2, 3]
    with pytest.raises(ValueError, match="labels"):
        array_batches(x, y[:3])

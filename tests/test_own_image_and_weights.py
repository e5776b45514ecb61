"""Sharing a model (episode 07): every save/load round trip predicts exactly what the original
did, the .npz import refuses other architectures, own images are read or refused clearly, the
TensorBoard logs are found and read, and MirroredStrategy trains on two logical CPU devices."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from PIL import Image

from cnnlesson import own_image, tensorboard_logs, trained, weights_npz

CLASSES = ("red", "green", "blue")


def tiny_model(num_classes: int = 3, filters: int = 2, seed: int = 0):
    import keras
    from keras import layers

    keras.utils.set_random_seed(seed)
    return keras.Sequential([keras.Input(shape=(8, 8, 3), dtype="uint8"),
                             layers.Rescaling(1 / 255), layers.Conv2D(filters, 3),
                             layers.BatchNormalization(), layers.GlobalAveragePooling2D(),
                             layers.Dense(num_classes, activation="softmax")])


@pytest.fixture
def model_and_images():
    model = tiny_model()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    rng = np.random.default_rng(1)
    x = rng.integers(0, 256, size=(16, 8, 8, 3), dtype=np.uint8)
    model.fit(x, rng.integers(0, 3, size=16), epochs=1, verbose=0)  # moving stats change
    return model, x, model.predict(x, verbose=0)


# --------------------------------------------------------------------------------------------
# Round trips
# --------------------------------------------------------------------------------------------

def test_whole_model_round_trip(tmp_path, model_and_images):
    import keras

    model, x, reference = model_and_images
    model.save(tmp_path / "m.keras")
    reloaded = keras.models.load_model(tmp_path / "m.keras")
    np.testing.assert_array_equal(reloaded.predict(x, verbose=0), reference)


def test_weights_only_round_trip(tmp_path, model_and_images):
    model, x, reference = model_and_images
    model.save_weights(tmp_path / "m.weights.h5")
    fresh = tiny_model(seed=5)
    assert not np.array_equal(fresh.predict(x, verbose=0), reference)
    fresh.load_weights(tmp_path / "m.weights.h5")
    np.testing.assert_array_equal(fresh.predict(x, verbose=0), reference)


def test_npz_round_trip(tmp_path, model_and_images):
    model, x, reference = model_and_images
    path = weights_npz.export_weights_npz(model, tmp_path / "m.npz")
    with np.load(path) as data:
        assert len(data.files) == len(model.weights)
        first = sorted(data.files)[0]
        assert first.startswith("000/") and first.endswith("/kernel")
        np.testing.assert_array_equal(data[first], model.weights[0].numpy())
    fresh = tiny_model(seed=5)
    weights_npz.import_weights_npz(fresh, path)
    np.testing.assert_array_equal(fresh.predict(x, verbose=0), reference)
    assert [p.name for p in tmp_path.iterdir()] == ["m.npz"]  # no temporary file left


def test_savedmodel_round_trip_through_the_serving_signature(tmp_path, model_and_images):
    import tensorflow as tf

    model, x, reference = model_and_images
    model.export(tmp_path / "served", verbose=False)
    served = tf.saved_model.load(str(tmp_path / "served"))
    np.testing.assert_allclose(served.serve(tf.constant(x)).numpy(), reference, atol=1e-6)
    signature = served.signatures["serving_default"]
    outputs = signature(tf.constant(x))
    np.testing.assert_allclose(outputs["output_0"].numpy(), reference, atol=1e-6)


def test_fast_cnn_weights_fit_the_model_without_augmentation(tmp_path):
    from cnnlesson.models import build_fast_cnn

    trained = build_fast_cnn()
    rng = np.random.default_rng(2)
    trained.set_weights([rng.normal(size=w.shape).astype(w.dtype) * 0.1
                         for w in trained.get_weights()])
    x = rng.integers(0, 256, size=(4, 32, 32, 3), dtype=np.uint8)
    trained.save_weights(tmp_path / "fast.weights.h5")
    inference = build_fast_cnn(augment=False)
    inference.load_weights(tmp_path / "fast.weights.h5")
    np.testing.assert_array_equal(inference.predict(x, verbose=0),
                                  trained.predict(x, verbose=0))


# --------------------------------------------------------------------------------------------
# .npz import refuses what does not fit
# --------------------------------------------------------------------------------------------

def test_npz_of_other_shapes_is_refused_and_nothing_changes(tmp_path, model_and_images):
    model, x, reference = model_and_images
    path = weights_npz.export_weights_npz(tiny_model(filters=4), tmp_path / "other.npz")
    with pytest.raises(ValueError, match="different architecture"):
        weights_npz.import_weights_npz(model, path)
    np.testing.assert_array_equal(model.predict(x, verbose=0), reference)


def test_npz_with_another_number_of_weights_is_refused(tmp_path, model_and_images):
    import keras
    from keras import layers

    model, _, _ = model_and_images
    small = keras.Sequential([keras.Input(shape=(8, 8, 3)), layers.Flatten(), layers.Dense(3)])
    path = weights_npz.export_weights_npz(small, tmp_path / "small.npz")
    with pytest.raises(ValueError, match="holds 2 weights, the model has"):
        weights_npz.import_weights_npz(model, path)


def test_npz_paths_are_checked(tmp_path, model_and_images):
    model, _, _ = model_and_images
    with pytest.raises(ValueError, match=r"\.npz"):
        weights_npz.export_weights_npz(model, tmp_path / "weights.h5")
    with pytest.raises(FileNotFoundError):
        weights_npz.import_weights_npz(model, tmp_path / "missing.npz")


# --------------------------------------------------------------------------------------------
# Your own image
# --------------------------------------------------------------------------------------------

def test_png_of_a_32x32_image_comes_back_unchanged(tmp_path):
    image = np.random.default_rng(0).integers(0, 256, size=(32, 32, 3), dtype=np.uint8)
    Image.fromarray(image).save(tmp_path / "photo.png")
    out = own_image.read_image_for_model(tmp_path / "photo.png", (32, 32, 3))
    assert out.dtype == np.uint8
    np.testing.assert_array_equal(out, image)


def test_large_photo_is_centre_cropped_and_resized(tmp_path):
    photo = np.zeros((60, 100, 3), dtype=np.uint8)
    photo[:, 20:80] = 255  # the centred 60x60 square is white, the sides black
    Image.fromarray(photo).save(tmp_path / "wide.jpg", quality=95)
    out = own_image.read_image_for_model(tmp_path / "wide.jpg", (32, 32, 3))
    assert out.shape == (32, 32, 3) and out.dtype == np.uint8
    assert out.min() > 200  # no black border: the sides were cropped, not squashed in


def test_grey_and_rgba_images_become_rgb():
    grey = np.full((10, 10), 7, dtype=np.uint8)
    assert own_image.prepare_image(grey, (4, 4)).shape == (4, 4, 3)
    rgba = np.zeros((10, 10, 4), dtype=np.uint8)
    assert own_image.prepare_image(rgba, (4, 4)).shape == (4, 4, 3)


@pytest.mark.parametrize("bad, message", [
    (np.zeros((2, 32, 32, 3), dtype=np.uint8), "not a batch"),
    (np.zeros((32, 32, 5), dtype=np.uint8), "shape"),
    (np.zeros((32, 32, 3), dtype=np.float32), "uint8"),
])
def test_wrong_image_arrays_are_refused(bad, message):
    with pytest.raises(ValueError, match=message):
        own_image.prepare_image(bad)


def test_missing_file_is_refused(tmp_path):
    with pytest.raises(FileNotFoundError, match="No image file"):
        own_image.read_image_for_model(tmp_path / "nope.jpg")


def test_text_file_named_jpg_is_refused(tmp_path):
    path = tmp_path / "photo.jpg"
    path.write_text("not an image")
    with pytest.raises(ValueError, match="photo.jpg is not a readable image file"):
        own_image.read_image_for_model(path)


def test_model_that_wants_other_channels_is_refused(tmp_path):
    Image.fromarray(np.zeros((8, 8, 3), dtype=np.uint8)).save(tmp_path / "x.png")
    with pytest.raises(ValueError, match="RGB"):
        own_image.read_image_for_model(tmp_path / "x.png", (28, 28, 1))


def test_top_k_is_sorted_and_checked():
    assert own_image.top_k([0.1, 0.7, 0.2], CLASSES, k=2) == [
        ("green", pytest.approx(0.7)), ("blue", pytest.approx(0.2))]
    with pytest.raises(ValueError, match="2 probabilities for 3 classes"):
        own_image.top_k([0.5, 0.5], CLASSES)


def test_classify_image_file_matches_predict(tmp_path, model_and_images):
    model, x, reference = model_and_images
    Image.fromarray(x[3]).save(tmp_path / "three.png")
    image, top = own_image.classify_image_file(model, tmp_path / "three.png", CLASSES, k=3)
    np.testing.assert_array_equal(image, x[3])
    assert top[0][0] == CLASSES[int(reference[3].argmax())]
    assert top[0][1] == pytest.approx(float(reference[3].max()), abs=1e-6)


# --------------------------------------------------------------------------------------------
# TensorBoard logs
# --------------------------------------------------------------------------------------------

def write_logs(run_dir, epochs=3):
    import tensorflow as tf

    for part, offset in (("train", 0.0), ("validation", 0.1)):
        writer = tf.summary.create_file_writer(str(run_dir / part))
        with writer.as_default():
            for epoch in range(epochs):
                tf.summary.scalar("epoch_loss", 1.0 / (epoch + 1) + offset, step=epoch)
        writer.close()


def test_read_scalars_gives_steps_and_values(tmp_path):
    write_logs(tmp_path / "run", epochs=3)
    scalars = tensorboard_logs.read_scalars(tmp_path / "run")
    assert sorted(scalars) == ["train", "validation"]
    steps, values = scalars["validation"]["epoch_loss"]
    np.testing.assert_array_equal(steps, [0, 1, 2])
    np.testing.assert_allclose(values, [1.1, 0.6, 1 / 3 + 0.1], rtol=1e-6)


def test_read_scalars_without_logs_is_refused(tmp_path):
    with pytest.raises(FileNotFoundError, match="No event files"):
        tensorboard_logs.read_scalars(tmp_path)


def test_own_logs_are_preferred_to_the_catchup_copy(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CNNLESSON_OUTPUT_DIR", str(tmp_path))
    write_logs(tmp_path / "logs" / "04_regularised_cnn")
    assert trained.find_log_dir("04_regularised_cnn") == tmp_path / "logs" / "04_regularised_cnn"
    assert "that you wrote" in capsys.readouterr().out


def test_catchup_logs_of_episode_04_are_committed_and_readable(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CNNLESSON_OUTPUT_DIR", str(tmp_path))
    log_dir = trained.find_log_dir("04_regularised_cnn")
    assert "catch-up copy" in capsys.readouterr().out
    assert log_dir.parent.parent.name == "catchup"
    scalars = tensorboard_logs.read_scalars(log_dir)
    for part in ("train", "validation"):
        steps, values = scalars[part]["epoch_accuracy"]
        assert len(steps) >= 10 and np.all((values > 0.1) & (values < 1))


def test_missing_logs_say_what_to_run(tmp_path, monkeypatch):
    monkeypatch.setenv("CNNLESSON_OUTPUT_DIR", str(tmp_path))
    with pytest.raises(FileNotFoundError, match="run the episode"):
        trained.find_log_dir("99_never_trained")


# --------------------------------------------------------------------------------------------
# MirroredStrategy on two logical CPU devices (a fresh interpreter: devices are fixed at start)
# --------------------------------------------------------------------------------------------

MIRRORED_SCRIPT = textwrap.dedent("""
    import json
    import numpy as np
    import tensorflow as tf
    from cnnlesson.models import build_intro_cnn

    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, size=(64, 32, 32, 3), dtype=np.uint8)
    y = rng.integers(0, 10, size=64)
    with strategy.scope():
        model = build_intro_cnn()
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"])
    history = model.fit(x, y, batch_size=16, epochs=2, verbose=0)
    print("RESULT" + json.dumps({
        "replicas": strategy.num_replicas_in_sync,
        "devices": len(tf.config.list_logical_devices("CPU")),
        "loss": history.history["loss"],
        "variable": type(model.weights[0].value).__name__,
    }))
""")


def test_mirrored_strategy_trains_on_two_logical_cpus():
    done = subprocess.run([sys.executable, "-c", MIRRORED_SCRIPT], capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    line = next(s for s in done.stdout.splitlines() if s.startswith("RESULT"))
    result = json.loads(line[len("RESULT"):])
    assert result["replicas"] == 2 and result["devices"] == 2
    assert result["variable"] == "MirroredVariable"
    assert len(result["loss"]) == 2 and all(np.isfinite(result["loss"]))

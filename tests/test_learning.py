"""Learning checks on real CIFAR-10 (quick sizes): the lesson's models learn, not just run.

These read the real data set through the lesson's own loader (the official download, or the
mirror named by CNNLESSON_CIFAR10_MIRROR, as in CI). Chance level is 0.10.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from notebook_utils import ROOT, output_text, read

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def cifar():
    import cnnlesson

    return cnnlesson.load_cifar10()


def test_cifar10_is_complete_and_uint8(cifar):
    assert cifar.x_train.shape == (50_000, 32, 32, 3) and cifar.x_train.dtype == np.uint8
    assert cifar.x_test.shape == (10_000, 32, 32, 3) and cifar.x_test.dtype == np.uint8
    assert np.bincount(cifar.y_test).tolist() == [1000] * 10
    assert cifar.class_names[3] == "cat"


def test_helper_intro_cnn_is_the_model_episode_01_builds():
    from cnnlesson.models import build_intro_cnn

    model = build_intro_cnn()
    stored = output_text(read(ROOT / "episodes" / "01_introduction.ipynb"))
    total = int(re.search(r"Total params: ([\d,]+)", stored)[1].replace(",", ""))
    assert model.count_params() == total == 79_530
    kinds = [type(layer).__name__ for layer in model.layers]
    assert kinds == ["Rescaling", "Conv2D", "MaxPooling2D", "Conv2D", "MaxPooling2D",
                     "Flatten", "Dense", "Dense"]


def test_intro_cnn_beats_chance_by_a_clear_margin(cifar):
    import cnnlesson
    from cnnlesson.models import build_intro_cnn

    cnnlesson.set_seed(0)
    x, y = cnnlesson.stratified_subset(cifar.x_train, cifar.y_train, 5_000, seed=0)
    model = build_intro_cnn()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    model.fit(x, y, epochs=3, batch_size=64, verbose=0)
    _, accuracy = model.evaluate(cifar.x_test, cifar.y_test, verbose=0)
    assert accuracy > 0.30, f"test accuracy {accuracy:.3f}: the intro CNN did not learn"


def test_fast_cnn_has_the_documented_shape():
    import numpy as np

    from cnnlesson.models import build_fast_cnn

    model = build_fast_cnn()
    assert model.count_params() == 392_426
    assert model.inputs[0].dtype == "uint8"
    out = model.predict(np.zeros((2, 32, 32, 3), np.uint8), verbose=0)
    np.testing.assert_allclose(out.sum(axis=1), 1.0, rtol=1e-5)


def notebook_model(notebook: str, starts_with: str, stop_at: str | None = None):
    """Build the model exactly as a stored notebook's code cell does (oracle for the helpers)."""
    import keras
    from keras import layers

    nb = read(ROOT / "episodes" / f"{notebook}.ipynb")
    source = next(c.source for c in nb.cells
                  if c.cell_type == "code" and c.source.startswith(starts_with))
    if stop_at:
        source = source.split(stop_at)[0]
    namespace = {"keras": keras, "layers": layers}
    exec(compile(source, notebook, "exec"), namespace)
    return namespace


def same_architecture(a, b):
    assert [type(layer).__name__ for layer in a.layers] == \
        [type(layer).__name__ for layer in b.layers]
    assert a.count_params() == b.count_params()


def test_helpers_build_the_models_the_episodes_build():
    from cnnlesson.models import build_deeper_cnn, build_intro_cnn, build_regularised_cnn

    deeper = notebook_model("03_build_a_cnn", "deeper = keras.Sequential",
                            stop_at="deeper.summary()")["deeper"]
    same_architecture(deeper, build_deeper_cnn())
    regularised = notebook_model("04_compile_and_fit",
                                 "def make_regularised_cnn")["make_regularised_cnn"]()
    same_architecture(regularised, build_regularised_cnn())
    pets = notebook_model("04_compile_and_fit", "pets_model = keras.Sequential",
                          stop_at="pets_model.compile")["pets_model"]
    same_architecture(pets, build_intro_cnn(num_classes=1))


def train_and_test(model, x, y, x_test, y_test, *, epochs, loss="sparse_categorical_crossentropy"):
    import cnnlesson

    cnnlesson.set_seed(0)
    model.compile(optimizer="adam", loss=loss, metrics=["accuracy"])
    model.fit(x, y, epochs=epochs, batch_size=64, verbose=0)
    x_test, y_test = cnnlesson.stratified_subset(x_test, y_test, 2_000, seed=0)
    return model.evaluate(x_test, y_test, verbose=0)[1]


@pytest.mark.parametrize("builder, images, epochs, minimum", [
    ("build_deeper_cnn", 5_000, 3, 0.30),
    ("build_regularised_cnn", 5_000, 4, 0.25),
    ("build_fast_cnn", 2_500, 3, 0.30),  # the heaviest model learns fastest
])
def test_episode_models_beat_chance_by_a_clear_margin(cifar, builder, images, epochs, minimum):
    """Chance is 0.10; each model trains on a few thousand real images for a few epochs and is
    tested on 2,000 test images (every class keeps its share)."""
    import cnnlesson
    from cnnlesson import models

    x, y = cnnlesson.stratified_subset(cifar.x_train, cifar.y_train, images, seed=0)
    accuracy = train_and_test(getattr(models, builder)(), x, y, cifar.x_test, cifar.y_test,
                              epochs=epochs)
    print(f"{builder}: test accuracy {accuracy:.3f}")
    assert accuracy > minimum, f"{builder}: test accuracy {accuracy:.3f}"


def test_cats_vs_dogs_beats_a_coin_by_a_clear_margin(cifar):
    from cnnlesson.models import build_intro_cnn

    cat, dog = cifar.class_names.index("cat"), cifar.class_names.index("dog")
    train = np.isin(cifar.y_train, [cat, dog])
    test = np.isin(cifar.y_test, [cat, dog])
    accuracy = train_and_test(
        build_intro_cnn(num_classes=1), cifar.x_train[train],
        (cifar.y_train[train] == dog).astype("float32"), cifar.x_test[test],
        (cifar.y_test[test] == dog).astype("float32"), epochs=3, loss="binary_crossentropy")
    assert accuracy > 0.60, f"cats vs dogs: test accuracy {accuracy:.3f} (a coin: 0.50)"


def test_imagenet_features_beat_raw_pixels_with_1000_images(cifar):
    """Episode 06's claim on real data: the frozen pretrained backbone (through the real
    keras.applications loading code and the weights mirror) gives far better features than
    raw pixels when only 1,000 labelled images exist."""
    import keras
    from sklearn.linear_model import LogisticRegression

    import cnnlesson
    from cnnlesson.pretrained import extract_features, load_imagenet_backbone, preprocess_function

    x, y = cnnlesson.stratified_subset(cifar.x_train, cifar.y_train, 1_000, seed=0)
    x_test, y_test = cnnlesson.stratified_subset(cifar.x_test, cifar.y_test, 2_000, seed=0)
    base = load_imagenet_backbone("MobileNet", input_shape=(96, 96, 3))
    inputs = keras.Input((32, 32, 3))
    h = preprocess_function("MobileNet")(keras.layers.Resizing(96, 96)(inputs))
    extractor = keras.Model(inputs, keras.layers.GlobalAveragePooling2D()(base(h)))
    features = LogisticRegression(max_iter=2_000).fit(extract_features(extractor, x), y)
    pixels = LogisticRegression(max_iter=300).fit(x.reshape(len(x), -1) / np.float32(255), y)
    transfer = features.score(extract_features(extractor, x_test), y_test)
    raw = pixels.score(x_test.reshape(len(x_test), -1) / np.float32(255), y_test)
    assert transfer > 0.5 and transfer > 1.5 * raw, (transfer, raw)

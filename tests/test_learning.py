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
    assert model.count_params() == 391_146
    assert model.inputs[0].dtype == "uint8"
    out = model.predict(np.zeros((2, 32, 32, 3), np.uint8), verbose=0)
    np.testing.assert_allclose(out.sum(axis=1), 1.0, rtol=1e-5)

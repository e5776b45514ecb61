"""Learning check on real handwritten digits: episode 03's "from the perceptron to the CNN".

The notebook claims that on held-out digits the small CNN beats the multilayer perceptron, which
beats the perceptron. This test builds the three models and the split with the notebook's own
cells (the oracle is the episode, not a copy of it) and trains them as the notebook's full mode
does, with two seeds. scikit-learn ships the 1,797 digits (``load_digits``): no download.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from notebook_utils import ROOT, read

pytestmark = pytest.mark.slow

NOTEBOOK = ROOT / "episodes" / "03_build_a_cnn.ipynb"
SEEDS = [0, 1]


def cell_source(cell_id: str) -> str:
    return next(c.source for c in read(NOTEBOOK).cells if c.get("id") == cell_id)


def full_setting(name: str) -> int:
    """A full-mode size of the notebook's ``run_settings`` cell, e.g. ``digit_epochs``."""
    settings = cell_source("b12afa45")
    full = settings.split("full=", 1)[1].split("quick=", 1)[0]
    return int(re.search(rf'"{name}": ([\d_]+)', full)[1].replace("_", ""))


@pytest.fixture(scope="module")
def split():
    """``xd_train, xd_test, yd_train, yd_test`` made by the notebook's own loading code (the
    lines before its figure)."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    source = cell_source("digits-load").split("fig, axes")[0]
    namespace = {"load_digits": load_digits, "train_test_split": train_test_split}
    exec(compile(source, "digits-load", "exec"), namespace)
    return tuple(namespace[name] for name in ("xd_train", "xd_test", "yd_train", "yd_test"))


@pytest.fixture(scope="module")
def builders():
    """The notebook's ``digit_builders``: name -> function that builds a fresh model."""
    import keras
    from keras import layers

    namespace = {"keras": keras, "layers": layers}
    exec(compile(cell_source("digits-models"), "digits-models", "exec"), namespace)
    return namespace["digit_builders"]


def test_the_split_holds_real_stratified_uint8_digits(split):
    xd_train, xd_test, yd_train, yd_test = split
    assert xd_train.shape == (898, 8, 8, 1) and xd_test.shape == (899, 8, 8, 1)
    assert xd_train.dtype == np.uint8 and xd_train.max() == 16 and xd_train.min() == 0
    # stratified: every digit has (almost) the same count in both halves
    assert np.abs(np.bincount(yd_train) - np.bincount(yd_test)).max() <= 1
    assert len(yd_train) + len(yd_test) == 1_797 and set(yd_test) == set(range(10))


def test_the_models_are_a_perceptron_an_mlp_and_a_cnn(builders):
    kinds = {name: [type(layer).__name__ for layer in build().layers]
             for name, build in builders.items()}
    assert list(kinds) == ["perceptron", "mlp", "cnn"]
    assert kinds["perceptron"].count("Dense") == 1 and "Conv2D" not in kinds["perceptron"]
    assert kinds["mlp"].count("Dense") == 2 and "Conv2D" not in kinds["mlp"]
    assert kinds["cnn"].count("Conv2D") == 2


def test_cnn_beats_mlp_beats_perceptron_on_held_out_digits(split, builders):
    """Trained as the notebook trains them in full mode (its epochs, batches of 64, Adam),
    mean test accuracy over two seeds. Chance is 0.10."""
    import keras

    xd_train, xd_test, yd_train, yd_test = split
    assert "batch_size=64" in cell_source("digits-fit")
    epochs = full_setting("digit_epochs")
    accuracy = {name: [] for name in builders}
    for seed in SEEDS:
        for name, build in builders.items():
            keras.utils.set_random_seed(seed)
            model = build()
            model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                          metrics=["accuracy"])
            model.fit(xd_train, yd_train, batch_size=64, epochs=epochs, verbose=0)
            accuracy[name].append(model.evaluate(xd_test, yd_test, verbose=0)[1])
    mean = {name: float(np.mean(values)) for name, values in accuracy.items()}
    print("test accuracy per seed:", {n: [round(a, 3) for a in v] for n, v in accuracy.items()})
    assert mean["perceptron"] > 0.8, f"the perceptron did not learn: {accuracy}"
    assert mean["cnn"] > mean["mlp"] > mean["perceptron"], accuracy

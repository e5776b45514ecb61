"""The fast CNN's recipe (cnnlesson.fastcnn), its ablation command and the benchmark's seed runs.

The fast lane checks the pieces on tiny or synthetic data; the slow tests run the two maintainer
commands end to end on real CIFAR-10 at smoke-test size.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from cnnlesson import fastcnn
from lessontools import ablation, benchmark, instructors
from notebook_utils import ROOT


def test_recipe_changes_are_checked():
    assert fastcnn.recipe(label_smoothing=0.0)["label_smoothing"] == 0.0
    assert fastcnn.RECIPE["label_smoothing"] > 0  # recipe() returns a copy
    with pytest.raises(ValueError, match="not part of the recipe: dropout"):
        fastcnn.recipe(dropout=0.5)


def test_every_ablation_row_removes_one_known_ingredient():
    names = [name for name, _ in fastcnn.ABLATIONS]
    assert names[0] == "full recipe" and len(set(names)) == len(names)
    for name, changes in fastcnn.ABLATIONS[1:]:
        assert len(changes) == 1, name
        recipe = fastcnn.recipe(**changes)
        assert recipe != fastcnn.RECIPE, name


def test_schedule_warms_up_then_decays_to_zero():
    steps = 1_000
    schedule = fastcnn.learning_rate_schedule(steps)
    rates = np.array([float(schedule(s)) for s in range(steps + 1)])
    r = fastcnn.RECIPE
    warmup = int(r["warmup_fraction"] * steps)
    assert rates[0] == pytest.approx(r["start_learning_rate"])
    assert rates.argmax() == warmup and rates.max() == pytest.approx(r["peak_learning_rate"])
    assert rates[-1] == pytest.approx(0.0, abs=1e-7)
    assert np.all(np.diff(rates[:warmup]) > 0) and np.all(np.diff(rates[warmup:]) <= 0)
    # the constant rate of the "no schedule" row is the schedule's average (oracle: the mean
    # over every step)
    assert fastcnn.constant_learning_rate() == pytest.approx(rates.mean(), rel=0.01)
    assert fastcnn.learning_rate_schedule(steps, fastcnn.recipe(schedule=False)) == \
        fastcnn.constant_learning_rate()


def test_model_follows_the_recipe():
    from cnnlesson.models import build_fast_cnn

    model = build_fast_cnn()
    kinds = [type(layer).__name__ for layer in model.layers]
    convs = [layer for layer in model.layers if type(layer).__name__ == "Conv2D"]
    assert [c.filters for c in convs] == list(fastcnn.RECIPE["widths"])
    assert kinds.count("MaxPooling2D") == sum(fastcnn.RECIPE["pools"])
    assert kinds.count("BatchNormalization") == len(convs)
    assert not any(c.use_bias for c in convs)  # batch normalisation brings its own shift
    assert model.inputs[0].dtype == "uint8"
    out = model.predict(np.zeros((2, 32, 32, 3), np.uint8), verbose=0)
    np.testing.assert_allclose(out.sum(axis=1), 1.0, rtol=1e-5)

    plain = build_fast_cnn(batchnorm=False, augment=False)
    kinds = [type(layer).__name__ for layer in plain.layers]
    assert "BatchNormalization" not in kinds and "RandomFlip" not in kinds
    assert all(layer.use_bias for layer in plain.layers if type(layer).__name__ == "Conv2D")
    half = build_fast_cnn(widths=[w // 2 for w in fastcnn.RECIPE["widths"]])
    assert half.count_params() < model.count_params() / 3
    with pytest.raises(ValueError, match="widths but"):
        build_fast_cnn(widths=(8, 8), pools=(True,))


def test_notebook_builds_and_trains_the_recipe():
    """Episode 05's visible code and the module agree: the same architecture for every row's
    model arguments, and the recipe's numbers in the pipeline, schedule and compile cells."""
    from test_learning import notebook_model, same_architecture

    from cnnlesson.models import CIFAR10_MEAN, CIFAR10_STD, build_fast_cnn
    from notebook_utils import read

    namespace = notebook_model("05_evaluate_and_tune", "WIDTHS = (",
                               stop_at="fast_model = make_fast_cnn()")
    namespace.update(CIFAR10_MEAN=CIFAR10_MEAN, CIFAR10_STD=CIFAR10_STD)
    make = namespace["make_fast_cnn"]
    r = fastcnn.RECIPE
    assert namespace["WIDTHS"] == r["widths"] and namespace["POOLS"] == r["pools"]
    same_architecture(make(), build_fast_cnn())
    same_architecture(make(batchnorm=False, augment=False),
                      build_fast_cnn(batchnorm=False, augment=False))
    half = dict(fastcnn.ABLATIONS)["half the width"]["widths"]
    same_architecture(make(widths=half), build_fast_cnn(widths=half))

    cells = {c.get("id"): c.source for c in read(ROOT / "episodes" /
                                                   "05_evaluate_and_tune.ipynb").cells}
    assert f".batch({r['batch_size']}, drop_remainder=True)" in cells["aca25fb0"]
    assert "tf.numpy_function(take_batch" in cells["aca25fb0"]  # as training_batches does
    schedule = cells["schedule-plot"]
    assert f"int({r['warmup_fraction']} * steps)" in schedule
    assert f"    {r['start_learning_rate']}, decay_steps=steps - warmup_steps" in schedule
    assert f"warmup_target={r['peak_learning_rate']}," in schedule
    fit = cells["f5fb05bf"]
    assert f"SGD(schedule, momentum={r['momentum']}, nesterov=True, weight_decay=" in fit
    assert float(re.search(r"weight_decay=([0-9.e-]+)\)", fit)[1]) == r["weight_decay"]
    assert f"label_smoothing={r['label_smoothing']}" in fit
    assert '"fast_images": 50_000, "fast_epochs": 8' in next(
        s for s in cells.values() if s.startswith("run = cnnlesson.run_settings("))
    assert fastcnn.TRAIN_IMAGES == 50_000 and r["epochs"] == 8
    text = " ".join(cells["26545b74"].split())
    assert f"constant rate of {fastcnn.constant_learning_rate():g}, the schedule's" in text


def test_batches_stay_uint8_with_one_hot_labels():
    x = np.broadcast_to(np.arange(10, dtype=np.uint8)[:, None, None, None], (10, 32, 32, 3))
    y = np.arange(10) % 3
    batches = list(fastcnn.training_batches(x, y, 4, seed=0, num_classes=3))
    assert len(batches) == 2  # 10 images in batches of 4: the incomplete batch is dropped
    images, labels = batches[0]
    assert images.dtype == "uint8" and images.shape == (4, 32, 32, 3)
    assert labels.shape == (4, 3) and np.all(labels.numpy().sum(axis=1) == 1)
    for image, label in zip(images.numpy(), labels.numpy(), strict=True):
        assert label.argmax() == y[image[0, 0, 0]]  # image i is filled with the value i


def test_batches_are_the_shuffled_index_stream():
    """The batches are the images at a seeded shuffle of the indices, cut from the NumPy array
    (no tensor copy of the data): the same stream the stored ablation and seed runs trained on."""
    import tensorflow as tf

    x = np.arange(20, dtype=np.uint8)[:, None, None, None] * np.ones((1, 2, 2, 3), np.uint8)
    y = np.arange(20) % 4
    order = np.array(list(tf.data.Dataset.range(20).shuffle(20, seed=7).as_numpy_iterator()))
    got = list(fastcnn.training_batches(x, y, 5, seed=7, num_classes=4))
    assert len(got) == 4
    for i, (images, labels) in enumerate(got):
        picked = order[5 * i:5 * i + 5]
        assert np.array_equal(images.numpy(), x[picked])
        assert np.array_equal(labels.numpy().argmax(axis=1), y[picked])
    assert sorted(order) == list(range(20))


TABLE = {"machine": "2 CPU, x86_64", "date": "2026-12-01", "total_seconds": 1500.0, "rows": [
    {"row": "full recipe", "test_accuracy": 0.84, "test_accuracy_flip": 0.845,
     "test_accuracy_tta": 0.85, "seconds": 280.0, "epochs": 8, "parameters": 100,
     "final_training_accuracy": 0.85},
    {"row": "no label smoothing", "test_accuracy": 0.83, "test_accuracy_flip": 0.835,
     "test_accuracy_tta": 0.838, "seconds": 281.0, "epochs": 8, "parameters": 100,
     "final_training_accuracy": 0.86},
]}


def test_ablation_rows_add_the_rows_that_change_only_the_prediction():
    rows = fastcnn.ablation_rows(TABLE)
    assert [r["row"] for r in rows] == ["full recipe", fastcnn.FLIP_ROW, fastcnn.NO_TTA_ROW,
                                        "no label smoothing"]
    assert rows[1]["shown"] == 0.845 and rows[1]["change"] == pytest.approx(-0.005)
    assert rows[2]["shown"] == 0.84 and rows[2]["change"] == pytest.approx(-0.01)
    assert rows[3]["change"] == pytest.approx(-0.012)
    text = fastcnn.format_ablation(TABLE)
    assert "no test-time augmentation" in text and "-0.012" in text and "280 s" in text
    assert "0.860" in text  # the training accuracy of the last epoch
    md = ablation.markdown(TABLE)
    assert "| no label smoothing | 0.838 | -0.012 | 0.830 | 281 s | 8 | 100 |" in md


def test_ablation_lists_its_rows_and_rejects_unknown_ones(capsys):
    assert ablation.main(["--list"]) == 0
    out = capsys.readouterr().out
    assert all(name in out for name, _ in fastcnn.ABLATIONS)
    assert ablation.main(["--rows", "99"]) == 2


def test_stored_ablation_table_is_complete():
    table = fastcnn.load_ablation(ROOT)
    assert [r["row"] for r in table["rows"]] == [name for name, _ in fastcnn.ABLATIONS]
    full = table["rows"][0]
    assert full["epochs"] == fastcnn.RECIPE["epochs"]
    assert full["train_images"] == fastcnn.TRAIN_IMAGES == 50_000
    stored = {k: tuple(v) if isinstance(v, list) else v for k, v in table["recipe"].items()}
    assert stored == fastcnn.RECIPE, "the recipe changed since the table: rerun the ablation"
    assert (ROOT / ablation.MARKDOWN).read_text() == ablation.markdown(table)
    # episode 05 shows this table: its stored output is the stored table, not an older one
    from notebook_utils import cell_output_text, read

    nb = read(ROOT / "episodes" / "05_evaluate_and_tune.ipynb")
    shown = next(c for c in nb.cells if c.get("id") == "638bd7b6")
    assert fastcnn.format_ablation(table) in cell_output_text(shown)
    low, high, seeds = fastcnn.fast_cnn_seed_range(ROOT)
    assert seeds >= 3
    assert f"{seeds} seeds: test accuracy {low:.3f} to {high:.3f}" in cell_output_text(shown)


def test_missing_ablation_table_says_how_to_make_it(tmp_path):
    with pytest.raises(FileNotFoundError, match="lesson.py ablation"):
        fastcnn.load_ablation(tmp_path)


def test_seed_runs_give_the_instructor_notes_their_ranges(tmp_path, monkeypatch):
    from test_benchmark import lesson_home

    home = lesson_home(tmp_path, monkeypatch)
    results = {"episodes": {"01_introduction": {
        "mode": "full", "seconds": 100, "peak_rss_mb": 1000,
        "models": {"01_intro_cnn": {"test_accuracy": 0.651}}},
        "03_build_a_cnn": {"mode": "full", "seconds": 100, "peak_rss_mb": 1000,
                           "models": {"03_deeper_cnn": {"test_accuracy": 0.640}}}},
        "seeds": {"01_intro_cnn": {"seeds": [42, 1, 2], "test_accuracy": [0.651, 0.626, 0.64],
                                   "seconds": [90, 95, 99], "machine": "m", "date": "d"}}}
    (home / "benchmarks" / "results.json").write_text(json.dumps(results))
    table = instructors.results_table(home)
    assert "| 01 | `01_intro_cnn` | 0.651 | 0.626 to 0.651 (3 seeds, lowest to highest) |" \
        in table
    # a model without seed runs: the stored run plus or minus the widest seed range (0.025)
    assert "| 03 | `03_deeper_cnn` | 0.640 | 0.61 to 0.67 |" in table
    lines = benchmark.seed_lines(results)
    assert "| 01_intro_cnn | 42, 1, 2 | 0.651, 0.626, 0.640 | 0.626 to 0.651 | 90 to 99 s | m " \
        "| d |" in lines


def test_seed_count_is_checked():
    with pytest.raises(ValueError, match="--seeds takes 1 to"):
        benchmark.seed_runs(0)


@pytest.mark.slow
def test_ablation_smoke_run_trains_every_row(capsys):
    """Every row of the ablation trains and is scored (1 epoch on 2,000 real images); a quick
    run stores nothing."""
    before = (ROOT / fastcnn.ABLATION_FILE).read_bytes()
    assert ablation.main(["--quick"]) == 0
    out = capsys.readouterr().out
    assert out.count("test accuracy") == len(fastcnn.ABLATIONS)
    assert (ROOT / fastcnn.ABLATION_FILE).read_bytes() == before


@pytest.mark.slow
def test_seed_runs_train_both_models():
    found = benchmark.seed_runs(2, quick=True)
    assert set(found) == {"01_intro_cnn", "05_fast_cnn"}
    assert found["05_fast_cnn"]["seeds"] == [42, 1]
    assert len(found["05_fast_cnn"]["test_accuracy_tta"]) == 2
    assert all(0.0 <= a <= 1.0 for a in found["01_intro_cnn"]["test_accuracy"])


@pytest.mark.slow
def test_the_recipe_learns_on_real_images():
    """Learning check: the recipe (schedule, label smoothing, augmentation, TTA) on 5,000 real
    training images for 3 epochs beats chance (0.10) by a clear margin, and test-time
    augmentation does not hurt."""
    import cnnlesson

    cifar = cnnlesson.load_cifar10()
    x, y = cnnlesson.stratified_subset(cifar.x_train, cifar.y_train, 5_000, seed=0)
    x_test, y_test = cnnlesson.stratified_subset(cifar.x_test, cifar.y_test, 2_000, seed=0)
    result = fastcnn.train(x, y, seed=0, epochs=3)
    accuracy = fastcnn.test_accuracies(result["model"], x_test, y_test)
    assert accuracy["plain"] > 0.30, accuracy
    assert accuracy["tta"] >= accuracy["plain"] - 0.02, accuracy

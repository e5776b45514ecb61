"""Unit tests of cnnlesson.liveplot.LivePlot, driven through on_epoch_end (no training)."""

from __future__ import annotations

import io

import matplotlib.pyplot as plt
import numpy as np
import pytest

pytest.importorskip("keras")

from cnnlesson.liveplot import LivePlot, can_plot_inline  # noqa: E402

LOGS = [
    {"loss": 1.5, "accuracy": 0.25, "val_loss": 1.75, "val_accuracy": 0.125},
    {"loss": 1.25, "accuracy": 0.5, "val_loss": 1.5, "val_accuracy": 0.375},
    {"loss": 1.0, "accuracy": 0.75, "val_loss": 1.5, "val_accuracy": 0.5},
]


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def drive(callback, logs=LOGS):
    callback.on_train_begin()
    for epoch, log in enumerate(logs):
        callback.on_epoch_end(epoch, log)
    return callback


def test_records_the_history_like_keras():
    callback = drive(LivePlot(mode="text", stream=io.StringIO()))

    assert callback.history == {key: [log[key] for log in LOGS] for key in LOGS[0]}


def test_text_mode_prints_one_line_per_epoch():
    stream = io.StringIO()
    callback = LivePlot(mode="text", stream=stream)
    callback.set_params({"epochs": 3})

    drive(callback)

    lines = stream.getvalue().splitlines()
    assert len(lines) == 3
    assert lines[0] == ("epoch 1/3 - loss: 1.5000 - accuracy: 0.2500 - val_loss: 1.7500 - "
                        "val_accuracy: 0.1250")
    assert lines[2].startswith("epoch 3/3 - loss: 1.0000")
    assert callback.figure is None


def test_text_mode_without_params_or_stream(capsys):
    drive(LivePlot(mode="text"), LOGS[:2])

    assert capsys.readouterr().out.splitlines()[1].startswith("epoch 2 - loss: 1.2500")


def test_auto_mode_is_text_outside_a_jupyter_kernel(capsys):
    assert not can_plot_inline()
    callback = drive(LivePlot())

    assert not callback.plotting
    assert len(capsys.readouterr().out.splitlines()) == 3


def test_plot_mode_draws_training_and_validation_curves(capsys):
    callback = drive(LivePlot(mode="plot"))

    fig = callback.figure
    assert [ax.get_ylabel() for ax in fig.axes] == ["loss", "accuracy"]
    for ax, metric in zip(fig.axes, ("loss", "accuracy"), strict=True):
        training, validation = ax.lines
        assert training.get_label() == "training" and validation.get_label() == "validation"
        np.testing.assert_array_equal(training.get_xdata(), [1, 2, 3])
        np.testing.assert_array_equal(training.get_ydata(), [log[metric] for log in LOGS])
        np.testing.assert_array_equal(validation.get_ydata(),
                                      [log[f"val_{metric}"] for log in LOGS])
    assert fig._suptitle.get_text() == "after epoch 3"
    assert capsys.readouterr().out == ""  # plots print nothing


def test_plot_mode_redraws_one_figure_and_skips_missing_metrics():
    callback = LivePlot(metrics=("loss", "auc"), mode="plot")
    callback.on_train_begin()
    callback.on_epoch_end(0, {"loss": 2.0})
    first = callback.figure
    callback.on_epoch_end(1, {"loss": 1.0})

    assert callback.figure is first
    loss_ax, auc_ax = first.axes
    assert len(loss_ax.lines) == 1
    np.testing.assert_array_equal(loss_ax.lines[0].get_ydata(), [2.0, 1.0])
    assert not auc_ax.lines


def test_a_new_fit_starts_a_new_history():
    callback = drive(LivePlot(mode="text", stream=io.StringIO()))
    drive(callback, LOGS[:1])

    assert callback.history["loss"] == [1.5]


@pytest.mark.parametrize("kwargs", [{"mode": "graph"}, {"metrics": "loss"}, {"metrics": ()}])
def test_bad_arguments(kwargs):
    with pytest.raises(ValueError):
        LivePlot(**kwargs)


def test_works_as_a_callback_of_fit():
    import keras

    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    stream = io.StringIO()
    x = np.zeros((8, 2), "float32")

    model.fit(x, x[:, :1], epochs=2, verbose=0, callbacks=[LivePlot(("loss",), mode="text",
                                                                    stream=stream)])

    assert [line.split(" - ")[0] for line in stream.getvalue().splitlines()] == \
        ["epoch 1/2", "epoch 2/2"]

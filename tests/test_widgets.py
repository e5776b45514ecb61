"""The widgets of episode 03, tested through the plain functions behind them."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.signal import correlate2d

from cnnlesson import widgets
from cnnlesson.widgets import (
    CUSTOM,
    KERNEL_PRESETS,
    apply_kernel,
    feature_map_browser,
    feature_maps,
    kernel_explorer,
    parse_kernel,
    to_grayscale,
)

CLASSES = ["dark", "bright"]


def tiny_images(n: int = 3, size: int = 8) -> np.ndarray:
    rng = np.random.default_rng(0)
    return rng.integers(0, 256, size=(n, size, size, 3), dtype=np.uint8)


# ---- parse_kernel --------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("1 0 -1; 2 0 -2; 1 0 -1", [[1, 0, -1], [2, 0, -2], [1, 0, -1]]),
    ("1,2\n3,4", [[1, 2], [3, 4]]),
    ("  0.5  ", [[0.5]]),
    ("1 1 1;1 1 1;1 1 1;", np.ones((3, 3))),
    ("-1e-1 2; 3 4", [[-0.1, 2], [3, 4]]),
])
def test_parse_kernel_reads_rows_and_numbers(text, expected):
    kernel = parse_kernel(text)
    np.testing.assert_array_equal(kernel, np.array(expected, dtype=float))
    assert kernel.dtype == float


@pytest.mark.parametrize("text, message", [
    ("", "empty"),
    ("   ;  ", "empty"),  # only separators: no rows at all
    ("1 0 x; 2 0 -2; 1 0 -1", "'x' is not a number"),
    ("1 0; 2 0 -2", "different lengths"),
    ("1 0 -1; 2 0 -2", "square"),
    ("1 nan; 2 3", "finite"),
])
def test_parse_kernel_rejects_bad_text_with_a_clear_message(text, message):
    with pytest.raises(ValueError, match=message):
        parse_kernel(text)


def test_parse_kernel_rejects_non_text():
    with pytest.raises(ValueError, match="empty"):
        parse_kernel(None)  # type: ignore[arg-type]


# ---- apply_kernel --------------------------------------------------------------------------

def test_apply_kernel_on_a_tiny_array_by_hand():
    image = np.arange(16, dtype=float).reshape(4, 4)
    kernel = np.array([[1, 0], [0, -1]], dtype=float)
    # each output = x[i, j] - x[i+1, j+1] = -5 everywhere
    np.testing.assert_array_equal(apply_kernel(image, kernel), np.full((3, 3), -5.0))


@pytest.mark.parametrize("name", list(KERNEL_PRESETS))
def test_apply_kernel_matches_scipy_correlate2d(name):
    image = np.random.default_rng(1).random((9, 11))
    kernel = KERNEL_PRESETS[name]
    np.testing.assert_allclose(apply_kernel(image, kernel),
                               correlate2d(image, kernel, mode="valid"))
    np.testing.assert_allclose(apply_kernel(image, kernel, padding="same"),
                               correlate2d(image, kernel, mode="same"))


def test_apply_kernel_filters_each_channel():
    image = np.random.default_rng(2).random((6, 7, 3))
    kernel = parse_kernel("1 2 0; 0 -1 0; 3 0 1")
    out = apply_kernel(image, kernel)
    assert out.shape == (4, 5, 3)
    for c in range(3):
        np.testing.assert_allclose(out[..., c], correlate2d(image[..., c], kernel, mode="valid"))


@pytest.mark.parametrize("image, kernel, padding, message", [
    (np.zeros((5, 5)), np.zeros((2, 3)), "valid", "square"),
    (np.zeros((5, 5)), np.zeros((0, 0)), "valid", "square"),
    (np.zeros(5), np.zeros((3, 3)), "valid", "image must be"),
    (np.zeros((2, 2)), np.zeros((3, 3)), "valid", "smaller than the kernel"),
    (np.zeros((5, 5)), np.zeros((2, 2)), "same", "odd"),
    (np.zeros((5, 5)), np.zeros((3, 3)), "full", "padding must be"),
])
def test_apply_kernel_rejects_bad_inputs(image, kernel, padding, message):
    with pytest.raises(ValueError, match=message):
        apply_kernel(image, kernel, padding=padding)


def test_to_grayscale_scales_uint8_to_unit_range():
    image = np.array([[[0, 0, 0], [255, 255, 255]], [[30, 60, 90], [255, 0, 0]]], np.uint8)
    np.testing.assert_allclose(to_grayscale(image), [[0, 1], [60 / 255, 85 / 255]])


# ---- the kernel explorer -------------------------------------------------------------------

def test_kernel_explorer_update_returns_the_feature_map():
    images = tiny_images()
    explorer = kernel_explorer(images, [0, 1, 0], CLASSES)
    gray = to_grayscale(images[2])
    out = explorer.update(index=2, preset="blur")
    np.testing.assert_allclose(out, correlate2d(gray, np.full((3, 3), 1 / 9), mode="valid"))
    assert out is explorer.feature_map
    out = explorer.update(text="0 0 0; 0 2 0; 0 0 0")
    assert explorer.preset == CUSTOM  # typing a kernel selects it
    np.testing.assert_allclose(out, 2 * gray[1:-1, 1:-1])


def test_kernel_explorer_reports_a_bad_kernel_and_recovers():
    explorer = kernel_explorer(tiny_images(), [0, 1, 0], CLASSES)
    assert explorer.update(text="1 2; 3") is None
    assert "different lengths" in explorer.error and explorer.feature_map is None
    assert explorer.show() is None  # prints the error instead of drawing
    assert explorer.update(preset="identity") is not None and explorer.error == ""


def test_kernel_explorer_rejects_bad_controls():
    explorer = kernel_explorer(tiny_images(), [0, 1, 0], CLASSES)
    with pytest.raises(IndexError):
        explorer.update(index=3)
    with pytest.raises(ValueError, match="unknown preset"):
        explorer.update(preset="emboss")
    with pytest.raises(ValueError):
        kernel_explorer(tiny_images()[:0], [], CLASSES)


def test_kernel_explorer_controls_call_update():
    pytest.importorskip("ipywidgets")
    images = tiny_images()
    explorer = kernel_explorer(images, [0, 1, 0], CLASSES)
    explorer.controls["index"].value = 1
    explorer.controls["preset"].value = "sharpen"
    np.testing.assert_allclose(
        explorer.feature_map,
        correlate2d(to_grayscale(images[1]), KERNEL_PRESETS["sharpen"], mode="valid"))
    explorer.controls["text"].value = "1 0; 0 1"
    assert explorer.controls["preset"].value == CUSTOM
    assert explorer.feature_map.shape == (7, 7)


def test_kernel_explorer_outside_a_notebook_draws_a_static_figure():
    import matplotlib.pyplot as plt

    explorer = kernel_explorer(tiny_images(), [0, 1, 0], CLASSES)
    fig = explorer.show()
    assert fig is not None and len(fig.axes) == 3
    plt.close(fig)


def test_kernel_explorer_works_without_ipywidgets(monkeypatch):
    monkeypatch.setattr(widgets, "_try_ipywidgets", lambda: None)
    explorer = kernel_explorer(tiny_images(), [0, 1, 0], CLASSES)
    assert explorer.widget is None and explorer.controls == {}
    assert explorer.update(preset="blur").shape == (6, 6)


# ---- feature maps and the browser ----------------------------------------------------------

def small_cnn(functional: bool, with_input: bool = True):
    import keras
    from keras import layers

    keras.utils.set_random_seed(0)
    if functional:
        inputs = keras.Input(shape=(8, 8, 3))
        x = layers.Rescaling(1 / 255, name="scale")(inputs)
        x = layers.Conv2D(4, 3, activation="relu", name="conv")(x)
        x = layers.MaxPooling2D(2, name="pool")(x)
        outputs = layers.Dense(2, name="out")(layers.Flatten(name="flat")(x))
        return keras.Model(inputs, outputs)
    stack = [layers.Rescaling(1 / 255, name="scale"),
             layers.Conv2D(4, 3, activation="relu", name="conv"),
             layers.MaxPooling2D(2, name="pool"), layers.Flatten(name="flat"),
             layers.Dense(2, name="out")]
    return keras.Sequential(([keras.Input(shape=(8, 8, 3))] if with_input else []) + stack)


def conv_by_hand(model, image: np.ndarray) -> np.ndarray:
    kernel, bias = model.get_layer("conv").get_weights()
    x = image.astype(float) / 255
    out = np.stack([sum(correlate2d(x[..., c], kernel[:, :, c, f], mode="valid")
                        for c in range(3)) + bias[f] for f in range(kernel.shape[-1])], axis=-1)
    return np.maximum(out, 0)


@pytest.mark.parametrize("functional, with_input", [(True, True), (False, True), (False, False)],
                         ids=["functional", "sequential", "sequential-never-called"])
def test_feature_maps_equal_the_layer_computed_directly(functional, with_input):
    model = small_cnn(functional, with_input)
    image = tiny_images(1)[0]
    maps = feature_maps(model, image, "conv")
    assert maps.shape == (6, 6, 4)
    np.testing.assert_allclose(maps, conv_by_hand(model, image), rtol=1e-4, atol=1e-5)
    pooled = feature_maps(model, image, "pool")
    assert pooled.shape == (3, 3, 4)
    np.testing.assert_allclose(pooled, maps.reshape(3, 2, 3, 2, 4).max(axis=(1, 3)), rtol=1e-6)


def test_feature_maps_of_a_loaded_model(tmp_path):
    import keras

    model = small_cnn(functional=False)
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    image = tiny_images(1)[0]
    np.testing.assert_allclose(feature_maps(loaded, image, "conv"),
                               feature_maps(model, image, "conv"), rtol=1e-6)


def test_feature_maps_unknown_layer():
    with pytest.raises(ValueError):
        feature_maps(small_cnn(True), tiny_images(1)[0], "nope")


def test_feature_map_browser_update_and_controls():
    model = small_cnn(functional=False)
    images = tiny_images()
    browser = feature_map_browser(model, images, [0, 1, 1], CLASSES)
    assert browser.layer_names == ["scale", "conv", "pool"]  # the layers with 4-D outputs
    out = browser.update(index=1, layer="conv")
    np.testing.assert_allclose(out, conv_by_hand(model, images[1]), rtol=1e-4, atol=1e-5)
    if widgets._try_ipywidgets() is not None:
        browser.controls["index"].value = 2
        browser.controls["layer"].value = "pool"
        np.testing.assert_allclose(browser.maps, feature_maps(model, images[2], "pool"))
    with pytest.raises(ValueError, match="unknown layer"):
        browser.update(layer="out")
    with pytest.raises(IndexError):
        browser.update(index=5)


def test_feature_map_browser_plot_and_bad_models():
    import keras
    import matplotlib.pyplot as plt

    browser = feature_map_browser(small_cnn(True), tiny_images(), [0, 1, 1], CLASSES,
                                  layer_names=["conv"])
    fig = browser.show()
    assert fig is not None
    plt.close(fig)
    dense_only = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(2)])
    with pytest.raises(ValueError, match="no layer with feature maps"):
        feature_map_browser(dense_only, np.zeros((1, 4)), [0], CLASSES)


def test_redraw_in_a_notebook_puts_the_figure_or_the_error_in_the_output(monkeypatch):
    pytest.importorskip("ipywidgets")
    monkeypatch.setattr(widgets, "in_jupyter_kernel", lambda: True)
    explorer = kernel_explorer(tiny_images(), [0, 1, 0], CLASSES)
    explorer.controls["preset"].value = "blur"  # a control change redraws
    (shown,) = explorer.output.outputs
    assert shown["data"]["image/png"]
    explorer.controls["text"].value = "1 2; 3"
    (shown,) = explorer.output.outputs
    assert "different lengths" in shown["text"]


def test_show_in_a_notebook_stores_a_static_picture_beside_the_widget(monkeypatch):
    """A reader of the saved notebook without a kernel sees a picture, not 'VBox(...)'."""
    pytest.importorskip("ipywidgets")
    import IPython.display

    shown = []
    monkeypatch.setattr(widgets, "in_jupyter_kernel", lambda: True)
    monkeypatch.setattr(IPython.display, "display",
                        lambda obj, raw=False, **kw: shown.append((obj, raw)))
    kernel_explorer(tiny_images(), [0, 1, 0], CLASSES).show()
    (bundle, raw), = shown
    assert raw and bundle["image/png"] and "application/vnd.jupyter.widget-view+json" in bundle

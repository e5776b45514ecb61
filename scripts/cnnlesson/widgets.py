"""Interactive widgets of the episodes (ipywidgets).

Each widget is a thin layer over a plain function that computes what it shows (an array, a
figure); the tests call those functions directly, and the widget only wires controls to them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from .settings import in_jupyter_kernel

# --------------------------------------------------------------------------------------------
# Episode 03: the kernel explorer and the feature-map browser.
# --------------------------------------------------------------------------------------------

KERNEL_PRESETS: dict[str, np.ndarray] = {
    "edge (vertical)": np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]], dtype=float),
    "edge (horizontal)": np.array([[1, 2, 1], [0, 0, 0], [-1, -2, -1]], dtype=float),
    "blur": np.full((3, 3), 1 / 9),
    "sharpen": np.array([[0, -1, 0], [-1, 5, -1], [0, -1, 0]], dtype=float),
    "identity": np.array([[0, 0, 0], [0, 1, 0], [0, 0, 0]], dtype=float),
}
CUSTOM = "custom (type it below)"


def parse_kernel(text: str) -> np.ndarray:
    """A square kernel from text such as ``"1 0 -1; 2 0 -2; 1 0 -1"`` (episode 03): rows are
    separated by ``;`` or new lines, numbers by spaces or commas. Raises ``ValueError`` with a
    message for a learner on empty text, a word that is not a number, rows of different lengths
    or a kernel that is not square."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError("The kernel is empty: type rows of numbers, "
                         "e.g. '1 0 -1; 2 0 -2; 1 0 -1'.")
    rows = [r for r in text.replace("\n", ";").split(";") if r.strip()]
    if not rows:
        raise ValueError("The kernel is empty: it has separators but no numbers.")
    numbers = []
    for row in rows:
        values = []
        for word in row.replace(",", " ").split():
            try:
                value = float(word)
            except ValueError:
                raise ValueError(f"{word!r} is not a number.") from None
            if not np.isfinite(value):
                raise ValueError(f"{word!r} is not a finite number.")
            values.append(value)
        numbers.append(values)
    lengths = sorted({len(r) for r in numbers})
    if len(lengths) > 1:
        raise ValueError(f"The rows have different lengths ({lengths}): every row needs as many "
                         "numbers as the others.")
    if lengths[0] != len(numbers):
        raise ValueError(f"The kernel has {len(numbers)} rows of {lengths[0]} numbers: it must be "
                         "square (as many rows as columns).")
    return np.array(numbers, dtype=float)


def apply_kernel(image: np.ndarray, kernel: np.ndarray, *, padding: str = "valid") -> np.ndarray:
    """Slide ``kernel`` over ``image`` as Keras' ``Conv2D`` does (cross-correlation, stride 1,
    no bias; episode 03). A 2-D image gives a 2-D feature map; an ``(H, W, C)`` image is
    filtered channel by channel and gives ``(H', W', C)``. ``padding="same"`` pads with zeros
    so the output keeps the input's size (odd kernels)."""
    image = np.asarray(image, dtype=float)
    kernel = np.asarray(kernel, dtype=float)
    if kernel.ndim != 2 or kernel.shape[0] != kernel.shape[1] or kernel.size == 0:
        raise ValueError(f"the kernel must be a non-empty square 2-D array, not {kernel.shape}")
    if image.ndim not in (2, 3):
        raise ValueError(f"the image must be (H, W) or (H, W, C), not {image.shape}")
    k = kernel.shape[0]
    if padding == "same":
        if k % 2 == 0:
            raise ValueError("padding='same' needs an odd kernel size")
        pad = [(k // 2, k // 2)] * 2 + [(0, 0)] * (image.ndim - 2)
        image = np.pad(image, pad)
    elif padding != "valid":
        raise ValueError(f"padding must be 'valid' or 'same', not {padding!r}")
    if image.shape[0] < k or image.shape[1] < k:
        raise ValueError(f"the image {image.shape[:2]} is smaller than the kernel {kernel.shape}")
    windows = np.lib.stride_tricks.sliding_window_view(image, (k, k), axis=(0, 1))
    # windows: (H', W', k, k) for 2-D images, (H', W', C, k, k) for 3-D ones
    return np.einsum("...kl,kl->...", windows, kernel)


def to_grayscale(image: np.ndarray) -> np.ndarray:
    """An ``(H, W, 3)`` image as ``(H, W)`` float values in [0, 1] (the mean of the channels;
    ``uint8`` images are divided by 255)."""
    image = np.asarray(image)
    scale = 255.0 if image.dtype == np.uint8 else 1.0
    gray = image.mean(axis=-1) if image.ndim == 3 else image.astype(float)
    return gray / scale


def _try_ipywidgets():
    try:
        import ipywidgets
    except ImportError:
        return None
    return ipywidgets


class _Interactive:
    """Shared plumbing: controls (if ipywidgets is installed), an Output area, ``show()``."""

    controls: dict
    widget = None

    def _wire(self, controls: dict, on_change: Callable[[str], None]) -> None:
        widgets = _try_ipywidgets()
        self.controls = controls if widgets is not None else {}
        if widgets is None:
            return
        self.output = widgets.Output()
        for key, control in controls.items():
            control.observe(lambda _change, key=key: on_change(key), names="value")
        self.widget = widgets.VBox([*controls.values(), self.output])

    def _redraw(self) -> None:
        output = getattr(self, "output", None)
        if output is None or not in_jupyter_kernel():
            return
        from IPython.display import Image

        # Set the Output's content directly: capturing with `with output:` and
        # clear_output(wait=True) hung or killed kernels run by nbclient (the benchmark).
        output.outputs = ()
        if self.error:
            output.append_stdout(self.error + "\n")
            return
        output.append_display_data(Image(data=self._png()))

    def _png(self) -> bytes:
        import io

        import matplotlib.pyplot as plt

        fig = self.plot()
        png = io.BytesIO()
        fig.savefig(png, format="png", dpi=80)
        plt.close(fig)
        return png.getvalue()

    def show(self):
        """Display the controls in a notebook; elsewhere (a script, a terminal, no ipywidgets)
        draw the current state once as a static figure and return it.

        In a notebook the widget is displayed together with a static picture of its first
        state (``image/png`` in the same output): JupyterLab shows the live widget, and a
        reader of the saved notebook without a running kernel (GitHub, nbviewer) sees the
        picture instead of a bare "VBox(...)"."""
        if self.widget is not None and in_jupyter_kernel():
            import base64

            from IPython.display import display

            bundle = dict(self.widget._repr_mimebundle_())
            if not self.error:
                bundle["image/png"] = base64.b64encode(self._png()).decode()
            display(bundle, raw=True)
            self._redraw()
            return None
        if self.error:
            print(self.error)
            return None
        return self.plot()


class KernelExplorer(_Interactive):
    """State of the kernel explorer (episode 03): an image, a kernel, and the feature map."""

    def __init__(self, images: np.ndarray, labels: Sequence[int], class_names: Sequence[str]):
        if len(images) == 0:
            raise ValueError("the explorer needs at least one image")
        self.images, self.labels, self.class_names = images, labels, class_names
        self.index, self.preset, self.text = 0, "edge (vertical)", "1 0 -1; 2 0 -2; 1 0 -1"
        self.kernel = self.feature_map = None
        self.error = ""
        widgets = _try_ipywidgets()
        controls = {}
        if widgets is not None:
            controls = {
                "index": widgets.IntSlider(value=0, min=0, max=len(images) - 1,
                                           description="image"),
                "preset": widgets.Dropdown(options=[*KERNEL_PRESETS, CUSTOM],
                                           value=self.preset, description="kernel"),
                "text": widgets.Text(value=self.text, description="custom",
                                     placeholder="1 0 -1; 2 0 -2; 1 0 -1"),
            }
        self._wire(controls, self._from_controls)
        self.update()

    def _from_controls(self, changed: str) -> None:
        c = self.controls
        if changed == "text" and c["preset"].value != CUSTOM:
            c["preset"].value = CUSTOM  # typing a kernel selects it (and calls this again)
            return
        self.update(index=c["index"].value, preset=c["preset"].value, text=c["text"].value)
        self._redraw()

    def update(self, *, index: int | None = None, preset: str | None = None,
               text: str | None = None) -> np.ndarray | None:
        """Change any of image ``index``, kernel ``preset`` (a name in ``KERNEL_PRESETS`` or
        ``CUSTOM``) and custom kernel ``text``; recompute and return the feature map of the
        grayscale image (``None``, with ``self.error`` set, if the custom text is not a
        kernel). This is what the widget calls when a control changes."""
        if index is not None:
            if not 0 <= index < len(self.images):
                raise IndexError(f"image index {index} outside 0..{len(self.images) - 1}")
            self.index = int(index)
        if preset is not None:
            if preset not in KERNEL_PRESETS and preset != CUSTOM:
                raise ValueError(f"unknown preset {preset!r}; known: {[*KERNEL_PRESETS, CUSTOM]}")
            self.preset = preset
        if text is not None:
            self.text = text
            if preset is None:
                self.preset = CUSTOM  # typing a kernel selects it
        try:
            self.kernel = (parse_kernel(self.text) if self.preset == CUSTOM
                           else KERNEL_PRESETS[self.preset])
        except ValueError as error:
            self.error, self.kernel, self.feature_map = f"Not a kernel: {error}", None, None
            return None
        self.error = ""
        self.feature_map = apply_kernel(to_grayscale(self.images[self.index]), self.kernel)
        return self.feature_map

    def plot(self):
        """Image, kernel and feature map side by side; returns the figure."""
        import matplotlib.pyplot as plt

        fig, axes = plt.subplots(1, 3, figsize=(9, 3.2),
                                 gridspec_kw={"width_ratios": [1, 0.7, 1]})
        axes[0].imshow(self.images[self.index])
        axes[0].set_title(f"image {self.index}: {self.class_names[self.labels[self.index]]}",
                          fontsize=10)
        axes[1].imshow(self.kernel, cmap="coolwarm",
                       vmin=-np.abs(self.kernel).max(), vmax=np.abs(self.kernel).max())
        if self.kernel.shape[0] <= 7:
            for (i, j), v in np.ndenumerate(self.kernel):
                axes[1].text(j, i, f"{v:.2g}", ha="center", va="center", fontsize=8)
        axes[1].set_title(f"kernel: {self.preset}", fontsize=10)
        axes[2].imshow(self.feature_map, cmap="gray")
        axes[2].set_title(f"feature map {self.feature_map.shape[0]}×{self.feature_map.shape[1]}",
                          fontsize=10)
        for ax in axes:
            ax.axis("off")
        fig.tight_layout()
        return fig


def kernel_explorer(images: np.ndarray, labels: Sequence[int],
                    class_names: Sequence[str]) -> KernelExplorer:
    """Episode 03's kernel explorer: pick an image and a kernel (a preset or one you type, e.g.
    ``"1 0 -1; 2 0 -2; 1 0 -1"``) and see the feature map. Call ``.show()`` to display it;
    ``.update(...)`` is what the controls call, and returns the feature map."""
    return KernelExplorer(images, labels, class_names)


def feature_maps(model, image: np.ndarray, layer_name: str) -> np.ndarray:
    """The output of layer ``layer_name`` of ``model`` for one ``image`` (H, W, C), without the
    batch axis, e.g. ``(30, 30, 16)`` for a Conv2D layer with 16 filters (episode 03). Works for
    Sequential and functional models, also a Sequential model that was never called."""
    import keras

    batch = np.asarray(image)[None]
    try:
        inputs = model.inputs
    except (AttributeError, ValueError):
        inputs = None
    if not inputs:  # a Sequential model without an Input: calling it once defines its inputs
        model(batch)
        inputs = model.inputs
    layer = model.get_layer(layer_name)
    probe = keras.Model(inputs=inputs[0] if len(inputs) == 1 else inputs, outputs=layer.output)
    return keras.ops.convert_to_numpy(probe(batch, training=False))[0]


class FeatureMapBrowser(_Interactive):
    """State of the feature-map browser (episode 03): a model, an image, a layer, its maps."""

    def __init__(self, model, images: np.ndarray, labels: Sequence[int],
                 class_names: Sequence[str], layer_names: Sequence[str] | None = None):
        if len(images) == 0:
            raise ValueError("the browser needs at least one image")
        self.model, self.images, self.labels, self.class_names = model, images, labels, class_names
        if layer_names is None:
            feature_maps(model, images[0], model.layers[0].name)  # builds an uncalled model
            layer_names = [layer.name for layer in model.layers if len(layer.output.shape) == 4]
        if not layer_names:
            raise ValueError("the model has no layer with feature maps (4-D outputs)")
        self.layer_names = list(layer_names)
        self.index, self.layer_name, self.maps, self.error = 0, self.layer_names[0], None, ""
        widgets = _try_ipywidgets()
        controls = {}
        if widgets is not None:
            controls = {
                "index": widgets.IntSlider(value=0, min=0, max=len(images) - 1,
                                           description="image"),
                "layer": widgets.Dropdown(options=self.layer_names, value=self.layer_name,
                                          description="layer"),
            }
        self._wire(controls, self._from_controls)
        self.update()

    def _from_controls(self, _changed: str) -> None:
        self.update(index=self.controls["index"].value, layer=self.controls["layer"].value)
        self._redraw()

    def update(self, *, index: int | None = None, layer: str | None = None) -> np.ndarray:
        """Change the image ``index`` and/or the ``layer``; recompute and return its feature
        maps ``(H, W, channels)``. This is what the widget calls when a control changes."""
        if index is not None:
            if not 0 <= index < len(self.images):
                raise IndexError(f"image index {index} outside 0..{len(self.images) - 1}")
            self.index = int(index)
        if layer is not None:
            if layer not in self.layer_names:
                raise ValueError(f"unknown layer {layer!r}; choose one of {self.layer_names}")
            self.layer_name = layer
        self.maps = feature_maps(self.model, self.images[self.index], self.layer_name)
        return self.maps

    def plot(self, max_maps: int = 16):
        """The image and the first ``max_maps`` feature maps of the layer; returns the figure."""
        import matplotlib.pyplot as plt

        n = min(max_maps, self.maps.shape[-1])
        columns = 9
        rows = int(np.ceil((n + 1) / columns))
        fig, axes = plt.subplots(rows, columns, figsize=(columns * 1.2, rows * 1.35),
                                 squeeze=False)
        for ax in axes.flat:
            ax.axis("off")
        axes.flat[0].imshow(self.images[self.index])
        axes.flat[0].set_title(self.class_names[self.labels[self.index]], fontsize=8)
        for i in range(n):
            axes.flat[i + 1].imshow(self.maps[..., i], cmap="viridis")
            axes.flat[i + 1].set_title(f"{self.layer_name}:{i}", fontsize=7)
        fig.suptitle(f"layer {self.layer_name}: {self.maps.shape[-1]} maps of "
                     f"{self.maps.shape[0]}×{self.maps.shape[1]}", fontsize=10)
        fig.tight_layout()
        return fig


def feature_map_browser(model, images: np.ndarray, labels: Sequence[int],
                        class_names: Sequence[str],
                        layer_names: Sequence[str] | None = None) -> FeatureMapBrowser:
    """Episode 03's feature-map browser: pick a test image and a layer of a trained model and
    see the layer's feature maps. Call ``.show()`` to display it; ``.update(...)`` is what the
    controls call, and returns the maps."""
    return FeatureMapBrowser(model, images, labels, class_names, layer_names)


# --------------------------------------------------------------------------------------------
# Episode 05: the prediction browser.
# --------------------------------------------------------------------------------------------

def prediction_at(index: int, images: np.ndarray, probabilities: np.ndarray,
                  labels: Sequence[int]) -> tuple[np.ndarray, np.ndarray, int]:
    """The ``index``-th image, its row of class ``probabilities`` and its true label (episode
    05). ``images``, ``probabilities`` and ``labels`` must be in the same order, which is why
    the test set is never shuffled. Raises ``IndexError`` outside ``0..len(images) - 1``."""
    if not len(images) == len(probabilities) == len(labels):
        raise ValueError(f"images ({len(images)}), probabilities ({len(probabilities)}) and "
                         f"labels ({len(labels)}) must have the same length")
    if not 0 <= index < len(images):
        raise IndexError(f"image index {index} outside 0..{len(images) - 1}")
    return images[index], np.asarray(probabilities[index]), int(labels[index])


class PredictionBrowser(_Interactive):
    """State of the prediction browser (episode 05): test images, the model's probabilities
    for them (computed once, e.g. ``model.predict(x_test)``) and the image on show."""

    def __init__(self, images: np.ndarray, probabilities: np.ndarray, labels: Sequence[int],
                 class_names: Sequence[str], index: int = 0):
        if len(images) == 0:
            raise ValueError("the browser needs at least one image")
        if np.shape(probabilities)[-1] != len(class_names):
            raise ValueError(f"{np.shape(probabilities)[-1]} probabilities per image but "
                             f"{len(class_names)} class names")
        self.images, self.probabilities = images, probabilities
        self.labels, self.class_names = labels, class_names
        self.index, self.error = 0, ""
        self.image = self.probs = self.label = None
        widgets = _try_ipywidgets()
        controls = {}
        if widgets is not None:
            controls = {"index": widgets.IntSlider(value=index, min=0, max=len(images) - 1,
                                                   description="test image")}
        self._wire(controls, self._from_controls)
        self.update(index=index)

    def _from_controls(self, _changed: str) -> None:
        self.update(index=self.controls["index"].value)
        self._redraw()

    def update(self, *, index: int) -> np.ndarray:
        """Show test image ``index``: returns its class probabilities (what the widget calls
        when the slider moves)."""
        self.image, self.probs, self.label = prediction_at(index, self.images,
                                                           self.probabilities, self.labels)
        self.index = int(index)
        return self.probs

    def plot(self):
        """The image beside a bar chart of its class probabilities; returns the figure."""
        from .plotting import plot_prediction

        fig = plot_prediction(self.image, self.probs, self.class_names, true_label=self.label)
        fig.axes[0].set_title(f"test image {self.index}\n" + fig.axes[0].get_title(),
                              fontsize=10)
        return fig


def prediction_browser(images: np.ndarray, probabilities: np.ndarray, labels: Sequence[int],
                       class_names: Sequence[str], index: int = 0) -> PredictionBrowser:
    """Episode 05's prediction browser: move a slider to pick a test image and see it beside
    the model's class probabilities. Call ``.show()`` to display it; ``.update(index=...)`` is
    what the slider calls, and returns the probabilities."""
    return PredictionBrowser(images, probabilities, labels, class_names, index)

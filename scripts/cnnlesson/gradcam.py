"""Where does a CNN look? Grad-CAM heatmaps (episode 05).

Grad-CAM (Selvaraju et al., 2017, https://arxiv.org/abs/1610.02391, section 3) as published:

1. take the feature maps A at the end of the last convolutional block (after its batch
   normalisation and ReLU, when it has them: the block's *activation*);
2. differentiate the class's **pre-softmax score** y_c (its logit) with respect to every map;
3. weight each map by the mean of its gradient over the positions, add the weighted maps up
   and keep the positive part (ReLU);
4. scale the result to [0, 1] (our addition, for plotting).

When the model ends in a softmax (a ``Dense(..., activation="softmax")`` or an
``Activation("softmax")`` layer), :func:`grad_cam` switches that softmax off while it computes
the gradient, so y_c is the score *before* the softmax; the model is left as it was. A model
whose last layer is not a softmax is used as it is (its output is taken as the score).

Works for ``keras.Sequential`` models (also ones loaded from a ``.keras`` file) and for
functional models; with the TensorFlow backend.
"""

from __future__ import annotations

from contextlib import contextmanager

import numpy as np

# Layers that keep a feature map's shape and act position by position: they belong to the
# convolutional block that ends in them (Conv2D -> BatchNormalization -> ReLU).
_BLOCK_TAIL = ("BatchNormalization", "Activation", "ReLU", "LeakyReLU", "ELU", "PReLU")


def _has_conv(layer) -> bool:
    import keras

    if isinstance(layer, keras.layers.Conv2D):
        return True
    return isinstance(layer, keras.Model) and any(_has_conv(inner) for inner in layer.layers)


def last_conv_layer(model) -> str:
    """The name of the model's last top-level ``Conv2D`` layer (or of the last nested model
    that contains one, such as a pretrained base). Raises ``ValueError`` when there is none."""
    for layer in reversed(model.layers):
        if _has_conv(layer):
            return layer.name
    raise ValueError(f"Model {model.name!r} has no Conv2D layer: Grad-CAM needs the feature maps "
                     "of a convolution layer.")


def _feeds(first, second) -> bool:
    """Whether layer ``second`` takes exactly the output of layer ``first``."""
    try:
        return second.input is first.output
    except (AttributeError, ValueError):
        return False


def last_conv_block(model) -> str:
    """The name of the layer whose output Grad-CAM uses by default: the end of the model's
    last convolutional block. Starting at :func:`last_conv_layer`, it follows the layers that
    directly take its output and act position by position (batch normalisation, activations),
    so for ``Conv2D -> BatchNormalization -> Activation("relu")`` it is the activation layer,
    and for ``Conv2D(..., activation="relu")`` the convolution itself."""
    import keras

    name = last_conv_layer(model)
    index = [layer.name for layer in model.layers].index(name)
    sequential = isinstance(model, keras.Sequential)
    for current, following in zip(model.layers[index:-1], model.layers[index + 1:], strict=True):
        if type(following).__name__ not in _BLOCK_TAIL:
            break
        if not (sequential or _feeds(current, following)):
            break
        name = following.name
    return name


def _is_softmax(layer) -> bool:
    activation = getattr(layer, "activation", None)
    return getattr(activation, "__name__", "") == "softmax"


@contextmanager
def _without_softmax(model):
    """Switch off the softmax of the model's last layer (if it has one) inside the block."""
    import keras

    last = model.layers[-1]
    if not _is_softmax(last):
        yield False
        return
    saved = last.activation
    last.activation = keras.activations.linear
    try:
        yield True
    finally:
        last.activation = saved


def _feature_maps_and_scores(model, layer_name: str, batch):
    """Run ``model`` on ``batch`` and return (output of ``layer_name``, model output)."""
    import keras

    if isinstance(model, keras.Sequential):
        # Layer by layer: a Sequential model (also one loaded from a file) is its layers in
        # order, and this needs no sub-model cut from its graph.
        maps, x = None, batch
        for layer in model.layers:
            x = layer(x, training=False)
            if layer.name == layer_name:
                maps = x
        return maps, x
    grad_model = keras.Model(model.input, [model.get_layer(layer_name).output, model.outputs[0]])
    return grad_model(batch, training=False)


def grad_cam(model, image: np.ndarray, class_index: int | None = None,
             layer_name: str | None = None) -> np.ndarray:
    """Grad-CAM heatmap of one ``image`` (height x width x channels, as the model takes it) for
    ``class_index`` (default: the predicted class), from the gradient of the class's
    pre-softmax score, at ``layer_name`` (default: the end of the last convolutional block, see
    :func:`last_conv_block`). Returns a float32 array of the layer's height x width with
    values in [0, 1] (all zeros when nothing speaks for the class)."""
    import tensorflow as tf

    layer_name = layer_name or last_conv_block(model)
    model.get_layer(layer_name)  # a clear ValueError for a wrong name
    image = np.asarray(image)
    if image.ndim != 3:
        raise ValueError(f"grad_cam takes one image (height, width, channels), got shape "
                         f"{image.shape}")
    batch = tf.convert_to_tensor(image[np.newaxis].astype("float32"))
    with _without_softmax(model), tf.GradientTape() as tape:
        maps, scores = _feature_maps_and_scores(model, layer_name, batch)
        if class_index is None:
            class_index = int(tf.argmax(scores[0]))  # the softmax keeps the order of the scores
        score = scores[0, class_index]
    if maps is None or len(maps.shape) != 4:
        raise ValueError(f"layer {layer_name!r} does not give feature maps (batch, height, width, "
                         "channels)")
    grads = tape.gradient(score, maps)
    weights = tf.reduce_mean(grads, axis=(0, 1, 2))  # one weight per feature map
    cam = tf.nn.relu(tf.reduce_sum(maps[0] * weights, axis=-1)).numpy().astype("float32")
    peak = float(cam.max())
    return cam / peak if peak > 0 else np.zeros_like(cam)


# Dark for low, bright yellow for high: perceptually uniform and readable with the common
# colour-vision deficiencies (jet, the map of the original paper, is neither).
HEATMAP_CMAP = "inferno"


def plot_grad_cam(images: np.ndarray, heatmaps, titles=None, *, alpha: float = 0.45,
                  size: float = 2.0):
    """Each image twice: as it is, and with its heatmap stretched over it (episode 05).
    Returns the matplotlib figure."""
    import matplotlib.pyplot as plt

    n = len(images)
    fig, axes = plt.subplots(2, n, figsize=(n * size, 2 * size + 0.4), squeeze=False)
    for i in range(n):
        height, width = images[i].shape[:2]
        extent = (-0.5, width - 0.5, height - 0.5, -0.5)
        for ax in axes[:, i]:
            ax.imshow(images[i])
            ax.axis("off")
        axes[1, i].imshow(heatmaps[i], cmap=HEATMAP_CMAP, alpha=alpha, extent=extent,
                          interpolation="bilinear", vmin=0, vmax=1)
        if titles is not None:
            axes[0, i].set_title(titles[i], fontsize=9)
    fig.tight_layout()
    return fig

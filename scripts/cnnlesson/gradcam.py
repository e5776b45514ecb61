"""Where does a CNN look? Grad-CAM heatmaps (episode 05).

Grad-CAM (Selvaraju et al., 2017, https://arxiv.org/abs/1610.02391) weights each feature map
of a convolution layer by how much the class score grows when that map grows (the mean of its
gradient), adds them up, keeps the positive part and scales the result to [0, 1]. Bright cells
of the heatmap are the image regions that pushed the model towards the class.

Works for ``keras.Sequential`` models (also ones loaded from a ``.keras`` file) and for
functional models; with the TensorFlow backend.
"""

from __future__ import annotations

import numpy as np


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


def _feature_maps_and_scores(model, layer_name: str, batch):
    """Run ``model`` on ``batch`` and return (output of ``layer_name``, model output)."""
    import keras

    if isinstance(model, keras.Sequential):
        # Layer by layer: a Sequential model (also one loaded from a file) has no graph that a
        # sub-model could be cut from reliably, but it is just its layers in order.
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
    ``class_index`` (default: the predicted class), at ``layer_name`` (default: the last
    ``Conv2D`` layer, see :func:`last_conv_layer`). Returns a float32 array of the layer's
    height x width with values in [0, 1] (all zeros when nothing speaks for the class)."""
    import tensorflow as tf

    layer_name = layer_name or last_conv_layer(model)
    model.get_layer(layer_name)  # a clear ValueError for a wrong name
    image = np.asarray(image)
    if image.ndim != 3:
        raise ValueError(f"grad_cam takes one image (height, width, channels), got shape "
                         f"{image.shape}")
    batch = tf.convert_to_tensor(image[np.newaxis].astype("float32"))
    with tf.GradientTape() as tape:
        maps, scores = _feature_maps_and_scores(model, layer_name, batch)
        if class_index is None:
            class_index = int(tf.argmax(scores[0]))
        score = scores[0, class_index]
    if maps is None or len(maps.shape) != 4:
        raise ValueError(f"layer {layer_name!r} does not give feature maps (batch, height, width, "
                         "channels)")
    grads = tape.gradient(score, maps)
    weights = tf.reduce_mean(grads, axis=(0, 1, 2))  # one weight per feature map
    cam = tf.nn.relu(tf.reduce_sum(maps[0] * weights, axis=-1)).numpy().astype("float32")
    peak = float(cam.max())
    return cam / peak if peak > 0 else np.zeros_like(cam)


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
        axes[1, i].imshow(heatmaps[i], cmap="jet", alpha=alpha, extent=extent,
                          interpolation="bilinear", vmin=0, vmax=1)
        if titles is not None:
            axes[0, i].set_title(titles[i], fontsize=9)
    fig.tight_layout()
    return fig

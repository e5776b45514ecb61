"""Plots the episodes share: image grids, training curves, one prediction."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def plot_image_grid(images: np.ndarray, labels: Sequence[int], class_names: Sequence[str], *,
                    predictions: Sequence[int] | None = None, columns: int = 8,
                    size: float = 1.4):
    """Show images in a grid, each titled with its class (episode 01 "look at the data").

    With ``predictions``, titles read ``true / predicted`` and wrong ones are red.
    Returns the matplotlib figure.
    """
    import matplotlib.pyplot as plt

    n = len(images)
    rows = int(np.ceil(n / columns))
    fig, axes = plt.subplots(rows, columns, figsize=(columns * size, rows * (size + 0.25)),
                             squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i >= n:
            continue
        ax.imshow(images[i])
        title, color = class_names[labels[i]], "black"
        if predictions is not None:
            title = f"{class_names[labels[i]]}\n/ {class_names[predictions[i]]}"
            color = "black" if predictions[i] == labels[i] else "red"
        ax.set_title(title, fontsize=8, color=color)
    fig.tight_layout()
    return fig


def plot_history(history, metrics: Sequence[str] = ("loss", "accuracy")):
    """Training vs validation curves, one panel per metric (episodes 01 and 04).

    Accepts a Keras ``History``, its ``.history`` dict, or a record from ``load_history``.
    """
    import matplotlib.pyplot as plt

    hist = getattr(history, "history", history)
    hist = hist.get("history", hist)
    fig, axes = plt.subplots(1, len(metrics), figsize=(5 * len(metrics), 3.4), squeeze=False)
    for ax, metric in zip(axes.flat, metrics, strict=True):
        draw_curves(ax, hist, metric)
    fig.tight_layout()
    return fig


def draw_curves(ax, history: dict, metric: str) -> None:
    """Draw ``metric`` and ``val_<metric>`` of a history dict against the epoch on ``ax``: the
    one curve drawer behind :func:`plot_history` and the live plot of episode 04."""
    for key, label in ((metric, "training"), (f"val_{metric}", "validation")):
        if key in history:
            values = history[key]
            ax.plot(np.arange(1, len(values) + 1), values, "o-", label=label)
    if not ax.lines:
        return
    epochs = np.arange(1, len(history.get(metric, history.get(f"val_{metric}", []))) + 1)
    ax.set_xticks(epochs if len(epochs) <= 20 else epochs[:: len(epochs) // 10])
    ax.set_xlabel("epoch")
    ax.set_ylabel(metric)
    ax.grid(alpha=0.3)
    ax.legend()


# Bars of plot_prediction: the predicted class when right, when wrong, and the other classes
# (blue against vermillion from the Okabe-Ito palette, which the common colour-vision
# deficiencies keep apart; the other classes in light grey).
RIGHT_COLOUR, WRONG_COLOUR, OTHER_COLOUR = "#0072B2", "#D55E00", "#BBBBBB"


def plot_prediction(image: np.ndarray, probabilities: np.ndarray, class_names: Sequence[str],
                    true_label: int | None = None):
    """One image beside a bar chart of the model's class probabilities (episode 01): the
    predicted class's bar blue when it is right, vermillion (red) when it is wrong, the others
    grey."""
    import matplotlib.pyplot as plt

    probabilities = np.asarray(probabilities).ravel()
    predicted = int(np.argmax(probabilities))
    fig, (ax_img, ax_bar) = plt.subplots(1, 2, figsize=(8, 3),
                                         gridspec_kw={"width_ratios": [1, 1.6]})
    ax_img.imshow(image)
    ax_img.axis("off")
    title = f"predicted: {class_names[predicted]}"
    if true_label is not None:
        title = f"true: {class_names[true_label]}\n" + title
    ax_img.set_title(title, fontsize=10)
    colors = [OTHER_COLOUR] * len(class_names)
    colors[predicted] = WRONG_COLOUR if true_label is not None and predicted != true_label \
        else RIGHT_COLOUR
    ax_bar.barh(range(len(class_names)), probabilities, color=colors)
    ax_bar.set_yticks(range(len(class_names)), class_names)
    ax_bar.invert_yaxis()
    ax_bar.set_xlim(0, 1)
    ax_bar.set_xlabel("probability")
    fig.tight_layout()
    return fig


def plot_channels(image: np.ndarray, *, size: float = 2.6):
    """One RGB image beside its red, green and blue channels (episode 02 "images as arrays").

    Each channel is drawn in shades of its own colour on a fixed 0–255 scale, from white (none
    of that colour) to a deep shade (full). Returns the matplotlib figure.
    """
    import matplotlib.pyplot as plt

    image = np.asarray(image)
    if image.ndim != 3 or image.shape[-1] != 3:
        raise ValueError(f"expected one RGB image of shape (height, width, 3), got {image.shape}")
    fig, axes = plt.subplots(1, 4, figsize=(4 * size, size + 0.3))
    axes[0].imshow(image)
    axes[0].set_title("image", fontsize=9)
    vmax = 255 if image.dtype == np.uint8 else max(float(image.max()), 1e-12)
    for i, (channel, cmap) in enumerate(zip(("red", "green", "blue"), ("Reds", "Greens", "Blues"),
                                            strict=True)):
        axes[i + 1].imshow(image[..., i], cmap=cmap, vmin=0, vmax=vmax)
        axes[i + 1].set_title(f"{channel} channel", fontsize=9)
    for ax in axes:
        ax.axis("off")
    fig.tight_layout()
    return fig


def plot_class_counts(counts, *, title: str | None = None):
    """Bar plot of how many images each class has (episode 02 "check the class balance").

    ``counts`` is one ``{class name: count}`` dict (``cnnlesson.class_counts``) or a dict of
    them, one per split (``{"train": {...}, "validation": {...}}``), drawn as grouped bars.
    Returns the matplotlib figure.
    """
    import matplotlib.pyplot as plt

    if not counts:
        raise ValueError("no counts to plot")
    groups = counts if all(isinstance(v, dict) for v in counts.values()) else {"": counts}
    class_names = list(next(iter(groups.values())))
    for name, group in groups.items():
        if list(group) != class_names:
            raise ValueError(f"split {name!r} names other classes than the first split")
    width = 0.8 / len(groups)
    fig, ax = plt.subplots(figsize=(max(6.0, 0.7 * len(class_names)), 3.2))
    positions = np.arange(len(class_names))
    for i, (name, group) in enumerate(groups.items()):
        ax.bar(positions + (i - (len(groups) - 1) / 2) * width, list(group.values()), width,
               label=name or None)
    ax.set_xticks(positions, class_names, rotation=45, ha="right")
    ax.set_ylabel("images")
    if len(groups) > 1:
        ax.legend()
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def plot_augmentations(image: np.ndarray, augment, n: int = 11, *, columns: int = 6,
                       size: float = 1.6):
    """The original image followed by ``n`` randomly augmented versions of it (episode 02).

    ``augment`` is called once on a batch of ``n`` copies as ``augment(batch, training=True)``
    (a Keras layer or model of random preprocessing layers, or any function with that
    signature), so every copy gets its own random transformation. Returns the figure.
    """
    import matplotlib.pyplot as plt

    image = np.asarray(image)
    if image.ndim != 3:
        raise ValueError(f"expected one image (height, width, channels), got {image.shape}")
    if n < 1:
        raise ValueError("n must be at least 1")
    batch = np.repeat(image[np.newaxis], n, axis=0)
    augmented = np.asarray(augment(batch, training=True))
    if augmented.shape[0] != n:
        raise ValueError(f"augment returned {augmented.shape[0]} images for a batch of {n}")
    if image.dtype == np.uint8:  # the layers return floats; show them as the original type
        augmented = np.clip(np.round(augmented), 0, 255).astype(np.uint8)
    rows = int(np.ceil((n + 1) / columns))
    fig, axes = plt.subplots(rows, columns, figsize=(columns * size, rows * (size + 0.2)),
                             squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i <= n:
            ax.imshow(image if i == 0 else augmented[i - 1])
            ax.set_title("original" if i == 0 else f"augmented {i}", fontsize=8)
    fig.tight_layout()
    return fig

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
        epochs = np.arange(1, len(hist[metric]) + 1)
        ax.plot(epochs, hist[metric], "o-", label="training")
        if f"val_{metric}" in hist:
            ax.plot(epochs, hist[f"val_{metric}"], "o-", label="validation")
        ax.set_xlabel("epoch")
        ax.set_ylabel(metric)
        ax.set_xticks(epochs if len(epochs) <= 20 else epochs[:: len(epochs) // 10])
        ax.grid(alpha=0.3)
        ax.legend()
    fig.tight_layout()
    return fig


def plot_prediction(image: np.ndarray, probabilities: np.ndarray, class_names: Sequence[str],
                    true_label: int | None = None):
    """One image beside a bar chart of the model's class probabilities (episode 01)."""
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
    colors = ["tab:blue"] * len(class_names)
    colors[predicted] = "tab:red" if true_label is not None and predicted != true_label \
        else "tab:green"
    ax_bar.barh(range(len(class_names)), probabilities, color=colors)
    ax_bar.set_yticks(range(len(class_names)), class_names)
    ax_bar.invert_yaxis()
    ax_bar.set_xlim(0, 1)
    ax_bar.set_xlabel("probability")
    fig.tight_layout()
    return fig

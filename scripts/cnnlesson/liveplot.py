"""A live training plot (episode 04): one figure that redraws after every epoch in JupyterLab,
one plain line per epoch anywhere else (a terminal, a script, a log).

    model.fit(..., callbacks=[LivePlot()], verbose=0)
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any, TextIO

import keras

from .plotting import draw_curves
from .settings import in_jupyter_kernel

MODES = ("auto", "plot", "text")


def can_plot_inline() -> bool:
    """True inside a Jupyter kernel whose matplotlib backend shows figures in the notebook
    (inline): the only place where redrawing one figure per epoch makes sense."""
    if not in_jupyter_kernel():
        return False
    import matplotlib

    return "inline" in matplotlib.get_backend().lower()


class LivePlot(keras.callbacks.Callback):
    """Training and validation curves drawn while ``fit`` runs (episode 04).

    ``mode="auto"`` plots in a Jupyter kernel with the inline backend and prints text
    otherwise; ``"plot"`` and ``"text"`` force one or the other. ``history`` holds every
    value logged so far, like ``History.history``; ``figure`` is the figure being drawn.
    """

    def __init__(self, metrics: Sequence[str] = ("loss", "accuracy"), *, mode: str = "auto",
                 stream: TextIO | None = None):
        super().__init__()
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
        if isinstance(metrics, str) or not metrics:
            raise ValueError("metrics must be a non-empty sequence of names, e.g. ('loss',)")
        self.metrics = tuple(metrics)
        self.mode = mode
        self.stream = stream
        self.history: dict[str, list[float]] = {}
        self.figure = None
        self._handle = None

    @property
    def plotting(self) -> bool:
        """Whether this callback draws a figure (True) or prints lines (False)."""
        return self.mode == "plot" or (self.mode == "auto" and can_plot_inline())

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        self.history = {}
        self.figure = None
        self._handle = None

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(float(value))
        if self.plotting:
            self._draw(epoch)
        else:
            print(self.line(epoch, logs or {}), file=self.stream or sys.stdout, flush=True)

    def line(self, epoch: int, logs: dict[str, Any]) -> str:
        """The text shown for one epoch: ``epoch 3/10 - loss: 1.2345 - val_loss: 1.3456``."""
        total = (getattr(self, "params", None) or {}).get("epochs")
        head = f"epoch {epoch + 1}/{total}" if total else f"epoch {epoch + 1}"
        return " - ".join([head] + [f"{k}: {float(v):.4f}" for k, v in logs.items()])

    def _draw(self, epoch: int) -> None:
        import matplotlib.pyplot as plt

        if self.figure is None:
            self.figure, _ = plt.subplots(1, len(self.metrics),
                                          figsize=(5 * len(self.metrics), 3.4), squeeze=False)
            plt.close(self.figure)  # shown through the display handle only, not again at cell end
        for ax, metric in zip(self.figure.axes, self.metrics, strict=True):
            ax.clear()
            draw_curves(ax, self.history, metric)
        self.figure.suptitle(f"after epoch {epoch + 1}", fontsize=10)
        self.figure.tight_layout()
        self._show()

    def _show(self) -> None:
        try:
            from IPython import get_ipython
            from IPython.display import display
        except ImportError:
            return
        if get_ipython() is None:  # plotting forced outside IPython: keep the figure, show nothing
            return
        if self._handle is None:
            self._handle = display(self.figure, display_id=True)
        else:
            self._handle.update(self.figure)

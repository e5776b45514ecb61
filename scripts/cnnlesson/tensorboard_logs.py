"""TensorBoard event files read back as numbers (episode 07), so the curves of episode 04's
run can be plotted without starting TensorBoard. Where the logs are:
:func:`cnnlesson.trained.find_log_dir`."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np


def _has_events(folder: Path) -> bool:
    return folder.is_dir() and any(folder.rglob("events.out.tfevents.*"))


def read_scalars(log_dir: str | os.PathLike) -> dict[str, dict[str, tuple[np.ndarray,
                                                                         np.ndarray]]]:
    """Read the scalars of every sub-run of ``log_dir`` (``train``, ``validation``) from its
    event files: ``{"train": {"epoch_loss": (steps, values), ...}, ...}``, sorted by step."""
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    from tensorboard.util import tensor_util

    log_dir = Path(log_dir)
    runs = sorted(p for p in log_dir.iterdir() if _has_events(p)) if log_dir.is_dir() else []
    if not runs:
        raise FileNotFoundError(f"No event files in the sub-folders of {log_dir}")
    result: dict[str, dict[str, tuple[np.ndarray, np.ndarray]]] = {}
    for run in runs:
        acc = EventAccumulator(str(run), size_guidance={"tensors": 0, "scalars": 0})
        acc.Reload()
        series: dict[str, list[tuple[int, float]]] = {}
        for tag in acc.Tags()["scalars"]:
            series[tag] = [(e.step, float(e.value)) for e in acc.Scalars(tag)]
        for tag in acc.Tags()["tensors"]:
            events = acc.Tensors(tag)
            values = [tensor_util.make_ndarray(e.tensor_proto) for e in events]
            if all(v.ndim == 0 and v.dtype.kind == "f" for v in values):
                series[tag] = [(e.step, float(v)) for e, v in zip(events, values, strict=True)]
        result[run.name] = {tag: (np.array([s for s, _ in pts]), np.array([v for _, v in pts]))
                            for tag, pts in sorted(series.items())
                            for pts in [sorted(pts)]}
    return result

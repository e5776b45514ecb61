"""Test setup shared by the notebook tests (nbval) and the unit tests in tests/.

- Every test and every notebook kernel nbval starts runs in quick mode (small sizes) unless
  CNNLESSON_MODE is already set, and without progress bars. Kernels inherit this environment,
  so nothing here may change how notebooks display (e.g. no MPLBACKEND: kernels keep inline
  figures).
- nbval never compares stderr: TensorFlow and library warnings differ between machines and
  versions, and the stored notebooks keep no stderr (see cnnlesson.notebooks.normalize).
"""

from __future__ import annotations

import os

os.environ.setdefault("CNNLESSON_MODE", "quick")
os.environ.setdefault("CNNLESSON_NO_PROGRESS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import matplotlib  # noqa: E402
import nbval.plugin  # noqa: E402

matplotlib.use("Agg")  # this process only: plotting tests draw without a display

_transform_streams = nbval.plugin.transform_streams_for_comparison


def _without_stderr(outputs):
    return _transform_streams([o for o in outputs
                               if not (o.output_type == "stream" and o.name == "stderr")])


nbval.plugin.transform_streams_for_comparison = _without_stderr

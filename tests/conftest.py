"""Shared test setup.

- Every test and every notebook kernel nbval starts runs in quick mode (small sizes) unless
  CNNLESSON_MODE is already set, and without progress bars.
- nbval never compares stderr: TensorFlow and library warnings differ between machines and
  versions, and the stored notebooks keep no stderr (see cnnlesson.notebooks.normalize).
"""

from __future__ import annotations

import os

os.environ.setdefault("CNNLESSON_MODE", "quick")
os.environ.setdefault("CNNLESSON_NO_PROGRESS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("MPLBACKEND", "Agg")

import nbval.plugin  # noqa: E402

_transform_streams = nbval.plugin.transform_streams_for_comparison


def _without_stderr(outputs):
    return _transform_streams([o for o in outputs
                               if not (o.output_type == "stream" and o.name == "stderr")])


nbval.plugin.transform_streams_for_comparison = _without_stderr


import pytest  # noqa: E402


@pytest.fixture
def http_server():
    """A threaded HTTP server on 127.0.0.1 (a ``helpers.LocalServer``: ``serve``, ``url``,
    ``base_url``, ``count``), shut down after the test."""
    from helpers import start_server

    state, httpd, thread = start_server()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)

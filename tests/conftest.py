"""Fixtures of the unit tests (the shared setup is in the root conftest.py)."""

from __future__ import annotations

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

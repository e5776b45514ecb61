"""The lesson's budgets and shared tables, read from ``benchmarks/budgets.toml`` (one data file
that the benchmark, the instructor notes and the catch-up command share)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

FILE = Path("benchmarks") / "budgets.toml"


def load(root: Path) -> dict[str, Any]:
    return tomllib.loads((root / FILE).read_text())


def episode_budget(table: dict[str, Any], stem: str) -> dict[str, Any]:
    """The budget of episode ``stem``: its own entries over the defaults."""
    budget = {"min_accuracy": {}, "min_ratio": {}, "max_ratio": {}, "min_metric": {},
              "max_metric": {}, **table["default"]}
    budget.update(table.get("episodes", {}).get(stem, {}))
    return budget


def binder_verdict(table: dict[str, Any], peak_rss_mb: int) -> str:
    """Does an episode whose kernel peaks at ``peak_rss_mb`` fit in a Binder session (one
    notebook open at a time, with the Jupyter server's allowance)?"""
    limit, server = table["binder"]["limit_mb"], table["binder"]["jupyter_server_mb"]
    total = peak_rss_mb + server
    if total <= limit:
        return f"fits: {total:,} MB, {limit - total:,} MB spare"
    return f"DOES NOT FIT: {total:,} MB > {limit:,} MB"

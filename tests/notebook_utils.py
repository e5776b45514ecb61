"""Reading stored notebooks in tests: prose, outputs, tags (files come from lessontools)."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

from lessontools import notebooks

ROOT = Path(__file__).resolve().parent.parent
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def episodes() -> list[Path]:
    return notebooks.episode_notebooks(ROOT)


def read(path: Path) -> nbformat.NotebookNode:
    return notebooks.read(path)


def prose(nb) -> str:
    """All markdown, with line breaks folded to spaces."""
    text = "\n\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    return re.sub(r"[ \t]*\n[ \t]*(?!\n)", " ", text)


def cell_output_text(cell) -> str:
    """Everything one code cell printed or displayed as plain text (ANSI codes removed)."""
    parts = []
    for out in cell.get("outputs", []):
        if out.output_type == "stream":
            parts.append(out.text)
        elif "data" in out:
            parts.append(out.data.get("text/plain", ""))
    return ANSI.sub("", "\n".join(parts))


def output_text(nb) -> str:
    """Everything the code cells printed or displayed as plain text (ANSI codes removed)."""
    return "\n".join(cell_output_text(c) for c in nb.cells if c.cell_type == "code")

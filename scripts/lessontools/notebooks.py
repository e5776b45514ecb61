"""The one notebook file helper: list the episodes, read, normalise, renumber, write, execute.

Stored notebooks keep the outputs of a full-mode run, so learners see real results and the
tests have deterministic outputs to compare. Before storing, what differs from machine to machine
is removed (stderr streams, widget state, per-cell timing metadata) and the execution counts are
renumbered 1, 2, 3, ... as in a clean top-to-bottom run.
"""

from __future__ import annotations

import os
from pathlib import Path

import nbformat

from cnnlesson.files import atomic_write_bytes

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
LARGE_PNG = 150_000  # bytes of base64: larger stored figures are stored with a 256-colour palette
COLAB_CELL_ID = "colab-setup"


def episode_notebooks(root: Path, *, learner: bool = False) -> list[Path]:
    """The numbered episode notebooks in order (``episodes/NN_*.ipynb``), or their learner
    copies (``episodes/learner/NN_*.ipynb``)."""
    folder = root / "episodes" / ("learner" if learner else "")
    return sorted(folder.glob("[0-9][0-9]_*.ipynb"))


def read(path: str | os.PathLike) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def renumber(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Number the executed code cells 1, 2, 3, ... in order (their ``execute_result`` outputs
    too); cells that never ran keep no number."""
    count = 0
    for cell in nb.cells:
        if cell.cell_type != "code" or cell.execution_count is None:
            continue
        count += 1
        cell.execution_count = count
        for out in cell.get("outputs", []):
            if out.output_type == "execute_result":
                out.execution_count = count
    return nb


def normalize(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop volatile parts in place (stderr, widget state, timings), renumber, return it."""
    nb.metadata.pop("widgets", None)
    nb.metadata.pop("papermill", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type != "code":
            continue
        kept = []
        for out in cell.get("outputs", []):
            if out.output_type == "stream" and out.name == "stderr":
                continue
            if out.output_type in ("display_data", "execute_result"):
                out.data.pop(WIDGET_VIEW, None)
                if not out.data:
                    continue
                if len(out.data.get("image/png", "")) > LARGE_PNG:
                    out.data["image/png"] = smaller_png(out.data["image/png"])
            kept.append(out)
        cell.outputs = kept
    return renumber(nb)


def smaller_png(encoded: str) -> str:
    """A large stored figure (base64 PNG) with an adaptive 256-colour palette, if that is
    smaller: photos under smooth heatmaps compress badly, and a notebook must stay < 1 MB."""
    import base64
    import io

    from PIL import Image

    image = Image.open(io.BytesIO(base64.b64decode(encoded)))
    quantized = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    out = io.BytesIO()
    quantized.save(out, format="PNG", optimize=True)
    smaller = base64.b64encode(out.getvalue()).decode()
    return smaller if len(smaller) < len(encoded) else encoded


def text(nb: nbformat.NotebookNode) -> str:
    """The file text of a notebook as the repository stores it (trailing newline)."""
    return nbformat.writes(nb) + "\n"


def write(nb: nbformat.NotebookNode, path: str | os.PathLike, *, normalise: bool = True) -> bool:
    """Write ``nb`` (normalised unless told otherwise) atomically; returns whether the file
    changed."""
    path = Path(path)
    new = text(normalize(nb) if normalise else nb)
    if path.is_file() and path.read_text() == new:
        return False
    atomic_write_bytes(path, new.encode())
    return True


def execute(path: str | os.PathLike, *, env: dict[str, str] | None = None,
            extra_cells: list[str] = (), timeout: int = 1800) -> nbformat.NotebookNode:
    """Run a notebook top to bottom in a fresh kernel started in the notebook's folder (as
    JupyterLab does), with ``env`` added to the environment. ``extra_cells`` are appended code
    cells (the benchmark's measurements); they stay in the returned notebook. Per-cell start and
    end times stay in each cell's ``metadata.execution`` until :func:`normalize`."""
    from nbclient import NotebookClient

    path = Path(path)
    nb = read(path)
    for source in extra_cells:
        nb.cells.append(nbformat.v4.new_code_cell(source))
    old_env = dict(os.environ)
    os.environ.update(env or {})
    try:
        client = NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=True,
                                resources={"metadata": {"path": str(path.parent)}})
        client.execute()
    finally:
        os.environ.clear()
        os.environ.update(old_env)
    return nb


def cell_seconds(nb: nbformat.NotebookNode) -> dict[str, float]:
    """``{cell id: seconds}`` of an executed notebook (from nbclient's timing metadata)."""
    from datetime import datetime

    found = {}
    for cell in nb.cells:
        timing = cell.metadata.get("execution", {})
        start, end = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
        if cell.cell_type == "code" and start and end:
            parse = datetime.fromisoformat
            found[cell.get("id", "")] = round(
                (parse(end.replace("Z", "+00:00")) - parse(start.replace("Z", "+00:00")))
                .total_seconds(), 2)
    return found

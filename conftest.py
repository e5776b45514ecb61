"""Test setup shared by the notebook tests (nbval) and the unit tests in tests/.

- Every test and every notebook kernel nbval starts runs in quick mode (small sizes) unless
  CNNLESSON_MODE is already set, and without progress bars. Kernels inherit this environment,
  so nothing here may change how notebooks display (e.g. no MPLBACKEND: kernels keep inline
  figures).
- nbval never compares stderr: TensorFlow and library warnings differ between machines and
  versions, and the stored notebooks keep no stderr (lessontools.notebooks.normalize).
- nbval runs each instructor notebook once. Right before each exercise solution it also runs
  the learner's start of that exercise (the skeleton the learner copy shows instead of the
  solution) in a *copy* of the notebook's namespace, so the start must run without error at
  its place in the lesson, and a start that calls ``check(...)`` must print a "not yet" hint.
  That, with the static checks of tests/test_learner_copies.py, stands in for executing every
  learner copy a second time.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("CNNLESSON_MODE", "quick")
os.environ.setdefault("CNNLESSON_NO_PROGRESS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import matplotlib  # noqa: E402
import nbformat  # noqa: E402
import nbval.plugin  # noqa: E402

matplotlib.use("Agg")  # this process only: plotting tests draw without a display
sys.path.insert(0, str(Path(__file__).parent / "tests"))

_transform_streams = nbval.plugin.transform_streams_for_comparison


def _without_stderr(outputs):
    return _transform_streams([o for o in outputs
                               if not (o.output_type == "stream" and o.name == "stderr")])


nbval.plugin.transform_streams_for_comparison = _without_stderr

START_RUNNER = '''\
import contextlib as _contextlib, io as _io
_printed = _io.StringIO()
with _contextlib.redirect_stdout(_printed):
    exec(compile({source!r}, "<learner start of cell {cell_id}>", "exec"), dict(globals()))
print(_printed.getvalue(), end="")
if "check(" in {source!r}:
    assert "not yet" in _printed.getvalue(), \\
        "the learner start of cell {cell_id} should print what is missing, not pass"
'''


def with_learner_starts(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """``nb`` with a cell before each exercise solution that runs the learner's start."""
    from lessontools import learners

    cells = []
    for cell in nb.cells:
        if cell.cell_type == "code" and learners.is_solution(cell):
            source = learners.skeleton(cell)
            runner = nbformat.v4.new_code_cell(
                START_RUNNER.format(source=source, cell_id=cell.get("id")),
                metadata={"tags": ["nbval-ignore-output"]})
            runner.id = f"learner-start-{cell.get('id')}"
            cells.append(runner)
        cells.append(cell)
    nb.cells = cells
    return nb


class _NbformatWithLearnerStarts:
    """nbformat as nbval sees it: reading an instructor notebook adds the learner starts."""

    def __getattr__(self, name):
        return getattr(nbformat, name)

    @staticmethod
    def read(path, *args, **kwargs):
        nb = nbformat.read(path, *args, **kwargs)
        parts = Path(str(path)).parts
        if "episodes" in parts and "learner" not in parts:
            nb = with_learner_starts(nb)
        return nb


nbval.plugin.nbformat = _NbformatWithLearnerStarts()

"""Every number the prose states about a result equals what the stored run printed.

Claims live in ``tests/claims_NN.py`` (a list named ``CLAIMS``), one tuple per number:
``(notebook, pattern in the prose, id of the code cell whose output it quotes, pattern in that
cell's output, unit)``. Both patterns capture the number; the last match in the cell counts;
unit ``"%"`` means the prose states the printed fraction as a percentage. The two must agree to
the precision the prose uses. When a notebook is re-run with new results, this test says which
sentences to update.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from notebook_utils import ROOT, cell_output_text, prose, read

CLAIMS = []
for _module in sorted(Path(__file__).parent.glob("claims_*.py")):
    CLAIMS += importlib.import_module(_module.stem).CLAIMS


def number(text: str) -> float:
    return float(text.replace(",", ""))


def test_there_are_claims_for_every_episode_that_states_results():
    assert {c[0][:2] for c in CLAIMS} >= {"01", "03", "04", "05", "06", "07"}


@pytest.mark.parametrize("notebook, in_prose, cell_id, in_output, unit", CLAIMS,
                         ids=[f"{c[0][:2]}:{c[1][:40]}" for c in CLAIMS])
def test_prose_matches_the_output_of_its_cell(notebook, in_prose, cell_id, in_output, unit):
    nb = read(ROOT / "episodes" / f"{notebook}.ipynb")
    said = re.search(in_prose, prose(nb))
    assert said, f"prose no longer says {in_prose!r}"
    cell = next((c for c in nb.cells if c.get("id") == cell_id), None)
    assert cell is not None and cell.cell_type == "code", f"no code cell with id {cell_id!r}"
    printed = re.findall(in_output, cell_output_text(cell))
    assert printed, f"cell {cell_id} no longer prints {in_output!r}"
    claim, actual = said[1], number(printed[-1]) * (100 if unit == "%" else 1)
    decimals = len(claim.split(".")[1]) if "." in claim else 0
    tolerance = 0.5 * 10**-decimals + 1e-9  # the claim is the printed value, rounded
    if unit == "%":
        tolerance = 1.0  # "about 65%" for 0.651
    assert abs(number(claim) - actual) <= tolerance, \
        f"prose says {claim}{unit}, cell {cell_id} printed {printed[-1]}"

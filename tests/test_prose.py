"""Every number the prose states about a result equals what the stored run printed.

Each claim pairs a pattern in the notebook's markdown with a pattern in its outputs; both
capture a number, and the two must agree to the precision the prose uses. When a notebook is
re-run with new results, this test says which sentences to update.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from notebook_utils import ROOT, output_text, prose, read

# (notebook, pattern in prose, pattern in outputs (the last match counts), unit): with unit
# "%" the prose states the printed fraction as a percentage.
CLAIMS = [
    ("01_introduction", r"In our run the test accuracy is (0\.\d+)",
     r"Test accuracy: (0\.\d+)", ""),
    ("01_introduction", r"training accuracy \((0\.\d+)\)",
     r"accuracy: (0\.\d+) - loss: [\d.]+ - val_accuracy", ""),
    ("01_introduction", r"validation accuracy \((0\.\d+)\)", r"val_accuracy: (0\.\d+)", ""),
    ("01_introduction", r"test accuracy is (0\.\d+) instead of",
     r"Test accuracy with 5,000 training images: (0\.\d+)", ""),
    ("01_introduction", r"instead of (0\.\d+)", r"Test accuracy: (0\.\d+)", ""),
    ("01_introduction", r"A small CNN of ([\d,]+) parameters", r"Total params: ([\d,]+)", ""),
    ("01_introduction", r"classifies about (\d+)% of the 10,000", r"Test accuracy: (0\.\d+)", "%"),
    ("01_introduction", r"classifies about (\d+)% of CIFAR-10", r"Test accuracy: (0\.\d+)", "%"),
]


# Later episodes keep their claims in tests/claims_NN.py (a list named CLAIMS, same format).
for _module in sorted(Path(__file__).parent.glob("claims_*.py")):
    CLAIMS += importlib.import_module(_module.stem).CLAIMS


def number(text: str) -> float:
    return float(text.replace(",", ""))


@pytest.mark.parametrize("notebook, in_prose, in_output, unit", CLAIMS,
                         ids=[f"{c[0]}:{c[1][:30]}" for c in CLAIMS])
def test_prose_matches_output(notebook, in_prose, in_output, unit):
    nb = read(ROOT / "episodes" / f"{notebook}.ipynb")
    said = re.search(in_prose, prose(nb))
    assert said, f"prose no longer says {in_prose!r}"
    printed = re.findall(in_output, output_text(nb))
    assert printed, f"outputs no longer print {in_output!r}"
    claim, actual = said[1], number(printed[-1]) * (100 if unit == "%" else 1)
    decimals = len(claim.split(".")[1]) if "." in claim else 0
    tolerance = 0.5 * 10**-decimals + 1e-9  # the claim is the printed value, rounded
    if unit == "%":
        tolerance = 1.0  # "about 65%" for 0.651
    assert abs(number(claim) - actual) <= tolerance, \
        f"prose says {claim}{unit}, the run printed {printed[-1]}"

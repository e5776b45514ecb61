"""Fetch and verify everything the lesson needs, then print a pass/fail table.

Instructors run it before a workshop (``python3 lesson.py prefetch``), while the network is
good; afterwards the whole lesson works offline. It exits with status 1 if anything failed.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

from . import data, pretrained, settings


@dataclass
class CheckResult:
    name: str
    ok: bool
    detail: str
    seconds: float = 0.0


def check_cifar10() -> str:
    """CIFAR-10 is present (downloaded or from the mirror), decoded and complete."""
    ds = data.load_cifar10()
    counts_train = data.class_counts(ds.y_train, ds.class_names)
    counts_test = data.class_counts(ds.y_test, ds.class_names)
    problems = []
    if ds.x_train.shape != (50_000, 32, 32, 3) or ds.x_test.shape != (10_000, 32, 32, 3):
        problems.append(f"shapes {ds.x_train.shape}, {ds.x_test.shape}")
    if tuple(ds.class_names) != data.CIFAR10_CLASSES:
        problems.append(f"class names {ds.class_names}")
    if set(counts_train.values()) != {5000} or set(counts_test.values()) != {1000}:
        problems.append(f"class counts {counts_train} / {counts_test}")
    if problems:
        raise ValueError("CIFAR-10 is incomplete: " + "; ".join(problems))
    how = ("sha256 verified" if data.cifar10_source() == "official"
           else f"image folder {os.environ[data.MIRROR_VARIABLE]}")
    return f"50,000 train + 10,000 test images, 10 classes ({how})"


# Later episodes append their own checks (e.g. pretrained weights) here.
CHECKS: list[tuple[str, Callable[[], str]]] = [
    ("CIFAR-10", check_cifar10),
    ("ImageNet weights (06)", pretrained.check_mobilenet_weights),
]


def run_checks(checks=None) -> list[CheckResult]:
    results = []
    for name, check in CHECKS if checks is None else checks:
        start = time.perf_counter()
        try:
            detail, ok = check(), True
        except Exception as err:  # report every failure, keep checking the rest
            detail, ok = f"{type(err).__name__}: {err}", False
        results.append(CheckResult(name, ok, detail, time.perf_counter() - start))
    return results


def format_table(results: list[CheckResult]) -> str:
    if not results:
        return "(no checks)"
    width = max(len(r.name) for r in results)
    lines = [f"{'what':<{width}}  result  time    detail", "-" * (width + 40)]
    for r in results:
        lines.append(f"{r.name:<{width}}  {'PASS' if r.ok else 'FAIL':<6}  "
                     f"{r.seconds:5.1f}s  {r.detail}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    print(f"Data folder: {settings.data_dir()}")
    results = run_checks()
    print(format_table(results))
    failed = [r.name for r in results if not r.ok]
    print("All present and verified: the lesson can run offline." if not failed
          else f"FAILED: {', '.join(failed)}. Read the detail column for what to do.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

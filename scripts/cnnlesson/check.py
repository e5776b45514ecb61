"""Environment check: is this machine ready for the lesson? Downloads nothing.

``python3 lesson.py check`` and the notebook ``episodes/00_check_environment.ipynb`` print the
same table: each row PASS, WARN or FAIL, and for every row that is not PASS, what to do.
"""

from __future__ import annotations

import os
import platform
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import settings

PASS, WARN, FAIL = "PASS", "WARN", "FAIL"


@dataclass
class Row:
    what: str
    status: str
    detail: str
    todo: str = ""


def _pins() -> dict[str, str]:
    path = settings.project_root() / "requirements.txt"
    pins = {}
    if path.is_file():
        for line in path.read_text().splitlines():
            line = line.split("#", 1)[0].strip()
            if "==" in line:
                name, version = line.split("==", 1)
                pins[name.strip().lower()] = version.strip()
    return pins


def check_python() -> Row:
    version = platform.python_version()
    if sys.version_info < (3, 10):  # noqa: UP036 (reports instead of crashing)
        return Row("Python", FAIL, version, "Install Python 3.10 or newer (3.11 is tested).")
    status = PASS if sys.version_info[:2] == (3, 11) else WARN
    return Row("Python", status, version,
               "" if status == PASS else "Tested with 3.11; other versions usually work.")


def check_package(name: str) -> Row:
    from importlib.metadata import PackageNotFoundError, version

    wanted = _pins().get(name)
    try:
        have = version(name)
    except PackageNotFoundError:
        return Row(name, FAIL, "not installed", "Run `python3 lesson.py setup`.")
    if wanted and have != wanted:
        return Row(name, WARN, f"{have} (lesson pins {wanted})",
                   "Results may differ from the stored ones; `python3 lesson.py setup` "
                   "installs the pinned version in .venv/.")
    return Row(name, PASS, have)


def check_devices() -> Row:
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    detail = f"{os.cpu_count()} CPU cores; " + (f"{len(gpus)} GPU(s)" if gpus else "no GPU")
    return Row("Devices", PASS, detail + " (the lesson is sized for a CPU)")


# (limit, usage, statistics) files of the container's memory controller: cgroup v2, then v1.
CGROUP_MEMORY_FILES = (
    ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.current", "/sys/fs/cgroup/memory.stat"),
    ("/sys/fs/cgroup/memory/memory.limit_in_bytes", "/sys/fs/cgroup/memory/memory.usage_in_bytes",
     "/sys/fs/cgroup/memory/memory.stat"),
)


def container_memory(files=CGROUP_MEMORY_FILES) -> tuple[int, int] | None:
    """``(limit, used)`` in bytes when this process runs in a container with a memory limit
    (Binder: 2 GB, Docker), else None. The machine's free memory (what ``psutil`` reports) can
    be far more than such a container may use. ``used`` leaves out reclaimable file cache."""
    for limit_file, usage_file, stat_file in files:
        try:
            limit_text = Path(limit_file).read_text().strip()
            used = int(Path(usage_file).read_text().strip())
        except (OSError, ValueError):
            continue
        if not limit_text.isdigit() or int(limit_text) >= 2**60:  # "max" / v1's "no limit"
            continue
        try:
            stats = dict(line.split() for line in Path(stat_file).read_text().splitlines()
                         if len(line.split()) == 2)
            cache = int(stats.get("inactive_file", stats.get("total_inactive_file", 0)))
        except (OSError, ValueError):
            cache = 0
        return int(limit_text), max(used - cache, 0)
    return None


def check_memory() -> Row:
    import psutil

    available = psutil.virtual_memory().available / 2**30
    detail = f"{available:.1f} GB available"
    container = container_memory()
    if container is not None and (container[0] - container[1]) / 2**30 < available:
        available = (container[0] - container[1]) / 2**30
        detail = f"{available:.1f} GB available (container limit {container[0] / 2**30:.1f} GB)"
    if available < 1.6:
        return Row("Free RAM", FAIL, detail,
                   "Each episode needs up to 1.5 GB: close other programs and notebooks "
                   "(Kernel > Shut Down All Kernels).")
    if available < 2.5:
        return Row("Free RAM", WARN, detail, "Run one notebook at a time.")
    return Row("Free RAM", PASS, detail)


def check_disk() -> Row:
    folder = settings.data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(folder).free / 2**30
    if free < 1:
        return Row("Free disk", FAIL, f"{free:.1f} GB in {folder}",
                   "The data needs about 0.5 GB: free some space or set CNNLESSON_DATA_DIR.")
    return Row("Free disk", PASS, f"{free:.1f} GB in {folder}")


def check_cifar10() -> Row:
    from . import data

    try:
        ds = data.load_cifar10(download=False)
    except Exception as err:
        return Row("CIFAR-10", FAIL, type(err).__name__, f"{err}")
    return Row("CIFAR-10", PASS,
               f"{len(ds.x_train):,} + {len(ds.x_test):,} images from {ds.source}")


def check_weights() -> Row:
    from . import pretrained

    name = pretrained.mobilenet_weights_name(0.25, 96)
    try:
        pretrained.use_weights_mirror()
        path = pretrained.keras_cache_dir() / name
        if not path.exists():
            return Row("ImageNet weights", FAIL, f"{name} not in {path.parent}",
                       "Run `python3 lesson.py prefetch` with internet, or set "
                       f"{pretrained.WEIGHTS_MIRROR_VARIABLE} (see README).")
        pretrained.verify_known_file(path.resolve())
    except Exception as err:
        return Row("ImageNet weights", FAIL, type(err).__name__, str(err))
    return Row("ImageNet weights", PASS, f"{name} verified")


CHECKS: list[Callable[[], Row]] = [
    check_python,
    lambda: check_package("tensorflow"),
    lambda: check_package("keras"),
    check_memory,  # before check_devices imports TensorFlow (~0.6 GB) into this process
    check_devices,
    check_disk,
    check_cifar10,
    check_weights,
]


def run_checks() -> list[Row]:
    rows = []
    for check in CHECKS:
        try:
            rows.append(check())
        except Exception as err:  # a broken check is a failed check, never a crash
            rows.append(Row(getattr(check, "__name__", "check"), FAIL,
                            f"{type(err).__name__}: {err}", "Report this to the instructor."))
    return rows


def format_rows(rows: list[Row]) -> str:
    width = max(len(r.what) for r in rows)
    lines = [f"{'what':<{width}}  {'':4}  detail"]
    for r in rows:
        lines.append(f"{r.what:<{width}}  {r.status}  {r.detail}")
        if r.todo:
            lines.append(f"{'':<{width}}        -> {r.todo}")
    failed = sum(r.status == FAIL for r in rows)
    lines.append("Ready for the lesson." if not failed
                 else f"{failed} check(s) failed: do what the arrows say, then run this again.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    rows = run_checks()
    print(format_rows(rows))
    return 1 if any(r.status == FAIL for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

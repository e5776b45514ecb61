"""Is this machine ready for the lesson? One table of checks, used two ways.

    python3 lesson.py check      verify only: versions, memory, devices, speed, disk, data,
                                 weights
    python3 lesson.py prefetch   fetch what is missing (CIFAR-10, ImageNet weights), then verify

Episode 00 shows the same table (``run_checks()`` and ``format_rows(rows)``). Each row says PASS,
WARN or FAIL, and every row that is not PASS says what to do. A check that crashes becomes a
FAIL row; nothing here raises. Details name folders by their setting or relative to the lesson,
never by a machine's absolute path. The training-speed row times a short training run
(:mod:`cnnlesson.pace`) and lists how long each episode's code runs on this machine.
"""

from __future__ import annotations

import os
import platform
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import settings

PASS, WARN, FAIL = "PASS", "WARN", "FAIL"
LOCK_FILE = "requirements.txt"
"""The lock file ``lesson.py lab`` installs: every package of the lesson, pinned."""


@dataclass
class Row:
    what: str
    status: str
    detail: str
    todo: str = ""
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    """More lines of detail, shown under the row."""


@dataclass(frozen=True)
class Check:
    """One row of the table: ``verify`` looks (never downloads); ``fetch``, if given, first
    fetches what is missing (``prefetch`` runs only the checks that have one)."""

    what: str
    verify: Callable[[], Row]
    fetch: Callable[[], object] | None = None


def pinned_versions(path: str | os.PathLike | None = None) -> dict[str, str]:
    """``{package name: pinned version}`` of the lock file (``requirements.txt``), parsed with
    ``packaging``; requirements whose environment marker does not hold here are left out."""
    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.utils import canonicalize_name

    path = Path(path) if path else settings.project_root() / LOCK_FILE
    pins: dict[str, str] = {}
    if not path.is_file():
        return pins
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip().rstrip("\\").strip()
        if not line or line.startswith("-"):
            continue
        try:
            requirement = Requirement(line)
        except InvalidRequirement:
            continue
        if requirement.marker is not None and not requirement.marker.evaluate():
            continue
        exact = [s.version for s in requirement.specifier if s.operator == "=="]
        if exact:
            pins[canonicalize_name(requirement.name)] = exact[0]
    return pins


def shown_path(path: Path, variable: str | None = None) -> str:
    """A folder as the table shows it: relative to the lesson if inside it, else by the
    setting that chose it, else with the home folder as ``~``."""
    path = Path(path)
    try:
        return path.resolve().relative_to(settings.project_root().resolve()).as_posix() + "/"
    except ValueError:
        pass
    if variable and os.environ.get(variable):
        return f"${variable}"
    home = Path.home()
    try:
        return "~/" + path.resolve().relative_to(home.resolve()).as_posix()
    except ValueError:
        return path.name


# --------------------------------------------------------------------------------------------
# The checks
# --------------------------------------------------------------------------------------------


def supported_pythons(pyproject: str | os.PathLike | None = None):
    """``((3, 11), (3, 13))``: the oldest and newest supported Python, from ``requires-python``
    in pyproject.toml (the one place it is written; lesson.py reads it too), or None when the
    lesson's pyproject.toml is not there (a plain install of the package)."""
    import tomllib

    from packaging.specifiers import SpecifierSet

    path = Path(pyproject) if pyproject else settings.project_root() / "pyproject.toml"
    try:
        spec = SpecifierSet(tomllib.loads(path.read_text())["project"]["requires-python"])
    except (OSError, KeyError, ValueError):
        return None
    minors = [(3, minor) for minor in range(0, 40) if f"3.{minor}.0" in spec]
    return (minors[0], minors[-1]) if minors else None


def check_python(version: tuple[int, int] | None = None) -> Row:
    """PASS on the tested Python (the oldest supported), WARN on newer supported ones, FAIL
    outside the range (the pinned packages have no wheels there)."""
    version = tuple(version or sys.version_info[:2])
    shown = platform.python_version() if version == sys.version_info[:2] else \
        ".".join(map(str, version))
    supported = supported_pythons()
    if supported is None:
        return Row("Python", PASS, shown)
    (oldest, newest), words = supported, [".".join(map(str, v)) for v in supported]
    if not oldest <= version <= newest:
        return Row("Python", FAIL, shown,
                   f"The lesson's packages (TensorFlow {pinned_versions().get('tensorflow', '')}) "
                   f"exist for Python {words[0]} to {words[1]}: install Python {words[1]} and "
                   f"run `python{words[1]} lesson.py setup` with it.")
    if version == oldest:
        return Row("Python", PASS, shown)
    return Row("Python", WARN, shown,
               f"The lesson is tested with Python {words[0]}; {words[0]} to {words[1]} have "
               "every package it needs, so this usually works.")


def check_package(name: str) -> Row:
    from importlib.metadata import PackageNotFoundError, version

    wanted = pinned_versions().get(name)
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
    if not gpus and shutil.which("nvidia-smi"):
        # TensorFlow's own log (hidden: cnnlesson.tflogs) would say why; the CPU is enough
        detail += " (TensorFlow uses none of this machine's NVIDIA GPUs; TF_CPP_MIN_LOG_LEVEL=0 " \
                  "shows its log about why)"
    return Row("Devices", PASS, detail + " (the lesson is sized for a CPU)")


def check_speed() -> Row:
    """Time a short training run (:func:`pace.measure`) and, from the benchmark's reference
    timings, how long each episode's code runs on this machine; advice where that is long."""
    from . import pace

    score = pace.measure()
    reference = pace.reference_timings()
    detail = f"{score:,.0f} images/s in a short training test"
    if not reference:
        return Row("Training speed", PASS, detail + " (no reference timings to compare with: "
                   f"{pace.RESULTS.as_posix()} has none)")
    ref_score = statistics.median(s for _, s in reference.values())
    machine = pace.reference_machine()
    detail += (f": {pace.speed_words(score, ref_score)} the reference machine"
               + (f" ({machine})" if machine else ""))
    expected = pace.predict(score, reference)
    slow = [stem[:2] for stem, s in sorted(expected.items()) if s > pace.SLOW_MINUTES * 60]
    row = Row("Training speed", PASS, detail, notes=pace.times_lines(expected))
    if slow:
        which = ", ".join(slow[:-1]) + (" and " if len(slow) > 1 else "") + slow[-1]
        row.status = WARN
        row.todo = (f"Episode{'s' if len(slow) > 1 else ''} {which} would run over "
                    f"{pace.SLOW_MINUTES} minutes here: load the catch-up model where an episode "
                    "offers one instead of training, or start the lesson in quick mode "
                    "(`CNNLESSON_MODE=quick python3 lesson.py lab`: smaller runs, lower "
                    "accuracy than the text shows).")
    return row


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
    where = shown_path(folder, settings.DATA_DIR_VARIABLE)
    if free < 1:
        return Row("Free disk", FAIL, f"{free:.1f} GB in {where}",
                   "The data needs about 0.5 GB: free some space or set CNNLESSON_DATA_DIR.")
    return Row("Free disk", PASS, f"{free:.1f} GB in {where}")


def check_cifar10() -> Row:
    """CIFAR-10 is present (downloaded or from the mirror), decoded and complete."""
    from . import data

    try:
        ds = data.load_cifar10(download=False)
    except Exception as err:
        return Row("CIFAR-10", FAIL, type(err).__name__, str(err))
    problems = []
    if ds.x_train.shape != (50_000, 32, 32, 3) or ds.x_test.shape != (10_000, 32, 32, 3):
        problems.append(f"shapes {ds.x_train.shape}, {ds.x_test.shape}")
    if tuple(ds.class_names) != data.CIFAR10_CLASSES:
        problems.append(f"class names {ds.class_names}")
    counts = (set(data.class_counts(ds.y_train, ds.class_names).values()),
              set(data.class_counts(ds.y_test, ds.class_names).values()))
    if counts != ({5000}, {1000}):
        problems.append("class counts differ from 5,000 / 1,000 per class")
    if problems:
        return Row("CIFAR-10", FAIL, "incomplete: " + "; ".join(problems),
                   "Delete the data folder's cifar10-*.npz and run `python3 lesson.py prefetch`.")
    source = ("official archive, sha256 verified" if data.cifar10_source() == "official"
              else f"image folder ${data.MIRROR_VARIABLE}")
    return Row("CIFAR-10", PASS, f"{len(ds.x_train):,} + {len(ds.x_test):,} images, 10 classes "
                                 f"({source})")


def fetch_cifar10() -> None:
    from . import data

    data.load_cifar10(download=True)


def check_weights() -> Row:
    """The ImageNet weights of episode 06 are where Keras looks, with the right checksum."""
    from . import pretrained

    name = pretrained.mobilenet_weights_name(0.25, 96)
    try:
        pretrained.use_weights_mirror()
        path = pretrained.keras_cache_dir() / name
        if not path.exists():
            return Row("ImageNet weights", FAIL, f"{name} not in Keras' cache",
                       "Run `python3 lesson.py prefetch` with internet, or set "
                       f"{pretrained.WEIGHTS_MIRROR_VARIABLE} (see README).")
        pretrained.verify_known_file(path.resolve())
    except Exception as err:
        return Row("ImageNet weights", FAIL, type(err).__name__, str(err))
    how = "mirror" if path.is_symlink() else "downloaded"
    return Row("ImageNet weights", PASS, f"{name} verified ({how})")


def fetch_weights() -> None:
    """Load MobileNet(alpha=0.25) with ImageNet weights once: Keras downloads the file."""
    from . import pretrained

    pretrained.load_imagenet_backbone("MobileNet", input_shape=(96, 96, 3), alpha=0.25)


CHECKS: list[Check] = [
    Check("Python", check_python),
    Check("tensorflow", lambda: check_package("tensorflow")),
    Check("keras", lambda: check_package("keras")),
    Check("Free RAM", check_memory),  # before check_devices imports TensorFlow (~0.6 GB)
    Check("Devices", check_devices),
    Check("Training speed", check_speed),  # after Devices: TensorFlow is loaded
    Check("Free disk", check_disk),
    Check("CIFAR-10", check_cifar10, fetch=fetch_cifar10),
    Check("ImageNet weights", check_weights, fetch=fetch_weights),
]


def run_checks(checks: list[Check] | None = None, *, fetch: bool = False) -> list[Row]:
    """Run the checks (all of them; with ``fetch``, only those that fetch, fetching first)."""
    rows = []
    for check in CHECKS if checks is None else checks:
        if fetch and check.fetch is None:
            continue
        start = time.perf_counter()
        try:
            if fetch:
                check.fetch()
            row = check.verify()
        except Exception as err:  # a broken check is a failed check, never a crash
            row = Row(check.what, FAIL, f"{type(err).__name__}: {err}",
                      "Read the message; if it is unclear, ask the instructor.")
        row.seconds = time.perf_counter() - start
        rows.append(row)
    return rows


def format_rows(rows: list[Row], *, times: bool = False) -> str:
    """The table: one line per row, an arrow line with what to do under every row not PASS."""
    if not rows:
        return "(no checks)"
    width = max(len(r.what) for r in rows)
    lines = [f"{'what':<{width}}  {'':4}  " + ("time    " if times else "") + "detail"]
    for r in rows:
        took = f"{r.seconds:5.1f}s  " if times else ""
        lines.append(f"{r.what:<{width}}  {r.status}  {took}{r.detail}")
        lines += [f"{'':<{width}}  {'':4}  {'':{len(took)}}{note}" for note in r.notes]
        if r.todo:
            lines.append(f"{'':<{width}}        -> {r.todo}")
    failed = sum(r.status == FAIL for r in rows)
    lines.append("Ready for the lesson." if not failed
                 else f"{failed} check(s) failed: do what the arrows say, then run this again.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """``check`` (verify only) or ``prefetch`` (fetch, then verify); exit 1 if a row FAILs."""
    argv = list(sys.argv[1:] if argv is None else argv)
    command = argv[0] if argv else "check"
    if command not in ("check", "prefetch"):
        print("usage: python -m cnnlesson.environment check | prefetch")
        return 2
    fetch = command == "prefetch"
    if fetch:
        print(f"Data folder: {shown_path(settings.data_dir(), settings.DATA_DIR_VARIABLE)}")
    rows = run_checks(fetch=fetch)
    print(format_rows(rows, times=fetch))
    if fetch and not any(r.status == FAIL for r in rows):
        print("All present and verified: the lesson can run offline.")
    return 1 if any(r.status == FAIL for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""One command for the lesson. Needs only Python {pythons} and pip; sets everything else up itself.

    python3 lesson.py lab          set up, fetch the data, open the lesson in JupyterLab
    python3 lesson.py test         set up, fetch the data, lint, run every test (CI runs this)
    python3 lesson.py test --fast  only the unit tests (under a minute): no notebooks, no
                                   training on real data, no browser

Other commands, for instructors and developers:

    python3 lesson.py setup      only create/update the virtual environment .venv/
    python3 lesson.py prefetch   fetch and verify all data; prints a pass/fail table
    python3 lesson.py check      is this machine ready? versions, devices, memory, speed, data
    python3 lesson.py bench      run episodes in full mode; time, memory and accuracy table
                                 (--seeds 3: also train the intro and fast CNN with 3 seeds)
    python3 lesson.py ablation   the fast CNN with one ingredient removed at a time (25 min)
    python3 lesson.py catchup    remake the catch-up models in fit_outputs/catchup/
    python3 lesson.py learners   regenerate the learner copies (solutions replaced by starts)
    python3 lesson.py lint       ruff over the packages, tests and notebooks
    python3 lesson.py lock       recompile the lock files and environment.yml from pyproject.toml
    python3 lesson.py site       build the lesson's website into site/_build/html/ (no network)

`lab`, `setup`, `prefetch` and `check` install the lesson's lock file (requirements.txt); the
other commands also need the test and maintainer tools (requirements-dev.txt, the `dev` extra).
A broken .venv/ (no pip, or its Python gone) is deleted and made again.
Add --no-venv to use the current Python environment instead of .venv/ (conda, Binder, Colab):
nothing is installed then; the installed versions are compared with the pins instead.
Arguments after the command go to the tool it runs (jupyter lab, pytest, the benchmark).
TensorFlow's C++ start-up log is hidden; TF_CPP_MIN_LOG_LEVEL=0 shows it.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP_NAME = ".cnnlesson-installed"
LINTED = ["lesson.py", "conftest.py", "scripts", "tests", "episodes"]
USAGE = __doc__  # with {pythons}: see usage()

LESSON_COMMANDS = {"setup", "lab", "prefetch", "check"}
DEV_COMMANDS = {"test", "bench", "ablation", "catchup", "learners", "lint", "lock", "site"}

TF_LOG_VARIABLE = "TF_CPP_MIN_LOG_LEVEL"
TF_QUIET_LEVEL = "3"  # as scripts/cnnlesson/tflogs.py: hides TensorFlow's C++ INFO to ERROR lines
TFLOGS_SOURCE = ROOT / "scripts" / "cnnlesson" / "tflogs.py"
TFLOGS_MODULE = "_cnnlesson_tflogs"  # the copy every Python of .venv/ loads at start
TFLOGS_PTH = "cnnlesson-quiet-tensorflow.pth"


# --------------------------------------------------------------------------------------------
# Which Python
# --------------------------------------------------------------------------------------------


def supported_pythons(pyproject: Path | None = None) -> tuple[tuple[int, int], tuple[int, int]]:
    """The oldest and the newest supported Python, from ``requires-python`` in pyproject.toml
    (``">=3.11,<3.14"`` gives ``((3, 11), (3, 13))``): the one place the range is written."""
    text = (pyproject or ROOT / "pyproject.toml").read_text()
    spec = re.search(r'^requires-python\s*=\s*"([^"]+)"', text, re.M).group(1)
    low = re.search(r">=\s*(\d+)\.(\d+)", spec)
    high = re.search(r"<(?!=)\s*(\d+)\.(\d+)", spec)
    return (int(low[1]), int(low[2])), (int(high[1]), int(high[2]) - 1)


def usage() -> str:
    oldest, newest = supported_pythons()
    return USAGE.format(pythons=f"{oldest[0]}.{oldest[1]} to {newest[0]}.{newest[1]}")


def pinned_version(name: str, lock: str = "requirements.txt") -> str:
    found = re.search(rf"^{re.escape(name)}==(\S+)", (ROOT / lock).read_text(), re.M)
    return found[1] if found else "?"


def python_problem(version: tuple[int, int] | None = None) -> str | None:
    """Why this Python cannot run the lesson (None when it can): a version outside the range
    the pinned packages have wheels for stops here, not deep inside pip."""
    version = tuple(version or sys.version_info[:2])
    oldest, newest = supported_pythons()
    if oldest <= version <= newest:
        return None
    have, low, high = (".".join(map(str, v)) for v in (version, oldest, newest))
    return (f"This is Python {have}, but the lesson needs Python {low} to {high}: the "
            f"versions for which every pinned package (TensorFlow {pinned_version('tensorflow')}, "
            f"NumPy {pinned_version('numpy')}, ...) can be installed.\n"
            f"Install Python {high} (https://www.python.org/downloads/, conda, or "
            f"`uv python install {high}`) and run this command with it, e.g. "
            f"`python{high} lesson.py lab` (Windows: `py -{high} lesson.py lab`).")


# --------------------------------------------------------------------------------------------
# The virtual environment .venv/
# --------------------------------------------------------------------------------------------


def venv_python(folder: Path | None = None) -> Path:
    folder = VENV if folder is None else folder
    if os.name == "nt":
        return folder / "Scripts" / "python.exe"
    return folder / "bin" / "python"


def venv_problem(folder: Path | None = None) -> str | None:
    """Why the virtual environment ``folder`` cannot be used (None when it can): its Python is
    missing or does not start, or ``python -m pip --version`` fails (no pip)."""
    python = venv_python(folder)
    if not python.exists():  # also a link to a Python that was removed or upgraded away
        return "it has no working Python"
    try:
        out = subprocess.run([str(python), "-m", "pip", "--version"], capture_output=True,
                             text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as err:
        return f"its Python does not start: {err}"
    if out.returncode == 0:
        return None
    if "No module named pip" in out.stderr:
        return "it has no pip"
    last = (out.stderr.strip().splitlines() or ["no message"])[-1]
    return f"`python -m pip --version` fails: {last}"


def venv_advice(version: tuple[int, int] | None = None) -> str:
    """What to do when this Python cannot put pip into a new environment (no ``ensurepip``)."""
    major, minor = version or sys.version_info[:2]
    return ("This Python cannot put pip into a new environment: its `ensurepip` module is "
            "missing or switched off (Debian and Ubuntu ship it separately).\n"
            f"On Debian or Ubuntu: `sudo apt install python{major}.{minor}-venv` (or "
            "`python3-venv` for the default python3), then run this command again.\n"
            "Or use an environment you made yourself (e.g. conda with environment.yml) and "
            "add --no-venv.")


def create_venv(folder: Path | None = None) -> None:
    """Create the virtual environment ``folder`` with pip. If that fails, remove what was made
    (a half-made environment is never left behind) and stop with what to do."""
    import venv

    folder = VENV if folder is None else folder
    if importlib.util.find_spec("ensurepip") is None:
        sys.exit(venv_advice())
    print(f"Creating the virtual environment {folder.name}/ ...", flush=True)
    try:
        venv.EnvBuilder(with_pip=True).create(folder)
        problem = venv_problem(folder)
        no_pip = problem is not None
    except subprocess.CalledProcessError as err:  # ensurepip failed (Debian: switched off)
        said = (err.output or b"").decode(errors="replace").strip().splitlines()
        problem = "installing pip into it failed" + (f": {said[-1]}" if said else "")
        no_pip = True
    except OSError as err:
        problem, no_pip = str(err), False
    if problem is not None:
        shutil.rmtree(folder, ignore_errors=True)
        sys.exit(f"Could not create the virtual environment {folder.name}/ ({problem}).\n"
                 + (venv_advice() if no_pip else "Fix that, then run this command again."))


def ensure_venv(folder: Path | None = None) -> Path:
    """The Python of the virtual environment ``folder`` (default .venv/): made if missing,
    deleted and made again if broken (no pip, or its Python gone)."""
    folder = VENV if folder is None else folder
    if folder.exists():
        problem = venv_problem(folder)
        if problem is None:
            return venv_python(folder)
        print(f"The virtual environment {folder.name}/ is broken ({problem}): deleting it and "
              "making it again.", flush=True)
        try:
            shutil.rmtree(folder)
        except OSError as err:
            sys.exit(f"Could not delete {folder}: {err}\nDelete the folder yourself, then run "
                     "this command again.")
    create_venv(folder)
    return venv_python(folder)


def install_quiet_tensorflow(python: str) -> None:
    """Make every Python of the environment load scripts/cnnlesson/tflogs.py at start (a copy
    and a ``.pth`` file in its site-packages), so notebooks that import Keras before
    ``cnnlesson`` show no TensorFlow C++ start-up lines either."""
    site = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                          capture_output=True, text=True, check=True).stdout.strip()
    files = {Path(site) / f"{TFLOGS_MODULE}.py": TFLOGS_SOURCE.read_text(),
             Path(site) / TFLOGS_PTH: f"import {TFLOGS_MODULE}; {TFLOGS_MODULE}.install()\n"}
    for path, text in files.items():
        if not path.exists() or path.read_text() != text:
            path.write_text(text)


# --------------------------------------------------------------------------------------------
# The packages
# --------------------------------------------------------------------------------------------


def requirements_hash(lock: str) -> str:
    digest = hashlib.sha256()
    for name in (lock, "pyproject.toml"):
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()


def pinned_versions(lock: Path) -> dict[str, str]:
    """``{name: pinned version}`` of a lock file whose markers hold here: what
    ``cnnlesson.environment.pinned_versions`` reads (lesson.py cannot import the package
    before it is installed; a test checks both agree)."""
    try:
        from packaging.requirements import InvalidRequirement, Requirement
        from packaging.utils import canonicalize_name
    except ImportError:  # every pip carries a copy
        from pip._vendor.packaging.requirements import InvalidRequirement, Requirement
        from pip._vendor.packaging.utils import canonicalize_name
    pins = {}
    for line in lock.read_text().splitlines():
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


def pin_mismatches(locks: list[str | Path]) -> list[tuple[str, str | None, str]]:
    """``(name, installed version or None, pinned version)`` for every pin of ``locks`` (lock
    files, relative to the lesson folder) that this Python's environment does not have
    exactly: wrong versions first, then missing packages."""
    from importlib.metadata import PackageNotFoundError, version

    pins = {}
    for lock in locks:
        pins.update(pinned_versions(ROOT / lock))
    wrong = []
    for name, pinned in sorted(pins.items()):  # wrong versions first, then missing ones
        try:
            have = version(name)
        except PackageNotFoundError:
            have = None
        if have != pinned:
            wrong.append((name, have, pinned))
    return sorted(wrong, key=lambda w: w[1] is None)


def format_mismatches(wrong: list[tuple[str, str | None, str]], limit: int = 25) -> str:
    width = max(len("package"), *(len(name) for name, _, _ in wrong))
    lines = [f"  {'package':<{width}}  {'installed':<13}  pinned"]
    lines += [f"  {name:<{width}}  {have or 'not installed':<13}  {pinned}"
              for name, have, pinned in wrong[:limit]]
    if len(wrong) > limit:
        lines.append(f"  ... and {len(wrong) - limit} more")
    return "\n".join(lines)


def check_pins(locks: list[str | Path]) -> None:
    """--no-venv: install nothing; say which pinned packages this environment has at other
    versions (a warning) or lacks (stop: the command would fail inside)."""
    names = " and ".join(Path(lock).name for lock in locks)
    print("--no-venv: using this Python's packages as they are; nothing is installed.",
          flush=True)
    wrong = pin_mismatches(locks)
    if not wrong:
        print(f"Every package pinned in {names} is installed at its pinned version.",
              flush=True)
        return
    print(f"{len(wrong)} package(s) differ from the pins of {names}; results "
          "may differ from the stored ones:\n" + format_mismatches(wrong), flush=True)
    missing = [name for name, have, _ in wrong if have is None]
    if missing:
        sys.exit(f"{len(missing)} of them are not installed: install them into this "
                 f"environment (`python -m pip install -r {Path(locks[-1]).name}`), or run without "
                 "--no-venv, and lesson.py makes its own environment in .venv/.")


def setup(use_venv: bool, dev: bool = False) -> str:
    """Return the Python to run the lesson with. In .venv/ (made or repaired first) install
    what is missing: the lesson's lock file, or with ``dev`` the one that adds the test and
    maintainer tools. With ``use_venv=False`` only compare this environment with the pins."""
    problem = python_problem()
    if problem:
        sys.exit(problem)
    locks = ["requirements.txt"] + (["requirements-dev.txt"] if dev else [])
    if not use_venv:
        check_pins(locks)
        return sys.executable
    python = str(ensure_venv())
    stamp = VENV / STAMP_NAME
    done = stamp.read_text().split() if stamp.exists() else []
    for lock in locks:
        wanted = f"{lock}:{requirements_hash(lock)}"
        if wanted in done:
            continue
        print(f"Installing the pinned packages of {lock} and the lesson package (a few minutes, "
              "once) ...", flush=True)
        pip = [python, "-m", "pip", "--disable-pip-version-check"]
        code = run(pip + ["install", "--quiet", "-r", lock])
        if code == 0:
            code = run(pip + ["install", "--quiet", "--no-deps", "-e", "."])
        if code != 0:
            sys.exit("Installing the packages failed (see pip's message above).")
        done = [d for d in done if not d.startswith(f"{lock}:")] + [wanted]
        stamp.write_text("\n".join(done) + "\n")
    install_quiet_tensorflow(python)
    return python


# --------------------------------------------------------------------------------------------
# Running the commands
# --------------------------------------------------------------------------------------------


def child_env(use_venv: bool = True) -> dict[str, str]:
    """The environment of every command lesson.py starts: TensorFlow's C++ log hidden (unless
    TF_CPP_MIN_LOG_LEVEL is set), and with --no-venv the lesson package of this folder
    importable without installing it (Jupyter kernels inherit both)."""
    env = dict(os.environ)
    env.setdefault(TF_LOG_VARIABLE, TF_QUIET_LEVEL)
    if not use_venv:
        env["PYTHONPATH"] = os.pathsep.join(
            [str(ROOT / "scripts")] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    return env


def is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def lab_command(python: str, rest: list[str], root: bool | None = None) -> list[str]:
    """``jupyter lab`` on the episodes; as root (a Docker container, many cloud notebooks)
    with ``--allow-root``, without which JupyterLab refuses to start."""
    cmd = [python, "-m", "jupyterlab", "--notebook-dir", str(ROOT),
           "--LabApp.default_url=/lab/tree/episodes"]
    if (is_root() if root is None else root) and "--allow-root" not in rest:
        print("Running as root (as in a Docker container or many cloud notebooks): starting "
              "JupyterLab with --allow-root.", flush=True)
        cmd.append("--allow-root")
    return cmd + list(rest)


def run(cmd: list[str], env: dict[str, str] | None = None) -> int:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    return subprocess.call([str(c) for c in cmd], cwd=ROOT, env=env)


def prefetch(python: str, env: dict[str, str]) -> int:
    return run([python, "-m", "cnnlesson.environment", "prefetch"], env)


def main(argv: list[str]) -> int:
    use_venv = "--no-venv" not in argv
    argv = [a for a in argv if a != "--no-venv"]
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(usage())
        return 0
    command, rest = argv[0], argv[1:]
    if command not in LESSON_COMMANDS | DEV_COMMANDS:
        print(f"Unknown command {command!r}.\n{usage()}")
        return 2
    python = setup(use_venv, dev=command in DEV_COMMANDS)
    env = child_env(use_venv)
    if command == "setup":
        return 0
    if command == "prefetch":
        return prefetch(python, env)
    if command == "lab":
        if prefetch(python, env) != 0:
            print("Some data is missing (see the table above); episodes that need it will say "
                  "so. Opening the lesson anyway.", flush=True)
        return run(lab_command(python, rest), env)
    if command == "test":
        env = {**env, "CNNLESSON_MODE": "quick", "CNNLESSON_NO_PROGRESS": "1"}
        if "--fast" in rest:  # unit tests only: no data needed, nothing fetched
            rest = [a for a in rest if a != "--fast"]
            return run([python, "-m", "pytest", "tests", "-m", "not slow and not browser",
                        "-p", "no:nbval", "-o", "addopts=-ra -p no:cacheprovider", *rest],
                       env)
        if prefetch(python, env) != 0:
            return 1
        return run([python, "-m", "pytest", *rest], env)
    if command == "check":
        return run([python, "-m", "cnnlesson.environment", "check"], env)
    if command == "lint":
        return run([python, "-m", "ruff", "check", *LINTED, *rest], env)
    return run([python, "-m", "lessontools", command, *rest], env)  # the maintainer tools


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

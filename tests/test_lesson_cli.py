"""lesson.py, the front door: its usage and its refusal of unknown commands, and a set-up that
survives real machines (root, a broken .venv, an unsupported Python, --no-venv, TensorFlow's
C++ log)."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from notebook_utils import ROOT


def lesson(*args):
    return subprocess.run([sys.executable, str(ROOT / "lesson.py"), *args],
                          capture_output=True, text=True, timeout=60)


def test_help_names_the_two_commands():
    out = lesson("--help")
    assert out.returncode == 0
    assert "python3 lesson.py lab" in out.stdout and "python3 lesson.py test" in out.stdout
    assert "python3 lesson.py test --fast" in out.stdout


def test_unknown_command_is_refused():
    out = lesson("frobnicate")
    assert out.returncode == 2 and "Unknown command" in out.stdout


def test_readme_states_the_same_two_commands():
    readme = (ROOT / "README.md").read_text()
    assert "python3 lesson.py lab" in readme and "python3 lesson.py test" in readme


def test_the_lesson_installs_only_the_lesson_lock_and_tests_add_the_dev_lock():
    import importlib.util

    spec = importlib.util.spec_from_file_location("lesson_cli", ROOT / "lesson.py")
    cli = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(cli)
    assert {"lab", "setup", "prefetch", "check"} == cli.LESSON_COMMANDS
    assert "test" in cli.DEV_COMMANDS and not cli.LESSON_COMMANDS & cli.DEV_COMMANDS


@pytest.mark.slow
def test_the_fast_lane_collects_the_unit_tests_only():
    out = subprocess.run([sys.executable, str(ROOT / "lesson.py"), "test", "--fast", "--no-venv",
                          "--collect-only", "-q"], capture_output=True, text=True, timeout=300,
                         cwd=ROOT)
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    collected = out.stdout
    assert "tests/test_data.py::" in collected and ".ipynb" not in collected
    assert "test_learning.py" not in collected and "test_browser.py" not in collected


# --------------------------------------------------------------------------------------------
# A set-up that survives real machines: root, TensorFlow's log, broken .venv, Python versions,
# --no-venv
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cli():
    """lesson.py as a module (its functions take the folders they work on as arguments)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("lesson_cli_under_test", ROOT / "lesson.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_lab_as_root_passes_allow_root_and_says_so(cli, capsys, monkeypatch):
    cmd = cli.lab_command("python", ["--port", "9999"], root=True)
    assert "--allow-root" in cmd and cmd[-2:] == ["--port", "9999"]
    assert "Running as root" in capsys.readouterr().out
    assert "--allow-root" not in cli.lab_command("python", [], root=False)
    assert capsys.readouterr().out == ""
    assert cli.lab_command("python", ["--allow-root"], root=True).count("--allow-root") == 1
    monkeypatch.setattr(os, "geteuid", lambda: 0, raising=False)  # what a container's root sees
    assert "--allow-root" in cli.lab_command("python", [])


def test_commands_run_with_tensorflows_cpp_log_hidden_unless_asked_for(cli, monkeypatch):
    monkeypatch.delenv("TF_CPP_MIN_LOG_LEVEL", raising=False)
    assert cli.child_env()["TF_CPP_MIN_LOG_LEVEL"] == "3"
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "0")
    assert cli.child_env()["TF_CPP_MIN_LOG_LEVEL"] == "0"
    from cnnlesson import tflogs

    assert cli.TF_QUIET_LEVEL == tflogs.QUIET_LEVEL


def test_no_venv_uses_this_folders_lesson_package_without_installing_it(cli, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", "elsewhere")
    env = cli.child_env(use_venv=False)
    assert env["PYTHONPATH"].split(os.pathsep) == [str(ROOT / "scripts"), "elsewhere"]
    assert cli.child_env(use_venv=True)["PYTHONPATH"] == "elsewhere"


def test_the_supported_pythons_come_from_requires_python(cli):
    assert cli.supported_pythons() == ((3, 11), (3, 13))
    assert cli.python_problem((3, 11)) is None and cli.python_problem((3, 13)) is None
    for outside in [(3, 10), (3, 14)]:
        problem = cli.python_problem(outside)
        assert f"This is Python {outside[0]}.{outside[1]}" in problem
        assert "needs Python 3.11 to 3.13" in problem and "python3.13 lesson.py lab" in problem
        assert "TensorFlow 2.21.0" in problem
    assert "3.11 to 3.13" in cli.usage()


def _python(version: str) -> str | None:
    """An interpreter of this minor version that runs on this machine, if there is one."""
    import glob
    import shutil

    candidates = sorted(glob.glob(os.path.expanduser(f"~/.pyenv/versions/{version}.*/bin/python")))
    candidates += [shutil.which(f"python{version}")] if shutil.which(f"python{version}") else []
    for candidate in candidates:
        out = subprocess.run([candidate, "-c", "import sys; print(sys.version_info[:2])"],
                             capture_output=True, text=True)
        if out.stdout.strip() == str(tuple(map(int, version.split(".")))):
            return candidate
    return None


@pytest.mark.skipif(_python("3.10") is None, reason="no Python 3.10 on this machine")
def test_an_unsupported_python_stops_at_once_with_the_range(tmp_path):
    out = subprocess.run([_python("3.10"), str(ROOT / "lesson.py"), "lab"], capture_output=True,
                         text=True, timeout=60, cwd=tmp_path)
    assert out.returncode == 1
    assert "This is Python 3.10, but the lesson needs Python 3.11 to 3.13" in out.stderr
    assert "Installing" not in out.stdout and "Creating" not in out.stdout


def test_a_venv_without_pip_or_without_python_is_broken(cli, tmp_path):
    import venv

    folder = tmp_path / ".venv"
    venv.EnvBuilder(with_pip=False).create(folder)  # what Debian leaves without python3-venv
    assert cli.venv_problem(folder) == "it has no pip"
    cli.venv_python(folder).unlink()
    assert cli.venv_problem(folder) == "it has no working Python"


def test_a_broken_venv_is_deleted_and_made_again(cli, tmp_path, capsys):
    import venv

    folder = tmp_path / ".venv"
    venv.EnvBuilder(with_pip=False).create(folder)
    (folder / cli.STAMP_NAME).write_text("requirements.txt:stale\n")
    python = cli.ensure_venv(folder)  # ensurepip installs the pip wheel Python ships: no network
    assert python == cli.venv_python(folder) and cli.venv_problem(folder) is None
    assert not (folder / cli.STAMP_NAME).exists(), "the new environment installs everything"
    out = capsys.readouterr().out
    assert "is broken (it has no pip): deleting it and making it again" in out
    assert cli.ensure_venv(folder) == python and "broken" not in capsys.readouterr().out


def test_a_venv_that_cannot_get_pip_is_removed_and_the_fix_named(cli, tmp_path):
    # Debian's Python without python3-venv: `python -m ensurepip` exits with an error. The new
    # environment's Python runs ensurepip in the environment's folder, so a stand-in there fails
    # the real way.
    folder = tmp_path / ".venv"
    (folder / "ensurepip").mkdir(parents=True)
    (folder / "ensurepip" / "__init__.py").write_text("")
    (folder / "ensurepip" / "__main__.py").write_text(
        "raise SystemExit('ensurepip is disabled in Debian/Ubuntu for the system python.')\n")
    with pytest.raises(SystemExit) as stop:
        cli.create_venv(folder)
    message = str(stop.value.code)
    major, minor = sys.version_info[:2]
    assert "ensurepip is disabled in Debian/Ubuntu" in message
    assert f"sudo apt install python{major}.{minor}-venv" in message and "--no-venv" in message
    assert not folder.exists(), "no half-made environment is left behind"


def test_the_venv_loads_the_tensorflow_log_filter_at_every_start(cli, tmp_path):
    import venv

    folder = tmp_path / ".venv"
    venv.EnvBuilder(with_pip=False).create(folder)
    python = str(cli.venv_python(folder))
    cli.install_quiet_tensorflow(python)
    cli.install_quiet_tensorflow(python)  # a second run rewrites nothing and adds nothing
    probe = ("import os, sys; print(os.environ.get('TF_CPP_MIN_LOG_LEVEL'), "
             "sum(getattr(f, 'cnnlesson_quiet_tensorflow', False) for f in sys.meta_path))")
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    out = subprocess.run([python, "-c", probe], capture_output=True, text=True, env=env)
    assert out.stdout.split() == ["3", "1"], out.stderr


def test_lesson_py_reads_the_pins_as_the_package_does(cli):
    from cnnlesson.environment import pinned_versions

    for lock in ["requirements.txt", "requirements-dev.txt"]:
        assert cli.pinned_versions(ROOT / lock) == pinned_versions(ROOT / lock)


def test_no_venv_reports_versions_that_differ_from_the_pins(cli, tmp_path, capsys):
    from importlib.metadata import version

    assert cli.pin_mismatches(["requirements-dev.txt"]) == [], "this environment has the pins"
    lock = tmp_path / "requirements.txt"
    lock.write_text(f"numpy==0.0.1\n    # via x\npillow=={version('pillow')}\n"
                    "nothing-on-any-index==1.0 ; sys_platform == 'nowhere'\n")
    assert cli.pin_mismatches([lock]) == [("numpy", version("numpy"), "0.0.1")]
    cli.check_pins([lock])  # a different version is a warning: the command goes on
    out = capsys.readouterr().out
    assert "nothing is installed" in out and "1 package(s) differ" in out
    assert re.search(rf"numpy +{re.escape(version('numpy'))} +0\.0\.1", out)


def test_no_venv_stops_when_a_pinned_package_is_missing(cli, tmp_path, capsys):
    lock = tmp_path / "requirements.txt"
    lock.write_text("numpy==0.0.1\nnothing-on-any-index==1.0\n")
    with pytest.raises(SystemExit) as stop:
        cli.check_pins([lock])
    assert "1 of them are not installed" in str(stop.value.code)
    out = capsys.readouterr().out
    assert out.index("numpy") < out.index("nothing-on-any-index  not installed")


def test_no_venv_setup_installs_nothing(tmp_path):
    env = {**os.environ, "PIP_NO_INDEX": "1"}
    out = subprocess.run([sys.executable, str(ROOT / "lesson.py"), "setup", "--no-venv"],
                         capture_output=True, text=True, timeout=120, env=env)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "nothing is installed" in out.stdout and "Every package pinned" in out.stdout
    assert not [line for line in out.stdout.splitlines() if line.startswith("+ ")], \
        "no command (no pip) was run"

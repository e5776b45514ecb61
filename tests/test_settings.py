"""Unit tests of cnnlesson.settings: the quick/full switch, paths and seeds."""

from __future__ import annotations

import copy
import random
from pathlib import Path

import numpy as np
import pytest

from cnnlesson import settings
from cnnlesson.settings import RunSettings, run_settings

REPO_ROOT = Path(__file__).resolve().parents[1]
FULL = {"epochs": 10, "train_size": 50_000, "learning_rate": 0.001}
QUICK = {"epochs": 1, "train_size": 500, "learning_rate": 0.01}


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A project root in tmp_path; no path overrides in the environment."""
    root = tmp_path / "project"
    (root / "episodes").mkdir(parents=True)
    monkeypatch.setenv(settings.HOME_VARIABLE, str(root))
    monkeypatch.delenv(settings.OUTPUT_DIR_VARIABLE, raising=False)
    monkeypatch.delenv(settings.DATA_DIR_VARIABLE, raising=False)
    return root.resolve()


@pytest.mark.parametrize("value", ["quick", "QUICK", " Quick "])
def test_run_settings_quick(monkeypatch, value):
    monkeypatch.setenv(settings.MODE_VARIABLE, value)

    run = run_settings(full=FULL, quick=QUICK)

    assert run.mode == "quick"
    assert run.epochs == 1
    assert run.train_size == 500
    assert run.values == QUICK


@pytest.mark.parametrize("value", [None, "full", "", "fast"])
def test_run_settings_full(monkeypatch, value):
    if value is None:
        monkeypatch.delenv(settings.MODE_VARIABLE, raising=False)
    else:
        monkeypatch.setenv(settings.MODE_VARIABLE, value)

    run = run_settings(full=FULL, quick=QUICK)

    assert run.mode == "full"
    assert run.epochs == 10
    assert run.values == FULL


def test_run_settings_reads_mode_at_call_time(monkeypatch):
    monkeypatch.setenv(settings.MODE_VARIABLE, "full")
    assert run_settings(full=FULL, quick=QUICK).mode == "full"
    monkeypatch.setenv(settings.MODE_VARIABLE, "quick")
    assert run_settings(full=FULL, quick=QUICK).mode == "quick"


def test_run_settings_copies_the_chosen_dict(monkeypatch):
    monkeypatch.setenv(settings.MODE_VARIABLE, "quick")
    quick = dict(QUICK)

    run = run_settings(full=FULL, quick=quick)
    quick["epochs"] = 99

    assert run.epochs == 1


def test_run_settings_needs_same_names():
    with pytest.raises(ValueError, match="batch_size"):
        run_settings(full={**FULL, "batch_size": 64}, quick=QUICK)
    with pytest.raises(ValueError, match="steps"):
        run_settings(full=FULL, quick={**QUICK, "steps": 3})


def test_unknown_setting_is_attribute_error(monkeypatch):
    monkeypatch.setenv(settings.MODE_VARIABLE, "quick")
    run = run_settings(full=FULL, quick=QUICK)

    with pytest.raises(AttributeError, match="dropout"):
        run.dropout  # noqa: B018
    assert not hasattr(run, "dropout")


def test_str_shows_mode_and_values(monkeypatch):
    monkeypatch.setenv(settings.MODE_VARIABLE, "full")
    text = str(run_settings(full=FULL, quick=QUICK))

    assert "full" in text
    assert "epochs=10" in text
    assert "train_size=50,000" in text
    assert "learning_rate=0.001" in text
    assert "quick" not in text, "learners see no test switch"
    assert repr(run_settings(full=FULL, quick=QUICK)) == text


def test_str_in_quick_mode(monkeypatch):
    monkeypatch.setenv(settings.MODE_VARIABLE, "quick")
    text = str(run_settings(full=FULL, quick=QUICK))

    assert "quick" in text
    assert "epochs=1" in text
    assert "train_size=500" in text


def test_str_shows_booleans_as_booleans():
    assert "augment=True" in str(RunSettings("full", {"augment": True}))


def test_run_settings_can_be_copied():
    run = RunSettings("quick", dict(QUICK))

    assert copy.deepcopy(run).values == QUICK


def test_output_dir_quick_mode(home, monkeypatch):
    monkeypatch.setenv(settings.MODE_VARIABLE, "quick")

    out = settings.output_dir()

    assert out == home / "fit_outputs" / "quick"
    assert out.is_dir()


def test_output_dir_full_mode(home, monkeypatch):
    monkeypatch.setenv(settings.MODE_VARIABLE, "full")

    out = settings.output_dir()

    assert out == home / "fit_outputs"
    assert out.is_dir()
    assert not (out / "quick").exists()


@pytest.mark.parametrize("mode", ["quick", "full"])
def test_output_dir_override(home, tmp_path, monkeypatch, mode):
    monkeypatch.setenv(settings.MODE_VARIABLE, mode)
    monkeypatch.setenv(settings.OUTPUT_DIR_VARIABLE, str(tmp_path / "elsewhere" / "out"))

    out = settings.output_dir()

    assert out == (tmp_path / "elsewhere" / "out").resolve()
    assert out.is_dir()
    assert settings.output_path("model.keras") == out / "model.keras"


def test_output_path(home, monkeypatch):
    monkeypatch.setenv(settings.MODE_VARIABLE, "quick")

    assert settings.output_path("a.keras") == home / "fit_outputs" / "quick" / "a.keras"


def test_data_dir_default(home):
    assert settings.data_dir() == home / "data"


def test_data_dir_override(home, tmp_path, monkeypatch):
    monkeypatch.setenv(settings.DATA_DIR_VARIABLE, str(tmp_path / "cache"))

    assert settings.data_dir() == (tmp_path / "cache").resolve()


def test_data_dir_expands_user(home, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv(settings.DATA_DIR_VARIABLE, "~/cifar")

    assert settings.data_dir() == (tmp_path / "cifar").resolve()


def test_project_root_ignores_working_directory(tmp_path, monkeypatch):
    monkeypatch.delenv(settings.HOME_VARIABLE, raising=False)
    monkeypatch.chdir(tmp_path)

    root = settings.project_root()

    assert root == REPO_ROOT
    assert (root / "episodes").is_dir()


def test_project_root_from_episodes_folder(monkeypatch):
    monkeypatch.delenv(settings.HOME_VARIABLE, raising=False)
    monkeypatch.chdir(REPO_ROOT / "episodes")

    assert settings.project_root() == REPO_ROOT


def test_project_root_override(home):
    assert settings.project_root() == home


def test_set_seed_repeats_python_and_numpy():
    def draw():
        return random.random(), random.randint(0, 10**9), np.random.rand(5).tolist()

    assert settings.set_seed(123) == 123
    first = draw()
    settings.set_seed(123)
    second = draw()
    settings.set_seed(124)
    other = draw()

    assert first == second
    assert first != other


def test_set_seed_default():
    assert settings.set_seed() == settings.DEFAULT_SEED


def test_one_switch_hides_every_progress_bar(monkeypatch):
    monkeypatch.setenv(settings.NO_PROGRESS_VARIABLE, "1")
    assert not settings.show_progress()
    with settings.progress_bar(total=3, desc="x") as bar:
        assert bar.disable
    monkeypatch.delenv(settings.NO_PROGRESS_VARIABLE)
    assert settings.show_progress()
    with settings.progress_bar(total=3, desc="x", file=__import__("io").StringIO()) as bar:
        assert not bar.disable


def test_outside_a_kernel_is_not_a_notebook():
    assert settings.in_jupyter_kernel() is False


def test_versions_name_what_made_a_file():
    import keras

    found = settings.versions()
    assert found["keras"] == keras.__version__ and set(found) == {"python", "keras", "numpy",
                                                                 "tensorflow"}

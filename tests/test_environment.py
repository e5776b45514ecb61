"""requirements.txt (pip, lesson.py) and environment.yml (conda, Binder) pin the same packages."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LESSON_PACKAGES = {"jupyterlab", "tensorflow", "keras", "matplotlib", "numpy", "scikit-learn",
                   "ipywidgets", "nbval"}


def requirement_lines(lines) -> dict[str, str]:
    pins = {}
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        match = re.fullmatch(r"([A-Za-z0-9_.\-]+)==([A-Za-z0-9_.+\-]+)", line)
        assert match, f"not an exact pin: {line!r}"
        pins[match[1].lower()] = match[2]
    return pins


def pip_section_of_environment_yml() -> list[str]:
    lines = (ROOT / "environment.yml").read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == "- pip:")
    indent = len(lines[start + 1]) - len(lines[start + 1].lstrip())
    section = []
    for line in lines[start + 1:]:
        if not line.strip():
            continue
        if len(line) - len(line.lstrip()) < indent:
            break
        section.append(line.strip()[2:].strip())
    return section


def test_requirements_are_exact_pins_of_the_lesson_packages():
    pins = requirement_lines((ROOT / "requirements.txt").read_text().splitlines())
    assert LESSON_PACKAGES <= set(pins)


def test_environment_yml_pins_the_same_versions():
    pins = requirement_lines((ROOT / "requirements.txt").read_text().splitlines())
    conda_pins = requirement_lines(pip_section_of_environment_yml())
    assert conda_pins == pins


def test_environment_yml_uses_python_311():
    assert re.search(r"^\s*- python=3\.11\s*$", (ROOT / "environment.yml").read_text(), re.M)


def test_installed_versions_match_the_pins():
    from importlib.metadata import version

    pins = requirement_lines((ROOT / "requirements.txt").read_text().splitlines())
    wrong = {name: (pin, version(name)) for name, pin in pins.items() if version(name) != pin}
    assert not wrong, f"installed versions differ from requirements.txt: {wrong}"

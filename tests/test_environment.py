"""Dependencies tell the truth: pyproject.toml declares what the packages import, the lock files
pin everything (transitive packages included) and agree with each other, environment.yml is the
lesson lock, and this environment has what the locks pin."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from cnnlesson.environment import pinned_versions
from lessontools import locks
from notebook_utils import ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def declared(*extras: str) -> set[str]:
    names = {canonicalize_name(Requirement(r).name) for r in PYPROJECT["dependencies"]}
    for extra in extras:
        names |= {canonicalize_name(Requirement(r).name)
                  for r in PYPROJECT["optional-dependencies"][extra]}
    return names - {"cnnlesson"}


def third_party_imports(package: str) -> set[str]:
    """Top-level names of the modules a package of scripts/ imports, standard library and the
    lesson's own packages left out."""
    found = set()
    for path in (ROOT / "scripts" / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return found - set(sys.stdlib_module_names) - {"cnnlesson", "lessontools", "__future__"}


def distributions(modules: set[str]) -> set[str]:
    owners = packages_distributions()
    return {canonicalize_name(owners[m][0]) for m in modules}


@pytest.mark.parametrize("package, extras", [("cnnlesson", ()), ("lessontools", ("lab", "dev"))])
def test_pyproject_declares_what_the_packages_import(package, extras):
    missing = distributions(third_party_imports(package)) - declared(*extras)
    assert not missing, f"scripts/{package} imports {missing}: declare them in pyproject.toml"


def test_the_lesson_package_needs_no_test_or_notebook_tooling():
    tooling = {"nbformat", "nbclient", "nbval", "pytest", "playwright", "ruff", "uv"}
    assert not distributions(third_party_imports("cnnlesson")) & tooling
    assert not declared() & tooling and not declared("lab") & tooling


def lock_lines(name: str) -> list[str]:
    return locks.requirement_lines((ROOT / name).read_text())


@pytest.mark.parametrize("name", [locks.LESSON_LOCK, locks.DEV_LOCK])
def test_lock_files_pin_every_package_exactly(name):
    for line in lock_lines(name):
        requirement = Requirement(line)
        assert [s.operator for s in requirement.specifier] == ["=="], line


def test_the_lesson_lock_holds_the_lesson_and_not_the_test_tools():
    pinned = {canonicalize_name(Requirement(line).name) for line in lock_lines(locks.LESSON_LOCK)}
    assert declared("lab") <= pinned
    assert not {"pytest", "nbval", "playwright", "ruff"} & pinned
    assert {"protobuf", "h5py", "ml-dtypes", "scipy"} <= pinned, "transitive pins are locked"


def test_the_dev_lock_adds_the_tools_with_the_same_pins():
    lesson = {Requirement(line).name: line for line in lock_lines(locks.LESSON_LOCK)}
    dev = {Requirement(line).name: line for line in lock_lines(locks.DEV_LOCK)}
    assert {name: dev.get(name) for name in lesson} == lesson
    assert {canonicalize_name(n) for n in dev} >= declared("lab", "dev")


def test_environment_yml_is_generated_from_the_lesson_lock():
    expected = locks.environment_yml((ROOT / locks.LESSON_LOCK).read_text())
    assert (ROOT / locks.ENVIRONMENT).read_text() == expected, \
        "environment.yml is stale: run `python -m lessontools lock`"


def test_installed_versions_match_the_pins():
    from importlib.metadata import PackageNotFoundError, version

    wrong = {}
    for name, pin in pinned_versions(ROOT / locks.DEV_LOCK).items():
        try:
            have = version(name)
        except PackageNotFoundError:
            have = None
        if have != pin:
            wrong[name] = (pin, have)
    assert not wrong, f"installed versions differ from {locks.DEV_LOCK}: {wrong}"


def test_the_supported_pythons_are_written_once_and_read_alike():
    """requires-python is the one place: lesson.py (which cannot import packages) and the
    check table read the same range from it; the locks and conda use its oldest version."""
    import importlib.util

    from cnnlesson.environment import supported_pythons

    assert PYPROJECT["requires-python"] == ">=3.11,<3.14"
    spec = importlib.util.spec_from_file_location("lesson_cli_range", ROOT / "lesson.py")
    cli = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(cli)
    assert cli.supported_pythons() == supported_pythons() == ((3, 11), (3, 13))
    assert locks.PYTHON.startswith("3.11.")
    assert re.search(r"^\s*- python=3\.11\s*$", (ROOT / "environment.yml").read_text(), re.M)

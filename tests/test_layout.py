"""The layout: a lesson package the notebooks import and a maintainer toolbox, with no import
cycle anywhere and no notebook tooling in the lesson package."""

from __future__ import annotations

import ast

from notebook_utils import ROOT

SCRIPTS = ROOT / "scripts"


def module_name(path) -> str:
    parts = list(path.relative_to(SCRIPTS).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    """``{module: modules of cnnlesson/lessontools it imports}`` (at any depth of the file)."""
    modules = {module_name(p): p for p in SCRIPTS.rglob("*.py")}
    graph = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        found = set()
        for node in ast.walk(ast.parse(path.read_text())):
            targets = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join(parent + ([base] if base else []))
                targets = [f"{base}.{alias.name}" for alias in node.names]
                if node.module:  # `from . import x` reads x, not the package's __init__
                    targets.append(base)
            for target in targets:
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    found.add(target)
        graph[name] = found
    return graph


def test_there_are_two_homes():
    graph = import_graph()
    assert {"cnnlesson", "lessontools"} <= {m.split(".")[0] for m in graph}


def test_the_lesson_package_never_imports_the_toolbox_or_notebook_tooling():
    for path in (SCRIPTS / "cnnlesson").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                     [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for name in names:
                assert name.split(".")[0] not in {"lessontools", "nbformat", "nbclient",
                                                  "nbval", "pytest"}, (path.name, name)


def test_no_import_cycles():
    graph = import_graph()
    state: dict[str, str] = {}

    def visit(node, trail):
        state[node] = "open"
        for nxt in sorted(graph.get(node, ())):
            assert state.get(nxt) != "open", "import cycle: " + " -> ".join(trail + [nxt])
            if nxt not in state:
                visit(nxt, trail + [nxt])
        state[node] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])


def test_the_cycle_finder_finds_a_cycle(monkeypatch):
    import pytest

    monkeypatch.setitem(globals(), "import_graph", lambda: {"a": {"b"}, "b": {"a"}})
    with pytest.raises(AssertionError, match="import cycle: a -> b -> a"):
        test_no_import_cycles()

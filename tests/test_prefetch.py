"""Unit tests of cnnlesson.prefetch with fake checks (no data, no network)."""

from __future__ import annotations

import pytest

from cnnlesson import prefetch, settings


def passing():
    return "all there"


def failing():
    raise RuntimeError("archive missing")


def also_passing():
    return "weights verified"


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv(settings.DATA_DIR_VARIABLE, str(tmp_path))
    return tmp_path


def test_run_checks_continues_after_failure():
    results = prefetch.run_checks([("first", passing), ("second", failing),
                                   ("third", also_passing)])

    assert [(r.name, r.ok) for r in results] == [("first", True), ("second", False),
                                                 ("third", True)]
    assert results[0].detail == "all there"
    assert results[1].detail == "RuntimeError: archive missing"
    assert results[2].detail == "weights verified"
    assert all(r.seconds >= 0 for r in results)


def test_format_table():
    table = prefetch.format_table(prefetch.run_checks([("CIFAR-10", passing),
                                                       ("weights", failing)]))

    lines = table.splitlines()
    assert len(lines) == 4
    assert "PASS" in lines[2] and "CIFAR-10" in lines[2] and "all there" in lines[2]
    assert "FAIL" in lines[3] and "archive missing" in lines[3]


def test_main_fails_when_a_check_fails(data_dir, monkeypatch, capsys):
    monkeypatch.setattr(prefetch, "CHECKS", [("good", passing), ("bad", failing)])

    assert prefetch.main([]) == 1

    out = capsys.readouterr().out
    assert str(data_dir) in out
    assert "PASS" in out and "FAIL" in out
    assert "FAILED: bad" in out


def test_main_passes_when_all_pass(data_dir, monkeypatch, capsys):
    monkeypatch.setattr(prefetch, "CHECKS", [("good", passing), ("fine", also_passing)])

    assert prefetch.main([]) == 0

    out = capsys.readouterr().out
    assert "FAIL" not in out
    assert out.count("PASS") == 2
    assert "can run offline" in out


def test_run_checks_with_no_checks(monkeypatch):
    monkeypatch.setattr(prefetch, "CHECKS", [("default", passing)])

    assert prefetch.run_checks([]) == []

"""The environment check reports every problem with what to do, and never crashes."""

from __future__ import annotations

from cnnlesson import check


def test_all_rows_have_a_status():
    rows = [check.check_python(), check.check_package("numpy"), check.check_disk()]
    assert all(r.status in (check.PASS, check.WARN, check.FAIL) for r in rows)


def test_missing_package_says_how_to_install():
    row = check.check_package("no-such-package-xyz")
    assert row.status == check.FAIL and "lesson.py setup" in row.todo


def test_cifar10_not_downloaded_is_a_failure_with_advice(tmp_path, monkeypatch):
    monkeypatch.setenv("CNNLESSON_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("CNNLESSON_CIFAR10_MIRROR", raising=False)
    row = check.check_cifar10()
    assert row.status == check.FAIL and "prefetch" in row.todo


def test_a_crashing_check_becomes_a_failed_row(monkeypatch):
    def broken():
        raise RuntimeError("boom")

    monkeypatch.setattr(check, "CHECKS", [check.check_python, broken])
    rows = check.run_checks()
    assert rows[1].status == check.FAIL and "boom" in rows[1].detail
    text = check.format_rows(rows)
    assert "1 check(s) failed" in text and "->" in text
    assert check.main() == 1


def test_all_passing_says_ready(monkeypatch):
    monkeypatch.setattr(check, "CHECKS", [lambda: check.Row("x", check.PASS, "ok")])
    assert check.main() == 0

"""The one check table (cnnlesson.environment): `check` verifies, `prefetch` fetches then verifies;
every problem is reported with what to do, a crashing check becomes a FAIL row, and the table
names no absolute path."""

from __future__ import annotations

import re

from cnnlesson import environment as check


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

    monkeypatch.setattr(check, "CHECKS", [check.Check("Python", check.check_python),
                                          check.Check("broken", broken)])
    rows = check.run_checks()
    assert rows[1].status == check.FAIL and "boom" in rows[1].detail
    text = check.format_rows(rows)
    assert "1 check(s) failed" in text and "->" in text
    assert check.main(["check"]) == 1


def test_all_passing_says_ready(monkeypatch, capsys):
    monkeypatch.setattr(check, "CHECKS", [check.Check("x", lambda: check.Row("x", check.PASS,
                                                                              "ok"))])
    assert check.main(["check"]) == 0
    assert "Ready for the lesson." in capsys.readouterr().out


def test_prefetch_fetches_then_verifies_only_what_can_be_fetched(monkeypatch, capsys):
    calls = []
    table = [
        check.Check("local", lambda: calls.append("verify local") or check.Row("local",
                                                                                check.PASS, "")),
        check.Check("data", lambda: calls.append("verify data") or check.Row("data", check.PASS,
                                                                              "there"),
                    fetch=lambda: calls.append("fetch data")),
    ]
    monkeypatch.setattr(check, "CHECKS", table)
    assert check.main(["prefetch"]) == 0
    assert calls == ["fetch data", "verify data"]
    out = capsys.readouterr().out
    assert "can run offline" in out and "local" not in out
    calls.clear()
    assert check.main(["check"]) == 0
    assert calls == ["verify local", "verify data"], "check never fetches"


def test_a_failed_fetch_is_a_failed_row_and_the_rest_still_runs(monkeypatch, capsys):
    def no_network():
        raise OSError("no route to host")

    monkeypatch.setattr(check, "CHECKS", [
        check.Check("first", lambda: check.Row("first", check.PASS, ""), fetch=no_network),
        check.Check("second", lambda: check.Row("second", check.PASS, "ok"), fetch=lambda: 1)])
    assert check.main(["prefetch"]) == 1
    rows = check.run_checks(fetch=True)
    assert [r.status for r in rows] == [check.FAIL, check.PASS]
    assert "no route to host" in rows[0].detail


def test_unknown_command_is_refused(capsys):
    assert check.main(["frobnicate"]) == 2


def test_pins_are_read_with_packaging_and_markers(tmp_path):
    lock = tmp_path / "requirements.txt"
    lock.write_text("# header\nNumPy==2.4.6\n    # via x\nfoo==1.0 ; sys_platform == 'nowhere'\n"
                    "bar>=2\nbaz==3.1 \\\n    --hash=sha256:abc\n")
    assert check.pinned_versions(lock) == {"numpy": "2.4.6", "baz": "3.1"}


def test_the_table_names_no_absolute_path(tmp_path, monkeypatch):
    monkeypatch.setenv("CNNLESSON_DATA_DIR", str(tmp_path / "somewhere"))
    detail = check.check_disk().detail
    assert "$CNNLESSON_DATA_DIR" in detail and str(tmp_path) not in detail
    assert not re.search(r"/(tmp|home|root|work|Users)/", detail)


def _cgroup_files(tmp_path, limit, usage, stat):
    files = (tmp_path / "memory.max", tmp_path / "memory.current", tmp_path / "memory.stat")
    for path, text in zip(files, (limit, usage, stat), strict=True):
        path.write_text(text)
    return (tuple(str(f) for f in files),)


def test_container_memory_reads_a_cgroup_limit_without_file_cache(tmp_path):
    files = _cgroup_files(tmp_path, "2147483648\n", "900000000\n",
                          "anon 1\ninactive_file 100000000\n")
    assert check.container_memory(files) == (2**31, 800_000_000)


def test_container_memory_without_a_limit_is_none(tmp_path):
    assert check.container_memory(_cgroup_files(tmp_path, "max\n", "5\n", "")) is None
    assert check.container_memory(_cgroup_files(tmp_path, "9223372036854771712\n", "5\n", "")) \
        is None
    assert check.container_memory(((str(tmp_path / "no"), str(tmp_path / "no"), "x"),)) is None


def test_free_ram_is_the_containers_not_the_machines(monkeypatch):
    # Binder: the machine has plenty, the container 2 GB of which 0.3 GB are in use
    monkeypatch.setattr(check, "container_memory", lambda: (2 * 2**30, int(0.3 * 2**30)))
    row = check.check_memory()
    assert row.status == check.WARN and "1.7 GB available (container limit 2.0 GB)" in row.detail
    monkeypatch.setattr(check, "container_memory", lambda: (2 * 2**30, int(0.9 * 2**30)))
    assert check.check_memory().status == check.FAIL

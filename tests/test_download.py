"""Unit tests of cnnlesson.download (against a local HTTP server on 127.0.0.1) and of the
atomic writes and checksums of cnnlesson.files."""

from __future__ import annotations

import hashlib

import pytest
from helpers import closed_port_url, leftovers, sha256_of

from cnnlesson.download import DataUnavailableError, download
from cnnlesson.files import ChecksumError, atomic_write_bytes, file_hash, verify_file

PAYLOAD = bytes(range(256)) * 40 + b"tail"


def test_download_writes_verified_file(http_server, tmp_path):
    url = http_server.serve("/file.bin", PAYLOAD)
    destination = tmp_path / "file.bin"

    result = download(url, destination, sha256=sha256_of(PAYLOAD))

    assert result == destination
    assert destination.read_bytes() == PAYLOAD
    assert leftovers(tmp_path) == []
    assert http_server.count == 1


def test_download_creates_missing_folder(http_server, tmp_path):
    url = http_server.serve("/file.bin", PAYLOAD)
    destination = tmp_path / "a" / "b" / "file.bin"

    download(url, destination, sha256=sha256_of(PAYLOAD).upper())

    assert destination.read_bytes() == PAYLOAD


def test_download_rejects_wrong_checksum(http_server, tmp_path):
    url = http_server.serve("/file.bin", PAYLOAD)
    destination = tmp_path / "file.bin"

    with pytest.raises(ChecksumError, match="not kept"):
        download(url, destination, sha256=sha256_of(b"something else"))

    assert not destination.exists()
    assert list(tmp_path.iterdir()) == []


def test_connection_cut_mid_download(http_server, tmp_path):
    url = http_server.serve("/cut.bin", PAYLOAD, claimed_length=len(PAYLOAD) + 5000)
    destination = tmp_path / "cut.bin"

    with pytest.raises(DataUnavailableError, match="broke off") as excinfo:
        download(url, destination, sha256=sha256_of(PAYLOAD), hint="HINT-123")

    assert "HINT-123" in str(excinfo.value)
    assert list(tmp_path.iterdir()) == []


def test_chunked_connection_cut_is_data_unavailable(http_server, tmp_path):
    url = http_server.serve("/chunked.bin", PAYLOAD, chunked=True)
    destination = tmp_path / "chunked.bin"

    try:
        with pytest.raises(DataUnavailableError):
            download(url, destination, sha256=sha256_of(PAYLOAD))
    finally:
        assert list(tmp_path.iterdir()) == []


def test_unreachable_server_names_hint(tmp_path):
    destination = tmp_path / "file.bin"

    with pytest.raises(DataUnavailableError) as excinfo:
        download(closed_port_url(), destination, sha256=sha256_of(PAYLOAD), timeout=5,
                 hint="Copy the file by hand.")

    assert "Copy the file by hand." in str(excinfo.value)
    assert excinfo.value.__cause__ is None
    assert list(tmp_path.iterdir()) == []


def test_missing_route_is_data_unavailable(http_server, tmp_path):
    with pytest.raises(DataUnavailableError, match="404|Not Found"):
        download(http_server.url("/nothing"), tmp_path / "x", sha256=sha256_of(b""))

    assert list(tmp_path.iterdir()) == []


def test_verified_file_is_not_downloaded_again(http_server, tmp_path):
    url = http_server.serve("/file.bin", PAYLOAD)
    destination = tmp_path / "file.bin"
    destination.write_bytes(PAYLOAD)

    assert download(url, destination, sha256=sha256_of(PAYLOAD)) == destination

    assert http_server.count == 0
    assert destination.read_bytes() == PAYLOAD


def test_corrupt_file_is_replaced(http_server, tmp_path):
    url = http_server.serve("/file.bin", PAYLOAD)
    destination = tmp_path / "file.bin"
    destination.write_bytes(b"half a file")

    download(url, destination, sha256=sha256_of(PAYLOAD))

    assert http_server.count == 1
    assert destination.read_bytes() == PAYLOAD
    assert leftovers(tmp_path) == []


def test_file_hash_matches_hashlib(tmp_path):
    path = tmp_path / "data.bin"
    path.write_bytes(PAYLOAD)

    assert file_hash(path) == hashlib.sha256(PAYLOAD).hexdigest()
    assert file_hash(path, "md5") == hashlib.md5(PAYLOAD).hexdigest()


def test_file_hash_of_empty_file(tmp_path):
    path = tmp_path / "empty"
    path.write_bytes(b"")

    assert file_hash(path) == hashlib.sha256(b"").hexdigest()


def test_verify_file(tmp_path):
    path = tmp_path / "data.bin"
    path.write_bytes(PAYLOAD)

    verify_file(path, hashlib.sha256(PAYLOAD).hexdigest())
    verify_file(path, hashlib.sha256(PAYLOAD).hexdigest().upper())
    with pytest.raises(ChecksumError, match="data.bin"):
        verify_file(path, hashlib.sha256(b"other").hexdigest())


def test_atomic_write_bytes(tmp_path):
    path = tmp_path / "sub" / "out.bin"

    assert atomic_write_bytes(path, PAYLOAD) == path
    atomic_write_bytes(path, b"second")

    assert path.read_bytes() == b"second"
    assert sorted(p.name for p in path.parent.iterdir()) == ["out.bin"]

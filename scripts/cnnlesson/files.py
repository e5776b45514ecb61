"""Files that are either complete or absent: atomic writes and checksum checks.

A file only ever appears under its final name after it was written in full (and, for downloads,
after its checksum matched); an interrupted write leaves the old file, or nothing, behind.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CHUNK = 1 << 20


class ChecksumError(ValueError):
    """Raised when a file's bytes do not match the checksum it must have."""


def file_hash(path: str | os.PathLike, algorithm: str = "sha256") -> str:
    """Hex digest of a file, read in chunks (the CIFAR-10 archive is 163 MB)."""
    digest = hashlib.new(algorithm)
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_file(path: str | os.PathLike, expected: str, algorithm: str = "sha256") -> None:
    """Raise :class:`ChecksumError` unless the file's digest equals ``expected``."""
    actual = file_hash(path, algorithm)
    if actual != expected.lower():
        raise ChecksumError(
            f"{Path(path).name} is corrupt or not the official file: its {algorithm} is "
            f"{actual}, expected {expected}. Delete it and fetch it again.")


@contextmanager
def atomic_output(path: str | os.PathLike, suffix: str = ".tmp") -> Iterator[Path]:
    """Give a temporary path beside ``path`` to write to; when the block ends without an error,
    rename it to ``path`` (an atomic step), otherwise delete it. Readers never see a
    half-written file, and an interrupted write leaves the old file as it was.

        with atomic_output("model.keras", suffix=".keras") as tmp:
            model.save(tmp)
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix, dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (see :func:`atomic_output`)."""
    with atomic_output(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)

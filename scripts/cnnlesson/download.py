"""Downloading files safely: progress bar, checksum, atomic write.

A file only ever appears under its final name after it was downloaded in full and its checksum
matched; an interrupted or corrupt download leaves nothing behind that a later run could trust.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CHUNK = 1 << 20


class DataUnavailableError(RuntimeError):
    """Raised when data or weights can be neither found locally nor downloaded. The message
    says what to do; no traceback from inside urllib is needed to understand it."""


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
            f"{path} is corrupt or not the expected file: its {algorithm} is {actual}, "
            f"expected {expected}. Delete it and download again."
        )


def _progress(total: int | None, desc: str):
    from tqdm.auto import tqdm

    return tqdm(total=total, unit="B", unit_scale=True, unit_divisor=1024, desc=desc,
                disable=os.environ.get("CNNLESSON_NO_PROGRESS") == "1")


def download(url: str, destination: str | os.PathLike, *, sha256: str,
             timeout: float = 30.0, hint: str = "") -> Path:
    """Download ``url`` to ``destination`` unless a verified copy is already there.

    The bytes go to a temporary file beside the destination (:func:`atomic_output`); only when
    the download is complete and its SHA-256 matches is it renamed into place. On any failure the
    temporary file is removed. ``hint`` is added to the
    message of the :class:`DataUnavailableError` raised when the server cannot be reached.
    """
    destination = Path(destination)
    if destination.exists():
        try:
            verify_file(destination, sha256)
            return destination
        except ChecksumError:
            destination.unlink()  # a stale or corrupt copy: fetch a fresh one
    with atomic_output(destination, suffix=".part") as tmp:
        try:
            response = urllib.request.urlopen(url, timeout=timeout)
        except (urllib.error.URLError, OSError, http.client.HTTPException) as err:
            reason = getattr(err, "reason", err)
            raise DataUnavailableError(
                f"Could not download {url} ({reason}). Check your internet connection. {hint}"
            ) from None
        with response, open(tmp, "wb") as out:
            length = response.headers.get("Content-Length")
            total = int(length) if length and length.isdigit() else None
            digest = hashlib.sha256()
            received = 0
            with _progress(total, destination.name) as bar:
                while True:
                    try:
                        block = response.read(CHUNK)
                    except (OSError, urllib.error.URLError, http.client.HTTPException) as err:
                        raise DataUnavailableError(
                            f"The download of {url} broke off after {received:,} bytes ({err}). "
                            f"Nothing was kept; run it again. {hint}") from None
                    if not block:
                        break
                    out.write(block)
                    digest.update(block)
                    received += len(block)
                    bar.update(len(block))
        if total is not None and received != total:
            raise DataUnavailableError(
                f"The download of {url} broke off after {received:,} of {total:,} bytes. "
                f"Nothing was kept; run it again. {hint}")
        if digest.hexdigest() != sha256.lower():
            raise ChecksumError(
                f"The file downloaded from {url} has sha256 {digest.hexdigest()}, expected "
                f"{sha256}: it is corrupt or not the official file, so it was not kept.")
    return destination


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

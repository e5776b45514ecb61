"""Downloading a file safely: progress bar, checksum, atomic write (:mod:`cnnlesson.files`).

A downloaded file only appears under its final name once it is complete and its SHA-256
matched; an interrupted or corrupt download leaves nothing behind that a later run could trust.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import urllib.error
import urllib.request
from pathlib import Path

from . import settings
from .files import CHUNK, ChecksumError, atomic_output, verify_file


class DataUnavailableError(RuntimeError):
    """Raised when data or weights can be neither found locally nor downloaded. The message
    says what to do; no traceback from inside urllib is needed to understand it."""


def download(url: str, destination: str | os.PathLike, *, sha256: str,
             timeout: float = 30.0, hint: str = "") -> Path:
    """Download ``url`` to ``destination`` unless a verified copy is already there.

    The bytes go to a temporary file beside the destination (``files.atomic_output``); only
    when the download is complete and its SHA-256 matches is it renamed into place. On any
    failure the temporary file is removed. ``hint`` is added to the message of the
    :class:`DataUnavailableError` raised when the server cannot be reached.
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
            with settings.progress_bar(total=total, desc=destination.name, unit="B",
                                       unit_scale=True, unit_divisor=1024) as bar:
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

"""Builders shared by the unit tests: a local HTTP server, tiny CIFAR-10 archives, image folders.

Nothing here touches the network beyond 127.0.0.1 or reads the real data folder.
"""

from __future__ import annotations

import hashlib
import io
import pickle
import socket
import tarfile
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np

CIFAR10_CLASSES = ("airplane", "automobile", "bird", "cat", "deer",
                   "dog", "frog", "horse", "ship", "truck")
ARCHIVE_FOLDER = "cifar-10-batches-py"
TRAIN_BATCHES = tuple(f"data_batch_{i}" for i in range(1, 6))


# --------------------------------------------------------------------------------------------
# HTTP server on 127.0.0.1
# --------------------------------------------------------------------------------------------

@dataclass
class Route:
    body: bytes
    claimed_length: int | None = None
    """Content-Length to announce; larger than ``len(body)`` to cut the connection short."""
    chunked: bool = False


@dataclass
class LocalServer:
    """A running server: ``url(path)`` addresses a route, ``count`` is how many requests came."""

    base_url: str
    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.requests)

    def url(self, path: str) -> str:
        return self.base_url + path

    def serve(self, path: str, body: bytes, *, claimed_length: int | None = None,
              chunked: bool = False) -> str:
        self.routes[path] = Route(body, claimed_length, chunked)
        return self.url(path)


def _handler_for(state: LocalServer):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            state.requests.append(self.path)
            route = state.routes.get(self.path)
            if route is None:
                self.send_error(404)
                return
            self.close_connection = True
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            if route.chunked:
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                self.wfile.write(f"{len(route.body) + 100:x}\r\n".encode() + route.body)
            else:
                length = route.claimed_length
                self.send_header("Content-Length", str(len(route.body) if length is None
                                                       else length))
                self.end_headers()
                self.wfile.write(route.body)
            self.wfile.flush()

        def log_message(self, format, *args):
            pass

    return Handler


def start_server() -> tuple[LocalServer, ThreadingHTTPServer, threading.Thread]:
    state = LocalServer(base_url="")
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(state))
    httpd.daemon_threads = True
    state.base_url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    return state, httpd, thread


def closed_port_url(path: str = "/file") -> str:
    """A URL on 127.0.0.1 where nothing listens (the port was just bound and released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}{path}"


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def leftovers(folder: Path) -> list[str]:
    """Names of temporary files a writer may have left behind."""
    return sorted(p.name for p in folder.iterdir() if ".part" in p.name or ".tmp" in p.name)


# --------------------------------------------------------------------------------------------
# CIFAR-10 "python version" archives
# --------------------------------------------------------------------------------------------

@dataclass
class TinyCifar:
    """A tiny archive and what it holds: per-batch rows (CHW planes) and labels."""

    path: Path
    batches: dict[str, tuple[np.ndarray, list[int]]]

    @property
    def bytes(self) -> bytes:
        return self.path.read_bytes()

    def rows(self, names) -> tuple[np.ndarray, np.ndarray]:
        data = np.concatenate([self.batches[n][0] for n in names])
        labels = np.concatenate([np.asarray(self.batches[n][1], dtype=np.int64) for n in names])
        return data, labels

    def train(self):
        return self.rows(TRAIN_BATCHES)

    def test(self):
        return self.rows(["test_batch"])


def rows_to_images(rows: np.ndarray) -> np.ndarray:
    """Oracle for the CIFAR-10 layout: pixel [r, c, ch] of an image is row[ch*1024 + r*32 + c]."""
    r, c, ch = np.indices((32, 32, 3))
    return rows[:, ch * 1024 + r * 32 + c]


def _add_file(tar: tarfile.TarFile, name: str, payload: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(payload)
    tar.addfile(info, io.BytesIO(payload))


def make_cifar_archive(path: Path, *, per_class: int = 2, seed: int = 0) -> TinyCifar:
    """Write a tar.gz in the official CIFAR-10 python format with ``per_class`` random images of
    every class in each of the six batches (labels shuffled within a batch)."""
    rng = np.random.default_rng(seed)
    batches = {}
    for name in (*TRAIN_BATCHES, "test_batch"):
        labels = [int(v) for v in rng.permutation(np.repeat(np.arange(10), per_class))]
        data = rng.integers(0, 256, size=(len(labels), 3072), dtype=np.uint8)
        batches[name] = (data, labels)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(path, "w:gz") as tar:
        _add_file(tar, f"{ARCHIVE_FOLDER}/readme.html", b"<html>not a batch</html>")
        meta = {b"label_names": [n.encode() for n in CIFAR10_CLASSES],
                b"num_cases_per_batch": 10 * per_class, b"num_vis": 3072}
        _add_file(tar, f"{ARCHIVE_FOLDER}/batches.meta", pickle.dumps(meta, protocol=2))
        for name, (data, labels) in batches.items():
            batch = {b"batch_label": name.encode(), b"labels": labels, b"data": data,
                     b"filenames": [f"{name}_{i}.png".encode() for i in range(len(labels))]}
            _add_file(tar, f"{ARCHIVE_FOLDER}/{name}", pickle.dumps(batch, protocol=2))
    return TinyCifar(path, batches)


# --------------------------------------------------------------------------------------------
# Image folders
# --------------------------------------------------------------------------------------------

def save_png(path: Path, pixels: np.ndarray) -> Path:
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(pixels).save(path, format="PNG")
    return path


def make_image_folder(root: Path, class_images: dict[str, dict[str, list[str]]], *,
                      size: tuple[int, int] = (8, 8), seed: int = 0) -> dict[Path, np.ndarray]:
    """Write ``root/<split>/<class>/<file name>`` as random RGB PNGs (height, width = ``size``)
    in the order given; returns each file's pixels."""
    rng = np.random.default_rng(seed)
    written = {}
    for split, classes in class_images.items():
        for name, files in classes.items():
            (root / split / name).mkdir(parents=True, exist_ok=True)
            for file_name in files:
                pixels = rng.integers(0, 256, size=(*size, 3), dtype=np.uint8)
                written[save_png(root / split / name / file_name, pixels)] = pixels
    return written

"""Screenshots of tools that learners open beside the notebooks, stored in the episodes.

    python -m lessontools.screenshots tensorboard           re-make episode 07's TensorBoard
                                                            picture and store it in the notebook
    python -m lessontools.screenshots tensorboard --out x.png   only write the PNG file

Episode 07 shows what TensorBoard's *Scalars* tab looks like for the logs episode 04 writes. The
picture is made, not drawn by hand: :func:`tensorboard_scalars` copies the log folder to a
temporary ``fit_outputs/logs/`` (so the page shows the folder a learner types), starts
``tensorboard --logdir fit_outputs/logs --host 127.0.0.1 --port <free port>`` in a subprocess,
opens the Scalars tab in headless Chromium (Debian's ``/usr/bin/chromium``, driven by
Playwright, as ``tests/test_browser.py`` does; no browser is downloaded), waits until the charts
are drawn, takes the screenshot, and stops TensorBoard. The PNG is stored with a 256-colour
palette (a few tens of KB) as an *attachment* of the markdown cell that shows it, so it travels
with the notebook to its learner copy, JupyterLab, Colab and GitHub alike.
"""

from __future__ import annotations

import argparse
import base64
import io
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
# Chromium on a machine without internet: no GPU, no background calls home.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
LOOPBACK_ONLY = re.compile(r"^(?!https?://(127\.0\.0\.1|localhost)[:/])")
MAX_PNG_BYTES = 150_000

# Where episode 07 shows the picture: (notebook, id of the markdown cell, attachment name).
TENSORBOARD_PICTURE = ("07_share_deploy_and_scale", "tb-screenshot", "tensorboard_scalars.png")
TENSORBOARD_TAGS = "epoch_(accuracy|loss)"  # the two charts the episode discusses


class ScreenshotError(RuntimeError):
    """A screenshot could not be made (no browser, TensorBoard did not start, nothing drawn)."""


def browser_missing() -> str | None:
    """Why no screenshot can be taken on this machine, or None."""
    if not CHROMIUM.is_file():
        return f"{CHROMIUM} not found (Debian: apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -r requirements-dev.txt)"
    return None


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def tensorboard_server(workdir: Path, logdir: str, *, timeout: float = 90) -> Iterator[str]:
    """Run ``tensorboard --logdir LOGDIR`` in ``workdir`` on a free port of 127.0.0.1; yield its
    address once it answers; stop it afterwards."""
    port = free_port()
    log = workdir / "tensorboard.log"
    command = [sys.executable, "-m", "tensorboard.main", "--logdir", logdir,
               "--host", "127.0.0.1", "--port", str(port)]
    with open(log, "wb") as output:
        process = subprocess.Popen(command, cwd=workdir, stdout=output,
                                   stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise ScreenshotError(f"TensorBoard exited with {process.returncode}:\n"
                                      f"{log.read_text(errors='replace')[-2000:]}")
            try:
                with urllib.request.urlopen(f"{url}/data/logdir", timeout=5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise ScreenshotError(f"TensorBoard did not answer in {timeout:.0f} s:\n"
                                          f"{log.read_text(errors='replace')[-2000:]}") from None
                time.sleep(0.3)
        yield url
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def palette_png(png: bytes) -> bytes:
    """``png`` with an adaptive 256-colour palette (screenshots have few colours: this keeps
    them sharp at a fraction of the size)."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    out = io.BytesIO()
    image.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(out, format="PNG",
                                                                     optimize=True)
    return out.getvalue()


def _charts_drawn(page, count: int, timeout: float = 60) -> None:
    """Wait until the first ``count`` line charts of the page have drawn their lines and stopped
    changing for a second (the Scalars tab loads each run's data separately)."""
    charts = page.locator("vz-line-chart2")
    deadline, last, since = time.monotonic() + timeout, None, time.monotonic()
    while time.monotonic() < deadline:
        if charts.count() >= count:
            drawn = tuple(charts.nth(i).locator("path.line").count() for i in range(count))
            if drawn != last:
                last, since = drawn, time.monotonic()
            elif min(drawn) > 0 and time.monotonic() - since >= 1:
                return
        time.sleep(0.25)
    raise ScreenshotError(f"TensorBoard drew no chart lines in {timeout:.0f} s (seen: {last})")


def tensorboard_scalars(log_dir: Path, target: Path, *, tags: str = TENSORBOARD_TAGS,
                        width: int = 1100) -> Path:
    """Screenshot TensorBoard's Scalars tab for the run folder ``log_dir`` (e.g. the logs of
    ``04_regularised_cnn``, with ``train/`` and ``validation/`` inside), showing the charts
    whose tags match the regular expression ``tags``; write a palette PNG to ``target``."""
    log_dir = Path(log_dir)
    if not any(log_dir.rglob("events.out.tfevents.*")):
        raise ScreenshotError(f"no TensorBoard event files in {log_dir}")
    why = browser_missing()
    if why:
        raise ScreenshotError(f"cannot take a screenshot: {why}")
    from urllib.parse import quote

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        shutil.copytree(log_dir, workdir / "fit_outputs" / "logs" / log_dir.name)
        with tensorboard_server(workdir, "fit_outputs/logs") as url, \
                sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                                 args=CHROMIUM_ARGS, headless=True)
            try:
                page = browser.new_page(viewport={"width": width, "height": 900})
                page.route(LOOPBACK_ONLY, lambda route: route.abort())
                # the Scalars tab with only the tags we want, side by side in the first pane
                page.goto(f"{url}/#scalars&tagFilter={quote(tags)}")
                _charts_drawn(page, count=2)
                # what a learner would click: whole curves (the first epochs lie "outside"),
                # and the panes below the first one folded
                page.get_by_text("Ignore outliers in chart scaling").click()
                panes = page.locator("tf-category-paginated-view")
                for i in range(1, panes.count()):
                    if panes.nth(i).bounding_box()["height"] > 100:
                        panes.nth(i).locator(".heading").first.click()
                _charts_drawn(page, count=2)
                # down to the run list (the colours' legend) and the two cards that match
                shown = [page.locator("tf-scalar-card").nth(i) for i in range(2)]
                shown.append(page.locator("tf-runs-selector").first)
                bottom = max(box["y"] + box["height"] for box in
                             (element.bounding_box() for element in shown))
                png = page.screenshot(clip={"x": 0, "y": 0, "width": width,
                                            "height": int(bottom) + 16})
            finally:
                browser.close()
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(palette_png(png))
    return target


def attach_png(notebook: Path, cell_id: str, name: str, png: Path) -> bool:
    """Store ``png`` as the attachment ``name`` of markdown cell ``cell_id`` (whose source shows
    it with ``![...](attachment:NAME)``); returns whether the notebook changed."""
    from . import notebooks

    nb = notebooks.read(notebook)
    cell = next((c for c in nb.cells if c.get("id") == cell_id), None)
    if cell is None or cell.cell_type != "markdown":
        raise ScreenshotError(f"{notebook.name} has no markdown cell with id {cell_id!r}")
    if f"(attachment:{name})" not in cell.source:
        raise ScreenshotError(f"cell {cell_id!r} does not show attachment:{name}")
    cell["attachments"] = {name: {"image/png": base64.b64encode(png.read_bytes()).decode()}}
    return notebooks.write(nb, notebook, normalise=False)


def main(argv: list[str] | None = None) -> int:
    from cnnlesson.settings import project_root
    from cnnlesson.trained import find_log_dir

    parser = argparse.ArgumentParser(prog="python -m lessontools.screenshots",
                                     description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=["tensorboard"])
    parser.add_argument("--out", type=Path,
                        help="write the PNG here and leave the notebook as it is")
    args = parser.parse_args(argv)

    log_dir = find_log_dir("04_regularised_cnn")  # your run of episode 04, else the catch-up
    stem, cell_id, name = TENSORBOARD_PICTURE
    with tempfile.TemporaryDirectory() as tmp:
        png = tensorboard_scalars(log_dir, args.out or Path(tmp) / name)
        size = png.stat().st_size
        print(f"screenshot of TensorBoard for {log_dir.name}: {size:,} bytes")
        if size > MAX_PNG_BYTES:
            print(f"larger than {MAX_PNG_BYTES:,} bytes: not stored")
            return 1
        if args.out:
            return 0
        changed = attach_png(project_root() / "episodes" / f"{stem}.ipynb", cell_id, name, png)
        print(f"{'stored in' if changed else 'unchanged:'} {stem}.ipynb, cell {cell_id}")
        if changed:
            print("Now regenerate the learner copies: python3 lesson.py learners")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""The screenshot tooling of scripts/lessontools/screenshots.py and the picture it stored in
episode 07: TensorBoard's Scalars tab for the logs of episode 04.

The test marked ``browser`` starts TensorBoard and headless Chromium (as tests/test_browser.py,
skipped without /usr/bin/chromium and playwright unless CNNLESSON_REQUIRE_BROWSER=1); the others
need neither.
"""

from __future__ import annotations

import base64
import io
import os

import nbformat
import pytest
from PIL import Image

from lessontools import notebooks, screenshots
from notebook_utils import ROOT

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
CATCHUP_LOGS = ROOT / "fit_outputs" / "catchup" / "logs" / "04_regularised_cnn"


def stored_picture() -> bytes:
    stem, cell_id, name = screenshots.TENSORBOARD_PICTURE
    nb = notebooks.read(ROOT / "episodes" / f"{stem}.ipynb")
    cell = next(c for c in nb.cells if c.get("id") == cell_id)
    assert "![" in cell.source and f"(attachment:{name})" in cell.source
    return base64.b64decode(cell.attachments[name]["image/png"])


def test_episode_07_shows_a_small_palette_screenshot_with_alt_text():
    png = stored_picture()
    assert png.startswith(PNG_SIGNATURE)
    assert 10_000 < len(png) <= screenshots.MAX_PNG_BYTES
    image = Image.open(io.BytesIO(png))
    assert image.mode == "P", "stored screenshots use a 256-colour palette"
    assert image.width >= 800 and image.height >= 400
    stem, cell_id, name = screenshots.TENSORBOARD_PICTURE
    nb = notebooks.read(ROOT / "episodes" / f"{stem}.ipynb")
    source = next(c for c in nb.cells if c.get("id") == cell_id).source
    alt = source.split("![", 1)[1].split("](", 1)[0]
    assert len(alt.split()) >= 8, "describe the picture in its alt text"


def test_the_learner_copy_carries_the_picture_too():
    """The picture is part of the cell, so the learner copy (made by lessontools.learners) shows
    it as well, wherever the copy is opened."""
    from lessontools import learners

    stem, cell_id, name = screenshots.TENSORBOARD_PICTURE
    nb = notebooks.read(ROOT / "episodes" / f"{stem}.ipynb")
    learner = learners.make_learner_copy(nb, f"{stem}.ipynb")
    cell = next(c for c in learner.cells if c.get("id") == cell_id)
    assert base64.b64decode(cell.attachments[name]["image/png"]) == stored_picture()


def notebook_with_picture_cell(path, source):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_markdown_cell(source)
    cell.id = "picture"
    nb.cells = [cell]
    notebooks.write(nb, path, normalise=False)


def test_attach_png_stores_the_file_in_the_cell(tmp_path):
    png = tmp_path / "shot.png"
    Image.new("RGB", (40, 20), (255, 128, 0)).save(png)
    notebook = tmp_path / "nb.ipynb"
    notebook_with_picture_cell(notebook, "![an orange box](attachment:shot.png)")
    assert screenshots.attach_png(notebook, "picture", "shot.png", png)
    stored = notebooks.read(notebook).cells[0].attachments["shot.png"]["image/png"]
    assert base64.b64decode(stored) == png.read_bytes()
    assert not screenshots.attach_png(notebook, "picture", "shot.png", png)  # unchanged
    with pytest.raises(screenshots.ScreenshotError, match="no markdown cell with id 'other'"):
        screenshots.attach_png(notebook, "other", "shot.png", png)
    notebook_with_picture_cell(notebook, "no picture here")
    with pytest.raises(screenshots.ScreenshotError, match="does not show attachment:shot.png"):
        screenshots.attach_png(notebook, "picture", "shot.png", png)


def test_palette_png_keeps_the_picture_and_uses_a_palette():
    image = Image.new("RGB", (64, 32), (255, 255, 255))
    for x in range(64):
        image.putpixel((x, x // 2), (x * 4, 0, 255 - x * 4))
    out = io.BytesIO()
    image.save(out, format="PNG")
    smaller = Image.open(io.BytesIO(screenshots.palette_png(out.getvalue())))
    assert smaller.mode == "P" and smaller.size == image.size
    assert smaller.convert("RGB").getpixel((10, 5)) == image.getpixel((10, 5))


def test_a_folder_without_event_files_gives_a_clear_error(tmp_path):
    with pytest.raises(screenshots.ScreenshotError, match="no TensorBoard event files"):
        screenshots.tensorboard_scalars(tmp_path, tmp_path / "shot.png")


@pytest.mark.browser
def test_the_tensorboard_screenshot_can_be_made_again(tmp_path):
    why = screenshots.browser_missing()
    if why and os.environ.get("CNNLESSON_REQUIRE_BROWSER") == "1":
        pytest.fail(f"CNNLESSON_REQUIRE_BROWSER=1 but {why}")
    if why:
        pytest.skip(f"browser test skipped: {why}")
    target = screenshots.tensorboard_scalars(CATCHUP_LOGS, tmp_path / "scalars.png")
    png = target.read_bytes()
    assert png.startswith(PNG_SIGNATURE)
    assert 10_000 < len(png) <= screenshots.MAX_PNG_BYTES
    image = Image.open(target)
    assert image.mode == "P" and image.width == 1100 and image.height >= 400
    # the first chart (epoch_accuracy) has both runs' lines, in TensorBoard's run colours
    chart = image.convert("RGB").crop((300, 230, 640, 410))
    counts = {rgb: n for n, rgb in chart.getcolors(maxcolors=1 << 16)}
    assert counts.get((255, 112, 67), 0) > 100, "no orange line (train) in the chart"
    assert counts.get((0, 119, 187), 0) > 100, "no blue line (validation) in the chart"

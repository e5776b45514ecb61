"""End to end in a real browser, for what only a browser shows, without re-running an episode
(nbval runs every episode once): JupyterLab on 127.0.0.1 opens a small notebook of the lesson's
widgets on real CIFAR-10 images (tests/browser/widgets.ipynb) in headless Chromium, runs it with
JupyterLab's own *Run All*, and checks that no cell fails (an error shown the lesson's way and an
exercise check with a blank included) and that the kernel explorer (an ipywidgets widget)
renders and redraws its picture when a control changes.

Needs Debian's ``chromium`` (/usr/bin/chromium) and the ``playwright`` package; Playwright drives
the system Chromium and never downloads a browser. Without them (a learner's laptop) the tests
are skipped; CI installs Chromium (.ci/run) and sets CNNLESSON_REQUIRE_BROWSER=1, which turns the
skip into a failure. Screenshots go to tests/_screenshots/ (ignored by git). Run only these:
``pytest -o addopts="" -m browser tests/test_browser.py -v``.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

# One place for Debian's Chromium and its offline flags (Playwright's user_data_dir gives each
# test a fresh profile): the same as the maintainer screenshots use.
from lessontools.screenshots import CHROMIUM, CHROMIUM_ARGS, browser_missing

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "tests" / "_screenshots"
WIDGETS = ROOT / "tests" / "browser" / "widgets.ipynb"
RUN_ALL_TIMEOUT_S = 240
# JupyterLab settings for the test: every cell stays in the page (no windowing, so every prompt
# can be read), and no news or update checks.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false",
                                                     "checkForUpdates": False},
}
ERROR_TEXT = re.compile(r"Traceback \(most recent call last\)|^\w*(Error|Exception)(:|\s{2,})",
                        re.M)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module", autouse=True)
def _browser_available():
    why = browser_missing()
    if why and os.environ.get("CNNLESSON_REQUIRE_BROWSER") == "1":
        pytest.fail(f"CNNLESSON_REQUIRE_BROWSER=1 but {why}")
    if why:
        pytest.skip(f"browser test skipped: {why}")


# --------------------------------------------------------------------------------------------
# JupyterLab server
# --------------------------------------------------------------------------------------------

@dataclass
class Lab:
    """A running JupyterLab: ``url(notebook)`` opens a notebook, ``root`` holds the copies."""

    process: subprocess.Popen
    port: int
    token: str
    root: Path
    log: Path

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path}?token={self.token}"

    def api(self, path: str, method: str = "GET"):
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}/api/{path}",
                                         method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self) -> None:
        for kernel in self.api("kernels"):
            self.api(f"kernels/{kernel['id']}", method="DELETE")

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _copy_without_outputs(source: Path, target: Path) -> None:
    """Copy a notebook with its outputs and execution counts removed, so that whatever the
    browser shows comes from this run."""
    notebook = json.loads(source.read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    target.write_text(json.dumps(notebook, indent=1, ensure_ascii=False), encoding="utf-8")


@pytest.fixture(scope="module")
def lab(tmp_path_factory, _browser_available):
    """JupyterLab serving copies of the episodes from a temporary folder (the browser's
    autosave never touches episodes/), in quick mode; stopped with its kernels afterwards."""
    import psutil

    base = tmp_path_factory.mktemp("browser")
    root, settings, jupyter = base / "notebooks", base / "lab-settings", base / "jupyter"
    root.mkdir()
    _copy_without_outputs(WIDGETS, root / WIDGETS.name)
    for plugin, values in LAB_SETTINGS.items():
        path = settings / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    env = dict(os.environ, CNNLESSON_MODE="quick", CNNLESSON_NO_PROGRESS="1",
               CNNLESSON_OUTPUT_DIR=str(base / "fit_outputs"), TF_CPP_MIN_LOG_LEVEL="2",
               JUPYTER_CONFIG_DIR=str(jupyter / "config"),
               JUPYTER_RUNTIME_DIR=str(jupyter / "runtime"), IPYTHONDIR=str(jupyter / "ipython"),
               PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    port, token = _free_port(), secrets.token_hex(24)
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1",
               f"--port={port}", "--ServerApp.port_retries=0",
               f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
               f"--LabApp.user_settings_dir={settings}",
               f"--LabApp.workspaces_dir={base / 'workspaces'}",
               "--LabApp.extension_manager=readonly",
               "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # CI containers run as root
    log = base / "jupyterlab.log"
    with open(log, "wb") as log_file:
        process = subprocess.Popen(command, env=env, cwd=root, stdout=log_file,
                                   stderr=subprocess.STDOUT)
    server = Lab(process, port, token, root, log)
    try:
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None:
                pytest.fail(f"JupyterLab exited with {process.returncode}:\n{server.log_tail()}")
            try:
                server.api("status")
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab did not answer in 90 s:\n{server.log_tail()}")
                time.sleep(0.3)
        yield server
    finally:
        children = []
        if process.poll() is None:
            children = psutil.Process(process.pid).children(recursive=True)
            try:
                server.shutdown_kernels()
            except OSError:
                pass
            process.terminate()  # the server shuts its kernels down on the way out
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        for child in children:  # kernels that outlived the server
            if child.is_running():
                child.kill()


# --------------------------------------------------------------------------------------------
# Browser
# --------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def browser_context(tmp_path_factory, _browser_available):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            tmp_path_factory.mktemp("chromium-profile"), executable_path=str(CHROMIUM),
            args=CHROMIUM_ARGS, headless=True, viewport={"width": 1400, "height": 1000})
        context.set_default_timeout(60_000)
        # loopback only: anything else the page asks for fails at once
        context.route(re.compile(r"^(?!https?://(127\.0\.0\.1|localhost)[:/])"),
                      lambda route: route.abort())
        try:
            yield context
        finally:
            context.close()


@pytest.fixture
def page(browser_context, lab):
    page = browser_context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.problems = problems
    try:
        yield page
    finally:
        page.close()
        lab.shutdown_kernels()


def screenshot(target, name: str) -> Path:
    """Save a screenshot of a page or an element to tests/_screenshots/ and print its path."""
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    target.screenshot(path=str(path))
    print(f"screenshot: {path}")
    return path


# In the page: the prompt of every code cell ("[ ]:", "[*]:", "[3]:"), the kernel's status, and
# the text of every output rendered as stderr (tracebacks and warnings).
CELL_STATE_JS = """() => {
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  const cells = Array.from(panel.querySelectorAll('.jp-Notebook .jp-CodeCell'));
  return {
    prompts: cells.map(cell => {
      const prompt = cell.querySelector('.jp-InputArea-prompt');
      return prompt ? prompt.textContent.trim() : '';
    }),
    status: panel.querySelector('.jp-Notebook-ExecutionIndicator')?.dataset.status ?? '',
    stderr: Array.from(panel.querySelectorAll(
      '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'))
      .map(output => output.textContent),
  };
}"""


def click_menu(page, menu: str, item: str) -> None:
    page.locator("#jp-MainMenu .lm-MenuBar-itemLabel", has_text=re.compile(f"^{menu}$")).click()
    page.locator(".lm-Menu:visible .lm-Menu-itemLabel",
                 has_text=re.compile(f"^{re.escape(item)}$")).click()


def run_all_cells(page, lab: Lab, name: str) -> dict:
    """Open notebook ``name``, run all its cells, wait until each has run; fail on the first
    error output. Returns the final cell state."""
    notebook = json.loads((lab.root / name).read_text(encoding="utf-8"))
    code_cells = sum(cell["cell_type"] == "code" for cell in notebook["cells"])
    page.goto(lab.url(f"lab/tree/{name}"))
    page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell").first.wait_for()
    # the kernel is connected and idle (the status bar says "Python 3 (ipykernel) | Idle");
    # running cells before that opens a "Select Kernel" dialog
    page.locator(".jp-StatusBar-Widget").get_by_text(re.compile(r"\|\s*Idle\s*$")).wait_for()
    # collapsed inputs (exercise solutions) show no prompt: expand them so every cell shows one
    click_menu(page, "View", "Expand All Code")
    click_menu(page, "Run", "Run All Cells")
    started, state = time.monotonic(), {}
    while time.monotonic() - started < RUN_ALL_TIMEOUT_S:
        state = page.evaluate(CELL_STATE_JS)
        dialog = page.locator(".jp-Dialog")
        if dialog.count():
            screenshot(page, f"{Path(name).stem}-dialog")
            pytest.fail(f"{name}: JupyterLab opened a dialog: {dialog.first.inner_text()}")
        errors = [text for text in state["stderr"] if ERROR_TEXT.search(text)]
        if errors:
            screenshot(page, f"{Path(name).stem}-error")
            pytest.fail(f"{name}: a cell failed in the browser:\n{errors[0][-3000:]}")
        done = (len(state["prompts"]) == code_cells
                and all(re.fullmatch(r"\[\d+\]:", p) for p in state["prompts"]))
        if done and state["status"] == "idle":
            break
        time.sleep(1)
    else:
        screenshot(page, f"{Path(name).stem}-timeout")
        pytest.fail(f"{name}: not all cells ran in {RUN_ALL_TIMEOUT_S} s: {state}\n"
                    f"{lab.log_tail()}")
    print(f"{name}: {code_cells} code cells ran in {time.monotonic() - started:.0f} s")
    return state


def save_and_read(page, lab: Lab, name: str) -> dict:
    """Save the notebook from the browser and return it as stored on disk."""
    before = (lab.root / name).stat().st_mtime_ns
    click_menu(page, "File", "Save Notebook")
    deadline = time.monotonic() + 30
    while (lab.root / name).stat().st_mtime_ns == before and time.monotonic() < deadline:
        time.sleep(0.2)
    return json.loads((lab.root / name).read_text(encoding="utf-8"))


def assert_ran_cleanly(saved: dict, page) -> None:
    code = [cell for cell in saved["cells"] if cell["cell_type"] == "code"]
    assert all(cell["execution_count"] for cell in code), "a saved cell has no execution count"
    errors = [f"{o['ename']}: {o['evalue']}" for cell in code for o in cell["outputs"]
              if o["output_type"] == "error"]
    assert not errors, f"error outputs in the saved notebook: {errors}"
    assert not page.problems, f"JavaScript errors in the page: {page.problems}"


# --------------------------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------------------------

def test_run_all_of_the_widgets_notebook_and_the_kernel_explorer_responds(page, lab):
    name = WIDGETS.name
    run_all_cells(page, lab, name)
    saved = save_and_read(page, lab, name)
    assert_ran_cleanly(saved, page)
    printed = "".join("".join(o.get("text", "")) for c in saved["cells"]
                      if c["cell_type"] == "code" for o in c["outputs"])
    assert "FileNotFoundError: No image file" in printed and "the last cell ran" in printed

    check_kernel_explorer(page, "widgets")


def check_kernel_explorer(page, stem: str) -> None:
    """The kernel explorer (cnnlesson.widgets.kernel_explorer) on the page shows its controls and
    a picture, and redraws the picture when another preset is chosen or a kernel is typed."""
    explorer = page.locator(".jp-NotebookPanel:visible .widget-vbox").filter(
        has=page.locator(".widget-dropdown", has_text="kernel"))
    assert explorer.count() == 1, "the kernel explorer widget is not rendered"
    dropdown = explorer.locator(".widget-dropdown select")
    text = explorer.locator(".widget-text input")
    picture = explorer.locator(".widget-output img")
    explorer.scroll_into_view_if_needed()
    assert explorer.locator(".widget-slider").count() == 1, "no image slider"

    def changed_picture(before: str | None) -> str:
        """Wait until the picture differs from ``before``, has loaded, and stays for 1 s (the
        kernel clears the output area and draws anew on every change)."""
        deadline, last, since = time.monotonic() + 30, None, time.monotonic()
        while time.monotonic() < deadline:
            src = picture.evaluate_all("images => images.length === 1 && images[0].complete "
                                       "&& images[0].naturalWidth > 0 ? images[0].src : null")
            if src != last:
                last, since = src, time.monotonic()
            elif src and src != before and time.monotonic() - since >= 1:
                return src
            time.sleep(0.2)
        pytest.fail("the kernel explorer's picture did not change after a control changed")

    # choose another preset in the dropdown
    first = changed_picture(None)
    screenshot(page, f"{stem}-explorer")
    screenshot(explorer, f"{stem}-explorer-before")
    presets = dropdown.locator("option").all_text_contents()
    assert "blur" in presets and dropdown.input_value() != "blur", presets
    dropdown.select_option(label="blur")
    blurred = changed_picture(first)
    screenshot(explorer, f"{stem}-explorer-blur")

    # type a kernel: the dropdown switches to the custom entry and the picture changes again
    text.fill("0 0 0; 0 -1 0; 0 0 0")
    changed_picture(blurred)
    assert dropdown.input_value().startswith("custom"), dropdown.input_value()
    screenshot(explorer, f"{stem}-explorer-custom")
    assert not page.problems, f"JavaScript errors in the page: {page.problems}"

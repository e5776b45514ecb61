"""The lesson's website (``python3 lesson.py site``, scripts/lessontools/site.py).

Unit tests: every figure of every episode has a description (its alt text on the site), and the
pieces of the build (figure descriptions, episode pages, links, the home page) on small
notebooks made here. Then the real site is built once from the stored notebooks and its HTML
is read: every page is there, figures carry their descriptions, solutions are collapsed, no page
loads anything from another host.

Browser tests (marked ``browser``, as tests/test_browser.py: Debian's Chromium driven by
Playwright, no browser download; skipped without /usr/bin/chromium unless
CNNLESSON_REQUIRE_BROWSER=1): the built site is served on 127.0.0.1, every page loads with no
console error, every internal link and anchor resolves, every image has alt text, search finds
a term of episode 05, collapsed solutions open on click, axe-core (from the npm registry,
installed into tests/_axe/ on first use) finds no serious or critical accessibility violation on
the home page and the episode pages, and screenshots of the home page and episode 05 at phone and
desktop widths go to tests/_screenshots/. Run only these:
``pytest -o addopts="" -p no:nbval tests/test_site.py -v``.
"""

from __future__ import annotations

import base64
import hashlib
import http.server
import io
import json
import os
import re
import shutil
import subprocess
import threading
from functools import partial
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nbformat
import pytest

from lessontools import learners, notebooks, screenshots, site

ROOT = Path(__file__).resolve().parent.parent
EPISODES = notebooks.episode_notebooks(ROOT)
SCREENSHOTS = ROOT / "tests" / "_screenshots"
AXE_VERSION = "4.14.1"  # axe-core from the npm registry
AXE_DIR = ROOT / "tests" / "_axe"
AXE_SCRIPT = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1400, "height": 1000}
SEARCH_TERM = "confusion"  # taught in episode 05 (the confusion matrix)


def png(colour=(200, 30, 30), size=(4, 3)) -> str:
    """A real PNG image, base64-encoded as notebooks store it."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return base64.b64encode(out.getvalue()).decode()


def image_output(data: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_output("display_data", data={"image/png": data,
                                                        "text/plain": "<Figure>"})


def figure_cell(cell_id: str, images: int, alt=None) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell("plt.show()", execution_count=1, outputs=[
        image_output(png((40 * i, 0, 0))) for i in range(images)])
    cell.id = cell_id
    if alt is not None:
        cell.metadata["cnnlesson"] = {"alt": alt}
    return cell


# --------------------------------------------------------------------------------------------
# Every figure has a description
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", EPISODES, ids=lambda p: p.stem)
def test_every_figure_of_the_episode_has_a_description(path):
    missing = site.missing_descriptions(notebooks.read(path))
    assert not missing, (
        f"{path.name}: {len(missing)} figure(s) without a description: {missing}. Add what each "
        "figure shows in a sentence to the cell's metadata, \"cnnlesson\": {\"alt\": \"...\"} (a "
        "list, one per image, when the cell outputs several); see CONTRIBUTING.md.")


# Colour maps that readers with the common colour-vision deficiencies cannot read: rainbow maps
# (equal steps do not look equal, and red and green parts look alike) and red-green diverging maps.
UNREADABLE_CMAPS = {"jet", "rainbow", "gist_rainbow", "hsv", "nipy_spectral", "gist_ncar",
                    "turbo", "Spectral", "RdYlGn", "RdGy", "PiYG", "PRGn", "brg"}
CMAP = re.compile(r"""cmap\s*=\s*["']([\w.-]+?)(?:_r)?["']""")


def test_figures_use_colour_maps_that_colour_blind_readers_can_read():
    sources = {path.relative_to(ROOT).as_posix(): path.read_text(encoding="utf-8")
               for path in sorted((ROOT / "scripts" / "cnnlesson").rglob("*.py"))}
    for path in EPISODES:
        sources[path.name] = "\n".join(c.source for c in notebooks.read(path).cells
                                       if c.cell_type == "code")
    found = {name: sorted(set(CMAP.findall(text)) & UNREADABLE_CMAPS)
             for name, text in sources.items()}
    assert {name: maps for name, maps in found.items() if maps} == {}, \
        "use viridis, cividis, inferno, gray or a one-hue map such as Blues instead"


def test_missing_descriptions_names_each_figure_without_one():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        figure_cell("described", 1, "a red square"),
        figure_cell("bare", 1),
        figure_cell("blank", 1, "   "),
        figure_cell("two-described", 2, ["a red square", "a dark square"]),
        figure_cell("two-with-one-string", 2, "one text for two figures"),
        figure_cell("two-with-short-list", 2, ["only the first"]),
        nbformat.v4.new_code_cell("print(1)", outputs=[nbformat.v4.new_output(
            "stream", text="1\n")]),
        nbformat.v4.new_markdown_cell("![](attachment:plot.png) and ![a plot](other.png)"),
    ]
    nb.cells[-2].id, nb.cells[-1].id = "text-only", "markdown"

    assert site.missing_descriptions(nb) == [
        "cell bare: image 1 of 1",
        "cell blank: image 1 of 1",
        "cell two-with-one-string: image 1 of 2",
        "cell two-with-one-string: image 2 of 2",
        "cell two-with-short-list: image 1 of 2",
        "cell two-with-short-list: image 2 of 2",
        "cell markdown: markdown image attachment:plot.png",
    ]


def test_descriptions_are_found_by_the_digest_of_the_image_bytes():
    nb = nbformat.v4.new_notebook()
    nb.cells = [figure_cell("a", 2, ["first", "second"]), figure_cell("b", 1)]
    first, second = (base64.b64decode(o.data["image/png"]) for o in nb.cells[0].outputs)

    table = site.description_table(nb)

    assert table == {hashlib.sha256(first).hexdigest(): "first",
                     hashlib.sha256(second).hexdigest(): "second"}


# --------------------------------------------------------------------------------------------
# Pages
# --------------------------------------------------------------------------------------------

REPO = "https://github.com/someone/lesson"


def small_episode() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    title = nbformat.v4.new_markdown_cell(
        "# 99 — Test\n\n[![Open In Colab](https://colab.research.google.com/assets/colab-badge"
        ".svg)](https://colab.research.google.com/github/someone/lesson/blob/main/episodes/"
        "learner/99_test.ipynb)\n\nSee [the notes](../instructors/README.md), "
        "[a module](../scripts/cnnlesson/data.py), [the package](../scripts/cnnlesson) and "
        "[the start](../README.md#two-commands).")
    colab_cell = nbformat.v4.new_code_cell("# On Google Colab only", metadata={
        "jupyter": {"source_hidden": True}})
    colab_cell.id = notebooks.COLAB_CELL_ID
    solution = figure_cell("ex-99-1-solution", 1, "a red square")
    solution.metadata["jupyter"] = {"source_hidden": True}
    answer = nbformat.v4.new_markdown_cell("**Answer.** Red.",
                                           metadata={"tags": [learners.SOLUTION_TAG]})
    nb.cells = [title, colab_cell, nbformat.v4.new_markdown_cell("## Set up"), solution, answer]
    return nb


def test_episode_page_collapses_solutions_and_loads_nothing_from_elsewhere():
    nb = small_episode()
    before = nbformat.writes(nb)
    result = {"mode": "full", "seconds": 187.6, "peak_rss_mb": 1338, "machine": "2 CPU, x86_64",
              "date": "2026-11-30"}

    page = site.episode_page(nb, "episodes/99_test.ipynb", result,
                             {"episodes/99_test.ipynb", "instructors/README.md"}, REPO)

    assert nbformat.writes(nb) == before, "the stored notebook must not change"
    ids = [cell.get("id") for cell in page.cells]
    assert notebooks.COLAB_CELL_ID not in ids
    title = page.cells[0].source
    assert "colab-badge.svg" not in title
    assert ("[Open In Colab](https://colab.research.google.com/github/someone/lesson/blob/main/"
            "episodes/learner/99_test.ipynb) · [Open in Binder](https://mybinder.org/v2/gh/"
            "someone/lesson/HEAD?urlpath=lab/tree/episodes/learner/99_test.ipynb)") in title
    assert "[the notes](../instructors/README.md)" in title
    assert f"[a module]({REPO}/blob/main/scripts/cnnlesson/data.py)" in title
    assert f"[the package]({REPO}/tree/main/scripts/cnnlesson)" in title
    assert "[the start](../index.md#two-commands)" in title
    note = page.cells[ids.index("site-measured-run")].source
    assert "188 seconds" in note and "1,338 MB" in note and "2026-11-30" in note
    solution = page.cells[ids.index("ex-99-1-solution")]
    assert "hide-cell" in solution.metadata["tags"]
    assert solution.metadata["cnnlesson"]["alt"] == "a red square"
    answer = page.cells[-1].source
    assert answer.startswith('<details class="lesson-answer">\n<summary>Show the answer</summary>')
    assert answer.rstrip().endswith("</details>") and "**Answer.** Red." in answer


def test_episode_page_without_a_full_benchmark_run_has_no_run_note():
    for result in (None, {"mode": "quick", "seconds": 3.0, "peak_rss_mb": 500}):
        page = site.episode_page(small_episode(), "episodes/99_test.ipynb", result, set(), REPO)
        assert "site-measured-run" not in [cell.get("id") for cell in page.cells]


def test_links_to_pages_of_the_site_anchors_and_addresses_stay():
    text = ("[a](docs/setup.md#working-offline) [b](#settings) [c](https://example.org/x) "
            "[d](mailto:someone@example.org) [e](benchmarks/results.md) ![f](x.png)")

    fixed = site.rewrite_links(text, "README.md", {"docs/setup.md"}, REPO)

    assert fixed == ("[a](docs/setup.md#working-offline) [b](#settings) "
                     "[c](https://example.org/x) [d](mailto:someone@example.org) "
                     f"[e]({REPO}/blob/main/benchmarks/results.md) ![f](x.png)")


def test_home_page_is_made_of_the_readme_sections():
    staged = {f"episodes/{p.name}" for p in EPISODES} | set(site.PAGES)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")

    home = site.home_page(readme, staged, site.colab.repository_url(ROOT))

    for heading in site.HOME_SECTIONS:
        assert f"\n## {heading}\n" in home
    assert "## For developers" not in home and "## What is where" not in home
    assert "badge_logo.svg" not in home, "a badge would load an image from another host"
    assert "python3 lesson.py lab" in home and "CNNLESSON_CIFAR10_MIRROR" in home
    for path in EPISODES:
        assert f"\nepisodes/{path.stem}\n" in home, f"{path.stem} is missing from the toctree"
    for page in site.PAGES:
        assert f"\n{page.removesuffix('.md')}\n" in home


def test_home_page_needs_the_readme_sections():
    with pytest.raises(site.SiteError, match="Binder and Colab"):
        site.home_page("# Lesson\n\n## Two commands\n\n## Episodes\n\n"
                       "## Working offline and before a workshop\n", set(), REPO)


# --------------------------------------------------------------------------------------------
# The real site, built once from the stored notebooks
# --------------------------------------------------------------------------------------------


class _PageParser(HTMLParser):
    """Images (their alt text), scripts, style sheets and collapsed blocks of an HTML page."""

    def __init__(self):
        super().__init__()
        self.images, self.resources, self.details = [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "img":
            self.images.append(attrs)
        elif tag == "script" and attrs.get("src"):
            self.resources.append(attrs["src"])
        elif tag == "link" and attrs.get("rel") in ("stylesheet", "icon", "preload"):
            self.resources.append(attrs.get("href", ""))
        elif tag == "details":
            self.details.append(attrs.get("class", ""))


def parse(path: Path) -> _PageParser:
    parser = _PageParser()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


@pytest.fixture(scope="module")
def built_site():
    """The site built from the stored notebooks (site/_build/html), once for this module."""
    return site.build(ROOT)


def test_the_site_has_every_page(built_site):
    html = built_site["html"]
    expected = ["index.html", "search.html", *(f"episodes/{p.stem}.html" for p in EPISODES),
                *(f"{page.removesuffix('.md')}.html" for page in site.PAGES)]
    assert [name for name in expected if not (html / name).is_file()] == []
    assert not built_site["warnings"], "\n".join(built_site["warnings"])


def test_episode_pages_show_descriptions_as_alt_text_and_collapse_solutions(built_site):
    for path in EPISODES:
        nb = notebooks.read(path)
        page = parse(built_site["html"] / "episodes" / f"{path.stem}.html")
        shown = {image.get("alt") for image in page.images}
        for cell in nb.cells:
            for text in site.figure_descriptions(cell):
                assert not text or text in shown, f"{path.stem}: {text!r} is not an alt text"
        solutions = sum(learners.is_solution(c) for c in nb.cells if c.cell_type == "code")
        answers = sum(learners.SOLUTION_TAG in c.metadata.get("tags", []) for c in nb.cells)
        assert sum("hide" in classes.split() for classes in page.details) == solutions
        assert sum("lesson-answer" in classes.split() for classes in page.details) == answers


def test_no_page_loads_anything_from_another_host(built_site):
    html = built_site["html"]
    remote = {}
    for page in html.glob("**/*.html"):
        found = [r for r in parse(page).resources if re.match(r"(https?:)?//", r)]
        if found:
            remote[page.relative_to(html).as_posix()] = found
    assert remote == {}


def test_math_is_mathml_and_each_episode_states_its_measured_run(built_site):
    results = site.benchmark_results(ROOT)
    for path in EPISODES:
        text = (built_site["html"] / "episodes" / f"{path.stem}.html").read_text()
        result = results.get(path.stem)
        if result and result.get("mode") == "full":
            assert f"{result['peak_rss_mb']:,} MB of memory" in text, path.stem
        prose = "\n".join(c.source for c in notebooks.read(path).cells
                          if c.cell_type == "markdown")
        prose = re.sub(r"```.*?```|`[^`]*`", "", prose, flags=re.S)  # code is not math
        if re.search(r"\$[^$\n]+\$", prose):
            assert "<math" in text, f"{path.stem}: its math was not turned into MathML"
    build_a_cnn = next(p for p in EPISODES if p.name.startswith("03_"))  # teaches with math
    assert "<math" in (built_site["html"] / "episodes" / f"{build_a_cnn.stem}.html").read_text()


# --------------------------------------------------------------------------------------------
# In a real browser
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser_ready():
    why = screenshots.browser_missing()
    if why and os.environ.get("CNNLESSON_REQUIRE_BROWSER") == "1":
        pytest.fail(f"CNNLESSON_REQUIRE_BROWSER=1 but {why}")
    if why:
        pytest.skip(f"browser test skipped: {why}")


@pytest.fixture(scope="module")
def served(built_site, browser_ready):
    """The built site on a local HTTP server: its base address."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = partial(Quiet, directory=str(built_site["html"]))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def chromium(browser_ready):
    from playwright.sync_api import sync_playwright

    from lessontools.screenshots import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                             args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def open_page(chromium, url: str, viewport=DESKTOP):
    """A new page at ``url`` that only reaches 127.0.0.1, with its problems recorded:
    ``page.problems`` (console errors, uncaught exceptions, failed requests)."""
    context = chromium.new_context(viewport=viewport)
    context.set_default_timeout(30_000)
    context.route(re.compile(r"^(?!https?://(127\.0\.0\.1|localhost)[:/])"),
                  lambda route: route.abort())
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}")
            if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(f"uncaught: {error}"))
    page.on("requestfailed", lambda r: problems.append(f"failed request: {r.url}"))
    page.on("response", lambda r: problems.append(f"HTTP {r.status}: {r.url}")
            if r.status >= 400 else None)
    page.problems = problems
    page.goto(url, wait_until="load")
    return page


PAGE_FACTS_JS = """() => ({
  ids: Array.from(document.querySelectorAll('[id]')).map(e => e.id),
  links: Array.from(document.querySelectorAll('a[href]')).map(a => a.href),
  images: Array.from(document.querySelectorAll('img')).map(i => ({
    src: i.getAttribute('src'), alt: i.getAttribute('alt')})),
})"""


@pytest.fixture(scope="module")
def visited(built_site, served, chromium):
    """Every HTML page of the site opened once in Chromium: ``{page: facts}`` with its
    problems, element ids, links and images."""
    html = built_site["html"]
    facts = {}
    for path in sorted(html.rglob("*.html")):
        name = path.relative_to(html).as_posix()
        if name.startswith("_"):  # _static/ holds the theme's template files, not pages
            continue
        page = open_page(chromium, served + name)
        page.wait_for_timeout(200)  # the theme's scripts run after "load"
        facts[name] = {**page.evaluate(PAGE_FACTS_JS), "problems": list(page.problems)}
        page.context.close()
    return facts


@pytest.mark.browser
def test_every_page_loads_without_console_errors(visited):
    assert len(visited) >= len(EPISODES) + 5
    troubled = {name: facts["problems"] for name, facts in visited.items() if facts["problems"]}
    assert troubled == {}


@pytest.mark.browser
def test_no_page_is_wider_than_a_phone(visited, served, chromium):
    too_wide = {}
    for name in visited:
        page = open_page(chromium, served + name, viewport=PHONE)
        overflow = page.evaluate("() => document.documentElement.scrollWidth - innerWidth")
        page.context.close()
        if overflow > 0:
            too_wide[name] = f"{overflow} px wider than {PHONE['width']} px"
    assert too_wide == {}, "wide content should wrap or scroll inside its own box"


@pytest.mark.browser
def test_every_image_has_alt_text_that_describes_it(visited):
    bad = {}
    for name, facts in visited.items():
        for image in facts["images"]:
            alt = (image["alt"] or "").strip()
            if not alt or Path(image["src"] or "").name in alt or re.fullmatch(r"[\w.-]+\.\w+",
                                                                               alt):
                bad.setdefault(name, []).append(image["src"])
    assert bad == {}, "images without a description (which cells: " \
        "test_every_figure_of_the_episode_has_a_description): " + \
        ", ".join(f"{name}: {len(images)}" for name, images in bad.items())


@pytest.mark.browser
def test_every_internal_link_and_anchor_resolves(visited, served, built_site):
    html = built_site["html"]
    broken = []
    for name, facts in visited.items():
        for link in facts["links"]:
            if not link.startswith(served):
                continue
            parts = urlsplit(link)
            target = unquote(parts.path[len(urlsplit(served).path):]) or "index.html"
            if target.endswith("/"):
                target += "index.html"
            if not (html / target).is_file():
                broken.append(f"{name}: {link} (no such file)")
            elif parts.fragment and target in visited and \
                    unquote(parts.fragment) not in visited[target]["ids"]:
                broken.append(f"{name}: {link} (no such anchor)")
    assert broken == []


@pytest.mark.browser
def test_search_finds_a_term_of_episode_05(served, chromium):
    page = open_page(chromium, f"{served}search.html?q={SEARCH_TERM}")
    results = page.locator("#search-results li a")
    results.first.wait_for()
    page.wait_for_function("() => document.querySelector('#search-results p.search-summary')"
                           " || document.querySelectorAll('#search-results li').length > 3")
    hrefs = results.evaluate_all("links => links.map(a => a.href)")
    assert any("episodes/05_evaluate_and_tune.html" in href for href in hrefs), hrefs
    assert not page.problems, page.problems
    page.context.close()


@pytest.mark.browser
def test_collapsed_solutions_open_on_click(served, chromium):
    page = open_page(chromium, f"{served}episodes/05_evaluate_and_tune.html")
    for selector in ("details.hide", "details.lesson-answer"):
        block = page.locator(selector).first
        content = block.locator(":scope > :not(summary)").first
        assert block.evaluate("d => d.open") is False, f"{selector} starts open"
        assert not content.is_visible(), f"{selector}: the solution shows before a click"
        block.locator(":scope > summary").click()
        assert block.evaluate("d => d.open") is True, f"{selector} did not open on click"
        content.wait_for(state="visible")
    assert not page.problems, page.problems
    page.context.close()


@pytest.fixture(scope="module")
def axe_script(browser_ready) -> Path:
    """axe-core's axe.min.js, installed from the npm registry into tests/_axe/ on first use."""
    installed = AXE_DIR / "node_modules" / "axe-core" / "package.json"
    if installed.is_file() and json.loads(installed.read_text())["version"] == AXE_VERSION:
        return AXE_SCRIPT
    why = None
    if shutil.which("npm") is None:
        why = "npm is not installed (Debian: apt-get install npm)"
    else:
        done = subprocess.run(["npm", "install", "--prefix", str(AXE_DIR), "--no-audit",
                               "--no-fund", "--loglevel=error", f"axe-core@{AXE_VERSION}"],
                              capture_output=True, text=True, timeout=300)
        if done.returncode != 0 or not AXE_SCRIPT.is_file():
            why = f"`npm install axe-core@{AXE_VERSION}` failed: {done.stderr[-1500:]}"
    if why and os.environ.get("CNNLESSON_REQUIRE_BROWSER") == "1":
        pytest.fail(f"CNNLESSON_REQUIRE_BROWSER=1 but {why}")
    if why:
        pytest.skip(f"accessibility scan skipped: {why}")
    return AXE_SCRIPT


AXE_RUN_JS = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => `${v.impact} ${v.id}: ${v.help} (${v.nodes.length}x, e.g. ` +
              `${v.nodes[0].target.join(' ')}: ${v.nodes[0].html.slice(0, 160)})`);
}"""


@pytest.mark.browser
@pytest.mark.parametrize("name", ["index.html", *(f"episodes/{p.stem}.html" for p in EPISODES)])
def test_no_serious_accessibility_violation(name, served, chromium, axe_script):
    page = open_page(chromium, served + name)
    page.add_script_tag(path=str(axe_script))
    violations = page.evaluate(AXE_RUN_JS)
    page.context.close()
    assert violations == [], "\n".join(violations)


@pytest.mark.browser
@pytest.mark.parametrize("viewport_name", ["phone", "desktop"])
@pytest.mark.parametrize("name", ["index.html", "episodes/05_evaluate_and_tune.html"])
def test_screenshots_at_phone_and_desktop_width(name, viewport_name, served, chromium):
    viewport = PHONE if viewport_name == "phone" else DESKTOP
    page = open_page(chromium, served + name, viewport=viewport)
    page.wait_for_timeout(300)
    SCREENSHOTS.mkdir(exist_ok=True)
    target = SCREENSHOTS / f"site-{Path(name).stem}-{viewport_name}.png"
    page.screenshot(path=str(target))
    print(f"screenshot: {target}")
    page.context.close()
    assert target.stat().st_size > 10_000

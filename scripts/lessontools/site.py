"""The lesson as a website: ``python3 lesson.py site`` (or ``python -m lessontools site``).

Builds a static website from the stored notebooks, without running them (their stored
full-mode outputs are the pages' outputs), into ``site/_build/html/`` (ignored by git): a home
page made from the README (what the lesson teaches, the two commands, offline use, Binder and
Colab), one page per episode with previous/next links, the learner set-up and troubleshooting
pages (``docs/``), the instructor notes, and full-text search. Open
``site/_build/html/index.html`` in a browser, or copy the folder to any static host.

How it works: :func:`stage` writes the pages into ``site/_build/source/`` in the repository's
own layout (so the relative links of the README and the notes resolve as they do on GitHub),
and Sphinx (with MyST-NB, which reads notebooks, and the book theme) turns them into HTML with
the configuration in ``site/conf.py``. On the way, each episode page

- drops the Colab set-up cell and shows the Colab badge as a plain "Open in Colab" link (the
  site loads nothing from other hosts), with a Binder link beside it;
- collapses every exercise solution (a hidden code cell, :func:`learners.is_solution`, with its
  outputs) and every written answer (a markdown cell tagged ``solution``) until clicked;
- states the episode's measured run time and kernel memory (``benchmarks/results.json``);
- gives every figure its description as alt text.

**Figure descriptions.** Every image a code cell outputs needs a short description of what it
shows, stored with the cell: ``cell.metadata["cnnlesson"]["alt"]``, a string when the cell
outputs one image, a list of strings (one per image, in output order) when it outputs several.
A re-run of the notebook keeps them (they are cell metadata, not outputs).
:func:`missing_descriptions` lists the figures without one; ``tests/test_site.py`` fails on any,
and the build prints them. Images in markdown cells take their alt text from the markdown,
``![what it shows](...)``.

Math (``$...$``) is turned into MathML while building (latex2mathml; browsers draw MathML
natively), so no page needs a script from another host.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import nbformat

from . import colab, learners, notebooks

SITE_DIR = Path("site")  # conf.py and _static/ (committed)
BUILD_DIR = SITE_DIR / "_build"  # everything the build writes (ignored by git)
SOURCE_DIR = BUILD_DIR / "source"
HTML_DIR = BUILD_DIR / "html"
ALT_FILE = "_figure_descriptions.json"  # written beside the staged pages, read by conf.py
DESCRIPTION_KEY = "alt"  # cell.metadata["cnnlesson"]["alt"]
IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/svg+xml")
SOLUTION_TAG = learners.SOLUTION_TAG

# The README's sections that make the home page, in order (after its title and introduction).
HOME_SECTIONS = ("Two commands", "Episodes", "Working offline and before a workshop",
                 "Binder and Colab")
# Markdown pages of the repository that are pages of the site (besides README.md -> index.md).
PAGES = ("docs/setup.md", "docs/troubleshooting.md", "instructors/README.md")

BADGE = re.compile(r"\[!\[([^\]]*)\]\(https?://[^)]*\)\]\(([^)]+)\)")
MARKDOWN_IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)[^)]*\)")
LINK = re.compile(r"(?<!!)\[([^\]]*)\]\(([^)\s]+)\)")


class SiteError(RuntimeError):
    """The site could not be built (Sphinx failed, a page is missing)."""


# --------------------------------------------------------------------------------------------
# Figure descriptions
# --------------------------------------------------------------------------------------------


def image_outputs(cell) -> list[tuple[str, str]]:
    """``(mime type, data)`` of every image a code cell outputs, in order (one per output: the
    first image type it has)."""
    found = []
    for output in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
        data = output.get("data", {})
        for mime in IMAGE_TYPES:
            if mime in data:
                found.append((mime, data[mime]))
                break
    return found


def figure_descriptions(cell) -> list[str]:
    """The description of each image ``cell`` outputs (``""`` where there is none): the
    ``cnnlesson.alt`` string for a cell with one image, or its list, one entry per image."""
    count = len(image_outputs(cell))
    stored = cell.get("metadata", {}).get("cnnlesson", {}).get(DESCRIPTION_KEY)
    if isinstance(stored, str):
        stored = [stored] if count == 1 else []
    if not isinstance(stored, list) or len(stored) != count:
        stored = [""] * count
    return [text.strip() if isinstance(text, str) else "" for text in stored]


def missing_descriptions(nb: nbformat.NotebookNode) -> list[str]:
    """Where a figure of ``nb`` has no description: ``"cell <id>: image 2 of 2"`` for code
    cells, ``"cell <id>: markdown image <target>"`` for an image without alt text in markdown."""
    missing = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for alt, target in MARKDOWN_IMAGE.findall(cell.source):
                if not alt.strip():
                    missing.append(f"cell {cell.get('id')}: markdown image {target}")
            continue
        descriptions = figure_descriptions(cell)
        for number, text in enumerate(descriptions, 1):
            if not text:
                missing.append(f"cell {cell.get('id')}: image {number} of {len(descriptions)}")
    return missing


def image_digest(mime: str, data) -> str:
    """The SHA-256 of an output image's bytes: the name MyST-NB gives its file in the site."""
    if isinstance(data, list):
        data = "".join(data)
    if mime == "image/svg+xml":
        raw = "\n".join(data.splitlines()).encode()
    else:
        raw = base64.b64decode(data)
    return hashlib.sha256(raw).hexdigest()


def description_table(nb: nbformat.NotebookNode) -> dict[str, str]:
    """``{digest of the image: description}`` for every described figure of ``nb``."""
    table = {}
    for cell in nb.cells:
        for (mime, data), text in zip(image_outputs(cell), figure_descriptions(cell), strict=True):
            if text:
                table[image_digest(mime, data)] = text
    return table


# --------------------------------------------------------------------------------------------
# Pages
# --------------------------------------------------------------------------------------------


def binder_link(repo_url: str, path_in_repo: str) -> str:
    """The Binder address that opens ``path_in_repo`` of the GitHub repository in JupyterLab."""
    owner_repo = repo_url.removeprefix("https://github.com/")
    return f"https://mybinder.org/v2/gh/{owner_repo}/HEAD?urlpath=lab/tree/{path_in_repo}"


def plain_badges(markdown: str) -> str:
    """Badges (a link around an image from another host) as plain links with the image's alt
    text: the site loads no image from elsewhere."""
    return BADGE.sub(lambda m: f"[{m[1]}]({m[2]})", markdown)


def rewrite_links(markdown: str, page: str, staged: set[str], repo_url: str) -> str:
    """Relative links of the page ``page`` (a path in the repository) that point to a file the
    site does not have, rewritten to that file on the repository's web page; links to staged
    pages, anchors and absolute addresses stay."""

    def fix(match: re.Match) -> str:
        text, target = match[1], match[2]
        if re.match(r"[a-z][a-z0-9+.-]*:|#|/", target):
            return match[0]
        path, _, anchor = target.partition("#")
        resolved = (Path(page).parent / path).as_posix()
        parts: list[str] = []
        for part in resolved.split("/"):
            if part == "..":
                if parts:
                    parts.pop()
            elif part not in ("", "."):
                parts.append(part)
        resolved = "/".join(parts)
        if resolved in staged:
            return match[0]
        if resolved == "README.md":  # the README is the home page
            home = os.path.relpath("index.md", Path(page).parent.as_posix() or ".")
            return f"[{text}]({Path(home).as_posix()}" + (f"#{anchor})" if anchor else ")")
        kind = "blob" if Path(resolved).suffix else "tree"
        url = f"{repo_url}/{kind}/{colab.BRANCH}/{resolved}" + (f"#{anchor}" if anchor else "")
        return f"[{text}]({url})"

    return LINK.sub(fix, markdown)


def readme_sections(readme: str) -> tuple[str, dict[str, str]]:
    """The README's title and introduction, and its ``## `` sections by heading."""
    chunks = re.split(r"^## +(.+)$", readme, flags=re.M)
    sections = {chunks[i].strip(): chunks[i + 1] for i in range(1, len(chunks) - 1, 2)}
    return chunks[0], sections


def home_page(readme: str, staged: set[str], repo_url: str) -> str:
    """The home page (``index.md``): the README's introduction and its sections about what the
    lesson teaches, the two commands, offline use, Binder and Colab; then the pages' list."""
    intro, sections = readme_sections(readme)
    missing = [name for name in HOME_SECTIONS if name not in sections]
    if missing:
        raise SiteError(f"README.md has no section(s) {missing}: the home page is made of them")
    parts = [intro.rstrip()]
    parts += [f"## {name}\n{sections[name].rstrip()}" for name in HOME_SECTIONS]
    parts.append(
        "## Pages for learners and instructors\n\n"
        "- [Set up your computer](docs/setup.md) and "
        "[troubleshooting](docs/troubleshooting.md)\n"
        "- [Instructor notes](instructors/README.md): schedule, expected results, "
        "common problems\n"
        f"- [The lesson's source]({repo_url}): notebooks, lesson package, tests\n")
    episodes = sorted(p for p in staged if p.startswith("episodes/"))
    toc = ["```{toctree}\n:hidden:\n:caption: Episodes\n"]
    toc += [f"{p.removesuffix('.ipynb')}\n" for p in episodes]
    toc.append("```\n\n```{toctree}\n:hidden:\n:caption: Help\n\n")
    toc += [f"{p.removesuffix('.md')}\n" for p in PAGES]
    toc.append("```\n")
    text = "\n\n".join(parts) + "\n\n" + "".join(toc)
    return rewrite_links(plain_badges(text), "README.md", staged, repo_url)


def run_note(result: dict | None) -> str | None:
    """The episode page's note with the measured run time and memory of its full-mode run."""
    if not result or result.get("mode") != "full":
        return None
    return ("```{note}\n"
            f"**Measured:** the code of this episode runs top to bottom in "
            f"{round(result['seconds']):,} seconds and its kernel needs at most "
            f"{result['peak_rss_mb']:,} MB of memory (full mode, {result.get('machine', '')}, "
            f"{result.get('date', '')}).\n```")


def episode_page(nb: nbformat.NotebookNode, path_in_repo: str, result: dict | None,
                 staged: set[str], repo_url: str) -> nbformat.NotebookNode:
    """The episode notebook as the site shows it (see the module docstring); ``nb`` is left as
    it is."""
    import copy

    page = copy.deepcopy(nb)
    cells = []
    learner_copy = path_in_repo.replace("episodes/", "episodes/learner/", 1)
    for index, cell in enumerate(page.cells):
        tags = list(cell.metadata.get("tags", []))
        if cell.cell_type == "code" and cell.get("id") == notebooks.COLAB_CELL_ID:
            continue
        if cell.cell_type == "markdown":
            source = rewrite_links(plain_badges(cell.source), path_in_repo, staged, repo_url)
            if index == 0:
                binder = binder_link(repo_url, learner_copy)
                source = re.sub(r"^(\[Open In Colab\]\([^)]*\).*)$",
                                rf"\1 · [Open in Binder]({binder})", source, count=1,
                                flags=re.M)
            if SOLUTION_TAG in tags:
                source = ('<details class="lesson-answer">\n<summary>Show the answer</summary>'
                          f"\n\n{source}\n\n</details>")
            cell.source = source
        elif learners.is_solution(cell):
            cell.metadata.pop("jupyter", None)
            tags = [t for t in tags if t != "hide-input"] + ["hide-cell"]
        if tags:
            cell.metadata["tags"] = tags
        cells.append(cell)
        if index == 0 and (note := run_note(result)):
            cells.append(nbformat.v4.new_markdown_cell(note, id="site-measured-run"))
    page.cells = cells
    return page


def move_attachments(page: nbformat.NotebookNode, folder: str) -> dict[str, bytes]:
    """Images attached to markdown cells (``![...](attachment:name.png)``), which MyST-NB does
    not read, taken out of ``page``: each link is rewritten to ``folder/<cell id>-<name>``.
    Returns ``{that path: the image's bytes}`` for the caller to write beside the page."""
    files = {}
    for cell in page.cells:
        attachments = cell.pop("attachments", None) if cell.cell_type == "markdown" else None
        for name, bundle in (attachments or {}).items():
            mime = next((m for m in IMAGE_TYPES if m in bundle), None)
            if mime is None:
                continue
            data = bundle[mime]
            data = "".join(data) if isinstance(data, list) else data
            path = f"{folder}/{cell.get('id')}-{name}"
            files[path] = data.encode() if mime == "image/svg+xml" else base64.b64decode(data)
            cell.source = cell.source.replace(f"(attachment:{name})", f"({path})")
    return files


# --------------------------------------------------------------------------------------------
# Staging and building
# --------------------------------------------------------------------------------------------


def _write_if_changed(path: Path, text: str) -> None:
    """Write ``text`` unless the file holds it already (Sphinx rebuilds only changed pages)."""
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def benchmark_results(root: Path) -> dict:
    """``{episode stem: result}`` of ``benchmarks/results.json`` ({} without one)."""
    path = root / "benchmarks" / "results.json"
    return json.loads(path.read_text())["episodes"] if path.exists() else {}


def stage(root: Path, source: Path | None = None) -> dict:
    """Write the site's pages into ``source`` (default ``site/_build/source``) in the
    repository's layout, with the figure descriptions beside them. Returns ``{"pages": [...],
    "missing": {notebook: [where]}}``."""
    source = source or root / SOURCE_DIR
    repo_url = colab.repository_url(root)
    episodes = notebooks.episode_notebooks(root)
    staged = {f"episodes/{p.name}" for p in episodes} | set(PAGES)
    for page in PAGES:
        if not (root / page).is_file():
            raise SiteError(f"{page} is missing: the site has a page made from it")
    results = benchmark_results(root)
    wanted, descriptions, missing = {"index.md"}, {}, {}
    for path in episodes:
        nb = notebooks.read(path)
        name = f"episodes/{path.name}"
        if where := missing_descriptions(nb):
            missing[name] = where
        descriptions.update(description_table(nb))
        page = episode_page(nb, name, results.get(path.stem), staged, repo_url)
        for relative, data in move_attachments(page, f"attachments/{path.stem}").items():
            target = source / "episodes" / relative
            if not target.is_file() or target.read_bytes() != data:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
        _write_if_changed(source / name, notebooks.text(page))
        wanted.add(name)
    for name in PAGES:
        text = (root / name).read_text(encoding="utf-8")
        _write_if_changed(source / name, rewrite_links(plain_badges(text), name, staged,
                                                       repo_url))
        wanted.add(name)
    readme = (root / "README.md").read_text(encoding="utf-8")
    _write_if_changed(source / "index.md", home_page(readme, staged, repo_url))
    _write_if_changed(source / ALT_FILE, json.dumps(descriptions, indent=1, sort_keys=True))
    for old in source.rglob("*"):  # pages of notebooks that were renamed or removed
        relative = old.relative_to(source).as_posix()
        if old.is_file() and old.suffix in (".md", ".ipynb") and relative not in wanted:
            old.unlink()
    return {"pages": sorted(wanted), "missing": missing}


def build(root: Path, *, out: Path | None = None, jobs: str = "auto") -> dict:
    """Stage the pages and build the HTML site with Sphinx into ``out`` (default
    ``site/_build/html``). Returns what :func:`stage` returns plus ``html`` (the folder),
    ``seconds`` and ``warnings`` (Sphinx's warning lines). Raises :class:`SiteError` when
    Sphinx fails."""
    started = time.monotonic()
    out = out or root / HTML_DIR
    staged = stage(root)
    warnings_file = root / BUILD_DIR / "warnings.txt"
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-E", "-a", "-j", jobs,
               "-c", str(root / SITE_DIR), "-d", str(root / BUILD_DIR / "doctrees"),
               "-w", str(warnings_file), str(root / SOURCE_DIR), str(out)]
    done = subprocess.run(command, cwd=root, capture_output=True, text=True)
    warnings = [line for line in warnings_file.read_text().splitlines() if line.strip()] \
        if warnings_file.exists() else []
    if done.returncode != 0:
        raise SiteError(f"Sphinx failed ({' '.join(command)}):\n{done.stderr[-4000:]}")
    return {**staged, "html": out, "warnings": warnings,
            "seconds": time.monotonic() - started}


# --------------------------------------------------------------------------------------------
# Sphinx hooks (site/conf.py calls sphinx_setup)
# --------------------------------------------------------------------------------------------


def _describe_images(app, doctree) -> None:
    """Give every notebook figure its stored description as alt text (MyST-NB names an output
    image's file by the SHA-256 of its bytes; see :func:`image_digest`). A figure without a
    description gets an empty alt text, not its file name."""
    from docutils import nodes

    path = Path(app.srcdir) / ALT_FILE
    table = json.loads(path.read_text()) if path.exists() else {}
    for image in doctree.findall(nodes.image):
        stem = Path(image["uri"]).stem
        if re.fullmatch(r"[0-9a-f]{64}", stem):
            image["alt"] = table.get(stem, "")


def _math_inline(self, node) -> None:
    from docutils import nodes
    from latex2mathml.converter import convert

    self.body.append(convert(node.astext()))
    raise nodes.SkipNode


def _math_block(self, node) -> None:
    from docutils import nodes
    from latex2mathml.converter import convert

    self.body.append(f'<div class="math">{convert(node.astext(), display="block")}</div>')
    raise nodes.SkipNode


def _visit_collapsed_cell(self, node) -> None:
    """A collapsed cell (an exercise solution) as ``<details>`` whose summary is its visible
    text, "Show the solution" (MyST-NB's own adds an aria-label that differs from the visible
    text, which screen readers and axe flag)."""
    from html import escape

    self.body.append(f'<details class="admonition hide {" ".join(node["classes"])}">\n'
                     "<summary>\n"
                     f'<p class="collapsed admonition-title">{escape(node["prompt_show"])}</p>\n'
                     f'<p class="expanded admonition-title">{escape(node["prompt_hide"])}</p>\n'
                     "</summary>\n")


def _depart_collapsed_cell(self, node) -> None:
    self.body.append("</details>\n")


def sphinx_setup(app) -> dict:
    """What ``site/conf.py``'s ``setup(app)`` adds: figure descriptions as alt text, math as
    MathML (``html_math_renderer = "mathml"``), and collapsed cells without a mismatching
    aria-label."""
    from myst_nb.sphinx_ import HideCodeCellNode

    app.connect("doctree-read", _describe_images)
    app.add_html_math_renderer("mathml", (_math_inline, None), (_math_block, None))
    app.add_node(HideCodeCellNode, override=True,
                 html=(_visit_collapsed_cell, _depart_collapsed_cell))
    return {"parallel_read_safe": True, "parallel_write_safe": True}


def main(argv: list[str] | None = None) -> int:
    from cnnlesson.settings import project_root

    root = project_root()
    if not _has_sphinx():
        print("Sphinx is not installed here. `python3 lesson.py site` installs the maintainer "
              "tools (requirements-dev.txt) into .venv/ and builds the site; in another "
              "environment: `python -m pip install -r requirements-dev.txt`.")
        return 1
    try:
        result = build(root)
    except SiteError as err:
        print(err)
        return 1
    for line in result["warnings"]:
        print("warning:", line)
    for name, where in result["missing"].items():
        print(f"{name}: {len(where)} figure(s) without a description "
              f"(cell metadata cnnlesson.alt; see CONTRIBUTING.md): {', '.join(where)}")
    index = result["html"] / "index.html"
    print(f"Built {len(result['pages'])} pages in {result['seconds']:.0f} s: open {index} in a "
          "browser, or copy the folder to a static host (see the README).")
    return 0


def _has_sphinx() -> bool:
    import importlib.util

    return importlib.util.find_spec("sphinx") is not None


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

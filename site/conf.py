"""Sphinx configuration of the lesson's website. Build it with ``python3 lesson.py site``
(scripts/lessontools/site.py stages the pages into site/_build/source/ and runs Sphinx with this
file); the result is site/_build/html/."""

from cnnlesson.settings import project_root
from lessontools import colab, site
from lessontools.site import sphinx_setup as setup  # noqa: F401  (Sphinx calls setup(app))

REPOSITORY = colab.repository_url(project_root())

project = "Image classification with CNNs in Python"
html_title = project
author = "The lesson's authors"
copyright = "the lesson's authors, MIT licence"
language = "en"

extensions = ["myst_nb", "sphinx.ext.githubpages"]  # githubpages: a .nojekyll file
exclude_patterns = ["_build", "**.ipynb_checkpoints", site.ALT_FILE]

# Notebooks are shown with their stored outputs (a full-mode run); nothing is executed.
nb_execution_mode = "off"
nb_output_stderr = "remove"
nb_merge_streams = True
# Exercise solutions are collapsed cells (lessontools.site marks them hide-cell).
nb_code_prompt_show = "Show the solution"
nb_code_prompt_hide = "Hide the solution"
myst_enable_extensions = ["dollarmath"]
myst_heading_anchors = 3
suppress_warnings = ["myst.header"]

# Math as MathML, drawn by the browser itself: no script from another host.
html_math_renderer = "mathml"

html_theme = "sphinx_book_theme"
html_static_path = ["_static"]
html_css_files = ["lesson.css"]
html_favicon = "_static/favicon.svg"
html_context = {"default_mode": "light"}  # readable on a projector; the reader can switch
html_last_updated_fmt = None
html_show_sourcelink = False
html_copy_source = False
html_theme_options = {
    "repository_url": REPOSITORY,
    "repository_branch": colab.BRANCH,
    "use_repository_button": True,
    "use_download_button": False,
    "use_fullscreen_button": False,
    "home_page_in_toc": True,
    "show_toc_level": 2,
    "navigation_with_keys": False,
}

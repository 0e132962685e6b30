"""Sphinx configuration of the course site (`make site`, `python -m tools.publish site`).

Sphinx + MyST-NB + sphinx-book-theme render the stored, executed solutions (nothing runs: nb_execution_mode
"off") with the left navigation, the page outline, search, previous/next links and the download button of the
theme. tools.publish stages what this reads (the notebooks, the guides, the home page) into one folder and runs
Sphinx on it; see its `build_site`.

What is the course's own, here:
- every script is served from the site's _static folder (vendor/node_modules, copied by tools.publish): MathJax 2,
  require.js, the widget manager and anywidget. MyST-NB's defaults load them from CDNs.
- the header's download menu offers the student version of a notebook first, and a "launch" menu opens that
  student version on Colab or Binder, with the addresses of tools.links, only while the repository URL is real.
"""
from pathlib import Path

from tools.links import binder_url, colab_url, is_placeholder, repository_url

project = "Deep learning, from the neuron up"
author = "the course's authors"
html_title = project

extensions = ["myst_nb"]
exclude_patterns = ["_extra"]          # the student notebooks, copied as they are into the site (see setup)
suppress_warnings = ["myst.header"]    # the syllabus starts its notebooks' blocks at level 3, under the title

# ---------------------------------------------------------------------------------------------- notebooks and text
nb_execution_mode = "off"              # the solutions are stored executed: render their outputs, never run them
nb_merge_streams = True                # one block for a cell's printed lines, not one per flush
myst_enable_extensions = ["dollarmath", "amsmath"]
myst_heading_anchors = 3
# MyST marks the pages "mathjax_ignore" and tells MathJax 3 to typeset only its math elements; MathJax 2 (below)
# reads neither setting and would typeset nothing. Without that, MathJax 2 typesets the \( \) and \[ \] that
# MyST writes, and never the code (it skips <pre> and <code>).
myst_update_mathjax = False

# The widget manager and what it needs, from _static (MyST-NB adds them to the pages that have saved widget state,
# in this order). course_widgets.js tells require.js where anywidget and the manager's icon fonts are; the "CDN"
# the manager falls back on for an unknown widget module is a local folder that does not exist: never the network.
nb_ipywidgets_js = {
    "require.js": {},
    "course_widgets.js": {},
    "html-manager/embed-amd.js": {"data-jupyter-widgets-cdn": "_static/no-cdn/"},
}

# MathJax 2 from _static (the site has no MathJax 3 or 4; the widget manager of ipywidgets 8 expects version 2).
mathjax_path = "mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe"
mathjax2_config = {
    "tex2jax": {"inlineMath": [["\\(", "\\)"]], "displayMath": [["\\[", "\\]"]]},
    "showMathMenu": False,
}

# ---------------------------------------------------------------------------------------------- the look
html_theme = "sphinx_book_theme"
html_static_path = ["static"]
templates_path = ["_templates"]         # the theme's search button, with the name it shows (see the file)
html_css_files = ["course_site.css"]
html_js_files = ["course_site.js",      # search from disk (file://)
                 "course_controls.js"]  # names ipywidgets' sliders and Play buttons (written by tools/publish.py)
html_show_sphinx = False
html_show_copyright = False
html_context = {"default_mode": "light"}   # the figures are drawn on white
html_theme_options = {
    "home_page_in_toc": True,          # the home page first in the left navigation
    "show_navbar_depth": 1,
    "show_toc_level": 2,               # the page outline on the right: sections and their subsections
    "use_download_button": True,
    "use_fullscreen_button": True,
    "navigation_with_keys": True,      # ← and → go to the previous and next page
}
REPOSITORY = repository_url()
if not is_placeholder(REPOSITORY):     # no link that cannot work while the URL is the OWNER placeholder
    html_theme_options.update(repository_url=REPOSITORY, use_repository_button=True)


# ---------------------------------------------------------------------------------------------- the header buttons


def student_version(app, pagename):
    """The student version staged for a notebook page (`_extra/notebooks/NN.ipynb`), or None for another page."""
    path = Path(app.srcdir) / "_extra" / "notebooks" / f"{pagename}.ipynb"
    return path if path.is_file() else None


def course_buttons(app, pagename, templatename, context, doctree):
    """On a notebook page: the student version first in the download menu, and the launch menu (Colab, Binder)
    when the repository URL is real. Runs after the theme has made its buttons (priority 502 > its 501)."""
    student = student_version(app, pagename)
    if student is None:
        return
    pathto = context["pathto"]
    for group in context.get("header_buttons", []):
        if group.get("label") == "download-buttons":
            for button in group["buttons"]:
                if button.get("label") == "download-source-button":     # the page's source: the solved notebook
                    button["text"] = "solved .ipynb"
            group["buttons"].insert(0, {
                "type": "link", "url": pathto(f"notebooks/{student.name}", 1), "text": "student .ipynb",
                "tooltip": "Download the student version (exercises to do)", "icon": "fas fa-user-graduate",
                "label": "download-student-notebook-button"})
    if is_placeholder(REPOSITORY):
        return
    launch = f"notebooks/{student.name}"
    context["header_buttons"].insert(0, {
        "type": "group", "tooltip": "Run the student version", "icon": "fas fa-rocket", "label": "launch-buttons",
        "buttons": [
            {"type": "link", "text": "Colab", "tooltip": "Open in Colab", "url": colab_url(launch, REPOSITORY),
             "icon": pathto("_static/images/logo_colab.png", 1)},
            {"type": "link", "text": "Binder", "tooltip": "Launch Binder", "url": binder_url(launch, REPOSITORY),
             "icon": pathto("_static/images/logo_binder.svg", 1)},
        ]})


def copy_student_notebooks(app, config):
    """The staged student notebooks go into the site as they are: `notebooks/NN.ipynb`."""
    extra = Path(app.srcdir) / "_extra"
    if extra.is_dir():
        config.html_extra_path = [str(extra)]


def setup(app):
    app.connect("config-inited", copy_student_notebooks)
    app.connect("html-page-context", course_buttons, priority=502)

"""Slides and the course web site from the course notebooks, that work with no network at all.

From the shell (the Makefile's `slides` and `site`), in the repository root:

    python -m tools.publish slides [--out build/slides] [NOTEBOOK ...]   # one reveal.js deck per notebook
    python -m tools.publish site   [--out build/site]                    # the course web site

Both read the notebooks as stored (the solutions are stored executed), so nothing runs. The decks are nbconvert's
reveal.js export with our templates (tools/assets/); the site is built by Sphinx with MyST-NB and
sphinx-book-theme (configured in tools/site/conf.py): navigation in syllabus order, page outlines, search,
previous/next, the guides as pages, the student versions to download. Each build folder is self-contained: the
pages load reveal.js, require.js, MathJax, the widget manager and anywidget's front end from its `_static/` folder
by relative URLs, never from a CDN, so the folder can be copied to a USB stick, opened from disk (file://) or
served by any static web server. The widgets are drawn from the widget state saved in the solutions
(`python -m tools.execute solutions` stores it).

The scripts come from npm at pinned versions (vendor/package.json and its lock file), installed once with the
network by `make install` (`npm ci` in vendor/) into vendor/node_modules; $COURSE_VENDOR_DIR points elsewhere.

The "Open in Colab" and "Launch Binder" links come from tools.links (pyproject.toml's repository URL).

>>> Converter().static
'_static'
"""
import argparse
import copy
import html
import os
import re
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from tools.links import (COLAB_TAG, LINKS_CELL_ID, binder_url, colab_url, is_placeholder,
                         repository_url)
from tools.notebooks import ROOT, read_notebook, solution_notebooks, write_notebook

ASSETS = Path(__file__).resolve().parent / "assets"  # the decks' templates and course.css
SITE = Path(__file__).resolve().parent / "site"      # the site's Sphinx configuration, home page, CSS and script
STATIC = "_static"                                # the folder, inside each build, that holds every script
VENDOR_ENV = "COURSE_VENDOR_DIR"

# What a build copies from vendor/node_modules into _static/: (source, target). A source folder is copied whole.
# Only what the pages load: reveal.js's white theme (the others import fonts from Google), MathJax's TeX input and
# CommonHTML output with their fonts, the AMD build of the widget manager with the icon fonts it refers to.
VENDORED = [
    ("requirejs/require.js", "require.js"),
    ("@jupyter-widgets/html-manager/package.json", "html-manager/package.json"),   # licence: BSD-3-Clause
    ("@jupyter-widgets/html-manager/dist", "html-manager"),
    ("anywidget/LICENSE", "anywidget/LICENSE"),
    ("anywidget/dist/index.js", "anywidget/index.js"),
    ("mathjax/LICENSE", "mathjax/LICENSE"),
    ("mathjax/MathJax.js", "mathjax/MathJax.js"),
    ("mathjax/config/TeX-AMS_CHTML-full.js", "mathjax/config/TeX-AMS_CHTML-full.js"),
    ("mathjax/config/Safe.js", "mathjax/config/Safe.js"),
    ("mathjax/extensions", "mathjax/extensions"),
    ("mathjax/jax/input/TeX", "mathjax/jax/input/TeX"),
    ("mathjax/jax/output/CommonHTML", "mathjax/jax/output/CommonHTML"),
    ("mathjax/jax/element", "mathjax/jax/element"),
    ("mathjax/fonts/HTML-CSS/TeX/woff", "mathjax/fonts/HTML-CSS/TeX/woff"),
    ("mathjax/localization/en", "mathjax/localization/en"),
]
SLIDES_ONLY = [
    ("jquery/dist/jquery.min.js", "jquery.min.js"),
    ("reveal.js/LICENSE", "reveal.js/LICENSE"),
    ("reveal.js/dist/reveal.js", "reveal.js/dist/reveal.js"),
    ("reveal.js/dist/reveal.css", "reveal.js/dist/reveal.css"),
    ("reveal.js/dist/theme/white.css", "reveal.js/dist/theme/white.css"),
    ("reveal.js/dist/theme/fonts/source-sans-pro", "reveal.js/dist/theme/fonts/source-sans-pro"),
    ("reveal.js/plugin/notes/notes.js", "reveal.js/plugin/notes/notes.js"),
]
# Files of the folders above that no page loads (the non-AMD widget manager and source maps).
SKIPPED = ("embed.js", "embed.js.map", "embed.js.LICENSE.txt", "libembed-amd.js")
# A file every earlier build has, so that a new build may replace the folder: the decks' style sheet, the site's.
BUILD_MARKS = (f"{STATIC}/course.css", f"{STATIC}/course_site.css")


class PublishError(RuntimeError):
    """Something a build needs is missing; the message says what to run."""


# ------------------------------------------------------------------------------------------ local copies of the scripts


def vendor_dir():
    """Where the npm packages are: $COURSE_VENDOR_DIR, or vendor/node_modules in the repository."""
    return Path(os.environ.get(VENDOR_ENV) or ROOT / "vendor" / "node_modules")


def copy_static(out_dir, extra=()):
    """Copy every script, style sheet and font the pages load into `out_dir/_static`; returns that folder.

    `extra`: more (source, target) pairs, e.g. SLIDES_ONLY for decks.

    Raises PublishError naming the missing files (and the command that fetches them) when vendor/ is not installed.
    """
    source, target = vendor_dir(), Path(out_dir) / STATIC
    wanted = VENDORED + list(extra)
    missing = [name for name, _ in wanted if not (source / name).exists()]
    if missing:
        raise PublishError(f"{len(missing)} file(s) missing from {source}, e.g. {missing[0]}: run `make install` "
                           "once with the network (it runs `npm ci` in vendor/), or set "
                           f"{VENDOR_ENV} to a node_modules folder that has the packages of vendor/package.json")
    for name, destination in wanted:
        src, dst = source / name, target / destination
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst, dirs_exist_ok=True, ignore=shutil.ignore_patterns(*SKIPPED))
        else:
            shutil.copy2(src, dst)
    write_control_namer(target)
    return target


CONTROL_NAMER = "course_controls.js"
COMMON_JS = Path(__file__).resolve().parents[1] / "course_lib" / "widgets" / "common.js"


def write_control_namer(static_dir):
    """Write `course_controls.js`: the course widgets' own code that names ipywidgets' unnamed controls (slider
    handles, Play buttons; course_lib/widgets/common.js), run on every page. In JupyterLab a course widget's front
    end starts it; a page whose widgets are plain ipywidgets (notebook 00's slider) or whose course widgets draw
    later still gets names for its controls. Wrapped in a function: common.js's names stay out of the page's."""
    script = ("// Generated by tools/publish.py from course_lib/widgets/common.js: names ipywidgets' controls.\n"
              "(function () {\n" + COMMON_JS.read_text(encoding="utf-8") + "\n"
              "if (document.body) nameControlsAround(document.body);\n"
              "else document.addEventListener('DOMContentLoaded', () => nameControlsAround(document.body));\n"
              "})();\n")
    (Path(static_dir) / CONTROL_NAMER).write_text(script, encoding="utf-8")


# ------------------------------------------------------------------------------------------ the decks


class Converter:
    """Turns notebooks into reveal.js decks (nbconvert's slides exporter, our templates) for pages that find the
    _static folder at the relative URL `static`. One exporter, made once and reused.

    >>> from tools.notebooks import read_notebook
    >>> html = Converter().convert(read_notebook("solutions/00_welcome.ipynb"))  # doctest: +SKIP
    """

    def __init__(self, static=STATIC):
        from nbconvert import SlidesExporter

        self.static = static
        exporter = SlidesExporter(extra_template_paths=[str(ASSETS)], template_file="slides.html.j2")
        exporter.require_js_url = f"{static}/require.js"
        exporter.jquery_url = f"{static}/jquery.min.js"
        exporter.mathjax_url = f"{static}/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe"
        exporter.widget_renderer_url = f"{static}/html-manager/embed-amd.js"
        exporter.jupyter_widgets_base_url = f"{static}/"
        exporter.mermaid_js_url = exporter.mermaid_layout_elk_js_url = ""   # no mermaid (the template drops it)
        exporter.reveal_url_prefix = f"{static}/reveal.js"
        exporter.reveal_theme = "white"      # the other themes import their fonts from Google
        exporter.reveal_scroll = True        # a slide taller than the screen scrolls instead of being cut off
        exporter.reveal_number = "c/t"
        # 16:10, wide enough for the course's 120-character code lines at a readable size (course.css); reveal.js
        # scales the whole slide to the screen, so on a 1920-pixel projector everything is 1.5 times larger.
        exporter.reveal_width, exporter.reveal_height = "1280", "800"
        self.exporter = exporter

    def convert(self, nb):
        """The HTML text of one notebook's deck (an nbformat node)."""
        body, _ = self.exporter.from_notebook_node(nb, resources={"course": {"static": self.static}})
        return body


@dataclass
class NotebookInfo:
    """What an index says about one notebook, read from its first cell."""
    path: Path
    number: str
    title: str
    time: str

    @property
    def stem(self):
        return self.path.stem


def notebook_info(path, nb=None):
    """The number, title and time line of a notebook (`# 02 · Forward propagation`, `**Time:** about ...`)."""
    nb = nb or read_notebook(path)
    first = next((cell.source for cell in nb.cells if cell.cell_type == "markdown"), "")
    heading = next((line[2:].strip() for line in first.splitlines() if line.startswith("# ")), Path(path).stem)
    number, _, title = heading.partition(" · ")
    if not title:
        number, title = Path(path).stem[:2], heading
    time_line = next((line for line in first.splitlines() if line.lower().startswith("**time")), "")
    return NotebookInfo(Path(path), number.strip(), title.strip(), re.sub(r"\*\*[^*]*\*\*\s*", "", time_line))


def _index_page(title, intro, header, rows, static):
    """A plain HTML page: a heading, a paragraph (HTML) and a table (`header`: column names; `rows`: lists of HTML
    cells)."""
    table = "<tr>" + "".join(f"<th>{html.escape(name)}</th>" for name in header) + "</tr>\n"
    table += "\n".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{html.escape(title)}</title>
<link rel="stylesheet" href="{static}/course.css">
</head>
<body class="course-index">
<main>
<h1>{html.escape(title)}</h1>
{intro}
<table class="course-syllabus">
{table}
</table>
</main>
</body>
</html>
"""


def _link(href, text):
    return f'<a href="{html.escape(href, quote=True)}">{html.escape(text)}</a>'


def _check_out_folder(out_dir):
    """Refuse an `out_dir` that is not empty and is not an earlier build (it has none of BUILD_MARKS), so that a
    typo in --out cannot delete your files."""
    out_dir = Path(out_dir)
    if out_dir.exists() and any(out_dir.iterdir()) and not any((out_dir / mark).is_file() for mark in BUILD_MARKS):
        raise PublishError(f"{out_dir} is not empty and is not an earlier build: choose another --out")


def _fresh_folder(out_dir):
    """Make `out_dir` an empty folder for a new build (so no deck of a renamed notebook lingers)."""
    out_dir = Path(out_dir)
    _check_out_folder(out_dir)
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)


def _write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def build_slides(notebooks=None, out_dir="build/slides"):
    """One reveal.js deck per notebook, `out_dir/NN_name.slides.html`, plus an index.html; returns the decks.

    `notebooks` defaults to every solution notebook (stored executed, so the decks show figures and widgets).
    Cells whose slide type is "skip" are left out, "notes" become the speaker notes (press S in the deck).
    """
    out_dir = Path(out_dir)
    paths = [Path(p) for p in notebooks] if notebooks else solution_notebooks(ROOT / "solutions")
    if not paths:
        raise PublishError("no notebooks to convert")
    _fresh_folder(out_dir)
    static = copy_static(out_dir, SLIDES_ONLY)
    shutil.copy2(ASSETS / "course.css", static / "course.css")
    converter = Converter()
    decks, rows = [], []
    for path in paths:
        nb = read_notebook(path)
        deck = _write(out_dir / f"{path.stem}.slides.html", converter.convert(nb))
        decks.append(deck)
        info = notebook_info(path, nb)
        rows.append([html.escape(info.number), _link(deck.name, info.title), html.escape(info.time)])
    _write(out_dir / "index.html", _index_page(
        "Deep learning, from the neuron up: slides",
        "<p>One reveal.js deck per notebook. Keys: <kbd>→</kbd>/<kbd>Space</kbd> next, <kbd>←</kbd> back, "
        "<kbd>Esc</kbd> overview, <kbd>S</kbd> speaker notes, <kbd>F</kbd> full screen. The widgets show the "
        "state they had when the notebook was run; to change them, present live in JupyterLab (RISE).</p>",
        ["#", "deck", "time"], rows, STATIC))
    return decks


# ------------------------------------------------------------------------------------------ the site (Sphinx)

GUIDES = ("syllabus.md", "student_guide.md", "instructor_guide.md", "architecture.md")   # docs/, as pages
TABLE_MARK = "<!-- the notebooks' table: written here by tools.publish -->"             # in tools/site/index.md
REMOVE = "remove-cell"          # MyST-NB's tag for a cell left out of the page


IMAGE_TYPES = ("image/png", "image/jpeg")


def described_image_html(output):
    """For a figure output stored as a PNG or JPEG with its description (`metadata["image/png"]["alt"]`, as
    JupyterLab reads it), the same image as an HTML <img> with that alt text; None for any other output.

    MyST-NB, which renders the site's notebooks, reads only the width and height of an image's metadata (its alt
    text comes from cell-level options only), so the site shows a described figure through this HTML, which
    MyST-NB prefers to the PNG.

    >>> import nbformat
    >>> described_image_html(nbformat.v4.new_output("display_data", data={"image/png": "iVBO"},
    ...                                              metadata={"image/png": {"alt": "A & B", "width": 300}}))
    '<img src="data:image/png;base64,iVBO" alt="A &amp; B" width="300">'
    """
    data, metadata = output.get("data", {}), output.get("metadata", {})
    if "text/html" in data:
        return None
    for mime in IMAGE_TYPES:
        alt = metadata.get(mime, {}).get("alt") if isinstance(metadata.get(mime), dict) else None
        if mime in data and alt:
            size = "".join(f' {key}="{html.escape(str(metadata[mime][key]), quote=True)}"'
                           for key in ("width", "height") if metadata[mime].get(key) is not None)
            base64 = "".join(data[mime]).replace("\n", "")
            return f'<img src="data:{mime};base64,{base64}" alt="{html.escape(alt, quote=True)}"{size}>'
    return None


def site_notebook(nb, student_name=None, repository=None):
    """The notebook as its site page shows it (a copy; `nb` is not changed): the Colab setup cell and the speaker
    notes tagged `remove-cell`, the launch-links cell saying where the student version is (`student_name`,
    at notebooks/ in the site) and, when the repository URL is real, opening it on Colab and Binder; and each
    figure with a stored description shown with it as its alt text (`described_image_html`)."""
    nb = copy.deepcopy(nb)
    repository = repository or repository_url()
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            image = described_image_html(output)
            if image is not None:
                output.data["text/html"] = image
        tags = cell.metadata.get("tags", [])
        notes = cell.metadata.get("slideshow", {}).get("slide_type") == "notes"
        if COLAB_TAG in tags or notes:
            cell.metadata["tags"] = [*tags, REMOVE]
        elif cell.get("id") == LINKS_CELL_ID:
            cell.source = _launch_line(student_name, repository)
    return nb


def _launch_line(student_name, repository):
    """The markdown line at the top of a notebook's page: the student version, and where to run it."""
    if student_name is None:
        return "To run this notebook, see the [student guide](student_guide.md)."
    student = f"notebooks/{student_name}"
    parts = [f'**The student version** (the exercises left to do): <a href="{student}" download>{student_name}</a>']
    if not is_placeholder(repository):
        parts += [f"[Open in Colab]({colab_url(student, repository)})",
                  f"[Launch Binder]({binder_url(student, repository)})"]
    return " · ".join(parts) + ". To run it on your own computer, see the [student guide](student_guide.md)."


def _notebook_table(infos, students):
    """The home page's table, in MyST markdown: number, notebook (its page), time, the student version."""
    rows = ["| # | notebook (solved, with its outputs) | time | student version (exercises to do) |",
            "|---|---|---|---|"]
    for info in infos:
        student = students.get(info.stem)
        download = f'<a href="notebooks/{student.name}" download>{student.name}</a>' if student else ""
        rows.append(f"| {info.number} | [{info.title}]({info.stem}.ipynb) | {info.time} | {download} |")
    return "\n".join(rows)


def stage_site(source, solutions, notebooks_dir, docs_dir):
    """Write the Sphinx source folder `source`: the solutions as the site shows them (`site_notebook`), the
    student versions in `_extra/notebooks/` (copied into the site as they are), the guides of `docs_dir` and the
    home page (tools/site/index.md with the notebooks' table)."""
    source, repository = Path(source), repository_url()
    (source / "_extra" / "notebooks").mkdir(parents=True)
    infos, students = [], {}
    for solution in solutions:
        nb = read_notebook(solution)
        student = Path(notebooks_dir) / solution.name
        if student.is_file():
            students[solution.stem] = student
            shutil.copy2(student, source / "_extra" / "notebooks" / student.name)
        write_notebook(site_notebook(nb, student.name if student.is_file() else None, repository),
                       source / solution.name)
        infos.append(notebook_info(solution, nb))
    for guide in GUIDES:
        shutil.copy2(Path(docs_dir) / guide, source / guide)
    home = (SITE / "index.md").read_text(encoding="utf-8")
    _write(source / "index.md", home.replace(TABLE_MARK, _notebook_table(infos, students)))


def build_site(solutions_dir=None, notebooks_dir=None, out_dir="build/site", docs_dir=None, quiet=True):
    """The course web site, built by Sphinx (tools/site/conf.py) into `out_dir`: `index.html`, one page per
    solution notebook (`NN_name.html`, executed, with figures and widgets), the guides of docs/, and the student
    notebooks to download (`notebooks/NN_name.ipynb`). Returns the HTML pages written (index first).

    Sphinx works in a temporary folder beside `out_dir` (the staged sources, its caches and the HTML), which
    replaces `out_dir` at the end: a failed build leaves the previous site as it was.
    """
    try:
        from sphinx.application import Sphinx
        from sphinx.errors import SphinxError
        from sphinx.util.docutils import docutils_namespace, patch_docutils
    except ImportError as error:
        raise PublishError(f"{error.name} is not installed: the site needs Sphinx, MyST-NB and sphinx-book-theme, "
                           "pyproject's group `site` (`pip install -r requirements/lock.txt`, or `make install`)")
    out_dir = Path(out_dir)
    solutions = solution_notebooks(solutions_dir or ROOT / "solutions")
    if not solutions:
        raise PublishError("no solution notebooks to convert")
    _check_out_folder(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".{out_dir.name}-", dir=out_dir.parent) as work:
        work = Path(work)
        stage_site(work / "source", solutions, notebooks_dir or ROOT / "notebooks", docs_dir or ROOT / "docs")
        html_dir = work / "html"
        copy_static(html_dir)
        try:
            with patch_docutils(SITE), docutils_namespace():
                app = Sphinx(work / "source", SITE, html_dir, work / "doctrees", "html", freshenv=True,
                             status=None if quiet else sys.stdout, warning=sys.stderr)
                app.build()
        except SphinxError as error:
            raise PublishError(f"Sphinx could not build the site: {error}") from error
        if app.statuscode:
            raise PublishError(f"Sphinx failed (status {app.statuscode}): see the messages above")
        if out_dir.exists():
            shutil.rmtree(out_dir)
        html_dir.rename(out_dir)
    pages = [out_dir / f"{path.stem}.html" for path in solutions]
    return [out_dir / "index.html"] + pages + [out_dir / f"{Path(guide).stem}.html" for guide in GUIDES]


# ------------------------------------------------------------------------------------------ command line


def _size(folder):
    return sum(f.stat().st_size for f in Path(folder).rglob("*") if f.is_file())


def main(argv=None):
    """The command line; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m tools.publish", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    slides = commands.add_parser("slides", help="one reveal.js deck per notebook, offline")
    slides.add_argument("notebooks", nargs="*", metavar="NOTEBOOK", help="default: every solutions/NN_*.ipynb")
    slides.add_argument("--out", default="build/slides", help="output folder (default %(default)s)")
    site = commands.add_parser("site", help="the course web site (Sphinx), offline")
    site.add_argument("--out", default="build/site", help="output folder (default %(default)s)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    try:
        if args.command == "slides":
            written = build_slides(args.notebooks, args.out)
        else:
            written = build_site(out_dir=args.out)
    except PublishError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"{len(written)} pages in {args.out}/ ({_size(args.out) / 1e6:.0f} MB) in "
          f"{time.perf_counter() - start:.1f} s; open {args.out}/index.html")
    return 0


if __name__ == "__main__":
    sys.exit(main())

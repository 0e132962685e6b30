"""Slides and a static web site from the course notebooks, that work with no network at all.

From the shell (the Makefile's `slides` and `site`), in the repository root:

    python -m tools.publish slides [--out build/slides] [NOTEBOOK ...]   # one reveal.js deck per notebook
    python -m tools.publish site   [--out build/site]                    # the whole course as HTML pages

Both read the notebooks as stored (the solutions are stored executed), so nothing runs: converting the eleven
notebooks takes seconds. Each build folder is self-contained: the pages load reveal.js, require.js, MathJax, the
widget manager and anywidget's front end from its `_static/` folder by relative URLs, never from a CDN, so the
folder can be copied to a USB stick, opened from disk (file://) or served by any static web server. The widgets
are drawn from the widget state saved in the solutions (`python -m tools.execute solutions` stores it).

The scripts come from npm at pinned versions (vendor/package.json and its lock file), installed once with the
network by `make install` (`npm ci` in vendor/) into vendor/node_modules; $COURSE_VENDOR_DIR points elsewhere.

The site's "Open in Colab" and "Launch Binder" links come from tools.links (pyproject.toml's repository URL).

>>> Converter("slides").kind
'slides'
"""
import argparse
import html
import os
import re
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from tools.links import binder_url, colab_url, is_placeholder, repository_url
from tools.notebooks import ROOT, read_notebook, solution_notebooks

ASSETS = Path(__file__).resolve().parent / "assets"  # the page templates and course.css
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
OWN_ASSETS = ("course.css",)                      # tools/assets/ files copied into _static/ as they are


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
    for name in OWN_ASSETS:
        shutil.copy2(ASSETS / name, target / name)
    return target


# ------------------------------------------------------------------------------------------ converting one notebook


def _exporter(kind, static):
    """An nbconvert exporter ("slides" or "page") whose every script URL points into `static` (a relative URL)."""
    from nbconvert import HTMLExporter, SlidesExporter

    template = {"extra_template_paths": [str(ASSETS)],
                "template_file": "slides.html.j2" if kind == "slides" else "page.html.j2"}
    exporter = SlidesExporter(**template) if kind == "slides" else HTMLExporter(template_name="lab", **template)
    exporter.require_js_url = f"{static}/require.js"
    exporter.jquery_url = f"{static}/jquery.min.js"
    exporter.mathjax_url = f"{static}/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe"
    exporter.widget_renderer_url = f"{static}/html-manager/embed-amd.js"
    exporter.jupyter_widgets_base_url = f"{static}/"
    exporter.mermaid_js_url = exporter.mermaid_layout_elk_js_url = ""   # no mermaid (the templates drop it)
    if kind == "slides":
        exporter.reveal_url_prefix = f"{static}/reveal.js"
        exporter.reveal_theme = "white"      # the other themes import their fonts from Google
        exporter.reveal_scroll = True        # a slide taller than the screen scrolls instead of being cut off
        exporter.reveal_number = "c/t"
        # 16:10, wide enough for the course's 120-character code lines at a readable size (course.css); reveal.js
        # scales the whole slide to the screen, so on a 1920-pixel projector everything is 1.5 times larger.
        exporter.reveal_width, exporter.reveal_height = "1280", "800"
    return exporter


class Converter:
    """Turns notebooks into HTML decks (`kind="slides"`) or site pages (`kind="page"`), for pages that find the
    _static folder at the relative URL `static`. One nbconvert exporter, made once and reused.

    >>> from tools.notebooks import read_notebook
    >>> html = Converter("page", "../_static").convert(read_notebook("solutions/00_welcome.ipynb"))  # doctest: +SKIP
    """

    def __init__(self, kind, static=STATIC, nav=""):
        if kind not in ("slides", "page"):
            raise ValueError(f"kind must be 'slides' or 'page', not {kind!r}")
        self.kind, self.static, self.nav = kind, static, nav
        self.exporter = _exporter(kind, static)

    def convert(self, nb):
        """The HTML text of one notebook (an nbformat node)."""
        body, _ = self.exporter.from_notebook_node(nb, resources={"course": {"static": self.static,
                                                                             "nav": self.nav}})
        return body


# ------------------------------------------------------------------------------------------ what the index shows


@dataclass
class NotebookInfo:
    """What the index page says about one notebook, read from its first cell."""
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


# ------------------------------------------------------------------------------------------ the two builds


def _fresh_folder(out_dir):
    """Make `out_dir` an empty folder for a new build (so no deck of a renamed notebook lingers). A folder this
    module built before (it has _static/course.css) is removed first; any other folder that is not empty is an
    error, so a typo in --out cannot delete your files."""
    out_dir = Path(out_dir)
    if out_dir.exists() and any(out_dir.iterdir()):
        if not (out_dir / STATIC / "course.css").is_file():
            raise PublishError(f"{out_dir} is not empty and is not an earlier build: choose another --out")
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)


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
    copy_static(out_dir, SLIDES_ONLY)
    converter = Converter("slides")
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


def build_site(solutions_dir=None, notebooks_dir=None, out_dir="build/site"):
    """The course as static HTML: `out_dir/index.html` in syllabus order, `solutions/NN.html` (executed, with
    figures and widgets), `notebooks/NN.html` (the student versions) and the student .ipynb files to download.

    Returns the pages written (index first).
    """
    out_dir = Path(out_dir)
    solutions = solution_notebooks(solutions_dir or ROOT / "solutions")
    notebooks_dir = Path(notebooks_dir or ROOT / "notebooks")
    if not solutions:
        raise PublishError("no solution notebooks to convert")
    repository = repository_url()
    _fresh_folder(out_dir)
    copy_static(out_dir)
    pages, rows = [], []
    converter = Converter("page", f"../{STATIC}", nav='<a href="../index.html">← all notebooks</a>')
    for solution in solutions:
        nb = read_notebook(solution)
        info = notebook_info(solution, nb)
        page = _write(out_dir / "solutions" / f"{solution.stem}.html", converter.convert(nb))
        pages.append(page)
        cells = [html.escape(info.number), _link(f"solutions/{page.name}", info.title), html.escape(info.time)]
        student = notebooks_dir / solution.name
        if student.is_file():
            student_page = _write(out_dir / "notebooks" / f"{student.stem}.html",
                                  converter.convert(read_notebook(student)))
            shutil.copy2(student, out_dir / "notebooks" / student.name)
            pages.append(student_page)
            launch = f"notebooks/{student.name}"
            links = [_link(f"notebooks/{student_page.name}", "read"), _link(f"notebooks/{student.name}", "download .ipynb")]
            if not is_placeholder(repository):        # no launch links while the repository URL is the placeholder
                links += [_link(colab_url(launch, repository), "Open in Colab"),
                          _link(binder_url(launch, repository), "Launch Binder")]
            cells.append(" · ".join(links))
        else:
            cells.append("")
        rows.append(cells)
    index = _write(out_dir / "index.html", _index_page(
        "Deep learning, from the neuron up",
        "<p>The course in syllabus order. Each notebook is shown solved and run, with its figures and widgets "
        "(drawn from the saved state: they show, but do not compute; run the notebook in JupyterLab for that). "
        "The student version has the exercises left to do: download it, or open it on Colab or Binder.</p>",
        ["#", "notebook (solved, with outputs)", "time", "student version (exercises to do)"], rows, STATIC))
    return [index] + pages


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
    site = commands.add_parser("site", help="the course as static HTML pages, offline")
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

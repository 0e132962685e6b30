"""What the publish tests share: the solutions, and readers of built pages (what a page loads, whether it stays
offline). Used by tests/test_publish.py (the decks) and tests/test_publish_site.py (the site), which are two files so
that `make test`'s two workers build the decks and the site at the same time."""
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tools import publish
from tools.notebooks import read_notebook, solution_notebooks

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = solution_notebooks(ROOT / "solutions")
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
REMOTE = re.compile(r"^\s*(?:https?:)?//", re.IGNORECASE)


def vendor_or_skip():
    """Skip (or, with COURSE_REQUIRE_VENDOR=1 as in CI, fail) when the npm packages of vendor/ are missing."""
    if publish.vendor_dir().joinpath("requirejs", "require.js").is_file():
        return
    message = f"the npm packages of vendor/ are not installed in {publish.vendor_dir()} (run `make install`)"
    if os.environ.get("COURSE_REQUIRE_VENDOR") == "1":
        pytest.fail(message + " (COURSE_REQUIRE_VENDOR=1, so this may not be skipped)", pytrace=False)
    pytest.skip(message)


def build(kind, tmp_path_factory):
    """Build the decks (`kind="slides"`) or the site (`"site"`) of the whole course, as `make slides` / `make site`
    do, into a fresh temporary folder; returns it."""
    vendor_or_skip()
    out = tmp_path_factory.mktemp("build") / kind
    assert publish.main([kind, "--out", str(out)]) == 0
    return out


class Resources(HTMLParser):
    """Everything an HTML page loads: script src, stylesheet/link href, img/iframe/source src, inline scripts
    (not JSON data) and inline styles."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.urls, self.scripts, self.styles, self.sections, self._in = [], [], [], [], None
        self.depth = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            if attrs.get("src"):
                self.urls.append(("script src", attrs["src"]))
            self._in = "json" if "json" in (attrs.get("type") or "") else "script"
            if attrs.get("data-jupyter-widgets-cdn"):
                self.urls.append(("widgets CDN", attrs["data-jupyter-widgets-cdn"]))
        elif tag == "link" and attrs.get("href"):
            self.urls.append((f"link {attrs.get('rel')}", attrs["href"]))
        elif tag in ("img", "iframe", "source", "audio", "video", "embed") and attrs.get("src"):
            self.urls.append((f"{tag} src", attrs["src"]))
        elif tag == "style":
            self._in = "style"
        elif tag == "section":
            self.depth += 1
            self.sections.append(self.depth)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._in = None
        elif tag == "section":
            self.depth -= 1

    def handle_data(self, data):
        if self._in == "script":
            self.scripts.append(data)
        elif self._in == "style":
            self.styles.append(data)


def parse(path):
    page = Resources()
    page.feed(Path(path).read_text(encoding="utf-8"))
    return page


def without_comments(code):
    """JavaScript or CSS without /* ... */ comments and whole-line // comments."""
    return re.sub(r"(?m)^\s*//.*$", "", re.sub(r"/\*.*?\*/", "", code, flags=re.DOTALL))


def remote_loads(path):
    """What a built page would fetch from the network: (what, URL) pairs; empty for an offline page."""
    page = parse(path)
    found = [(what, url) for what, url in page.urls if REMOTE.match(url)]
    for script in page.scripts:
        found += [("inline script", url) for url in re.findall(r"(?:https?:)?//[^\s'\"`)]+", without_comments(script))
                  if url.startswith(("http", "//"))]
        for paths in re.findall(r"require\.config\((.*?)\)", script, flags=re.DOTALL):
            found += [("require.config path", url) for url in re.findall(r"[\"']([^\"']+)[\"']", paths)
                      if REMOTE.match(url)]
    for style in page.styles:
        found += [("inline style", url) for url in re.findall(r"(?:@import\s+|url\()\s*[\"']?([^\"')\s]+)",
                                                               without_comments(style)) if REMOTE.match(url)]
    return found


def local_target_exists(page_path, url):
    """True when a relative URL of a page names a file of the build (data: URLs and anchors are inline)."""
    if url.startswith(("data:", "#", "blob:")):
        return True
    target = url.split("?")[0].split("#")[0]
    return (Path(page_path).parent / target).exists()


def expected_sections(path):
    """(horizontal slides, vertical slides) of a notebook's deck. reveal.js nests them: each "slide" cell starts a
    top-level <section> holding one <section> per vertical slide, the first of which it starts itself; each
    "subslide" cell starts another vertical slide. (The first shown cell starts a slide whatever its type.)"""
    types = [cell.metadata.get("slideshow", {}).get("slide_type", "-") for cell in read_notebook(path).cells]
    shown = [t for t in types if t not in ("skip",)]
    slides = shown.count("slide") + (0 if shown and shown[0] == "slide" else 1)
    return slides, slides + shown.count("subslide")


def remote_imports_of_style_sheets(folder):
    """{style sheet: [remote URLs it imports or loads]} for every .css file under `folder` (empty lists: offline)."""
    found = {}
    for sheet in sorted(Path(folder).rglob("*.css")):
        code = without_comments(sheet.read_text(encoding="utf-8", errors="replace"))
        found[sheet] = [url for url in re.findall(r"(?:@import\s+(?:url\()?|url\()\s*[\"']?([^\"')\s;]+)", code)
                        if REMOTE.match(url)]
    return found


NO_DESCRIPTION = "No description has been provided for this image"     # nbconvert's alt for an image without one
PNG_ALT = 'A line chart: the "loss" falls from 0.7 to 0.1 over 50 steps & <flattens>'
HTML_ALT = "A 3-4-3 network diagram: three inputs, four hidden neurons, three outputs"
PIXEL = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==")


def with_described_figures(path):
    """A notebook of the course with two described figures added after its first code cell, as the notebooks store
    them: a PNG with its description in the output's metadata (`"image/png": {"alt": PNG_ALT}`) and an HTML output
    whose <img> has alt=HTML_ALT."""
    import nbformat

    nb = read_notebook(path)
    cell = nbformat.v4.new_code_cell("show_figures()", outputs=[
        nbformat.v4.new_output("display_data", data={"image/png": PIXEL, "text/plain": "<Figure>"},
                               metadata={"image/png": {"alt": PNG_ALT}}),
        nbformat.v4.new_output("display_data", data={
            "text/html": f'<img src="data:image/png;base64,{PIXEL}" alt="{HTML_ALT}">', "text/plain": "<Figure>"}),
    ])
    first_code = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code")
    nb.cells.insert(first_code + 1, cell)
    return nb


def image_alts(page_html):
    """The alt text of every <img> of an HTML page (decoded), in order; None for an <img> without one."""
    class Images(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.alts = []

        def handle_starttag(self, tag, attrs):
            if tag == "img":
                self.alts.append(dict(attrs).get("alt"))

    images = Images()
    images.feed(page_html)
    return images.alts

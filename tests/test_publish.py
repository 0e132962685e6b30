"""`make slides` and `make site` (tools.publish): every notebook built, nothing loaded from the network.

The module-scoped fixtures build the decks and the site once, into a temporary folder, from the repository's
notebooks (about 40 s on 2 cores). They need the npm packages of vendor/ (`make install`); without them the build
tests are skipped, unless COURSE_REQUIRE_VENDOR=1 (CI), in which case they fail.
tests/browser/test_publish_browser.py opens what is built in Chromium with the network cut off.
"""
import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tools import links, publish
from tools.notebooks import read_notebook, solution_notebooks

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = solution_notebooks(ROOT / "solutions")
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
REMOTE = re.compile(r"^\s*(?:https?:)?//", re.IGNORECASE)


def vendor_or_skip():
    if publish.vendor_dir().joinpath("requirejs", "require.js").is_file():
        return
    message = f"the npm packages of vendor/ are not installed in {publish.vendor_dir()} (run `make install`)"
    if os.environ.get("COURSE_REQUIRE_VENDOR") == "1":
        pytest.fail(message + " (COURSE_REQUIRE_VENDOR=1, so this may not be skipped)", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="module")
def slides(tmp_path_factory):
    vendor_or_skip()
    out = tmp_path_factory.mktemp("build") / "slides"
    assert publish.main(["slides", "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    vendor_or_skip()
    out = tmp_path_factory.mktemp("build") / "site"
    assert publish.main(["site", "--out", str(out)]) == 0
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


# ------------------------------------------------------------------------------------------ slides


@pytest.mark.slow     # builds the decks / the site (module fixtures, about 40 s together)
def test_every_notebook_has_a_deck_with_its_slides(slides):
    assert SOLUTIONS, "no solution notebooks found"
    for solution in SOLUTIONS:
        deck = slides / f"{solution.stem}.slides.html"
        assert deck.is_file(), f"no deck for {solution.name}"
        levels = parse(deck).sections
        horizontal, vertical = expected_sections(solution)
        assert (levels.count(1), levels.count(2), len(levels)) == (horizontal, vertical, horizontal + vertical), (
            f"{deck.name}: {levels.count(1)} slides and {levels.count(2)} vertical slides, the notebook has "
            f"{horizontal} and {vertical}")
        text = deck.read_text(encoding="utf-8")
        title = read_notebook(solution).cells[0].source.splitlines()[0].lstrip("# ").strip()
        assert title.split(" · ")[1] in text, f"{deck.name}: the title {title!r} is missing"
    index = (slides / "index.html").read_text(encoding="utf-8")
    positions = [index.index(f'href="{solution.stem}.slides.html"') for solution in SOLUTIONS]
    assert positions == sorted(positions), "the slides index is not in syllabus order"


@pytest.mark.slow     # builds the decks / the site (module fixtures, about 40 s together)
def test_decks_leave_out_skipped_cells_and_keep_speaker_notes(slides):
    deck = (slides / "00_welcome.slides.html").read_text(encoding="utf-8")
    assert '<aside class="notes">' in deck and "Presenting: run the environment check live" in deck
    assert "google.colab" not in deck, "the Colab setup cell is slide type 'skip' and must not be in the deck"


@pytest.mark.slow     # builds the decks / the site (module fixtures, about 40 s together)
def test_decks_load_nothing_from_the_network(slides):
    pages = sorted(slides.glob("*.html"))
    assert len(pages) == len(SOLUTIONS) + 1
    for page in pages:
        assert not remote_loads(page), f"{page.name} loads from the network: {remote_loads(page)}"
        for what, url in parse(page).urls:
            if what != "widgets CDN":
                assert local_target_exists(page, url), f"{page.name}: {what} {url} is not in the build"
    deck = (slides / "02_forward_propagation.slides.html").read_text(encoding="utf-8")
    for local in ["_static/reveal.js/dist/reveal.js", "_static/reveal.js/plugin/notes/notes.js",
                  "_static/mathjax/MathJax.js", "_static/require.js", "_static/html-manager/embed-amd.js",
                  '"anywidget": "_static/anywidget/index"']:
        assert local in deck, f"the deck does not load {local}"


# ------------------------------------------------------------------------------------------ site


@pytest.mark.slow     # builds the decks / the site (module fixtures, about 40 s together)
def test_site_has_every_notebook_solved_and_for_students_in_syllabus_order(site):
    index = (site / "index.html").read_text(encoding="utf-8")
    positions = []
    for solution in SOLUTIONS:
        assert (site / "solutions" / f"{solution.stem}.html").is_file(), f"no site page for {solution.name}"
        assert (site / "notebooks" / f"{solution.stem}.html").is_file(), f"no student page for {solution.name}"
        assert (site / "notebooks" / solution.name).is_file(), f"no student .ipynb to download for {solution.name}"
        positions.append(index.index(f'href="solutions/{solution.stem}.html"'))
        assert f'href="notebooks/{solution.stem}.html"' in index
        assert links.colab_url(f"notebooks/{solution.name}").replace("&", "&amp;") in index
        assert links.binder_url(f"notebooks/{solution.name}").replace("&", "&amp;") in index
    assert positions == sorted(positions), "the site index is not in syllabus order"


@pytest.mark.slow     # builds the decks / the site (module fixtures, about 40 s together)
def test_site_pages_embed_the_widget_state(site):
    for solution in SOLUTIONS:
        nb = read_notebook(solution)
        text = (site / "solutions" / f"{solution.stem}.html").read_text(encoding="utf-8")
        saved = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
        if not saved:
            continue
        match = re.search(rf'<script type="{re.escape(WIDGET_STATE)}">(.*?)</script>', text, flags=re.DOTALL)
        assert match, f"{solution.name}: the site page has no embedded widget state"
        embedded = json.loads(match.group(1))["state"]
        assert set(embedded) == set(saved), f"{solution.name}: the page's widget state differs from the notebook's"
        assert "application/vnd.jupyter.widget-view+json" in text
    assert any(read_notebook(s).metadata.get("widgets") for s in SOLUTIONS), "no notebook has saved widget state"


@pytest.mark.slow     # builds the decks / the site (module fixtures, about 40 s together)
def test_site_loads_nothing_from_the_network(site):
    pages = sorted(site.rglob("*.html"))
    assert len(pages) == 1 + 2 * len(SOLUTIONS)
    for page in pages:
        assert not remote_loads(page), f"{page.relative_to(site)} loads from the network: {remote_loads(page)}"
        for what, url in parse(page).urls:
            if what != "widgets CDN":
                assert local_target_exists(page, url), f"{page.relative_to(site)}: {what} {url} is not in the build"


@pytest.mark.slow     # builds the decks / the site (module fixtures, about 40 s together)
def test_the_static_folders_style_sheets_import_nothing_remote(site, slides):
    sheets = list(site.rglob("*.css")) + list(slides.rglob("*.css"))
    assert sheets
    for sheet in sheets:
        code = without_comments(sheet.read_text(encoding="utf-8", errors="replace"))
        remote = [url for url in re.findall(r"(?:@import\s+(?:url\()?|url\()\s*[\"']?([^\"')\s;]+)", code)
                  if REMOTE.match(url)]
        assert not remote, f"{sheet}: {remote}"


def test_remote_loads_finds_what_a_cdn_page_loads(tmp_path):
    """The check above is not blind: nbconvert's stock export (CDN scripts) fails it."""
    from nbconvert import HTMLExporter

    page = tmp_path / "stock.html"
    page.write_text(HTMLExporter(template_name="lab").from_notebook_node(read_notebook(SOLUTIONS[2]))[0])
    found = {what for what, _ in remote_loads(page)}
    assert {"script src", "inline script"} <= found


# ------------------------------------------------------------------------------------------ errors and links


def test_missing_vendor_folder_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv(publish.VENDOR_ENV, str(tmp_path / "nothing"))
    with pytest.raises(publish.PublishError, match="make install"):
        publish.build_slides([SOLUTIONS[0]], tmp_path / "out")


def test_a_folder_that_is_not_a_build_is_never_deleted(tmp_path):
    (tmp_path / "precious.txt").write_text("keep me")
    with pytest.raises(publish.PublishError, match="not an earlier build"):
        publish.build_slides([SOLUTIONS[0]], tmp_path)
    assert (tmp_path / "precious.txt").read_text() == "keep me"


def test_links_come_from_the_one_repository_url(tmp_path):
    repository = links.repository_url()
    text = (ROOT / "pyproject.toml").read_text()
    assert f'Repository = "{repository}"' in text
    assert links.colab_url("notebooks/05_backpropagation.ipynb", "https://github.com/a/b") == (
        "https://colab.research.google.com/github/a/b/blob/main/notebooks/05_backpropagation.ipynb")
    assert links.binder_url("notebooks/05_backpropagation.ipynb", "https://github.com/a/b") == (
        "https://mybinder.org/v2/gh/a/b/main?labpath=notebooks%2F05_backpropagation.ipynb")
    with pytest.raises(links.LinksError, match="GitHub"):
        links.colab_url("x.ipynb", "https://gitlab.com/a/b")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split(links.README_BEGIN, 1)[1].split(links.README_END, 1)[0]
    assert block.strip() == links.readme_links(repository), (
        "README's Colab/Binder badges are not made from pyproject.toml's URL: run `python -m tools.links`")

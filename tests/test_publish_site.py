"""`make site` (tools.publish, Sphinx + MyST-NB + sphinx-book-theme): every notebook a page in syllabus order, the
guides as pages, the student versions to download, the cells meant for Colab and for the presenter left out, the
widget state embedded, nothing loaded from the network. The decks are tests/test_publish.py's (a file apart, so that
the two builds run on two workers).

The module-scoped fixture builds the site once, into a temporary folder, from the repository's notebooks (about
10 s). It needs the npm packages of vendor/ (`make install`); without them these tests are skipped, unless
COURSE_REQUIRE_VENDOR=1 (CI), in which case they fail. tests/browser/test_publish_browser.py opens what is built in
Chromium, from disk and from a local server, with the network cut off.
"""
import html
import json
import re

import nbformat
import pytest
from _publish_pages import (SOLUTIONS, WIDGET_STATE, build, local_target_exists, parse, remote_imports_of_style_sheets,
                            remote_loads)

from tools import links, publish
from tools.notebooks import ROOT, read_notebook

GUIDE_PAGES = [name.removesuffix(".md") for name in publish.GUIDES]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return build("site", tmp_path_factory)


def page_text(path):
    """The visible text of a built page: tags, scripts and styles removed, entities decoded, spaces collapsed, and
    the typographic quotes Sphinx writes (’ “ ”) read as the plain ones of the source."""
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", path.read_text(encoding="utf-8"), flags=re.DOTALL)
    text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", text)))
    return text.translate(str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'}))


def navigation(page):
    """The pages the left navigation of a built page links, in order ("index" for the home page)."""
    nav = re.search(r'<nav class="bd-links bd-docs-nav".*?</nav>', page.read_text(encoding="utf-8"), re.DOTALL)
    hrefs = re.findall(r'<a class="[^"]*reference internal[^"]*" href="([^"]*)"', nav.group(0))
    return [re.sub(r"\.html$", "", href) if href != "#" else page.stem for href in hrefs]


# ------------------------------------------------------------------------------------------ without a build


def test_the_site_page_of_a_notebook_leaves_out_the_colab_setup_cell_and_the_speaker_notes():
    nb = read_notebook(ROOT / "solutions" / "04_loss_and_gradient_descent.ipynb")
    # No notebook has a notes cell today (the presenter's notes live in the instructor guide): add one, as an
    # author might, to see that the site leaves it out.
    nb.cells.insert(3, nbformat.v4.new_markdown_cell("Presenting: for the presenter only.",
                                                     metadata={"slideshow": {"slide_type": "notes"}}))
    shown = publish.site_notebook(nb, "04_loss_and_gradient_descent.ipynb", "https://github.com/OWNER/course")
    removed = [cell.get("id") for cell in shown.cells if publish.REMOVE in cell.metadata.get("tags", [])]
    setup = [cell.get("id") for cell in nb.cells if links.COLAB_TAG in cell.metadata.get("tags", [])]
    notes = [cell.get("id") for cell in nb.cells if cell.metadata.get("slideshow", {}).get("slide_type") == "notes"]
    assert setup and notes and removed == [cell.get("id") for cell in nb.cells if cell.get("id") in setup + notes]
    assert not any(publish.REMOVE in cell.metadata.get("tags", []) for cell in nb.cells), "the notebook was changed"
    # The launch cell says where the student version is; no Colab or Binder link while the URL is the placeholder.
    line = next(cell.source for cell in shown.cells if cell.get("id") == links.LINKS_CELL_ID)
    assert 'href="notebooks/04_loss_and_gradient_descent.ipynb"' in line and "colab" not in line.lower()
    real = publish.site_notebook(nb, "04_loss_and_gradient_descent.ipynb", "https://github.com/someone/course")
    line = next(cell.source for cell in real.cells if cell.get("id") == links.LINKS_CELL_ID)
    assert links.colab_url("notebooks/04_loss_and_gradient_descent.ipynb", "https://github.com/someone/course") in line
    assert links.binder_url("notebooks/04_loss_and_gradient_descent.ipynb", "https://github.com/someone/course") in line


def test_every_guide_of_docs_is_a_page_of_the_site():
    assert sorted(publish.GUIDES) == sorted(path.name for path in (ROOT / "docs").glob("*.md")), (
        "add the new docs/*.md to tools.publish.GUIDES (the order of the site's navigation)")


def test_a_site_build_that_fails_names_the_problem_and_keeps_the_folder(tmp_path):
    (tmp_path / "precious.txt").write_text("keep me")
    with pytest.raises(publish.PublishError, match="not an earlier build"):
        publish.build_site(out_dir=tmp_path)
    assert (tmp_path / "precious.txt").read_text() == "keep me"
    with pytest.raises(publish.PublishError, match="no solution notebooks"):
        publish.build_site(solutions_dir=tmp_path, out_dir=tmp_path / "site")


# ------------------------------------------------------------------------------------------ the built site


@pytest.mark.slow     # builds the site (the module fixture, about 10 s)
def test_site_has_every_notebook_and_guide_in_syllabus_order(site):
    stems = [solution.stem for solution in SOLUTIONS]
    index = (site / "index.html").read_text(encoding="utf-8")
    positions = [index.index(f'href="{stem}.html"') for stem in stems]
    assert positions == sorted(positions), "the home page's table is not in syllabus order"
    for stem in stems + GUIDE_PAGES:
        page = site / f"{stem}.html"
        assert page.is_file(), f"no site page for {stem}"
        # The left navigation: home, the notebooks in syllabus order, the guides; the same on every page.
        assert navigation(page) == ["index"] + stems + GUIDE_PAGES, f"{stem}: {navigation(page)}"
    for solution in SOLUTIONS:
        student = ROOT / "notebooks" / solution.name
        assert (site / "notebooks" / solution.name).read_bytes() == student.read_bytes(), (
            f"the site's student version of {solution.name} is not notebooks/{solution.name}")
        assert index.count(f'href="notebooks/{solution.name}"') == 1
        page = (site / f"{solution.stem}.html").read_text(encoding="utf-8")
        assert page.count(f'href="notebooks/{solution.name}"') == 2, "the student version: in the page and the menu"
    search = (site / "searchindex.js").read_text(encoding="utf-8")
    assert all(f'"{stem}"' in search for stem in stems + GUIDE_PAGES), "a page is missing from the search index"


@pytest.mark.slow     # builds the site (the module fixture, about 10 s)
def test_site_pages_show_the_solutions_without_the_colab_setup_or_the_speaker_notes(site):
    for solution in SOLUTIONS:
        nb, text = read_notebook(solution), page_text(site / f"{solution.stem}.html")
        assert "google.colab" not in text, f"{solution.name}: the Colab setup cell is on the page"
        for cell in nb.cells:
            first_line = cell.source.strip().splitlines()[0] if cell.source.strip() else ""
            if cell.metadata.get("slideshow", {}).get("slide_type") == "notes":
                assert first_line[:60] not in text, f"{solution.name}: a speaker note is on the page"
            for solved in re.findall(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", cell.source, flags=re.DOTALL):
                line = next(line.strip() for line in solved.splitlines() if line.strip())
                assert re.sub(r"\s+", " ", line) in text, f"{solution.name}: the solution {line!r} is not shown"


@pytest.mark.slow     # builds the site (the module fixture, about 10 s)
def test_site_shows_launch_links_only_for_a_real_repository(site):
    real = not links.is_placeholder(links.repository_url())
    for solution in SOLUTIONS:
        page = (site / f"{solution.stem}.html").read_text(encoding="utf-8")
        for url in (links.colab_url(f"notebooks/{solution.name}"), links.binder_url(f"notebooks/{solution.name}")):
            assert (html.escape(url) in page) == real, f"{solution.name}: {url}"
    assert "colab.research.google.com" not in (site / "index.html").read_text(encoding="utf-8") or real


@pytest.mark.slow     # builds the site (the module fixture, about 10 s)
def test_site_pages_embed_the_widget_state(site):
    for solution in SOLUTIONS:
        nb = read_notebook(solution)
        text = (site / f"{solution.stem}.html").read_text(encoding="utf-8")
        saved = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
        match = re.search(rf'<script type="{re.escape(WIDGET_STATE)}">(.*?)</script>', text, flags=re.DOTALL)
        if not saved:
            assert not match, f"{solution.name} has no widgets, but its page carries widget state"
            continue
        assert match, f"{solution.name}: the site page has no embedded widget state"
        embedded = json.loads(match.group(1))["state"]
        assert set(embedded) == set(saved), f"{solution.name}: the page's widget state differs from the notebook's"
        views = [output for cell in nb.cells if cell.cell_type == "code" for output in cell.outputs
                 if "application/vnd.jupyter.widget-view+json" in output.get("data", {})]
        assert text.count('<script type="application/vnd.jupyter.widget-view+json">') == len(views)
    assert any(read_notebook(s).metadata.get("widgets") for s in SOLUTIONS), "no notebook has saved widget state"


@pytest.mark.slow     # builds the site (the module fixture, about 10 s)
def test_site_loads_nothing_from_the_network(site):
    pages = sorted(site.glob("*.html"))
    assert len(pages) == 1 + len(SOLUTIONS) + len(GUIDE_PAGES) + 2     # + search.html and genindex.html
    for page in pages:
        assert not remote_loads(page), f"{page.relative_to(site)} loads from the network: {remote_loads(page)}"
        for what, url in parse(page).urls:
            if what != "widgets CDN":      # the fallback folder for unknown widget modules: local, and never used
                assert local_target_exists(page, url), f"{page.relative_to(site)}: {what} {url} is not in the build"
    for stem in ("05_backpropagation", "02_forward_propagation"):
        scripts = [url for what, url in parse(site / f"{stem}.html").urls if what == "script src"]
        assert "_static/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe" in scripts
    scripts = [url for what, url in parse(site / "02_forward_propagation.html").urls if what == "script src"]
    assert [re.sub(r"\?.*", "", url) for url in scripts if "require" in url or "embed-amd" in url] == [
        "_static/require.js", "_static/html-manager/embed-amd.js"]


@pytest.mark.slow     # builds the site (the module fixture, about 10 s)
def test_the_sites_style_sheets_import_nothing_remote(site):
    sheets = remote_imports_of_style_sheets(site)
    assert sheets and not any(sheets.values()), {sheet: urls for sheet, urls in sheets.items() if urls}


@pytest.mark.slow     # builds a one-notebook site (about 10 s)
def test_a_figures_stored_description_is_its_alt_text_on_the_site(tmp_path):
    """A PNG figure's description (in the output's metadata) and an HTML figure's alt reach the notebook's page
    (MyST-NB reads the metadata's "alt"), and nbconvert's "No description has been provided" never appears."""
    from _publish_pages import HTML_ALT, NO_DESCRIPTION, PNG_ALT, image_alts, vendor_or_skip, with_described_figures

    vendor_or_skip()
    solution = SOLUTIONS[0]
    (tmp_path / "solutions").mkdir()
    publish.write_notebook(with_described_figures(solution), tmp_path / "solutions" / solution.name)
    publish.build_site(tmp_path / "solutions", ROOT / "notebooks", tmp_path / "site")
    page = (tmp_path / "site" / f"{solution.stem}.html").read_text(encoding="utf-8")
    alts = image_alts(page)
    assert PNG_ALT in alts and HTML_ALT in alts, f"the figures' alt texts on the page: {alts}"
    assert NO_DESCRIPTION not in page


def test_only_a_described_png_or_jpeg_becomes_an_html_image():
    import nbformat

    def output(data, metadata=None):
        return nbformat.v4.new_output("display_data", data=data, metadata=metadata or {})

    described = output({"image/jpeg": "/9j/"}, {"image/jpeg": {"alt": 'a "quoted" <b>', "height": 90}})
    assert publish.described_image_html(described) == (
        '<img src="data:image/jpeg;base64,/9j/" alt="a &quot;quoted&quot; &lt;b&gt;" height="90">')
    assert publish.described_image_html(output({"image/png": "iVBO"})) is None                 # no description
    assert publish.described_image_html(output({"image/png": "iVBO"}, {"image/png": {"alt": ""}})) is None
    assert publish.described_image_html(output({"image/png": "iVBO", "text/html": "<img alt='x'>"},
                                               {"image/png": {"alt": "x"}})) is None   # its own HTML is shown
    assert publish.described_image_html(nbformat.v4.new_output("stream", text="hi")) is None

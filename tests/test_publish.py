"""`make slides` (tools.publish): every notebook built, nothing loaded from the network; and the links and errors
of the publishing tools. The site is tests/test_publish_site.py's (a file apart, so that the two builds run on two
workers).

The module-scoped fixture builds the decks once, into a temporary folder, from the repository's notebooks (about
20 s on 2 cores). It needs the npm packages of vendor/ (`make install`); without them the build tests are skipped,
unless COURSE_REQUIRE_VENDOR=1 (CI), in which case they fail.
tests/browser/test_publish_browser.py opens what is built in Chromium with the network cut off.
"""
import pytest
from _publish_pages import (ROOT, SOLUTIONS, build, expected_sections, local_target_exists, parse,
                            remote_imports_of_style_sheets, remote_loads)

from tools import links, publish
from tools.notebooks import read_notebook


@pytest.fixture(scope="module")
def slides(tmp_path_factory):
    return build("slides", tmp_path_factory)


@pytest.mark.slow     # builds the decks (the module fixture, about 20 s)
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


@pytest.mark.slow     # builds the decks (the module fixture, about 20 s)
def test_decks_leave_out_skipped_cells(slides):
    deck = (slides / "00_welcome.slides.html").read_text(encoding="utf-8")
    assert "google.colab" not in deck, "the Colab setup cell is slide type 'skip' and must not be in the deck"


@pytest.mark.slow     # builds one deck
def test_a_notes_cell_becomes_the_decks_speaker_notes(tmp_path):
    """The course keeps the presenter's notes in the instructor guide (no notebook has a notes cell today), but a
    notes cell, if an author adds one, goes into the deck's speaker view, never onto a slide."""
    import nbformat

    from _publish_pages import vendor_or_skip
    vendor_or_skip()
    nb = publish.read_notebook(SOLUTIONS[0])
    note = nbformat.v4.new_markdown_cell("Presenting: a note for the presenter only.",
                                         metadata={"slideshow": {"slide_type": "notes"}})
    nb.cells.insert(3, note)
    source = tmp_path / SOLUTIONS[0].name
    publish.write_notebook(nb, source)
    publish.build_slides([source], tmp_path / "slides")
    deck = (tmp_path / "slides" / f"{source.stem}.slides.html").read_text(encoding="utf-8")
    assert '<aside class="notes">' in deck and "a note for the presenter only" in deck


@pytest.mark.slow     # builds the decks (the module fixture, about 20 s)
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


@pytest.mark.slow     # builds the decks (the module fixture, about 20 s)
def test_the_decks_style_sheets_import_nothing_remote(slides):
    sheets = remote_imports_of_style_sheets(slides)
    assert sheets and not any(sheets.values()), {sheet: urls for sheet, urls in sheets.items() if urls}


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


def test_a_figures_stored_description_is_its_alt_text_in_the_deck():
    """A PNG figure's description (in the output's metadata) and an HTML figure's alt reach the deck, and never
    nbconvert's "No description has been provided for this image"."""
    from _publish_pages import HTML_ALT, PNG_ALT, image_alts, with_described_figures

    deck = publish.Converter().convert(with_described_figures(SOLUTIONS[0]))
    alts = image_alts(deck)
    # The two described figures, one after the other, each with its own text (quotes, & and < > intact).
    first = alts.index(PNG_ALT) if PNG_ALT in alts else None
    assert first is not None and alts[first + 1] == HTML_ALT, f"the figures' alt texts in the deck: {alts}"

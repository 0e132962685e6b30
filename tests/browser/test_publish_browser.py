"""The built decks and the course site work in Chromium with no network: the decks opened from disk (file://), the
site from disk and from a local static server (python -m http.server on 127.0.0.1).

The decks of notebooks 00, 02 and 06 (a title slide, code, figures, math, a speaker note, the network diagram widget
and a training replay with a play button) and the whole site go to a temporary folder. Every request that is not
local (a file, or the server on 127.0.0.1) is aborted and recorded, and so is every local file a page asks for and
the build lacks: a page that needed the network, or a file the build left out, fails the test. From disk the browser
context is offline as well (Chromium's offline mode would also cut the local server, so it is not used there).

Screenshots (tests/browser/screenshots/publish_*.png): the decks' title slide, a slide with code and a figure and
a widget slide; the site's home page, a notebook page (notebook 02, at its network diagram), notebook 10's
Playground, notebook 05's derivative table, a search result, and the training replay's widget.
"""
import re
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from playwright.sync_api import expect

from tools import links, publish
from tools.notebooks import read_notebook, solution_notebooks

from .jupyterlab import REPO_ROOT, colours_used

pytestmark = pytest.mark.browser

NOTEBOOKS = ["00_welcome.ipynb", "02_forward_propagation.ipynb", "06_training_a_network.ipynb"]   # the decks
SOLUTIONS = solution_notebooks(REPO_ROOT / "solutions")
GUIDES = [name.removesuffix(".md") for name in publish.GUIDES]
# A word that only one notebook uses (and no guide): checked by test_the_search_term_is_in_one_notebook_only. If
# a notebook changes and that test fails, pick another such word. ("perceptron" is not one: 00 and 02 use it too.)
SEARCH_TERM = "Rosenblatt"


_BUILT = {}   # the one build of this test session (test_accessibility_browser.py uses it too)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A folder with `slides/` (the decks of NOTEBOOKS) and `site/` (the whole course's site), built once per test
    session whichever module asks first."""
    if not publish.vendor_dir().joinpath("requirejs", "require.js").is_file():
        import os
        message = "the npm packages of vendor/ are not installed (run `make install`)"
        if os.environ.get("COURSE_REQUIRE_VENDOR") == "1":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    if "root" not in _BUILT:
        root = tmp_path_factory.mktemp("publish")
        (root / "solutions").mkdir()
        for name in NOTEBOOKS:
            (root / "solutions" / name).write_bytes((REPO_ROOT / "solutions" / name).read_bytes())
        publish.build_slides([root / "solutions" / name for name in NOTEBOOKS], root / "slides")
        publish.build_site(REPO_ROOT / "solutions", REPO_ROOT / "notebooks", root / "site")   # the whole course
        _BUILT["root"] = root
    return _BUILT["root"]


@pytest.fixture(scope="module")
def site_server(built):
    """The built site served by `python -m http.server` on 127.0.0.1 (a free port); yields its base URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
                               "--directory", str(built / "site")],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "index.html", timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("the static server did not start")
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(params=["disk", "server"])
def site(request, built):
    """The site's base URL: its folder on disk (file://), or the local static server."""
    if request.param == "disk":
        return (built / "site").as_uri() + "/"
    return request.getfixturevalue("site_server")


LOCAL = ("file://", "data:", "blob:", "http://127.0.0.1:")
HREFS = "links => links.map(a => a.getAttribute('href'))"     # evaluate_all: the href of every matched link


@pytest.fixture
def offline_page(chromium, request):
    """A page that aborts (and records in `page.remote`) every request that is not local, and records in
    `page.errors` every script error and every local file it asked for and did not get. From disk (every test but
    those of the site served over HTTP) the context is offline too."""
    context = chromium.new_context(viewport={"width": 1280, "height": 800}, device_scale_factor=1)
    served = "site" in request.fixturenames and request.getfixturevalue("site").startswith("http")
    if not served:
        context.set_offline(True)
    remote, errors = [], []

    def only_local(route):
        url = route.request.url
        if url.startswith(LOCAL):
            return route.continue_()
        remote.append(url)
        return route.abort()

    def failed(request):
        # A load cut short by going to the next page is not a missing file.
        if request.url.startswith(LOCAL) and "ERR_ABORTED" not in (request.failure or ""):
            errors.append(f"missing {request.url} ({request.failure})")

    context.route("**/*", only_local)
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("requestfailed", failed)
    page.on("response", lambda response: errors.append(f"missing {response.url} (HTTP {response.status})")
            if response.status >= 400 else None)
    page.remote, page.errors = remote, errors
    yield page
    context.close()


def assert_stayed_offline(page, what):
    """Nothing the page (`what`: "the deck", "the site page") loaded came from the network, and no script failed."""
    assert page.remote == [], f"{what} asked the network for {page.remote}"
    assert page.errors == [], f"page errors on {what}: {page.errors}"


GO_TO_SLIDE_OF = """selector => {
    // Show the slide (reveal.js indices h/v in the URL hash) holding the first element matching `selector`.
    const inner = document.querySelector(selector).closest('section');
    const outer = inner.parentElement.closest('section') || inner;
    const h = Array.from(document.querySelectorAll('.reveal .slides > section')).indexOf(outer);
    const v = outer === inner ? 0 : Array.from(outer.children).filter(e => e.tagName === 'SECTION').indexOf(inner);
    location.hash = '#/' + h + '/' + v;
    return [h, v];
}"""


def show_slide_of(page, selector):
    """Go to the slide that holds `selector` and wait until reveal.js shows it; returns its (h, v) indices."""
    h, v = page.evaluate(GO_TO_SLIDE_OF, selector)
    page.wait_for_function("s => document.querySelector(s).closest('section').classList.contains('present')",
                           arg=selector, timeout=15_000)
    time.sleep(1.0)      # the slide transition
    return h, v


def test_deck_shows_title_code_and_figure_offline(built, offline_page, screenshot_dir):
    page = offline_page
    page.goto((built / "slides" / "00_welcome.slides.html").as_uri())
    expect(page.locator(".reveal.ready")).to_have_count(1, timeout=30_000)      # reveal.js started
    title = page.locator(".reveal .slides > section.present h1")
    expect(title).to_contain_text("Welcome: how this course works")
    expect(page.locator(".reveal .slide-number")).to_contain_text("1")
    page.screenshot(path=str(screenshot_dir / "publish_deck_title.png"))
    # (No notebook keeps a notes cell now: tests/test_publish.py checks that one would become the speaker notes.)

    # The first slide with code and a matplotlib figure; a slide taller than the screen scrolls.
    h, v = show_slide_of(page, "section section .jp-CodeCell:has(.jp-OutputArea-output img)")
    current = page.locator(".reveal .slides section.present").last
    expect(current.locator(".jp-InputArea .highlight").first).to_be_visible()
    figure = current.locator(".jp-OutputArea-output img").first
    assert figure.evaluate("img => img.complete && img.naturalWidth") > 200
    page.wait_for_function("() => document.querySelectorAll('.MathJax_CHTML, .mjx-chtml').length > 5",
                           timeout=30_000)                                       # MathJax typeset the $...$
    figure.evaluate("img => img.scrollIntoView({block: 'end'})")      # the slide scrolls to show the figure
    time.sleep(0.5)
    box = figure.bounding_box()
    visible = min(box["y"] + box["height"], 800) - max(box["y"], 0)
    assert visible >= 0.95 * box["height"], f"the figure is not on screen: {box}"
    page.screenshot(path=str(screenshot_dir / "publish_deck_code_and_figure.png"))

    page.keyboard.press("ArrowRight")                                          # the keys move on
    page.wait_for_function(f"() => !['#/{h}/{v}', '#/{h}'].includes(location.hash)")
    assert_stayed_offline(page, "the deck")


def test_deck_draws_the_network_diagram_widget(built, offline_page, screenshot_dir):
    page = offline_page
    page.goto((built / "slides" / "02_forward_propagation.slides.html").as_uri())
    expect(page.locator(".reveal.ready")).to_have_count(1, timeout=30_000)
    expect(page.locator("svg.course-diagram-svg .edge-line").first).to_be_attached(timeout=30_000)
    show_slide_of(page, "svg.course-diagram-svg")
    svg = page.locator("svg.course-diagram-svg")
    svg.scroll_into_view_if_needed()
    time.sleep(0.5)
    assert svg.locator(".edge-line").count() == 3 * 4 + 4 * 4 * 2 + 4 * 3
    page.screenshot(path=str(screenshot_dir / "publish_deck_widget.png"))
    assert_stayed_offline(page, "the deck")


# ------------------------------------------------------------------------------------------ the site


def page_name(page):
    """'05_backpropagation' for .../05_backpropagation.html (and for .../05_backpropagation.html?highlight=...)."""
    return re.sub(r"\.html$", "", page.url.split("?")[0].split("#")[0].rsplit("/", 1)[-1])


def wait_for_math(page, minimum=1):
    """Wait until MathJax 2 has typeset the page (at least `minimum` formulas, and nothing left in its queue)."""
    page.wait_for_function(
        """n => window.MathJax && MathJax.Hub && MathJax.Hub.queue.pending === 0 && !MathJax.Hub.queue.running
               && document.querySelectorAll('.MathJax_CHTML').length >= n""", arg=minimum, timeout=60_000)


def test_site_navigation_reaches_every_notebook_in_order(site, offline_page, screenshot_dir):
    page = offline_page
    page.goto(site + "index.html")
    expect(page.locator("article h1").first).to_contain_text("Deep learning")
    stems = [path.stem for path in SOLUTIONS]
    # The left navigation lists the home page, every notebook in syllabus order, then the guides.
    hrefs = page.locator("nav.bd-docs-nav a.reference.internal").evaluate_all(HREFS)
    nav = [re.sub(r"\.html$", "", href) for href in hrefs]
    assert nav == ["#"] + stems + GUIDES, nav        # "#": the home page itself
    page.screenshot(path=str(screenshot_dir / "publish_site_index.png"))
    # The home page's table links every notebook's page and its student version.
    for stem in stems:
        assert page.locator(f"table a[href='{stem}.html']").count() == 1
        assert page.locator(f"table a[href='notebooks/{stem}.ipynb']").count() == 1

    # "Next" from the home page visits every notebook in order, then the guides; "previous" goes back.
    visited = ["index"]
    while page.locator("a.right-next").count():
        page.locator("a.right-next").click()
        page.wait_for_load_state("domcontentloaded")
        visited.append(page_name(page))
        if visited[-1] in stems:
            info = publish.notebook_info(REPO_ROOT / "solutions" / f"{visited[-1]}.ipynb")
            expect(page.locator("article h1").first).to_contain_text(info.title)
            # Its outline (the page's sections), the student version beside it, launch links only when real.
            assert page.locator("#pst-page-toc-nav a").count() >= 3, f"{visited[-1]}: no page outline"
            student = page.locator(f"a[href='notebooks/{visited[-1]}.ipynb']")
            assert student.count() >= 2, f"{visited[-1]}: the student version is not offered (page and menu)"
            launch = page.locator("a[href*='colab.research.google.com'], a[href*='mybinder.org']").count()
            assert (launch > 0) != links.is_placeholder(links.repository_url())
        assert len(visited) < 40, visited
    assert visited == ["index"] + stems + GUIDES
    page.locator("a.left-prev").click()
    page.wait_for_load_state("domcontentloaded")
    assert page_name(page) == GUIDES[-2]
    assert_stayed_offline(page, "the site")


def test_site_offers_the_student_notebooks(built, site_server):
    for path in SOLUTIONS:
        with urllib.request.urlopen(f"{site_server}notebooks/{path.name}", timeout=10) as response:
            assert response.read() == (REPO_ROOT / "notebooks" / path.name).read_bytes()


def uses(nb, term):
    """Whether a notebook's page shows `term` (any case): in a cell, or in the text of an output."""
    parts = [cell.source for cell in nb.cells]
    parts += [str(output.get("text", "")) + str(output.get("data", {}).get("text/plain", ""))
              + str(output.get("data", {}).get("text/html", ""))
              for cell in nb.cells if cell.cell_type == "code" for output in cell.outputs]
    return term.lower() in "\n".join(parts).lower()


def test_the_search_term_is_in_one_notebook_only():
    using = [path.stem for path in SOLUTIONS if uses(read_notebook(path), SEARCH_TERM)]
    guides = [name for name in publish.GUIDES
              if SEARCH_TERM.lower() in (REPO_ROOT / "docs" / name).read_text(encoding="utf-8").lower()]
    assert len(using) == 1 and not guides, (
        f"{SEARCH_TERM!r} is in the notebooks {using} and the guides {guides}: pick a word only one notebook uses")


def test_site_search_finds_the_one_notebook(site, offline_page, screenshot_dir):
    page = offline_page
    page.goto(site + f"search.html?q={SEARCH_TERM}")
    expect(page.locator("#search-results .search-summary")).to_contain_text("Search finished", timeout=30_000)
    results = page.locator("#search-results ul.search li a")
    found = sorted({re.sub(r"\.html$", "", href.split("?")[0].split("#")[0]) for href in results.evaluate_all(HREFS)})
    expected = [path.stem for path in SOLUTIONS if uses(read_notebook(path), SEARCH_TERM)]
    assert found == expected, f"searching {SEARCH_TERM!r} found {found}"
    where = "disk" if site.startswith("file") else "server"
    page.screenshot(path=str(screenshot_dir / f"publish_site_search_{where}.png"))
    results.first.click()
    page.wait_for_load_state("domcontentloaded")
    assert page_name(page) == expected[0]
    expect(page.locator("article").get_by_text(re.compile(SEARCH_TERM)).first).to_be_visible()
    assert_stayed_offline(page, "the site's search")


def test_site_page_draws_the_widgets_from_their_saved_state(site, offline_page, screenshot_dir):
    page = offline_page
    page.goto(site + "02_forward_propagation.html")
    svg = page.locator("svg.course-diagram-svg")
    expect(svg).to_have_count(1, timeout=30_000)
    assert svg.locator(".edge-line").count() == 3 * 4 + 4 * 4 * 2 + 4 * 3      # 3-4-4-4-3 network: every edge
    assert svg.locator(".node").count() == 3 + 4 + 4 + 4 + 3
    expect(page.locator(".widget-slider").first).to_be_visible()                # ipywidgets sliders too
    wait_for_math(page, 10)
    svg.scroll_into_view_if_needed()
    time.sleep(0.5)
    if site.startswith("file:"):
        page.screenshot(path=str(screenshot_dir / "publish_site_notebook.png"))
        svg.locator("xpath=ancestor::div[contains(@class, 'cell')][1]").screenshot(
            path=str(screenshot_dir / "publish_site_widget.png"))
    assert_stayed_offline(page, "the site page")


def test_site_page_draws_the_playground_from_its_saved_state(built, offline_page, screenshot_dir):
    """Notebook 10's page: the Playground's diagram is drawn from its two saved traits, `scene` (where the nodes and
    edges sit) and `frame` (what the weights make of them, the tiles as palette indices), and its plane too."""
    page = offline_page
    page.goto((built / "site").as_uri() + "/10_playground.html")
    diagram = page.locator("svg.course-diagram-svg").first
    expect(diagram).to_have_count(1, timeout=30_000)
    nodes = diagram.locator(".node").count()
    assert nodes >= 5 and diagram.locator("image.node-tile").count() == nodes      # a tile on every node
    widths = diagram.locator(".edge-line").evaluate_all("lines => lines.map(l => l.getAttribute('stroke-width'))")
    assert len(widths) >= 6 and len(set(widths)) > 3     # each edge's width from the frame's weights
    tiles = diagram.locator("image.node-tile").evaluate_all("images => images.map(i => i.getAttribute('href'))")
    assert all(href.startswith("data:image/png") for href in tiles) and len(set(tiles)) > 5
    assert diagram.get_attribute("aria-label").startswith("Network diagram, epoch ")
    plane = page.locator("canvas.course-plane-canvas").first
    expect(plane).to_be_visible()
    assert colours_used(plane) > 20
    diagram.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_dir / "publish_site_playground.png"))
    assert_stayed_offline(page, "the site page")


def test_site_renders_the_math_and_the_derivative_table_readably(site, offline_page, screenshot_dir):
    page = offline_page
    page.goto(site + "05_backpropagation.html")
    wait_for_math(page, 20)
    untypeset = page.evaluate("""() => Array.from(document.querySelectorAll('article span.math, article div.math'))
        .filter(m => !m.querySelector('.MathJax_CHTML')).map(m => m.textContent)""")
    assert untypeset == [], f"formulas left as TeX: {untypeset[:5]}"
    assert page.locator(".mjx-merror, .MathJax_Error").count() == 0, "MathJax reported a TeX error"
    table = page.locator("article table:has(th:has-text('local derivative'))")
    expect(table).to_have_count(1)
    # Every formula of the table is typeset on one line of its cell (it wrapped one symbol per line before).
    formulas = table.evaluate("""t => Array.from(t.querySelectorAll('td .MathJax_CHTML')).map(m => {
        const box = m.getBoundingClientRect();
        const line = parseFloat(getComputedStyle(m.closest('td')).lineHeight);
        return {tex: m.parentElement.querySelector('script').textContent, width: box.width, height: box.height, line};
    })""")
    assert len(formulas) >= 9, formulas
    for formula in formulas:
        assert formula["height"] <= 1.5 * formula["line"], f"{formula['tex']!r} takes more than one line: {formula}"
    first = formulas[0]
    assert first["tex"].replace(" ", "") == "L=(a-y)^2" and first["width"] > 4 * first["height"], first
    table.scroll_into_view_if_needed()
    if site.startswith("file:"):
        table.screenshot(path=str(screenshot_dir / "publish_site_derivative_table.png"))
    assert_stayed_offline(page, "the site page")


def test_site_page_draws_the_training_replay_with_its_icons(site, offline_page, screenshot_dir):
    page = offline_page
    page.goto(site + "06_training_a_network.html")
    play = page.locator(".widget-play").first
    expect(play).to_be_visible(timeout=30_000)
    canvases = page.locator(".course-widget canvas")
    expect(canvases.first).to_be_attached(timeout=30_000)
    play.scroll_into_view_if_needed()
    page.wait_for_function("() => document.fonts.status === 'loaded'")
    # The play button's icon: the theme's Font Awesome script draws the manager's <i class="fa fa-play"> as an SVG.
    icon = play.locator("button svg.fa-play path")
    expect(icon).to_have_count(1)
    assert len(icon.get_attribute("d")) > 20 and play.locator("button svg").first.bounding_box()["width"] > 5
    assert colours_used(page.locator("canvas.course-line-canvas").first) > 5       # the loss curve is drawn
    time.sleep(0.5)
    if site.startswith("file:"):
        page.screenshot(path=str(screenshot_dir / "publish_site_replay.png"))
    assert_stayed_offline(page, "the site page")

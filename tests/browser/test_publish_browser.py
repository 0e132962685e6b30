"""The built decks and site pages work in Chromium with the network cut off, opened from disk (file://).

A small build (notebooks 00, 02 and 06, which have a title slide, code, figures, math, a speaker note, the network
diagram widget and a training replay with a play button) goes to a temporary folder. Every request that is not a local file is aborted and recorded, and
the browser context is offline: a page that needed the network would lose its scripts and fail the test.
Screenshots of the title slide, a slide with code and a figure, a site page's widget and the site index go to
tests/browser/screenshots/ (publish_*.png).
"""
import shutil
import time

import pytest
from playwright.sync_api import expect

from tools import publish

from .jupyterlab import REPO_ROOT, colours_used

pytestmark = pytest.mark.browser

NOTEBOOKS = ["00_welcome.ipynb", "02_forward_propagation.ipynb", "06_training_a_network.ipynb"]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    if not publish.vendor_dir().joinpath("requirejs", "require.js").is_file():
        import os
        message = "the npm packages of vendor/ are not installed (run `make install`)"
        if os.environ.get("COURSE_REQUIRE_VENDOR") == "1":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    root = tmp_path_factory.mktemp("publish")
    for folder in ("solutions", "notebooks"):
        (root / folder).mkdir()
        for name in NOTEBOOKS:
            shutil.copy2(REPO_ROOT / folder / name, root / folder / name)
    publish.build_slides([root / "solutions" / name for name in NOTEBOOKS], root / "slides")
    publish.build_site(root / "solutions", root / "notebooks", root / "site")
    return root


@pytest.fixture
def offline_page(chromium):
    """A page whose context is offline and aborts (and records in `page.remote`) every non-local request."""
    context = chromium.new_context(viewport={"width": 1280, "height": 800}, device_scale_factor=1)
    context.set_offline(True)
    remote, errors = [], []

    def only_local(route):
        url = route.request.url
        if url.startswith(("file://", "data:", "blob:")):
            return route.continue_()
        remote.append(url)
        return route.abort()

    context.route("**/*", only_local)
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    # A local file the page asks for but the build lacks (a font, a MathJax extension) is an error too.
    page.on("requestfailed", lambda request: errors.append(f"missing {request.url}")
            if request.url.startswith("file://") else None)
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
    assert page.locator("aside.notes").count() >= 1                             # the speaker notes are there

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


def test_site_page_draws_the_widgets_offline(built, offline_page, screenshot_dir):
    page = offline_page
    page.goto((built / "site" / "solutions" / "02_forward_propagation.html").as_uri())
    svg = page.locator("svg.course-diagram-svg")
    expect(svg).to_have_count(1, timeout=30_000)
    assert svg.locator(".edge-line").count() == 3 * 4 + 4 * 4 * 2 + 4 * 3      # 3-4-4-4-3 network: every edge
    assert svg.locator(".node").count() == 3 + 4 + 4 + 4 + 3
    expect(page.locator(".widget-slider").first).to_be_visible()                # ipywidgets sliders too
    page.wait_for_function("() => document.querySelectorAll('.MathJax_CHTML, .mjx-chtml').length > 10",
                           timeout=30_000)
    svg.scroll_into_view_if_needed()
    time.sleep(0.5)
    svg.locator("xpath=ancestor::div[contains(@class, 'jp-Cell')][1]").screenshot(
        path=str(screenshot_dir / "publish_site_widget.png"))
    assert_stayed_offline(page, "the site page")


def test_site_page_draws_the_training_replay_with_its_icons(built, offline_page, screenshot_dir):
    page = offline_page
    page.goto((built / "site" / "solutions" / "06_training_a_network.html").as_uri())
    play = page.locator(".widget-play").first
    expect(play).to_be_visible(timeout=30_000)
    canvases = page.locator(".course-widget canvas")
    expect(canvases.first).to_be_attached(timeout=30_000)
    play.scroll_into_view_if_needed()
    page.wait_for_function("() => document.fonts.status === 'loaded'")
    icon = play.locator("button i").first
    assert icon.evaluate("i => getComputedStyle(i).fontFamily").lower().find("fontawesome") >= 0 or \
        icon.evaluate("i => getComputedStyle(i, '::before').content") not in ("none", "normal", "")
    assert colours_used(page.locator("canvas.course-line-canvas").first) > 5       # the loss curve is drawn
    time.sleep(0.5)
    play.locator("xpath=ancestor::div[contains(@class, 'jp-OutputArea-output')][1]").screenshot(
        path=str(screenshot_dir / "publish_site_replay.png"))
    assert_stayed_offline(page, "the site page")


def test_site_index_links_every_page(built, offline_page, screenshot_dir):
    page = offline_page
    page.goto((built / "site" / "index.html").as_uri())
    expect(page.locator("h1")).to_contain_text("Deep learning")
    links = page.locator("a[href^='solutions/']")
    assert links.count() == len(NOTEBOOKS)
    page.screenshot(path=str(screenshot_dir / "publish_site_index.png"))
    links.nth(1).click()
    expect(page.locator("svg.course-diagram-svg")).to_have_count(1, timeout=30_000)
    page.locator(".course-nav a").click()
    expect(page.locator("h1")).to_contain_text("Deep learning")
    student = (built / "site" / "notebooks" / "02_forward_propagation.html").as_uri()
    page.goto(student)
    expect(page.locator("text=YOUR CODE HERE").first).to_be_attached()
    assert_stayed_offline(page, "the index page")

"""Pytest fixtures for the browser tests: one JupyterLab server and one Chromium per test session.

Fixtures (see ``jupyterlab.py`` for the objects they give):

``lab_server``     session  a running ``LabServer`` serving the repository root
``chromium``       session  a Playwright ``Browser`` (Debian's headless Chromium)
``lab_page``       test     a page with JupyterLab (own browser context, 1400x1000), shared by
                            the tests: afterwards every notebook in it is closed unsaved and
                            every kernel is shut down; after a failed test, a new page
``open_notebook``  test     ``open_notebook("solutions/x.ipynb") -> LabNotebook`` in ``lab_page``
``screenshot_dir`` session  where screenshots go: $COURSE_SCREENSHOT_DIR or tests/browser/screenshots/

Every test in this folder gets the ``browser`` marker (``pytest -m "not browser"``
leaves them out). Without /usr/bin/chromium they are skipped, unless
COURSE_REQUIRE_BROWSER=1 (set by CI), in which case they fail.

When a test fails, its report carries the end of the server log, what the
browser console said, and a screenshot of the page saved in ``screenshot_dir``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from .jupyterlab import (
    CHROMIUM_PATH,
    DEFAULT_SCREENSHOT_DIR,
    REPO_ROOT,
    LabNotebook,
    LabServer,
    browser_required,
    close_everything,
    chromium_available,
    launch_chromium,
    new_lab_page,
)

HERE = Path(__file__).resolve().parent


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


def _skip_or_fail(reason: str) -> None:
    if browser_required():
        pytest.fail(f"{reason} (COURSE_REQUIRE_BROWSER=1, so the browser tests may not be skipped)",
                    pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session", autouse=True)
def _browser_prerequisites():
    """Skip (or, in CI, fail) the whole folder when Chromium or Playwright is missing."""
    if not chromium_available():
        _skip_or_fail(f"Chromium not found at {CHROMIUM_PATH}: "
                      "install Debian's package with `apt-get install chromium`")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _skip_or_fail("the Python package playwright is not installed (it is in requirements/lock.txt)")


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    directory = Path(os.environ.get("COURSE_SCREENSHOT_DIR") or DEFAULT_SCREENSHOT_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    return directory


@pytest.fixture(scope="session")
def lab_server(tmp_path_factory):
    with LabServer.running(REPO_ROOT, tmp_path_factory.mktemp("jupyterlab")) as server:
        yield server


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="session")
def _shared_lab_page():
    """The page `lab_page` hands to each test: {"page": a page, or None until one is needed}. JupyterLab takes about
    4 s and 5 CPU-seconds to start in a page, so the tests share one and open their notebooks in it."""
    shared = {"page": None}
    yield shared
    if shared["page"] is not None and not shared["page"].is_closed():
        shared["page"].context.close()


@pytest.fixture
def lab_page(request, chromium, lab_server, _shared_lab_page):
    page = _shared_lab_page["page"]
    if page is None or page.is_closed():
        page = _shared_lab_page["page"] = new_lab_page(chromium)
    page.course_console.clear()
    try:
        yield page
    finally:
        # A failed test may have left anything behind (a dialog, a half-run cell): the next test gets a new page.
        if getattr(request.node, "course_failed", False) or not close_everything(page):
            page.context.close()
            _shared_lab_page["page"] = None
        lab_server.shutdown_kernels()


@pytest.fixture
def open_notebook(lab_page, lab_server):
    """``open_notebook(path, **options)`` opens a notebook in ``lab_page`` and returns its ``LabNotebook``.

    The page's JupyterLab opens it as File > Open does; a second notebook opens
    beside the first. Each is closed, unsaved, when the test ends.
    """

    def _open(path, **options) -> LabNotebook:
        return LabNotebook.open(lab_page, lab_server, path, **options)

    return _open


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.failed:
        item.course_failed = True          # lab_page then leaves the page to this test alone (see above)
    if not report.failed or call.when == "teardown":
        return
    funcargs = getattr(item, "funcargs", {})
    page = funcargs.get("lab_page")
    if page is not None and not page.is_closed():
        directory = Path(os.environ.get("COURSE_SCREENSHOT_DIR") or DEFAULT_SCREENSHOT_DIR)
        directory.mkdir(parents=True, exist_ok=True)
        shot = directory / ("FAILED-" + re.sub(r"[^A-Za-z0-9_.-]+", "_", item.name) + ".png")
        try:
            page.screenshot(path=str(shot))
            report.sections.append(("browser screenshot", str(shot)))
        except Exception as error:  # a crashed page must not hide the real failure
            report.sections.append(("browser screenshot", f"could not take one: {error}"))
        console = getattr(page, "course_console", [])
        report.sections.append(("browser console (last 40 messages)", "\n".join(console[-40:]) or "(empty)"))
    server = funcargs.get("lab_server")
    if server is not None:
        report.sections.append((f"JupyterLab server log (end of {server.log_path})", server.log_text(6000)))

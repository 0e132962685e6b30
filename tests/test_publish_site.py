"""`make site` (tools.publish): every notebook solved and for students, in syllabus order, nothing loaded from the
network. The decks are tests/test_publish.py's (a file apart, so that the two builds run on two workers).

The module-scoped fixture builds the site once, into a temporary folder, from the repository's notebooks (about
20 s on 2 cores). It needs the npm packages of vendor/ (`make install`); without them these tests are skipped,
unless COURSE_REQUIRE_VENDOR=1 (CI), in which case they fail. tests/browser/test_publish_browser.py opens what is
built in Chromium with the network cut off.
"""
import json
import re

import pytest
from _publish_pages import (SOLUTIONS, WIDGET_STATE, build, local_target_exists, parse, remote_imports_of_style_sheets,
                            remote_loads)

from tools import links
from tools.notebooks import read_notebook


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return build("site", tmp_path_factory)


@pytest.mark.slow     # builds the site (the module fixture, about 20 s)
def test_site_has_every_notebook_solved_and_for_students_in_syllabus_order(site):
    index = (site / "index.html").read_text(encoding="utf-8")
    positions = []
    for solution in SOLUTIONS:
        assert (site / "solutions" / f"{solution.stem}.html").is_file(), f"no site page for {solution.name}"
        assert (site / "notebooks" / f"{solution.stem}.html").is_file(), f"no student page for {solution.name}"
        assert (site / "notebooks" / solution.name).is_file(), f"no student .ipynb to download for {solution.name}"
        positions.append(index.index(f'href="solutions/{solution.stem}.html"'))
        assert f'href="notebooks/{solution.stem}.html"' in index
        launch = [links.colab_url(f"notebooks/{solution.name}"), links.binder_url(f"notebooks/{solution.name}")]
        for url in launch:        # shown once the repository URL is real, never while it is the placeholder
            assert (url.replace("&", "&amp;") in index) != links.is_placeholder(links.repository_url())
    assert positions == sorted(positions), "the site index is not in syllabus order"


@pytest.mark.slow     # builds the site (the module fixture, about 20 s)
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


@pytest.mark.slow     # builds the site (the module fixture, about 20 s)
def test_site_loads_nothing_from_the_network(site):
    pages = sorted(site.rglob("*.html"))
    assert len(pages) == 1 + 2 * len(SOLUTIONS)
    for page in pages:
        assert not remote_loads(page), f"{page.relative_to(site)} loads from the network: {remote_loads(page)}"
        for what, url in parse(page).urls:
            if what != "widgets CDN":
                assert local_target_exists(page, url), f"{page.relative_to(site)}: {what} {url} is not in the build"


@pytest.mark.slow     # builds the site (the module fixture, about 20 s)
def test_the_sites_style_sheets_import_nothing_remote(site):
    sheets = remote_imports_of_style_sheets(site)
    assert sheets and not any(sheets.values()), {sheet: urls for sheet, urls in sheets.items() if urls}

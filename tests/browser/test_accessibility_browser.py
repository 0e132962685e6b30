"""The course site and a slide deck meet the WCAG 2.1 A and AA rules that axe-core checks, in headless Chromium.

axe-core (vendor/node_modules/axe-core, pinned with the other npm packages) is injected into every HTML page of the
built site (the home page, every notebook's page, the guides, search and the index) and into notebook 02's deck,
one slide at a time (reveal.js hides the slides that are not shown, and axe checks only what is shown). It runs
the rules tagged wcag2a, wcag2aa, wcag21a and wcag21aa, and by name the rules for headings in order and landmarks
(STRUCTURE_RULES: axe files them under best practice). A serious or critical violation, or any structure one,
fails the test, which prints each: the page, the rule, its impact, how many elements and the first one's selector.
Moderate and minor violations are printed without failing (axe rates them so because a person can still use the
page). Violations inside widget outputs fail like any other: nothing is excluded.

Every formula, on a site page and in the deck, must also carry MathJax's assistive MathML (for screen readers).

What axe cannot judge (it finds only part of what WCAG asks: whether an alt text says what a figure shows, whether
the reading order makes sense, ...) is not checked here; see the accessibility statement in README.md.

Run alone: `PYTHONPATH=$PWD .venv/bin/python -m pytest -q -p no:cacheprovider -m browser
tests/browser/test_accessibility_browser.py`.
"""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from tools import publish

from .test_publish_browser import built  # noqa: F401  (the site and the decks, built once per session)

pytestmark = pytest.mark.browser

AXE = "axe-core/axe.min.js"                          # under vendor/node_modules (publish.vendor_dir())
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING = ("serious", "critical")                    # and every violation of STRUCTURE_RULES
DECK = "02_forward_propagation.slides.html"           # math, figures, code and the network diagram widget


def axe_script():
    path = publish.vendor_dir() / AXE
    if not path.is_file():
        pytest.fail(f"{path} is missing: run `make install` (axe-core is pinned in vendor/package.json)",
                    pytrace=False)
    return path


# WCAG asks for headings in order and landmarks (1.3.1, 2.4.1), but axe files its rules for them under
# "best-practice", outside the WCAG tags: run these by name as well, every violation failing.
STRUCTURE_RULES = ["heading-order", "page-has-heading-one", "landmark-one-main", "landmark-no-duplicate-main",
                   "landmark-unique", "region", "skip-link"]

# One axe run per page: the rules tagged WCAG_TAGS (as `runOnly: {type: "tag"}` would choose them: experimental and
# deprecated rules left out) and STRUCTURE_RULES, by name; the structure rules' violations are marked as such.
RUN_AXE = """async ([context, tags, structure]) => {
    const wcag = axe.getRules(tags).filter(r => !r.tags.includes('experimental') && !r.tags.includes('deprecated'))
                     .map(r => r.ruleId);
    const rules = Array.from(new Set([...wcag, ...structure]));
    const result = await axe.run(context || document, {runOnly: {type: 'rule', values: rules},
                                                       resultTypes: ['violations']});
    return result.violations.map(v => ({rule: v.id, impact: v.impact, help: v.help, structure: structure.includes(v.id),
        nodes: v.nodes.map(n => ({target: n.target.join(' '), impact: n.impact, html: n.html.slice(0, 160)}))}));
}"""


def axe_violations(page, context=None):
    """axe-core's violations on the page as it is now (inside `context`, a CSS selector or an axe context object, if
    given) of the WCAG 2.1 A/AA rules and of STRUCTURE_RULES, the latter marked "structure": a list of {rule, impact,
    help, nodes: [{target, impact, html}]}. Injects axe-core first if the page lacks it."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(axe_script()))
    violations = page.evaluate(RUN_AXE, [context, WCAG_TAGS, STRUCTURE_RULES])
    return [{**v, "impact": f"{v['impact']}, structure" if v.pop("structure") else v["impact"]} for v in violations]


def wait_until_settled(page):
    """Wait until the page's scripts are done: loads finished, MathJax's queue empty, widgets drawn."""
    page.wait_for_load_state("load")
    page.wait_for_function(
        """() => !window.MathJax || !MathJax.Hub || (MathJax.Hub.queue.pending === 0 && !MathJax.Hub.queue.running)""",
        timeout=60_000)
    page.wait_for_function(
        """() => Array.from(document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]'))
                 .every(s => s.parentElement.querySelector('.jupyter-widgets, .widget-subarea *'))""",
        timeout=60_000)
    page.evaluate(NEXT_PAINT)


# Resolves after the browser has laid out and painted what the page's scripts did (two animation frames).
NEXT_PAINT = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => done())))"


def summary(found):
    """{page: violations} -> printable lines, one per (page, rule): impact, count, the first element."""
    lines = []
    for where, violations in found.items():
        for v in violations:
            lines.append(f"{where}: {v['rule']} ({v['impact']}) x{len(v['nodes'])}, e.g. {v['nodes'][0]['target']}"
                         f"  {v['nodes'][0]['html'][:100]!r}")
    return lines


def counts(found):
    """Counter of (rule, impact) -> failing elements, over all pages."""
    total = Counter()
    for violations in found.values():
        for v in violations:
            total[(v["rule"], v["impact"])] += len(v["nodes"])
    return total


def site_pages(site_dir):
    """Every HTML page of the built site (not the scripts' folder)."""
    return sorted(Path(site_dir).glob("*.html"))


def check_site(browser, site_dir):
    """{page name: violations} for every page of the site in `site_dir`, opened from disk."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.set_offline(True)
    found = {}
    try:
        page = context.new_page()
        for path in site_pages(site_dir):
            page.goto(path.as_uri())
            wait_until_settled(page)
            found[path.name] = axe_violations(page)
    finally:
        context.close()
    return found


# nbconvert's deck loads reveal.js with require.js (no global): ask require.js for the module it already has.
REVEAL = """() => new Promise(done => {
    const name = document.querySelector('script[data-requiremodule*="reveal.js/dist/reveal"]').dataset.requiremodule;
    require([name], R => { window.Reveal = R; done(); });
})"""
SHOWN = """([h, v]) => { const i = Reveal.getIndices(); return i.h === h && (i.v || 0) === v; }"""
SLIDES = """() => Reveal.getSlides().map(slide => { const i = Reveal.getIndices(slide); return [i.h, i.v || 0]; })"""


# What a slide is seen with: the slide shown (and, for a vertical one, its stack) and the deck's frame around it.
SLIDE_AND_FRAME = [".reveal .slides section.present", ".reveal .controls", ".reveal .slide-number",
                   ".reveal .progress"]


def check_deck(browser, deck):
    """{"deck h/v": violations} for every slide of a reveal.js deck, each shown in turn (no transition).

    The first slide is checked with the whole document (the rules about the page: landmarks, title, language, ids
    unique over every slide), each later one with what is seen then: the slide shown and the deck's controls,
    number and progress bar. Checking the whole deck at every slide re-walked every hidden slide each time (0.5 s
    a slide) and checked nothing more: axe skips what is hidden for the rules about what is seen."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.set_offline(True)
    found, seen = {}, set()
    try:
        page = context.new_page()
        page.goto(Path(deck).as_uri())
        page.wait_for_selector(".reveal.ready", state="attached", timeout=30_000)
        page.evaluate(REVEAL)
        page.evaluate("() => Reveal.configure({transition: 'none', backgroundTransition: 'none'})")
        for index, (h, v) in enumerate(page.evaluate(SLIDES)):
            page.evaluate("([h, v]) => Reveal.slide(h, v)", [h, v])
            page.wait_for_function(SHOWN, arg=[h, v])
            wait_until_settled(page)
            seen_now = None
            if index > 0:
                seen_now = {"include": [[part] for part in SLIDE_AND_FRAME if page.locator(part).count()]}
            violations = []
            for violation in axe_violations(page, seen_now):
                # The same page-wide problem (a landmark, the language) shows on every slide: report it once.
                new = [n for n in violation["nodes"] if (violation["rule"], n["target"]) not in seen]
                seen.update((violation["rule"], n["target"]) for n in new)
                if new:
                    violations.append({**violation, "nodes": new})
            found[f"{Path(deck).name} #/{h}/{v}"] = violations
    finally:
        context.close()
    return found


def failing(violation):
    """Whether a violation fails the test: a serious or critical one, or any of STRUCTURE_RULES."""
    return violation["impact"] in FAILING or violation["impact"].endswith("structure")


def assert_no_serious(found, what):
    serious = {where: [v for v in violations if failing(v)] for where, violations in found.items()}
    lesser = {where: [v for v in violations if not failing(v)] for where, violations in found.items()}
    if any(lesser.values()):
        print(f"\n{what}: moderate or minor violations (not failing):\n" + "\n".join(summary(lesser)))
    if any(serious.values()):
        pytest.fail(f"{what}: serious or critical WCAG 2.1 A/AA violations, or heading and landmark ones "
                    "(axe-core), per page and rule:\n" + "\n".join(summary(serious)) + "\nelements per rule: "
                    + json.dumps({f"{rule} ({impact})": n for (rule, impact), n in counts(serious).items()}),
                    pytrace=False)


def test_every_site_page_passes_axe(built, chromium):
    found = check_site(chromium, built / "site")
    assert len(found) >= len(publish.GUIDES) + 2, f"too few pages checked: {sorted(found)}"
    assert_no_serious(found, "the site")


def test_a_deck_passes_axe_on_every_slide(built, chromium):
    found = check_deck(chromium, built / "slides" / DECK)
    assert len(found) > 5, f"too few slides checked: {sorted(found)}"
    assert_no_serious(found, f"the deck {DECK}")


MATH_FOR_SCREEN_READERS = """() => Array.from(document.querySelectorAll('.MathJax_CHTML')).map(formula => ({
    tex: (formula.parentElement.querySelector('script[type^="math/tex"]') || {}).textContent,
    mathml: !!formula.querySelector('.MJX_Assistive_MathML math'),
    drawingHidden: formula.querySelector('.mjx-math').getAttribute('aria-hidden') === 'true',
}))"""


@pytest.mark.parametrize("where", ["site", "deck"])
def test_math_is_readable_by_screen_readers(built, chromium, where):
    """MathJax's assistive MathML (its AssistiveMML extension, part of the TeX-AMS_CHTML-full configuration the
    pages load): every typeset formula carries a MathML copy that screen readers read (NVDA, JAWS, VoiceOver),
    while its drawing, glyph by glyph, is hidden from them."""
    path = built / "site" / "05_backpropagation.html" if where == "site" else built / "slides" / DECK
    context = chromium.new_context()
    context.set_offline(True)
    try:
        page = context.new_page()
        page.goto(path.as_uri())
        page.wait_for_function("() => window.MathJax && MathJax.Hub && document.querySelector('.MathJax_CHTML')",
                               timeout=60_000)
        wait_until_settled(page)
        formulas = page.evaluate(MATH_FOR_SCREEN_READERS)
    finally:
        context.close()
    assert len(formulas) >= 5, f"too few formulas typeset on {path.name}: {len(formulas)}"
    unreadable = [f["tex"] for f in formulas if not (f["mathml"] and f["drawingHidden"])]
    assert unreadable == [], f"formulas of {path.name} without assistive MathML: {unreadable[:5]}"


def test_the_axe_check_fails_on_a_broken_page(chromium, tmp_path):
    """The check above can fail: a page with an image without alt text (WCAG, critical) and a skipped heading level
    (a structure rule, moderate) gives both, each marked as `failing` treats it, in one axe run."""
    page_path = tmp_path / "broken.html"
    page_path.write_text('<!doctype html><html lang="en"><head><title>broken</title></head><body><main>'
                         '<h1>Title</h1><h4>Skipped levels</h4><img src="x.png"></main></body></html>')
    context = chromium.new_context()
    try:
        page = context.new_page()
        page.goto(page_path.as_uri())
        found = {v["rule"]: v for v in axe_violations(page)}
    finally:
        context.close()
    assert found["image-alt"]["impact"] == "critical" and failing(found["image-alt"])
    assert found["heading-order"]["impact"].endswith("structure") and failing(found["heading-order"])
    assert set(found) == {"image-alt", "heading-order"}, sorted(found)

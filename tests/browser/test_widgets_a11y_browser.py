"""The course widgets meet WCAG 2.1 AA in a real JupyterLab, checked with axe-core, and work with keys alone.

axe-core (vendor/node_modules/axe-core, pinned with the other vendored scripts, injected from the local file:
no network) runs its WCAG 2 A/AA and 2.1 A/AA rules on the notebook panel of
solutions/02_forward_propagation.ipynb after Run All: the cells and the outputs, the network diagram and its
sliders and the figures (their text alternatives) included (notebook 10 is checked the same way in
test_playground_browser.py). Any serious or critical violation fails the test, with each rule, impact and target printed.
JupyterLab's own interface (menus, tabs, status bar: outside the notebook panel) is checked too and printed,
but not failed on: the course does not own it.

The keyboard test tabs to the network diagram of notebook 02, picks a weight with the arrow keys, changes it
with +/- and with the editor's slider, and checks that the drawing changed (edge width and colour).
"""

import json
import re

import pytest
from playwright.sync_api import expect

from .axe import BLOCKING, axe_violations, check_notebook_panel, inject_axe, report, split_panel
from .jupyterlab import wait_until

pytestmark = pytest.mark.browser

NOTEBOOK = "solutions/02_forward_propagation.ipynb"
DIAGRAM_CELL = "diagram = widgets.NetworkDiagram"


def test_notebook_02_has_no_serious_accessibility_violations(open_notebook, lab_page, screenshot_dir):
    nb = open_notebook(NOTEBOOK)
    nb.run_all(timeout=300)
    nb.assert_no_errors()
    diagram = nb.output(nb.find_cell(DIAGRAM_CELL))
    expect(diagram.locator("svg.course-diagram-svg")).to_be_visible()
    expect(diagram.locator(".noUi-handle").first).to_be_visible()
    blocking = check_notebook_panel(lab_page, NOTEBOOK)
    nb.screenshot("a11y_notebook_02", directory=screenshot_dir)
    assert not blocking, report("serious or critical violations in the notebook's outputs", blocking)
    figures = nb.panel.locator(".jp-OutputArea-output img.course-figure")
    assert figures.count() == 3 and all(figures.evaluate_all("images => images.map(image => image.alt.length > 20)"))
    # The checks did look at the widget: its drawing and its sliders have names.
    drawing = diagram.locator("svg.course-diagram-svg").get_attribute("aria-label")
    assert drawing.startswith("Network diagram: 3 inputs (x1, x2, x3)"), drawing
    sliders = diagram.locator(".noUi-handle").evaluate_all("hs => hs.map(h => h.getAttribute('aria-label'))")
    assert sliders == ["x1", "x2", "x3"], sliders


def focused(page):
    """What has the keyboard focus: its classes, tag and accessible-name attribute."""
    return page.evaluate("""() => { const e = document.activeElement;
        return {tag: e.tagName.toLowerCase(), cls: e.getAttribute('class') || '', label: e.getAttribute('aria-label'),
                outline: getComputedStyle(e).outlineStyle, outlineWidth: parseFloat(getComputedStyle(e).outlineWidth)}; }""")


def test_weights_edited_with_the_keyboard_alone(open_notebook, lab_page, screenshot_dir):
    nb = open_notebook(NOTEBOOK)
    index = nb.find_cell(DIAGRAM_CELL)
    for cell in range(index + 1):     # the setup and everything the diagram cell needs, in order
        if nb.cell_data()[cell]["type"] == "code":
            nb.run_cell(cell, timeout=120)
    out = nb.output(index)
    svg = out.locator("svg.course-diagram-svg")
    expect(svg).to_be_visible()
    edge = svg.locator(".edge[data-layer='0'][data-i='0'][data-j='0'] .edge-line")
    width_before, name_before = edge.get_attribute("stroke-width"), svg.get_attribute("aria-label")
    cells_before = [cell["source"] for cell in nb.cell_data()]

    # From the last input slider, Tab reaches the diagram (one tab stop; the slider's readout box comes first),
    # with a visible focus ring.
    out.locator(".noUi-handle").last.focus()
    for _ in range(3):
        lab_page.keyboard.press("Tab")
        if "course-diagram-keys" in focused(lab_page)["cls"]:
            break
    now = focused(lab_page)
    assert "course-diagram-keys" in now["cls"], now
    assert now["outline"] != "none" and now["outlineWidth"] >= 2, now

    # An arrow key picks the first weight (the editor opens on it); + five times adds 0.5. (Down is also
    # JupyterLab's "next cell" key: the diagram keeps it, so the active cell must not move.)
    active_cell = lab_page.evaluate(f"() => window.courseHarness.panel({json.dumps(NOTEBOOK)}).content.activeCellIndex")
    lab_page.keyboard.press("ArrowDown")
    editor = out.locator(".course-editor")
    expect(editor).to_be_visible()
    expect(editor.locator(".course-editor-label")).to_have_text("layer 0: weight W[0, 0]")
    expect(svg.locator(".edge.selected")).to_have_count(1)
    start = float(editor.locator(".course-editor-number").input_value())
    for _ in range(5):
        lab_page.keyboard.press("+")
    expect(editor.locator(".course-editor-number")).to_have_value(f"{start + 0.5:.3f}")
    wait_until(lambda: edge.get_attribute("stroke-width") != width_before, message="the edge to change width")
    assert svg.get_attribute("aria-label") != name_before       # the description follows the drawing
    expect(svg).to_have_attribute("aria-label", re.compile(rf"Editing layer 0 weight W\[0, 0\] = {start + 0.5:.3f}\.$"))

    # Enter moves into the editor's slider; Home puts the weight at the slider's low end: negative, dashed orange.
    lab_page.keyboard.press("Enter")
    expect(editor.locator(".course-editor-range")).to_be_focused()
    lab_page.keyboard.press("Home")
    expect(edge).to_have_attribute("stroke", "#E66100")
    assert edge.get_attribute("stroke-dasharray")
    # Escape closes the editor and gives the focus back to the diagram.
    lab_page.keyboard.press("Escape")
    expect(editor).to_be_hidden()
    assert "course-diagram-keys" in focused(lab_page)["cls"]
    nb.sync_kernel()
    nb.assert_no_errors()
    # JupyterLab took none of those keys as notebook shortcuts: same cells, nothing added or deleted.
    assert [cell["source"] for cell in nb.cell_data()] == cells_before
    assert lab_page.evaluate(f"() => window.courseHarness.panel({json.dumps(NOTEBOOK)}).content.activeCellIndex") \
        == active_cell
    nb.screenshot("a11y_keyboard_edit", index, directory=screenshot_dir)


DEMO = "tests/browser/fixtures/widgets_demo.ipynb"


def test_every_course_widget_has_no_serious_violations_and_works_with_keys(open_notebook, lab_page):
    """The demo notebook shows every widget other than the Playground: axe on all its outputs; then the replay and
    the decision boundary driven with keys."""
    nb = open_notebook(DEMO)
    nb.run_all(timeout=300)
    nb.assert_no_errors()
    replay = nb.output(nb.find_cell("# training replay"))
    expect(replay.locator(".widget-play button").first).to_have_attribute("aria-label", "play")
    inject_axe(lab_page)
    panel_id = lab_page.evaluate(f"() => window.courseHarness.panel({json.dumps(DEMO)}).id")
    ours, jupyterlab = split_panel(axe_violations(lab_page, panel_id, "panel"))
    print(report("widget demo outputs", ours))
    print(report("JupyterLab's notebook interface inside the panel (not ours, reported only)", jupyterlab))
    blocking = [row for row in ours if row["impact"] in BLOCKING]
    assert not blocking, report("serious or critical violations in the widget outputs", blocking)
    names = nb.panel.locator(".jp-OutputArea-output canvas[role=img], .jp-OutputArea-output svg[role=img]")
    labels = names.evaluate_all("es => es.map(e => e.getAttribute('aria-label') || '')")
    assert labels and all(labels), labels
    assert any(label.startswith("Decision boundary over x1 and x2: ") for label in labels), labels

    # Every control in the outputs shows a focus ring (2 px or more) when it has the keyboard's focus.
    lab_page.keyboard.press("Shift")          # a key pressed: focus from now on counts as keyboard focus
    rings = lab_page.evaluate("""panelId => {
        const panel = document.getElementById(panelId);
        const controls = panel.querySelectorAll(
          '.jp-OutputArea-output :is(button, input, select, [tabindex="0"], [contenteditable="true"])');
        return Array.from(controls).filter(c => c.offsetParent !== null).map(c => {
          c.focus();
          const style = getComputedStyle(c);
          return {what: c.className || c.tagName, label: c.getAttribute('aria-label'),
                  ring: style.outlineStyle !== 'none' ? parseFloat(style.outlineWidth) : 0};
        }); }""", panel_id)
    print(f"{len(rings)} controls in the outputs, focus rings: {sorted({ring['ring'] for ring in rings})} px")
    assert len(rings) > 20, rings
    thin = [ring for ring in rings if ring["ring"] < 2]
    assert not thin, thin

    # The replay: Tab from the play button to the snapshot slider, Right arrow: the next snapshot is shown.
    label = replay.locator(".widget-html").first
    expect(label).to_contain_text("epoch 0")
    replay.locator(".widget-play button").first.focus()
    for _ in range(6):
        lab_page.keyboard.press("Tab")
        if lab_page.evaluate("() => document.activeElement.classList.contains('noUi-handle')"):
            break
    assert lab_page.evaluate("() => document.activeElement.getAttribute('aria-label')") == "snapshot"
    lab_page.keyboard.press("ArrowRight")
    expect(label).to_contain_text("epoch 10")

    # The decision boundary: focus the plane, an arrow key moves the picked point; the linked diagram shows it.
    linked = nb.output(nb.find_cell("# linked views"))
    plane = linked.locator("canvas.course-plane-canvas")
    inputs = linked.locator(".node-input .node-value")
    before = inputs.all_text_contents()
    plane.focus()
    lab_page.keyboard.press("Home")
    lab_page.keyboard.press("ArrowRight")
    wait_until(lambda: inputs.all_text_contents() != before, message="the diagram to show the picked input")
    nb.sync_kernel()
    nb.assert_no_errors()

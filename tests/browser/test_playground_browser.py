"""The Playground notebook in a real JupyterLab: every cell runs, and the Playground answers its controls.

The test opens solutions/10_playground.ipynb, runs all cells, then works the first Playground as a student does
(the data set menu, a layer's + button, a feature toggle, step, play and pause, export and a broken import) and
waits each time until what is drawn changes: the pixels of the output plane, the nodes of the diagram, the
epoch counter. It also counts how many updates per second arrive in the browser while playing, and saves
screenshots (tests/browser/screenshots/, not committed) and the measured rate (playground_rate.json there).
"""
import json
import os
import time

import pytest
from playwright.sync_api import expect

from .axe import check_notebook_panel, report
from .jupyterlab import REPO_ROOT, pixels, wait_until

pytestmark = pytest.mark.browser

NOTEBOOK = "solutions/10_playground.ipynb"
PLAYGROUND_CELL = "playground = Playground()"
IMPORTS_CELL = "from course_lib.widgets.playground import Playground"     # the notebook's import cell


def epoch_of(clock):
    text = clock.inner_text()
    assert text.startswith("Epoch "), text
    return int(text.split()[1].replace(",", ""))


def test_playground_notebook_runs_and_the_playground_answers_its_controls(open_notebook, screenshot_dir):
    nb = open_notebook(NOTEBOOK)
    nb.run_all(timeout=300)
    nb.assert_no_errors()

    index = nb.find_cell(PLAYGROUND_CELL)
    root = nb.output(index).locator(".course-playground")
    expect(root).to_be_visible()
    plane = root.locator("canvas.course-plane-canvas")
    diagram = root.locator("svg.course-diagram-svg")
    clock = root.locator(".course-playground-clock")
    message = root.locator(".course-playground-message")
    expect(plane).to_be_visible()
    expect(diagram).to_be_visible()
    # The notebook trained this Playground from code (section 6): XOR, one hidden layer of 4, 300 epochs.
    expect(clock).to_have_text("Epoch 300")
    assert diagram.locator(".node").count() == 2 + 4 + 1
    assert diagram.locator("image.node-tile").count() == 2 + 4 + 1
    expect(root.locator(".course-playground-losses")).to_contain_text("Test loss")
    nb.screenshot("playground_after_run_all", root)
    # Issue 18: axe-core on the whole notebook after Run All (figures, Playground, every output): no serious or
    # critical violation in what the course draws; JupyterLab's own interface is printed, not failed on.
    blocking = check_notebook_panel(nb.page, NOTEBOOK)
    assert not blocking, report("serious or critical violations in notebook 10's outputs", blocking)

    # The data set menu: the points and the output plane change.
    before = pixels(plane)
    root.locator(".course-playground-dataset select").select_option(label="Spiral")
    wait_until(lambda: pixels(plane) != before, message="the plane to show the spiral")
    expect(clock).to_have_text("Epoch 0")        # new data: a fresh start

    # One neuron more in hidden layer 1: one node more in the diagram.
    nodes = diagram.locator(".node").count()
    root.locator("button.course-playground-neuron-plus").first.click()
    wait_until(lambda: diagram.locator(".node").count() == nodes + 1, message="a fifth hidden neuron")
    expect(root.locator(".course-playground-neurons").first).to_be_visible()

    # A feature toggle: x1² becomes a third input node.
    nodes = diagram.locator(".node").count()
    root.locator(".course-playground-features button", has_text="x₁²").click()
    wait_until(lambda: diagram.locator(".node-input").count() == 3, message="x1² as a third input")
    assert diagram.locator(".node").count() == nodes + 1

    # Step: one epoch, and the output plane changes.
    before = pixels(plane)
    root.locator("button.course-playground-step").click()
    expect(clock).to_have_text("Epoch 1")
    wait_until(lambda: pixels(plane) != before, message="the plane to change after a step")

    # Play: the browser asks for update after update; count the frames that arrive, then pause.
    root.locator("button.course-playground-play").click()
    wait_until(lambda: epoch_of(clock) > 5, timeout=30, message="training to run while playing")
    # A frame has arrived when the clock shows its number, and is painted when the output plane has drawn it.
    def counts():
        return (int(clock.get_attribute("data-frame")), int(plane.get_attribute("data-paints")), time.monotonic(),
                epoch_of(clock))
    frame_0, paint_0, time_0, epoch_0 = counts()
    nb.page.wait_for_timeout(4000)
    frame_1, paint_1, time_1, epoch_1 = counts()
    arrived, painted = (frame_1 - frame_0) / (time_1 - time_0), (paint_1 - paint_0) / (time_1 - time_0)
    rate = min(arrived, painted)
    nb.screenshot("playground_playing", root)
    root.locator("button.course-playground-play").click()       # pause
    expect(root.locator("button.course-playground-play")).to_have_text("Play")
    nb.sync_kernel()
    paused_at = epoch_of(clock)
    nb.page.wait_for_timeout(1000)
    assert epoch_of(clock) == paused_at, "training went on after pause"
    assert epoch_1 > epoch_0 and frame_1 > frame_0
    (screenshot_dir / "playground_rate.json").write_text(json.dumps(
        {"updates_per_s_in_browser": round(rate, 1), "arrived_per_s": round(arrived, 1), "frames": frame_1 - frame_0,
         "painted": paint_1 - paint_0, "seconds": round(time_1 - time_0, 2),
         "epochs": epoch_1 - epoch_0, "network": "3 features -> 5 -> 1 (spiral)",
         "load_average_1_5_15_min": [round(load, 2) for load in os.getloadavg()], "cpus": os.cpu_count()}))
    print(f"\nPlayground in the browser: {rate:.1f} updates/s arrived and painted while playing ({arrived:.1f}/s "
          f"arrived; {paint_1 - paint_0} paints, {frame_1 - frame_0} frames, "
          f"{epoch_1 - epoch_0} epochs in {time_1 - time_0:.1f} s; load average {os.getloadavg()[0]:.2f})")
    assert rate > 5, f"only {rate:.1f} updates per second were painted while playing"

    # Export, then a broken import: the message says why, and nothing changes.
    root.locator("button.course-playground-export-button").click()
    box = root.locator(".course-playground-json textarea")
    wait_until(lambda: '"format": "course_lib.playground"' in box.input_value(), message="the exported JSON")
    exported = json.loads(box.input_value())
    assert exported["epoch"] == paused_at and exported["config"]["dataset"] == "spiral"
    exported["config"]["hidden"] = [5] * 7          # an impossible architecture
    box.fill(json.dumps(exported))
    before = pixels(plane)
    root.locator("button.course-playground-import-button").click()
    expect(message).to_contain_text("Import failed, nothing changed: 7 hidden layers is too many")
    nb.sync_kernel()
    assert epoch_of(clock) == paused_at and pixels(plane) == before
    nb.screenshot("playground_import_refused", root)

    nb.assert_no_errors()
    nb.screenshot("playground_page", None)


def code_cell(nb, source):
    """Index of the code cell whose source is exactly `source` (markdown cells may quote the same code)."""
    return next(cell["index"] for cell in nb.cell_data() if cell["type"] == "code" and cell["source"] == source)


def test_lesson_preset_hides_its_controls(open_notebook, screenshot_dir):
    nb = open_notebook(NOTEBOOK)
    preset_cell = code_cell(nb, 'Playground(preset="lesson_depth")')
    nb.run_cell(nb.find_cell(IMPORTS_CELL), timeout=120)
    nb.run_cell(preset_cell, timeout=120)
    lesson = nb.output(preset_cell).locator(".course-playground")
    expect(lesson).to_be_visible()
    expect(lesson).to_contain_text("At most 8 neurons per layer? Add a layer")
    expect(lesson.locator(".course-playground-features").first).to_be_hidden()
    expect(lesson.locator(".course-playground-regularization")).to_be_hidden()
    expect(lesson.locator(".course-playground-add-layer")).to_be_visible()
    nodes = lesson.locator("svg.course-diagram-svg .node").count()
    lesson.locator("button.course-playground-add-layer").click()
    wait_until(lambda: lesson.locator("svg.course-diagram-svg .node").count() == nodes + 2,
               message="a second hidden layer of 2 neurons")
    # Only two cells ran here: the other cells' stored widget outputs have no live model, which is not an error.
    errors = [error for error in nb.errors() if error.cell_index in (preset_cell, None)]
    assert not errors, "\n".join(map(str, errors))
    nb.screenshot("playground_lesson_depth", lesson)


# ------------------------------------------------------------------------------------------------ accessibility

AXE = REPO_ROOT / "vendor" / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def open_playground(nb):
    """Run only the imports and `playground = Playground()` (a fresh, untrained Playground); its root locator."""
    nb.run_cell(nb.find_cell(IMPORTS_CELL), timeout=120)
    index = code_cell(nb, PLAYGROUND_CELL + "\nplayground")
    nb.run_cell(index, timeout=120)
    root = nb.output(index).locator(".course-playground")
    expect(root.locator("canvas.course-plane-canvas")).to_be_visible()
    expect(root.locator(".course-playground-clock")).to_have_text("Epoch 0")
    return index, root


def active(page):
    """What has the keyboard focus: its tag, CSS classes (its own and its widget's) and accessible text."""
    return page.evaluate("""() => { const e = document.activeElement; const w = e.closest('.jupyter-widgets');
        return {tag: e.tagName, classes: e.className + ' ' + (w ? w.className : ''), text: e.textContent,
                label: e.getAttribute('aria-label') || (e.labels && e.labels[0] ? e.labels[0].textContent : '')}; }""")


def tab_to(page, matches, presses=60):
    """Press Tab until the focused element satisfies `matches(active(page))`; the number of presses."""
    for count in range(1, presses + 1):
        page.keyboard.press("Tab")
        if matches(active(page)):
            return count
    raise AssertionError(f"{presses} presses of Tab never reached the control; focus ended on {active(page)}")


def test_the_playground_plays_from_the_keyboard_alone(open_notebook, screenshot_dir):
    """Tab to play and start it, change the learning rate, add a neuron: keys only (Tab, Space, arrows), no
    mouse; each time the drawing changes, and the drawings' accessible names follow."""
    nb = open_notebook(NOTEBOOK)
    index, root = open_playground(nb)
    page = nb.page
    plane, clock = root.locator("canvas.course-plane-canvas"), root.locator(".course-playground-clock")
    diagram = root.locator("svg.course-diagram-svg")
    # A keyboard user arrives at the Playground (as a screen reader's "next region" would bring them): the focus is
    # put on its first element without a click, and from there on only keys are pressed.
    root.evaluate("element => { element.tabIndex = -1; element.focus(); }")

    presses = tab_to(page, lambda focused: "course-playground-play" in focused["classes"])
    assert presses <= 3, f"play should be the first control; it took {presses} presses of Tab"
    label = plane.get_attribute("aria-label")
    assert label.startswith("Output: test loss"), label
    before = pixels(plane)
    page.keyboard.press("Space")                             # play
    expect(root.locator("button.course-playground-play")).to_have_text("Pause")
    wait_until(lambda: epoch_of(clock) > 10, timeout=60, message="training to run after Space on play")
    wait_until(lambda: pixels(plane) != before, message="the output plane to change while playing")
    wait_until(lambda: plane.get_attribute("aria-label") != label, message="the plane's accessible name to follow")
    page.keyboard.press("Space")                             # pause (the focus stayed on the button)
    expect(root.locator("button.course-playground-play")).to_have_text("Play")
    nb.sync_kernel()

    # The learning rate: Tab to its menu, one choice down with the arrow key.
    tab_to(page, lambda focused: focused["tag"] == "SELECT" and "course-playground-learning_rate" in focused["classes"])
    menu = root.locator(".course-playground-learning_rate select")
    rate = menu.input_value()
    page.keyboard.press("ArrowDown")
    wait_until(lambda: menu.input_value() != rate, message="the learning rate menu to move")
    nb.sync_kernel()
    assert nb.page.evaluate("() => document.activeElement.tagName") == "SELECT", "the arrow key moved the focus away"

    # One neuron more in hidden layer 1: Tab to its + button, Enter; the diagram gets a node, the plane changes.
    nodes, before, name = diagram.locator(".node").count(), pixels(plane), diagram.get_attribute("aria-label")
    tab_to(page, lambda focused: "course-playground-neuron-plus" in focused["classes"])
    page.keyboard.press("Enter")
    wait_until(lambda: diagram.locator(".node").count() == nodes + 1, message="a node more after Enter on +")
    wait_until(lambda: pixels(plane) != before, message="the new network's output plane")
    assert diagram.get_attribute("aria-label") != name
    expect(clock).to_have_text("Epoch 0")
    nb.screenshot("playground_keyboard", root)
    # Only two cells ran: the other cells' stored widget outputs have no live model, which is not an error.
    errors = [error for error in nb.errors() if error.cell_index in (index, None)]
    assert not errors, "\n".join(map(str, errors))


def axe_violations(page, target):
    """axe-core's WCAG 2.0/2.1 A and AA violations inside `target` (a locator): [{id, impact, nodes, help}]."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    handle = target.element_handle()
    return page.evaluate("""async ([element, tags]) => {
        const result = await axe.run(element, {runOnly: {type: 'tag', values: tags}});
        return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length,
                                            targets: v.nodes.slice(0, 3).map(n => n.target.join(' '))})); }""",
                         [handle, AXE_TAGS])


def test_axe_finds_no_serious_or_critical_violation_in_the_playground(open_notebook, screenshot_dir):
    nb = open_notebook(NOTEBOOK)
    index, root = open_playground(nb)
    violations = axe_violations(nb.page, nb.output(index))
    counts = {impact: sum(v["nodes"] for v in violations if v["impact"] == impact)
              for impact in ("critical", "serious", "moderate", "minor")}
    (screenshot_dir / "playground_axe.json").write_text(json.dumps(
        {"tags": AXE_TAGS, "failing_elements_by_impact": counts, "violations": violations}, indent=1))
    print(f"\naxe-core on the Playground's output area: failing elements by impact {counts}")
    for violation in violations:
        print(f"  {violation['impact']}: {violation['id']} ({violation['nodes']}) {violation['targets']}")
    blocking = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert not blocking, json.dumps(blocking, indent=1)

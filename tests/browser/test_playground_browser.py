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

from .jupyterlab import pixels, wait_until

pytestmark = pytest.mark.browser

NOTEBOOK = "solutions/10_playground.ipynb"
PLAYGROUND_CELL = "playground = Playground()"


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
    frame_0, time_0, epoch_0 = int(clock.get_attribute("data-frame")), time.monotonic(), epoch_of(clock)
    nb.page.wait_for_timeout(4000)
    frame_1, time_1, epoch_1 = int(clock.get_attribute("data-frame")), time.monotonic(), epoch_of(clock)
    rate = (frame_1 - frame_0) / (time_1 - time_0)
    nb.screenshot("playground_playing", root)
    root.locator("button.course-playground-play").click()       # pause
    expect(root.locator("button.course-playground-play")).to_have_text("Play")
    nb.sync_kernel()
    paused_at = epoch_of(clock)
    nb.page.wait_for_timeout(1000)
    assert epoch_of(clock) == paused_at, "training went on after pause"
    assert epoch_1 > epoch_0 and frame_1 > frame_0
    (screenshot_dir / "playground_rate.json").write_text(json.dumps(
        {"updates_per_s_in_browser": round(rate, 1), "frames": frame_1 - frame_0, "seconds": round(time_1 - time_0, 2),
         "epochs": epoch_1 - epoch_0, "network": "3 features -> 5 -> 1 (spiral)",
         "load_average_1_5_15_min": [round(load, 2) for load in os.getloadavg()], "cpus": os.cpu_count()}))
    print(f"\nPlayground in the browser: {rate:.1f} updates/s while playing ({frame_1 - frame_0} frames, "
          f"{epoch_1 - epoch_0} epochs in {time_1 - time_0:.1f} s; load average {os.getloadavg()[0]:.2f})")
    assert rate > 5, f"only {rate:.1f} updates per second arrived while playing"

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
    nb.run_cell(nb.find_cell("import matplotlib.pyplot"), timeout=120)
    nb.run_cell(preset_cell, timeout=120)
    lesson = nb.output(preset_cell).locator(".course-playground")
    expect(lesson).to_be_visible()
    expect(lesson).to_contain_text("The spiral needs depth")
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

"""The course widgets in a real JupyterLab: they render, the controls work, and what is drawn changes.

The fixture notebook tests/browser/fixtures/widgets_demo.ipynb shows every widget of course_lib.widgets.
Each test runs the cells it needs, works the controls the way a student does (a click on an edge, the
editor's slider and number box, checkboxes, ipywidgets sliders, the play button, a dropdown) and waits
until the drawing itself changes: the SVG's edge widths, or the pixels of a canvas. Screenshots go to
tests/browser/screenshots/ (not committed).
"""

import pytest
from playwright.sync_api import expect

from .jupyterlab import colours_used, nudge_slider, pixels, type_slider_value, wait_until

pytestmark = pytest.mark.browser

NOTEBOOK = "tests/browser/fixtures/widgets_demo.ipynb"
SETUP = "xor = datasets.load"


def edge_widths(svg):
    return svg.evaluate("s => Array.from(s.querySelectorAll('.edge-line')).map(e => e.getAttribute('stroke-width'))")


def open_and_run(open_notebook, *markers):
    """Open the demo notebook and run the setup cell and the cells containing `markers`."""
    nb = open_notebook(NOTEBOOK)
    for marker in (SETUP, *markers):
        nb.run_cell(nb.find_cell(marker), timeout=120)
    return nb


def test_every_widget_renders(open_notebook, screenshot_dir):
    nb = open_notebook(NOTEBOOK)
    nb.run_all(timeout=240)
    nb.assert_no_errors()

    linked = nb.output(nb.find_cell("# linked views"))
    expect(linked.locator("svg.course-diagram-svg")).to_be_visible()
    assert len(edge_widths(linked.locator("svg.course-diagram-svg"))) == 2 * 4 + 4
    assert linked.locator(".node").count() == 7
    boundary = linked.locator("canvas.course-plane-canvas")
    expect(boundary).to_be_visible()
    assert colours_used(boundary) > 20
    expect(linked.locator(".course-caption").last).to_contain_text("train accuracy")

    gradients = nb.output(nb.find_cell("# gradients"))
    assert gradients.locator("image.node-tile").count() == 7
    assert gradients.locator("text.edge-label[data-kind='grad']").count() == 12

    heatmaps = nb.output(nb.find_cell("# neuron heatmaps"))
    assert heatmaps.locator(".course-tile canvas").count() == 6 + 4 + 1
    matrices = nb.output(nb.find_cell("# weight matrices"))
    assert matrices.locator(".course-tile canvas").count() == 2 + 16
    assert colours_used(matrices.locator(".course-tile canvas").last) > 5

    replay = nb.output(nb.find_cell("# training replay"))
    expect(replay.locator(".widget-play")).to_be_visible()
    expect(replay.locator("canvas.course-line-canvas")).to_be_visible()
    activation = nb.output(nb.find_cell("# activation explorer"))
    assert colours_used(activation.locator("canvas.course-line-canvas")) > 5
    rates = nb.output(nb.find_cell("# learning-rate explorer"))
    assert rates.locator("canvas").count() == 2

    for name, marker in [("diagram_and_boundary", "# linked views"), ("gradients_and_tiles", "# gradients"),
                         ("neuron_heatmaps", "# neuron heatmaps"), ("weight_matrices", "# weight matrices"),
                         ("training_replay", "# training replay"), ("activation_explorer", "# activation explorer"),
                         ("learning_rate_explorer", "# learning-rate explorer")]:
        shot = nb.screenshot(f"widgets_{name}", nb.find_cell(marker), directory=screenshot_dir)
        assert shot.stat().st_size > 5_000
    nb.screenshot("widgets_page", directory=screenshot_dir)


def test_editing_an_edge_redraws_the_diagram_and_the_boundary(open_notebook, screenshot_dir):
    nb = open_and_run(open_notebook, "# linked views", "# a weight slider")
    cell = nb.output(nb.find_cell("# linked views"))
    svg = cell.locator("svg.course-diagram-svg")
    boundary = cell.locator("canvas.course-plane-canvas")
    edge = svg.locator(".edge[data-layer='1'][data-i='0'][data-j='0']")
    width_before = edge.locator(".edge-line").get_attribute("stroke-width")
    picture_before = pixels(boundary)

    edge.locator(".edge-hit").click()
    editor = cell.locator(".course-editor")
    expect(editor).to_be_visible()
    expect(editor.locator(".course-editor-label")).to_have_text("layer 1: weight W[0, 0]")
    expect(svg.locator(".edge.selected")).to_have_count(1)

    # Type a value into the editor's number box...
    number = editor.locator(".course-editor-number")
    number.fill("0.05")      # the weight starts at -0.50: a much smaller size, and the other sign
    number.press("Enter")
    wait_until(lambda: edge.locator(".edge-line").get_attribute("stroke-width") != width_before,
               message="the edited edge to change width")
    assert float(edge.locator(".edge-line").get_attribute("stroke-width")) < float(width_before)   # |-0.50| > 0.05
    wait_until(lambda: pixels(boundary) != picture_before, message="the decision boundary to redraw")
    # ...and the kernel's copy of the weight moved: the linked ipywidgets slider shows it.
    weight_slider = nb.output(nb.find_cell("# a weight slider")).locator(".widget-slider")
    expect(weight_slider.locator(".widget-readout")).to_have_text("0.05")
    expect(edge.locator(".edge-line")).to_have_attribute("stroke", "#0072B2")     # positive: blue

    # ...then drag the editor's slider to its far left end with the keyboard: a negative weight, dashed orange.
    picture_positive = pixels(boundary)
    editor.locator(".course-editor-range").focus()
    editor.locator(".course-editor-range").press("Home")
    expect(edge.locator(".edge-line")).to_have_attribute("stroke", "#E66100")
    assert edge.locator(".edge-line").get_attribute("stroke-dasharray")
    wait_until(lambda: pixels(boundary) != picture_positive, message="the boundary to redraw again")
    nb.sync_kernel()
    nb.assert_no_errors()
    nb.screenshot("widgets_edited_edge", nb.find_cell("# linked views"), directory=screenshot_dir)


def test_boundary_checkboxes_clicks_and_the_weight_slider(open_notebook):
    nb = open_and_run(open_notebook, "# linked views", "# a weight slider")
    cell = nb.output(nb.find_cell("# linked views"))
    svg = cell.locator("svg.course-diagram-svg")
    boundary = cell.locator("canvas.course-plane-canvas")

    smooth = pixels(boundary)
    smooth_colours = colours_used(boundary)
    cell.locator("input[data-trait='discretize']").check()
    wait_until(lambda: pixels(boundary) != smooth, message="the discretized boundary")
    assert colours_used(boundary) < smooth_colours

    # A click on the plane pushes that point through the diagram: the input nodes show new values.
    inputs_before = svg.locator(".node-input .node-value").all_text_contents()
    box = boundary.bounding_box()
    boundary.click(position={"x": box["width"] * 0.8, "y": box["height"] * 0.2})
    wait_until(lambda: svg.locator(".node-input .node-value").all_text_contents() != inputs_before,
               message="the diagram's input values to follow the click")

    # The ipywidgets slider tied to W1[0, 0] changes that edge in the diagram.
    edge = svg.locator(".edge[data-layer='1'][data-i='0'][data-j='0'] .edge-line")
    width_before = edge.get_attribute("stroke-width")
    slider = nb.output(nb.find_cell("# a weight slider")).locator(".widget-slider")
    type_slider_value(slider, 0.05)
    wait_until(lambda: edge.get_attribute("stroke-width") != width_before, message="the edge to thin out")
    assert float(edge.get_attribute("stroke-width")) < float(width_before)
    nb.sync_kernel()
    nb.assert_no_errors()


def test_training_replay_slider_and_play_move_every_view(open_notebook, screenshot_dir):
    nb = open_and_run(open_notebook, "# training replay")
    index = nb.find_cell("# training replay")
    cell = nb.output(index)
    label = cell.locator(".widget-html").first
    expect(label).to_contain_text("epoch 0")
    loss = cell.locator("canvas.course-line-canvas")
    boundary = cell.locator("canvas.course-plane-canvas")
    tiles = cell.locator(".node-hidden image.node-tile").first
    before = (pixels(loss), pixels(boundary), tiles.get_attribute("href"))

    nudge_slider(cell.locator(".widget-slider"), 3)
    expect(label).to_contain_text("epoch 30 · train loss")
    wait_until(lambda: pixels(loss) != before[0], message="the loss marker to move")
    wait_until(lambda: pixels(boundary) != before[1], message="the boundary to show epoch 30")
    wait_until(lambda: tiles.get_attribute("href") != before[2], message="the neuron tiles to show epoch 30")

    cell.locator(".widget-play button").first.click()        # play
    expect(label).to_contain_text("epoch 120", timeout=30_000)
    nb.sync_kernel()
    nb.assert_no_errors()
    nb.screenshot("widgets_replay_played", index, directory=screenshot_dir)


def test_explorers_answer_their_controls(open_notebook, screenshot_dir):
    nb = open_and_run(open_notebook, "# activation explorer", "# learning-rate explorer")
    activation = nb.output(nb.find_cell("# activation explorer"))
    plot = activation.locator("canvas.course-line-canvas")
    before = pixels(plot)
    activation.locator("select").first.select_option("sigmoid")
    expect(activation.locator(".widget-html")).to_contain_text("sigmoid(1.00) = 0.731")
    wait_until(lambda: pixels(plot) != before, message="the sigmoid curve")

    rates = nb.output(nb.find_cell("# learning-rate explorer"))
    landscape = rates.locator("canvas.course-plane-canvas")
    path_before = pixels(landscape)
    type_slider_value(rates.locator(".widget-slider").first, 0.3)
    expect(rates.locator(".widget-html").last).to_contain_text("Diverged")
    wait_until(lambda: pixels(landscape) != path_before, message="the descent path to change")
    nb.sync_kernel()
    nb.assert_no_errors()
    nb.screenshot("widgets_learning_rate_diverged", nb.find_cell("# learning-rate explorer"),
                  directory=screenshot_dir)


def test_static_html_export_draws_the_widgets(chromium, tmp_path, screenshot_dir):
    """The exported HTML of an executed notebook draws the widgets from the saved state.

    An exported page loads require.js, @jupyter-widgets/html-manager and anywidget's front end from CDNs.
    This machine has no network, so the test serves local copies: those that `make install` puts in
    vendor/node_modules (tools.publish.vendor_dir()), or, when COURSE_WIDGET_CDN_DIR is set, require.js,
    embed-amd.js and anywidget.js from that folder. Without either it is skipped (it fails under
    COURSE_REQUIRE_VENDOR=1, as in CI).
    """
    import os
    from pathlib import Path

    import nbformat
    from nbclient import NotebookClient
    from nbconvert import HTMLExporter

    from tools.publish import vendor_dir

    cdn = os.environ.get("COURSE_WIDGET_CDN_DIR")
    if cdn:
        files = {key: Path(cdn) / name for key, name in
                 {"require": "require.js", "html-manager": "embed-amd.js", "anywidget": "anywidget.js"}.items()}
    else:
        files = {key: vendor_dir() / name for key, name in
                 {"require": "requirejs/require.js", "html-manager": "@jupyter-widgets/html-manager/dist/embed-amd.js",
                  "anywidget": "anywidget/dist/index.js"}.items()}
    missing = [str(path) for path in files.values() if not path.is_file()]
    if missing:
        message = f"no local copies of {', '.join(missing)}: run `make install` (npm) or set COURSE_WIDGET_CDN_DIR"
        if os.environ.get("COURSE_REQUIRE_VENDOR"):
            pytest.fail(message)
        pytest.skip(message)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "from course_lib import datasets, init_mlp, widgets\n"
        "params = init_mlp([2, 4, 1], seed=0)\n"
        "data = datasets.load('xor', n=100, seed=0)\n"
        "widgets.side_by_side(widgets.NetworkDiagram(params, activation='tanh', x=data.x_train[0]),\n"
        "                     widgets.DecisionBoundary(params, data, activation='tanh'))")])
    NotebookClient(nb, timeout=120, kernel_name="python3", store_widget_state=True,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    page_file = tmp_path / "export.html"
    page_file.write_text(HTMLExporter(template_name="lab").from_notebook_node(nb)[0])

    def serve(route):
        url = route.request.url
        if url.startswith("file://"):
            return route.continue_()
        for key, name in files.items():
            if key in url and url.endswith(".js"):
                return route.fulfill(path=str(name), content_type="application/javascript")
        return route.abort()

    page = chromium.new_page()
    try:
        page.route("**/*", serve)
        page.goto(page_file.as_uri())
        expect(page.locator("svg.course-diagram-svg .edge-line")).to_have_count(2 * 4 + 4, timeout=30_000)
        canvas = page.locator("canvas.course-plane-canvas")
        expect(canvas).to_be_visible()
        wait_until(lambda: colours_used(canvas) > 20, message="the boundary drawn from the saved state")
        page.screenshot(path=str(Path(screenshot_dir) / "widgets_static_html_export.png"))
    finally:
        page.close()

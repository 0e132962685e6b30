"""JupyterLab in a real browser: a notebook runs, its widgets render and answer the user.

The fixture notebook builds an IntSlider, an HTML text that follows it and a
figure in an Output widget that is redrawn on every change, plus a static
matplotlib figure. If the ipywidgets front end (jupyterlab_widgets) were
missing or broken, the slider would not appear or moving it would change
nothing, and this test would fail.
"""

import pytest
from playwright.sync_api import expect

from .jupyterlab import nudge_slider, type_slider_value

pytestmark = pytest.mark.browser

NOTEBOOK = "tests/browser/fixtures/widget_smoke.ipynb"


def test_widgets_and_figures_render_and_react(open_notebook, screenshot_dir):
    nb = open_notebook(NOTEBOOK)
    nb.run_all()
    nb.assert_no_errors()

    static_figure = nb.output(nb.find_cell("A static figure")).locator("img")
    expect(static_figure).to_be_visible()
    assert static_figure.evaluate("img => img.naturalWidth") > 100

    widget_cell = nb.cell_with_text("widgets.IntSlider")
    slider = widget_cell.locator(".widget-slider")
    readout = widget_cell.locator(".widget-html")
    figure = widget_cell.locator(".widget-output img")
    expect(slider).to_be_visible()
    expect(readout).to_have_text("frequency is 3, its square is 9")
    expect(figure).to_be_visible()
    first_figure = figure.get_attribute("src")

    # The keyboard path: two steps to the right.
    nudge_slider(slider, 2)
    expect(slider.locator(".widget-readout")).to_have_text("5")
    expect(readout).to_have_text("frequency is 5, its square is 25")
    # The kernel redrew the figure: the image itself is a new one.
    expect(figure).not_to_have_attribute("src", first_figure)

    # The typing path: a value entered in the slider's readout.
    type_slider_value(slider, 8)
    expect(readout).to_have_text("frequency is 8, its square is 64")

    nb.wait_until_executed()
    nb.assert_no_errors()
    shot = nb.screenshot("smoke_widget_cell", widget_cell, directory=screenshot_dir)
    assert shot.stat().st_size > 10_000
    nb.screenshot("smoke_page", directory=screenshot_dir)


def test_harness_reports_errors_and_answers_the_kernel_dialog(open_notebook):
    """The error checks the other browser tests rely on do find errors."""
    # This notebook has no kernel metadata, so JupyterLab asks for a kernel first.
    nb = open_notebook("tests/browser/fixtures/errors_on_purpose.ipynb")
    assert nb.kernel_state()["name"] == "python3"
    nb.run_all()

    errors = nb.errors()
    assert [(e.cell_index, e.kind) for e in errors] == [(2, "stderr"), (4, "error")], errors
    assert "ZeroDivisionError" in errors[0].text
    assert errors[1].text == "ValueError: raised on purpose"
    with pytest.raises(AssertionError, match="raised on purpose"):
        nb.assert_no_errors()
    counts = [cell["executionCount"] for cell in nb.cell_data()]
    assert counts[1:5] == [1, 2, 3, 4] and counts[5] is None, counts
    assert nb.busy_cells() == []

    nb.run_cell(5)  # the cell after the exception, alone
    assert nb.cell_data()[5]["outputs"][0]["text"].startswith("never runs")
    assert nb.cell_data()[5]["executionCount"] == 5

    # Exceptions in widget callbacks: one shown in an Output widget, one sent to the log console.
    shown, logged = (nb.cell(3).locator(".widget-slider").nth(i) for i in range(2))
    nudge_slider(shown, 1)
    expect(nb.output(3).locator(".widget-output")).to_contain_text("callback failed in an Output widget")
    nudge_slider(logged, 1)
    nb.sync_kernel()  # nothing visible changes in the notebook: wait for the kernel instead
    new_errors = [e for e in nb.errors() if e not in errors]
    assert [(e.cell_index, e.kind) for e in new_errors] == [(3, "stderr"), (None, "log")], new_errors
    assert "callback failed in an Output widget" in new_errors[0].text
    assert "callback failed, message sent to the log console" in new_errors[1].text

"""course_lib.figures: a figure shown with its text alternative (taught from notebook 01 on)."""
import base64
import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from course_lib.figures import check_alt, figure_bundle, show_figure  # noqa: E402


@pytest.fixture
def fig():
    figure, ax = plt.subplots(figsize=(2, 1.5))
    ax.plot([0, 1, 2], [1.0, 0.5, 0.25])
    yield figure
    plt.close(figure)


def test_the_bundle_is_an_image_with_its_alt_and_the_alt_as_text(fig):
    data, metadata = figure_bundle(fig, 'A line "falling" from 1 to 0.25 & flat.')
    assert set(data) == {"text/html", "text/plain"}
    assert data["text/plain"] == '[figure] A line "falling" from 1 to 0.25 & flat.'
    assert 'alt="A line &quot;falling&quot; from 1 to 0.25 &amp; flat."' in data["text/html"]
    png = re.search(r'src="data:image/png;base64,([^"]+)"', data["text/html"]).group(1)
    assert base64.b64decode(png).startswith(b"\x89PNG")
    assert metadata == {"alt": 'A line "falling" from 1 to 0.25 & flat.'}


@pytest.mark.parametrize("alt", [None, 3, "", "   ", "plot", "A figure.", "Loss curve here"])
def test_an_alt_that_says_nothing_is_refused_with_how_to_write_one(alt):
    with pytest.raises(ValueError, match=r"show_figure\(fig, alt="):
        check_alt(alt)


def test_the_alt_is_stripped_to_one_line():
    assert check_alt("  The loss\n falls   fast now. ") == "The loss falls fast now."


def test_show_figure_displays_the_bundle_and_closes_the_figure(fig, monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda data, **kwargs: shown.append((data, kwargs)))
    show_figure(fig, alt="A line falling from 1 to 0.25.")
    (data, kwargs), = shown
    assert kwargs == {"raw": True, "metadata": {"text/html": {"alt": "A line falling from 1 to 0.25."}}}
    assert not plt.fignum_exists(fig.number)

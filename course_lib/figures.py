"""Figures that say what they show: a matplotlib figure with a text alternative.

A reader who cannot see a figure (a screen-reader user, a low-vision student, anyone on a text-only view of the
notebook) gets nothing from a picture without words. So every figure in the course is shown with one sentence or
two that say what it shows, the way an `<img alt="...">` does on the web:

>>> import matplotlib.pyplot as plt
>>> from course_lib.figures import show_figure
>>> fig, ax = plt.subplots()
>>> _ = ax.plot([0, 1, 2], [1.0, 0.5, 0.25])
>>> show_figure(fig, alt="A line falling from 1 at step 0 to 0.25 at step 2.")    # doctest: +SKIP

The figure appears as usual. JupyterLab, the course site and the slides draw it as an image whose text
alternative is `alt`, and a plain-text view of the notebook shows the sentence itself. Write what a reader needs
from the figure, not how it looks: the trend, the numbers that matter, what to notice ("The loss falls from 2.3
to 0.1 in 40 epochs and stays flat"), not "a blue line".

Why not plain `plt.show()`: JupyterLab draws a bare PNG output as an `<img>` with no text alternative at all.
An HTML output `<img alt=...>` is one it draws with the text (it prefers HTML to PNG), and nbconvert, which builds
the site and the slides, does the same. Used from notebook 00 on (its section 4 says why); the convention is in the course
standard and docs/architecture.md, and tests/test_notebooks_standard.py fails on a course figure without it.
"""
import base64
import html
import io

# Too short or too vague to tell a reader anything: what a text alternative must not be.
MIN_WORDS = 4
GENERIC = {"figure", "image", "plot", "chart", "graph", "picture", "a figure", "a plot", "an image"}


def check_alt(alt):
    """The text alternative, stripped; a ValueError that says how to write one if `alt` cannot serve.

    >>> check_alt("  The loss falls from 2.3 to 0.1.  ")
    'The loss falls from 2.3 to 0.1.'
    """
    example = 'e.g. show_figure(fig, alt="The training loss falls from 2.3 to 0.1 in 40 epochs.")'
    if not isinstance(alt, str):
        raise ValueError(f"show_figure needs alt=: a sentence saying what the figure shows ({example}); "
                         f"got {type(alt).__name__}")
    alt = " ".join(alt.split())
    if alt.lower().rstrip(".") in GENERIC or len(alt.split()) < MIN_WORDS:
        raise ValueError(f"alt={alt!r} does not say what the figure shows: write at least {MIN_WORDS} words "
                         f"about what a reader should see ({example})")
    return alt


def figure_png(fig):
    """The figure as PNG bytes, drawn the way the notebook's inline backend draws it (tight bounding box)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight")
    return buffer.getvalue()


def figure_bundle(fig, alt):
    """What `show_figure` sends to the notebook: an HTML image with its text alternative, and the text itself.

    The PNG travels inside the HTML (as a data: URL), so it is stored once. `text/plain` is what a text-only
    view shows, and what nbval compares.
    """
    alt = check_alt(alt)
    png = base64.b64encode(figure_png(fig)).decode("ascii")
    image = (f'<img src="data:image/png;base64,{png}" alt="{html.escape(alt, quote=True)}" '
             f'class="course-figure" style="max-width: 100%">')
    return {"text/html": image, "text/plain": f"[figure] {alt}"}, {"alt": alt}


def show_figure(fig=None, alt=None):
    """Show `fig` (default: the current figure) in the notebook with `alt` as its text alternative, and close it.

    `alt` is required: one or two sentences, at least four words, saying what the figure shows.
    """
    import matplotlib.pyplot as plt
    from IPython.display import display

    fig = plt.gcf() if fig is None else fig
    data, metadata = figure_bundle(fig, alt)
    display(data, raw=True, metadata={"text/html": metadata})
    plt.close(fig)        # shown once: the inline backend would otherwise draw it again at the end of the cell

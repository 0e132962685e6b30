"""Presentation mode: figures and widgets that read from the back of a room with a projector.

One switch changes both: matplotlib gets large fonts, thick lines and a high-contrast, colour-blind-safe colour
cycle (Okabe–Ito, with a different line style for each colour so lines stay apart when a projector washes the
colours out), and the course's widgets get the PRESENTATION style (bigger text, thicker edges and nodes,
black text: course_lib.widgets.style.get_style() asks `is_on()`). `off()` puts back exactly what was there before.

>>> import matplotlib
>>> from course_lib import presentation
>>> size = matplotlib.rcParams["font.size"]
>>> presentation.on()
>>> matplotlib.rcParams["font.size"], presentation.is_on()
(16.0, True)
>>> presentation.off()
>>> matplotlib.rcParams["font.size"] == size, presentation.is_on()
(True, False)

Only for some cells:

>>> with presentation.mode():
...     pass        # figures and widgets made here are projector-sized

Figures and widgets made *after* the switch follow it; re-run a cell to redraw one made before.

From the shell: start JupyterLab with the environment variable COURSE_PRESENTATION=1 (`COURSE_PRESENTATION=1 make
lab`). Presentation mode then switches on the first time this module is imported (course_lib.widgets imports it,
and so does every notebook's first code cell when the variable is set).

State: matplotlib's own rcParams, and one flag, `is_on()`, which holds the rcParams values that `off()` restores.
This module does not import the widgets; the widgets' style module reads the flag.
"""
import contextlib
import os

ENV_VAR = "COURSE_PRESENTATION"

# Okabe & Ito's palette without its yellow (too pale on a white screen), darkest colours first.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#000000", "#E69F00", "#56B4E9")
LINE_STYLES = ("-", "--", "-.", ":", "-", "--", "-.")

# What presentation mode changes in matplotlib.rcParams (the axes.prop_cycle is added by `_rc`).
RC = {
    "font.size": 16.0,
    "axes.titlesize": 19.0,
    "axes.labelsize": 17.0,
    "xtick.labelsize": 14.0,
    "ytick.labelsize": 14.0,
    "legend.fontsize": 14.0,
    "figure.titlesize": 20.0,
    "lines.linewidth": 3.0,
    "lines.markersize": 9.0,
    "axes.linewidth": 1.8,
    "grid.linewidth": 1.2,
    "patch.linewidth": 1.5,
    "xtick.major.width": 1.8,
    "ytick.major.width": 1.8,
    "xtick.major.size": 6.0,
    "ytick.major.size": 6.0,
    "text.color": "black",
    "axes.labelcolor": "black",
    "axes.edgecolor": "black",
    "xtick.color": "black",
    "ytick.color": "black",
    "legend.framealpha": 1.0,
}

# What `off()` restores: None while presentation mode is off, else the rcParams values that `on()` replaced.
# This is the module's one flag.
_saved = None


def _rc():
    from cycler import cycler

    return {**RC, "axes.prop_cycle": cycler(color=list(PALETTE), linestyle=list(LINE_STYLES))}


def is_on():
    """True while presentation mode is on."""
    return _saved is not None


def on():
    """Switch presentation mode on (for figures and widgets made from now on). Doing it twice is harmless."""
    global _saved
    if _saved is not None:
        return
    import matplotlib

    changes = _rc()
    before = {key: matplotlib.rcParams[key] for key in changes}
    matplotlib.rcParams.update(changes)
    _saved = before


def off():
    """Switch presentation mode off: rcParams and the widget style become exactly what they were before `on()`."""
    global _saved
    if _saved is None:
        return
    import matplotlib

    matplotlib.rcParams.update(_saved)
    _saved = None


@contextlib.contextmanager
def mode(enabled=True):
    """`with presentation.mode(): ...` presents inside the block and restores what was there after it
    (`mode(False)` turns it off inside the block instead)."""
    was_on = is_on()
    (on if enabled else off)()
    try:
        yield
    finally:
        if was_on and not enabled:
            on()
        elif not was_on and enabled:
            off()


def requested(environ=None):
    """True when the environment asks for presentation mode: COURSE_PRESENTATION is 1, true, yes or on."""
    return str((os.environ if environ is None else environ).get(ENV_VAR, "")).strip().lower() in (
        "1", "true", "yes", "on")


if requested():
    on()

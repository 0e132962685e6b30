"""Presentation mode (course_lib.presentation): on changes matplotlib and the widgets, off restores exactly."""
import os
import subprocess
import sys

import matplotlib
import pytest

from course_lib import presentation
from course_lib.widgets import style
from course_lib.widgets.style import DEFAULT, PRESENTATION, get_style


@pytest.fixture(autouse=True)
def presentation_off():
    """Every test starts and ends with presentation mode off and the default widget style."""
    presentation.off()
    previous = style.use_style(DEFAULT)
    yield
    presentation.off()
    style.use_style(previous)


def test_on_changes_figures_and_widgets():
    presentation.on()
    assert presentation.is_on()
    rc = matplotlib.rcParams
    assert rc["font.size"] >= 14 and rc["axes.labelsize"] >= 16 and rc["lines.linewidth"] >= 2.5
    colours = [entry["color"] for entry in rc["axes.prop_cycle"]]
    assert colours[:3] == ["#0072B2", "#D55E00", "#009E73"]                # Okabe–Ito, darkest first
    assert "#F0E442" not in colours                                        # no pale yellow on a white screen
    assert len({entry["linestyle"] for entry in rc["axes.prop_cycle"]}) > 1  # lines differ by more than colour
    assert get_style() is PRESENTATION
    assert PRESENTATION.font_size > DEFAULT.font_size and PRESENTATION.line_scale > 1
    assert PRESENTATION.text == "#000000"


def test_off_restores_exactly_what_was_there():
    original = matplotlib.rcParams["lines.linewidth"]
    matplotlib.rcParams["lines.linewidth"] = 1.234        # a user's own setting, kept through on/off
    custom = DEFAULT.replace(font_size=13)
    style.use_style(custom)
    before = dict(matplotlib.rcParams)
    presentation.on()
    assert dict(matplotlib.rcParams) != before
    presentation.off()
    assert dict(matplotlib.rcParams) == before
    assert get_style() is custom
    assert not presentation.is_on()
    matplotlib.rcParams["lines.linewidth"] = original


def test_on_twice_then_off_once_restores_and_off_when_off_is_harmless():
    before = dict(matplotlib.rcParams)
    presentation.off()
    presentation.on()
    presentation.on()
    presentation.off()
    assert dict(matplotlib.rcParams) == before and get_style() is DEFAULT


def test_context_manager_restores_even_after_an_error():
    before = dict(matplotlib.rcParams)
    with pytest.raises(RuntimeError):
        with presentation.mode():
            assert presentation.is_on() and get_style() is PRESENTATION
            raise RuntimeError("a failing cell")
    assert dict(matplotlib.rcParams) == before and not presentation.is_on() and get_style() is DEFAULT
    presentation.on()
    with presentation.mode(False):
        assert not presentation.is_on()
    assert presentation.is_on()


def test_widgets_made_in_presentation_mode_draw_bigger():
    from course_lib import init_mlp
    from course_lib.widgets import NetworkDiagram

    params = init_mlp([2, 3, 1], seed=0)
    small = NetworkDiagram(params)
    with presentation.mode():
        big = NetworkDiagram(params)
    assert big.scene["style"]["font_size"] == PRESENTATION.font_size > small.scene["style"]["font_size"]


def test_a_figure_drawn_in_presentation_mode_has_the_big_settings():
    import matplotlib.pyplot as plt

    with presentation.mode():
        fig, ax = plt.subplots()
        (line,) = ax.plot([0, 1], [0, 1])
        label = ax.set_xlabel("x")
    assert line.get_linewidth() == presentation.RC["lines.linewidth"]
    assert line.get_color() == "#0072B2"
    assert label.get_fontsize() == presentation.RC["axes.labelsize"]
    plt.close(fig)


@pytest.mark.parametrize("value, expected", [("1", True), ("yes", True), ("on", True), ("0", False), ("", False)])
def test_environment_variable_values(value, expected):
    assert presentation.requested({"COURSE_PRESENTATION": value}) is expected
    assert presentation.requested({}) is False


@pytest.mark.parametrize("first_import", ["course_lib.presentation", "course_lib.widgets.style"])
def test_environment_variable_switches_it_on_at_import(first_import):
    """With COURSE_PRESENTATION=1, importing either module first turns on both figures and widgets; off restores."""
    code = (f"import {first_import}, matplotlib\n"
            "from course_lib import presentation\n"
            "from course_lib.widgets.style import get_style\n"
            "print(presentation.is_on(), get_style().name, matplotlib.rcParams['font.size'])\n"
            "presentation.off()\n"
            "print(presentation.is_on(), get_style().name, matplotlib.rcParams['font.size'])\n")
    env = dict(os.environ, COURSE_PRESENTATION="1", MPLBACKEND="Agg")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert out.split("\n")[:2] == ["True presentation 16.0", "False default 10.0"]

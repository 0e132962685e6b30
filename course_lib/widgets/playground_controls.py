"""The Playground's controls of one setting each, as one table (CONTROL_TABLE): the view makes, wires, names and
syncs every control from it (course_lib.widgets.playground.Playground).
"""
from dataclasses import dataclass
from typing import Callable, Optional

import html

import ipywidgets

from course_lib.playground import (DATASETS, FEATURE_LABELS, FEATURES, LEARNING_RATES, MAX_HIDDEN_LAYERS,
                                   PLAYGROUND_ACTIVATIONS, REGULARIZATION_RATES)
from course_lib.optimizers import OPTIMIZERS

DATASET_LABELS = {"circles": "Circle", "xor": "XOR", "gaussians": "Gaussian", "spiral": "Spiral", "moons": "Moons",
                  "regression_plane": "Plane", "regression_gaussians": "Two bumps"}
EPOCHS_PER_UPDATE = (1, 2, 5, 10, 20)
SECTION = "<div style='font-weight:600;letter-spacing:0.06em;font-size:0.85em;margin:6px 0 2px 0'>{}</div>"


def layout(**kwargs):
    return ipywidgets.Layout(**kwargs)


def _menu(description, width, options=()):
    return lambda: ipywidgets.Dropdown(description=description, options=list(options),
                                       style={"description_width": "initial"}, layout=layout(width=width))


def _slider(kind, description, low, high, step, readout):
    return lambda: kind(description=description, min=low, max=high, step=step, continuous_update=False,
                        readout_format=readout, style={"description_width": "initial"},
                        layout=layout(width="250px"))


def _with_value(choices, value):
    """(label, value) options for a menu of numbers, with `value` added where it is not one of the choices."""
    return [(f"{number:g}", number) for number in sorted(set(choices) | {value})]


@dataclass(frozen=True)
class Control:
    """One control that shows a setting: its name (in CONTROLS, and its CSS class course-playground-<name>), the
    attribute of the Playground that holds it, how to make the widget, and the conversion both ways: `shown`
    (the Playground -> the widget's value), `options` (the Playground -> the menu's choices, or None when they
    never change) and `apply` (the Playground and the widget's new value -> the settings to set, or None)."""
    name: str
    attribute: str
    make: Callable
    shown: Callable
    apply: Callable
    options: Optional[Callable] = None


def _all_activations(playground):
    same = set(playground.config.activations)
    first = playground.config.activations[0] if playground.config.activations else None
    return first if len(same) == 1 and first in PLAYGROUND_ACTIVATIONS else "mixed"


# The controls of one setting each, one row per control: everything the Playground does with them reads this table.
CONTROL_TABLE = (
    Control("task", "task_menu", _menu("Problem", "200px", [("Classification", "classification"),
                                                              ("Regression", "regression")]),
            shown=lambda p: p.config.task, apply=lambda p, v: {"task": v}),
    Control("dataset", "dataset_menu", _menu("Data", "200px"), shown=lambda p: p.config.dataset,
            apply=lambda p, v: {"dataset": v},
            options=lambda p: [(DATASET_LABELS[name], name) for name in DATASETS[p.config.task]]),
    Control("noise", "noise_slider", _slider(ipywidgets.FloatSlider, "Noise", 0.0, 0.5, 0.05, ".2f"),
            shown=lambda p: min(p.config.noise, 0.5), apply=lambda p, v: {"noise": v}),
    Control("train_fraction", "train_fraction_slider",
            _slider(ipywidgets.FloatSlider, "Training", 0.1, 0.9, 0.1, ".0%"),
            shown=lambda p: p.config.train_fraction, apply=lambda p, v: {"train_fraction": v}),
    Control("batch_size", "batch_size_slider", _slider(ipywidgets.IntSlider, "Batch size", 1, 30, 1, "d"),
            shown=lambda p: min(p.config.batch_size, 30), apply=lambda p, v: {"batch_size": v}),
    Control("learning_rate", "learning_rate_menu", _menu("Learning rate", "170px"),
            shown=lambda p: p.config.learning_rate, apply=lambda p, v: {"learning_rate": v},
            options=lambda p: _with_value(LEARNING_RATES, p.config.learning_rate)),
    Control("activation", "activation_menu",
            _menu("Activation", "190px", [("(per layer)", "mixed")] + [(a, a) for a in PLAYGROUND_ACTIVATIONS]),
            shown=_all_activations, apply=lambda p, v: None if v == "mixed" else {"activations": v}),
    Control("regularization", "regularization_menu",
            _menu("Regularization", "180px", [("None", "none"), ("L1", "l1"), ("L2", "l2")]),
            shown=lambda p: p.config.regularization, apply=lambda p, v: {"regularization": v}),
    Control("regularization_rate", "regularization_rate_menu", _menu("Rate", "110px"),
            shown=lambda p: p.config.regularization_rate, apply=lambda p, v: {"regularization_rate": v},
            options=lambda p: _with_value(REGULARIZATION_RATES, p.config.regularization_rate)),
    Control("optimizer", "optimizer_menu", _menu("Optimizer", "160px", [(name, name) for name in OPTIMIZERS]),
            shown=lambda p: p.config.optimizer, apply=lambda p, v: {"optimizer": v}),
    Control("speed", "speed_menu", _menu("Epochs per update", "170px", [(str(n), n) for n in EPOCHS_PER_UPDATE]),
            shown=lambda p: p.epochs_per_update, apply=lambda p, v: setattr(p, "epochs_per_update", v)),
)



# The buttons of one action each: (name, label, tooltip, width, the Playground's method a click calls, options).
BUTTONS = (
    ("play", "Play", "train continuously", "96px", "_play_or_pause", {"icon": "play", "button_style": "primary"}),
    ("step", "Step", "train one epoch", "64px", "step", {}),
    ("reset", "Reset", "the starting weights again, epoch 0", "64px", "reset", {}),
    ("regenerate", "Regenerate", "new random points", "110px", "regenerate", {}),
)


def button(description, tooltip, width, css=None, **options):
    """A button (`width`: a CSS width, or a Layout to share); a symbol-only one ("+") is named by its tooltip for
    screen readers (see playground_clock.js). `css`: its class is course-playground-<css>."""
    shared = width if isinstance(width, ipywidgets.Layout) else layout(width=width)
    widget = ipywidgets.Button(description=description, tooltip=tooltip, layout=shared, **options)
    if css:
        widget.add_class(f"course-playground-{css}")
    return widget


def feature_toggles():
    """One toggle per feature, {name: ToggleButton}. They share one Layout (hidden together: fewer models)."""
    shared = layout(width="76px")
    return {name: ipywidgets.ToggleButton(description=FEATURE_LABELS[name], tooltip=f"use {name} as an input",
                                          layout=shared) for name in FEATURES}


def layer_rows():
    """Per possible hidden layer: its label, − and + (one neuron fewer / more) and its activation menu, in a row."""
    neuron_layout, activation_layout = layout(width="34px"), layout(width="90px")
    rows = []
    for k in range(MAX_HIDDEN_LAYERS):
        row = {"label": ipywidgets.HTML(layout=layout(width="130px")),
               "minus": button("−", f"one neuron fewer in layer {k + 1}", neuron_layout, "neuron-minus"),
               "plus": button("+", f"one neuron more in layer {k + 1}", neuron_layout, "neuron-plus"),
               # Its name is for screen readers (the row's label says which layer): a label of no width.
               "activation": ipywidgets.Dropdown(options=PLAYGROUND_ACTIVATIONS, value="tanh",
                                                 description=f"activation of hidden layer {k + 1}",
                                                 style={"description_width": "0px"}, layout=activation_layout)}
        row["activation"].add_class("course-playground-layer-activation")
        row["row"] = ipywidgets.HBox([row["label"], row["minus"], row["plus"], row["activation"]],
                                     layout=layout(align_items="center"))
        rows.append(row)
    return rows


def lesson_html(title, text):
    if not title and not text:
        return ""
    return (f"<div style='border-left:4px solid #0072B2;padding:2px 10px;margin-bottom:4px'>"
            f"<b>{title}</b><br>{text}</div>")


def message_html(text, error=False):
    """The message line: a problem (an alert, marked ⚠ besides its colour) or a notice (a status)."""
    if not text:
        return ""
    colour = "#D55E00" if error else "#0072B2"
    return (f"<div role='{'alert' if error else 'status'}' style='border-left:4px solid {colour};"
            f"padding:2px 8px'>{'⚠ ' if error else ''}{html.escape(text)}</div>")


# A visible focus for every control of the Playground (ipywidgets' own is a faint 1-pixel border on some).
FOCUS_CSS = """
.course-playground button:focus-visible, .course-playground select:focus-visible,
.course-playground textarea:focus-visible, .course-playground input:focus-visible,
.course-playground .noUi-handle:focus-visible {
  outline: 3px solid #0072B2;
  outline-offset: 1px;
}
"""


__all__ = ["Control", "CONTROL_TABLE", "BUTTONS", "DATASET_LABELS", "EPOCHS_PER_UPDATE", "button", "feature_toggles",
           "layer_rows", "lesson_html", "message_html"]

"""The Playground's controls of one setting each, as one table (CONTROL_TABLE): the view makes, wires, names and
syncs every control from it (course_lib.widgets.playground.Playground).
"""
from dataclasses import dataclass
from typing import Callable, Optional

import ipywidgets

from course_lib.playground import DATASETS, LEARNING_RATES, PLAYGROUND_ACTIVATIONS, REGULARIZATION_RATES
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




__all__ = ["Control", "CONTROL_TABLE", "DATASET_LABELS", "EPOCHS_PER_UPDATE"]

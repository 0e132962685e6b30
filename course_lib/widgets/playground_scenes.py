"""What the Playground draws, as pure functions of its state (no widgets): the network diagram with a tile per
node over the input plane (`playground_diagram`), the output plane with the points (`playground_plane`), the loss
curves (`loss_curves`). The views of course_lib.widgets.playground send these to diagram.js, plane.js and
lineplot.js.
"""
import math

import numpy as np

from course_lib.playground import FEATURE_LABELS, make_features
from course_lib.widgets._base import all_finite, fmt
from course_lib.widgets.boundary import as_plane_data, boundary_picture
from course_lib.widgets.diagram import default_size, diagram_layout
from course_lib.widgets.planes import check_extent, layer_grids
from course_lib.widgets.style import get_style

MIN_HALF_EXTENT = 3.6          # the plane shown is at least [-3.6, 3.6]² (the data sets fill about [-3, 3]²)
DIAGRAM_MAX_WIDTH = 540
CURVE_POINTS = 400             # the loss curve draws at most this many points (evenly spaced epochs)


def plane_extent_for(data):
    """A square (x1_min, x1_max, x2_min, x2_max) around 0 that holds every point, at least ±3.6."""
    points = np.concatenate([data.x_train, data.x_test])
    half = max(MIN_HALF_EXTENT, 1.05 * float(np.max(np.abs(points[np.all(np.isfinite(points), axis=1)]))))
    return (-half, half, -half, half)


def feature_map(config):
    """The function from plane points (n, 2) to what the network reads: the chosen features, in float32 as it
    trains on them. The Playground's views are the ordinary diagram and decision-boundary pipelines with this
    in front (`diagram_layout(..., feature_map=...)`, `boundary_picture(..., feature_map=...)`)."""
    features = config.features

    def features_of(points):
        return make_features(np.asarray(points, np.float32), features)
    return features_of


def feature_grids(params, config, extent, resolution=16):
    """Every node's value over the plane, for a network whose inputs are features of (x1, x2): a list with one
    (resolution, resolution, n_nodes) array per layer, the features first, then each layer (the output as a
    logit). Row 0 is the bottom of the plane (smallest x2): `layer_grids` with the feature map in front."""
    return layer_grids(params, check_extent(extent), resolution, list(config.activations), "linear",
                       feature_map=feature_map(config))


def diagram_options(config, style=None):
    """The NetworkDiagram options that draw a Playground network: a tile per node over the plane (inputs: the
    features), nodes as big as the tiles, at most DIAGRAM_MAX_WIDTH pixels wide, no weight labels."""
    width, height = default_size(config.layer_sizes, get_style(style), tiles=True)
    return {"feature_names": [FEATURE_LABELS[name] for name in config.features], "output_names": ["ŷ"],
            "width": min(width, DIAGRAM_MAX_WIDTH), "height": height, "feature_map": feature_map(config),
            "show_weights": False}


def playground_diagram(state, extent, resolution=16, style=None, weight_scale=None, selected=None):
    """What the Playground's diagram draws: `diagram_layout` of the network with a heatmap tile per node over the
    plane, the features in front (each node's "tile" is its index in "tiles")."""
    with np.errstate(over="ignore", invalid="ignore"):
        return diagram_layout(state.host_params, list(state.config.activations), "linear", style=get_style(style),
                              weight_scale=weight_scale, selected=selected, heatmaps=True, extent=extent,
                              resolution=resolution, **diagram_options(state.config, style))


def playground_plane(state, extent, resolution=64, discretize=False, show_test=True, style=None, width=330,
                     height=330):
    """What the Playground's plane draws: `boundary_picture` (the decision boundary's output over the plane, the
    training points as dots and the test points as rings) with the features in front, the losses as scores.

    Same keys as `course_lib.widgets.boundary_scene`, so plane.js paints it."""
    config = state.config
    with np.errstate(over="ignore", invalid="ignore"):
        picture = boundary_picture(state.host_params, as_plane_data(state.data), list(config.activations),
                                   resolution=resolution, extent=extent, discretize=discretize,
                                   show_test=show_test, style=style, feature_map=feature_map(config))
    losses = state.losses()
    caption = "dots: training points · rings: test points" if show_test else "dots: training points"
    warning = state.diverged
    if not warning and (not all_finite(state.host_params) or not np.isfinite(picture["values"]).all()):
        warning = ("The network's output is NaN or infinite here (painted grey): the weights are too large. "
                   "Press reset and try a smaller learning rate.")
    name = "probability of class 1" if config.task == "classification" else "predicted value"
    label = (f"Output: test loss {fmt(losses['val_loss'], 3)}, training loss {fmt(losses['train_loss'], 3)}; "
             f"the network's {name} over the plane, {caption}")
    return {**picture, "train_score": losses["train_loss"], "test_score": losses["val_loss"], "caption": caption,
            "label": label, "axis_labels": ["x₁", "x₂"], "title": "", "width": int(width), "height": int(height),
            "marker": None, "path": None, "warning": warning,
            "toggles": [{"trait": "discretize", "label": "discretize output", "value": bool(discretize)},
                        {"trait": "show_test", "label": "show test data", "value": bool(show_test)}],
            "clickable": False}


def curve_stride(n_epochs, max_points=CURVE_POINTS):
    """How many epochs apart the loss curve's points are: 1 while every epoch fits in `max_points`, then the
    smallest power of two that keeps the points (every stride-th epoch from the first, plus the last) within it.

    The stride only doubles as training goes on, so between doublings a new epoch only adds points at the end (the
    Playground then sends only those, see `PlaygroundCurve`).

    >>> curve_stride(400), curve_stride(401), curve_stride(1000), curve_stride(1000, max_points=100)
    (1, 2, 4, 16)
    """
    if max_points < 2:
        raise ValueError(f"max_points must be at least 2 (the first and the last epoch); got {max_points}.")
    stride = 1
    # The points: the stride's multiples below the last epoch, then the last epoch (ceil((n - 1) / stride) + 1,
    # which grows with n, so the stride never shrinks as training goes on).
    while n_epochs > max_points and -(-(n_epochs - 1) // stride) + 1 > max_points:
        stride *= 2
    return stride


def curve_indices(n_epochs, max_points=CURVE_POINTS):
    """Which epochs (indices into the history) the loss curve draws, and how many of them are settled: every
    `curve_stride`-th epoch from the first (settled: they stay while the stride stays), then the last epoch when
    it is not one of them (it moves on at the next update).

    >>> curve_indices(7, max_points=4)
    (array([0, 2, 4, 6]), 4)
    >>> curve_indices(8, max_points=4)
    (array([0, 4, 7]), 2)
    >>> curve_indices(9, max_points=4)
    (array([0, 4, 8]), 3)
    """
    stride = curve_stride(n_epochs, max_points)
    indices = np.arange(0, n_epochs, stride)
    settled = len(indices)
    if n_epochs and indices[-1] != n_epochs - 1:
        indices = np.append(indices, n_epochs - 1)
    return indices, settled


def loss_curves(history, max_points=CURVE_POINTS):
    """The training and test loss per epoch as LinePlot series: at most `max_points` epochs, evenly spaced (every
    `curve_stride`-th), the first and the last included. Each series also says how many of its points are settled
    (`curve_indices`)."""
    epochs = np.asarray(history.get("epoch", []), dtype=np.float64)
    keep, settled = curve_indices(len(epochs), max_points)
    return [{"x": epochs[keep], "y": np.asarray(history["train_loss"], np.float64)[keep], "label": "training loss",
             "dash": False, "settled": settled},
            {"x": epochs[keep], "y": np.asarray(history["val_loss"], np.float64)[keep], "label": "test loss",
             "dash": True, "settled": settled}]


_PRECISE = ("weight", "bias", "value", "sum", "grad", "grad_b")     # numbers shown as text: 6 significant digits


def rounded(item, decimals):
    """A node or an edge of the diagram with its floats shortened for sending (see PlaygroundDiagram)."""
    def short(key, value):
        if not isinstance(value, float) or not math.isfinite(value):
            return value
        if key in _PRECISE:
            return float(f"{value:.6g}")
        return round(value, 2 if key == "width" else decimals)
    return {key: short(key, value) for key, value in item.items()}


def same_picture(old, new):
    """True when two states draw the same network picture: the same weights (the very arrays) and settings that
    change nothing drawn (the learning rate, the batch size, the optimizer, regularisation)."""
    drawn_settings = ("features", "activations", "hidden", "dataset", "task", "noise", "train_fraction",
                      "data_seed", "n_points")
    return old.params is new.params and old.diverged == new.diverged and all(
        getattr(old.config, name) == getattr(new.config, name) for name in drawn_settings)



__all__ = ["plane_extent_for", "feature_map", "feature_grids", "diagram_options", "playground_diagram",
           "playground_plane", "loss_curves", "curve_stride", "curve_indices", "same_picture", "rounded"]

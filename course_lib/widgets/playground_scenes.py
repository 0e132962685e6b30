"""What the Playground draws, as pure functions of its state (no widgets): the network diagram with a tile per
node over the input plane (`playground_diagram`), the output plane with the points (`playground_plane`), the loss
curves (`loss_curves`). The views of course_lib.widgets.playground send these to diagram.js, plane.js and
lineplot.js.
"""
import math

import numpy as np

from course_lib import playground as engine
from course_lib.playground import FEATURE_LABELS, make_features
from course_lib.network import forward
from course_lib.widgets._base import all_finite
from course_lib.widgets.boundary import grid_rgba, point_colors
from course_lib.widgets.diagram import default_size, diagram_layout
from course_lib.widgets.planes import check_extent, plane_points
from course_lib.widgets.style import diverging_rgba, get_style

MIN_HALF_EXTENT = 3.6          # the plane shown is at least [-3.6, 3.6]² (the data sets fill about [-3, 3]²)
DIAGRAM_MAX_WIDTH = 540
CURVE_POINTS = 400             # the loss curve draws at most this many points (evenly spaced epochs)


def plane_extent_for(data):
    """A square (x1_min, x1_max, x2_min, x2_max) around 0 that holds every point, at least ±3.6."""
    points = np.concatenate([data.x_train, data.x_test])
    half = max(MIN_HALF_EXTENT, 1.05 * float(np.max(np.abs(points[np.all(np.isfinite(points), axis=1)]))))
    return (-half, half, -half, half)


def feature_grids(params, config, extent, resolution=16):
    """Every node's value over the plane, for a network whose inputs are features of (x1, x2): a list with one
    (resolution, resolution, n_nodes) array per layer, the features first, then each layer (the output as a
    logit). Row 0 is the bottom of the plane (smallest x2), as in `course_lib.widgets.planes.layer_grids`."""
    points, _, _ = plane_points(check_extent(extent), resolution)
    inputs = make_features(points.astype(np.float32), config.features)
    _, layers = forward(params, inputs, activation=config.activations, return_hidden=True)
    shape = (resolution, resolution)
    return [np.asarray(inputs).reshape(*shape, -1)] + [np.asarray(layer["a"]).reshape(*shape, -1) for layer in layers]


def feature_tiles(params, config, extent, resolution=16, style=None):
    """The diagram's tiles: one RGBA image per node (features, hidden neurons, output), top row first, coloured
    on one diverging scale per layer (blue positive, orange negative). Shape (n_nodes, resolution, resolution, 4)."""
    style = get_style(style)
    tiles = []
    for grid in feature_grids(params, config, extent, resolution):
        finite = np.isfinite(grid)
        vmax = float(np.max(np.abs(grid[finite]))) if finite.any() else 1.0
        for k in range(grid.shape[-1]):
            tiles.append(diverging_rgba(grid[::-1, :, k], vmax, style))
    return np.stack(tiles)


def playground_diagram(state, extent, resolution=16, style=None, weight_scale=None, selected=None):
    """What the Playground's diagram draws: `diagram_layout` of the network, with a tile per node over the plane.

    The network's inputs are features of (x1, x2), not the plane itself, so the tiles are computed here (through
    the features) and put in the layout's "tiles"; each node's "tile" is its index there."""
    style = get_style(style)
    config = state.config
    params = state.host_params
    # Lay the nodes out as big as the tiles: a node of radius tile_size / 2.
    layout_style = style.replace(node_radius=style.tile_size / 2)
    width, height = default_size(config.layer_sizes, layout_style, tiles=True)
    scene = diagram_layout(params, list(config.activations), "linear", style=layout_style,
                           weight_scale=weight_scale, show_weights=False, selected=selected,
                           feature_names=[FEATURE_LABELS[name] for name in config.features], output_names=["ŷ"],
                           width=min(width, DIAGRAM_MAX_WIDTH), height=height)
    with np.errstate(over="ignore", invalid="ignore"):
        scene["tiles"] = feature_tiles(params, config, extent, resolution, style)
    for index, node in enumerate(scene["nodes"]):
        node["tile"] = index
    scene["tile_shape"] = [resolution, resolution]
    return scene


def playground_plane(state, extent, resolution=64, discretize=False, show_test=True, style=None, width=330,
                     height=330):
    """What the Playground's plane draws: the network's output over the plane (P(class 1), or the value for
    regression), the training points (dots) and the test points (rings), and the losses as a caption.

    Same keys as `course_lib.widgets.boundary_scene`, so plane.js paints it."""
    style = get_style(style)
    config, data = state.config, state.data
    points, _, _ = plane_points(check_extent(extent), resolution)
    with np.errstate(over="ignore", invalid="ignore"):
        outputs = engine.predict_plane(state.host_params, config, points).astype(np.float64)
        if config.task == "classification":
            kind, values = "probability", 1.0 / (1.0 + np.exp(-outputs))
        else:
            kind, values = "value", outputs
    values = values.reshape(resolution, resolution)
    target_vmax = None
    if config.task == "regression":
        targets = np.concatenate([data.y_train[:, 0], data.y_test[:, 0]])
        target_vmax = max(float(np.max(np.abs(targets))), 1e-9)
    image = grid_rgba({"kind": kind, "values": values, "classes": None}, discretize, 2, style, vmax=target_vmax)
    groups = [("train", data.x_train, data.y_train, "dot")]
    if show_test:
        groups.append(("test", data.x_test, data.y_test, "ring"))
    drawn_points = [{"name": name, "xy": x.astype(np.float32),
                     "colors": point_colors(y, config.task, data.n_classes, style, target_vmax or 1.0), "shape": shape}
                    for name, x, y, shape in groups]
    losses = state.losses()
    caption = "dots: training points · rings: test points" if show_test else "dots: training points"
    warning = state.diverged
    if not warning and (not all_finite(state.host_params) or not np.isfinite(values).all()):
        warning = ("The network's output is NaN or infinite here (painted grey): the weights are too large. "
                   "Press reset and try a smaller learning rate.")
    return {"kind": kind, "values": values, "classes": None, "image": image, "image_shape": list(image.shape[:2]),
            "extent": list(extent), "points": drawn_points, "discretize": bool(discretize), "task": config.task,
            "n_classes": data.n_classes, "train_score": losses["train_loss"], "test_score": losses["val_loss"],
            "caption": caption, "axis_labels": ["x₁", "x₂"], "title": "", "width": int(width),
            "height": int(height), "marker": None, "path": None, "warning": warning,
            "toggles": [{"trait": "discretize", "label": "discretize output", "value": bool(discretize)},
                        {"trait": "show_test", "label": "show test data", "value": bool(show_test)}],
            "clickable": False}


def loss_curves(history, max_points=CURVE_POINTS):
    """The training and test loss per epoch as LinePlot series (at most `max_points` evenly spaced epochs)."""
    epochs = np.asarray(history.get("epoch", []), dtype=np.float64)
    keep = np.arange(len(epochs))
    if len(keep) > max_points:
        keep = np.unique(np.linspace(0, len(epochs) - 1, max_points).round().astype(int))
    return [{"x": epochs[keep], "y": np.asarray(history["train_loss"], np.float64)[keep], "label": "training loss",
             "dash": False},
            {"x": epochs[keep], "y": np.asarray(history["val_loss"], np.float64)[keep], "label": "test loss",
             "dash": True}]


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



__all__ = ["plane_extent_for", "feature_grids", "feature_tiles", "playground_diagram", "playground_plane",
           "loss_curves", "same_picture", "rounded"]

"""The network over the input plane: for a 2-input network, evaluate it at every point of a grid.

These are the numbers behind the decision boundary and the neuron heatmaps; pure functions, no drawing.
Grids are indexed `[row, column]` with row 0 at the *bottom* (smallest x2) and column 0 at the left
(smallest x1), so `values[i, j]` is the network at `(xs[j], ys[i])`.

>>> import numpy as np
>>> from course_lib import init_mlp
>>> params = init_mlp([2, 3, 1], seed=0)
>>> grid = boundary_grid(params, extent=(-1, 1, -1, 1), resolution=5)
>>> grid["kind"], grid["values"].shape
('probability', (5, 5))
>>> [a.shape for a in layer_grids(params, (-1, 1, -1, 1), resolution=4)]
[(4, 4, 2), (4, 4, 3), (4, 4, 1)]
"""
import numpy as np

from course_lib.activations import get_activation
from course_lib.network import ShapeError, forward


def plane_extent(*point_sets, margin=0.15):
    """A square-ish (x1_min, x1_max, x2_min, x2_max) that holds every point, with `margin` (a fraction) around."""
    points = np.concatenate([np.asarray(p, dtype=np.float64).reshape(-1, 2) for p in point_sets if p is not None])
    points = points[np.all(np.isfinite(points), axis=1)]
    if len(points) == 0:
        return (-1.0, 1.0, -1.0, 1.0)
    low, high = points.min(axis=0), points.max(axis=0)
    center, half = (low + high) / 2, (high - low) / 2
    half = np.maximum(half.max(), 1e-3) * (1 + margin)   # one scale for both axes: circles stay round
    return (float(center[0] - half), float(center[0] + half), float(center[1] - half), float(center[1] + half))


def check_extent(extent):
    extent = tuple(float(v) for v in extent)
    if len(extent) != 4 or not (extent[0] < extent[1] and extent[2] < extent[3]):
        raise ValueError(f"extent must be (x1_min, x1_max, x2_min, x2_max) with min < max; got {extent}.")
    return extent


def plane_points(extent, resolution):
    """The grid's points as a (resolution², 2) array (row by row, bottom row first), and the axes xs, ys."""
    x1_min, x1_max, x2_min, x2_max = check_extent(extent)
    resolution = int(resolution)
    if resolution < 2:
        raise ValueError(f"resolution must be at least 2; got {resolution}.")
    xs = np.linspace(x1_min, x1_max, resolution)
    ys = np.linspace(x2_min, x2_max, resolution)
    g1, g2 = np.meshgrid(xs, ys)
    return np.column_stack([g1.ravel(), g2.ravel()]), xs, ys


def _check_two_inputs(params, what):
    n_inputs = params[0]["W"].shape[0]
    if n_inputs != 2:
        raise ShapeError(f"{what} draws the input plane, so the network needs exactly 2 inputs; "
                         f"its first layer W has shape {tuple(params[0]['W'].shape)} ({n_inputs} inputs).")


def network_inputs(params, points, feature_map, what):
    """What the network reads at plane points (n, 2): the points themselves (a 2-input network), or
    `feature_map(points)` for a network whose inputs are features of (x1, x2) (the Playground's x1², sin x2, ...)."""
    if feature_map is None:
        _check_two_inputs(params, what)
        return points
    return feature_map(points)


def layer_grids(params, extent, resolution=24, activation="relu", output="linear", feature_map=None):
    """Every node's value over the plane: a list with one (resolution, resolution, n_nodes) array per layer,
    the inputs first, then each layer's activation (the output layer through `output`). With `feature_map`
    (points (n, 2) -> inputs (n, n_inputs)) the inputs are the features of the plane's points."""
    points, _, _ = plane_points(extent, resolution)
    inputs = network_inputs(params, points, feature_map, "layer_grids")
    _, layers = forward(params, inputs, activation=activation, output=output, return_hidden=True)
    shape = (resolution, resolution)
    return [np.asarray(inputs).reshape(*shape, -1)] + [np.asarray(layer["a"]).reshape(*shape, -1) for layer in layers]


def boundary_grid(params, extent, resolution=64, activation="relu", task="classification", feature_map=None):
    """What the network says at every point of the plane, ready to colour.

    classification, one output (a logit): kind "probability", values = P(class 1) = sigmoid(logit).
    classification, several outputs: kind "classes", classes = the winning class, values = its probability.
    regression: kind "value", values = the first output.
    feature_map: as for `layer_grids` (None: the network reads the plane's points).
    Returns {"kind", "values", "classes" (or None), "xs", "ys", "extent"}.
    """
    if task not in ("classification", "regression"):
        raise ValueError(f"task must be 'classification' or 'regression'; got {task!r}.")
    points, xs, ys = plane_points(extent, resolution)
    inputs = network_inputs(params, points, feature_map, "The decision boundary")
    outputs = np.asarray(forward(params, inputs, activation=activation, output="linear"))
    shape = (len(ys), len(xs))
    classes = None
    with np.errstate(over="ignore", invalid="ignore"):
        if task == "regression":
            kind, values = "value", outputs[:, 0]
        elif outputs.shape[1] == 1:
            kind, values = "probability", get_activation("sigmoid")(outputs[:, 0])
        else:
            kind = "classes"
            probabilities = get_activation("softmax")(outputs)
            classes = np.argmax(outputs, axis=1).reshape(shape)
            values = probabilities.max(axis=1)
    return {"kind": kind, "values": values.reshape(shape), "classes": classes, "xs": xs, "ys": ys,
            "extent": check_extent(extent)}

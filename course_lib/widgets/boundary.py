"""The decision boundary: what a 2-input network answers over the whole plane, with the data on top.

The background is the network's output at every point of a grid: for two classes the probability of
class 1 (orange = class 0, blue = class 1, pale = unsure), for several classes the winning class faded by
how sure it is, for regression the value. Training points are filled markers, test points hollow ones, and each
class has its own marker shape (circle, square, triangle, ...) besides its colour. `discretize` paints only the
decision (no shades). It updates live when the weights change. Its accessible name says what it shows, e.g.
"Decision boundary over x1 and x2: 94% of the training points on the right side ...", and follows the weights.

`boundary_scene(params, data, ...)` computes what is drawn (pure function); `DecisionBoundary` shows it.

>>> from course_lib import datasets, init_mlp
>>> data = datasets.load("xor", n=100, seed=0)
>>> scene = boundary_scene(init_mlp([2, 4, 1], seed=0), data, activation="tanh", resolution=16)
>>> scene["kind"], scene["image"].shape, scene["points"][0]["name"]
('probability', (16, 16, 4), 'train')
"""
from types import SimpleNamespace

import numpy as np
import traitlets

from course_lib.network import ShapeError, forward
from course_lib.training import accuracy_from_outputs
from course_lib.widgets._base import CourseWidget, all_finite, as_params, fmt, front_end
from course_lib.widgets.planes import boundary_grid, check_extent, plane_extent
from course_lib.widgets.style import CLASS_MARKERS, class_rgba, diverging_rgba, get_style


def as_plane_data(data, task=None):
    """Accept a course Dataset, (x, y), (x_train, y_train, x_test, y_test) or a dict with those keys.

    Returns a namespace with x_train, y_train, x_test, y_test (test may be None), task, n_classes,
    feature_names. Labels given one-hot become class indices.
    """
    if data is None:
        raise TypeError("data is required: a course Dataset (course_lib.datasets.load('xor')), or (x, y).")
    if isinstance(data, dict):
        data = SimpleNamespace(**data)
    if hasattr(data, "x_train"):
        x_train, y_train = data.x_train, data.y_train
        x_test, y_test = getattr(data, "x_test", None), getattr(data, "y_test", None)
        task = task or getattr(data, "task", None)
        names = list(getattr(data, "feature_names", None) or [])
    elif isinstance(data, (tuple, list)) and len(data) in (2, 4):
        x_train, y_train = data[0], data[1]
        x_test, y_test = (data[2], data[3]) if len(data) == 4 else (None, None)
        names = []
    else:
        raise TypeError("data must be a course Dataset, (x, y) or (x_train, y_train, x_test, y_test); "
                        f"got {type(data).__name__}.")
    x_train = np.asarray(x_train, dtype=np.float64)
    y_train = np.asarray(y_train)
    if x_train.ndim != 2 or x_train.shape[1] != 2:
        raise ShapeError(f"The decision boundary needs 2-D inputs, x of shape (n, 2); got x_train of shape "
                         f"{x_train.shape}.")
    if len(y_train) != len(x_train):
        raise ShapeError(f"x_train has {len(x_train)} examples but y_train has {len(y_train)}.")
    if x_test is not None:
        x_test, y_test = np.asarray(x_test, dtype=np.float64), np.asarray(y_test)
        if x_test.ndim != 2 or x_test.shape[1] != 2 or len(y_test) != len(x_test):
            raise ShapeError(f"x_test must have shape (n, 2) with one label per row; got x_test {x_test.shape}, "
                             f"y_test {y_test.shape}.")
    if task is None:
        integer = np.issubdtype(y_train.dtype, np.integer) or np.issubdtype(y_train.dtype, np.bool_)
        task = "classification" if integer or (y_train.ndim == 2 and y_train.shape[1] > 1) else "regression"
    if task not in ("classification", "regression"):
        raise ValueError(f"task must be 'classification' or 'regression'; got {task!r}.")
    n_classes = 0
    if task == "classification":
        y_train = _class_indices(y_train)
        y_test = None if y_test is None else _class_indices(y_test)
        n_classes = int(max(y_train.max(), -1 if y_test is None else y_test.max())) + 1
    else:
        y_train = y_train.reshape(len(y_train), -1).astype(np.float64)
        y_test = None if y_test is None else y_test.reshape(len(y_test), -1).astype(np.float64)
    return SimpleNamespace(x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test, task=task,
                           n_classes=n_classes, feature_names=names[:2] if len(names) >= 2 else ["x1", "x2"])


def _class_indices(y):
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] > 1:
        return y.argmax(axis=1)
    return y.reshape(-1).astype(int)


def score(params, x, y, activation, task):
    """Accuracy (classification) or mean squared error (regression) on (x, y); NaN for an empty set."""
    if x is None or len(x) == 0:
        return float("nan")
    outputs = np.asarray(forward(params, x, activation=activation, output="linear"))
    if task == "regression":
        return float(np.mean((outputs[:, : y.shape[1]] - y) ** 2))
    return float(accuracy_from_outputs(outputs, np.asarray(y)))


def grid_rgba(grid, discretize, n_classes, style, vmax=None):
    """Colour a `boundary_grid` result: an (rows, cols, 4) RGBA image, top row first."""
    if grid["kind"] == "classes":
        values = grid["values"]
        rgba = class_rgba(grid["classes"], np.ones_like(values) if discretize else values, n_classes, style)
    else:
        values, center, scale = diverging_values(grid, discretize, vmax)
        rgba = diverging_rgba(values, scale, style, center=center)
    return rgba[::-1]


def diverging_values(grid, discretize, vmax=None):
    """What a probability or value grid paints on the diverging map: (values, center, scale), the map going from
    `center - scale` (negative colour) to `center + scale` (positive colour). With `discretize`, the values are
    the decision (probability: 0 or 1) or a few flat bands (value: thirds of vmax, like contour levels)."""
    values = grid["values"]
    if grid["kind"] == "probability":
        if discretize:
            values = np.where(values >= 0.5, 1.0, 0.0)
        return values, 0.5, 0.5
    vmax = vmax or (float(np.nanmax(np.abs(values))) if np.isfinite(values).any() else 1.0)
    if discretize:
        values = np.round(values / vmax * 3) / 3 * vmax
    return values, 0.0, vmax


# The diverging map as a palette of one byte per pixel (the Playground sends its picture so, a quarter of RGBA's
# size): PALETTE_LEVELS steps on each side of the neutral colour. A step moves a channel by at most 255/127, so the
# nearest step paints within one unit (plus rounding) of the exact colour. NAN_INDEX is the grey of a broken value.
PALETTE_LEVELS = 127
NAN_INDEX = 255


def diverging_palette(style=None, levels=PALETTE_LEVELS):
    """The diverging map as 256 RGBA colours (uint8, shape (256, 4)): index 0 the negative end, `levels` the
    neutral colour, 2 * levels the positive end, NAN_INDEX grey. Decode a picture with `palette[indices]`.

    >>> palette = diverging_palette()
    >>> palette.shape, bool((palette[PALETTE_LEVELS] == diverging_rgba(np.zeros(1), 1.0)[0]).all())
    ((256, 4), True)
    """
    if not 1 <= levels <= 127:
        raise ValueError(f"levels must be 1 to 127 (2 * levels + 1 colours and grey fit in 256); got {levels}.")
    palette = np.zeros((256, 4), dtype=np.uint8)
    palette[:2 * levels + 1] = diverging_rgba(np.linspace(-1.0, 1.0, 2 * levels + 1), 1.0, style)
    palette[NAN_INDEX] = diverging_rgba(np.array([np.nan]), 1.0, style)[0]
    return palette


def palette_indices(grid, discretize, vmax=None, levels=PALETTE_LEVELS):
    """`grid_rgba`'s picture of a probability or value grid as indices into `diverging_palette` (uint8, (rows,
    cols), top row first): `diverging_palette(style)[palette_indices(grid, ...)]` is `grid_rgba(grid, ...)` within
    a unit or two per channel. Several classes have no place on one diverging map: ValueError (use grid_rgba).

    >>> grid = {"kind": "probability", "values": np.array([[0.0, 0.5, 1.0, np.nan]])}
    >>> palette_indices(grid, discretize=False).tolist()
    [[0, 127, 254, 255]]
    """
    if grid["kind"] not in ("probability", "value"):
        raise ValueError(f"palette_indices paints probabilities and values on the diverging map; a {grid['kind']!r} "
                         "grid needs grid_rgba.")
    values, center, scale = diverging_values(grid, discretize, vmax)
    return diverging_indices(values, scale, center, levels)[::-1]


def diverging_indices(values, vmax, center=0.0, levels=PALETTE_LEVELS):
    """`diverging_rgba(values, vmax, center=center)`'s colours as indices into `diverging_palette`: the nearest of its
    2 * levels + 1 steps (`center ± vmax` at the two ends, beyond them clipped), NAN_INDEX (grey) where not finite.

    >>> diverging_indices(np.array([-2.0, 0.0, 1.0, 6.0, np.nan]), vmax=2.0).tolist()
    [0, 127, 190, 254, 255]
    """
    values = np.asarray(values, dtype=np.float64)
    finite = np.isfinite(values)
    vmax = float(vmax) if vmax and np.isfinite(vmax) and vmax > 0 else 1.0      # as diverging_rgba does
    t = np.clip(np.where(finite, (values - center) / vmax, 0.0), -1.0, 1.0)
    indices = np.rint((t + 1.0) * levels).astype(np.uint8)
    indices[~finite] = NAN_INDEX
    return indices


def point_colors(labels, task, n_classes, style, vmax=1.0):
    """One RGBA colour per data point: its class colour, or its target value on the diverging map."""
    if task == "classification":
        return class_rgba(labels, np.ones(len(labels)), max(n_classes, 2), style)
    return diverging_rgba(labels[:, 0], vmax, style)


def point_markers(labels, task):
    """One marker shape per data point, as indices into CLASS_MARKERS (uint8): its class's shape, so that classes
    differ in shape as well as colour. Regression targets have no classes: None (plane.js draws circles)."""
    if task != "classification":
        return None
    return (np.asarray(labels, dtype=int).reshape(-1) % len(CLASS_MARKERS)).astype(np.uint8)


def class_legend(n_classes, style):
    """What each class looks like: [{"label": "class 0", "color", "marker"}, ...] (the legend under the plane)."""
    return [{"label": f"class {k}", "color": style.class_color(k), "marker": CLASS_MARKERS[k % len(CLASS_MARKERS)]}
            for k in range(max(n_classes, 2))]


def describe_boundary(kind, task, n_classes, feature_names, train_score, test_score, has_test, title=""):
    """The plane in words, for a screen reader (the canvas's accessible name).

    >>> describe_boundary("probability", "classification", 2, ["x1", "x2"], 0.94, 0.9, True)[:78]
    'Decision boundary over x1 and x2: 94% of the training points on the right side'
    """
    over = f"over {feature_names[0]} and {feature_names[1]}"
    if task == "regression":
        text = (f"{title or 'Network output'} {over}: train MSE {fmt(train_score, 3)}"
                + (f", test MSE {fmt(test_score, 3)}" if has_test else "")
                + ". Shading: blue = positive output, orange = negative; points coloured by their target.")
        return text
    right = "nan" if not np.isfinite(train_score) else f"{100 * train_score:.0f}%"
    text = f"{title or 'Decision boundary'} {over}: {right} of the training points on the right side"
    if has_test:
        test = "nan" if not np.isfinite(test_score) else f"{100 * test_score:.0f}%"
        text += f", {test} of the test points"
    shapes = ", ".join(f"class {k} {CLASS_MARKERS[k % len(CLASS_MARKERS)].replace('_', ' ')}s"
                       for k in range(max(n_classes, 2)))
    if kind == "probability":
        text += ". Shading: orange = class 0, blue = class 1, pale = unsure"
    else:
        text += f". Shading: the colour of the winning class among {n_classes}, pale = unsure"
    return text + f". Markers: {shapes}; training points filled, test points hollow."


def boundary_scene(params, data, activation="relu", *, task=None, resolution=64, extent=None, discretize=False,
                   show_test=True, style=None, width=320, height=320, title=None, marker=None):
    """Everything the decision boundary draws: the coloured grid image, the points, the score line.

    Returns {"kind", "values" (resolution × resolution, bottom row first), "classes", "image" (RGBA, top row
    first), "extent", "points": [{"name", "xy", "colors", "shape"}], "caption", "train_score", "test_score",
    "marker", ...}.
    """
    data = data if isinstance(data, SimpleNamespace) else as_plane_data(data, task)
    picture = boundary_picture(params, data, activation, resolution=resolution, extent=extent,
                               discretize=discretize, show_test=show_test, style=style)
    train_score = score(params, data.x_train, data.y_train, activation, data.task)
    test_score = score(params, data.x_test, data.y_test, activation, data.task)
    metric = "accuracy" if data.task == "classification" else "MSE"
    caption = f"train {metric} {fmt(train_score)}"
    if data.x_test is not None:
        caption += f" · test {metric} {fmt(test_score)}"
    warning = ""
    if not all_finite(params) or not np.isfinite(picture["values"]).all():
        warning = ("The network's output is NaN or infinite here (painted grey): the weights are too large or "
                   "broken. If training diverged, try a smaller learning rate.")
    description = describe_boundary(picture["kind"], data.task, data.n_classes, data.feature_names, train_score,
                                    test_score, show_test and data.x_test is not None, title or "")
    legend = class_legend(data.n_classes, get_style(style)) if data.task == "classification" else []
    return {**picture, "train_score": train_score, "test_score": test_score, "caption": caption,
            "axis_labels": data.feature_names, "title": title or "", "width": int(width), "height": int(height),
            "marker": None if marker is None else [float(v) for v in np.asarray(marker).reshape(-1)[:2]],
            "path": None, "warning": warning, "description": description, "legend": legend}


def regression_vmax(data):
    """The largest |target| of a regression data set (`as_plane_data`), the ends of its colour map; None for
    classification."""
    if data.task != "regression":
        return None
    targets = np.concatenate([data.y_train[:, 0]] + ([] if data.y_test is None else [data.y_test[:, 0]]))
    return max(float(np.nanmax(np.abs(targets))), 1e-9)


def boundary_picture(params, data, activation="relu", *, resolution=64, extent=None, discretize=False,
                     show_test=True, style=None, feature_map=None):
    """The pictures part of `boundary_scene`, without scores or captions: {"kind", "values", "classes", "image",
    "image_shape", "extent", "points", "discretize", "task", "n_classes"}. `data` as returned by
    `as_plane_data`. feature_map: for a network whose inputs are features of the plane's points (the
    Playground), the function from points (n, 2) to its inputs (see `planes.boundary_grid`).
    """
    style = get_style(style)
    extent = check_extent(extent) if extent is not None else plane_extent(data.x_train, data.x_test)
    grid = boundary_grid(params, extent, resolution, activation, data.task, feature_map=feature_map)
    target_vmax = regression_vmax(data)
    image = grid_rgba(grid, discretize, max(data.n_classes, 2), style, vmax=target_vmax)

    points = [{"name": "train", "xy": data.x_train.astype(np.float32),
               "colors": point_colors(data.y_train, data.task, data.n_classes, style, target_vmax or 1.0),
               "shape": "dot", "markers": point_markers(data.y_train, data.task)}]
    if show_test and data.x_test is not None and len(data.x_test):
        points.append({"name": "test", "xy": data.x_test.astype(np.float32),
                       "colors": point_colors(data.y_test, data.task, data.n_classes, style, target_vmax or 1.0),
                       "shape": "ring", "markers": point_markers(data.y_test, data.task)})
    return {"kind": grid["kind"], "values": grid["values"], "classes": grid["classes"], "image": image,
            "image_shape": list(image.shape[:2]), "extent": list(extent), "points": points,
            "discretize": bool(discretize), "task": data.task, "n_classes": data.n_classes}


class DecisionBoundary(CourseWidget):
    """The network's output over the input plane, with the training (filled) and test (hollow) points.

    DecisionBoundary(params, data, activation="relu", task=None, resolution=64, extent=None,
                     discretize=False, show_test=True, title=None, width=320, height=320, style=None)

    data: a course Dataset with 2 features (e.g. `course_lib.datasets.load("moons")`), or (x, y), or
    (x_train, y_train, x_test, y_test). The network needs 2 inputs: 1 output (a logit) for two classes,
    one per class for more, or 1 for regression. `discretize` shows only the decision (also a checkbox in
    the widget). Clicking the plane puts the clicked point in `picked` (link it to a NetworkDiagram's x); with the
    keyboard, tab to the plane and move the picked point with the arrow keys (Shift: bigger steps).

    Change it from Python: `boundary.params = new_params`, `boundary.discretize = True`,
    `boundary.marker = [0.5, -1]`. `boundary.drawn` holds what is drawn (see `boundary_scene`).

    >>> from course_lib import datasets, init_mlp
    >>> boundary = DecisionBoundary(init_mlp([2, 4, 1], seed=0), datasets.load("circles", n=100), resolution=16)
    >>> round(boundary.drawn["train_score"], 2) >= 0
    True
    """

    _esm = front_end("plane.js")
    params = traitlets.Any()
    activation = traitlets.Any("relu")
    discretize = traitlets.Bool(False).tag(sync=True)
    show_test = traitlets.Bool(True).tag(sync=True)
    picked = traitlets.List(allow_none=True, default_value=None).tag(sync=True)
    marker = traitlets.Any(None, allow_none=True)
    redraws_on = ("params", "activation", "discretize", "show_test", "marker")

    def __init__(self, params, data, activation="relu", task=None, resolution=64, extent=None, discretize=False,
                 show_test=True, title=None, width=320, height=320, style=None):
        params = as_params(params)
        self._data = as_plane_data(data, task)
        if params[0]["W"].shape[0] != 2:
            raise ShapeError(f"The decision boundary draws the input plane, so the network needs 2 inputs; its "
                             f"first layer W has shape {params[0]['W'].shape}.")
        self._options = {"resolution": int(resolution), "title": title, "width": width, "height": height,
                         "extent": check_extent(extent) if extent is not None
                         else plane_extent(self._data.x_train, self._data.x_test)}
        super().__init__(style=style, params=params, activation=activation, discretize=discretize,
                         show_test=show_test)
        self._draw_first()

    @property
    def data(self):
        """The data drawn (x_train, y_train, x_test, y_test, task, n_classes)."""
        return self._data

    @property
    def extent(self):
        """(x1_min, x1_max, x2_min, x2_max) of the plane drawn."""
        return tuple(self._options["extent"])

    @traitlets.validate("params")
    def _valid_params(self, proposal):
        params = as_params(proposal["value"])
        if params[0]["W"].shape[0] != 2:
            raise ShapeError(f"The decision boundary needs a network with 2 inputs; the new first layer W has "
                             f"shape {params[0]['W'].shape}.")
        return params

    def _browser_scene(self, drawn):
        # The browser paints the image; the raw grid stays in Python (`drawn["values"]`, `drawn["classes"]`).
        return {key: value for key, value in drawn.items() if key not in ("values", "classes")}

    def _compute(self):
        scene = boundary_scene(self.params, self._data, self.activation, discretize=self.discretize,
                               show_test=self.show_test, style=self.style, marker=self.marker, **self._options)
        scene["toggles"] = [{"trait": "discretize", "label": "discretize output", "value": self.discretize}]
        if self._data.x_test is not None:
            scene["toggles"].append({"trait": "show_test", "label": "show test data", "value": self.show_test})
        scene["clickable"] = True
        return scene

"""Two explorers: the activation functions (notebook 03) and the learning rate (notebook 04).

- `activation_explorer()`: pick an activation, move z, read f(z) and its slope f'(z) (the tangent line);
  compare two activations.
- `learning_rate_explorer(x, y)`: gradient descent on the loss landscape of a line ŷ = w·x + b, with a
  learning-rate slider: watch it crawl, converge, zig-zag or fly off.

The math is course_lib's: `get_activation` and the hand-written `get_activation_derivative`, `loss_value`,
`backprop` and the `sgd` optimizer. `activation_curves`, `loss_landscape` and `descent_path` are the pure
functions behind the views.

>>> curves = activation_curves("relu", z_range=(-1, 1), n=5)
>>> curves["f"].tolist(), curves["slope"].tolist()
([0.0, 0.0, 0.0, 0.5, 1.0], [0.0, 0.0, 0.0, 1.0, 1.0])
"""
import ipywidgets
import numpy as np
import traitlets

from course_lib.activations import ELEMENTWISE, get_activation, get_activation_derivative
from course_lib.backprop import backprop
from course_lib.losses import loss_value
from course_lib.network import ShapeError
from course_lib.widgets._base import CourseWidget, fmt, front_end
from course_lib.widgets.curves import LinePlot
from course_lib.widgets.style import get_style, sequential_rgba


# --- activations -------------------------------------------------------------------------------------------

def activation_curves(name, z_range=(-5.0, 5.0), n=201):
    """z, f(z) and the hand-written slope f'(z) on a grid, for an elementwise activation."""
    if name not in ELEMENTWISE:
        raise ValueError(f"Unknown or non-elementwise activation {name!r}. Choose one of: {', '.join(ELEMENTWISE)}.")
    z = np.linspace(float(z_range[0]), float(z_range[1]), int(n))
    return {"z": z, "f": np.asarray(get_activation(name)(z)), "slope": np.asarray(get_activation_derivative(name)(z))}


def tangent_segment(name, z0, half_width=1.2):
    """The tangent line of activation `name` at z0: two points, (z0 ± half_width)."""
    f0 = float(get_activation(name)(np.array([z0]))[0])
    slope = float(get_activation_derivative(name)(np.array([z0]))[0])
    z = np.array([z0 - half_width, z0 + half_width])
    return z, f0 + slope * (z - z0), f0, slope


class ActivationExplorer(ipywidgets.VBox):
    """An activation function, its slope and a tangent line at z; see `activation_explorer`."""

    def __init__(self, name="relu", compare=None, z=1.0, z_range=(-5.0, 5.0), show_slope=True, style=None):
        self._style = get_style(style)
        self._z_range = (float(z_range[0]), float(z_range[1]))
        activation_curves(name, self._z_range, 3)          # a clear error now for a wrong name
        options = list(ELEMENTWISE)
        wide = {"description_width": "initial"}
        self.function = ipywidgets.Dropdown(options=options, value=name, description="activation", style=wide)
        self.compare = ipywidgets.Dropdown(options=[("(none)", None)] + [(o, o) for o in options], value=compare,
                                           description="compare with", style=wide)
        self.show_slope = ipywidgets.Checkbox(value=show_slope, description="show the slope f'(z)")
        self.z = ipywidgets.FloatSlider(value=z, min=self._z_range[0], max=self._z_range[1], step=0.05,
                                        description="z", continuous_update=True)
        self.readout = ipywidgets.HTML()
        self.plot = LinePlot([], x_label="z", y_label="value", width=460, height=280, style=self._style)
        for control in (self.function, self.compare, self.show_slope, self.z):
            control.observe(lambda change: self.update(), names="value")
        super().__init__([ipywidgets.HBox([self.function, self.compare]), ipywidgets.HBox([self.z, self.show_slope]),
                          self.plot, self.readout])
        self.update()

    def update(self):
        """Redraw from the controls' values."""
        style = self._style
        name, z0 = self.function.value, float(self.z.value)
        curves = activation_curves(name, self._z_range)
        series = [{"x": curves["z"], "y": curves["f"], "label": f"{name}(z)", "color": style.positive, "dash": False}]
        if self.show_slope.value:
            series.append({"x": curves["z"], "y": curves["slope"], "label": f"slope {name}'(z)",
                           "color": style.negative, "dash": True})
        if self.compare.value and self.compare.value != name:
            other = activation_curves(self.compare.value, self._z_range)
            series.append({"x": other["z"], "y": other["f"], "label": f"{self.compare.value}(z)",
                           "color": style.class_color(2), "dash": False, "width": 1.5})
        tz, ty, f0, slope = tangent_segment(name, z0)
        series.append({"x": tz, "y": ty, "label": "tangent at z", "color": style.muted, "dash": True, "width": 1.5})
        low = min(-1.5, float(np.min(curves["f"])))
        high = max(1.5, min(float(np.max(curves["f"])), self._z_range[1]))
        self.plot.show(series=series, points=[{"x": z0, "y": f0, "label": f"f = {fmt(f0)}", "color": style.text}],
                       x_range=self._z_range, y_range=(low - 0.1, high + 0.1))
        self.readout.value = (f"<code>{name}({fmt(z0)}) = {fmt(f0, 3)}</code>, slope "
                              f"<code>{name}'({fmt(z0)}) = {fmt(slope, 3)}</code>"
                              + (" (no gradient flows back through this unit here)" if slope == 0 else ""))


def activation_explorer(name="relu", compare=None, z=1.0, z_range=(-5.0, 5.0), show_slope=True, style=None):
    """Pick an activation, move z: see f(z), its slope f'(z) and the tangent line; compare two activations.

    >>> explorer = activation_explorer("tanh", compare="sigmoid")
    >>> explorer.z.value = 0.0
    >>> round(explorer.plot.drawn["points"][0]["y"], 3)
    0.0
    """
    return ActivationExplorer(name, compare, z, z_range, show_slope, style)


# --- learning rate -----------------------------------------------------------------------------------------

def line_params(w, b):
    """The line ŷ = w·x + b as a one-layer course_lib network (1 input, 1 output)."""
    return [{"W": np.array([[float(w)]]), "b": np.array([float(b)])}]


def _check_line_data(x, y):
    x = np.asarray(x, dtype=np.float64).reshape(len(x), -1)
    y = np.asarray(y, dtype=np.float64).reshape(len(y), -1)
    if x.shape[1] != 1 or y.shape[1] != 1 or len(x) != len(y):
        raise ShapeError(f"The learning-rate explorer fits a line ŷ = w·x + b: x and y need one column and the "
                         f"same number of rows; got x {x.shape}, y {y.shape}.")
    return x, y


def loss_landscape(x, y, w_range, b_range, resolution=61, loss="mse"):
    """The loss of the line (w, b) on (x, y) at every point of a grid: {"ws", "bs", "values" [b, w]}."""
    x, y = _check_line_data(x, y)
    ws = np.linspace(*w_range, int(resolution))
    bs = np.linspace(*b_range, int(resolution))
    values = np.array([[float(loss_value(line_params(w, b), x, y, activation="linear", loss=loss)) for w in ws]
                       for b in bs])
    return {"ws": ws, "bs": bs, "values": values}


def descent_path(x, y, start, lr, steps, loss="mse"):
    """Full-batch gradient descent on the line from `start` = (w, b): every point visited and its loss.

    Stops early when the loss stops being finite or grows a millionfold ("diverged_at" = that step).
    """
    from course_lib.optimizers import sgd

    x, y = _check_line_data(x, y)
    params = line_params(*start)
    optimizer = sgd(float(lr))
    state = optimizer.init(params)
    path = [tuple(start)]
    with np.errstate(over="ignore", invalid="ignore"):
        return _descend(x, y, params, optimizer, state, int(steps), loss, path)


def _descend(x, y, params, optimizer, state, steps, loss, path):
    """The loop of descent_path: step until `steps`, or until the loss blows up."""
    losses, diverged_at, first = [], None, None
    for step in range(steps + 1):
        value = float(loss_value(params, x, y, activation="linear", loss=loss))
        losses.append(value)
        first = value if first is None else first
        if not np.isfinite(value) or value > 1e6 * max(first, 1e-12):
            diverged_at = step
            break
        if step == steps:
            break
        grads = backprop(params, x, y, activation="linear", loss=loss)
        params, state = optimizer.update(params, grads, state)
        params = [{"W": np.asarray(p["W"]), "b": np.asarray(p["b"])} for p in params]
        path.append((float(params[0]["W"][0, 0]), float(params[0]["b"][0])))
    return {"path": np.array(path[: len(losses)]), "losses": np.array(losses), "diverged_at": diverged_at}


class Landscape(CourseWidget):
    """A loss landscape over (w, b) with a gradient-descent path on it (drawn by plane.js)."""

    _esm = front_end("plane.js")
    path = traitlets.Any(None, allow_none=True)
    redraws_on = ("path",)

    def __init__(self, landscape, minimum=None, title="", width=340, height=320, style=None):
        self._landscape = landscape
        self._minimum = minimum
        self._title = title
        self._size = (int(width), int(height))
        super().__init__(style=style)
        self._draw_first()

    def _compute(self):
        values = self._landscape["values"]
        logs = np.log10(np.maximum(values, 1e-12))
        finite = logs[np.isfinite(logs)]
        low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        # Banded colours (12 levels of log-loss) read like the contour lines of a map.
        banded = low + np.floor((logs - low) / max(high - low, 1e-12) * 12) / 12 * (high - low)
        image = sequential_rgba(banded, low, high, self.style)[::-1]
        ws, bs = self._landscape["ws"], self._landscape["bs"]
        path = None if self.path is None else np.asarray(self.path, dtype=np.float64).tolist()
        return {"image": image, "image_shape": list(image.shape[:2]),
                "extent": [float(ws[0]), float(ws[-1]), float(bs[0]), float(bs[-1])], "points": [],
                "path": path, "path_color": self.style.background,
                "stars": [] if self._minimum is None else [list(self._minimum)],
                "axis_labels": ["w (slope)", "b (intercept)"], "title": self._title,
                "caption": "darker = lower loss; ★ the lowest point", "description": self._describe(path),
                "width": self._size[0],
                "height": self._size[1], "discretize": False, "marker": None, "toggles": [], "clickable": False}


    def _describe(self, path):
        """The landscape in words, for a screen reader (its accessible name); it follows the path."""
        text = f"{self._title or 'Loss landscape'} over w (slope) and b (intercept): darker = lower loss"
        if self._minimum is not None:
            text += f"; the lowest point (a star) at w = {fmt(self._minimum[0])}, b = {fmt(self._minimum[1])}"
        if path:
            (w0, b0), (w1, b1) = path[0], path[-1]
            text += (f". Gradient descent path of {len(path) - 1} steps from w = {fmt(w0)}, b = {fmt(b0)} "
                     f"to w = {fmt(w1)}, b = {fmt(b1)}")
        return text + "."


class LearningRateExplorer(ipywidgets.VBox):
    """Gradient descent on the (w, b) loss landscape of a line, with a learning-rate slider; see
    `learning_rate_explorer`."""

    def __init__(self, x, y, start=(-1.0, 3.0), lr=0.1, steps=30, w_range=None, b_range=None, resolution=61,
                 loss="mse", lr_range=(-3.0, 0.5), style=None):
        self.x, self.y = _check_line_data(x, y)
        self.start = (float(start[0]), float(start[1]))
        self.loss = loss
        style = get_style(style)
        best_w, best_b = np.linalg.lstsq(np.hstack([self.x, np.ones_like(self.x)]), self.y, rcond=None)[0].ravel()
        self.minimum = (float(best_w), float(best_b))
        w_range = w_range or _around([self.start[0], best_w])
        b_range = b_range or _around([self.start[1], best_b])
        self.landscape = Landscape(loss_landscape(self.x, self.y, w_range, b_range, resolution, loss),
                                   minimum=self.minimum, title="the loss landscape", style=style)
        self.lr = ipywidgets.FloatLogSlider(value=lr, base=10, min=lr_range[0], max=lr_range[1], step=0.05,
                                            description="learning rate", readout_format=".3g",
                                            continuous_update=True, style={"description_width": "initial"})
        self.steps = ipywidgets.IntSlider(value=steps, min=1, max=200, description="steps", continuous_update=True)
        self.curve = LinePlot([], x_label="step", y_label="loss", title="loss after each step", log_y=True,
                              width=340, height=240, style=style)
        self.readout = ipywidgets.HTML()
        self.lr.observe(lambda change: self.update(), names="value")
        self.steps.observe(lambda change: self.update(), names="value")
        super().__init__([ipywidgets.HBox([self.lr, self.steps]),
                          ipywidgets.HBox([self.landscape, self.curve],
                                          layout=ipywidgets.Layout(flex_flow="row wrap")),
                          self.readout])
        self.update()

    def update(self):
        """Rerun gradient descent with the sliders' values and redraw."""
        run = descent_path(self.x, self.y, self.start, self.lr.value, self.steps.value, self.loss)
        self.run = run
        self.landscape.path = run["path"]
        losses = run["losses"]
        self.curve.series = [{"x": np.arange(len(losses)), "y": losses, "label": f"lr = {self.lr.value:.3g}",
                              "dash": False}]
        if run["diverged_at"] is not None:
            self.readout.value = (f"<b>Diverged</b> at step {run['diverged_at']}: each step overshoots further than "
                                  f"the last. Try a smaller learning rate, e.g. {self.lr.value / 10:.3g}.")
        else:
            self.readout.value = (f"after {len(losses) - 1} steps: w = {fmt(run['path'][-1][0], 3)}, "
                                  f"b = {fmt(run['path'][-1][1], 3)}, loss {fmt(losses[-1], 4)} "
                                  f"(lowest possible {fmt(self._best_loss(), 4)})")

    def _best_loss(self):
        return float(loss_value(line_params(*self.minimum), self.x, self.y, activation="linear", loss=self.loss))


def _around(values, pad=0.6):
    low, high = float(min(values)), float(max(values))
    span = max(high - low, 1.0)
    return (low - pad * span, high + pad * span)


def learning_rate_explorer(x, y, start=(-1.0, 3.0), lr=0.1, steps=30, w_range=None, b_range=None, resolution=61,
                           loss="mse", lr_range=(-3.0, 0.5), style=None):
    """Gradient descent for a line ŷ = w·x + b on data (x, y), drawn on its loss landscape, with a slider for
    the learning rate (log scale, 10**lr_range[0] to 10**lr_range[1]) and one for the number of steps.

    x, y: one input column and one target column (n rows each). start: the (w, b) the descent starts from.

    >>> import numpy as np
    >>> x = np.linspace(1, 4, 20).reshape(-1, 1); y = 1.5 * x + 0.5
    >>> explorer = learning_rate_explorer(x, y, lr=0.05, steps=40, resolution=21)
    >>> explorer.run["diverged_at"] is None and bool(explorer.run["losses"][-1] < explorer.run["losses"][0])
    True
    >>> explorer.lr.value = 1.0
    >>> explorer.run["diverged_at"] is not None
    True
    """
    return LearningRateExplorer(x, y, start, lr, steps, w_range, b_range, resolution, loss, lr_range, style)

"""Line plots that update live: a loss curve with a marker at the epoch being shown, and any x–y curves.

>>> plot = LinePlot([{"x": [0, 1, 2], "y": [3.0, 1.0, 0.5], "label": "loss"}], x_label="epoch")
>>> plot.drawn["y_range"][0] <= 0.5 <= plot.drawn["y_range"][1]
True
>>> curve = LossCurve({"epoch": [1, 2, 3], "train_loss": [0.9, 0.5, 0.4], "val_loss": [1.0, 0.7, 0.6]}, marker=2)
>>> [s["label"] for s in curve.drawn["series"]], curve.drawn["marker_x"]
(['train loss', 'validation loss'], 2.0)
"""
import numpy as np
import traitlets

from course_lib.widgets._base import CourseWidget, fmt, front_end
from course_lib.widgets.style import get_style


def padded_range(values, pad=0.05, include_zero=False):
    """(low, high) around the finite values, padded by `pad` of the span; (0, 1) when there are none."""
    finite = np.concatenate([np.asarray(v, dtype=np.float64).ravel() for v in values]) if values else np.zeros(0)
    finite = finite[np.isfinite(finite)]
    if finite.size == 0:
        return (0.0, 1.0)
    low, high = float(finite.min()), float(finite.max())
    if include_zero:
        low, high = min(low, 0.0), max(high, 0.0)
    span = high - low if high > low else max(abs(high), 1.0)
    return (low - pad * span, high + pad * span)


def line_scene(series, *, x_label="", y_label="", title="", width=360, height=240, log_y=False, marker_x=None,
               points=None, x_range=None, y_range=None, style=None):
    """What a LinePlot draws: each series as float arrays (log10 of y with log_y), the ranges, the marker."""
    style = get_style(style)
    palette = [style.positive, style.negative] + [c for c in style.class_colors[2:]]
    drawn_series = []
    for k, item in enumerate(series):
        x = np.asarray(item["x"], dtype=np.float64).ravel()
        y = np.asarray(item["y"], dtype=np.float64).ravel()
        if x.shape != y.shape:
            raise ValueError(f"Series {item.get('label', k)!r}: x has {x.size} values but y has {y.size}.")
        if log_y:
            with np.errstate(divide="ignore", invalid="ignore"):
                y = np.where(y > 0, np.log10(y), np.nan)
        drawn_series.append({"label": item.get("label", ""), "x": x, "y": y,
                             "color": item.get("color") or palette[k % len(palette)],
                             "dash": bool(item.get("dash", k % 2 == 1)), "width": float(item.get("width", 2.0))})
    drawn_points = []
    for point in points or []:
        y = float(point["y"])
        if log_y:
            y = float(np.log10(y)) if y > 0 else float("nan")
        drawn_points.append({"x": float(point["x"]), "y": y, "color": point.get("color") or style.text,
                             "label": point.get("label", "")})
    xs = [s["x"] for s in drawn_series] + [[p["x"] for p in drawn_points]]
    ys = [s["y"] for s in drawn_series] + [[p["y"] for p in drawn_points]]
    x_range = tuple(x_range) if x_range is not None else padded_range(xs, pad=0.0)
    if x_range[0] == x_range[1]:
        x_range = (x_range[0] - 0.5, x_range[1] + 0.5)
    y_range = tuple(y_range) if y_range is not None else padded_range(ys)
    description = describe_lines(drawn_series, drawn_points, title, x_label, y_label, log_y, marker_x)
    return {"series": drawn_series, "points": drawn_points, "x_range": list(x_range), "y_range": list(y_range),
            "x_label": x_label, "y_label": (f"{y_label} (log10)" if log_y and y_label else y_label),
            "title": title, "width": int(width), "height": int(height),
            "marker_x": None if marker_x is None else float(marker_x), "log_y": bool(log_y),
            "description": description}


def describe_lines(series, points, title="", x_label="", y_label="", log_y=False, marker_x=None):
    """The plot in words, for a screen reader (the canvas's accessible name): each curve with its line style and
    where it starts and ends, the marked points and the marker.

    >>> describe_lines([{"label": "loss", "x": np.array([1.0, 2.0]), "y": np.array([0.9, 0.4]), "dash": False}],
    ...                [], title="loss per epoch", x_label="epoch")
    'loss per epoch. loss (solid line): 0.90 at epoch 1.00, 0.40 at epoch 2.00.'
    """
    parts = []
    for item in series:
        finite = np.isfinite(item["x"]) & np.isfinite(item["y"])
        x, y = item["x"][finite], item["y"][finite]
        if log_y:
            y = 10.0 ** y
        where = f"{x_label} " if x_label else "x = "
        line = f"{item['label'] or 'a curve'} ({'dashed' if item['dash'] else 'solid'} line)"
        if len(x):
            line += f": {fmt(y[0])} at {where}{fmt(x[0])}"
            if len(x) > 1:
                line += f", {fmt(y[-1])} at {where}{fmt(x[-1])}"
        else:
            line += ": no values yet"
        parts.append(line)
    for point in points:
        label = point.get("label") or f"({fmt(point['x'])}, {fmt(point['y'])})"
        parts.append(f"point {label} at {x_label or 'x'} = {fmt(point['x'])}")
    if marker_x is not None:
        parts.append(f"marker at {x_label or 'x'} {fmt(marker_x)}")
    head = title or (f"{y_label} against {x_label}" if x_label and y_label else "line plot")
    return f"{head}. " + ("; ".join(parts) if parts else "no curves") + "."


class LinePlot(CourseWidget):
    """Curves on shared axes, redrawn when `.series`, `.points` or `.marker_x` change.

    LinePlot(series, x_label="", y_label="", title="", width=360, height=240, log_y=False, marker_x=None,
             points=None, x_range=None, y_range=None, style=None)

    series: a list of {"x": [...], "y": [...], "label": "...", "color": optional, "dash": optional}.
    points: a list of {"x", "y", "label" (optional), "color" (optional)} drawn as dots. marker_x: a vertical line.

    >>> plot = LinePlot([{"x": [0, 1], "y": [0, 1], "label": "y = x"}])
    >>> plot.marker_x = 0.5
    >>> plot.drawn["marker_x"]
    0.5
    """

    _esm = front_end("lineplot.js")
    series = traitlets.List()
    points = traitlets.List(allow_none=True, default_value=None)
    marker_x = traitlets.Any(None, allow_none=True)
    redraws_on = ("series", "points", "marker_x")

    def __init__(self, series, x_label="", y_label="", title="", width=360, height=240, log_y=False, marker_x=None,
                 points=None, x_range=None, y_range=None, style=None):
        self._options = {"x_label": x_label, "y_label": y_label, "title": title, "width": width, "height": height,
                         "log_y": log_y, "x_range": x_range, "y_range": y_range}
        super().__init__(style=style, series=list(series), points=points, marker_x=marker_x)
        self._draw_first()

    def set_ranges(self, x_range=None, y_range=None):
        """Fix the axes (None: fit the data)."""
        self._options.update(x_range=x_range, y_range=y_range)
        self.redraw()

    def show(self, series=None, points=None, marker_x=None, **ranges):
        """Change several things and redraw once: `plot.show(series=[...], points=[...], y_range=(0, 1))`."""
        with self.redraw_once():
            if series is not None:
                self.series = list(series)
            if points is not None:
                self.points = list(points)
            if marker_x is not None:
                self.marker_x = marker_x
            self._options.update({key: value for key, value in ranges.items() if key in ("x_range", "y_range")})
        return self

    def _compute(self):
        return line_scene(self.series, marker_x=self.marker_x, points=self.points, style=self.style,
                          **self._options)


def loss_series(history, metric="loss"):
    """The curves of a `fit` history: train and (if measured) validation, for "loss" or "accuracy"."""
    if "epoch" not in history or f"train_{metric}" not in history:
        available = ", ".join(sorted(key for key in history if key.startswith("train_"))) or "none"
        raise ValueError(f"history has no 'train_{metric}' (it should come from course_lib.fit); "
                         f"train_ entries available: {available}.")
    series = [{"x": history["epoch"], "y": history[f"train_{metric}"], "label": f"train {metric}", "dash": False}]
    if f"val_{metric}" in history:
        series.append({"x": history["epoch"], "y": history[f"val_{metric}"], "label": f"validation {metric}",
                       "dash": True})
    return series


class LossCurve(LinePlot):
    """The loss (or accuracy) per epoch of a `fit` history, with a marker at one epoch.

    LossCurve(history, metric="loss", marker=None, log_y=False, title=None, width=360, height=220, style=None)

    `curve.marker_x = epoch` moves the marker (TrainingReplay does this as it plays).
    """

    def __init__(self, history, metric="loss", marker=None, log_y=False, title=None, width=360, height=220,
                 style=None):
        self._metric = metric
        series = loss_series(history, metric)
        epochs = list(history["epoch"])
        # from epoch 0 (the starting weights, where a replay begins) to the last
        x_range = (0.0, float(max(epochs[-1] if epochs else 1, 1)))
        super().__init__(series, x_label="epoch", y_label=metric, title=title or f"{metric} per epoch",
                         width=width, height=height, log_y=log_y, marker_x=marker, style=style, x_range=x_range,
                         y_range=None if metric == "loss" or log_y else (0.0, 1.02))

    @classmethod
    def for_training(cls, epochs, validation=False, metric="loss", **options):
        """An empty curve with room for `epochs` epochs, to draw while training: pass its `update` to `fit`.

        >>> curve = LossCurve.for_training(epochs=50, validation=True)
        >>> curve.update({"epoch": [1, 2], "train_loss": [0.9, 0.7], "val_loss": [1.0, 0.8]}).drawn["x_range"][1]
        50.0
        """
        history = {"epoch": [], f"train_{metric}": []} | ({f"val_{metric}": []} if validation else {})
        curve = cls(history, metric=metric, **options)
        curve.set_ranges(x_range=(0.0, float(epochs)), y_range=curve._options["y_range"])
        return curve

    def update(self, history):
        """Redraw with the history so far: `fit(..., on_progress=curve.update)` draws the curve as training runs."""
        return self.show(series=loss_series(history, self._metric))

"""What every course widget shares: the browser front end, the style, the error box and parameter checks.

A widget is an `anywidget.AnyWidget`: Python computes *what to draw* (positions, colours, pixels) into one
synced dict, `scene`, and a small JavaScript module (the .js files next to this one, shipped in the
package, no build step) paints it on an SVG or a canvas. Python keeps the same numbers, decoded, in
`widget.drawn`, so tests can check what is drawn without a browser.
"""
import contextlib
from pathlib import Path

import anywidget
import numpy as np
import traitlets

from course_lib.network import ShapeError, check_shapes
from course_lib.widgets.style import Style, get_style

HERE = Path(__file__).resolve().parent


def front_end(*names):
    """The ES module for a widget: common.js followed by the widget's own files (one module, no imports)."""
    return "\n".join((HERE / name).read_text(encoding="utf-8") for name in ("common.js", *names))


CSS = (HERE / "widgets.css").read_text(encoding="utf-8")


class CourseWidget(anywidget.AnyWidget):
    """Base class: a `scene` dict drawn by the front end, an `error` message shown in place of a crash.

    A subclass names the traits that change the picture in `redraws_on`, computes the picture in `_compute()`,
    and ends its `__init__` with `self._draw_first()`; from then on, each change of one of those traits redraws it:

        class Dot(CourseWidget):
            _esm = front_end("dot.js")
            x = traitlets.Float(0.0)
            redraws_on = ("x",)

            def __init__(self, x=0.0, style=None):
                super().__init__(style=style, x=x)
                self._draw_first()

            def _compute(self):
                return {"x": self.x}
    """

    _css = CSS
    scene = traitlets.Dict().tag(sync=True)
    error = traitlets.Unicode("").tag(sync=True)
    redraws_on = ()     # the traits whose every change redraws the widget (once it has drawn the first time)

    def __init__(self, style=None, **traits):
        self._style = get_style(style)
        self._version = 0
        self._drawn = {}
        self._ready = False          # the traits are being set: nothing to draw yet
        super().__init__(**traits)
        if self.redraws_on:
            self.observe(self._redraw_on_change, names=list(self.redraws_on))

    def _draw_first(self):
        """Draw for the first time and redraw on every change from now on: the last line of a subclass's __init__."""
        self._ready = True
        self.redraw()

    def _redraw_on_change(self, change):
        if self._ready:
            self.redraw()

    @contextlib.contextmanager
    def redraw_once(self):
        """Change several traits and redraw once, at the end: `with widget.redraw_once(): widget.x = 1; ...`."""
        ready, self._ready = self._ready, False
        try:
            yield self
        finally:
            self._ready = ready
        if ready:
            self.redraw()

    def set_params(self, params):
        """Show new weights (checked first, like `widget.params = params`); returns the widget, so calls chain."""
        if not self.has_trait("params"):
            raise TypeError(f"{type(self).__name__} draws no network weights, so it has no set_params.")
        self.params = params
        return self

    @property
    def style(self):
        """The Style this widget draws with; assign a Style (or "presentation") to restyle it."""
        return self._style

    @style.setter
    def style(self, value):
        self._style = get_style(value)
        self.redraw()

    @property
    def drawn(self):
        """What the widget draws now, as NumPy arrays and plain numbers (the `scene` before encoding)."""
        return self._drawn

    def redraw(self):
        """Recompute the scene and send it to the browser."""
        try:
            # Broken weights (NaN, huge) are shown as such, not reported as floating-point warnings.
            with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
                drawn = self._compute()
        except (ShapeError, ValueError, TypeError, FloatingPointError) as error:
            self.error = f"{type(error).__name__}: {error}"
            raise
        self._drawn = drawn
        self._version += 1
        self._send_picture(drawn)

    def _send_picture(self, drawn):
        """Send the picture `drawn` to the browser: all of it, in `scene` (a subclass may send it otherwise)."""
        scene = encode(self._browser_scene(drawn))
        scene["version"] = self._version
        scene["style"] = self._style.to_json()
        with self.hold_sync():
            self.error = drawn.get("warning", "")
            self.scene = scene

    def _compute(self):
        raise NotImplementedError

    def _browser_scene(self, drawn):
        """The part of `drawn` the browser needs (all of it, unless a subclass keeps some for Python only)."""
        return drawn

    def guarded(self, action, *args):
        """Run `action(*args)` for an event from the browser; show an error in the widget instead of raising."""
        try:
            action(*args)
        except Exception as error:   # noqa: BLE001 - anything a student's click causes must not kill the view
            self.error = f"{type(error).__name__}: {error}"


def encode(value):
    """Make a scene JSON-ready: NumPy arrays -> bytes (uint8 as they are, anything else as float32), sent as
    binary buffers; non-finite floats -> None (JSON has no NaN)."""
    if isinstance(value, dict):
        return {key: encode(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [encode(item) for item in value]
    if isinstance(value, np.ndarray):
        if value.dtype == np.uint8:
            return value.tobytes()
        return np.ascontiguousarray(value, dtype=np.float32).tobytes()
    if isinstance(value, (np.floating, float)):
        value = float(value)
        return value if np.isfinite(value) else None
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return value


# --- checking what the student passes in --------------------------------------------------------------------

def as_params(params):
    """A copy of `params` as float64 NumPy arrays, after checking it is a list of {"W", "b"} dicts that fit.

    Raises TypeError or ShapeError with a message that says what is wrong and where.
    """
    if isinstance(params, dict) or not isinstance(params, (list, tuple)) or len(params) == 0:
        raise TypeError("params must be a non-empty list with one {'W': ..., 'b': ...} dict per layer, "
                        f"like course_lib.init_mlp([2, 4, 1]) returns; got {type(params).__name__}.")
    copied = []
    for i, layer in enumerate(params):
        if not isinstance(layer, dict) or "W" not in layer or "b" not in layer:
            raise TypeError(f"Layer {i} of params must be a dict with keys 'W' and 'b'; got {layer!r:.80}.")
        copied.append({"W": np.array(layer["W"], dtype=np.float64), "b": np.array(layer["b"], dtype=np.float64)})
    check_shapes(copied, np.zeros((1, copied[0]["W"].shape[0] if copied[0]["W"].ndim == 2 else 0)))
    return copied


def as_input(x, n_inputs, name="x"):
    """One input example as a (n_inputs,) float64 array, or None."""
    if x is None:
        return None
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    if x.shape != (n_inputs,):
        raise ShapeError(f"{name} must hold one value per input node: {n_inputs} values, shape ({n_inputs},); "
                         f"got {x.size} values.")
    return x


def sizes_of(params):
    return [params[0]["W"].shape[0]] + [layer["W"].shape[1] for layer in params]


def max_abs_weight(params):
    """The largest |weight| in the network (0 for an all-zero network)."""
    return max(float(np.max(np.abs(layer["W"]))) if layer["W"].size else 0.0 for layer in params)


def all_finite(params):
    return all(np.all(np.isfinite(layer["W"])) and np.all(np.isfinite(layer["b"])) for layer in params)


def fmt(value, digits=2):
    """A number for a label: '0.52', '-1.3e+03', 'nan'."""
    value = float(value)
    if not np.isfinite(value):
        return str(value)
    if value != 0 and (abs(value) >= 1000 or abs(value) < 10 ** -digits):
        return f"{value:.1e}"
    return f"{value:.{digits}f}"


__all__ = ["CourseWidget", "Style", "as_params", "as_input", "encode", "front_end", "fmt"]

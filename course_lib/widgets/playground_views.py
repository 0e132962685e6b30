"""The Playground's views: its network diagram (`PlaygroundDiagram`, a NetworkDiagram with a heatmap tile per node),
its output plane (`PlaygroundPlane`, plane.js) and its clock (`PlaygroundClock`, playground_clock.js, which drives
play and shows the epoch counter). Each shows a `course_lib.playground.PlaygroundState` with `show_state(state)`,
and sends nothing when the picture would not change. `course_lib.widgets.playground.Playground` puts them together.
"""
import anywidget
import numpy as np
import traitlets

from course_lib.playground import describe_architecture
from course_lib.widgets._base import HERE, CourseWidget, encode, front_end
from course_lib.widgets.boundary import (as_plane_data, diverging_indices, diverging_palette, palette_indices,
                                         regression_vmax)
from course_lib.widgets.curves import LinePlot
from course_lib.widgets.diagram import NetworkDiagram
from course_lib.widgets.planes import check_extent
from course_lib.widgets.playground_controls import FOCUS_CSS
from course_lib.widgets.playground_scenes import (diagram_options, loss_curves, playground_plane, rounded,
                                                  same_picture)


class SendsWhatChanged:
    """For a view redrawn at every update of play: its picture is sent in two synced traits, `scene` (what changes
    rarely: sizes, style, axes, captions; sent again only when it changes) and `frame` (what changes at every
    update; small). Both hold the full state, so a view opened later (a second front end) draws from them alone.

    A subclass says how in `_split(drawn)` -> (scene, frame); `drawn` stays the whole picture, as for every widget.
    """

    def _send_picture(self, drawn):
        scene, frame = self._split(drawn)
        scene = encode(scene)
        scene["style"] = self._style.to_json()
        with self.hold_sync():
            self.error = drawn.get("warning", "")
            if scene != {key: value for key, value in self.scene.items() if key != "version"}:
                self.scene = {**scene, "version": self._version}
            self.frame = {**encode(frame), "version": self._version, "scene_version": self.scene["version"]}

    def _split(self, drawn):
        raise NotImplementedError

    def _palette_bytes(self):
        """The diverging palette of this view's style, as the `palette` trait holds it; made again only when the
        style changes (a subclass sends its pictures as indices into it)."""
        made_for, palette = getattr(self, "_palette_made", (None, b""))
        if made_for is not self._style:
            palette = diverging_palette(self._style).tobytes()
            self._palette_made = (self._style, palette)
        return palette


# What changes in the diagram when only the weights change (the rest, where everything sits, stays while playing).
NODE_PER_UPDATE = ("value", "value_text", "sum", "fill", "text_color", "bias", "bias_text", "bias_color", "grad_b",
                   "grad_b_text")
EDGE_PER_UPDATE = ("weight", "width", "color", "label_color", "dash", "label", "grad", "grad_label")
LAYOUT = ("width", "height", "tile_shape", "show_gradients")     # with the nodes' and edges' other keys


class PlaygroundDiagram(SendsWhatChanged, NetworkDiagram):
    """The network diagram of a Playground state: edges by weight, a heatmap tile per node over the input plane.

    An ordinary NetworkDiagram with heatmaps (click an edge or a bias to edit it) whose inputs are the chosen
    features (`diagram_options`: the feature map in front); `show_state(state)` shows another state (new weights,
    or a new architecture) in one redraw.

    What it sends: where every node and edge sits in `scene` (sent again only when the network's shape changes), and
    at an update, in `frame`, what the weights change: each node's and each edge's numbers, colours and texts as
    columns (NODE_PER_UPDATE, EDGE_PER_UPDATE: frame["nodes"]["fill"][k] is node k's fill), the tiles as one byte
    per pixel, an index into `palette` (`boundary.diverging_palette`), and the description. diagram.js joins them
    into the picture `drawn` holds."""

    frame = traitlets.Dict().tag(sync=True)
    palette = traitlets.Bytes(b"").tag(sync=True)

    def __init__(self, state, extent, resolution=16, style=None):
        self._state = state
        super().__init__(state.host_params, activation=list(state.config.activations), output="linear",
                         editable=True, heatmaps=True, extent=check_extent(extent), resolution=resolution,
                         style=style, **diagram_options(state.config, style))

    @property
    def state(self):
        """The PlaygroundState drawn."""
        return self._state

    def show_state(self, state, extent=None):
        """Draw `state` (its weights, features and activations), once; nothing is sent when it draws the same."""
        extent = self._options["extent"] if extent is None else check_extent(extent)
        if self.drawn and same_picture(self._state, state) and extent == self._options["extent"]:
            self._state = state
            return
        old = self._state.config
        architecture_changed = (state.config.features, state.config.layer_sizes) != (old.features, old.layer_sizes)
        if architecture_changed or state.epoch < self._state.epoch:
            self._weight_scale = None          # a new start: let the edge widths rescale to the new weights
        self._state = state
        with self.redraw_once():
            self._options.update(extent=extent, **diagram_options(state.config, self.style))
            if architecture_changed:
                self.selected = None
            self.params = state.host_params
            self.activation = list(state.config.activations)

    def _split(self, drawn):
        # Positions to a tenth of a pixel, widths to a hundredth, weights to 6 significant digits: what the browser
        # can show, in about half the text.
        state = self._state
        nodes = [rounded(node, 1) for node in drawn["nodes"]]
        edges = [rounded(edge, 1) for edge in drawn["edges"]]
        scene = {key: drawn[key] for key in LAYOUT}
        scene["nodes"] = [{key: value for key, value in node.items() if key not in NODE_PER_UPDATE} for node in nodes]
        scene["edges"] = [{key: value for key, value in edge.items() if key not in EDGE_PER_UPDATE} for edge in edges]
        frame = {key: value for key, value in drawn.items()
                 if key not in (*LAYOUT, "nodes", "edges", "tiles", "tile_values")}
        frame["label"] = (f"Network diagram, epoch {state.epoch}: {describe_architecture(state.config)}, "
                          f"activations {', '.join(state.config.activations) or 'none'}; each node's tile is its "
                          "value over the plane, each edge's width its weight")
        frame["nodes"] = {key: [node[key] for node in nodes] for key in NODE_PER_UPDATE}
        frame["edges"] = {key: [edge[key] for edge in edges] for key in EDGE_PER_UPDATE}
        if drawn["tile_values"] is not None:
            self.palette = self._palette_bytes()
            frame["tile_indices"] = diverging_indices(drawn["tile_values"], 1.0)
        return scene, frame


class PlaygroundPlane(SendsWhatChanged, CourseWidget):
    """The output of a Playground's network over the input plane, with the training and test points.

    What it sends at an update of play: the picture as one byte per pixel, an index into `palette` (the diverging
    colour map, `boundary.diverging_palette`, sent when the style changes), and the accessible name, in `frame`.
    `drawn["image"]` is the RGBA picture (what the indices paint, within a unit or two per channel)."""

    _esm = front_end("plane.js")
    discretize = traitlets.Bool(False).tag(sync=True)
    show_test = traitlets.Bool(True).tag(sync=True)
    picked = traitlets.List(allow_none=True, default_value=None).tag(sync=True)
    point_groups = traitlets.List().tag(sync=True)
    palette = traitlets.Bytes(b"").tag(sync=True)
    frame = traitlets.Dict().tag(sync=True)

    redraws_on = ("discretize", "show_test")

    def __init__(self, state, extent, resolution=64, style=None, width=330, height=330):
        self._state = state
        self._options = {"extent": check_extent(extent), "resolution": int(resolution), "width": width,
                         "height": height}
        super().__init__(style=style)
        self._draw_first()

    def show_state(self, state, extent=None):
        """Draw `state`; nothing is sent when it draws the same (a new learning rate, say, changes no pixel)."""
        same_extent = extent is None or tuple(extent) == tuple(self._options["extent"])
        unchanged = self.drawn and same_extent and same_picture(self._state, state) and (
            self._state.history == state.history)
        self._state = state
        if extent is not None:
            self._options["extent"] = check_extent(extent)
        if not unchanged:
            self.redraw()

    def _split(self, drawn):
        # The points go apart, in `point_groups`, sent only when they change (new data, the test points shown or
        # hidden); the palette too. While playing, an update sends the picture's indices and the label only.
        self.point_groups = encode(drawn["points"])
        frame = {"label": drawn["label"]}
        if drawn["kind"] in ("probability", "value"):
            self.palette = self._palette_bytes()
            vmax = regression_vmax(as_plane_data(self._state.data)) if drawn["kind"] == "value" else None
            frame["indices"] = palette_indices(drawn, drawn["discretize"], vmax)
        else:                           # several classes: their colours, as RGBA
            frame["image"] = drawn["image"]
        per_update = ("values", "classes", "points", "image", "label", "train_score", "test_score")
        return {key: value for key, value in drawn.items() if key not in per_update}, frame

    def _compute(self):
        return playground_plane(self._state, discretize=self.discretize, show_test=self.show_test, style=self.style,
                                **self._options)


class PlaygroundCurve(SendsWhatChanged, LinePlot):
    """The Playground's loss curves (a LinePlot): `show_history(history)` draws `loss_curves(history)`.

    Its points are every few epochs (`curve_stride`), so while the stride stays, new epochs only add points at the
    end: `scene` holds the settled points (sent again when the stride doubles, on a new start, or once the added
    points pass TAIL_POINTS), `frame` the points after them, the axes' ranges and the accessible name. The front
    end draws scene's points followed by frame's; `drawn` is the whole curve as drawn."""

    _esm = front_end("lineplot.js")
    frame = traitlets.Dict().tag(sync=True)
    TAIL_POINTS = 48

    def __init__(self, history, **options):
        series = loss_curves(history)
        self._settled = series[0]["settled"]
        epochs = history.get("epoch") or [1]
        super().__init__(series, x_range=(0, max(epochs[-1], 1)), **options)

    def show_history(self, history, epoch):
        """Draw the loss curves of `history` up to `epoch` (the x axis runs from 0 to it)."""
        series = loss_curves(history)
        self._settled = series[0]["settled"]
        return self.show(series=series, x_range=(0, max(epoch, 1)))

    def _split(self, drawn):
        sent = self.scene.get("series")
        keep = self._settled
        if sent and len(sent) == len(drawn["series"]):
            # Still the settled points sent? Then only what follows them goes (while it stays short).
            sent_points = [(np.frombuffer(item["x"], np.float32), np.frombuffer(item["y"], np.float32))
                           for item in sent]
            count = len(sent_points[0][0])
            still = all(len(item["x"]) >= count and len(item["x"]) - count <= self.TAIL_POINTS
                        and np.array_equal(np.float32(item["x"][:count]), x, equal_nan=True)
                        and np.array_equal(np.float32(item["y"][:count]), y, equal_nan=True)
                        for item, (x, y) in zip(drawn["series"], sent_points))
            if still:
                keep = count
        per_update = ("x_range", "y_range", "description")
        scene = {key: value for key, value in drawn.items() if key not in per_update}
        scene["series"] = [{**item, "x": item["x"][:keep], "y": item["y"][:keep]} for item in drawn["series"]]
        frame = {key: drawn[key] for key in per_update}
        frame["series"] = [{"x": item["x"][keep:], "y": item["y"][keep:]} for item in drawn["series"]]
        return scene, frame


class PlaygroundLosses(anywidget.AnyWidget):
    """The losses as numbers (playground_losses.js): `lines`, each a list of [name, number as text] pairs; the
    browser sets only the numbers' text at an update. `value` is the same text as HTML (what is shown).

    >>> losses = PlaygroundLosses()
    >>> losses.lines = [[["Test loss", "0.512"], ["Training loss", "0.498"]]]
    >>> losses.value
    '<b>Test loss</b> 0.512 &nbsp; <b>Training loss</b> 0.498'
    """

    _esm = (HERE / "playground_losses.js").read_text(encoding="utf-8")
    lines = traitlets.List().tag(sync=True)

    @property
    def value(self):
        return "<br>".join(" &nbsp; ".join(f"<b>{name}</b> {number}" for name, number in line) for line in self.lines)


class PlaygroundClock(anywidget.AnyWidget):
    """Play's clock and the epoch counter. While `running`, the browser (playground_clock.js) asks for the updates up
    to `frames_ahead` past the last `frame` that arrived; the kernel makes them, one at most every `interval_ms`."""

    _esm = (HERE / "playground_clock.js").read_text(encoding="utf-8")
    _css = FOCUS_CSS
    running = traitlets.Bool(False).tag(sync=True)
    frame = traitlets.Int(0).tag(sync=True)
    frames_ahead = traitlets.Int(6).tag(sync=True)
    interval_ms = traitlets.Int(33)               # kernel side only: the browser does not pace play
    status = traitlets.Unicode("").tag(sync=True)


__all__ = ["PlaygroundDiagram", "PlaygroundPlane", "PlaygroundCurve", "PlaygroundClock", "PlaygroundLosses",
           "SendsWhatChanged"]

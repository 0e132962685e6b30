"""The Playground's views: its network diagram (`PlaygroundDiagram`, a NetworkDiagram with a heatmap tile per node),
its output plane (`PlaygroundPlane`, plane.js) and its clock (`PlaygroundClock`, playground_clock.js, which drives
play and shows the epoch counter). Each shows a `course_lib.playground.PlaygroundState` with `show_state(state)`,
and sends nothing when the picture would not change. `course_lib.widgets.playground.Playground` puts them together.
"""
import anywidget
import traitlets

from course_lib.playground import describe_architecture
from course_lib.widgets._base import HERE, CourseWidget, encode, front_end
from course_lib.widgets.diagram import NetworkDiagram
from course_lib.widgets.planes import check_extent
from course_lib.widgets.playground_controls import FOCUS_CSS
from course_lib.widgets.playground_scenes import diagram_options, playground_plane, rounded, same_picture


class PlaygroundDiagram(NetworkDiagram):
    """The network diagram of a Playground state: edges by weight, a heatmap tile per node over the input plane.

    An ordinary NetworkDiagram with heatmaps (click an edge or a bias to edit it) whose inputs are the chosen
    features (`diagram_options`: the feature map in front); `show_state(state)` shows another state (new weights,
    or a new architecture) in one redraw."""

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

    def _browser_scene(self, drawn):
        # Positions to a tenth of a pixel, widths to a hundredth, weights to 6 significant digits: what the browser
        # can show, in about half the text (the diagram is the largest message of an update).
        state = self._state
        label = (f"Network diagram, epoch {state.epoch}: {describe_architecture(state.config)}, "
                 f"activations {', '.join(state.config.activations) or 'none'}; each node's tile is its value over "
                 "the plane, each edge's width its weight")
        return {**drawn, "nodes": [rounded(node, 1) for node in drawn["nodes"]],
                "edges": [rounded(edge, 1) for edge in drawn["edges"]], "label": label}


class PlaygroundPlane(CourseWidget):
    """The output of a Playground's network over the input plane, with the training and test points."""

    _esm = front_end("plane.js")
    discretize = traitlets.Bool(False).tag(sync=True)
    show_test = traitlets.Bool(True).tag(sync=True)
    picked = traitlets.List(allow_none=True, default_value=None).tag(sync=True)
    point_groups = traitlets.List().tag(sync=True)

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

    def _browser_scene(self, drawn):
        # The points go apart from the scene, in `point_groups`, which is sent only when they change (new data, or
        # the test points shown or hidden): while playing, an update sends the picture and the numbers only.
        self.point_groups = encode(drawn["points"])
        return {key: value for key, value in drawn.items() if key not in ("values", "classes", "points")}

    def _compute(self):
        return playground_plane(self._state, discretize=self.discretize, show_test=self.show_test, style=self.style,
                                **self._options)


class PlaygroundClock(anywidget.AnyWidget):
    """Drives play from the browser (playground_clock.js) and shows the epoch counter."""

    _esm = (HERE / "playground_clock.js").read_text(encoding="utf-8")
    _css = FOCUS_CSS
    running = traitlets.Bool(False).tag(sync=True)
    frame = traitlets.Int(0).tag(sync=True)
    interval_ms = traitlets.Int(33).tag(sync=True)
    max_in_flight = traitlets.Int(3).tag(sync=True)
    status = traitlets.Unicode("").tag(sync=True)


__all__ = ["PlaygroundDiagram", "PlaygroundPlane", "PlaygroundClock"]

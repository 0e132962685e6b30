"""What the Playground sends while it plays: compact pictures, only what changed, and the full state in its traits.

The front ends (plane.js, lineplot.js) are mirrored here in NumPy: the plane's picture is `palette[indices]`, the
loss curve is scene's points followed by frame's. Each test decodes what a browser would receive and compares it
with what Python says is drawn (`drawn`), which the other tests check against the network.
"""
import json

import numpy as np
import pytest

from bench.recording_comm import RecordingComm
from course_lib import playground as pg
from course_lib.widgets._base import encode
from course_lib.widgets.boundary import NAN_INDEX, PALETTE_LEVELS, diverging_palette, grid_rgba, palette_indices
from course_lib.widgets.playground import Playground
from course_lib.widgets.playground_scenes import CURVE_POINTS, curve_stride, loss_curves, rounded
from course_lib.widgets.playground_views import PlaygroundCurve
from course_lib.widgets.style import get_style


def small(**settings):
    return pg.PlaygroundConfig(**{"n_points": 120, "hidden": (4, 2), "batch_size": 10, **settings})


# ------------------------------------------------------------------------------------------------ the palette


def decoded(palette, indices):
    """What plane.js paints: each byte an index into the palette."""
    return palette[indices]


def largest_channel_error(image, other):
    return int(np.max(np.abs(image.astype(int) - other.astype(int))))


def sweep_grid(kind, vmax=1.0):
    """Values across the whole map and past its ends, with NaN and infinities, as a (rows, cols) grid."""
    if kind == "probability":
        values = np.concatenate([np.linspace(0.0, 1.0, 10_001), [0.5, 1e-9, 1 - 1e-9, np.nan, np.inf]])
    else:
        values = np.concatenate([np.linspace(-1.5 * vmax, 1.5 * vmax, 10_001), [0.0, np.nan, -np.inf, np.inf]])
    values = np.concatenate([values, np.full(-len(values) % 50, 0.25)])
    return {"kind": kind, "values": values.reshape(50, -1), "classes": None}


@pytest.mark.parametrize("style", [None, "presentation"])
@pytest.mark.parametrize("kind, vmax", [("probability", None), ("value", 1.0), ("value", 3.7)])
@pytest.mark.parametrize("discretize", [False, True])
def test_the_indexed_picture_paints_grid_rgbas_colours_within_one_unit(kind, vmax, discretize, style):
    style = get_style(style)
    grid = sweep_grid(kind, vmax or 1.0)
    exact = grid_rgba(grid, discretize, 2, style, vmax=vmax)
    painted = decoded(diverging_palette(style), palette_indices(grid, discretize, vmax))
    # A step of the palette moves a channel by at most 255 / 127 ≈ 2 units; the nearest step is within one.
    assert largest_channel_error(painted, exact) <= 1
    # The ends (and beyond), the neutral middle and the grey of NaN are exact.
    center, scale = (0.5, 0.5) if kind == "probability" else (0.0, vmax)
    special = {"kind": kind, "classes": None,
               "values": np.array([[center - scale, center, center + scale, center + 2 * scale, np.nan]])}
    np.testing.assert_array_equal(decoded(diverging_palette(style), palette_indices(special, discretize, vmax)),
                                  grid_rgba(special, discretize, 2, style, vmax=vmax))
    if not discretize:
        assert palette_indices(special, False, vmax).tolist() == [[0, PALETTE_LEVELS, 2 * PALETTE_LEVELS,
                                                                   2 * PALETTE_LEVELS, NAN_INDEX]]


def test_a_wrong_quantisation_is_caught():
    """The comparison above fails for a quantiser that is off by one step (floor instead of the nearest step), or
    that forgets to flip the rows, or that maps the ends wrong: the tolerance of one unit is tight enough."""
    grid = sweep_grid("probability")
    style = get_style(None)
    exact = grid_rgba(grid, False, 2, style)
    palette = diverging_palette(style)
    values, finite = grid["values"], np.isfinite(grid["values"])
    t = np.clip(np.where(finite, (values - 0.5) / 0.5, 0.0), -1, 1)
    floor = np.floor((t + 1) * PALETTE_LEVELS).astype(np.uint8)
    floor[~finite] = NAN_INDEX
    assert largest_channel_error(decoded(palette, floor[::-1]), exact) > 1
    unflipped = palette_indices(grid, False)[::-1]
    assert largest_channel_error(decoded(palette, unflipped), exact) > 100
    too_few_levels = np.rint((t + 1) * 100).astype(np.uint8)
    too_few_levels[~finite] = NAN_INDEX
    assert largest_channel_error(decoded(palette, too_few_levels[::-1]), exact) > 1
    correct = palette_indices(grid, False)
    assert largest_channel_error(decoded(palette, correct), exact) <= 1


def test_palette_indices_refuse_several_classes():
    with pytest.raises(ValueError, match="needs grid_rgba"):
        palette_indices({"kind": "classes", "values": np.zeros((2, 2)), "classes": np.zeros((2, 2), int)}, False)
    with pytest.raises(ValueError, match="levels must be 1 to 127"):
        diverging_palette(levels=128)


@pytest.mark.parametrize("settings", [{}, {"task": "regression", "dataset": "regression_gaussians"}])
def test_the_playgrounds_plane_sends_indices_that_paint_its_drawn_image(settings):
    view = Playground(small(**settings))
    view.train(5)
    for discretize in (False, True):
        view.plane.discretize = discretize
        drawn = view.drawn["boundary"]
        indices = np.frombuffer(view.plane.frame["indices"], np.uint8).reshape(drawn["image_shape"])
        palette = np.frombuffer(view.plane.palette, np.uint8).reshape(256, 4)
        assert largest_channel_error(decoded(palette, indices), drawn["image"]) <= 1
        assert "image" not in view.plane.scene and "image" not in view.plane.frame     # 1 byte a pixel, not 4


# ------------------------------------------------------------------------------------------------ the curve


def history_of(n_epochs, start=0):
    epochs = np.arange(start + 1, start + n_epochs + 1)
    return {"epoch": list(epochs), "train_loss": list(1.0 / epochs), "val_loss": list(1.2 / epochs + 0.01),
            "train_accuracy": [0.5] * n_epochs, "val_accuracy": [0.5] * n_epochs}


class CurveFrontEnd:
    """lineplot.js in NumPy: scene's points, then frame's (when frame belongs to that scene)."""

    def __init__(self, view):
        self.view = view

    def series(self):
        scene, frame = self.view.scene, self.view.frame
        assert frame["scene_version"] == scene["version"]
        return [(np.concatenate([np.frombuffer(s["x"], np.float32), np.frombuffer(f["x"], np.float32)]),
                 np.concatenate([np.frombuffer(s["y"], np.float32), np.frombuffer(f["y"], np.float32)]))
                for s, f in zip(scene["series"], frame["series"])]


def assert_draws_the_history(view, history):
    expected = loss_curves(history)
    for (x, y), drawn, wanted in zip(CurveFrontEnd(view).series(), view.drawn["series"], expected):
        np.testing.assert_array_equal(x, np.float32(drawn["x"]))      # what the browser joins is what is drawn
        np.testing.assert_array_equal(y, np.float32(drawn["y"]))
        np.testing.assert_array_equal(drawn["x"], wanted["x"])
        epochs = history["epoch"]
        if epochs:
            assert x[0] == epochs[0] and x[-1] == epochs[-1]          # from the first epoch to the last
            steps = np.diff(x[:-1]) if len(x) > 2 else np.zeros(0)
            stride = curve_stride(len(epochs))
            assert np.all(steps == stride)                             # evenly spaced: no gap, no duplicate
            assert 0 < x[-1] - x[-2] <= stride if len(x) > 1 else True
            assert len(x) <= CURVE_POINTS


def test_the_curve_sends_only_new_points_and_stays_right_over_thousands_of_epochs():
    view = PlaygroundCurve(history_of(0), x_label="epoch", y_label="loss")
    comm = view.comm = RecordingComm()
    full_sends, frame_bytes = 0, []
    for n in range(2, 5001, 2):                # play: 2 epochs per update, 2500 updates
        scene_version = view.scene.get("version")
        before = comm.bytes
        view.show_history(history_of(n), n)
        assert_draws_the_history(view, history_of(n))
        if view.scene["version"] != scene_version:
            full_sends += 1
        else:
            frame_bytes.append(comm.bytes - before)
    # The settled points are sent again only when the stride doubles (400 -> 800 -> 1600 -> 3200 epochs) or when
    # the new points pass TAIL_POINTS (every 24 updates at stride 1, 48 at stride 2, ...): about 70 times of 2500.
    assert full_sends < 80
    assert max(frame_bytes) < 1500                 # the new points (at most 49 per series), ranges and the name
    # A reset: a short history again, drawn right, from a new scene.
    version = view.scene["version"]
    view.show_history(history_of(3), 3)
    assert view.scene["version"] != version
    assert_draws_the_history(view, history_of(3))
    view.show_history(history_of(0), 0)
    assert_draws_the_history(view, history_of(0))
    assert [len(x) for x, _ in CurveFrontEnd(view).series()] == [0, 0]


def test_the_curve_notices_another_history_of_the_same_length():
    """An imported state with another history: the settled points differ, so they are sent again."""
    view = PlaygroundCurve(history_of(0))
    view.show_history(history_of(100), 100)
    other = history_of(102)
    other["train_loss"][10] = 5.0
    view.show_history(other, 102)
    assert_draws_the_history(view, other)
    assert np.frombuffer(view.scene["series"][0]["y"], np.float32)[10] == 5.0


# ------------------------------------------------------------------------------------------------ the wire


class StateComm(RecordingComm):
    """Records bytes per message and keeps the state the messages have set (what a front end model holds)."""

    def __init__(self):
        super().__init__()
        self.sizes, self.state, self.keys = [], {}, []     # bytes and traits of each message; the traits set

    def send(self, data=None, metadata=None, buffers=None):
        before = self.bytes
        super().send(data, metadata, buffers)
        self.sizes.append(self.bytes - before)
        assert data["method"] == "update", "everything goes in synced traits, no custom messages"
        self.keys.append(set(data["state"]))
        state = json.loads(json.dumps(data["state"]))
        for path, buffer in zip(data.get("buffer_paths", []), buffers or []):
            target = state
            for key in path[:-1]:
                target = target[key]
            target[path[-1]] = bytes(memoryview(buffer).cast("B"))
        self.state.update(state)


def attached(widget):
    """A StateComm for `widget` that starts from the widget's state (what a front end opened now receives)."""
    comm = StateComm()
    comm.state.update(plain(widget.get_state()))
    widget.comm = comm
    return comm


def play(view, updates):
    for _ in range(updates):
        view._on_clock_message(None, {"type": "ask", "until": view.clock.frame + 1}, [])


# Bytes per update in steady state, measured with this code on the notebook's default Playground (2-4-2-1 on XOR,
# 64² plane, 16² tiles), epochs 900-1000 of play: plane 4.36 kB (4,096 bytes of indices and its accessible name),
# curve 1.1 kB on average (the points after the settled ones, up to 48 a series, and every 96 updates the 400
# settled points again), clock 0.1 kB, losses 0.01 kB (their text changes only when a number does); the diagram
# 4.7 kB each time it is redrawn (9 tiles of 16² palette indices, 2.3 kB, and its nodes' and edges' values as
# columns). Before, the same Playground sent 17.8 kB for the plane alone, 7.6 kB for the curve at 400 points and
# 17.1 kB for the diagram (its tiles as RGBA, its nodes and edges whole at every redraw).
PLANE_BOUND = 4_600          # 64 x 64 bytes of indices + the accessible name and the versions
OTHERS_BOUND = 1_800         # curve (averaged, its resends included) + clock + losses
DIAGRAM_BOUND = 5_500        # one redraw of the diagram
CADENCE_BOUND = 8_500        # at 20 updates/s with the diagram at 10/s: the above, the diagram every other update


def test_steady_state_bytes_per_update_and_a_second_view_has_everything():
    view = Playground(diagram_interval=0.1)
    names = ("plane", "curve", "clock", "losses", "diagram")
    comms = {name: StateComm() for name in names}
    widgets = {"plane": view.plane, "curve": view.curve, "clock": view.clock, "losses": view.losses,
               "diagram": view.diagram}
    for name, widget in widgets.items():
        widget.comm = comms[name]
    view.play()
    play(view, 450)                    # past 400 epochs: the curve has thinned once (stride 2 from 401 epochs on)
    for comm in comms.values():
        comm.sizes.clear()
    view.diagram_interval = 1e9        # the diagram apart: its share is measured per redraw below
    play(view, 50)
    per_update = {name: sum(comms[name].sizes) / 50 for name in names}
    assert per_update["diagram"] == 0
    assert per_update["plane"] < PLANE_BOUND, per_update
    assert per_update["curve"] + per_update["clock"] + per_update["losses"] < OTHERS_BOUND, per_update
    view.diagram_interval = 0
    play(view, 5)
    diagram_per_redraw = sum(comms["diagram"].sizes) / 5
    assert diagram_per_redraw < DIAGRAM_BOUND
    # Playing at 20 updates/s with the diagram at its 10/s cadence (redrawn every other update).
    at_cadence = per_update["plane"] + per_update["curve"] + per_update["clock"] + per_update["losses"] + \
        diagram_per_redraw / 2
    assert at_cadence < CADENCE_BOUND, (per_update, diagram_per_redraw)

    # A second front end opened now gets the models' state: it alone draws the same picture.
    view.pause()
    plane = {**view.plane.get_state()}
    indices = np.frombuffer(plane["frame"]["indices"], np.uint8).reshape(plane["scene"]["image_shape"])
    palette = np.frombuffer(plane["palette"], np.uint8).reshape(256, 4)
    assert plane["frame"]["scene_version"] == plane["scene"]["version"] and plane["point_groups"]
    assert largest_channel_error(decoded(palette, indices), view.drawn["boundary"]["image"]) <= 1
    assert_draws_the_history(view.curve, view.state.history)
    # ... and what the messages set is that state: the front end's models hold traits, not a trail of deltas.
    for name in ("plane", "curve"):
        state = widgets[name].get_state()
        assert comms[name].state.keys() >= {"frame"}
        for key, value in comms[name].state.items():
            assert value == plain(state[key]), (name, key)


class DiagramFrontEnd:
    """diagram.js's pictureOf in NumPy: the scene's nodes and edges, each completed by its row of the frame's
    columns; the tiles, palette[indices]."""

    def __init__(self, state):
        self.state = state              # the traits as a front end's model holds them

    def picture(self):
        scene, frame = self.state["scene"], self.state["frame"]
        assert frame["scene_version"] == scene["version"]
        row = lambda columns, k: {key: values[k] for key, values in columns.items()}   # noqa: E731
        rows, cols = scene["tile_shape"]
        palette = np.frombuffer(self.state["palette"], np.uint8).reshape(256, 4)
        return {**scene, **frame,
                "nodes": [{**node, **row(frame["nodes"], k)} for k, node in enumerate(scene["nodes"])],
                "edges": [{**edge, **row(frame["edges"], k)} for k, edge in enumerate(scene["edges"])],
                "tiles": palette[np.frombuffer(frame["tile_indices"], np.uint8)].reshape(-1, rows, cols, 4)}


def test_the_diagram_sends_its_layout_once_then_what_the_weights_change():
    view = Playground(small(), diagram_interval=0)
    comm = attached(view.diagram)
    view.play()
    play(view, 20)
    assert all("frame" in keys and "scene" not in keys for keys in comm.keys), comm.keys   # the layout stays
    for architecture_change in (False, True):
        joined, drawn = DiagramFrontEnd(comm.state).picture(), view.drawn["diagram"]
        # What the browser joins is what Python draws: every node and edge, each key (floats shortened for
        # sending, as rounded() does), the tiles within one unit of their RGBA pictures, the description.
        as_sent = lambda items: json.loads(json.dumps(encode([rounded(item, 1) for item in items])))  # noqa: E731
        assert joined["nodes"] == as_sent(drawn["nodes"])
        assert joined["edges"] == as_sent(drawn["edges"])
        assert joined["tiles"].shape == drawn["tiles"].shape
        assert largest_channel_error(joined["tiles"], drawn["tiles"]) <= 1
        assert joined["description"] == drawn["description"] and joined["label"].startswith("Network diagram, epoch")
        if not architecture_change:
            comm.keys.clear()
            view.pause()
            view.layer_rows[0]["plus"].click()           # one neuron more: the layout is sent again, once
            assert sum("scene" in keys for keys in comm.keys) == 1
            assert len(comm.state["scene"]["nodes"]) == len(drawn["nodes"]) + 1


def test_a_wrongly_joined_diagram_is_caught():
    """The comparisons above fail when a column is joined to the wrong node (shifted by one), or when the tiles are
    painted with the colour map the wrong way round."""
    view = Playground(small(), diagram_interval=0)
    comm = attached(view.diagram)
    view.train(5)
    state, drawn = comm.state, view.drawn["diagram"]
    shifted = {**state, "frame": {**state["frame"], "nodes": {key: values[1:] + values[:1]
                                                             for key, values in state["frame"]["nodes"].items()}}}
    as_sent = json.loads(json.dumps(encode([rounded(node, 1) for node in drawn["nodes"]])))
    assert DiagramFrontEnd(state).picture()["nodes"] == as_sent
    assert DiagramFrontEnd(shifted).picture()["nodes"] != as_sent
    palette = np.frombuffer(state["palette"], np.uint8).reshape(256, 4).copy()
    palette[:2 * PALETTE_LEVELS + 1] = palette[2 * PALETTE_LEVELS::-1].copy()
    backwards = {**state, "palette": palette.tobytes()}
    assert largest_channel_error(DiagramFrontEnd(state).picture()["tiles"], drawn["tiles"]) <= 1
    assert largest_channel_error(DiagramFrontEnd(backwards).picture()["tiles"], drawn["tiles"]) > 1


def plain(value):
    """A trait's value as a front end receives it (tuples as lists, buffers as bytes)."""
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, memoryview):
        return value.tobytes()
    return value

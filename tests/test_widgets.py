"""The widgets, without a browser: what they draw follows the network and the controls.

Each widget keeps what it draws in `.drawn` (and sends the same, encoded, in its `scene` trait). These
tests move the controls from Python, the way a click or a slider does, and check that the drawing data
changes and agrees with course_lib's own math (forward, backprop, fit). The browser side is in
tests/browser/test_widgets_browser.py.
"""
import json
import pathlib
import re

import numpy as np
import pytest
from ipywidgets.widgets.widget import _remove_buffers

from course_lib import ShapeError, backprop, datasets, fit, forward, init_mlp
from course_lib.activations import get_activation, get_activation_derivative
from bench.widget_candidates import benchmark_update_latency
from course_lib.widgets import (PRESENTATION, DecisionBoundary, LinePlot, LossCurve, NetworkDiagram, NeuronHeatmaps,
                                TrainingReplay, WeightMatrices, activation_explorer, boundary_grid, diagram_layout,
                                layer_grids, learning_rate_explorer, link_input, link_params, use_style)
from bench.recording_comm import RecordingComm
from course_lib.widgets.diagram import _text_color_on
from course_lib.widgets.style import (CLASS_MARKERS, DEFAULT, class_rgba, contrast_ratio, diverging_rgba, hex_to_rgb,
                                     sequential_rgba)

WIDGETS_DIR = pathlib.Path(__file__).resolve().parents[1] / "course_lib" / "widgets"


@pytest.fixture(scope="module")
def xor():
    return datasets.load("xor", n=120, seed=0)


@pytest.fixture
def params():
    return init_mlp([2, 4, 1], seed=0)


def numpy_params(params):
    return [{"W": np.asarray(p["W"], np.float64), "b": np.asarray(p["b"], np.float64)} for p in params]


def sent_to_browser(widget):
    """What the kernel would send for the widget's scene: JSON (strictly, no NaN) plus binary buffers."""
    state, _, buffers = _remove_buffers({"scene": widget.scene})
    return json.loads(json.dumps(state, allow_nan=False)), buffers


# --- style -----------------------------------------------------------------------------------------------

def test_sign_colours_are_blue_and_orange_not_red_and_green():
    positive, negative = hex_to_rgb(DEFAULT.positive), hex_to_rgb(DEFAULT.negative)
    assert positive[2] > positive[0] and positive[2] > positive[1]           # blue dominates
    assert negative[0] > negative[1] > negative[2]                            # orange: red > green > blue
    assert negative[1] > 60                                                   # not a pure red
    assert DEFAULT.class_colors[:2] == (DEFAULT.negative, DEFAULT.positive)   # class 0 / 1 match the signs


def test_colour_maps_hit_their_ends_and_paint_nan_grey():
    rgba = diverging_rgba(np.array([-2.0, 0.0, 2.0, np.nan]), vmax=2.0)
    assert rgba[0, :3].tolist() == hex_to_rgb(DEFAULT.negative).tolist()
    assert rgba[1, :3].tolist() == hex_to_rgb(DEFAULT.neutral).tolist()
    assert rgba[2, :3].tolist() == hex_to_rgb(DEFAULT.positive).tolist()
    assert rgba[3, :3].tolist() == [150, 150, 150]
    seq = sequential_rgba(np.array([0.0, 1.0]), 0.0, 1.0)
    assert seq[0, :3].tolist() == hex_to_rgb(DEFAULT.sequential[0]).tolist()
    assert seq[1, :3].tolist() == hex_to_rgb(DEFAULT.sequential[-1]).tolist()
    sure_unsure = class_rgba(np.array([2, 2]), np.array([1.0, 1 / 3]), 3)
    assert sure_unsure[0, :3].tolist() == hex_to_rgb(DEFAULT.class_color(2)).tolist()
    assert sure_unsure[1, :3].tolist() == hex_to_rgb(DEFAULT.neutral).tolist()


def test_presentation_style_is_bigger_and_switchable(params):
    previous = use_style(PRESENTATION)
    try:
        big = NetworkDiagram(params)
    finally:
        use_style(previous)
    small = NetworkDiagram(params)
    assert big.scene["style"]["font_size"] > small.scene["style"]["font_size"]
    assert max(e["width"] for e in big.drawn["edges"]) > max(e["width"] for e in small.drawn["edges"])
    small.style = "presentation"          # restyling a live widget redraws it
    assert small.scene["style"]["font_size"] == PRESENTATION.font_size
    with pytest.raises(ValueError, match="default, presentation"):
        use_style("projector")


# --- the network diagram ------------------------------------------------------------------------------------

def test_diagram_layout_draws_every_node_and_edge_with_width_and_sign(params):
    layout = diagram_layout(params)
    assert len(layout["nodes"]) == 2 + 4 + 1 and len(layout["edges"]) == 2 * 4 + 4 * 1
    weights = np.array([e["weight"] for e in layout["edges"]])
    widths = np.array([e["width"] for e in layout["edges"]])
    order = np.argsort(np.abs(weights))
    assert np.all(np.diff(widths[order]) >= 0)                    # wider edge <=> larger |weight|
    assert widths[order[-1]] == pytest.approx(DEFAULT.edge_width[1])
    for edge in layout["edges"]:
        assert edge["color"] == (DEFAULT.positive if edge["weight"] >= 0 else DEFAULT.negative)
        assert edge["dash"] == (edge["weight"] < 0)
        assert edge["weight"] == pytest.approx(float(params[edge["layer"]]["W"][edge["i"], edge["j"]]))
    hidden = [n for n in layout["nodes"] if n["kind"] == "hidden"]
    assert [n["bias"] for n in hidden] == [0.0] * 4 and all(n["bias_text"] == "b 0.00" for n in hidden)


def test_diagram_node_values_are_the_forward_pass(params):
    x = np.array([0.7, -1.2])
    layout = diagram_layout(params, activation="tanh", output="sigmoid", x=x)
    _, layers = forward(numpy_params(params), x.reshape(1, -1), activation="tanh", output="sigmoid",
                        return_hidden=True)
    by_layer = lambda k: [n["value"] for n in layout["nodes"] if n["layer"] == k]   # noqa: E731
    assert by_layer(0) == pytest.approx(x.tolist())
    assert by_layer(1) == pytest.approx(np.asarray(layers[0]["a"])[0].tolist())
    assert by_layer(2) == pytest.approx(np.asarray(layers[1]["a"])[0].tolist())
    assert [n["sum"] for n in layout["nodes"] if n["layer"] == 2] == pytest.approx(np.asarray(layers[1]["z"])[0])


def test_diagram_shows_backprop_gradients_on_request(params):
    x, y = np.array([1.0, 0.0]), np.array([1])
    diagram = NetworkDiagram(params, activation="tanh", x=x, y=y, loss="binary_cross_entropy")
    assert all(e["grad"] is None for e in diagram.drawn["edges"])
    diagram.show_gradients = True
    expected = backprop(numpy_params(params), x.reshape(1, -1), y, activation="tanh", loss="binary_cross_entropy")
    for edge in diagram.drawn["edges"]:
        assert edge["grad"] == pytest.approx(expected[edge["layer"]]["W"][edge["i"], edge["j"]])
        assert edge["grad_label"].startswith("∇")
    output = [n for n in diagram.drawn["nodes"] if n["kind"] == "output"][0]
    assert output["grad_b"] == pytest.approx(expected[1]["b"][0])
    # gradients the student computed are shown as given
    mine = [{"W": np.full_like(p["W"], 0.5), "b": np.full_like(p["b"], -0.25)} for p in numpy_params(params)]
    diagram.grads = mine
    assert {e["grad"] for e in diagram.drawn["edges"]} == {0.5}


def test_setting_a_weight_changes_what_the_diagram_draws(params):
    # W[1, 1] is not the largest weight, so -3.0 (the new largest) must draw a wider edge.
    assert abs(float(params[0]["W"][1, 1])) < max(abs(float(w)) for w in np.ravel(params[0]["W"]))
    diagram = NetworkDiagram(params, activation="relu", x=[1.0, 1.0])
    before_version = diagram.scene["version"]
    before = {(e["layer"], e["i"], e["j"]): e for e in diagram.drawn["edges"]}
    unit_1_before = diagram.drawn["nodes"][2 + 1]["sum"]
    diagram.set_weight(0, 1, 1, -3.0)
    after = {(e["layer"], e["i"], e["j"]): e for e in diagram.drawn["edges"]}
    assert after[(0, 1, 1)]["weight"] == -3.0 and after[(0, 1, 1)]["color"] == DEFAULT.negative
    assert after[(0, 1, 1)]["width"] != before[(0, 1, 1)]["width"]
    # hidden unit 1 gets x2 * W[1, 1]: its weighted sum moved by 1.0 * (-3 - old weight)
    old_weight = before[(0, 1, 1)]["weight"]
    assert diagram.drawn["nodes"][2 + 1]["sum"] == pytest.approx(unit_1_before + (-3.0 - old_weight))
    assert diagram.scene["version"] == before_version + 1
    assert float(diagram.params[0]["W"][1, 1]) == -3.0
    assert float(params[0]["W"][1, 1]) != -3.0                    # the caller's params are never modified
    # the encoded scene the browser gets carries the same edge
    scene, _ = sent_to_browser(diagram)
    sent = [e for e in scene["scene"]["edges"] if (e["layer"], e["i"], e["j"]) == (0, 1, 1)][0]
    assert sent["weight"] == -3.0
    diagram.set_bias(0, 3, 0.75)
    assert [n for n in diagram.drawn["nodes"] if n["layer"] == 1][3]["bias"] == 0.75


def test_a_click_and_slider_in_the_browser_edit_the_weight(params):
    diagram = NetworkDiagram(params)
    diagram.selected = {"layer": 1, "kind": "W", "i": 2, "j": 0}          # what a click on an edge sets
    assert diagram.drawn["selected_value"] == pytest.approx(float(params[1]["W"][2, 0]))
    diagram._on_browser_message(diagram, {"type": "set", "layer": 1, "kind": "W", "i": 2, "j": 0, "value": 1.5}, [])
    assert float(diagram.params[1]["W"][2, 0]) == 1.5 and diagram.drawn["selected_value"] == 1.5
    diagram._on_browser_message(diagram, {"type": "set", "layer": 0, "kind": "b", "i": 0, "j": 1, "value": -0.5}, [])
    assert float(diagram.params[0]["b"][1]) == -0.5
    # a message for a weight that does not exist shows an error in the widget instead of raising
    diagram._on_browser_message(diagram, {"type": "set", "layer": 5, "kind": "W", "i": 0, "j": 0, "value": 1}, [])
    assert "layer 5 does not exist" in diagram.error


def test_weight_slider_and_diagram_follow_each_other(params):
    diagram = NetworkDiagram(params)
    slider = diagram.weight_slider(0, 1, 1)
    slider.value = 1.25
    assert float(diagram.params[0]["W"][1, 1]) == 1.25
    diagram.set_weight(0, 1, 1, -0.5)
    assert slider.value == -0.5


def test_diagram_with_tiles_draws_each_node_over_the_plane(params):
    extent = (-2.0, 2.0, -1.0, 1.0)
    diagram = NetworkDiagram(params, activation="tanh", heatmaps=True, extent=extent, resolution=9)
    tiles = diagram.drawn["tiles"]
    assert tiles.shape == (7, 9, 9, 4) and tiles.dtype == np.uint8
    # tile 2 is hidden unit 0: its top-right pixel is the unit at (x1_max, x2_max)
    grid = layer_grids(numpy_params(params), extent, 9, "tanh")[1]
    vmax = np.abs(grid).max()
    expected = diverging_rgba(np.array([grid[-1, -1, 0]]), vmax)[0]
    assert tiles[2, 0, -1].tolist() == expected.tolist()
    before = tiles.copy()
    diagram.set_weight(0, 0, 0, -2.0)
    assert not np.array_equal(before[2], diagram.drawn["tiles"][2])


def test_bad_input_gives_clear_errors_and_keeps_the_drawing(params):
    diagram = NetworkDiagram(params)
    drawn = diagram.drawn
    with pytest.raises(ShapeError, match=r"Layer 1: W has shape \(3, 1\).*layer 0's output has 4 columns"):
        diagram.params = [{"W": np.zeros((2, 4)), "b": np.zeros(4)}, {"W": np.zeros((3, 1)), "b": np.zeros(1)}]
    assert diagram.drawn is drawn and diagram.params[1]["W"].shape == (4, 1)
    with pytest.raises(ShapeError, match=r"Layer 0: b has shape \(3,\)"):
        diagram.params = [{"W": np.zeros((2, 4)), "b": np.zeros(3)}, {"W": np.zeros((4, 1)), "b": np.zeros(1)}]
    diagram.x = [0.5, 0.5]
    with pytest.raises(ShapeError, match="x with 2 values, but the new network has 3 inputs"):
        diagram.params = init_mlp([3, 2, 1])
    assert diagram.drawn["nodes"][0]["value"] == 0.5
    with pytest.raises(TypeError, match="list with one"):
        NetworkDiagram({"W": np.zeros((2, 1)), "b": np.zeros(1)})
    with pytest.raises(ValueError, match="Valid activations are: .*relu"):
        NetworkDiagram(params, activation="rleu")
    with pytest.raises(ValueError, match="Valid outputs are: linear, sigmoid, softmax"):
        NetworkDiagram(params, output="probability")
    with pytest.raises(ShapeError, match="2 values"):
        diagram.x = [1.0, 2.0, 3.0]
    with pytest.raises(IndexError, match=r"Layer 0 has no W\[2, 0\]"):
        diagram.set_weight(0, 2, 0, 1.0)
    with pytest.raises(ShapeError, match="exactly 2 inputs"):
        NetworkDiagram(init_mlp([3, 2, 1]), heatmaps=True)


def test_nan_weights_are_drawn_grey_with_a_warning_and_still_serialise(params, xor):
    broken = numpy_params(params)
    broken[0]["W"][0, 0] = np.nan
    diagram = NetworkDiagram(broken, x=[1.0, 1.0])
    boundary = DecisionBoundary(broken, xor)
    assert "NaN" in diagram.error and "smaller learning rate" in boundary.error
    assert diagram.drawn["edges"][0]["color"] == DEFAULT.muted
    scene, _ = sent_to_browser(diagram)            # strict JSON: NaN became null
    assert scene["scene"]["edges"][0]["weight"] is None
    sent_to_browser(boundary)


# --- the decision boundary -------------------------------------------------------------------------------------

def test_boundary_grid_is_the_network_probability(params):
    extent = (-1.0, 1.0, -2.0, 2.0)
    grid = boundary_grid(numpy_params(params), extent, resolution=5, activation="tanh")
    corner = np.array([[1.0, -2.0]])                  # x1 max (last column), x2 min (row 0 = bottom)
    logit = forward(numpy_params(params), corner, activation="tanh")
    assert grid["values"][0, -1] == pytest.approx(float(get_activation("sigmoid")(logit)[0, 0]))
    assert grid["xs"][0] == -1.0 and grid["ys"][-1] == 2.0


def test_boundary_follows_new_weights_and_discretize(params, xor):
    boundary = DecisionBoundary(params, xor, activation="tanh", resolution=24)
    image = boundary.drawn["image"].copy()
    assert image.shape == (24, 24, 4)
    assert {p["name"]: p["shape"] for p in boundary.drawn["points"]} == {"train": "dot", "test": "ring"}
    assert len(boundary.drawn["points"][0]["xy"]) == len(xor.x_train)
    boundary.params = init_mlp([2, 4, 1], seed=7)
    assert not np.array_equal(image, boundary.drawn["image"])
    assert len(np.unique(boundary.drawn["image"].reshape(-1, 4), axis=0)) > 2
    boundary.discretize = True                       # what the checkbox in the browser sets
    assert len(np.unique(boundary.drawn["image"].reshape(-1, 4), axis=0)) <= 2
    boundary.show_test = False
    assert [p["name"] for p in boundary.drawn["points"]] == ["train"]
    accuracy = boundary.drawn["train_score"]
    predicted = (forward(numpy_params(boundary.params), xor.x_train, activation="tanh")[:, 0] > 0).astype(int)
    assert accuracy == pytest.approx(np.mean(predicted == xor.y_train))
    assert boundary.drawn["caption"].startswith("train accuracy")


def test_boundary_for_several_classes_and_for_regression():
    spiral = datasets.load("spiral", n=90, n_classes=3, seed=0)
    three = DecisionBoundary(init_mlp([2, 5, 3], seed=0), spiral, resolution=10)
    assert three.drawn["kind"] == "classes" and three.drawn["classes"].max() <= 2
    plane = datasets.load("regression_plane", n=60, seed=0)
    regression = DecisionBoundary(init_mlp([2, 5, 1], seed=0), plane, resolution=10)
    assert regression.drawn["kind"] == "value" and regression.drawn["caption"].startswith("train MSE")
    # plain arrays work too; integer labels mean classification
    tuple_data = DecisionBoundary(init_mlp([2, 3, 1]), (spiral.x_train, (spiral.y_train > 0).astype(int)))
    assert tuple_data.drawn["kind"] == "probability" and len(tuple_data.drawn["points"]) == 1


def test_boundary_rejects_data_and_networks_it_cannot_draw(xor):
    with pytest.raises(ShapeError, match="2 inputs"):
        DecisionBoundary(init_mlp([3, 2, 1]), xor)
    with pytest.raises(ShapeError, match=r"x of shape \(n, 2\)"):
        DecisionBoundary(init_mlp([2, 2, 1]), (np.zeros((5, 3)), np.zeros(5, int)))
    with pytest.raises(TypeError, match="course Dataset"):
        DecisionBoundary(init_mlp([2, 2, 1]), "xor")


def test_linked_views_move_together(params, xor):
    diagram = NetworkDiagram(params, activation="tanh")
    boundary = DecisionBoundary(params, xor, activation="tanh", resolution=12)
    link_params(diagram, boundary)
    link_input(boundary, diagram)
    image = boundary.drawn["image"].copy()
    diagram._on_browser_message(diagram, {"type": "set", "layer": 1, "kind": "W", "i": 0, "j": 0, "value": 4.0}, [])
    assert float(boundary.params[1]["W"][0, 0]) == 4.0 and not np.array_equal(image, boundary.drawn["image"])
    boundary.picked = [0.25, -0.5]                  # a click on the plane
    assert diagram.x.tolist() == [0.25, -0.5] and boundary.drawn["marker"] == [0.25, -0.5]
    assert diagram.drawn["nodes"][0]["value"] == 0.25


# --- tiles -----------------------------------------------------------------------------------------------------

def test_neuron_heatmaps_show_each_unit_over_the_plane():
    params = init_mlp([2, 3, 2, 1], seed=2)
    extent = (-1.0, 1.0, -1.0, 1.0)
    heatmaps = NeuronHeatmaps(params, activation="relu", extent=extent, resolution=6)
    panels = heatmaps.drawn["panels"]
    assert [len(p["tiles"]) for p in panels] == [3, 2, 1]
    grids = layer_grids(numpy_params(params), extent, 6, "relu")
    # tile rows are top first: row 0 is x2 = max, the grid's last row
    assert panels[1]["tiles"][1]["values"][0] == pytest.approx(grids[2][-1, :, 1])
    assert "pixels" in heatmaps.scene and "panels" not in heatmaps.scene
    before = heatmaps.drawn["pixels"].copy()
    heatmaps.params = init_mlp([2, 3, 2, 1], seed=3)
    assert not np.array_equal(before, heatmaps.drawn["pixels"])
    heatmaps.activation = "tanh"
    assert "tanh" in heatmaps.drawn["panels"][0]["title"]


def test_weight_matrices_show_the_weights_and_digit_images():
    params = init_mlp([64, 5, 10], seed=0)
    matrices = WeightMatrices(params, image_shape=(8, 8))
    panels = matrices.drawn["panels"]
    assert panels[0]["tiles"][0]["values"] == pytest.approx(np.asarray(params[0]["W"]))
    assert len(panels[2]["tiles"]) == 5
    assert panels[2]["tiles"][3]["values"] == pytest.approx(np.asarray(params[0]["W"])[:, 3].reshape(8, 8))
    changed = numpy_params(params)
    changed[0]["W"][9, 3] = 5.0
    matrices.params = changed
    assert matrices.drawn["panels"][2]["tiles"][3]["values"][1, 1] == 5.0
    with pytest.raises(ShapeError, match="holds 49 pixels"):
        WeightMatrices(params, image_shape=(7, 7))


# --- curves, replay ----------------------------------------------------------------------------------------------

def test_line_plot_and_loss_curve():
    plot = LinePlot([{"x": [0, 1, 2], "y": [1.0, np.nan, 3.0], "label": "with a gap"}])
    scene, buffers = sent_to_browser(plot)
    assert np.isnan(plot.drawn["series"][0]["y"][1]) and len(buffers) == 2
    plot.marker_x = 1.5
    assert plot.drawn["marker_x"] == 1.5
    history = {"epoch": [1, 2, 3], "train_loss": [0.9, 0.5, 0.25]}
    curve = LossCurve(history, log_y=True)
    assert curve.drawn["series"][0]["y"] == pytest.approx(np.log10([0.9, 0.5, 0.25]))
    assert curve.drawn["x_range"] == [0.0, 3.0]
    with pytest.raises(ValueError, match="train_accuracy"):
        LossCurve(history, metric="accuracy")


@pytest.fixture(scope="module")
def trained(xor):
    _, history = fit(init_mlp([2, 4, 1], seed=0), xor.x_train, xor.y_train, epochs=20, lr=0.5, activation="tanh",
                     loss="binary_cross_entropy", x_val=xor.x_test, y_val=xor.y_test, snapshot_every=5)
    return history


def test_training_replay_moves_every_view_together(trained, xor):
    replay = TrainingReplay(trained, xor, activation="tanh", resolution=12)
    assert set(replay.views) == {"diagram", "boundary", "loss"}
    assert replay.epochs == [0, 5, 10, 15, 20] and replay.slider.max == 4
    image = replay.views["boundary"].drawn["image"].copy()
    replay.slider.value = 2                          # what dragging the slider or a Play tick does
    snapshot = numpy_params(trained["snapshots"][2]["params"])
    for name in ("diagram", "boundary"):
        assert np.array_equal(replay.views[name].params[0]["W"], snapshot[0]["W"])
    assert replay.epoch == 10 and replay.views["loss"].drawn["marker_x"] == 10
    assert not np.array_equal(image, replay.views["boundary"].drawn["image"])
    assert "epoch 10 · train loss" in replay.label.value
    replay.show(-1)
    assert replay.slider.value == 4 and replay.epoch == 20
    with pytest.raises(IndexError, match="5 snapshots"):
        replay.show(5)


def test_replay_of_the_digits_network_shows_weight_images():
    digits = datasets.load("digits")
    _, history = fit(init_mlp([64, 8, 10], seed=0), digits.x_train[:200], digits.y_train[:200], epochs=4, lr=0.1,
                     snapshot_every=2)
    replay = TrainingReplay(history, image_shape=(8, 8))
    assert set(replay.views) == {"matrices", "loss"}
    replay.show(1)
    shown = replay.views["matrices"].drawn["panels"][2]["tiles"][0]["values"]
    assert shown == pytest.approx(np.asarray(history["snapshots"][1]["params"][0]["W"])[:, 0].reshape(8, 8))


def test_replay_without_snapshots_says_how_to_get_them(xor):
    with pytest.raises(ValueError, match=r"snapshot_every=5"):
        TrainingReplay({"epoch": [1], "train_loss": [0.5]}, xor)


# --- explorers ---------------------------------------------------------------------------------------------------

def test_activation_explorer_follows_its_controls():
    explorer = activation_explorer("relu")
    series = explorer.plot.drawn["series"]
    assert series[0]["y"] == pytest.approx(get_activation("relu")(series[0]["x"]))
    assert series[1]["y"] == pytest.approx(get_activation_derivative("relu")(series[1]["x"]))
    explorer.function.value = "sigmoid"
    z = explorer.plot.drawn["series"][0]["x"]
    assert explorer.plot.drawn["series"][0]["y"] == pytest.approx(get_activation("sigmoid")(z))
    explorer.z.value = 2.0
    point = explorer.plot.drawn["points"][0]
    assert (point["x"], point["y"]) == pytest.approx((2.0, float(get_activation("sigmoid")(np.array(2.0)))))
    tangent = explorer.plot.drawn["series"][-1]
    slope = (tangent["y"][1] - tangent["y"][0]) / (tangent["x"][1] - tangent["x"][0])
    assert slope == pytest.approx(float(get_activation_derivative("sigmoid")(np.array(2.0))))
    explorer.show_slope.value = False
    assert not any("slope" in s["label"] for s in explorer.plot.drawn["series"])
    explorer.z.value = -3.0
    explorer.function.value = "relu"
    assert "no gradient flows back" in explorer.readout.value
    with pytest.raises(ValueError, match="softmax"):
        activation_explorer("softmax")


def test_learning_rate_explorer_converges_or_diverges_with_the_slider():
    rng = np.random.default_rng(1)
    x = rng.uniform(1, 4, size=(40, 1))
    y = 1.5 * x + 0.5 + 0.3 * rng.normal(size=(40, 1))
    explorer = learning_rate_explorer(x, y, start=(-1.0, 3.0), lr=0.05, steps=30, resolution=21)
    assert tuple(explorer.landscape.drawn["path"][0]) == (-1.0, 3.0)
    assert explorer.run["diverged_at"] is None and explorer.run["losses"][-1] < explorer.run["losses"][0]
    assert "after 30 steps" in explorer.readout.value
    path = explorer.landscape.drawn["path"]
    explorer.lr.value = 0.3
    assert explorer.run["diverged_at"] is not None and "Diverged" in explorer.readout.value
    assert "smaller learning rate" in explorer.readout.value
    assert explorer.landscape.drawn["path"] != path
    sent_to_browser(explorer.curve)                 # inf / NaN losses still make valid JSON
    with pytest.raises(ShapeError, match="one column"):
        learning_rate_explorer(np.zeros((5, 2)), np.zeros((5, 1)))


# --- the shared redraw wiring (CourseWidget: redraws_on, _draw_first, redraw_once, set_params) --------------------

@pytest.mark.parametrize("make, changes", [
    (lambda p, d: NetworkDiagram(p), {"params": init_mlp([2, 4, 1], seed=1), "activation": "tanh",
                                      "x": [0.5, -0.5], "show_gradients": True, "heatmaps": True}),
    (lambda p, d: DecisionBoundary(p, d, resolution=8), {"params": init_mlp([2, 4, 1], seed=1),
                                                         "activation": "tanh", "discretize": True, "marker": [0, 0]}),
    (lambda p, d: NeuronHeatmaps(p, resolution=4), {"params": init_mlp([2, 4, 1], seed=1), "activation": "tanh"}),
    (lambda p, d: WeightMatrices(p), {"params": init_mlp([2, 4, 1], seed=1)}),
    (lambda p, d: LinePlot([{"name": "a", "x": [0, 1], "y": [1, 0]}]), {"marker_x": 0.5,
                                                                        "points": [{"x": 0, "y": 1}]}),
])
def test_each_drawn_trait_redraws_once_and_only_after_the_first_drawing(params, xor, make, changes):
    widget = make(params, xor)
    assert widget.scene["version"] == 1                     # setting the traits in __init__ drew nothing extra
    for number, (trait, value) in enumerate(changes.items(), start=2):
        setattr(widget, trait, value)
        assert widget.scene["version"] == number, f"{type(widget).__name__}.{trait} did not redraw exactly once"


def test_redraw_once_and_set_params(params, xor):
    plot = LinePlot([{"name": "a", "x": [0, 1], "y": [1, 0]}])
    with plot.redraw_once():
        plot.marker_x = 0.5
        plot.series = [{"name": "b", "x": [0, 1], "y": [0, 1]}]
    assert plot.scene["version"] == 2 and plot.drawn["marker_x"] == 0.5
    with pytest.raises(TypeError, match="no set_params"):
        plot.set_params(params)
    boundary = DecisionBoundary(params, xor, resolution=8)
    assert boundary.set_params(init_mlp([2, 4, 1], seed=3)) is boundary and boundary.scene["version"] == 2
    with pytest.raises(ShapeError):
        boundary.set_params(init_mlp([3, 4, 1], seed=3))      # checked first: the picture stays as it was
    assert boundary.scene["version"] == 2


# --- speed, packaging, state -------------------------------------------------------------------------------------

def test_benchmark_function_reports_figures():
    result = benchmark_update_latency(n=3)
    assert 0 < result["min_ms"] <= result["median_ms"] <= result["max_ms"]
    assert result["bytes_per_update"] > 1000 and "DecisionBoundary" in result["config"]


def test_every_update_reaches_the_kernel_comm(params, xor):
    diagram = NetworkDiagram(params)
    comm = RecordingComm()
    diagram.comm = comm
    diagram.set_weight(0, 0, 0, 1.0)
    assert comm.messages == 1 and comm.bytes > 500
    diagram.comm = None


def test_front_ends_ship_in_the_package_and_embed_in_the_widget_state(params):
    for name in ("common.js", "diagram.js", "plane.js", "tiles.js", "lineplot.js", "playground_clock.js",
                 "widgets.css"):
        text = (WIDGETS_DIR / name).read_text()
        assert "http://" not in text.replace("http://www.w3.org/2000/svg", "") and "https://" not in text
    diagram = NetworkDiagram(params)
    state = diagram.get_state()
    assert state["_esm"].count("export default") == 1 and "drawDiagram" in state["_esm"]
    assert ".course-widget" in state["_css"]
    # the saved-notebook state (what "Save widget state" writes) holds the code and the scene
    from ipywidgets import Widget
    saved = Widget.get_manager_state(widgets=[diagram])["state"][diagram.model_id]["state"]
    assert "export default" in saved["_esm"] and saved["scene"]["edges"]


def test_math_modules_never_import_the_widgets():
    library = WIDGETS_DIR.parent
    for path in library.glob("*.py"):
        assert not re.search(r"^\s*(from|import)\s+course_lib\.widgets", path.read_text(), re.M), path.name


def test_saved_state_and_html_export_embed_the_front_end(tmp_path):
    """A notebook executed with its widget state saved exports to HTML with our front end and scenes inside."""
    import nbformat
    from nbclient import NotebookClient
    from nbconvert import HTMLExporter

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "from course_lib import datasets, init_mlp, widgets\n"
        "params = init_mlp([2, 3, 1], seed=0)\n"
        "widgets.side_by_side(widgets.NetworkDiagram(params),\n"
        "                     widgets.DecisionBoundary(params, datasets.load('xor', n=40), resolution=8))")])
    NotebookClient(nb, timeout=120, kernel_name="python3", store_widget_state=True,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    models = [m for m in state.values() if m["model_name"] == "AnyModel"]
    assert len(models) == 2
    for model in models:
        assert model["model_module"] == "anywidget"
        assert model["state"]["_esm"].count("export default") == 1 and ".course-widget" in model["state"]["_css"]
        assert model["state"]["scene"]["version"] >= 1
    diagram = next(m for m in models if "drawDiagram" in m["state"]["_esm"])
    assert len(diagram["state"]["scene"]["edges"]) == 2 * 3 + 3
    boundary = next(m for m in models if "drawPlane" in m["state"]["_esm"])
    assert boundary.get("buffers"), "the boundary's image travels as a binary buffer"

    html, _ = HTMLExporter(template_name="lab").from_notebook_node(nb)
    view = nb.cells[0].outputs[0]["data"]["application/vnd.jupyter.widget-view+json"]["model_id"]
    assert f'"model_id": "{view}"' in html and view in state
    assert "application/vnd.jupyter.widget-state+json" in html and "drawDiagram" in html


# --- accessibility (issue 18) --------------------------------------------------------------------------------
# The browser side (axe-core on notebook 02 and on every widget, keyboard-only editing) is in
# tests/browser/test_widgets_a11y_browser.py.

@pytest.mark.parametrize("style", [DEFAULT, PRESENTATION], ids=["default", "presentation"])
def test_text_and_essential_graphics_meet_wcag_aa_contrast(style):
    background = style.background
    text_colours = {"text": style.text, "positive_text": style.positive_text,
                    "negative_text": style.negative_text, "gradient": style.gradient}
    for name, colour in text_colours.items():
        # text (weights, biases, gradients, labels) needs 4.5:1 on the background it is printed on
        assert contrast_ratio(colour, background) >= 4.5, (style.name, name, colour)
    graphics = {"positive": style.positive, "negative": style.negative, "muted": style.muted,
                "highlight": style.highlight} | {f"class {k}": c for k, c in enumerate(style.class_colors)}
    for name, colour in graphics.items():
        # edges, curves, axes, data points: 3:1 on the white background and on the pale "unsure" colour
        assert contrast_ratio(colour, background) >= 3.0, (style.name, name, colour)
        assert contrast_ratio(colour, style.neutral) >= 3.0, (style.name, name, colour)
    # a node's value printed on its own fill: black or white, whichever reads at 4.5:1 or more
    for fill in diverging_rgba(np.linspace(-1, 1, 401), vmax=1.0, style=style):
        hex_fill = "#{:02X}{:02X}{:02X}".format(*fill[:3])
        assert contrast_ratio(_text_color_on(hex_fill), hex_fill) >= 4.5, hex_fill


def test_contrast_ratio_is_wcags_formula():
    assert contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast_ratio("#FFFFFF", "#FFFFFF") == pytest.approx(1.0)
    assert contrast_ratio("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)    # the classic near-miss grey
    assert contrast_ratio("#0072B2", "#FFFFFF") == contrast_ratio("#FFFFFF", "#0072B2")


def test_css_colours_of_the_error_box_and_the_focus_ring_meet_aa():
    css = (WIDGETS_DIR / "widgets.css").read_text()
    error = re.search(r"\.course-widget-error \{[^}]*\}", css).group(0)
    colour = re.search(r"\bcolor: (#[0-9a-fA-F]{6})", error).group(1)
    fill = re.search(r"background: (#[0-9a-fA-F]{6})", error).group(1)
    assert contrast_ratio(colour, fill) >= 4.5
    focus = re.search(r":focus-visible \{[^}]*outline: 2px solid (#[0-9a-fA-F]{6})", css).group(1)
    assert contrast_ratio(focus, "#FFFFFF") >= 3.0


def test_diagram_names_its_drawing_and_the_name_follows_the_weights(params):
    diagram = NetworkDiagram(params, activation="tanh", x=[1.0, 0.0], feature_names=["a", "b"])
    text = diagram.drawn["description"]
    assert text.startswith("Network diagram: 2 inputs (a, b) → 4 tanh units → 1 output (linear). 12 weights: ")
    n_negative = sum(int(np.sum(np.asarray(p["W"]) < 0)) for p in params)
    assert f"{12 - n_negative} positive (blue, solid), {n_negative} negative (orange, dashed)" in text
    output = float(forward(numpy_params(params), np.array([[1.0, 0.0]]), activation="tanh")[0, 0])
    assert f"Outputs for the input shown: ŷ = {output:.2f}." in text
    diagram.set_weight(0, 0, 0, 9.0)
    assert "the largest |weight| is layer 0 W[0, 0] = 9.00" in diagram.drawn["description"]
    diagram.select(1, 2, 0)
    assert diagram.drawn["description"].endswith(f"Editing layer 1 weight W[2, 0] = {params[1]['W'][2, 0]:.3f}.")
    assert sent_to_browser(diagram)[0]["scene"]["description"] == diagram.drawn["description"]


def test_weight_and_bias_labels_use_the_text_colours(params):
    scene = diagram_layout(params, show_weights=True)
    for edge in scene["edges"]:
        assert edge["label_color"] == (DEFAULT.positive_text if edge["weight"] >= 0 else DEFAULT.negative_text)
        assert edge["color"] == (DEFAULT.positive if edge["weight"] >= 0 else DEFAULT.negative)
    biases = [node for node in scene["nodes"] if node["bias"] is not None]
    assert {node["bias_color"] for node in biases} <= {DEFAULT.positive_text, DEFAULT.negative_text}


def test_boundary_classes_differ_in_shape_and_its_name_says_the_score(params, xor):
    boundary = DecisionBoundary(params, xor, activation="tanh", resolution=16)
    train, test = boundary.drawn["points"]
    assert train["shape"] == "dot" and test["shape"] == "ring"          # filled / hollow
    for group, labels in ((train, xor.y_train), (test, xor.y_test)):
        labels = np.asarray(labels).reshape(-1).astype(int)
        assert group["markers"].tolist() == labels.tolist()             # class 0: circle, class 1: square
    assert [CLASS_MARKERS[entry_marker] for entry_marker in (0, 1)] == ["circle", "square"]
    assert [(entry["label"], entry["marker"]) for entry in boundary.drawn["legend"]] == [("class 0", "circle"),
                                                                                        ("class 1", "square")]
    percent = round(100 * boundary.drawn["train_score"])
    assert boundary.drawn["description"].startswith(
        f"Decision boundary over x1 and x2: {percent}% of the training points on the right side, ")
    assert "Markers: class 0 circles, class 1 squares; training points filled, test points hollow." in \
        boundary.drawn["description"]
    before = boundary.drawn["description"]
    boundary.params = [{"W": np.zeros_like(p["W"]), "b": np.zeros_like(p["b"])} for p in numpy_params(params)]
    assert boundary.drawn["description"] != before


def test_regression_and_three_class_planes_are_described():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(30, 2))
    three = DecisionBoundary(init_mlp([2, 3, 3], seed=0), (x, np.arange(30) % 3), resolution=8)
    assert three.drawn["points"][0]["markers"].tolist()[:3] == [0, 1, 2]
    assert "class 2 triangles" in three.drawn["description"]
    regression = DecisionBoundary(init_mlp([2, 3, 1], seed=0), (x, x[:, :1] * 2.0), resolution=8)
    assert regression.drawn["points"][0]["markers"] is None and regression.drawn["legend"] == []
    assert regression.drawn["description"].startswith("Network output over x1 and x2: train MSE ")


def test_plots_tiles_and_landscape_describe_what_they_draw(params):
    curve = LossCurve({"epoch": [1, 2, 3], "train_loss": [0.9, 0.5, 0.4], "val_loss": [1.0, 0.7, 0.6]}, marker=2)
    assert curve.drawn["description"] == ("loss per epoch. train loss (solid line): 0.90 at epoch 1.00, 0.40 at "
                                          "epoch 3.00; validation loss (dashed line): 1.00 at epoch 1.00, 0.60 at "
                                          "epoch 3.00; marker at epoch 2.00.")
    curve.marker_x = 3
    assert curve.drawn["description"].endswith("marker at epoch 3.00.")
    heatmaps = NeuronHeatmaps(params, activation="tanh", resolution=6)
    tile = heatmaps.drawn["panels"][0]["tiles"][0]["values"]
    name = sent_to_browser(heatmaps)[0]["scene"]["layout"][0]["tiles"][0]["description"]
    assert name.startswith(f"hidden layer 1 (tanh), colour scale ±") and f"from {tile.min():.2f} to {tile.max():.2f}" \
        in name
    x = np.linspace(1, 4, 20).reshape(-1, 1)
    explorer = learning_rate_explorer(x, 1.5 * x + 0.5, lr=0.05, steps=10, resolution=11)
    text = explorer.landscape.drawn["description"]
    assert text.startswith("the loss landscape over w (slope) and b (intercept): darker = lower loss; the lowest "
                           "point (a star) at w = 1.50, b = 0.50. Gradient descent path of 10 steps from w = -1.00")
    explorer.steps.value = 20
    assert "path of 20 steps" in explorer.landscape.drawn["description"]


def test_front_ends_have_keyboard_handlers_names_and_focus():
    diagram = (WIDGETS_DIR / "diagram.js").read_text()
    plane = (WIDGETS_DIR / "plane.js").read_text()
    common = (WIDGETS_DIR / "common.js").read_text()
    # the diagram: one tab stop, a documented key map, the editor's inputs named, Escape back to the diagram
    assert 'keys.setAttribute("tabindex", "0")' in diagram and 'addEventListener("keydown"' in diagram
    for key in ('"ArrowRight"', '"ArrowLeft"', '"Enter"', '" "', '"+"', '"-"', '"Escape"', '"Home"', '"End"'):
        assert key in diagram, key
    assert "DIAGRAM_KEYS" in diagram and "aria-describedby" in diagram and 'role: "status"' in diagram
    assert '"aria-label": "value of the selected weight, as a number"' in diagram
    assert '"aria-label": "close the editor"' in diagram
    # the plane: clickable ones are a tab stop moved with the arrow keys
    assert 'canvas.setAttribute("tabindex", "0")' in plane and "ArrowUp: [0, 1]" in plane and "scene.description" in plane
    # ipywidgets' sliders and Play buttons get names; every course view turns the naming on
    assert "aria-input-field-name" in common and 'control.setAttribute("aria-label", text)' in common
    for name in ("diagram.js", "plane.js", "lineplot.js", "tiles.js"):
        assert "nameControlsAround(el)" in (WIDGETS_DIR / name).read_text(), name
    assert ":focus-visible" in (WIDGETS_DIR / "widgets.css").read_text()

"""The Playground: its engine (course_lib.playground) and its view (course_lib.widgets.playground), without a browser.

The engine: settings are checked with clear messages; the features, the data and the training are what they claim
(a chunk of epochs is SGD on course_lib.losses.loss_value, whatever the chunking); JSON export and import round-trip
bit for bit, and every kind of bad input is refused with a message, never half-applied.
The view: moving a control (the way a click does, from Python) changes the data the views draw; an import that
fails leaves everything as it was; the browser's clock drives training. The browser side is in
tests/browser/test_playground_browser.py.
"""
import dataclasses
import json
import pathlib

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import course_lib
from course_lib import datasets, playground as pg
from course_lib.losses import loss_value
from bench.recording_comm import RecordingComm
from course_lib.widgets.playground import (Playground, feature_grids, feature_map, loss_curves, playground_diagram,
                                           playground_plane, plane_extent_for)
from bench.widget_latency import benchmark_updates_per_second

ROOT = pathlib.Path(__file__).resolve().parents[1]


def small(**settings):
    """A quick config: 100 points (50 for training)."""
    return pg.PlaygroundConfig(**{"n_points": 100, **settings})


# ---------------------------------------------------------------------------------------------- settings


@pytest.mark.parametrize("settings, words", [
    (dict(hidden=(2,) * 7), "7 hidden layers is too many"),
    (dict(hidden=(4, 0)), "hidden layer 2 has 0 neurons; each hidden layer has 1 to 8"),
    (dict(hidden=(9,)), "hidden layer 1 has 9 neurons"),
    (dict(hidden=(2.5,)), "hidden layer 1 has 2.5 neurons"),
    (dict(hidden=4), "hidden must be a list of neuron counts"),
    (dict(activations="swish"), "Unknown activation 'swish'. Valid activations are: elu, gelu, leaky_relu, linear"),
    (dict(activations="softmax"), "belongs in the output layer"),
    (dict(hidden=(4, 2), activations=("tanh",)), "Give one activation per hidden layer"),
    (dict(dataset="digits"), "Unknown data set 'digits'. Valid data sets for classification: circles, xor"),
    (dict(dataset="spiral", task="regression"), "'spiral' is for classification, but the task is regression"),
    (dict(task="clustering"), "Unknown task 'clustering'"),
    (dict(features=("x3",)), "Unknown feature 'x3'. Valid features are: x1, x2, x1^2"),
    (dict(features=()), "at least one input feature"),
    (dict(features=("x1", "x1")), "listed twice"),
    (dict(learning_rate=0.0), "learning_rate must be above 0"),
    (dict(learning_rate=float("nan")), "learning_rate must be above 0"),
    (dict(noise=-0.1), "noise must be at least 0"),
    (dict(train_fraction=0.95), "train_fraction must be at least 0.1 and at most 0.9"),
    (dict(batch_size=0), "batch_size must be at least 1"),
    (dict(batch_size=500), "batch_size 500 is larger than the training set: 400 points with train_fraction 0.5 "
                           "leave at least 200 training points; choose 1 to 200"),
    (dict(regularization="l3"), "Unknown regularization 'l3'"),
    (dict(optimizer="rmsprop"), "Unknown optimizer 'rmsprop'. Valid optimizers are: sgd, momentum, adam"),
])
def test_impossible_settings_are_refused_with_a_clear_message(settings, words):
    with pytest.raises(pg.PlaygroundError, match=None) as caught:
        pg.PlaygroundConfig(**settings)
    assert words in str(caught.value)
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize("dataset, task", [("circles", "classification"), ("xor", "classification"),
                                           ("spiral", "classification"), ("moons", "classification"),
                                           ("gaussians", "classification"), ("regression_plane", "regression")])
def test_the_batch_size_is_checked_without_the_data_and_agrees_with_it(dataset, task):
    for n_points, train_fraction, data_seed in [(20, 0.1, 0), (21, 0.3, 1), (101, 0.5, 2), (400, 0.7, 0),
                                                (999, 0.9, 3), (33, 0.5, 4)]:
        config = pg.PlaygroundConfig(dataset=dataset, task=task, n_points=n_points, train_fraction=train_fraction,
                                     data_seed=data_seed, batch_size=1)
        if dataset == "xor":        # class sizes depend on the random points: a bound, never above the real count
            assert config.n_train - 2 <= config.min_train_points <= config.n_train
        else:
            assert config.min_train_points == config.n_train
        config.replace(batch_size=config.min_train_points)                 # the largest batch it allows
        with pytest.raises(pg.PlaygroundError, match="larger than the training set"):
            config.replace(batch_size=config.min_train_points + 1)


def test_config_defaults_and_derived_values():
    config = pg.PlaygroundConfig()
    assert config.activations == ("tanh", "tanh")
    assert config.layer_sizes == [2, 4, 2, 1]
    assert config.n_train == 200 and config.loss == "binary_cross_entropy"
    regression = pg.PlaygroundConfig(task="regression", dataset="regression_plane", hidden=(3,))
    assert regression.loss == "mse" and regression.activations == ("tanh",)
    assert pg.PlaygroundConfig(regularization="l1", regularization_rate=0.1).l1 == 0.1
    assert pg.PlaygroundConfig(regularization="l1", regularization_rate=0.1).l2 == 0.0


def test_replace_keeps_activations_per_layer_and_switches_the_data_set_with_the_task():
    config = pg.PlaygroundConfig(hidden=(4, 2), activations=("relu", "sigmoid"))
    assert config.replace(hidden=(4, 2, 3)).activations == ("relu", "sigmoid", "sigmoid")
    assert config.replace(hidden=(4,)).activations == ("relu",)
    assert config.replace(hidden=()).activations == ()
    assert config.replace(task="regression").dataset == "regression_plane"
    with pytest.raises(pg.PlaygroundError, match="Unknown setting 'hiden'"):
        config.replace(hiden=(3,))


# ------------------------------------------------------------------------------------------ features and data


def test_make_features_computes_each_feature_on_numpy_and_jax():
    x = np.array([[0.5, -2.0], [3.0, 1.5], [0.0, 0.0]], dtype=np.float32)
    x1, x2 = x[:, 0], x[:, 1]
    expected = np.stack([x1, x2, x1 ** 2, x2 ** 2, x1 * x2, np.sin(x1), np.sin(x2)], axis=1)
    np.testing.assert_allclose(pg.make_features(x, pg.FEATURES), expected, rtol=1e-6)
    np.testing.assert_allclose(np.asarray(pg.make_features(jnp.asarray(x), pg.FEATURES)), expected, rtol=1e-6)
    # any subset, in the order asked for
    np.testing.assert_allclose(pg.make_features(x, ("sin(x2)", "x1")), expected[:, [6, 0]], rtol=1e-6)
    with pytest.raises(pg.PlaygroundError, match="needs points of shape"):
        pg.make_features(x[:, :1], ("x1",))


def test_make_data_stretches_the_course_data_sets_and_is_shared_read_only():
    config = small(dataset="xor", noise=0.1, train_fraction=0.6, data_seed=3)
    data = pg.make_data(config)
    course = datasets.load("xor", n=100, noise=0.1, test_fraction=0.4, seed=3)
    np.testing.assert_allclose(data.x_train, pg.INPUT_SCALE * course.x_train, rtol=1e-6)
    np.testing.assert_array_equal(data.y_test, course.y_test)
    assert data.x_train.shape == (60, 2) and config.n_train == 60
    assert pg.make_data(config) is data                       # the same settings give the same points
    with pytest.raises(ValueError):
        data.x_train[0, 0] = 1.0                              # nobody may change points other states share
    assert not np.array_equal(pg.make_data(config.replace(data_seed=4)).x_train, data.x_train)


def test_init_params_and_parameter_count_follow_the_architecture():
    config = pg.PlaygroundConfig(features=("x1", "x2", "x1*x2"), hidden=(5, 3))
    params = pg.init_params(config)
    assert [layer["W"].shape for layer in params] == [(3, 5), (5, 3), (3, 1)]
    assert pg.parameter_count(config) == course_lib.count_parameters(params) == 4 * 5 + 6 * 3 + 4 * 1
    no_hidden = pg.PlaygroundConfig(hidden=())
    assert [layer["W"].shape for layer in pg.init_params(no_hidden)] == [(2, 1)]



def test_init_params_is_glorot_normal_repeatable_and_depends_on_the_seed():
    config = pg.PlaygroundConfig(features=pg.FEATURES, hidden=(8,))
    first, again = pg.init_params(config), pg.init_params(config)
    assert all(np.array_equal(a, b) for a, b in zip(jax.tree.leaves(first), jax.tree.leaves(again)))
    other = pg.init_params(config.replace(init_seed=1))
    assert not np.array_equal(first[0]["W"], other[0]["W"])
    assert first[0]["W"].dtype == jnp.float32 and not np.any(first[0]["b"])
    # Over many seeds the weights of the (7, 8) layer have Glorot's standard deviation sqrt(2 / (7 + 8)).
    weights = np.concatenate([np.ravel(pg.init_params(config.replace(init_seed=seed))[0]["W"]) for seed in range(200)])
    assert abs(weights.mean()) < 0.02
    assert weights.std() == pytest.approx(np.sqrt(2 / 15), rel=0.03)

# ------------------------------------------------------------------------------------------------ training


def test_a_chunk_is_plain_sgd_on_loss_value_in_the_documented_order():
    config = small(dataset="circles", hidden=(3,), batch_size=7, regularization="l2", regularization_rate=0.01,
                   learning_rate=0.1)
    state = pg.new_state(config)
    trained = pg.train(state, 3)
    # The same three epochs by hand: the shuffle of epoch e, batches of 7 (the last one left out), one SGD step each.
    x, y, _, _ = pg.training_arrays(config)
    params = state.params
    grad = jax.grad(lambda p, xb, yb: loss_value(p, xb, yb, activation=config.activations, loss=config.loss, l2=0.01))
    orders = [pg.epoch_order(config, epoch) for epoch in (1, 2, 3)]
    assert all(order.shape == (config.n_train // 7, 7) for order in orders)
    assert all(len(set(order.ravel().tolist())) == order.size for order in orders)    # no point twice in an epoch
    assert not np.array_equal(orders[0], orders[1])            # a new order every epoch
    for order in orders:
        for batch in order:
            grads = grad(params, x[batch], y[batch])
            params = jax.tree.map(lambda p, g: p - 0.1 * g, params, grads)
    for ours, theirs in zip(jax.tree.leaves(params), jax.tree.leaves(trained.params)):
        np.testing.assert_allclose(np.asarray(theirs), np.asarray(ours), rtol=2e-5, atol=2e-6)


def test_training_history_and_losses_agree_with_evaluate():
    state = pg.train(pg.new_state(small(dataset="gaussians", hidden=(4,))), 30)
    assert state.epoch == 30 and state.history["epoch"] == list(range(1, 31))
    assert {len(values) for values in state.history.values()} == {30}
    now = pg.evaluate(state)
    for name in ("val_loss", "val_accuracy"):             # measured after the epoch, on the test points
        assert state.history[name][-1] == pytest.approx(now[name], rel=1e-5, abs=1e-6)
    # train_loss is the mean over the epoch's mini-batches (the schema of every course_lib trainer): close to the
    # loss of the final weights on all training points, not equal to it.
    assert state.history["train_loss"][-1] == pytest.approx(now["train_loss"], rel=0.2)
    assert state.history["train_loss"][-1] < state.history["train_loss"][0]


def test_chunking_does_not_change_the_result_and_training_is_pure():
    start = pg.new_state(small(dataset="spiral", hidden=(4, 4), optimizer="adam", learning_rate=0.01))
    before = pg.to_json(start)
    one_by_one = pg.train(start, 12, chunk=1)
    in_threes = pg.train(start, 12, chunk=3)
    assert pg.states_equal(one_by_one, in_threes)
    assert pg.to_json(start) == before                        # the old state is untouched


def test_regression_trains_on_mean_squared_error():
    state = pg.train(pg.new_state(small(task="regression", dataset="regression_plane", hidden=(3,))), 40)
    assert "val_accuracy" not in state.history and "val_loss" in state.history
    assert state.history["train_loss"][-1] < 0.1 * state.history["train_loss"][0]


def test_l1_pushes_first_layer_weights_to_zero():
    base = dict(dataset="gaussians", features=pg.FEATURES, hidden=(8,))
    plain = pg.train(pg.new_state(pg.PlaygroundConfig(**base)), 150)
    sparse = pg.train(pg.new_state(pg.PlaygroundConfig(**base, regularization="l1", regularization_rate=0.003)), 150)
    small_plain = np.mean(np.abs(plain.numpy_params()[0]["W"]) < 0.01)
    small_sparse = np.mean(np.abs(sparse.numpy_params()[0]["W"]) < 0.01)
    assert small_sparse > 0.3 and small_plain < 0.1


def test_divergence_is_reported_with_advice_and_stops_training():
    state = pg.train(pg.new_state(pg.PlaygroundConfig(task="regression", dataset="regression_gaussians",
                                                      hidden=(8, 8), learning_rate=3.0)), 50)
    assert "Training diverged" in state.diverged and "smaller learning rate, e.g. lr=0.3" in state.diverged
    assert pg.train(state, 10).epoch == state.epoch            # a diverged state does not train on
    # It stops at the last finite weights, with the history of the epochs before the loss broke.
    assert all(np.isfinite(np.asarray(leaf)).all() for leaf in jax.tree.leaves(state.params))
    assert len(state.history["train_loss"]) == state.epoch and np.isfinite(state.history["train_loss"]).all()


def test_update_config_keeps_the_weights_only_for_training_settings():
    state = pg.train(pg.new_state(small()), 5)
    faster = pg.update_config(state, learning_rate=0.1, batch_size=5, regularization="l2", regularization_rate=0.001)
    assert faster.epoch == 5 and pg.states_equal(pg.update_config(faster, learning_rate=0.03, batch_size=10,
                                                                  regularization="none", regularization_rate=0.0),
                                                 state)
    for change in (dict(hidden=(3,)), dict(features=("x1",)), dict(dataset="xor"), dict(noise=0.2),
                   dict(activations="relu"), dict(data_seed=1)):
        assert pg.update_config(state, **change).epoch == 0, change
    adam = pg.update_config(state, optimizer="adam")
    assert adam.epoch == 5 and type(adam.opt_state).__name__ == "AdamState"
    with pytest.raises(pg.PlaygroundError):
        pg.update_config(state, hidden=(1,) * 7)


def test_with_params_checks_shapes_and_names_the_layer():
    state = pg.new_state(small(hidden=(3,)))
    params = state.numpy_params()
    params[0]["W"][0, 0] = 5.0
    assert float(pg.with_params(state, params).params[0]["W"][0, 0]) == 5.0
    params[1]["W"] = np.zeros((4, 1))
    with pytest.raises(pg.PlaygroundError, match=r"Layer 1: W has shape \(4, 1\), but the architecture needs \(3, 1\)"):
        pg.with_params(state, params)


def test_predict_plane_is_the_network_on_the_features():
    state = pg.train(pg.new_state(small(features=("x1^2", "x2^2", "sin(x1)"), hidden=(3,))), 5)
    points = np.array([[0.5, 1.0], [-2.0, 3.0]], dtype=np.float32)
    manual = course_lib.forward(state.numpy_params(), pg.make_features(points, state.config.features),
                                activation=list(state.config.activations))[:, 0]
    np.testing.assert_allclose(pg.predict_plane(state.params, state.config, points), manual, rtol=1e-6)


# ------------------------------------------------------------------------------------------------ JSON


@pytest.mark.parametrize("settings", [dict(), dict(optimizer="adam", hidden=(3, 2), activations=("relu", "sigmoid")),
                                      dict(optimizer="momentum", hidden=()),
                                      dict(task="regression", dataset="regression_gaussians", features=pg.FEATURES)])
def test_json_round_trip_is_exact(settings):
    state = pg.train(pg.new_state(small(**settings)), 7)
    text = pg.to_json(state)
    restored = pg.from_json(text)
    assert pg.states_equal(restored, state)
    assert pg.to_json(restored) == text
    for ours, theirs in zip(jax.tree.leaves(state.params), jax.tree.leaves(restored.params)):
        assert np.asarray(ours).tobytes() == np.asarray(theirs).tobytes()     # bit for bit
    # and it trains on exactly as the original would
    assert pg.states_equal(pg.train(restored, 3), pg.train(state, 3))


def test_json_round_trip_keeps_nan_weights():
    state = pg.train(pg.new_state(pg.PlaygroundConfig(task="regression", dataset="regression_gaussians",
                                                      hidden=(8, 8))), 3)
    broken = state.numpy_params()
    broken[0]["W"][0, :3] = [np.nan, np.inf, -np.inf]
    state = dataclasses.replace(state, params=[{k: jnp.asarray(v) for k, v in layer.items()} for layer in broken])
    text = pg.to_json(state)
    json.loads(text, parse_constant=lambda name: pytest.fail(f"non-standard JSON constant {name}"))
    assert pg.states_equal(pg.from_json(text), state) and pg.to_json(pg.from_json(text)) == text


def edit(text, change):
    document = json.loads(text)
    change(document)
    return json.dumps(document)


@pytest.fixture(scope="module")
def saved():
    return pg.to_json(pg.train(pg.new_state(small(hidden=(4, 2))), 3))


@pytest.mark.parametrize("make_bad, words", [
    (lambda t: t[:-10], "This is not valid JSON"),
    (lambda t: "[1, 2]", "not a Playground state"),
    (lambda t: edit(t, lambda d: d.update(version=3)), "version 3"),
    (lambda t: edit(t, lambda d: d["config"].update(dataset="mnist")), "Unknown data set 'mnist'"),
    (lambda t: edit(t, lambda d: d["config"].update(hidden=[4] * 7)), "7 hidden layers is too many"),
    (lambda t: edit(t, lambda d: d["config"].update(hidden=[4, 0])), "hidden layer 2 has 0 neurons"),
    (lambda t: edit(t, lambda d: d["config"].update(hidden=[4, 9])), "hidden layer 2 has 9 neurons"),
    (lambda t: edit(t, lambda d: d["config"].update(activations=["tanh", "swish"])),
     "Unknown activation 'swish'. Valid activations are:"),
    (lambda t: edit(t, lambda d: d["config"].update(colour="blue")), "Unknown setting 'colour'"),
    (lambda t: edit(t, lambda d: d["config"].update(features=["x1", "x2", "x1^2"])),
     "Layer 0: W has shape (2, 4), but the architecture needs (3, 4)"),
    (lambda t: edit(t, lambda d: d["params"][1].update(b=[0.0])), "Layer 1: b has shape (1,), but the architecture "
                                                                  "needs (2,)"),
    (lambda t: edit(t, lambda d: d["params"].pop()), "has 3 weight layers, but the file has 2"),
    (lambda t: edit(t, lambda d: d["params"][0]["W"][0].__setitem__(0, "big")), "must hold numbers; found 'big'"),
    (lambda t: edit(t, lambda d: d["params"][0]["W"].pop()), "Layer 0: W has shape (1, 4), but the architecture "
                                                             "needs (2, 4)"),
    (lambda t: edit(t, lambda d: d["params"][0]["W"][0].pop()), "is not a rectangular table"),
    (lambda t: edit(t, lambda d: d["config"].update(optimizer="adam")), "does not fit the optimizer 'adam'"),
    (lambda t: edit(t, lambda d: d.update(epoch=-1)), "epoch must be a whole number from 0 to 2147483647; got -1"),
    (lambda t: edit(t, lambda d: d["history"]["val_loss"].pop()), "lists of the same length"),
])
def test_bad_json_is_refused_with_a_clear_message(saved, make_bad, words):
    with pytest.raises(pg.PlaygroundError) as caught:
        pg.from_json(make_bad(saved))
    assert words in str(caught.value)


# ------------------------------------------------------------------------------------------------ presets


def test_presets_name_valid_configs_and_controls():
    for name in pg.PRESETS:
        config, hidden, title, text = pg.preset(name)
        assert isinstance(config, pg.PlaygroundConfig) and title and text
        assert set(hidden) <= set(pg.CONTROLS)
    with pytest.raises(pg.PlaygroundError, match="Unknown preset 'lesson_x'. Presets are: playground"):
        pg.preset("lesson_x")
    with pytest.raises(pg.PlaygroundError, match="Unknown control 'colours'"):
        pg.check_controls(["colours"])


# ------------------------------------------------------------------------------------------------ the view


@pytest.fixture
def view():
    return Playground(small(), epochs_per_update=1)


def input_labels(view):
    return [node["label"] for node in view.drawn["diagram"]["nodes"] if node["kind"] == "input"]


def test_what_the_views_draw_matches_the_state(view):
    drawn = view.drawn
    config = view.config
    assert len(drawn["diagram"]["nodes"]) == sum(config.layer_sizes)
    assert drawn["diagram"]["tiles"].shape == (sum(config.layer_sizes), 16, 16, 4)
    data = view.state.data
    np.testing.assert_array_equal(drawn["boundary"]["points"][0]["xy"], data.x_train)
    np.testing.assert_array_equal(drawn["boundary"]["points"][1]["xy"], data.x_test)
    # The plane's values are the sigmoid of the network on the features of the grid points.
    extent = drawn["boundary"]["extent"]
    logit = pg.predict_plane(view.state.params, config, np.array([[extent[0], extent[2]]]))
    assert drawn["boundary"]["values"][0, 0] == pytest.approx(1 / (1 + np.exp(-logit[0])), rel=1e-5)
    # The input tiles are the features over the plane: x1 grows to the right along every row.
    grids = feature_grids(view.state.numpy_params(), config, extent, 16)
    assert np.all(np.diff(grids[0][:, :, 0], axis=1) > 0)
    assert "Epoch 0" == drawn["epoch"]


def test_controls_change_what_is_drawn(view):
    points = view.drawn["boundary"]["points"][0]["xy"].copy()
    view.dataset_menu.value = "xor"
    assert view.config.dataset == "xor"
    assert not np.array_equal(view.drawn["boundary"]["points"][0]["xy"], points)

    view.feature_buttons["x1*x2"].value = True
    assert input_labels(view) == ["x₁", "x₂", "x₁x₂"]
    view.feature_buttons["x1"].value = False
    assert input_labels(view) == ["x₂", "x₁x₂"]

    nodes = len(view.drawn["diagram"]["nodes"])
    view.add_layer_button.click()
    assert view.config.hidden == (4, 2, 2) and len(view.drawn["diagram"]["nodes"]) == nodes + 2
    view.layer_rows[0]["plus"].click()
    assert view.config.hidden == (5, 2, 2) and len(view.drawn["diagram"]["nodes"]) == nodes + 3
    view.layer_rows[2]["activation"].value = "relu"
    assert [n["activation"] for n in view.drawn["diagram"]["nodes"] if n["layer"] == 3] == ["relu", "relu"]
    view.remove_layer_button.click()
    assert view.config.hidden == (5, 2)

    values = view.drawn["boundary"]["values"].copy()
    view.noise_slider.value = 0.3
    assert view.config.noise == 0.3
    view.step_button.click()
    assert view.state.epoch == 1 and view.drawn["epoch"] == "Epoch 1"
    assert not np.allclose(view.drawn["boundary"]["values"], values)
    assert len(view.drawn["loss"]["series"][0]["x"]) == 1

    weights = view.params
    view.learning_rate_menu.value = 0.3                       # a training setting: same weights, same epoch
    assert view.config.learning_rate == 0.3 and view.state.epoch == 1
    np.testing.assert_array_equal(view.params[0]["W"], weights[0]["W"])

    smooth_colours = len(np.unique(view.drawn["boundary"]["image"].reshape(-1, 4), axis=0))
    view.plane.discretize = True                              # the checkbox under the plane
    assert len(np.unique(view.drawn["boundary"]["image"].reshape(-1, 4), axis=0)) <= 2 < smooth_colours
    view.reset_button.click()
    assert view.state.epoch == 0
    view.regenerate_button.click()
    assert view.config.data_seed == 1

    view.task_menu.value = "regression"
    assert view.config.dataset == "regression_plane" and view.drawn["boundary"]["kind"] == "value"
    assert [option[1] for option in view.dataset_menu.options] == ["regression_plane", "regression_gaussians"]


def test_a_refused_control_shows_the_message_and_changes_nothing(view):
    view.set(hidden=(2,) * 6)
    before = view.export_json()
    assert view.add_layer_button.disabled
    view.add_layer_button.click()                             # a click that slips through in code
    assert "7 hidden layers is too many" in view.drawn["message"]
    assert view.export_json() == before


def test_export_and_import_through_the_view(view):
    view.train(4)
    text = view.export_json()
    other = Playground()
    other.import_json(text)
    assert pg.states_equal(other.state, view.state)
    assert other.dataset_menu.value == view.config.dataset and other.drawn["epoch"] == "Epoch 4"
    assert "Imported: epoch 4" in other.drawn["message"]


def test_a_failed_import_shows_why_and_leaves_the_state_and_the_drawing_intact(view):
    view.train(3)
    before_state, before_text = view.state, view.export_json()
    before_values = view.drawn["boundary"]["values"].copy()
    bad = edit(before_text, lambda d: d["config"].update(hidden=[4, 9]))
    with pytest.raises(pg.PlaygroundError, match="hidden layer 2 has 9 neurons"):
        view.import_json(bad)
    assert "Import failed, nothing changed: hidden layer 2 has 9 neurons" in view.drawn["message"]
    assert view.state is before_state and view.export_json() == before_text
    np.testing.assert_array_equal(view.drawn["boundary"]["values"], before_values)
    # the import button catches it too, and says so
    view.json_box.value = "{not json"
    view.import_button.click()
    assert "This is not valid JSON" in view.drawn["message"] and view.state is before_state


def test_editing_a_weight_in_the_diagram_changes_the_playground(view):
    values = view.drawn["boundary"]["values"].copy()
    view.diagram.set_weight(0, 1, 2, 2.5)                    # what a drag of the edge's slider does
    assert view.params[0]["W"][1, 2] == pytest.approx(2.5)
    assert not np.allclose(view.drawn["boundary"]["values"], values)
    with pytest.raises(pg.PlaygroundError, match="Layer 0: W has shape"):
        view.set_params([{"W": np.zeros((3, 4)), "b": np.zeros(4)}] + view.params[1:])


def test_params_is_an_ordinary_params_list_and_a_copy(view):
    view.train(2)
    params = view.params
    assert isinstance(params, list) and all(set(layer) == {"W", "b"} for layer in params)
    assert course_lib.forward(params, pg.make_features(np.zeros((1, 2), np.float32), view.config.features)).shape \
        == (1, 1)
    params[0]["W"][:] = 0.0
    assert np.abs(view.params[0]["W"]).sum() > 0


def test_hide_controls_and_presets(view):
    view.hide_controls(["features", "regularization"])
    assert view.features_box.layout.display == "none" and view.regularization_menu.layout.display == "none"
    assert view.hidden_controls == ("features", "regularization")
    view.show_controls()
    assert view.features_box.layout.display is None and view.hidden_controls == ()
    with pytest.raises(pg.PlaygroundError, match="Unknown control 'colour'"):
        view.hide_controls(["colour"])
    lesson = Playground(preset="lesson_features")
    assert lesson.config.hidden == () and "layers" in lesson.hidden_controls
    assert lesson.layers_box.layout.display == "none" and "Features instead of hidden layers" in lesson.lesson.value


def ask(view, until):
    """What playground_clock.js sends: make the updates up to frame `until`."""
    view._on_clock_message(None, {"type": "ask", "until": until}, [])


def test_the_browser_clock_drives_training(view):
    """Without an event loop (plain Python), the updates asked for are made at once; the rules are the same."""
    view.clock.comm = RecordingComm()
    frame = view.clock.frame
    ask(view, frame + 1)
    assert view.state.epoch == 0                              # not playing: asks are ignored
    view.play()
    assert view.play_button.description == "Pause"
    ask(view, frame + 1)
    assert view.state.epoch == 1 and view.clock.frame == frame + 1
    ask(view, frame + 1)                                      # a second view asks for the same frame
    assert view.state.epoch == 1
    ask(view, frame + 3)
    assert view.state.epoch == 3 and view.clock.frame == frame + 3 and view.drawn["epoch"].startswith("Epoch 3")
    ask(view, frame + 1000)                                   # never more than frames_ahead past the last frame
    assert view.clock.frame == frame + 3 + view.clock.frames_ahead
    for broken in ({"type": "ask"}, {"type": "ask", "until": "9999"}, {"type": "tick", "frame": 9999}, {}):
        view._on_clock_message(None, broken, [])
    assert view.clock.frame == frame + 3 + view.clock.frames_ahead
    view.pause()
    assert view.play_button.description == "Play" and not view.clock.running
    assert view.diagram.state is view.state                   # after pause the diagram shows the last epoch
    view.clock.comm = None


def test_in_a_kernel_the_updates_come_from_its_event_loop_paced_and_pause_stops_them(view):
    """As in a kernel: the ask returns at once (the kernel is idle, so no busy/idle per update), the updates come
    from the event loop at most one every interval_ms, stop at the frame asked for, and pause cancels the next."""
    import asyncio
    import time
    view.clock.comm = RecordingComm()
    view.clock.interval_ms = 40
    view.update()                                             # compile the update's training program first
    frames, starts, update = [], [], view.update
    view.clock.observe(lambda change: frames.append(change["new"]), names="frame")
    view.update = lambda: (starts.append(time.perf_counter()), update())[1]

    async def until(condition, timeout=60.0):
        deadline = time.perf_counter() + timeout
        while not condition():
            assert time.perf_counter() < deadline, "the updates did not come"
            await asyncio.sleep(0.005)

    async def play_in_a_loop():
        start = view.clock.frame
        view.play()
        ask(view, start + 3)
        assert view.clock.frame == start                      # nothing made inside the message handler
        view.play()                                           # play again while playing: changes nothing
        await until(lambda: view.clock.frame == start + 3)
        await asyncio.sleep(0.3)
        assert frames == [start + 1, start + 2, start + 3]
        gaps = [b - a for a, b in zip(starts, starts[1:])]
        assert min(gaps) >= 0.039, gaps                       # one update at most every interval_ms
        ask(view, start + 6)
        await until(lambda: view.clock.frame == start + 4)
        view.pause()
        await asyncio.sleep(0.3)
        assert view.clock.frame == start + 4 and view._timer is None

    asyncio.run(play_in_a_loop())
    del view.update
    view.clock.comm = None


def test_a_diverging_run_pauses_play_and_says_why():
    view = Playground(pg.PlaygroundConfig(task="regression", dataset="regression_gaussians", hidden=(8, 8),
                                          learning_rate=3.0), epochs_per_update=5)
    view.play()
    ask(view, view.clock.frame + 1)
    assert not view.playing and "Training diverged" in view.drawn["message"]
    assert view.drawn["boundary"]["warning"].startswith("Training diverged")


def test_loss_curves_thin_long_histories():
    history = {"epoch": list(range(1, 1001)), "train_loss": list(np.linspace(1, 0, 1000)),
               "val_loss": list(np.linspace(1, 0.1, 1000))}
    series = loss_curves(history, max_points=100)
    # Every 16th epoch from the first (the smallest power of two that fits in 100 points), then the last.
    assert len(series[0]["x"]) == 64 and series[0]["x"][0] == 1 and series[0]["x"][-1] == 1000
    np.testing.assert_array_equal(series[0]["x"][:-1], np.arange(1, 1001, 16))
    assert series[0]["settled"] == 63


def test_pure_drawing_functions():
    state = pg.new_state(small(features=("x1", "sin(x2)"), hidden=(3,)))
    extent = plane_extent_for(state.data)
    assert extent[0] <= -3.6 and extent[1] >= 3.6
    scene = playground_diagram(state, extent, resolution=8)
    assert [n["label"] for n in scene["nodes"] if n["kind"] == "input"] == ["x₁", "sin x₂"]
    assert scene["tiles"].shape == (2 + 3 + 1, 8, 8, 4) and scene["width"] <= 540
    plane = playground_plane(state, extent, resolution=10, show_test=False)
    assert plane["values"].shape == (10, 10) and [p["name"] for p in plane["points"]] == ["train"]


def test_the_views_are_the_ordinary_pipelines_with_the_features_in_front():
    from course_lib.widgets.boundary import as_plane_data, boundary_picture
    from course_lib.widgets.diagram import diagram_layout
    from course_lib.widgets.planes import layer_grids

    state = pg.train(pg.new_state(small(features=("x1", "x2", "x1*x2"), hidden=(3,))), 5)
    extent, features = plane_extent_for(state.data), feature_map(state.config)
    # layer_grids with the feature map: the first grid is the features of the plane's points (x1*x2 included).
    grids = layer_grids(state.host_params, extent, 8, ["tanh"], "linear", feature_map=features)
    assert grids[0].shape == (8, 8, 3)
    np.testing.assert_allclose(grids[0][:, :, 2], grids[0][:, :, 0] * grids[0][:, :, 1], rtol=1e-6)
    # The plane is boundary_picture's, the diagram diagram_layout's: same pixels, same tiles.
    plane = playground_plane(state, extent, resolution=12)
    picture = boundary_picture(state.host_params, as_plane_data(state.data), ["tanh"], resolution=12, extent=extent,
                               feature_map=features)
    np.testing.assert_array_equal(plane["image"], picture["image"])
    diagram = playground_diagram(state, extent, resolution=8)
    ordinary = diagram_layout(state.host_params, ["tanh"], heatmaps=True, extent=extent, resolution=8,
                              feature_map=features)
    np.testing.assert_array_equal(diagram["tiles"], ordinary["tiles"])
    # Without a feature map a network with 3 inputs cannot be drawn over the plane, and the error says why.
    with pytest.raises(course_lib.network.ShapeError, match="needs exactly 2 inputs"):
        layer_grids(state.host_params, extent, 8)


def test_every_control_has_an_accessible_name_and_the_drawings_say_what_they_show(view):
    from course_lib.widgets.playground_controls import CONTROL_TABLE

    for control in CONTROL_TABLE:
        assert getattr(view, control.attribute).description, control.name
    for row in view.layer_rows:                # the menus that had no name (axe: select-name, critical)
        assert row["activation"].description.startswith("activation of hidden layer")
        assert row["plus"].tooltip and row["minus"].tooltip      # the names of + and − (see playground_clock.js)
    label = view.plane.frame["label"]           # the accessible name changes at every update: in `frame`
    assert label.startswith("Output: test loss ") and "training loss" in label
    diagram_label = view.diagram.frame["label"]
    assert diagram_label.startswith("Network diagram, epoch 0:")
    view.train(3)
    assert view.plane.frame["label"] != label and view.diagram.frame["label"].startswith("Network diagram, epoch 3:")


def test_benchmark_reports_updates_per_second():
    result = benchmark_updates_per_second(seconds=0.5)
    assert result["updates_per_s"] > 0 and result["n"] >= 1 and result["epochs_trained"] >= 6
    assert set(result) >= {"updates_per_s", "median_ms", "train_ms", "draw_ms", "bytes_per_update", "config"}
    assert result["bytes_per_update"] > 10_000                # the messages really were serialised
    assert "[2, 8, 8, 1]" in result["config"]


# ------------------------------------------------------------------------------------------------ the notebook


def test_saved_solution_keeps_the_playground_widget_state():
    notebook = json.loads((ROOT / "solutions" / "10_playground.ipynb").read_text(encoding="utf-8"))
    state = notebook["metadata"]["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    esm = [model["state"].get("_esm", "") for model in state.values() if model["model_name"] == "AnyModel"]
    assert any("course-playground-clock" in code for code in esm)          # the clock
    assert any("function drawDiagram" in code for code in esm)             # the diagram's front end
    assert any("function drawPlane" in code for code in esm)               # the plane's front end
    shown = [output["data"]["application/vnd.jupyter.widget-view+json"]["model_id"]
             for cell in notebook["cells"] if cell["cell_type"] == "code" for output in cell.get("outputs", [])
             if "application/vnd.jupyter.widget-view+json" in output.get("data", {})]
    assert shown and all(model_id in state for model_id in shown)
    scenes = [model["state"]["scene"] for model in state.values()
              if model["model_name"] == "AnyModel" and "scene" in model["state"]]
    assert any(scene.get("nodes") for scene in scenes) and any(scene.get("extent") for scene in scenes)

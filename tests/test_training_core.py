"""One training core: fit, the Playground and data-parallel training share train_step, batch_order, the metric
names, the accuracy and the divergence message; fit resumes exactly; importing course_lib changes nothing."""
import json
import os
import subprocess
import sys
from pathlib import Path

import jax
import numpy as np
import pytest

from course_lib import datasets, fit, init_mlp, playground as pg
from course_lib.training import (EPOCHS_PER_CALL, TrainState, TrainingDiverged, accuracy_from_outputs, batch_order,
                                 new_train_state, train_step)

ROOT = Path(__file__).resolve().parents[1]


def leaves_equal(a, b):
    return all(np.array_equal(np.asarray(x), np.asarray(y)) for x, y in zip(jax.tree.leaves(a), jax.tree.leaves(b)))


@pytest.fixture(scope="module")
def digits():
    data = datasets.load_digits(seed=0)
    return data.x_train[:300], data.y_train[:300], data.x_test[:100], data.y_test[:100]


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_fit_resumed_equals_fit_in_one_go_bit_for_bit(digits, optimizer):
    x, y, x_val, y_val = digits
    settings = dict(lr=0.01 if optimizer == "adam" else 0.1, batch_size=32, optimizer=optimizer, seed=3,
                    x_val=x_val, y_val=y_val)
    start = init_mlp([64, 16, 10], seed=1)
    in_one_go, history = fit(new_train_state(start, optimizer), x, y, epochs=30, **settings)
    state, first = fit(new_train_state(start, optimizer), x, y, epochs=10, **settings)
    state, second = fit(state, x, y, epochs=20, **settings)
    assert in_one_go.epoch == state.epoch == 30
    assert leaves_equal(in_one_go, state)                     # weights AND the optimizer's memory
    assert first["epoch"] + second["epoch"] == history["epoch"] == list(range(1, 31))
    for name in ("train_loss", "train_accuracy", "val_loss", "val_accuracy"):
        assert first[name] + second[name] == history[name]
    # Given params (not a state), fit returns params, trained the same way.
    params, _ = fit(start, x, y, epochs=30, **settings)
    assert leaves_equal(params, in_one_go.params)


def test_resuming_with_another_optimizer_is_refused(digits):
    x, y, _, _ = digits
    state = new_train_state(init_mlp([64, 10], seed=0), "sgd")
    with pytest.raises(ValueError, match="does not fit optimizer='adam'"):
        fit(state, x, y, epochs=1, lr=0.1, optimizer="adam")


@pytest.mark.parametrize("batch_size", [10, 200])     # mini-batches, and the whole training set at once
def test_fit_and_the_playground_give_identical_weights(batch_size):
    config = pg.PlaygroundConfig(dataset="spiral", hidden=(6, 4), activations="tanh", learning_rate=0.03,
                                 optimizer="adam", batch_size=batch_size, init_seed=4, regularization="l2",
                                 regularization_rate=0.001)
    state = pg.train(pg.new_state(config), 30)
    x, y, x_test, y_test = pg.training_arrays(config)
    params, history = fit(init_mlp(config.layer_sizes, seed=4, init="glorot"), x, y, epochs=30, lr=0.03,
                          batch_size=batch_size, activation="tanh", loss="binary_cross_entropy", optimizer="adam",
                          seed=4, l2=0.001, x_val=x_test, y_val=y_test)
    assert leaves_equal(params, state.params)
    assert {k: v for k, v in history.items()} == state.history


def test_batch_order_depends_only_on_seed_and_epoch():
    order = batch_order(103, 10, epoch=2, seed=5)
    assert order.shape == (10, 10) and order.dtype == np.int32
    assert len(set(order.ravel().tolist())) == 100 and order.max() < 103
    np.testing.assert_array_equal(order, batch_order(103, 10, epoch=2, seed=5))
    assert not np.array_equal(order, batch_order(103, 10, epoch=3, seed=5))
    assert not np.array_equal(order, batch_order(103, 10, epoch=2, seed=6))


def test_train_step_is_forward_loss_grad_update():
    params = init_mlp([3, 4, 2], seed=0)
    x = np.random.default_rng(0).normal(size=(5, 3)).astype(np.float32)
    y = np.array([0, 1, 1, 0, 1])
    from course_lib import loss_value, sgd
    state, (batch_loss, outputs) = train_step(TrainState(params, ()), x, y, optimizer=sgd(0.5))
    grads = jax.grad(loss_value)(params, x, y, "relu", "cross_entropy")
    for new, old, g in zip(jax.tree.leaves(state.params), jax.tree.leaves(params), jax.tree.leaves(grads)):
        np.testing.assert_allclose(new, old - 0.5 * np.asarray(g), rtol=1e-6, atol=1e-7)
    assert float(batch_loss) == pytest.approx(float(loss_value(params, x, y, "relu", "cross_entropy")), rel=1e-6)
    assert outputs.shape == (5, 2) and state.epoch == 0


def test_one_accuracy_for_every_kind_of_label():
    logits = np.array([[2.0, 1.0, 0.0], [0.0, 3.0, 1.0], [0.0, 0.0, 1.0], [5.0, 0.0, 0.0]])
    assert accuracy_from_outputs(logits, np.array([0, 1, 2, 1])) == 0.75
    assert accuracy_from_outputs(logits, np.eye(3)[[0, 1, 2, 1]]) == 0.75
    one_logit = np.array([[-2.0], [0.5], [3.0], [-0.1]])
    assert accuracy_from_outputs(one_logit, np.array([0, 1, 0, 0])) == 0.75
    assert accuracy_from_outputs(one_logit, np.array([[0.0], [1.0], [0.0], [0.0]])) == 0.75
    assert float(accuracy_from_outputs(jax.numpy.asarray(one_logit), jax.numpy.asarray([0, 1, 1, 0]))) == 1.0


def test_long_training_crosses_compiled_calls_without_a_seam(digits):
    x, y, _, _ = digits
    start = init_mlp([64, 8, 10], seed=0)
    whole, _ = fit(start, x, y, epochs=EPOCHS_PER_CALL + 3, lr=0.1, batch_size=50)
    state = new_train_state(start)
    for _ in range(EPOCHS_PER_CALL + 3):
        state, _ = fit(state, x, y, epochs=1, lr=0.1, batch_size=50)
    assert leaves_equal(whole, state.params)


def test_divergence_keeps_the_last_finite_weights_and_their_history():
    x, y = datasets.make_regression_curve(n=64, seed=0)
    with pytest.raises(TrainingDiverged) as error:
        fit(init_mlp([1, 16, 16, 1], seed=0), x * 100, y, epochs=60, lr=10.0, loss="mse")
    epoch = error.value.epoch
    before, _ = fit(init_mlp([1, 16, 16, 1], seed=0), x * 100, y, epochs=epoch - 1, lr=10.0, loss="mse")
    assert leaves_equal(before, error.value.params)
    assert "start again from the initial weights with a smaller learning rate, e.g. lr=1" in str(error.value)


# ------------------------------------------------------------------------------------------ no import effects

IMPORT_PROBE = """
import importlib, json, pkgutil
import jax
import course_lib
names = ["jax_compilation_cache_dir", "jax_persistent_cache_min_compile_time_secs", "jax_enable_x64",
         "jax_enable_compilation_cache", "jax_platforms", "jax_default_matmul_precision"]
before = {name: getattr(jax.config, name) for name in names}
imported = []
for module in pkgutil.walk_packages(course_lib.__path__, "course_lib."):
    if module.name.split(".")[-1] in ("__main__",):
        continue
    importlib.import_module(module.name)
    imported.append(module.name)
after = {name: getattr(jax.config, name) for name in names}
print(json.dumps({"imported": imported, "before": before, "after": after}))
"""


def test_importing_every_course_lib_module_leaves_jax_configuration_alone():
    env = {k: v for k, v in os.environ.items() if k not in ("COURSE_LIB_COMPILATION_CACHE",)}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    done = subprocess.run([sys.executable, "-c", IMPORT_PROBE], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert "course_lib.training" in result["imported"] and "course_lib.playground" in result["imported"]
    assert result["after"] == result["before"]


# ------------------------------------------------------------------------------------ fit refuses bad input


@pytest.fixture(scope="module")
def small():
    data = datasets.load("gaussians", n=60, n_classes=3, seed=0)
    return data.x_train, data.y_train


@pytest.mark.parametrize("change, words", [
    (dict(lr=float("nan")), "lr must be a finite number; got nan"),
    (dict(lr=-0.1), "A negative learning rate would climb the loss"),
    (dict(lr=0), "lr must be above 0"),
    (dict(epochs=0), "epochs must be a whole number >= 1"),
    (dict(epochs=2.5), "epochs must be a whole number >= 1"),
    (dict(batch_size=0), "batch_size must be a whole number between 1 and the number of examples (48)"),
    (dict(batch_size=3.5), "batch_size must be a whole number"),
    (dict(optimizer="rmsprop"), "Unknown optimizer 'rmsprop'"),
    (dict(l2=-1.0), "l2 must be at least 0"),
    (dict(seed=-1), "seed must be a whole number >= 0"),
    (dict(snapshot_every=0), "snapshot_every must be a whole number of epochs >= 1"),
])
def test_fit_refuses_bad_settings_with_a_message_that_names_the_fix(small, change, words):
    x, y = small
    settings = dict(epochs=1, lr=0.1) | change
    with pytest.raises(ValueError) as caught:
        fit(init_mlp([2, 4, 3], seed=0), x, y, **settings)
    assert words in str(caught.value)


def test_fit_refuses_bad_data_with_a_message_that_names_the_fix(small):
    x, y = small
    params = init_mlp([2, 4, 3], seed=0)
    cases = [   # fit calls the library's own checks (datasets.check_examples, losses.check_targets)
        (lambda: fit(init_mlp([2, 4, 1]), x, y, epochs=1, lr=0.1), "with one output column use"),
        (lambda: fit(params, x, y + 3, epochs=1, lr=0.1), "y holds the label 5, but the network has 3 output columns"),
        (lambda: fit(params, x, y - 1, epochs=1, lr=0.1), "class labels count from 0"),
        (lambda: fit(params, x, y + 0.5, epochs=1, lr=0.1), "needs whole-number class labels 0..2"),
        (lambda: fit(init_mlp([2, 4, 1]), x, y, epochs=1, lr=0.1, loss="binary_cross_entropy"), "labels 0 or 1"),
        (lambda: fit(init_mlp([2, 4, 1]), x, 2 * (y % 2) - 1, epochs=1, lr=0.1, loss="binary_cross_entropy"),
         "(y + 1) // 2"),
        (lambda: fit(params, np.where(np.arange(len(x))[:, None] == 5, np.nan, x), y, epochs=1, lr=0.1),
         "That is the data, not the training: no learning rate can fix it"),
        (lambda: fit(params, x[:0], y[:0], epochs=1, lr=0.1), "x has no examples"),
        (lambda: fit(params, x, y, epochs=1, lr=0.1, x_val=x), "x_val was given without y_val"),
        (lambda: fit(params, x, y, epochs=1, lr=0.1, y_val=y), "y_val was given without x_val"),
        (lambda: fit(params, x, y[:-1], epochs=1, lr=0.1), "same first dimension"),
        (lambda: fit(init_mlp([2, 4, 2]), x, y, epochs=1, lr=0.1, loss="mse"), "loss='mse'"),
    ]
    for call, words in cases:
        with pytest.raises(ValueError) as caught:
            call()
        assert words in str(caught.value), (words, str(caught.value))


@pytest.mark.parametrize("sizes, words", [
    ("23", "must be a list of whole numbers"),
    ([2.7, 3], "must hold whole numbers of units"),
    ([2, 0, 1], "all >= 1"),
    ([5], "at least an input and an output size"),
    ([10**6, 10**6], "1,000,001,000,000 parameters"),
])
def test_init_mlp_refuses_bad_sizes_before_allocating(sizes, words):
    with pytest.raises(ValueError) as caught:
        init_mlp(sizes)
    assert words in str(caught.value)


def test_init_mlp_draws_with_numpy_from_the_seed():
    a, b, c = init_mlp([5, 7, 3], seed=2), init_mlp([5, 7, 3], seed=2), init_mlp([5, 7, 3], seed=3)
    assert leaves_equal(a, b) and not np.array_equal(a[0]["W"], c[0]["W"])
    assert all(isinstance(leaf, np.ndarray) and leaf.dtype == np.float32 for leaf in jax.tree.leaves(a))
    weights = np.concatenate([init_mlp([400, 100], seed=s)[0]["W"].ravel() for s in range(3)])
    assert np.std(weights) == pytest.approx(np.sqrt(2 / 400), rel=0.02)       # He: std sqrt(2 / n_in)
    key_params = init_mlp([5, 7, 3], key=jax.random.PRNGKey(0))
    assert isinstance(key_params[0]["W"], jax.Array) and key_params[0]["W"].shape == (5, 7)


def test_on_progress_sees_the_history_grow_and_a_live_curve_draws_it(digits):
    from course_lib.widgets import LossCurve

    x, y, x_val, y_val = digits
    curve = LossCurve.for_training(epochs=60, validation=True)
    seen = []

    def progress(history):
        seen.append(len(history["epoch"]))
        curve.update(history)

    _, history = fit(init_mlp([64, 8, 10], seed=0), x, y, epochs=60, lr=0.1, batch_size=50, x_val=x_val,
                     y_val=y_val, on_progress=progress)
    assert seen == [EPOCHS_PER_CALL, 2 * EPOCHS_PER_CALL, 60]
    drawn = curve.drawn
    assert drawn["x_range"][1] == 60.0
    assert [len(s["x"]) for s in drawn["series"]] == [60, 60]

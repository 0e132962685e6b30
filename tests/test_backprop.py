"""The hand-written NumPy backprop against jax.grad and against finite differences, in float64."""
import itertools

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from course_lib import backprop, init_mlp, loss_value, numerical_gradient
from course_lib.activations import ELEMENTWISE

ARCHITECTURES = [[3, 1], [3, 5, 2], [4, 6, 5, 3]]
# (loss, output activation): every loss, and MSE also through sigmoid and softmax outputs.
LOSS_SETUPS = [("mse", "linear"), ("mse", "sigmoid"), ("mse", "softmax"), ("cross_entropy", None),
               ("binary_cross_entropy", None)]


def _problem(sizes, loss, seed):
    rng = np.random.default_rng(seed)
    n_out = 1 if loss == "binary_cross_entropy" else sizes[-1]
    sizes = sizes[:-1] + [n_out]
    if loss == "cross_entropy" and n_out == 1:
        sizes[-1] = n_out = 2
    with jax.enable_x64(True):
        params = init_mlp(sizes, seed=seed, dtype=jnp.float64)
        params = [{"W": np.asarray(p["W"]), "b": rng.normal(size=p["b"].shape)} for p in params]
    x = rng.normal(size=(7, sizes[0]))
    if loss == "mse":
        y = rng.normal(size=(7, n_out))
    elif loss == "cross_entropy":
        y = rng.integers(0, n_out, size=7)
    else:
        y = rng.integers(0, 2, size=7)
    return params, x, y


def _max_relative_error(a_tree, b_tree):
    worst = 0.0
    for a, b in zip(jax.tree.leaves(a_tree), jax.tree.leaves(b_tree)):
        a, b = np.asarray(a), np.asarray(b)
        worst = max(worst, float(np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-12)))
    return worst


@pytest.mark.parametrize("activation,setup,sizes",
                         list(itertools.product(ELEMENTWISE, LOSS_SETUPS, ARCHITECTURES)))
def test_backprop_equals_jax_grad_in_float64(activation, setup, sizes):
    loss, output = setup
    params, x, y = _problem(list(sizes), loss, seed=len(sizes))
    by_hand = backprop(params, x, y, activation=activation, loss=loss, output=output, l2=0.01)
    with jax.enable_x64(True):
        by_jax = jax.grad(loss_value)(jax.tree.map(jnp.asarray, params), jnp.asarray(x), jnp.asarray(y),
                                      activation, loss, output, 0.0, 0.01)
        by_jax = jax.device_get(by_jax)
    assert jax.tree.structure(by_hand) == jax.tree.structure(by_jax)
    for mine, theirs in zip(by_hand, by_jax):
        assert mine["W"].dtype == np.float64 and mine["W"].shape == theirs["W"].shape
    assert _max_relative_error(by_hand, by_jax) < 1e-8


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "elu", "gelu", "relu"])
@pytest.mark.parametrize("loss,output", [("mse", "linear"), ("cross_entropy", None), ("binary_cross_entropy", None)])
def test_backprop_equals_finite_differences(activation, loss, output):
    params, x, y = _problem([3, 4, 3], loss, seed=3)

    def f(p):
        with jax.enable_x64(True):
            return loss_value(jax.tree.map(jnp.asarray, p), jnp.asarray(x), jnp.asarray(y), activation, loss, output)

    by_hand = backprop(params, x, y, activation=activation, loss=loss, output=output)
    numeric = numerical_gradient(f, params, eps=1e-6)
    assert _max_relative_error(by_hand, numeric) < 1e-6


def test_l1_penalty_gradient():
    params, x, y = _problem([3, 4, 2], "mse", seed=5)
    with jax.enable_x64(True):
        by_jax = jax.device_get(jax.grad(loss_value)(jax.tree.map(jnp.asarray, params), jnp.asarray(x),
                                                     jnp.asarray(y), "tanh", "mse", None, 0.05, 0.0))
    assert _max_relative_error(backprop(params, x, y, activation="tanh", loss="mse", l1=0.05), by_jax) < 1e-8


def test_backprop_catches_a_wrong_gradient():
    """The comparison used above really detects an error: a 1% change in one gradient is caught."""
    params, x, y = _problem([3, 5, 2], "mse", seed=1)
    grads = backprop(params, x, y, activation="tanh", loss="mse")
    grads[0]["W"][0, 0] *= 1.01
    with jax.enable_x64(True):
        by_jax = jax.device_get(jax.grad(loss_value)(jax.tree.map(jnp.asarray, params), jnp.asarray(x),
                                                     jnp.asarray(y), "tanh", "mse"))
    assert _max_relative_error(grads, by_jax) > 1e-4


def test_backprop_names_the_shape_fix_for_one_dimensional_mse_targets():
    params = init_mlp([2, 3, 1], seed=0)
    x = np.ones((4, 2))
    with pytest.raises(ValueError, match=r"loss='mse': the network's output has shape \(4, 1\) but y.shape is "
                                         r"\(4,\).*y.reshape\(-1, 1\)"):
        backprop(params, x, np.zeros(4), loss="mse")
    grads = backprop(params, x, np.zeros((4, 1)), loss="mse")      # the fix works
    assert grads[0]["W"].shape == (2, 3)


def test_backprop_checks_labels_and_defaults_to_cross_entropy_like_loss_value():
    params, x, y = _problem([3, 5, 4], "cross_entropy", seed=2)
    with jax.enable_x64(True):
        by_jax = jax.device_get(jax.grad(loss_value)(jax.tree.map(jnp.asarray, params), jnp.asarray(x), jnp.asarray(y)))
    assert _max_relative_error(backprop(params, x, y), by_jax) < 1e-8        # both defaults: relu, cross_entropy
    with pytest.raises(ValueError, match=r"holds the label 4, but the network has 4 output columns"):
        backprop(params, x, np.full(len(x), 4))
    with pytest.raises(ValueError, match=r"x has 7 examples but y has 6"):
        backprop(params, x, y[:6])
    with pytest.raises(ValueError, match=r"one output column.*binary_cross_entropy"):
        backprop(init_mlp([3, 1], seed=0), x, np.zeros(len(x), int))


def test_from_course_lib_import_backprop_is_callable_whatever_was_imported_first():
    import importlib
    import subprocess
    import sys

    code = ("import numpy as np, course_lib.backprop\n"      # the submodule first: the package attribute is the module
            "from course_lib import backprop, init_mlp\n"
            "grads = backprop(init_mlp([2, 3, 2], seed=0), np.ones((4, 2), np.float32), np.array([0, 1, 1, 0]))\n"
            "print(len(grads), sorted(grads[0]))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-1500:]
    assert done.stdout.split() == ["2", "['W',", "'b']"]
    assert importlib.import_module("course_lib.backprop").backprop is not None

"""Notebook 03's exercises (sigmoid and leaky ReLU, each with its derivative): the reference passes, the stub is
"not attempted", answers written differently but correctly pass, and plausible wrong answers, written here
independently of the bank's own Mistake functions, are caught with their specific hint."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from course_lib.exercises import nb03_activation_functions as bank
from exercise_helpers import assert_caught, assert_exercise_is_consistent, stub


@pytest.mark.parametrize("exercise", list(bank.EXERCISES.values()), ids=list(bank.EXERCISES))
def test_reference_passes_stub_not_attempted_and_every_mistake_caught(exercise):
    assert_exercise_is_consistent(exercise)


def test_inputs_cover_both_signs_and_only_the_leaky_derivative_hits_the_kink():
    for exercise in bank.EXERCISES.values():
        values = np.concatenate([np.ravel(call.args[0]) for call in exercise.inputs()])
        assert values.min() < -1 and values.max() > 1
        # The notebook fixes leaky_relu_derivative(0) = slope, so its inputs contain exact zeros (issue 12)
        assert np.any(values == 0) == (exercise is bank.leaky_relu_derivative_exercise)


def test_leaky_inputs_use_other_slopes_too():
    slopes = {call.kwargs.get("slope", 0.01) for call in bank.leaky_relu_exercise.inputs()}
    assert len(slopes) >= 2


# -------------------------------------------------------------------------------------------------- sigmoid


def test_sigmoid_textbook_formula_and_tanh_identity_pass():
    assert bank.sigmoid_exercise.check(lambda z: 1.0 / (1.0 + np.exp(-z))).passed
    assert bank.sigmoid_exercise.check(lambda z: 0.5 * (np.tanh(z / 2) + 1)).passed


def test_sigmoid_with_jax_passes():
    assert bank.sigmoid_exercise.check(lambda z: jax.nn.sigmoid(jnp.asarray(z))).passed


def test_sigmoid_flipped_sign_is_caught():
    assert_caught(bank.sigmoid_exercise, lambda z: 1.0 / (1.0 + np.exp(+z)), "sign in the exponent")


def test_sigmoid_confused_with_tanh_is_caught():
    assert_caught(bank.sigmoid_exercise, lambda z: (np.exp(z) - np.exp(-z)) / (np.exp(z) + np.exp(-z)),
                  "That is tanh")


def test_sigmoid_minus_in_denominator_is_caught():
    assert_caught(bank.sigmoid_exercise, lambda z: 1.0 / (1.0 - np.exp(-z)), "1 PLUS")


# --------------------------------------------------------------------------------------- sigmoid_derivative


def test_sigmoid_derivative_written_differently_passes():
    assert bank.sigmoid_derivative_exercise.check(lambda z: np.exp(-z) / (1 + np.exp(-z)) ** 2).passed
    grad = jax.vmap(jax.grad(jax.nn.sigmoid))
    assert bank.sigmoid_derivative_exercise.check(
        lambda z: np.asarray(grad(jnp.ravel(jnp.asarray(z, jnp.float32)))).reshape(np.shape(z))).passed


def test_sigmoid_derivative_at_the_wrong_point_is_caught():
    def at_z(z):
        s = z                     # forgot to apply the sigmoid first
        return s * (1 - s)
    assert_caught(bank.sigmoid_derivative_exercise, at_z, "at z itself")


def test_sigmoid_derivative_returning_sigmoid_is_caught():
    assert_caught(bank.sigmoid_derivative_exercise, lambda z: np.exp(z) / (1 + np.exp(z)), "sigmoid itself")


def test_sigmoid_derivative_with_tanh_pattern_is_caught():
    def tanh_like(z):
        s = 1 / (1 + np.exp(-z))
        return 1 - s * s
    assert_caught(bank.sigmoid_derivative_exercise, tanh_like, "tanh's derivative")


# ----------------------------------------------------------------------------------------------- leaky_relu


def test_leaky_relu_with_maximum_passes():
    assert bank.leaky_relu_exercise.check(lambda z, slope=0.01: np.maximum(z, slope * z)).passed


def test_leaky_relu_slope_on_the_wrong_side_is_caught():
    assert_caught(bank.leaky_relu_exercise, lambda z, slope=0.01: np.where(z < 0, z, slope * z), "NEGATIVE side")


def test_leaky_relu_as_plain_relu_is_caught():
    assert_caught(bank.leaky_relu_exercise, lambda z, slope=0.01: z * (z > 0), "plain ReLU")


def test_leaky_relu_with_hard_coded_slope_is_caught():
    assert_caught(bank.leaky_relu_exercise, lambda z, slope=0.01: np.where(z > 0, z, 0.01 * z), "`slope` argument")


# ------------------------------------------------------------------------------------ leaky_relu_derivative


def test_leaky_relu_derivative_via_jax_grad_passes():
    def by_jax(z, slope=0.01):
        f = lambda t: jnp.where(t > 0, t, slope * t)
        flat = jax.vmap(jax.grad(f))(jnp.ravel(jnp.asarray(z, jnp.float32)))
        return np.asarray(flat).reshape(np.shape(z))
    assert bank.leaky_relu_derivative_exercise.check(by_jax).passed


def test_leaky_relu_derivative_returning_the_function_is_caught():
    assert_caught(bank.leaky_relu_derivative_exercise, lambda z, slope=0.01: np.maximum(z, slope * z),
                  "function leaky_relu(z) itself")


def test_leaky_relu_derivative_as_relu_derivative_is_caught():
    assert_caught(bank.leaky_relu_derivative_exercise, lambda z, slope=0.01: (z > 0).astype(float),
                  "plain ReLU's derivative")


def test_leaky_relu_derivative_keeping_z_is_caught():
    assert_caught(bank.leaky_relu_derivative_exercise, lambda z, slope=0.01: np.where(z > 0, 1.0, slope * z),
                  "not slope * z")


def test_leaky_relu_derivative_with_one_at_zero_is_caught():
    # Issue 12: `z >= 0` passed because no test input was exactly 0; the notebook fixes the value there at `slope`.
    def greater_or_equal(z, slope=0.01):
        return np.where(z >= 0, 1.0, slope)
    assert_caught(bank.leaky_relu_derivative_exercise, greater_or_equal, "use z > 0, not z >= 0")

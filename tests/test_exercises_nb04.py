"""Notebook 04's exercises: the reference passes, the stub is "not attempted", and plausible wrong answers,
written here independently of the bank's own Mistake functions, are caught with their specific hint."""
import jax
import numpy as np
import pytest

import course_lib
from course_lib.exercises import nb04_loss_and_gradient_descent as bank
from exercise_helpers import assert_caught, assert_exercise_is_consistent, stub


@pytest.mark.parametrize("exercise", list(bank.EXERCISES.values()), ids=list(bank.EXERCISES))
def test_reference_passes_stub_not_attempted_and_every_mistake_caught(exercise):
    assert_exercise_is_consistent(exercise)


# ------------------------------------------------------------------------------------------------- mse


def student_mse(predictions, targets):
    errors = predictions - targets
    return (errors * errors).mean()


def test_mse_a_different_correct_answer_passes():
    assert bank.mse_exercise.check(student_mse).status == "correct"


def test_mse_sum_instead_of_mean_is_caught():
    def summed(predictions, targets):
        total = 0.0
        for p, t in zip(predictions.ravel(), targets.ravel()):
            total += (p - t) ** 2
        return total
    assert_caught(bank.mse_exercise, summed, "Use np.mean, not np.sum")


def test_mse_without_square_and_absolute_error_are_caught():
    assert_caught(bank.mse_exercise, lambda p, t: (p - t).mean(), "Square each error before averaging")
    assert_caught(bank.mse_exercise, lambda p, t: np.abs(t - p).mean(), "mean absolute error")


def test_mse_summed_over_outputs_is_caught():
    assert_caught(bank.mse_exercise, lambda p, t: ((p - t) ** 2).sum(axis=-1).mean(), "averages over every element")


def test_mse_fallback_is_the_library_function():
    assert bank.mse_exercise.use(stub) is bank.mse
    x = np.arange(6.0).reshape(3, 2)
    assert bank.mse(x, x + 1) == course_lib.mse(x, x + 1) == 1.0


# ---------------------------------------------------------------------------------------- cross-entropy


def naive_cross_entropy(logits, labels):
    """The textbook formula, straight from the definition: softmax, then -log of the true class."""
    e = np.exp(logits)
    p = e / e.sum(axis=1, keepdims=True)
    return -np.log(p[np.arange(len(labels)), labels]).mean()


def test_cross_entropy_a_different_correct_answer_passes():
    def with_logsumexp(logits, labels):
        top = logits.max(axis=1, keepdims=True)
        log_p = logits - top - np.log(np.exp(logits - top).sum(axis=1, keepdims=True))
        return -np.mean(np.take_along_axis(log_p, labels[:, None], axis=1))
    assert bank.cross_entropy_exercise.check(with_logsumexp).status == "correct"


def test_cross_entropy_log_of_a_probability_that_can_be_zero_is_caught():
    # exp overflows: NaN
    assert_caught(bank.cross_entropy_exercise, naive_cross_entropy, "exp(95) overflows")

    # overflow avoided, but the log of a probability that rounded to 0: inf
    def log_of_stable_softmax(logits, labels):
        e = np.exp(logits - logits.max(axis=1, keepdims=True))
        p = e / e.sum(axis=1, keepdims=True)
        return -np.mean([np.log(p[i, label]) for i, label in enumerate(labels)])
    assert_caught(bank.cross_entropy_exercise, log_of_stable_softmax, "-log(0) = inf")


def test_cross_entropy_sum_and_sign_mistakes_are_caught():
    def summed(logits, labels):
        log_p = course_lib.log_softmax(logits)
        return -sum(log_p[i, label] for i, label in enumerate(labels))
    assert_caught(bank.cross_entropy_exercise, summed, "average them instead")

    def no_minus(logits, labels):
        log_p = course_lib.log_softmax(logits)
        return np.mean(np.take_along_axis(log_p, labels[:, None], axis=1))
    assert_caught(bank.cross_entropy_exercise, no_minus, "the loss is MINUS their mean")


def test_cross_entropy_is_finite_where_the_naive_formula_breaks():
    logits, labels = bank.cross_entropy_exercise.inputs()[-1].args
    with np.errstate(all="ignore"):
        assert not np.isfinite(naive_cross_entropy(logits, labels))
    value = bank.cross_entropy(logits, labels)
    assert np.isfinite(value)
    # row 0 alone contributes about 150 (the true class is 150 below the winner), averaged over 5 rows
    assert value > 150 / 5


# --------------------------------------------------------------------------------- gradient-descent step


def test_gradient_descent_step_a_different_correct_answer_passes_and_matches_jax():
    def student_step(params, grads, lr):
        return jax.tree.map(lambda p, g: p - lr * g, params, grads)
    assert bank.gradient_descent_step_exercise.check(student_step).status == "correct"


def test_gradient_descent_step_wrong_sign_is_caught():
    def uphill(params, grads, lr):
        new = []
        for layer, grad in zip(params, grads):
            new.append({name: layer[name] + lr * grad[name] for name in ("W", "b")})
        return new
    assert_caught(bank.gradient_descent_step_exercise, uphill, "Subtract lr * gradient")


def test_gradient_descent_step_forgotten_lr_and_frozen_bias_are_caught():
    def no_lr(params, grads, lr):
        return [{name: layer[name] - grad[name] for name in layer} for layer, grad in zip(params, grads)]
    assert_caught(bank.gradient_descent_step_exercise, no_lr, "Multiply it by the learning rate")

    def bias_frozen(params, grads, lr):
        return [{"W": layer["W"] - lr * grad["W"], "b": layer["b"].copy()} for layer, grad in zip(params, grads)]
    assert_caught(bank.gradient_descent_step_exercise, bias_frozen, "The biases are parameters too")


def test_gradient_descent_step_in_place_update_fails_with_a_hint_for_a_list_of_dicts():
    # Issue 12: an in-place step left notebook 04's descent path with 1 point instead of 41.
    def in_place(params, grads, lr):
        for layer, grad in zip(params, grads):
            layer["W"] -= lr * grad["W"]
            layer["b"] -= lr * grad["b"]
        return params
    result = bank.gradient_descent_step_exercise.check(in_place)
    assert result.status == "changed its input" and not result.passed
    assert "your function changed its input `params` on input #0; build new arrays instead." in result.message
    assert "`params.copy()` copies only the outer list" in result.hint
    assert bank.gradient_descent_step_exercise.use(in_place) is bank.gradient_descent_step

    def shallow_copy(params, grads, lr):       # the old advice, params = params.copy(), does not help
        params = params.copy()
        return in_place(params, grads, lr)
    assert bank.gradient_descent_step_exercise.check(shallow_copy).status == "changed its input"


def test_one_step_lowers_the_loss_of_a_linear_model():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(20, 1))
    y = 3 * x + 1
    params = [{"W": np.zeros((1, 1)), "b": np.zeros(1)}]
    grads = jax.grad(course_lib.loss_value)(params, x, y, loss="mse")
    new = bank.gradient_descent_step(params, grads, 0.1)
    assert course_lib.loss_value(new, x, y, loss="mse") < course_lib.loss_value(params, x, y, loss="mse")

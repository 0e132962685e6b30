"""Notebook 05's exercises: the reference passes, the stub is "not attempted", and plausible wrong answers,
written here independently of the bank's own Mistake functions, are caught with their specific hint."""
import jax
import numpy as np
import pytest

import course_lib
from course_lib.exercises import nb05_backpropagation as bank
from exercise_helpers import assert_caught, assert_exercise_is_consistent, stub


@pytest.mark.parametrize("exercise", list(bank.EXERCISES.values()), ids=list(bank.EXERCISES))
def test_reference_passes_stub_not_attempted_and_every_mistake_caught(exercise):
    assert_exercise_is_consistent(exercise)


# ------------------------------------------------------------------------------------------ dense_backward


def test_dense_backward_matches_jax_vjp():
    rng = np.random.default_rng(0)
    x, W, b = rng.normal(size=(5, 3)), rng.normal(size=(3, 4)), rng.normal(size=4)
    d_z = rng.normal(size=(5, 4))
    with jax.enable_x64(True):
        _, vjp = jax.vjp(lambda x, W, b: x @ W + b, x, W, b)
        expected = vjp(d_z)
    for ours, theirs in zip(bank.dense_backward(x, W, d_z), expected):
        np.testing.assert_allclose(ours, np.asarray(theirs), rtol=1e-12)


def test_dense_backward_another_correct_answer_passes():
    def with_einsum(x, W, d_z):
        return np.einsum("bo,io->bi", d_z, W), np.einsum("bi,bo->io", x, d_z), np.sum(d_z, axis=0)
    assert bank.dense_backward_exercise.check(with_einsum).status == "correct"


def test_dense_backward_missing_transpose_is_caught():
    def no_transpose(x, W, d_z):
        d_b = d_z.sum(axis=0)
        d_W = x.T @ d_z
        d_x = d_z @ W
        return d_x, d_W, d_b
    assert_caught(bank.dense_backward_exercise, no_transpose, "uses the transpose", status="raised")

    def transposed_weight_gradient(x, W, d_z):
        return d_z @ W.T, (x.T @ d_z).T, d_z.sum(axis=0)
    assert_caught(bank.dense_backward_exercise, transposed_weight_gradient, "the transpose of W's",
                  status="wrong shape")


def test_dense_backward_bias_mistakes_are_caught():
    def bias_mean(x, W, d_z):
        return d_z @ W.T, x.T @ d_z, np.mean(d_z, axis=0)
    assert_caught(bank.dense_backward_exercise, bias_mean, "Sum it instead")

    def bias_per_example(x, W, d_z):
        return d_z @ W.T, x.T @ d_z, np.sum(d_z, axis=-1)
    assert_caught(bank.dense_backward_exercise, bias_per_example, "one value per example", status="wrong shape")


# ------------------------------------------------------------------------------------------------- backprop


def student_backprop(params, x, y):
    """A correct answer written the way the notebook suggests, on top of dense_backward."""
    logits, layers = course_lib.forward(params, x, activation="relu", return_hidden=True)
    probabilities = np.exp(logits - logits.max(axis=1, keepdims=True))
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    d_z = (probabilities - np.eye(logits.shape[1])[y]) / len(y)
    grads = [None] * len(params)
    for i in reversed(range(len(params))):
        a_in = x if i == 0 else layers[i - 1]["a"]
        d_a, d_W, d_b = bank.dense_backward(a_in, params[i]["W"], d_z)
        grads[i] = {"W": d_W, "b": d_b}
        if i > 0:
            d_z = d_a * (layers[i - 1]["z"] > 0)
    return grads


def test_backprop_reference_agrees_with_jax_grad_in_float64():
    for call in bank.backprop_exercise.inputs():
        params, x, y = call.args
        with jax.enable_x64(True):
            expected = jax.grad(course_lib.loss_value)(params, x, y, activation="relu", loss="cross_entropy")
        got = bank.backprop(params, x, y)
        for g, e in zip(jax.tree.leaves(got), jax.tree.leaves(expected)):
            np.testing.assert_allclose(g, np.asarray(e), rtol=1e-10, atol=1e-14)


def test_backprop_student_version_passes():
    assert bank.backprop_exercise.check(student_backprop).status == "correct"


def test_backprop_sum_instead_of_mean_is_caught():
    def summed(params, x, y):
        return [{"W": g["W"] * len(y), "b": g["b"] * len(y)} for g in student_backprop(params, x, y)]
    assert_caught(bank.backprop_exercise, summed, "batch-size times too large")


def test_backprop_missing_relu_derivative_is_caught():
    def no_relu(params, x, y):
        logits, layers = course_lib.forward(params, x, activation="relu", return_hidden=True)
        d_z = (np.asarray(course_lib.probabilities(logits)) - np.eye(logits.shape[1])[y]) / len(y)
        grads = []
        for i in range(len(params) - 1, -1, -1):
            a_in = layers[i - 1]["a"] if i else x
            grads.insert(0, {"W": a_in.T @ d_z, "b": d_z.sum(axis=0)})
            d_z = d_z @ params[i]["W"].T
        return grads
    assert_caught(bank.backprop_exercise, no_relu, "must pass through the ReLU")


def test_backprop_forgotten_softmax_is_caught():
    def logits_minus_labels(params, x, y):
        logits, layers = course_lib.forward(params, x, activation="relu", return_hidden=True)
        d_z = (logits - np.eye(logits.shape[1])[y]) / len(y)
        grads = [None] * len(params)
        for i in reversed(range(len(params))):
            a_in = x if i == 0 else layers[i - 1]["a"]
            d_a, d_W, d_b = bank.dense_backward(a_in, params[i]["W"], d_z)
            grads[i] = {"W": d_W, "b": d_b}
            if i > 0:
                d_z = d_a * (layers[i - 1]["z"] > 0)
        return grads
    assert_caught(bank.backprop_exercise, logits_minus_labels, "uses the logits themselves")


def test_backprop_explanation_code_is_a_correct_answer():
    body = bank.backprop_exercise.explanation.split("\n\n")[1]
    source = "def explained(params, x, y):\n" + body + "\n"
    namespace = {"np": np, "course_lib": course_lib, "dense_backward": bank.dense_backward}
    exec(source, namespace)
    assert bank.backprop_exercise.check(namespace["explained"]).status == "correct"


def test_backprop_gradients_in_reverse_layer_order_get_a_hint():
    # Issue 12: this got only "wrong shape at output[0]['W']" with no hint.
    def reversed_order(params, x, y):
        grads = []
        for layer_grads in reversed(student_backprop(params, x, y)):
            grads.append(layer_grads)
        return grads
    result = assert_caught(bank.backprop_exercise, reversed_order, "Your gradients are in reverse order",
                           status="wrong shape")
    assert "wrong shape at output[0]['W']" in result.message

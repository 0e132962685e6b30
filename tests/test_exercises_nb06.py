"""Notebook 06's exercises: the reference passes, the stub is "not attempted", and plausible wrong answers,
written here independently of the bank's own Mistake functions, are caught with their specific hint."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import course_lib
from course_lib.exercises import nb06_training_a_network as bank
from exercise_helpers import assert_caught, assert_exercise_is_consistent, stub


@pytest.mark.parametrize("exercise", list(bank.EXERCISES.values()), ids=list(bank.EXERCISES))
def test_reference_passes_stub_not_attempted_and_every_mistake_caught(exercise):
    assert_exercise_is_consistent(exercise)


# ---------------------------------------------------------------------------------------------- train_step


def mean_cross_entropy(params, x, y):
    logits = course_lib.forward(params, x, activation="relu")
    return -jnp.mean(course_lib.log_softmax(logits)[jnp.arange(len(y)), y])


def test_train_step_a_student_version_passes():
    def student(params, x, y, lr):
        loss, grads = jax.value_and_grad(mean_cross_entropy)(params, x, y)
        return jax.tree.map(lambda p, g: p - lr * g, params, grads), loss
    assert bank.train_step_exercise.check(student).status == "correct"


def test_train_step_matches_one_epoch_of_fit_on_a_single_batch():
    params, x, y, lr = bank.train_step_exercise.inputs()[0].args
    ours, _ = bank.train_step(params, x, y, lr)
    fitted, _ = course_lib.fit(params, x, y, epochs=1, lr=lr, batch_size=None, loss="cross_entropy")
    for a, b in zip(jax.tree.leaves(ours), jax.tree.leaves(fitted)):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_train_step_compiled_reference_is_the_step_shown_and_the_solution_shows_it(capsys):
    """The checker compares with the compiled step (fast on a first run); it computes what train_step computes,
    and .solution() shows the readable train_step, not the compiled wrapper."""
    for call in bank.train_step_exercise.inputs():
        compiled_params, compiled_loss = bank.compiled_train_step(*call.args)
        eager_params, eager_loss = bank.train_step(*call.args)
        np.testing.assert_allclose(compiled_loss, eager_loss, rtol=1e-5)
        for a, b in zip(jax.tree.leaves(compiled_params), jax.tree.leaves(eager_params)):
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    bank.train_step_exercise.solution()
    shown = capsys.readouterr().out
    assert "def train_step(params, x, y, lr):" in shown and "value_and_grad" in shown and "jax.jit" not in shown


def test_train_step_wrong_sign_is_caught():
    def ascent(params, x, y, lr):
        loss = mean_cross_entropy(params, x, y)
        grads = jax.grad(mean_cross_entropy)(params, x, y)
        return [{k: layer[k] + lr * grad[k] for k in layer} for layer, grad in zip(params, grads)], loss
    assert_caught(bank.train_step_exercise, ascent, "SUBTRACT lr * gradient")


def test_train_step_summed_loss_is_caught():
    def summed(params, x, y, lr):
        def total(params):
            logits = course_lib.forward(params, x, activation="relu")
            return -jnp.sum(course_lib.log_softmax(logits)[jnp.arange(len(y)), y])
        loss, grads = jax.value_and_grad(total)(params)
        return jax.tree.map(lambda p, g: p - lr * g, params, grads), loss
    assert_caught(bank.train_step_exercise, summed, "batch-size times too big")


def test_train_step_updating_before_every_gradient_is_computed_is_caught():
    def layer_by_layer(params, x, y, lr):
        loss = mean_cross_entropy(params, x, y)
        new = [dict(layer) for layer in params]
        for i in range(len(new)):
            grads = jax.grad(mean_cross_entropy)(new, x, y)
            new[i] = jax.tree.map(lambda p, g: p - lr * g, new[i], grads[i])
        return new, loss
    assert_caught(bank.train_step_exercise, layer_by_layer, "updating weights before every gradient")

    def update_in_backward_pass(params, x, y, lr):
        # hand-written backprop in float32 that moves each layer as soon as its gradient is known
        logits, layers = course_lib.forward(params, x, activation="relu", return_hidden=True)
        loss = mean_cross_entropy(params, x, y)
        d_z = (jax.nn.softmax(logits) - jax.nn.one_hot(y, logits.shape[1])) / x.shape[0]
        new = [None] * len(params)
        for i in range(len(params) - 1, -1, -1):
            a_in = layers[i - 1]["a"] if i > 0 else x
            params_i = {"W": params[i]["W"] - lr * a_in.T @ d_z, "b": params[i]["b"] - lr * jnp.sum(d_z, axis=0)}
            new[i] = params_i
            if i > 0:
                d_z = d_z @ params_i["W"].T * (layers[i - 1]["z"] > 0)
        return new, loss
    assert_caught(bank.train_step_exercise, update_in_backward_pass, "updating weights before every gradient")


def test_train_step_loss_after_update_is_caught():
    def late_loss(params, x, y, lr):
        grads = jax.grad(mean_cross_entropy)(params, x, y)
        new = jax.tree.map(lambda p, g: p - lr * g, params, grads)
        return new, mean_cross_entropy(new, x, y)
    assert_caught(bank.train_step_exercise, late_loss, "computed after the update")


# ------------------------------------------------------------------------------------------------ accuracy


def test_accuracy_a_student_version_passes_and_the_inputs_are_not_trivial():
    def student(params, x, y):
        predicted = np.argmax(course_lib.forward(params, x, activation="relu"), axis=-1)
        return (predicted == y).mean()
    assert bank.accuracy_exercise.check(student).status == "correct"
    for call in bank.accuracy_exercise.inputs():
        assert 0.2 < bank.accuracy(*call.args) < 1.0


def test_accuracy_count_and_percentage_are_caught():
    def count(params, x, y):
        predicted = course_lib.predict(params, x)
        return int(sum(int(p == t) for p, t in zip(predicted, y)))
    assert_caught(bank.accuracy_exercise, count, "FRACTION that is right")

    def percent(params, x, y):
        return float(np.mean(course_lib.predict(params, x) == y) * 100)
    assert_caught(bank.accuracy_exercise, percent, "You returned a percentage")


def test_accuracy_argmax_over_the_wrong_axis_is_caught():
    def by_column(params, x, y):
        logits = course_lib.forward(params, x, activation="relu")
        return np.mean(np.argmax(logits, axis=0) == y)
    assert_caught(bank.accuracy_exercise, by_column, "use axis=1", status="raised")

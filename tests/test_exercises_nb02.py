"""Notebook 02's exercises (a dense layer, a forward pass, counting parameters): the reference passes, the stub is
"not attempted", answers written differently but correctly pass, and plausible wrong answers, written here
independently of the bank's own Mistake functions, are caught with their specific hint."""
import numpy as np
import pytest

import course_lib
from course_lib.exercises import nb02_forward_propagation as bank
from exercise_helpers import assert_caught, assert_exercise_is_consistent, stub


FUNCTION_EXERCISES = [bank.dense_exercise, bank.forward_exercise]


@pytest.mark.parametrize("exercise", FUNCTION_EXERCISES, ids=lambda e: e.name)
def test_reference_passes_stub_not_attempted_and_every_mistake_caught(exercise):
    assert_exercise_is_consistent(exercise)


def test_every_exercise_of_the_notebook_is_in_the_bank():
    assert set(bank.EXERCISES) == {"dense", "forward", "n_parameters"}


# -------------------------------------------------------------------------------------------------- dense


def test_dense_with_loops_over_nodes_passes():
    def by_node(layer, x):
        W, b = layer["W"], layer["b"]
        columns = [x @ W[:, j] + b[j] for j in range(W.shape[1])]
        return np.stack(columns, axis=1)
    assert bank.dense_exercise.check(by_node).status == "correct"


def test_dense_with_einsum_passes():
    assert bank.dense_exercise.check(lambda layer, x: np.einsum("bi,io->bo", x, layer["W"]) + layer["b"]).passed


def test_dense_forgotten_bias_is_caught():
    assert_caught(bank.dense_exercise, lambda layer, x: np.dot(x, layer["W"]), "forgot the bias")


def test_dense_transposed_weights_are_caught():
    # Raises on the non-square layers, wrong numbers on the square one: either way the same hint.
    assert_caught(bank.dense_exercise, lambda layer, x: np.matmul(x, np.transpose(layer["W"])) + layer["b"],
                  "transposed", status="raised")


def test_dense_with_an_activation_is_caught():
    assert_caught(bank.dense_exercise, lambda layer, x: np.where(x @ layer["W"] + layer["b"] > 0,
                                                                x @ layer["W"] + layer["b"], 0.0), "activation")


# ------------------------------------------------------------------------------------------------ forward


def student_forward(params, x, activation="relu"):
    f = course_lib.get_activation(activation)
    values = x
    for i, layer in enumerate(params):
        z = course_lib.dense(layer, values)
        values = z if i == len(params) - 1 else f(z)
    return values


def test_forward_written_differently_passes():
    assert bank.forward_exercise.check(student_forward).status == "correct"


def test_forward_with_activation_on_the_output_is_caught():
    def squashed(params, x, activation="relu"):
        f = course_lib.get_activation(activation)
        for layer in params:
            x = f(x @ layer["W"] + layer["b"])
        return x
    assert_caught(bank.forward_exercise, squashed, "output layer too")


def test_forward_without_activations_is_caught():
    def linear_only(params, x, activation="relu"):
        for layer in params:
            x = course_lib.dense(layer, x)
        return x
    assert_caught(bank.forward_exercise, linear_only, "no activation between")


def test_forward_stopping_before_the_output_layer_is_caught():
    def stops_early(params, x, activation="relu"):
        f = course_lib.get_activation(activation)
        for layer in params[:-1]:
            x = f(course_lib.dense(layer, x))
        return x
    assert_caught(bank.forward_exercise, stops_early, "params[-1]", status="wrong shape")


def test_forward_ignoring_the_activation_argument_is_caught():
    def relu_only(params, x, activation="relu"):
        for layer in params[:-1]:
            x = np.maximum(0.0, course_lib.dense(layer, x))
        return course_lib.dense(params[-1], x)
    assert_caught(bank.forward_exercise, relu_only, "`activation`")


def test_forward_without_biases_is_caught():
    def no_bias(params, x, activation="relu"):
        f = course_lib.get_activation(activation)
        for layer in params[:-1]:
            x = f(x @ layer["W"])
        return x @ params[-1]["W"]
    assert_caught(bank.forward_exercise, no_bias, "left out the biases")


def test_forward_with_activation_before_the_weighted_sum_is_caught():
    def swapped(params, x, activation="relu"):
        f = course_lib.get_activation(activation)
        for layer in params:
            x = course_lib.dense(layer, f(x))
        return x
    assert_caught(bank.forward_exercise, swapped, "order")


# ------------------------------------------------------------------------------------------- n_parameters


def test_n_parameters_matches_count_parameters():
    params = course_lib.init_mlp(bank.CLASSIC_SIZES, seed=0)
    assert bank.n_parameters_exercise.check(int(course_lib.count_parameters(params))).passed
    assert bank.n_parameters_exercise.check(...).status == "not attempted"
    bank.n_parameters_exercise.self_test()


@pytest.mark.parametrize("answer, words", [(56, "weights only"), (74, "input nodes"), (18, "number of nodes")])
def test_n_parameters_common_miscounts_are_caught(answer, words):
    result = bank.n_parameters_exercise.check(answer)
    assert result.status == "wrong values" and words in result.hint, result.message


def test_forward_that_only_knows_tanh_is_caught():
    # Issue 12: with only relu and tanh in the test inputs, this passed.
    def tanh_or_relu(params, x, activation="relu"):
        a = x
        for layer in params[:-1]:
            z = a @ layer["W"] + layer["b"]
            a = np.tanh(z) if activation == "tanh" else np.where(z > 0, z, 0.0)
        return a @ params[-1]["W"] + params[-1]["b"]
    assert_caught(bank.forward_exercise, tanh_or_relu, "handles only some activation names")


def test_forward_inputs_use_every_hidden_layer_activation():
    used = {call.args[2] for call in bank.forward_exercise.inputs()}
    assert used == set(course_lib.activations.ELEMENTWISE)

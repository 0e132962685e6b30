"""Notebook 03's initialisation exercise, `activation_stds`: the reference passes, the stub is "not attempted",
correct answers written differently pass, and plausible wrong answers, written here independently of the bank's
own Mistake functions, are caught with their specific hint. Also the library function it is checked against."""
import doctest

import numpy as np
import pytest

import course_lib
from course_lib import initializers as initialization
from course_lib.exercises import nb03_activation_functions as bank

exercise = bank.activation_stds_exercise


def stub(params, x, activation="relu"):
    raise NotImplementedError()


def assert_caught(answer, hint_words, status="wrong values"):
    result = exercise.check(answer)
    assert result.status == status, result.message
    assert result.hint is not None and hint_words in result.hint, result.message


def test_reference_passes_stub_not_attempted_every_bank_mistake_caught():
    assert exercise.check(exercise.reference).status == "correct"
    assert exercise.check(stub).status == "not attempted"
    assert len(exercise.hints) == 3
    exercise.self_test()
    assert bank.INITIALISATION_EXERCISES["activation_stds"] is exercise


def test_inputs_have_nonzero_biases_and_use_tanh_too():
    calls = exercise.inputs()
    assert all(np.abs(layer["b"]).max() > 0 for call in calls for layer in call.args[0])
    assert {call.kwargs.get("activation", "relu") for call in calls} == {"relu", "tanh"}


def test_correct_answers_written_differently_pass():
    def with_forward(params, x, activation="relu"):
        _, layers = course_lib.forward(params, x, activation=activation, return_hidden=True)
        return np.array([np.std(np.asarray(layer["a"])) for layer in layers[:-1]])

    def by_hand_formula(params, x, activation="relu"):
        f = course_lib.get_activation(activation)
        out, a = [], x
        for layer in params[:-1]:
            a = f(a @ layer["W"] + layer["b"])
            out.append(np.sqrt(np.mean((a - a.mean()) ** 2)))
        return np.array(out)

    assert exercise.check(with_forward).passed
    assert exercise.check(by_hand_formula).passed


def test_pre_activations_caught():
    def answer(params, x, activation="relu"):
        f, a, out = course_lib.get_activation(activation), x, []
        for layer in params[:-1]:
            z = a @ layer["W"] + layer["b"]
            out.append(z.std())
            a = f(z)
        return np.array(out)
    assert_caught(answer, "weighted sums z")


def test_output_layer_included_caught():
    def answer(params, x, activation="relu"):
        f, a, out = course_lib.get_activation(activation), x, []
        for layer in params:
            a = f(a @ layer["W"] + layer["b"])
            out.append(a.std())
        return np.array(out)
    assert_caught(answer, "output layer", status="wrong shape")


def test_variance_caught():
    def answer(params, x, activation="relu"):
        f, a, out = course_lib.get_activation(activation), x, []
        for layer in params[:-1]:
            a = f(a @ layer["W"] + layer["b"])
            out.append(a.var())
        return np.array(out)
    assert_caught(answer, "np.var")


def test_forgotten_bias_caught():
    def answer(params, x, activation="relu"):
        f, a, out = course_lib.get_activation(activation), x, []
        for layer in params[:-1]:
            a = f(a @ layer["W"])
            out.append(a.std())
        return np.array(out)
    assert_caught(answer, "bias is missing")


def test_per_unit_std_caught():
    def answer(params, x, activation="relu"):
        f, a, out = course_lib.get_activation(activation), x, []
        for layer in params[:-1]:
            a = f(a @ layer["W"] + layer["b"])
            out.append(a.std(axis=0).mean())
        return np.array(out)
    assert_caught(answer, "each unit's standard deviation")


def test_ignoring_the_activation_argument_caught():
    def answer(params, x, activation="relu"):
        a, out = x, []
        for layer in params[:-1]:
            a = np.maximum(a @ layer["W"] + layer["b"], 0)
            out.append(a.std())
        return np.array(out)
    assert_caught(answer, "`activation` argument")


def test_always_feeding_x_caught():
    def answer(params, x, activation="relu"):
        f = course_lib.get_activation(activation)
        return np.array([f(x @ params[0]["W"] + params[0]["b"]).std() for _ in params[:-1]])
    assert_caught(answer, "PREVIOUS layer")


def test_a_python_list_is_a_wrong_type_with_a_clear_message():
    result = exercise.check(lambda params, x, activation="relu":
                            list(initialization.activation_stds(params, x, activation)))
    assert result.status == "wrong type" and "not a Python list" in result.message


def test_library_function_vanishes_stays_level_and_explodes():
    x = np.random.default_rng(0).normal(size=(1000, 256))
    he = course_lib.init_mlp([256] * 11 + [1], seed=0, init="he")
    scaled = {factor: [{"W": factor * layer["W"], "b": layer["b"]} for layer in he] for factor in (0.5, 1, 2)}
    stds = {factor: initialization.activation_stds(params, x, "relu") for factor, params in scaled.items()}
    assert all(len(s) == 10 for s in stds.values())
    assert stds[0.5][-1] < 0.01 * stds[1][-1]            # halves at every layer: 0.5 ** 9 ≈ 0.002
    assert stds[2][-1] > 100 * stds[1][-1]               # doubles at every layer
    assert 0.5 < stds[1][-1] / stds[1][0] < 2            # He: about level


def test_doctests():
    assert doctest.testmod(initialization).failed == 0

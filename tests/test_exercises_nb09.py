"""Notebook 09's capstone exercises (design a network for three spiral arms; predict new points): the reference passes,
"not attempted" is recognised, other right answers pass, and plausible wrong answers, written here independently of
the bank, are caught with a specific explanation."""
import numpy as np
import pytest

import course_lib
from course_lib.exercises import nb09_when_to_use_deep_learning as bank
from exercise_helpers import assert_caught, assert_exercise_is_consistent, stub


def test_every_exercise_of_the_notebook_is_in_the_bank():
    assert set(bank.EXERCISES) == {"my_design", "predict_new"}


@pytest.mark.parametrize("exercise", list(bank.EXERCISES.values()), ids=list(bank.EXERCISES))
def test_bank_self_test_and_three_hints(exercise):
    assert_exercise_is_consistent(exercise, min_mistakes=3)


# ---------------------------------------------------------------------------------------------------- the data


def test_spiral_split_is_stratified_and_the_design_check_uses_only_training_points():
    x_train, x_test, y_train, y_test = bank.spiral_split()
    assert x_train.shape == (450, 2) and x_test.shape == (150, 2)
    assert np.bincount(y_train).tolist() == [150, 150, 150] and np.bincount(y_test).tolist() == [50, 50, 50]
    x_fit, x_val, y_fit, y_val = bank.validation_split()
    assert len(x_fit) + len(x_val) == len(x_train)              # carved out of the training points only
    assert sorted(np.concatenate([y_fit, y_val]).tolist()) == sorted(y_train.tolist())
    np.testing.assert_allclose(x_fit.mean(axis=0), 0, atol=1e-5)  # standardised with the fitting part's statistics


def test_the_baseline_is_far_below_the_bar_so_design_matters():
    # The capstone is only a design task if the linear baseline fails it clearly.
    assert bank.baseline_validation_accuracy() < bank.REQUIRED_ACCURACY - 0.3


# ----------------------------------------------------------------------------------------------------- design


def test_design_reference_passes_beats_the_baseline_and_an_empty_answer_is_not_attempted():
    result = bank.design_exercise.check(bank.REFERENCE_DESIGN)
    assert result.status == "correct", result.message
    assert "the baseline, logistic regression: 37%" in result.message
    assert bank.design_exercise.check(...).status == "not attempted"
    assert bank.design_exercise.check(None).status == "not attempted"


@pytest.mark.parametrize("design", [{"layer_sizes": [2, 64, 3], "activation": "tanh"},
                                    {"layer_sizes": [2, 16, 16, 3], "activation": "relu"}])
def test_design_other_good_designs_pass(design):
    result = bank.design_exercise.check(design)
    assert result.status == "correct", result.message
    assert "validation points" in result.message


@pytest.mark.parametrize("design, words", [
    ({"layer_sizes": [2, 16, 1], "activation": "relu"}, "One output per class"),
    ({"layer_sizes": [2, 16, 2], "activation": "relu"}, "number of classes, 3"),
    ({"layer_sizes": [450, 16, 3], "activation": "relu"}, "must start with 2"),
    ({"layer_sizes": [13, 16, 3], "activation": "relu"}, "must start with 2"),
    ({"layer_sizes": [2, 3], "activation": "tanh"}, "no hidden layer"),
    ({"layer_sizes": [2, 64, 3], "activation": "linear"}, "the network is a linear model"),
    ({"layer_sizes": [2, 16, 3], "activation": "Relu"}, "not an activation course_lib knows"),
    ({"layer_sizes": [2, 16, 3], "activation": "softmax"}, "belongs in the output layer"),
    ({"layer_sizes": [2, 256, 256, 3], "activation": "relu"}, "Keep it under 20,000"),
], ids=["one output", "two outputs", "examples as inputs", "another data set's inputs", "no hidden layer", "linear",
        "misspelt", "softmax hidden", "too big"])
def test_design_mistakes_are_explained_without_training(design, words):
    result = bank.design_exercise.check(design)
    assert result.status == "wrong values", result.message
    assert words in result.message


@pytest.mark.parametrize("design, hint_words", [
    ({"layer_sizes": [2, 3], "activation": "relu"}, "baseline again"),
    ({"layer_sizes": [2, 32, 3], "activation": "linear"}, "one weighted sum"),
    ({"layer_sizes": [2, 4, 3], "activation": "relu"}, "too few for the arms"),
    ({"layer_sizes": [2, 32, 1], "activation": "relu"}, "three outputs"),
], ids=["logistic regression", "linear activation", "four units", "one output"])
def test_the_commonest_wrong_designs_get_their_specific_hint(design, hint_words):
    assert_caught(bank.design_exercise, design, hint_words)


@pytest.mark.parametrize("design", [{"layer_sizes": [2, 2, 3], "activation": "relu"},
                                    {"layer_sizes": [2, 8, 3], "activation": "relu"},
                                    {"layer_sizes": [2, 4, 4, 3], "activation": "relu"}],
                         ids=["2 units", "8 units", "two layers of 4"])
def test_designs_too_small_for_the_spiral_are_caught_by_training_them(design):
    # Valid networks that beat the baseline, yet cannot follow the arms: the bar is the data, not the form.
    result = bank.design_exercise.check(design)
    assert result.status == "wrong values", result.message
    assert "of the validation points right (the baseline" in result.message and "at least 90%" in result.message
    assert "more hidden nodes" in result.message


def test_design_that_cannot_learn_is_caught_by_training_it():
    result = bank.design_exercise.check({"layer_sizes": [2, 1, 3], "activation": "relu"})   # a 1-node bottleneck
    assert result.status == "wrong values", result.message
    assert "too few bends" in result.message


@pytest.mark.parametrize("answer", [[2, 16, 3], {"layers": [2, 16, 3]}, {"layer_sizes": "2-16-3",
                                                                      "activation": "relu"}])
def test_design_in_the_wrong_form_says_how_to_write_it(answer):
    result = bank.design_exercise.check(answer)
    assert result.status == "wrong type", result.message
    assert "layer_sizes" in result.message


# ------------------------------------------------------------------------------------------------ predict_new


def test_predict_new_reference_passes_stub_not_attempted():
    assert bank.predict_new_exercise.check(bank.predict_new).status == "correct"
    assert bank.predict_new_exercise.check(stub).status == "not attempted"
    assert len(bank.predict_new_exercise.mistakes) >= 2


def test_predict_new_written_differently_passes():
    def by_hand(params, x_new, mean, std, activation="relu"):
        scaled = (x_new - mean) / std
        outputs = course_lib.forward(params, scaled, activation=activation)
        return np.argmax(np.asarray(outputs), axis=-1)
    assert bank.predict_new_exercise.check(by_hand).status == "correct"


def test_predict_new_without_standardising_is_caught():
    def raw(params, x_new, mean, std, activation="relu"):
        return np.asarray(course_lib.forward(params, x_new, activation=activation)).argmax(axis=1)
    assert_caught(bank.predict_new_exercise, raw, "You fed the raw measurements to the network")


def test_predict_new_with_the_new_datas_own_statistics_is_caught():
    def own(params, x_new, mean, std, activation="relu"):
        scaled = (x_new - np.mean(x_new, axis=0)) / np.std(x_new, axis=0)
        return np.asarray(course_lib.predict(params, scaled, activation=activation))
    assert_caught(bank.predict_new_exercise, own, "Use the training data's `mean` and `std`")


def test_predict_new_returning_scores_or_wrong_axis_is_caught_as_a_shape_problem():
    def scores(params, x_new, mean, std, activation="relu"):
        return np.asarray(course_lib.forward(params, (x_new - mean) / std, activation=activation))
    assert_caught(bank.predict_new_exercise, scores, "Return the predicted class of each example",
                  status="wrong shape")

    def axis0(params, x_new, mean, std, activation="relu"):
        return np.argmax(np.asarray(course_lib.forward(params, (x_new - mean) / std, activation=activation)), 0)
    assert_caught(bank.predict_new_exercise, axis0, "argmax over axis 1", status="wrong shape")


def test_predict_new_ignoring_the_activation_is_caught():
    def always_relu(params, x_new, mean, std, activation="relu"):
        return np.asarray(course_lib.predict(params, (x_new - mean) / std))
    assert_caught(bank.predict_new_exercise, always_relu, "Use the `activation` you are given")


def test_predict_new_that_scales_the_standardised_inputs_is_caught():
    # Issue 12: with nearly homogeneous test networks (biases near 0), scaling the inputs by 0.5 kept every class.
    def half_scaled(params, x_new, mean, std, activation="relu"):
        return np.asarray(course_lib.predict(params, 0.5 * (x_new - mean) / std, activation=activation))
    assert_caught(bank.predict_new_exercise, half_scaled, "half the size they should be")

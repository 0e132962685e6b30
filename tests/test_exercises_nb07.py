"""Notebook 07's exercises (engineer a feature for XOR; name the region each hidden unit detects): the reference
passes, the stub is "not attempted", other right answers pass, and plausible wrong answers, written here
independently of the bank's own Mistake functions, are caught with their specific hint."""
import numpy as np
import pytest

import course_lib
from course_lib.exercises import nb07_learned_features as bank
from exercise_helpers import assert_caught, assert_exercise_is_consistent, stub


def test_every_exercise_of_the_notebook_is_in_the_bank():
    assert set(bank.EXERCISES) == {"xor_features", "unit_regions"}


@pytest.mark.parametrize("exercise", list(bank.EXERCISES.values()), ids=list(bank.EXERCISES))
def test_reference_passes_and_every_mistake_is_caught(exercise):
    assert_exercise_is_consistent(exercise)


# ------------------------------------------------------------------------------------------------ XOR features


def test_xor_features_reference_passes_and_stub_is_not_attempted():
    assert bank.xor_features_exercise.check(bank.xor_features).status == "correct"
    assert bank.xor_features_exercise.check(stub).status == "not attempted"


@pytest.mark.parametrize("answer", [
    lambda x: np.column_stack([x, x[:, 0] * x[:, 1]]),                 # the product next to the raw inputs
    lambda x: np.column_stack([x[:, 0] ** 2, x[:, 1] ** 2, x[:, 0] * x[:, 1]]),   # all degree-2 products
    lambda x: (np.sign(x[:, 0]) * np.sign(x[:, 1]))[:, None],          # the sign rule itself is a feature too
    lambda x: (x.prod(axis=1, keepdims=True) * 10).astype(np.float32),  # scale and dtype do not matter
], ids=["with raw inputs", "degree 2", "signs", "scaled float32"])
def test_xor_features_other_right_answers_pass(answer):
    result = bank.xor_features_exercise.check(answer)
    assert result.status == "correct", result.message


def test_xor_features_raw_inputs_are_caught():
    assert_caught(bank.xor_features_exercise, lambda x: np.array(x, copy=True), "no straight line separates XOR")


def test_xor_features_the_circles_feature_is_caught():
    def squared_distance(x):
        return np.sum(x * x, axis=1).reshape(-1, 1)

    def inputs_and_squared_distance(x):
        return np.hstack([x, (x[:, :1] ** 2 + x[:, 1:] ** 2)])
    assert_caught(bank.xor_features_exercise, squared_distance, "circles' feature")
    assert_caught(bank.xor_features_exercise, inputs_and_squared_distance, "circles' feature")


def test_xor_features_a_linear_feature_is_caught():
    assert_caught(bank.xor_features_exercise, lambda x: np.hstack([x, x.sum(axis=1, keepdims=True)]),
                  "a linear feature adds nothing")


def test_xor_features_a_one_dimensional_product_is_caught_with_the_shape_advice():
    result = bank.xor_features_exercise.check(lambda x: np.prod(x, axis=1))
    assert result.status == "wrong type", result.message
    assert "returned a 1-D array" in result.hint
    assert "shape (n, k)" in result.message


def test_xor_features_wrong_number_of_rows_and_nan_are_explained():
    result = bank.xor_features_exercise.check(lambda x: x[:10] * 2)
    assert result.status == "wrong type" and "one row per point" in result.message
    result = bank.xor_features_exercise.check(lambda x: np.log(x[:, :1] * x[:, 1:]))   # log of negatives: NaN
    assert result.status == "wrong values" and "NaN" in result.message


def test_xor_features_an_error_in_the_student_code_is_reported_not_raised():
    result = bank.xor_features_exercise.check(lambda x: x[:, 2])
    assert result.status == "raised" and "IndexError" in result.message


def test_linear_accuracy_tells_separable_from_not():
    rng = np.random.default_rng(1)
    x = rng.uniform(-1, 1, size=(200, 2))
    labels = bank.xor_labels(x)
    assert bank.linear_accuracy(x, labels) < 0.8                       # XOR on the raw inputs
    assert bank.linear_accuracy(bank.xor_features(x), labels) >= bank.REQUIRED_ACCURACY


def test_xor_labels_follow_the_sign_rule_of_the_course_data():
    x, y = course_lib.datasets.make_xor(n=100, noise=0.0, seed=3)
    np.testing.assert_array_equal(bank.xor_labels(x), y)


# ---------------------------------------------------------------------------------------------- unit regions


def active_side(params, unit):
    """Where a hidden unit of region_detector is active, found by evaluating it, not from the bank's table."""
    probes = {"right": (1.2, 0.0), "left": (-1.2, 0.0), "top": (0.0, 1.2), "bottom": (0.0, -1.2)}
    x = np.array(list(probes.values()), dtype=np.float32)
    _, layers = course_lib.forward(params, x, activation="relu", return_hidden=True)
    values = np.asarray(layers[0]["a"])[:, unit]
    assert (values > 0).sum() == 1, values                               # active on exactly one side
    return list(probes)[int(np.argmax(values))]


def test_unit_regions_answer_is_what_the_network_does():
    params = bank.region_detector()
    answer = [active_side(params, unit) for unit in range(4)]
    assert bank.unit_regions_exercise.check(answer).status == "correct"
    assert sorted(answer) == sorted(bank.REGIONS)


def test_region_detector_output_is_positive_only_in_the_middle_square():
    params = bank.region_detector()
    inside = np.array([[0.0, 0.0], [0.3, -0.3]], dtype=np.float32)
    outside = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]], dtype=np.float32)
    assert np.all(np.asarray(course_lib.forward(params, inside, activation="relu")) > 0)
    assert np.all(np.asarray(course_lib.forward(params, outside, activation="relu")) < 0)


def test_unit_regions_not_attempted_and_spelling_variants():
    assert bank.unit_regions_exercise.check(...).status == "not attempted"
    assert bank.unit_regions_exercise.check(("Top", " left", "BOTTOM", "right ")).status == "correct"


def test_unit_regions_swapped_axes_and_inactive_side_are_caught():
    assert_caught(bank.unit_regions_exercise, ["right", "bottom", "left", "top"], "swapped the axes")
    assert_caught(bank.unit_regions_exercise, ["bottom", "right", "top", "left"], "where each unit is 0")


def test_unit_regions_bad_forms_are_explained():
    result = bank.unit_regions_exercise.check(["top", "left", "up", "right"])
    assert result.status == "wrong type" and "'up' is not one of the regions" in result.message
    result = bank.unit_regions_exercise.check(["top", "left"])
    assert result.status == "wrong type" and "4 hidden units" in result.message
    assert bank.unit_regions_exercise.check("top").status == "wrong type"


def test_unit_regions_messages_do_not_reveal_the_answer():
    result = bank.unit_regions_exercise.check(["top", "right", "bottom", "left"])
    assert result.status == "wrong values"
    assert "2 of 4" in result.message
    assert "bottom" not in result.message.replace("['top', 'right', 'bottom', 'left']", "")


def test_one_column_per_point_is_caught():
    # Issue 12: np.eye(len(x)) passed: the model was scored on the points it was fitted on, which it memorised.
    def identity_features(x):
        return np.eye(len(x))
    assert_caught(bank.xor_features_exercise, identity_features, "memorise the points")


def test_features_are_scored_on_points_the_model_was_not_fitted_on():
    x = np.random.default_rng(3).uniform(-1, 1, size=(150, 2))
    labels = bank.xor_labels(x)
    noise = np.random.default_rng(4).normal(size=(150, 9))        # 9 random columns: memorises, fails on new points
    assert bank.linear_accuracy(noise, labels) < 0.8
    result = bank.xor_features_exercise.check(lambda x: np.random.default_rng(0).normal(size=(len(x), 9)))
    assert result.status == "wrong values" and "points it had not seen" in result.message


def test_all_products_of_degree_two_still_pass_and_too_many_features_are_refused():
    def degree_two(x):
        return np.column_stack([x, x ** 2, x[:, 0] * x[:, 1]])
    assert bank.xor_features_exercise.check(degree_two).passed

    def eleven_columns(x):
        return np.column_stack([x[:, :1] * x[:, 1:]] * 11)
    result = bank.xor_features_exercise.check(eleven_columns)
    assert result.status == "wrong values" and f"at most {bank.MAX_FEATURES}" in result.message

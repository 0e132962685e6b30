"""Notebook 10's exercises (the Playground's feature map, its parameter count, features for the circles): the
reference passes, the stub is "not attempted", and plausible wrong answers are caught with their specific hint."""
import numpy as np
import pytest

from course_lib.exercises import nb10_playground as bank
from course_lib.playground import FEATURES, make_features
from exercise_helpers import assert_caught, assert_exercise_is_consistent


def test_every_exercise_of_the_notebook_is_in_the_bank():
    assert set(bank.EXERCISES) == {"playground_features", "n_parameters", "circle_features"}


@pytest.mark.parametrize("exercise", [bank.feature_map_exercise, bank.parameter_count_exercise],
                         ids=lambda e: e.name)
def test_reference_passes_stub_not_attempted_and_every_mistake_caught(exercise):
    assert_exercise_is_consistent(exercise)


def test_feature_map_written_another_way_passes_and_the_shown_solution_is_the_library():
    def with_column_stack(x):
        x1, x2 = x[:, 0], x[:, 1]
        return np.column_stack([x1, x2, x1 * x1, x2 * x2, x1 * x2, np.sin(x1), np.sin(x2)])
    assert bank.feature_map_exercise.check(with_column_stack).passed
    x = np.random.default_rng(1).uniform(-4, 4, size=(9, 2))
    np.testing.assert_allclose(bank.playground_features_written_out(x), make_features(x, FEATURES))


def test_feature_map_with_features_as_rows_is_caught():
    def rows(x):
        x1, x2 = x[:, 0], x[:, 1]
        return np.array([x1, x2, x1 ** 2, x2 ** 2, x1 * x2, np.sin(x1), np.sin(x2)])
    assert_caught(bank.feature_map_exercise, rows, "The features came out as rows", status="wrong shape")


def test_parameter_count_agrees_with_the_library_and_a_weights_only_count_is_caught():
    for call in bank.parameter_count_exercise.inputs():
        assert bank.check_against_library(*call.args)

    def weights_only(n_features, hidden):
        sizes = [n_features, *hidden, 1]
        return sum(a * b for a, b in zip(sizes, sizes[1:]))
    assert_caught(bank.parameter_count_exercise, weights_only, "not the biases")


def test_circle_features_wants_the_smallest_set_not_all_seven():
    from course_lib.exercises.nb10_playground import circle_features_exercise
    from course_lib.playground import FEATURES

    everything = circle_features_exercise.check(list(FEATURES))
    assert not everything.passed and "smallest set that works has 2" in everything.message
    assert circle_features_exercise.check(["x1^2", "x2^2"]).passed
    assert not circle_features_exercise.check(["x1^2", "x2^2", "x1"]).passed

"""Notebook 00's second exercise (`weighted_sums`, one neuron on a batch): the reference passes, a stub is "not
attempted", correct answers written differently pass, and plausible wrong answers, written here independently of
the bank's own Mistake functions, are caught with their specific hint."""
import numpy as np
import pytest

from course_lib.exercises import nb00_welcome as bank

exercise = bank.weighted_sums_exercise


def stub(x, w, b):
    raise NotImplementedError()


def test_reference_passes_stub_is_not_attempted_and_every_bank_mistake_is_caught():
    assert exercise.check(exercise.reference).status == "correct"
    assert exercise.check(stub).status == "not attempted"
    assert len(exercise.hints) == 3
    exercise.self_test()
    assert bank.NEW_EXERCISES == {"weighted_sums": exercise}


@pytest.mark.parametrize("answer", [
    lambda x, w, b: np.sum(x * w, axis=1) + b,
    lambda x, w, b: np.array([row @ w + b for row in x]),
    lambda x, w, b: np.einsum("ni,i->n", x, w) + b,
], ids=["sum-axis-1", "loop-over-rows", "einsum"])
def test_correct_answers_written_differently_pass(answer):
    assert exercise.check(answer).status == "correct"


@pytest.mark.parametrize("answer, hint_words", [
    (lambda x, w, b: np.dot(x, w), "forgot the bias"),
    (lambda x, w, b: (x * w).sum(0) + b, "down the columns"),
    (lambda x, w, b: (x * w).sum() + b, "single number for the whole batch"),
    (lambda x, w, b: np.dot(x[0], w) + b, "first example only"),
    (lambda x, w, b: np.multiply(x, w) + b, "every product"),
], ids=["no-bias", "axis-0", "no-axis", "first-row", "not-summed"])
def test_plausible_wrong_answers_are_caught_with_their_hint(answer, hint_words):
    result = exercise.check(answer)
    assert not result.passed, result.message
    assert result.hint is not None and hint_words in result.hint, result.message


def test_the_square_batch_turns_the_wrong_axis_into_wrong_values():
    # On the square (3, 3) batch, summing over the examples gives numbers of the right shape: wrong values.
    x, w, b = exercise.inputs()[2].args
    assert x.shape == (3, 3)
    assert np.sum(x * w, axis=0).shape == bank.weighted_sums(x, w, b).shape


def test_reference_doctest_example():
    assert bank.weighted_sums(np.array([[1.0, 2.0], [0.0, 4.0]]), np.array([0.5, -1.0]), 0.25).tolist() == [
        -1.25, -3.75]

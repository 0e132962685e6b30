"""Notebook 01's exercises (the perceptron): the reference passes, the stub is "not attempted", answers written
differently but correctly pass, and plausible wrong answers, written here independently of the bank's own
Mistake functions, are caught with their specific hint. Also: the training loop the notebook relies on."""
import numpy as np
import pytest

from course_lib.exercises import nb01_ai_ml_dl as bank
from exercise_helpers import assert_caught, assert_exercise_is_consistent, stub


@pytest.mark.parametrize("exercise", list(bank.EXERCISES.values()), ids=list(bank.EXERCISES))
def test_reference_passes_stub_not_attempted_and_every_mistake_caught(exercise):
    assert_exercise_is_consistent(exercise)


# ------------------------------------------------------------------------------------ perceptron_predict


def test_predict_written_with_a_loop_passes():
    def looped(w, b, x):
        out = np.zeros(len(x), dtype=int)
        for i, row in enumerate(x):
            total = b
            for xi, wi in zip(row, w):
                total += xi * wi
            out[i] = 1 if total > 0 else 0
        return out
    assert bank.perceptron_predict_exercise.check(looped).status == "correct"


def test_predict_returning_booleans_passes():
    assert bank.perceptron_predict_exercise.check(lambda w, b, x: x @ w + b > 0).status == "correct"


def test_predict_forgotten_bias_is_caught():
    def no_bias(w, b, x):
        return np.where(np.dot(x, w) > 0, 1, 0)
    assert_caught(bank.perceptron_predict_exercise, no_bias, "left out the bias")


def test_predict_returning_the_weighted_sum_is_caught():
    assert_caught(bank.perceptron_predict_exercise, lambda w, b, x: np.dot(x, w) + b, "weighted sum itself")


def test_predict_with_minus_one_plus_one_is_caught():
    assert_caught(bank.perceptron_predict_exercise, lambda w, b, x: np.where(x @ w + b > 0, 1, -1), "-1 and +1")


def test_predict_with_transposed_product_raises_with_a_hint():
    result = bank.perceptron_predict_exercise.check(lambda w, b, x: np.where(np.matmul(w, x) + b > 0, 1, 0))
    assert result.status == "raised", result.message
    assert "wrong order" in result.hint


# ------------------------------------------------------------------------------------- perceptron_update


def test_update_written_with_if_statements_passes():
    def branchy(w, b, x, y, lr):
        said = int(np.dot(w, x) + b > 0)
        if said == y:
            return w.copy(), b
        if y == 1:
            return w + lr * x, b + lr
        return w - lr * x, b - lr
    assert bank.perceptron_update_exercise.check(branchy).status == "correct"


def test_update_with_the_wrong_sign_is_caught():
    def backwards(w, b, x, y, lr):
        said = int(np.dot(w, x) + b > 0)
        return w - lr * (y - said) * x, b - lr * (y - said)
    assert_caught(bank.perceptron_update_exercise, backwards, "wrong way")


def test_update_without_the_bias_is_caught():
    def bias_fixed(w, b, x, y, lr):
        said = int(np.dot(w, x) + b > 0)
        return w + lr * (y - said) * x, b
    assert_caught(bank.perceptron_update_exercise, bias_fixed, "the bias does not")


def test_update_without_the_learning_rate_is_caught():
    def full_step(w, b, x, y, lr):
        said = int(np.dot(w, x) + b > 0)
        return w + (y - said) * x, b + (y - said)
    assert_caught(bank.perceptron_update_exercise, full_step, "learning rate")


def test_update_that_also_learns_from_right_answers_is_caught():
    def always(w, b, x, y, lr):
        sign = 2 * y - 1
        return w + lr * sign * x, b + lr * sign
    assert_caught(bank.perceptron_update_exercise, always, "already right")


def test_update_with_the_raw_sum_as_prediction_is_caught():
    def delta_rule(w, b, x, y, lr):
        error = y - (np.dot(x, w) + b)
        return w + lr * error * x, b + lr * error
    assert_caught(bank.perceptron_update_exercise, delta_rule, "delta rule")


def test_update_that_changes_w_in_place_fails_and_use_hands_out_the_reference():
    def in_place(w, b, x, y, lr):
        error = y - int(x @ w + b > 0)
        w += lr * error * x
        return w, b + lr * error
    result = bank.perceptron_update_exercise.check(in_place)
    assert result.status == "changed its input" and not result.passed
    assert "your function changed its input `w`" in result.message and "w = w - ..." in result.hint
    assert bank.perceptron_update_exercise.use(in_place) is bank.perceptron_update


def test_update_inputs_cover_both_kinds_of_mistake_and_a_right_answer():
    kinds = set()
    for call in bank.perceptron_update_exercise.inputs():
        w, b, x, y, lr = call.args
        said = int(x @ w + b > 0)
        kinds.add((said, y))
        assert lr != 1.0
    assert {(0, 1), (1, 0)} <= kinds and ((0, 0) in kinds or (1, 1) in kinds)


# ---------------------------------------------------------------------------------------- train_perceptron


def separable_points(seed=0):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, size=(300, 2))
    side = x @ np.array([1.0, 0.6]) - 0.2
    keep = np.abs(side) > 0.05
    return x[keep][:120], (side[keep][:120] > 0).astype(int)


def test_train_perceptron_separates_a_separable_set():
    x, y = separable_points()
    w, b, mistakes = bank.train_perceptron(x, y, epochs=20, lr=0.1)
    assert mistakes[-1] == 0 and mistakes[0] > 0
    assert np.mean(bank.perceptron_predict(w, b, x) == y) == 1.0


def test_train_perceptron_never_solves_xor():
    from course_lib.datasets import make_xor
    x, y = make_xor(n=200, noise=0.0, seed=0)
    w, b, mistakes = bank.train_perceptron(x, y, epochs=20, lr=0.1)
    assert min(mistakes) > 40
    assert np.mean(bank.perceptron_predict(w, b, x) == y) < 0.75


def test_train_perceptron_uses_the_given_update_and_is_deterministic():
    x, y = separable_points()
    calls = []

    def counting(w, b, xi, yi, lr):
        calls.append(1)
        return bank.perceptron_update(w, b, xi, yi, lr)
    first = bank.train_perceptron(x, y, epochs=3, lr=0.1, update=counting)
    second = bank.train_perceptron(x, y, epochs=3, lr=0.1)
    assert len(calls) == 3 * len(x)
    np.testing.assert_array_equal(first[0], second[0])
    assert first[1:] == second[1:]


def test_update_that_predicts_without_the_bias_is_caught_and_not_handed_to_training():
    # Issue 12: this passed (x @ w and x @ w + b had the same sign in every test input) and notebook 01's training
    # then never converged.
    def no_bias_in_prediction(w, b, x, y, lr):
        said = 1 if np.dot(x, w) > 0 else 0
        return w + lr * (y - said) * x, b + lr * (y - said)
    assert_caught(bank.perceptron_update_exercise, no_bias_in_prediction, "Your prediction leaves the bias out")
    update = bank.perceptron_update_exercise.use(no_bias_in_prediction)
    assert update is bank.perceptron_update
    x, y = separable_points()
    assert bank.train_perceptron(x, y, epochs=30, lr=0.1, update=update)[2][-1] == 0

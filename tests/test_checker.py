"""Tests of the exercise checker (course_lib/exercises/checker.py) and the notebook-00 warm-up bank."""
import doctest
import re
import warnings

import numpy as np
import pytest

import course_lib.exercises as exercises
from course_lib.exercises import (STATUSES, Args, CheckResult, Exercise, ExerciseDefinitionError, Mistake,
                                  ValueExercise)
from course_lib.exercises import checker, compare, nb00_welcome
from course_lib.exercises.nb00_welcome import weighted_sum
from exercise_helpers import stub

FALLBACK_LINE = ("{name} is not finished yet ({status}): "
                 "the rest of this notebook uses course_lib's reference implementation.\n")


def divide_by_zero(*args, **kwargs):
    return 1 / 0


def warm_up():
    """A fresh copy of the warm-up exercise (hint() keeps a counter, so tests do not share one)."""
    ex = nb00_welcome.weighted_sum_exercise
    return Exercise(ex.name, ex.reference, ex.make_inputs, hints=ex.hints, mistakes=ex.mistakes, rtol=ex.rtol,
                    atol=ex.atol, seed=ex.seed, explanation=ex.explanation)


# A small exercise written here: a batch dense layer, x (batch, n_in) @ W (n_in, n_out) + b.
def reference_dense(x, W, b):
    return x @ W + b


def make_dense_inputs(rng):
    sizes = [(4, 2, 3), (1, 1, 1), (5, 3, 2)]
    return [(rng.normal(size=(n, i)), rng.normal(size=(i, o)), rng.normal(size=o)) for n, i, o in sizes[:2]] + [
        Args(rng.normal(size=sizes[2][:2]).astype(np.float32), W=rng.normal(size=sizes[2][1:]).astype(np.float32),
             b=rng.normal(size=sizes[2][2]).astype(np.float32))]


def forgot_bias(x, W, b):
    return x @ W


def transposed(x, W, b):
    return (x @ W + b).T


DENSE_HINTS = ["Each output is a weighted sum plus a bias.", "Use the @ operator.", "x @ W + b"]


def dense_exercise(**overrides):
    options = dict(name="dense_layer", reference=reference_dense, make_inputs=make_dense_inputs, hints=DENSE_HINTS,
                   mistakes=[Mistake(forgot_bias, "It looks like you forgot the bias b."),
                             Mistake(transposed, "Your output is transposed: rows are examples.")],
                   rtol=1e-5, atol=1e-6, seed=0)
    options.update(overrides)
    return Exercise(**options)


# --------------------------------------------------------------------------------------------- the warm-up


def test_warm_up_bank_is_consistent():
    nb00_welcome.weighted_sum_exercise.self_test()  # reference correct, stub not attempted, each mistake caught
    assert nb00_welcome.EXERCISES == {"weighted_sum": nb00_welcome.weighted_sum_exercise}
    assert len(nb00_welcome.weighted_sum_exercise.hints) == 3
    assert len(nb00_welcome.weighted_sum_exercise.mistakes) >= 2


def test_warm_up_reference_is_correct():
    result = warm_up().check(weighted_sum)
    assert (result.status, result.passed, result.hint) == ("correct", True, None)
    assert result.message == "weighted_sum: correct. Your function matches the reference on all 4 test inputs."


def test_warm_up_accepts_other_correct_forms():
    assert warm_up().check(lambda x, w, b: np.sum(x * w) + b).passed
    assert warm_up().check(lambda x, w, b: sum(xi * wi for xi, wi in zip(x, w)) + b).passed


def test_warm_up_stub_is_not_attempted():
    def weighted_sum_stub(x, w, b):
        raise NotImplementedError()
    result = warm_up().check(weighted_sum_stub)
    assert result.status == "not attempted"
    assert not result.passed
    assert "NotImplementedError" in result.message


@pytest.mark.parametrize("index", range(len(nb00_welcome.weighted_sum_exercise.mistakes)))
def test_warm_up_each_mistake_gets_its_own_hint(index):
    mistake = nb00_welcome.weighted_sum_exercise.mistakes[index]
    result = warm_up().check(mistake.wrong)
    assert not result.passed
    assert result.hint == mistake.hint
    assert f"Hint: {mistake.hint}" in result.message


def test_warm_up_forgot_bias_is_wrong_values():
    result = warm_up().check(lambda x, w, b: x @ w)
    assert result.status == "wrong values"
    assert "bias" in result.hint


def test_warm_up_products_not_summed_is_wrong_shape():
    result = warm_up().check(lambda x, w, b: x * w + b)
    assert result.status == "wrong shape"
    assert "(expected a single number, got shape (1,)) on input #0" in result.message
    assert "added up" in result.hint


def test_warm_up_unknown_wrong_answer_has_no_specific_hint():
    result = warm_up().check(lambda x, w, b: x @ w - b)
    assert result.status == "wrong values"
    assert result.hint is None
    assert "Hint:" not in result.message


def test_warm_up_use_falls_back_to_reference(capsys):
    impl = warm_up().use(stub)
    assert impl is weighted_sum
    assert capsys.readouterr().out == FALLBACK_LINE.format(name="weighted_sum", status="not attempted")


def test_warm_up_solution_only_on_request(capsys):
    ex = warm_up()
    ex.check(weighted_sum)
    ex.check(stub)
    ex.hint(3)
    assert "return x @ w + b" not in capsys.readouterr().out
    ex.solution()
    out = capsys.readouterr().out
    assert "def weighted_sum(x, w, b):" in out
    assert "return x @ w + b" in out
    assert "dot product" in out  # the explanation follows the code


# ---------------------------------------------------------------------------------------- status by status


def test_reference_is_correct_and_stub_not_attempted():
    ex = dense_exercise()
    assert ex.check(reference_dense).status == "correct"
    assert ex.check(stub).status == "not attempted"
    assert ex.check(None).status == "not attempted"
    assert ex.check(...).status == "not attempted"


def test_each_in_test_mistake_is_caught_with_its_hint():
    ex = dense_exercise()
    ex.self_test()
    assert ex.check(forgot_bias).hint == "It looks like you forgot the bias b."
    result = ex.check(transposed)
    assert result.status == "wrong shape"
    assert "wrong shape (expected (4, 3), got (3, 4)) on input #0" in result.message
    assert result.hint == "Your output is transposed: rows are examples."
    assert result.input_index == 0


def test_raising_function_is_reported_not_propagated():
    result = dense_exercise().check(divide_by_zero)
    assert result.status == "raised"
    assert not result.passed
    assert "raised ZeroDivisionError on input #0" in result.message
    assert "division by zero" in result.message
    assert "in divide_by_zero, line" in result.message and "return 1 / 0" in result.message
    assert "Traceback" not in result.message
    # arguments are described by shape and dtype, never printed in full
    assert "Input #0: x = float64 array of shape (4, 2), W = float64 array of shape (2, 3)" in result.message


def test_raising_on_a_later_input_names_that_input():
    def fails_on_single_example(x, W, b):
        if x.shape[0] == 1:
            raise ValueError("batch too small")
        return x @ W + b
    result = dense_exercise().check(fails_on_single_example)
    assert (result.status, result.input_index) == ("raised", 1)
    assert "raised ValueError on input #1" in result.message and "batch too small" in result.message


def test_mistake_that_raises_matches_a_student_raising_the_same_way():
    def shape_bug(x, W, b):
        return x @ W.T + b
    ex = dense_exercise(mistakes=[Mistake(lambda x, W, b: x @ W.T + b, "W is (n_in, n_out): no transpose needed.")])
    result = ex.check(shape_bug)
    assert result.status == "raised"
    assert result.hint == "W is (n_in, n_out): no transpose needed."


def test_wrong_type_messages_say_expected_and_got():
    ex = dense_exercise()
    result = ex.check(lambda x, W, b: (x @ W + b).tolist())
    assert result.status == "wrong type"
    assert "expected an array of shape (4, 3), got a list of length 4" in result.message
    result = ex.check(lambda x, W, b: None)
    assert result.status == "wrong type"
    assert "got None" in result.message and "forget to `return`" in result.message
    result = ex.check(reference_dense(np.ones((1, 1)), np.ones((1, 1)), np.ones(1)))  # called, not passed
    assert result.status == "wrong type"
    assert "expected a function" in result.message


def test_tuple_of_wrong_length_is_wrong_type():
    ex = Exercise("min_max", lambda x: (x.min(), x.max()), lambda rng: [rng.normal(size=5)])
    assert ex.check(lambda x: (np.min(x), np.max(x))).passed
    assert ex.check(lambda x: [np.min(x), np.max(x)]).passed  # a list for a tuple is fine
    result = ex.check(lambda x: (x.min(), x.max(), x.mean()))
    assert result.status == "wrong type"
    assert "expected a tuple of length 2, got a tuple of length 3" in result.message


def test_close_for_a_slightly_off_answer():
    result = dense_exercise().check(lambda x, W, b: (x @ W + b) * (1 + 1e-3))
    assert result.status == "close"
    assert not result.passed
    assert re.search(r"close, but max error \d\.\de-0[34] on input #\d", result.message)
    assert "rtol=1e-05, atol=1e-06" in result.message


def test_a_close_answer_that_is_a_known_mistake_is_wrong_values_with_its_hint():
    ex = dense_exercise(mistakes=[Mistake(lambda x, W, b: (x @ W + b) * 1.001, "Where does the 1.001 come from?")])
    result = ex.check(lambda x, W, b: (x @ W + b) * 1.001)
    assert result.status == "wrong values"
    assert result.hint == "Where does the 1.001 come from?"


def test_wrong_values_reports_max_error_and_where():
    result = dense_exercise().check(lambda x, W, b: x @ W + 2 * b)
    assert result.status == "wrong values"
    assert re.search(r"wrong values \(max error \d\.\de[+-]\d\d on input #\d\)", result.message)
    assert "Largest difference at output[" in result.message
    assert result.hint is None


def test_nan_output_is_named():
    result = dense_exercise().check(lambda x, W, b: np.log(-np.abs(x @ W + b)))
    assert result.status == "wrong values"
    assert "NaN" in result.message


def test_numpy_warnings_from_student_code_stay_out_of_the_notebook():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        dense_exercise().check(lambda x, W, b: np.log(-np.abs(x @ W + b)))
    assert caught == []


def test_float32_and_jax_arrays_are_accepted():
    import jax.numpy as jnp
    ex = dense_exercise()
    assert ex.check(lambda x, W, b: jnp.asarray(x) @ jnp.asarray(W) + jnp.asarray(b)).passed
    assert ex.check(lambda x, W, b: (x @ W + b).astype(np.float32)).passed
    jax_ex = dense_exercise(reference=lambda x, W, b: jnp.dot(x, W) + b)
    assert jax_ex.check(reference_dense).passed
    assert jax_ex.check(forgot_bias).hint == "It looks like you forgot the bias b."


# ------------------------------------------------------------------------------------------ inputs, copies


def test_inputs_are_seeded_and_passed_as_copies():
    first, second = dense_exercise(seed=3).inputs(), dense_exercise(seed=3).inputs()
    assert all(compare.identical(a.args, b.args) and compare.identical(a.kwargs, b.kwargs)
               for a, b in zip(first, second))
    assert not compare.identical(first[0].args, dense_exercise(seed=4).inputs()[0].args)
    assert first[2].kwargs["W"].dtype == np.float32  # Args(...) inputs keep their keyword arguments


def test_student_mutating_inputs_cannot_corrupt_the_comparison():
    ex = dense_exercise()

    def sloppy(x, W, b):
        out = x @ W + b
        x[...] = 0.0  # changes the caller's array
        W *= 2
        return out
    result = ex.check(sloppy)
    # right values, but changing the caller's data is a failure (issue 12): the notebook would go on with it
    assert (result.status, result.passed) == ("changed its input", False)
    assert ("changed its input: your function changed its input `x` on input #0; build new arrays instead."
            in result.message)
    assert "x = x - ..." in result.hint and "x = x.copy()" in result.hint
    # the stored inputs are intact: the reference still checks correct, a wrong answer is still wrong
    assert ex.check(reference_dense).message.endswith("on all 3 test inputs.")
    assert ex.check(forgot_bias).status == "wrong values"
    assert "changed its input" not in ex.check(reference_dense).message

    def sloppy_and_wrong(x, W, b):
        W *= 2
        return x @ W
    wrong = ex.check(sloppy_and_wrong)
    assert wrong.status == "wrong values" and "Note: your function changed its input `W`" in wrong.message


# ------------------------------------------------------------------------------------------------ pytrees


def reference_init(layer_sizes, scale):
    return [{"W": scale * np.ones((n_in, n_out)), "b": np.zeros(n_out)}
            for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:])]


def pytree_exercise():
    return Exercise("init_layers", reference_init,
                    lambda rng: [([2, 3, 1], float(rng.uniform(0.5, 1))), Args([4, 2], scale=0.1)],
                    mistakes=[Mistake(lambda s, scale: [{"W": scale * np.ones((o, i)), "b": np.zeros(o)}
                                                        for i, o in zip(s[:-1], s[1:])], "W is (n_in, n_out).")])


def test_pytree_outputs_are_compared_leaf_by_leaf():
    ex = pytree_exercise()
    ex.self_test()
    assert ex.check(reference_init).passed
    result = ex.check(ex.mistakes[0].wrong)
    assert result.status == "wrong shape"
    assert "wrong shape at output[0]['W'] (expected (2, 3), got (3, 2))" in result.message
    assert result.hint == "W is (n_in, n_out)."

    def renamed(sizes, scale):
        return [{"W": layer["W"], "bias": layer["b"]} for layer in reference_init(sizes, scale)]
    result = ex.check(renamed)
    assert result.status == "wrong type"
    assert "expected keys 'W', 'b', got keys 'W', 'bias'" in result.message

    def last_bias_off(sizes, scale):
        params = reference_init(sizes, scale)
        params[-1]["b"] = params[-1]["b"] + 1.0
        return params
    result = ex.check(last_bias_off)
    assert result.status == "wrong values"
    assert "Largest difference at output[1]['b'][0]" in result.message

    result = ex.check(lambda sizes, scale: reference_init(sizes, scale)[:1])
    assert result.status == "wrong type"
    assert "expected a list of 2 dicts with keys 'W', 'b', got a list of 1 dict" in result.message


# -------------------------------------------------------------------------------------------------- hints


def test_hints_come_in_order_and_stop_after_the_third(capsys):
    ex = dense_exercise()
    for _ in range(4):
        ex.hint()
    lines = capsys.readouterr().out.splitlines()
    assert lines[:3] == [f"Hint {i} of 3 for dense_layer: {DENSE_HINTS[i - 1]}" for i in (1, 2, 3)]
    assert lines[3].startswith("No more hints for dense_layer")
    assert len(lines) == 4


def test_a_given_hint_can_be_asked_for(capsys):
    ex = dense_exercise()
    ex.hint(2)
    ex.hint()
    ex.hint(7)
    lines = capsys.readouterr().out.splitlines()
    assert lines == [f"Hint 2 of 3 for dense_layer: {DENSE_HINTS[1]}", f"Hint 3 of 3 for dense_layer: {DENSE_HINTS[2]}",
                     "dense_layer has hints 1 to 3; there is no hint 7."]


def test_more_than_three_hints_is_refused():
    with pytest.raises(ValueError, match="up to 3 hints"):
        dense_exercise(hints=["a", "b", "c", "d"])


# ------------------------------------------------------------------------------------------ use, solution


def test_use_returns_a_correct_function_silently(capsys):
    def mine(x, W, b):
        return x @ W + b
    assert dense_exercise().use(mine) is mine
    assert capsys.readouterr().out == ""


def test_use_returns_the_reference_for_a_wrong_function(capsys):
    assert dense_exercise().use(forgot_bias) is reference_dense
    assert capsys.readouterr().out == FALLBACK_LINE.format(name="dense_layer", status="wrong values")


def test_solution_shows_the_reference_source(capsys):
    ex = dense_exercise()
    ex.check(forgot_bias)
    ex.hint()
    assert "return x @ W + b" not in capsys.readouterr().out
    ex.solution()
    assert "def reference_dense(x, W, b):\n    return x @ W + b" in capsys.readouterr().out


# ------------------------------------------------------------------------------------------ custom compare


def test_custom_compare_with_two_and_three_arguments():
    def separates(got, expected, args):
        x = args.args[0]
        labels = x[:, 0] * x[:, 1] > 0
        feature = np.asarray(got).reshape(-1)
        ok = np.all((feature > 0) == labels)
        return ok, "" if ok else "This feature does not separate the two classes."

    ex = Exercise("xor_feature", lambda x: x[:, 0] * x[:, 1], lambda rng: [rng.normal(size=(20, 2))],
                  compare=separates)
    ex.self_test()
    assert ex.check(lambda x: 5 * x[:, 0] * x[:, 1]).passed  # any separating feature, any scale
    assert ex.check(lambda x: np.sign(x[:, :1] * x[:, 1:])).passed  # even another shape, if compare allows it
    result = ex.check(lambda x: x[:, 0])
    assert result.status == "wrong values"
    assert "This feature does not separate the two classes." in result.message
    result = ex.check(lambda x: None)  # compare cannot read the answer: reported, not raised
    assert result.status == "wrong type"
    assert "could not check None (TypeError" in result.message and "forget to `return`" in result.message

    within = Exercise("scaled", lambda x: 2 * x, lambda rng: [rng.normal(size=3)],
                      compare=lambda got, expected: np.allclose(got, expected, rtol=0.1))
    assert within.check(lambda x: 2.1 * x).passed
    assert within.check(lambda x: 3 * x).status == "wrong values"


# -------------------------------------------------------------------------------------------- value answers


def test_value_exercise_statuses():
    ex = Exercise.value("which_unit", 2, hints=["Look at the top-left."],
                        mistakes={3: "Python counts from 0: the third unit has index 2."})
    assert isinstance(ex, ValueExercise)
    ex.self_test()
    assert ex.check(...).status == "not attempted"
    assert ex.check(None).status == "not attempted"
    assert ex.check(2).passed and ex.check(np.int64(2)).passed and ex.check(2.0).passed
    result = ex.check(3)
    assert (result.status, result.hint) == ("wrong values", "Python counts from 0: the third unit has index 2.")
    result = ex.check(1)
    assert (result.status, result.hint) == ("wrong values", None)
    assert "2" not in result.message.replace("which_unit", "")  # the answer is not given away
    result = ex.check("2")
    assert result.status == "wrong type" and "expected a single number, got '2'" in result.message


def test_value_exercise_close_arrays_and_strings(capsys):
    flops = Exercise.value("flops", 1_000_000, mistakes={500_000: "Count the additions too."})
    assert flops.check(1_000_500).status == "close"
    assert flops.check(500_000).hint == "Count the additions too."
    assert flops.check(2_000_000).status == "wrong values"

    vector = ValueExercise("outputs", np.array([0.5, 1.5]), mistakes=[Mistake(np.array([1.5, 0.5]), "Order!")])
    assert vector.check([0.5, 1.5]).passed  # a typed-in list counts as an array
    assert vector.check(np.array([1.5, 0.5])).hint == "Order!"
    assert vector.check(np.ones(3)).status == "wrong shape"

    name = ValueExercise("activation", "relu")
    assert name.check("relu").passed and name.check("tanh").status == "wrong values"

    assert vector.use(...).tolist() == [0.5, 1.5]
    assert capsys.readouterr().out == ("outputs is not finished yet (not attempted): "
                                       "the rest of this notebook uses the correct answer.\n")
    assert flops.use(1_000_000) == 1_000_000
    name.solution()
    assert capsys.readouterr().out == "The answer to activation is 'relu'.\n"


def test_value_exercise_with_custom_compare():
    ex = Exercise.value("learning_rate", None, compare=lambda got, expected: (0.01 <= got <= 0.1, "Try 0.01 to 0.1."))
    ex.self_test()
    assert ex.check(0.05).passed
    result = ex.check(1.0)
    assert result.status == "wrong values" and "Try 0.01 to 0.1." in result.message
    assert ex.check("fast").status == "wrong type"


# ------------------------------------------------------------------------------------------------ display


def test_results_print_as_deterministic_plain_text():
    results = [dense_exercise().check(fn) for fn in (reference_dense, stub, divide_by_zero, transposed, forgot_bias)]
    again = [dense_exercise().check(fn) for fn in (reference_dense, stub, divide_by_zero, transposed, forgot_bias)]
    assert [r.message for r in results] == [r.message for r in again]
    for result in results:
        assert isinstance(result, CheckResult)
        assert result.status in STATUSES
        assert str(result) == repr(result) == result.message
        assert result.message.startswith(f"dense_layer: {result.status}")
        assert "0x" not in result.message and "<function" not in result.message


def test_html_repr_is_a_coloured_box_with_symbol_and_words():
    ex = dense_exercise()
    correct, wrong, missing = ex.check(reference_dense), ex.check(forgot_bias), ex.check(stub)
    html = {r.status: r._repr_html_() for r in (correct, wrong, missing)}
    assert "#0072B2" in html["correct"] and "✔" in html["correct"]
    assert "#D55E00" in html["wrong values"] and "✘" in html["wrong values"]
    assert "#767676" in html["not attempted"] and "○" in html["not attempted"]
    for status, text in html.items():
        assert f"<strong>dense_layer: {status}</strong>" in text
    assert wrong._repr_html_() == ex.check(forgot_bias)._repr_html_()
    assert "&lt;" in ValueExercise("v", "a").check("<b>")._repr_html_()  # student text is escaped


# ------------------------------------------------------------------------------------- for bank authors


def test_self_test_finds_a_mistake_that_is_not_a_mistake():
    ex = dense_exercise(mistakes=[Mistake(lambda x, W, b: b + x @ W, "This is actually right.")])
    with pytest.raises(ExerciseDefinitionError, match="This is actually right"):
        ex.self_test()


def test_a_broken_reference_is_an_author_error():
    ex = dense_exercise(reference=divide_by_zero)
    with pytest.raises(ExerciseDefinitionError, match="reference raised ZeroDivisionError"):
        ex.check(reference_dense)


def test_bank_modules_load_on_first_use():
    assert exercises.nb00_welcome.weighted_sum_exercise is nb00_welcome.weighted_sum_exercise
    with pytest.raises(AttributeError):
        exercises.nb99_missing


@pytest.mark.parametrize("module", [checker, compare, nb00_welcome])
def test_docstring_examples_run(module):
    failures, tried = doctest.testmod(module)
    assert tried > 0 and failures == 0


# ------------------------------------------------------------------------ issue 12: cannot be fooled or hung


def test_a_function_that_never_returns_is_stopped_and_the_notebook_carries_on():
    import signal
    import sys
    import time

    ex = warm_up()
    ex.time_limit = 0.5

    def forever(x, w, b):
        while True:
            pass

    def sleeps(x, w, b):
        time.sleep(60)

    def swallows_everything(x, w, b):
        while True:
            try:
                time.sleep(60)
            except:  # noqa: E722 (a bare except catches the first stop; the timer fires again)
                pass

    handler_before, tracer_before = signal.getsignal(signal.SIGALRM), sys.gettrace()
    for answer in (forever, sleeps, swallows_everything):
        start = time.perf_counter()
        result = ex.check(answer)
        assert time.perf_counter() - start < 5
        assert (result.status, result.input_index) == ("took too long", 0)
        assert result.message.startswith("weighted_sum: took too long: stopped after 0.5 s, on input #0.")
        assert "a loop that never ends" in result.hint and "ex.time_limit = 30" in result.hint
    # the timer and the handler are as they were: nothing fires later, and a right answer still passes
    assert signal.getsignal(signal.SIGALRM) is handler_before and sys.gettrace() is tracer_before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert ex.check(weighted_sum).passed
    assert ex.use(forever) is weighted_sum    # use() hands out the reference, without hanging


def test_the_time_limit_is_configurable_for_all_exercises(monkeypatch):
    import time
    ex = warm_up()
    monkeypatch.setattr(checker, "TIME_LIMIT_SECONDS", 0.3)

    def slow(x, w, b):
        time.sleep(0.4)
        return x @ w + b
    assert ex.check(slow).status == "took too long"
    monkeypatch.setattr(checker, "TIME_LIMIT_SECONDS", 30)
    assert ex.check(slow).status == "correct"
    ex.time_limit = 0.3                       # one exercise's own limit wins over the default
    assert ex.check(slow).status == "took too long"
    with pytest.raises(ValueError, match="time_limit must be a number of seconds > 0"):
        dense_exercise(time_limit=-1)


def test_a_check_from_another_thread_runs_without_a_timer_and_does_not_break():
    import threading
    ex = warm_up()
    results = []
    thread = threading.Thread(target=lambda: results.append(ex.check(weighted_sum)))
    thread.start()
    thread.join(30)
    assert results and results[0].passed


def test_keyboard_interrupt_still_stops_the_cell():
    def interrupted(x, w, b):
        raise KeyboardInterrupt()
    with pytest.raises(KeyboardInterrupt):
        warm_up().check(interrupted)
    with pytest.raises(KeyboardInterrupt):
        warm_up().use(interrupted)


class _CustomStop(BaseException):
    pass


@pytest.mark.parametrize("error", [SystemExit(3), GeneratorExit(), StopIteration(), _CustomStop("stop"),
                                   MemoryError(), RecursionError("deep")], ids=lambda e: type(e).__name__)
def test_every_kind_of_exception_is_reported_not_raised(error, capsys):
    def raises(x, w, b):
        raise error
    ex = warm_up()
    result = ex.check(raises)
    assert result.status == "raised" and f"raised {type(error).__name__} on input #0" in result.message
    assert ex.use(raises) is weighted_sum
    assert "is not finished yet (raised)" in capsys.readouterr().out


class _RequiresGrad:
    """Looks like a torch tensor that requires grad: NumPy cannot read it."""
    shape = ()
    dtype = np.float64

    def __array__(self, *args, **kwargs):
        raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.")


class _RaisingStr(Exception):
    def __str__(self):
        raise RuntimeError("no message for you")


@pytest.mark.parametrize("answer", [
    lambda x, w, b: np.array(["a", "b"]),
    lambda x, w, b: np.array("text"),
    lambda x, w, b: _RequiresGrad(),
    lambda x, w, b: [_RequiresGrad()],
    lambda x, w, b: {"a": object()},
    lambda x, w, b: (_ for _ in ()),
    lambda x, w, b: np.array([np.nan]),
    lambda x, w, b: 10 ** 400,
], ids=["string-array", "string-scalar", "requires-grad", "list-of-tensors", "dict", "generator", "nan", "huge-int"])
def test_odd_outputs_get_a_verdict_and_use_never_raises(answer, capsys):
    ex = warm_up()
    result = ex.check(answer)
    assert result.status in STATUSES and not result.passed
    assert result.message.startswith("weighted_sum: ")
    assert ex.use(answer) is weighted_sum


def test_a_tensor_that_requires_grad_is_explained():
    result = warm_up().check(lambda x, w, b: _RequiresGrad())
    assert result.status == "wrong type" and "could not read your output as numbers" in result.message
    assert ".detach().numpy()" in result.hint


def test_an_exception_whose_message_cannot_be_printed_is_still_reported():
    def raises(x, w, b):
        raise _RaisingStr()
    result = warm_up().check(raises)
    assert result.status == "raised" and "(its message could not be printed)" in result.message


def test_value_exercise_never_raises_on_odd_answers():
    ex = ValueExercise("flops", 24.0, mistakes={12: "Count the additions too."})
    for answer in [np.array(["a", "b"]), _RequiresGrad(), object(), [[1, 2], [3]], {"x": 1}, np.nan, "24"]:
        result = ex.check(answer)
        assert result.status in STATUSES and not result.passed, answer
    assert "detach" in ex.check(_RequiresGrad()).hint
    strings = ex.check(np.array(["a", "b"]))
    assert strings.status == "wrong type" and "expected numbers, got an array of dtype <U1" in strings.message


def test_use_reuses_the_verdict_of_the_last_check_of_the_same_function(capsys):
    calls = []

    def counted(x, w, b):
        calls.append(1)
        return x @ w + b
    ex = warm_up()
    assert ex.check(counted).passed
    n = len(calls)
    assert ex.use(counted) is counted and len(calls) == n          # not run again
    assert ex.use(lambda x, w, b: x @ w + b) is not None and len(calls) == n
    calls.clear()

    def other(x, w, b):
        calls.append(1)
        return x @ w
    assert ex.use(other) is weighted_sum and calls                 # a different function is checked


def test_patching_the_library_or_numpy_cannot_change_a_verdict(monkeypatch):
    import course_lib.activations
    import course_lib.network
    from course_lib.exercises import nb02_forward_propagation as bank

    def forward_without_biases(params, x, activation="relu"):
        a = x
        for layer in params[:-1]:
            a = np.maximum(a @ layer["W"], 0)
        return a @ params[-1]["W"]
    # Student code that, before its first check, makes dense ignore biases and every comparison succeed.
    monkeypatch.setattr(course_lib.network, "dense", lambda layer, x: x @ layer["W"])
    monkeypatch.setattr(np, "isclose", lambda *args, **kwargs: np.array(True))
    monkeypatch.setattr(np, "array_equal", lambda *args, **kwargs: True)
    def forward_by_hand(params, x, activation="relu"):
        f = course_lib.activations.get_activation(activation)
        for layer in params[:-1]:
            x = f(x @ layer["W"] + layer["b"])
        return x @ params[-1]["W"] + params[-1]["b"]
    fresh = Exercise("forward", bank.forward, bank.make_forward_inputs, hints=bank.forward_exercise.hints)
    assert fresh.check(forward_without_biases).status == "wrong values"
    assert fresh.check(forward_by_hand).status == "correct"
    # the student's patches are still in place afterwards: the checker put the library back only while it worked
    assert np.isclose(1, 2) and course_lib.network.dense({"W": np.eye(1), "b": np.ones(1)}, np.ones((1, 1))) == 1


def test_the_rerun_line_names_the_notebook_variables():
    ex = warm_up()

    def my_sum(x, w, b):
        return x @ w + b[0]
    message = ex.check(my_sum).message
    assert "For the full traceback, run ex.inputs()[0].call(my_sum)." in message
    assert "exercise.inputs()" not in message
    # a bank's exercise, known only through its module
    from course_lib.exercises import nb00_welcome as welcome
    assert "run welcome.weighted_sum_exercise.inputs()[0].call(my_sum)." in welcome.weighted_sum_exercise.check(
        my_sum).message


def test_the_rerun_line_works_as_typed():
    from course_lib.exercises import nb00_welcome as welcome

    def my_sum(x, w, b):
        return x @ w + b[0]
    result = welcome.weighted_sum_exercise.check(my_sum)
    command = re.search(r"run (.*)\.$", result.message.splitlines()[0]).group(1)
    with pytest.raises(TypeError):
        eval(command, {"welcome": welcome, "my_sum": my_sum})


def test_raw_numpy_errors_are_explained_for_a_beginner():
    def uses_if(x, w, b):
        if x > 0:
            return x @ w + b
        return b
    result = warm_up().check(uses_if)
    assert result.status == "raised" and "np.where(condition, a, b)" in result.hint

    def w_at_x(x, W, b):
        return W @ x + b
    result = dense_exercise().check(w_at_x)
    assert result.status == "raised" and "gufunc signature" in result.message
    assert "`x @ W`, not `W @ x`" in result.hint


def test_solution_shows_written_out_lines_for_exercises_whose_reference_calls_the_library(capsys):
    from course_lib.exercises import nb04_loss_and_gradient_descent as nb04
    from course_lib.exercises import nb06_training_a_network as nb06
    from course_lib.exercises import nb10_playground as nb10
    for exercise, line in [(nb04.mse_exercise, "np.mean(errors ** 2)"),
                           (nb04.cross_entropy_exercise, "log_p[np.arange(len(labels)), labels]"),
                           (nb06.accuracy_exercise, "np.argmax(logits, axis=1)"),
                           (nb10.feature_map_exercise, "np.stack(columns, axis=1)")]:
        exercise.solution()
        shown = capsys.readouterr().out
        assert line in shown and f"def {exercise.reference.__name__}(" in shown
        assert "return library_" not in shown and "return make_features" not in shown
        assert exercise.check(exercise.shown_solution).passed

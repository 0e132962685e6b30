"""Property-style tests of the exercise checker (Hypothesis): whatever a student's function returns or raises, however
it treats its arguments and however long it runs, `check()` returns a verdict within the time limit and `use()`
hands back something usable; neither ever raises (issue 12). The examples are derandomized: the same every run."""
import contextlib
import io
import tempfile
import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis.configuration import set_hypothesis_home_dir
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from course_lib.exercises import STATUSES, CheckResult, Exercise, ValueExercise
from course_lib.exercises import nb00_welcome, nb04_loss_and_gradient_descent

# Hypothesis caches what it learns (in ./.hypothesis by default) as soon as strategies are built: keep it out of the
# repository, in the system's temporary folder.
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "course_lib_hypothesis")

TIME_LIMIT = 0.25
# What a verdict may take beyond the student's time: copying inputs, comparing, finding a matching mistake.
SLACK_SECONDS = 3.0

SETTINGS = settings(derandomize=True, database=None, max_examples=120, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def copy_of(exercise):
    """The bank exercise with a short time limit (the bank's own object keeps its settings)."""
    return Exercise(exercise.name, exercise.reference, exercise.make_inputs, hints=exercise.hints,
                    mistakes=exercise.mistakes, rtol=exercise.rtol, atol=exercise.atol, seed=exercise.seed,
                    time_limit=TIME_LIMIT)


WEIGHTED_SUM = copy_of(nb00_welcome.weighted_sum_exercise)                      # answers are numbers
STEP = copy_of(nb04_loss_and_gradient_descent.gradient_descent_step_exercise)  # answers are a list of dicts


# ----------------------------------------------------------------------------------------------- odd values


class ArrayThatRaises:
    """Array-like whose conversion to NumPy fails, like a torch tensor that requires grad."""
    shape = (1,)
    dtype = np.float64

    def __array__(self, *args, **kwargs):
        raise RuntimeError("Can't call numpy() on Tensor that requires grad.")


class Hostile:
    """Every comparison, conversion and description raises."""

    def __eq__(self, other):
        raise ValueError("no comparing")

    __ne__ = __lt__ = __gt__ = __eq__
    __hash__ = object.__hash__

    def __bool__(self):
        raise ValueError("no truth")

    def __len__(self):
        raise TypeError("no length")

    def __float__(self):
        raise TypeError("no float")

    def __repr__(self):
        raise RuntimeError("no repr")


class CustomStop(BaseException):
    pass


numbers = st.one_of(st.integers(-10 ** 30, 10 ** 30), st.floats(allow_nan=True, allow_infinity=True),
                    st.complex_numbers(allow_nan=True), st.booleans(), st.just(10 ** 400))
arrays = hnp.arrays(dtype=st.sampled_from([np.float64, np.float32, np.float16, np.int8, np.int64, np.bool_,
                                           np.complex64, np.dtype("U3"), np.dtype("S2"), np.dtype("O")]),
                    shape=hnp.array_shapes(min_dims=0, max_dims=3, max_side=4))
leaves = st.one_of(st.none(), st.just(...), numbers, st.text(max_size=4), st.binary(max_size=4), arrays,
                   st.builds(ArrayThatRaises), st.builds(Hostile), st.builds(object),
                   st.sampled_from([print, np, int, Exception("an exception as a value")]))
junk = st.recursive(leaves, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.tuples(inner, inner),
    st.dictionaries(st.sampled_from(["W", "b", "x", 0, None]), inner, max_size=3)), max_leaves=6)

exception_types = st.sampled_from([Exception, ValueError, TypeError, IndexError, KeyError, ZeroDivisionError,
                                   FloatingPointError, OverflowError, RecursionError, MemoryError, AssertionError,
                                   AttributeError, NameError, NotImplementedError, StopIteration, RuntimeError,
                                   SystemExit, GeneratorExit, CustomStop, ArithmeticError, LookupError, OSError])


def returns(value):
    def student(*args, **kwargs):
        return value
    return student


def raises(error_type, text):
    def student(*args, **kwargs):
        raise error_type(text)
    return student


def mutates_then_returns(value):
    def student(*args, **kwargs):
        for arg in args:
            if isinstance(arg, np.ndarray) and arg.dtype.kind == "f":
                arg[...] = np.nan
            elif isinstance(arg, list):
                arg.append(value)
        return value
    return student


def spins(*args, **kwargs):
    while True:
        pass


def sleeps(*args, **kwargs):
    time.sleep(30)


def catches_everything_and_spins(*args, **kwargs):
    while True:
        try:
            while True:
                pass
        except Exception:   # a student's broad except must not swallow the time limit
            pass


def bare_except_spins(*args, **kwargs):
    while True:
        try:
            while True:
                pass
        except:  # noqa: E722 (even a bare except, which catches the first stop, must not hang the check)
            pass


students = st.one_of(
    st.builds(returns, junk),
    st.builds(raises, exception_types, st.text(max_size=20)),
    st.builds(mutates_then_returns, junk),
    st.sampled_from([spins, sleeps, catches_everything_and_spins, bare_except_spins]),
)


def assert_a_verdict_in_time(exercise, student):
    start = time.perf_counter()
    result = exercise.check(student)
    elapsed = time.perf_counter() - start
    assert isinstance(result, CheckResult) and result.status in STATUSES
    assert result.message.startswith(f"{exercise.name}: ") and str(result) == result.message
    result._repr_html_()
    assert elapsed < TIME_LIMIT + SLACK_SECONDS, (elapsed, result.message)
    with contextlib.redirect_stdout(io.StringIO()):   # use() prints a line when it hands out the reference
        handed_out = exercise.use(student)
    assert handed_out is (student if result.passed else exercise.reference)


@SETTINGS
@given(student=students)
def test_check_of_a_function_answer_always_gives_a_verdict_in_time(student):
    assert_a_verdict_in_time(WEIGHTED_SUM, student)


@SETTINGS
@given(student=students)
def test_check_of_a_pytree_answer_always_gives_a_verdict_in_time(student):
    assert_a_verdict_in_time(STEP, student)


@SETTINGS
@given(answer=junk)
def test_check_of_a_value_answer_always_gives_a_verdict(answer):
    exercise = ValueExercise("n_params", 71, mistakes={56: "Count the biases too."})
    result = exercise.check(answer)
    assert isinstance(result, CheckResult) and result.status in STATUSES
    assert result.message.startswith("n_params: ")
    with contextlib.redirect_stdout(io.StringIO()):
        exercise.use(answer)


@pytest.mark.parametrize("answer", [Hostile(), ArrayThatRaises(), 10 ** 400], ids=["hostile", "array-like", "int"])
def test_odd_values_as_the_function_itself_are_refused_politely(answer):
    result = WEIGHTED_SUM.check(answer)
    assert result.status == "wrong type" and "expected a function" in result.message

"""What the exercise-bank tests (tests/test_exercises_nb*.py, tests/test_checker.py) share: a stub answer, the
"caught with its hint" assertion, and the consistency check every exercise of every bank passes."""
from course_lib.exercises import Exercise


def stub(*args, **kwargs):
    """The unfinished answer the student starts from."""
    raise NotImplementedError()


def assert_caught(exercise, answer, hint_words, status="wrong values"):
    """`answer` gets `status`, with a hint containing `hint_words`, shown in the message too. Returns the result."""
    result = exercise.check(answer)
    assert result.status == status, result.message
    assert result.hint is not None and hint_words in result.hint, result.message
    assert hint_words in result.message
    return result


def assert_exercise_is_consistent(exercise, min_mistakes=2):
    """A bank's exercise: three hints, a few known mistakes, and its self_test passes (the reference checks
    "correct", a stub "not attempted", the shown solution "correct", each mistake gets its own hint)."""
    assert len(exercise.hints) == 3
    assert len(exercise.mistakes) >= min_mistakes
    if isinstance(exercise, Exercise):
        assert exercise.check(exercise.reference).status == "correct"
        assert exercise.check(stub).status == "not attempted"
        if exercise.shown_solution is not None:
            assert exercise.check(exercise.shown_solution).status == "correct"
    else:
        assert exercise.check(...).status == "not attempted"
    exercise.self_test()

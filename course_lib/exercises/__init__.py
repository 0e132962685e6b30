"""Self-checking exercises: the framework (`checker.py`) and one bank of exercises per notebook.

    from course_lib.exercises import Exercise, Mistake, CheckResult
    from course_lib.exercises.nb00_welcome import weighted_sum_exercise

See `course_lib.exercises.checker` for how an exercise is written and what the checker reports. Bank modules
(`nb00_welcome`, `nb01_...`) are imported on first use, so `course_lib.exercises.nb00_welcome` also works.
"""
import importlib

from course_lib.exercises.checker import (CLOSE_RELATIVE_ERROR, MAX_HINTS, STATUSES, Args, CheckResult, Exercise,
                                          ExerciseDefinitionError, Mistake, ValueExercise)

__all__ = ["Args", "CheckResult", "Exercise", "ExerciseDefinitionError", "Mistake", "ValueExercise", "STATUSES",
           "MAX_HINTS", "CLOSE_RELATIVE_ERROR"]


def __getattr__(name):
    # Bank modules are named after their notebook (nb00_welcome, nb01_...); load one when it is first asked for.
    if name.startswith("nb"):
        try:
            return importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

"""Self-checking exercises: the student writes a function, the checker compares it with course_lib's own.

An `Exercise` knows the library's reference implementation, how to make a few random (but seeded) test inputs,
up to three graded hints, and the `Mistake`s students often make. `exercise.check(student_fn)` runs both
functions on every test input and returns a `CheckResult` whose `.status` is exactly one of

    "not attempted"  the function still raises NotImplementedError (the stub), or the answer is None / ...
    "raised"         it raised another exception (reported with the input; never propagated)
    "wrong type"     it returned the wrong kind of thing (None, a list instead of an array, other dict keys, ...)
    "wrong shape"    an array has the wrong shape
    "close"          the values are nearly right (relative error below 1e-2) but outside the tolerance
    "wrong values"   the values are off (with a specific hint when they match a known mistake)
    "changed its input"  the outputs are right, but the function changed the arrays it was given
    "took too long"  it was stopped after the time limit (`TIME_LIMIT_SECONDS`, or `exercise.time_limit`)
    "correct"        every output matches within rtol/atol

`check()` and `use()` never raise because of the answer, whatever it returns or raises (only KeyboardInterrupt,
the notebook's stop button, goes through). The student's function runs on deep copies of the test inputs, and the
reference and the comparison run with the library and NumPy as they were imported, so neither changing the inputs
nor patching `course_lib` or `np.isclose` can change a verdict. `use()` reuses the verdict of the last `check()` of
the same function instead of running the check again.

Writing an exercise (in a bank module such as `course_lib/exercises/nb01_ai_ml_dl.py`):

>>> import numpy as np
>>> from course_lib.exercises import Exercise, Mistake
>>> def double(x):                                   # the reference; `solution()` shows this source
...     return 2 * x
>>> double_exercise = Exercise(
...     name="double",
...     reference=double,
...     make_inputs=lambda rng: [(rng.normal(size=n),) for n in (1, 3, 5)],   # one tuple of arguments per call
...     hints=["Each element should get bigger.", "Multiply by a number.", "Multiply x by 2."],
...     mistakes=[Mistake(lambda x: x + 2, "You added 2; doubling means multiplying by 2.")],
... )

Using it in a notebook (what the student sees):

>>> def my_double(x):
...     raise NotImplementedError()
>>> double_exercise.check(my_double)
double: not attempted. Replace the `raise NotImplementedError()` line with your code, then run this cell again.
>>> double_exercise.check(lambda x: x + 2).hint
'You added 2; doubling means multiplying by 2.'
>>> double_exercise.check(lambda x: x * 2)
double: correct. Your function matches the reference on all 3 test inputs.
>>> double_exercise.hint()
Hint 1 of 3 for double: Each element should get bigger.
>>> f = double_exercise.use(my_double)             # the notebook goes on with the reference
double is not finished yet (not attempted): the rest of this notebook uses course_lib's reference implementation.

Answers that change their inputs, or run too long, fail (and never hang the notebook):

>>> def double_in_place(x):
...     x *= 2
...     return x
>>> double_exercise.check(double_in_place).status
'changed its input'
>>> import time
>>> double_exercise.time_limit = 0.2                # seconds; the default is TIME_LIMIT_SECONDS
>>> double_exercise.check(lambda x: time.sleep(60)).status
'took too long'

Answers that are values, not functions ("how many parameters does this network have?"):

>>> n_params = Exercise.value("n_params", 17, mistakes={12: "Did you count the biases?"})
>>> n_params.check(12)
n_params: wrong values: 12 is not the answer.
Hint: Did you count the biases?

A test input is a tuple of positional arguments, a dict of keyword arguments, an `Args(...)` for both, or any
other single value (one positional argument). Input numbers in messages (`input #2`) count from 0, like
`exercise.inputs()[2]`, which gives that input so you can try your function on it. For outputs that may
legitimately differ from the reference, pass `compare=` (see `Exercise`). Bank authors: call
`exercise.self_test()` in a unit test; it checks that the reference passes and every mistake is caught.
"""
import contextlib
import copy
import html
import inspect
import signal
import sys
import textwrap
import threading
import traceback
import types
import warnings
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np

from course_lib.exercises.compare import (agree, describe, describe_error, error_text, explain_error, format_number,
                                          format_pair, identical, is_array, structure_problem, value_errors,
                                          with_article)

STATUSES = ("not attempted", "raised", "wrong type", "wrong shape", "close", "wrong values", "changed its input",
            "took too long", "correct")
MAX_HINTS = 3
# Below this relative error (largest difference / largest expected value) a wrong answer counts as "close".
CLOSE_RELATIVE_ERROR = 1e-2
# How long the student's function may run, in seconds, on all the test inputs of one check together. Change it for
# every exercise (`checker.TIME_LIMIT_SECONDS = 20`) or for one (`exercise.time_limit = 20`).
TIME_LIMIT_SECONDS = 10.0


class ExerciseDefinitionError(Exception):
    """The exercise itself is broken (its reference raises, a mistake is never caught, ...). For bank authors."""


# ------------------------------------------------------------------------------------------ small pieces


@dataclass(frozen=True)
class Mistake:
    """A plausible wrong answer and the hint to give when a student's answer behaves exactly like it.

    wrong: a function (for `Exercise`) or a value (for `ValueExercise`).
    hint: what to tell the student, specific to this mistake ("It looks like you forgot the bias b: ...").
    """
    wrong: object
    hint: str


class Args:
    """The arguments of one test call: `Args(x, w, b=0.5)` stands for `fn(x, w, b=0.5)`."""

    __slots__ = ("args", "kwargs")

    def __init__(self, *args, **kwargs):
        self.args = args
        self.kwargs = kwargs

    @classmethod
    def from_item(cls, item):
        """Read one item of `make_inputs`' list: tuple -> positional, dict -> keyword, Args as is, else one argument."""
        if isinstance(item, Args):
            return item
        if isinstance(item, tuple):
            return cls(*item)
        if isinstance(item, dict):
            return cls(**item)
        return cls(item)

    def copy(self):
        """A deep copy, so that a function that changes its arguments in place cannot change ours."""
        return Args(*copy.deepcopy(self.args), **copy.deepcopy(self.kwargs))

    def call(self, fn):
        """`fn(*args, **kwargs)`: run a function on these arguments."""
        return fn(*self.args, **self.kwargs)

    def named(self, fn=None):
        """`[(name, value), ...]`, with parameter names taken from `fn`'s signature where possible."""
        names = [f"argument {i + 1}" for i in range(len(self.args))]
        try:
            parameters = list(inspect.signature(fn).parameters.values())
            positional = [p.name for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
            names[: len(positional)] = positional[: len(names)]
        except (TypeError, ValueError):  # no signature available (a builtin, a jitted wrapper, None)
            pass
        return list(zip(names, self.args)) + list(self.kwargs.items())

    def describe(self, fn=None):
        """`x = float64 array of shape (5,), b = 0.3`"""
        return ", ".join(f"{name} = {describe(value)}" for name, value in self.named(fn))

    def __repr__(self):
        parts = [describe(a) for a in self.args] + [f"{k}={describe(v)}" for k, v in self.kwargs.items()]
        return f"Args({', '.join(parts)})"


@dataclass(frozen=True)
class _Raised:
    """What happened when a call raised: the exception's type and message, and where in the student's code."""
    error_type: str
    message: str
    not_implemented: bool
    location: str = ""

    def same_as(self, other):
        return isinstance(other, _Raised) and (other.error_type, other.message) == (self.error_type, self.message)

    def describe(self):
        return f"{self.error_type}: {self.message}" if self.message else self.error_type


def _run(fn, call):
    """Call `fn` on the arguments; return its output, or a `_Raised` describing the exception it raised.

    Any exception is reported, also SystemExit, GeneratorExit and other BaseExceptions: only KeyboardInterrupt (the
    notebook's stop button) and the checker's own time limit go through.
    """
    try:
        return call.call(fn)
    except (KeyboardInterrupt, _TookTooLong):
        raise
    except BaseException as exc:  # noqa: BLE001 (student code may raise anything; report it, never propagate it)
        return _Raised(type(exc).__name__, _safe(error_text, exc, "(its message could not be printed)"),
                       isinstance(exc, NotImplementedError), _safe(_location, exc, "", fn))


def _safe(describe_fn, value, fallback, *more):
    """`describe_fn(value, *more)`, or `fallback` if that raises (an exception whose __str__ raises, ...)."""
    try:
        return describe_fn(value, *more)
    except Exception:  # noqa: BLE001
        return fallback


def _location(exc, fn):
    """`in my_fn, line 3: return x / 0`: the last line of the student's own code that the error passed through."""
    code = getattr(fn, "__code__", None)
    if code is None:
        return ""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == code.co_filename]
    if not frames:
        return ""
    frame = frames[-1]
    line = f": {frame.line.strip()}" if frame.line else ""
    return f"in {frame.name}, line {frame.lineno}{line}"


@contextmanager
def _quiet():
    """Keep NumPy/JAX warnings from the student's code (overflow, divide by zero) out of the notebook."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        yield


ALARM_REPEAT_SECONDS = 0.05


class _TookTooLong(BaseException):
    """Raised inside the student's code when the time limit is up. A BaseException, so that an `except Exception`
    in the student's code cannot swallow it."""


@contextmanager
def _time_limit(seconds):
    """Stop the code inside the `with` after `seconds` by raising _TookTooLong in it.

    A notebook cell runs in the main thread, where a SIGALRM timer can interrupt even `while True: pass`. Elsewhere
    (another thread, or Windows, which has no SIGALRM) the code runs without a limit. The timer goes on firing every
    ALARM_REPEAT_SECONDS after the first stop; if the student's code swallowed that one (a bare `except:` in a loop),
    the next alarm also turns on line tracing, which raises again at the next line the student's code runs, the
    `except` clause included. Afterwards the previous handler, timer and tracer are put back; Ctrl-C
    (KeyboardInterrupt) is not touched.
    """
    if (not seconds or seconds <= 0 or not hasattr(signal, "setitimer")
            or threading.current_thread() is not threading.main_thread()):
        yield
        return
    alarms = 0
    traced_frames = []             # (frame, its tracer before), to undo
    previous_tracer = sys.gettrace()

    def stop_at_next_line(frame, event, arg):
        if event == "line" and frame.f_code.co_filename not in _CHECKER_FILES:
            raise _TookTooLong()
        return stop_at_next_line

    def on_alarm(signum, frame):
        nonlocal alarms
        alarms += 1
        if alarms > 1:   # the first stop was swallowed
            while frame is not None:
                traced_frames.append((frame, frame.f_trace))
                frame.f_trace = stop_at_next_line
                frame = frame.f_back
            sys.settrace(stop_at_next_line)
        raise _TookTooLong()

    previous_handler = signal.signal(signal.SIGALRM, on_alarm)
    previous_delay, previous_interval = signal.setitimer(signal.ITIMER_REAL, seconds, ALARM_REPEAT_SECONDS)
    try:
        yield
    finally:
        try:
            signal.setitimer(signal.ITIMER_REAL, 0)
        finally:
            signal.signal(signal.SIGALRM, previous_handler)
            if traced_frames:
                sys.settrace(previous_tracer)
                for frame, tracer in traced_frames:
                    frame.f_trace = tracer
            if previous_delay > 0:  # someone else's timer was running: let it go on
                signal.setitimer(signal.ITIMER_REAL, previous_delay, previous_interval)


# Code of the checker itself, where the line tracing of `_time_limit` must not stop (the stop is on its way out).
_CHECKER_FILES = {__file__, contextlib.__file__}


# The namespaces of the library and of NumPy as they were when the exercises were imported: module name -> a copy of
# its attributes. References and comparisons run with these (see `_library_as_shipped`).
_SHIPPED = {}
_WATCHED_MODULES = ("numpy", "numpy.linalg", "jax", "jax.numpy", "jax.nn")


def _remember_library():
    """Copy the namespaces of course_lib's modules (and NumPy's, JAX's) not yet remembered. Runs when an exercise is
    made, that is when its bank is imported: before the notebook's own code runs."""
    for name, module in list(sys.modules.items()):
        if name in _SHIPPED or not isinstance(module, types.ModuleType):
            continue
        if name in _WATCHED_MODULES or name == "course_lib" or name.startswith("course_lib."):
            _SHIPPED[name] = dict(vars(module))


_MISSING = object()


@contextmanager
def _library_as_shipped():
    """Run the reference and the comparison with the library as it was imported: anything the student's code
    replaced (`course_lib.network.dense = ...`, `np.isclose = ...`) is put back for the duration, then the student's
    version is restored, so the notebook behaves as the student left it."""
    replaced = []
    for name, shipped in _SHIPPED.items():
        module = sys.modules.get(name)
        if module is None:
            continue
        namespace = vars(module)
        for key, value in shipped.items():
            current = namespace.get(key, _MISSING)
            if current is not value:
                replaced.append((namespace, key, current))
                namespace[key] = value
    try:
        yield
    finally:
        for namespace, key, current in replaced:
            if current is _MISSING:
                namespace.pop(key, None)
            else:
                namespace[key] = current


def _caller_namespace():
    """The variables of the code that called the checker (in a notebook: the notebook's own variables), so that
    messages can name an exercise or a function the way the notebook does. Local names win over global ones."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename == __file__:
        frame = frame.f_back
    if frame is None:
        return {}
    namespace = dict(frame.f_locals)   # first, so that they are found first
    for key, value in frame.f_globals.items():
        namespace.setdefault(key, value)
    return namespace


def _name_in(namespace, value):
    """The name under which `namespace` holds `value` (or a module holding it, as `module.name`), or None."""
    for key, item in list(namespace.items()):
        if item is value and key.isidentifier() and not key.startswith("_"):
            return key
    for key, item in list(namespace.items()):
        if (isinstance(item, types.ModuleType) and key.isidentifier()
                and str(getattr(item, "__name__", "")).startswith("course_lib")):
            for attribute, held in list(vars(item).items()):
                if held is value and not attribute.startswith("_"):
                    return f"{key}.{attribute}"
    return None


# --------------------------------------------------------------------------------------------- the result


# status -> (colour, symbol). Okabe-Ito colours, safe for colour-blind readers; the symbol and the words carry the
# meaning on their own.
_LOOK = {
    "correct": ("#0072B2", "✔"),        # blue
    "close": ("#E69F00", "≈"),          # orange
    "wrong values": ("#D55E00", "✘"),   # vermillion
    "wrong shape": ("#D55E00", "✘"),
    "wrong type": ("#D55E00", "✘"),
    "raised": ("#D55E00", "⚠"),
    "changed its input": ("#D55E00", "✘"),
    "took too long": ("#D55E00", "⏱"),
    "not attempted": ("#767676", "○"),  # grey
}


@dataclass(frozen=True)
class CheckResult:
    """The verdict on one answer.

    name: the exercise; status: one of STATUSES; message: the full text shown to the student; hint: the specific
    hint of a recognised mistake, or None; input_index: the test input the message is about (from 0), or None.
    `passed` is True only for "correct". Printing or displaying the result shows the message.
    """
    name: str
    status: str
    message: str
    hint: str | None = None
    input_index: int | None = None

    @property
    def passed(self):
        return self.status == "correct"

    def __str__(self):
        return self.message

    __repr__ = __str__

    def _repr_html_(self):
        colour, symbol = _LOOK[self.status]
        first, _, rest = self.message.partition("\n")
        headline = f"{self.name}: {self.status}"
        if first.startswith(headline):  # show "name: status" in bold, the rest of the line after it
            first = f"<strong>{html.escape(headline)}</strong>{html.escape(first[len(headline):])}"
        else:
            first = f"<strong>{html.escape(self.status)}</strong>: {html.escape(first)}"
        details = f'<div style="white-space: pre-wrap; margin-top: 4px">{html.escape(rest)}</div>' if rest else ""
        return (f'<div role="status" style="border-left: 6px solid {colour}; background: #f7f7f7; color: #1a1a1a; '
                f'padding: 6px 10px; margin: 4px 0; font-family: sans-serif">'
                f'<span style="color: {colour}; font-weight: bold">{symbol}</span> {first}{details}</div>')


# ----------------------------------------------------------------------------------- shared by both kinds


class _BaseExercise:
    """Hints, `use` and validation, shared by function exercises and value exercises."""

    # What `use()` hands back instead of an unfinished answer, in words.
    _fallback_words = "course_lib's reference implementation"

    def __init__(self, name, hints, rtol, atol, compare, explanation):
        if not isinstance(name, str) or not name:
            raise TypeError(f"name must be a non-empty string, got {name!r}.")
        hints = list(hints or ())
        if len(hints) > MAX_HINTS or not all(isinstance(h, str) and h for h in hints):
            raise ValueError(f"{name}: give up to {MAX_HINTS} hints as non-empty strings, most general first; "
                             f"got {len(hints)}.")
        if not (rtol >= 0 and atol >= 0):
            raise ValueError(f"{name}: rtol and atol must be >= 0, got rtol={rtol}, atol={atol}.")
        if compare is not None and not callable(compare):
            raise TypeError(f"{name}: compare must be a function returning (ok, message), got {describe(compare)}.")
        self.name = name
        self.hints = hints
        self.rtol = rtol
        self.atol = atol
        self.compare = compare
        self.explanation = explanation
        self._hints_shown = 0
        self._last_verdict = None  # (answer, CheckResult) of the last check, for use()
        _remember_library()

    def check(self, answer):
        """Check `answer` and return a CheckResult. Never raises because of the answer, whatever it is, returns or
        raises (only KeyboardInterrupt goes through, so that the stop button still stops the cell)."""
        namespace = _caller_namespace()
        try:
            result = self._check(answer, namespace)
        except (KeyboardInterrupt, ExerciseDefinitionError):
            raise
        except BaseException as exc:  # noqa: BLE001 (an answer the comparison could not even read)
            result = self._result("wrong type", f"wrong type: could not read your answer "
                                  f"({_safe(describe_error, exc, type(exc).__name__)}). Return plain numbers or "
                                  "NumPy/JAX arrays of numbers.")
        self._last_verdict = (answer, result)
        return result

    def hint(self, number=None):
        """Print the next hint (1, then 2, then 3), or hint `number` if given. Hints go from general to specific."""
        print(self._hint_text(number))

    def _hint_text(self, number):
        total = len(self.hints)
        if total == 0:
            return f"{self.name} has no hints. Call .solution() to see the answer."
        if number is None:
            if self._hints_shown >= total:
                return (f"No more hints for {self.name}: you have seen all {total}. "
                        "Call .solution() if you want to see the answer.")
            number = self._hints_shown + 1
        if not isinstance(number, int) or not 1 <= number <= total:
            return f"{self.name} has hints 1 to {total}; there is no hint {number!r}."
        self._hints_shown = max(self._hints_shown, number)
        return f"Hint {number} of {total} for {self.name}: {self.hints[number - 1]}"

    def use(self, answer):
        """`answer` if it checks correct; otherwise say so in one line and return the reference instead.

        This keeps the notebook running top to bottom while an exercise is unfinished. When the last `check()` was
        of this same answer, its verdict is reused instead of running the check again.
        """
        last = self._last_verdict
        result = last[1] if last is not None and last[0] is answer else self.check(answer)
        if result.passed:
            return answer
        print(f"{self.name} is not finished yet ({result.status}): "
              f"the rest of this notebook uses {self._fallback_words}.")
        return self._fallback()

    def _result(self, status, text, hint=None, input_index=None, notes=()):
        message = f"{self.name}: {text}"
        if input_index is not None:
            message += f"\n{self._input_line(input_index)}"
        if hint:
            message += f"\nHint: {hint}"
        for note in notes:
            message += f"\nNote: {note}"
        return CheckResult(self.name, status, message, hint, input_index)

    def _input_line(self, index):
        """The line describing test input `index` (function exercises have inputs; value exercises do not)."""
        return ""

    def _custom_compare(self, got, expected, call=None):
        """Run the exercise's own `compare`. Returns (status, message): "correct", "wrong values", or "wrong type"
        when the comparison could not even read the answer (it raised)."""
        try:
            wants_call = call is not None and _accepts_three(self.compare)
            outcome = self.compare(got, expected, call) if wants_call else self.compare(got, expected)
            ok, message = outcome if isinstance(outcome, tuple) else (outcome, "")
            ok = bool(ok)
        except Exception as exc:  # noqa: BLE001 (usually the answer has a form the comparison cannot read)
            advice = " Did you forget to `return` the result?" if got is None else ""
            return "wrong type", f"could not check {with_article(describe(got))} ({describe_error(exc)}).{advice}"
        return ("correct" if ok else "wrong values"), (message or "")

    def _close_enough_to_say_close(self, errors):
        return all(not e.not_finite and e.relative_error < CLOSE_RELATIVE_ERROR for e in errors)


def _accepts_three(fn):
    """Whether `compare` takes (got, expected, args) rather than (got, expected)."""
    try:
        inspect.signature(fn).bind(None, None, None)
        return True
    except (TypeError, ValueError):  # ValueError: no signature; assume the documented two-argument form
        return False


# ------------------------------------------------------------------------------------ function exercises


class Exercise(_BaseExercise):
    """An exercise whose answer is a function, checked against the library's reference on random inputs.

    name: what the student is writing, e.g. "dense_layer" (used in every message).
    reference: course_lib's implementation; `solution()` shows its source.
    make_inputs: `rng -> list of test inputs` (rng is a seeded `numpy.random.Generator`); each input is a tuple of
        positional arguments, a dict of keyword arguments, an `Args(...)`, or one single argument. Include small and
        odd cases (one example, one feature) so that shape mistakes show.
    hints: up to 3 strings, from a gentle nudge to almost the answer.
    mistakes: `Mistake(wrong_fn, hint)`s. When the student's function behaves like `wrong_fn` on every input
        (same values, or the same error), the result carries that hint. The first matching mistake wins.
    rtol, atol: tolerance of the value comparison (as in `numpy.isclose`).
    seed: seed of the rng given to `make_inputs`.
    compare: optional `compare(got, expected)` or `compare(got, expected, args)` -> `(ok, message)` (or just ok),
        called per input instead of the built-in comparison (types, shapes and values), for answers that may
        differ from the reference (e.g. "any feature that makes the data separable"). `args` is that input's
        `Args` (`.args`, `.kwargs`). If `compare` raises, the answer is reported as "wrong type".
    explanation: optional text shown by `solution()` after the code.
    time_limit: seconds the student's function may take on all inputs together (None: TIME_LIMIT_SECONDS).
    shown_solution: optional function that `solution()` shows instead of the reference, when the reference only
        calls the library (`return library_mse(...)`): the same computation, written out. `self_test` checks it.

    >>> import numpy as np
    >>> square = Exercise("square", lambda x: x ** 2, lambda rng: [rng.normal(size=3)])
    >>> square.check(lambda x: x * x).status
    'correct'
    """

    def __init__(self, name, reference, make_inputs, hints=(), mistakes=(), rtol=1e-5, atol=1e-6, seed=0,
                 compare=None, explanation=None, time_limit=None, shown_solution=None):
        super().__init__(name, hints, rtol, atol, compare, explanation)
        if not callable(reference):
            raise TypeError(f"{name}: reference must be a function, got {describe(reference)}.")
        if not callable(make_inputs):
            raise TypeError(f"{name}: make_inputs must be a function rng -> list of inputs, "
                            f"got {describe(make_inputs)}.")
        self.reference = reference
        self.make_inputs = make_inputs
        self.mistakes = [_as_mistake(m, name) for m in mistakes]
        for mistake in self.mistakes:
            if not callable(mistake.wrong):
                raise TypeError(f"{name}: a Mistake of a function exercise needs a function, "
                                f"got {describe(mistake.wrong)}.")
        self.seed = seed
        if time_limit is not None and not (isinstance(time_limit, (int, float)) and time_limit > 0):
            raise ValueError(f"{name}: time_limit must be a number of seconds > 0, or None for TIME_LIMIT_SECONDS; "
                             f"got {time_limit!r}.")
        self.time_limit = time_limit  # None: TIME_LIMIT_SECONDS
        self.shown_solution = shown_solution
        self._cache = {}  # the inputs and the reference's and mistakes' outcomes, computed once, on first use
        self._module = _defining_module()

    @staticmethod
    def value(name, expected, hints=(), mistakes=None, rtol=1e-5, atol=1e-8, compare=None, explanation=None):
        """An exercise whose answer is a value (a number, an array, a string...): see `ValueExercise`."""
        return ValueExercise(name, expected, hints=hints, mistakes=mistakes, rtol=rtol, atol=atol, compare=compare,
                             explanation=explanation)

    def __repr__(self):
        return f"Exercise({self.name!r}, {len(self.hints)} hints, {len(self.mistakes)} known mistakes)"

    # ---- the test data

    def inputs(self):
        """The test inputs as `Args` (fresh copies). `exercise.inputs()[2].call(my_fn)` runs your function on #2."""
        return [call.copy() for call in self._inputs()]

    def _inputs(self):
        if "inputs" not in self._cache:
            try:
                items = list(self.make_inputs(np.random.default_rng(self.seed)))
            except Exception as exc:
                raise ExerciseDefinitionError(f"{self.name}: make_inputs raised {describe_error(exc)}") from exc
            if not items:
                raise ExerciseDefinitionError(f"{self.name}: make_inputs returned no inputs.")
            self._cache["inputs"] = [Args.from_item(item) for item in items]
        return self._cache["inputs"]

    def _outcomes(self, fn, time_limit=None):
        """`fn`'s outcome on every input (an output or a `_Raised`), and which arguments it changed in place, as
        `(input number, argument name, the argument as it was)`. `fn` runs on deep copies of the inputs. When
        `time_limit` (seconds, for all inputs together) runs out, the outcomes stop with `_TIMED_OUT`."""
        outcomes, changed = [], []
        with _quiet():
            try:
                with _time_limit(time_limit):
                    for i, call in enumerate(self._inputs()):
                        fresh = call.copy()
                        outcomes.append(_run(fn, fresh))
                        for (name, before), (_, after) in zip(call.named(self.reference),
                                                              fresh.named(self.reference)):
                            if not _safe(identical, before, False, after):
                                changed.append((i, name, before))
            except _TookTooLong:
                outcomes.append(_TIMED_OUT)
        return outcomes, changed

    def _expected(self):
        if "expected" not in self._cache:
            with _library_as_shipped():
                outcomes, _ = self._outcomes(self.reference)
            for i, outcome in enumerate(outcomes):
                if isinstance(outcome, _Raised):
                    raise ExerciseDefinitionError(f"{self.name}: the reference raised {outcome.describe()} on input "
                                                  f"#{i} ({self._inputs()[i].describe(self.reference)}).")
            self._cache["expected"] = outcomes
            _remember_library()   # modules the reference imported on first use, as they are before student code
        return self._cache["expected"]

    def _mistake_outcomes(self, index):
        key = ("mistake", index)
        if key not in self._cache:
            self._cache[key] = self._outcomes(self.mistakes[index].wrong)[0]
        return self._cache[key]

    def _matching_mistake(self, outcomes):
        for index, mistake in enumerate(self.mistakes):
            theirs = self._mistake_outcomes(index)
            if len(theirs) == len(outcomes) and all(_safe(lambda pair: _same_outcome(*pair, self.rtol, self.atol),
                                                          (a, b), False) for a, b in zip(theirs, outcomes)):
                return mistake
        return None

    # ---- checking

    def check(self, fn):
        """Run `fn` on every test input and compare it with the reference. Returns a CheckResult; never raises
        because of `fn` (only an exercise whose own reference is broken raises ExerciseDefinitionError)."""
        return super().check(fn)

    def _check(self, fn, namespace):
        if fn is None or fn is Ellipsis:
            return self._result("not attempted", "not attempted. Define your function and pass it to check().")
        if not callable(fn):
            return self._result("wrong type", f"wrong type (expected a function, got {with_article(describe(fn))}). "
                                "Pass the function itself, without calling it: check(my_fn), not check(my_fn()).")
        expected = self._expected()
        limit = TIME_LIMIT_SECONDS if self.time_limit is None else self.time_limit
        outcomes, changed = self._outcomes(fn, time_limit=limit)
        if outcomes and outcomes[-1] is _TIMED_OUT:
            i = len(outcomes) - 1
            return self._result("took too long", f"took too long: stopped after {limit:g} s, on input #{i}.",
                                _TOO_LONG_HINT.format(exercise=self._name_for(namespace),
                                                      seconds=max(30, round(3 * limit))), i)
        if any(isinstance(o, _Raised) and o.not_implemented for o in outcomes):
            return self._result("not attempted", "not attempted. Replace the `raise NotImplementedError()` line "
                                "with your code, then run this cell again.")
        with _library_as_shipped(), _quiet():
            verdict = self._verdict(expected, outcomes, self._rerun_text(namespace, fn))
            mistake = None if verdict.status == "correct" else self._matching_mistake(outcomes)
        notes = []
        if changed:
            i, name, value = changed[0]
            changed_text = f"your function changed its input `{name}` on input #{i}; build new arrays instead."
            if verdict.status == "correct":
                return self._result("changed its input", f"changed its input: {changed_text} The values it "
                                    "returned are right, but the caller's data must stay as it was.",
                                    _changed_input_hint(name, value), i)
            notes = [f"{changed_text} {_changed_input_hint(name, value)}"]
        hint = mistake.hint if mistake else verdict.hint
        if mistake and verdict.status == "close":  # a known mistake says more than "nearly right"
            return self._result("wrong values", verdict.text_if_mistake, hint, verdict.input_index, notes)
        return self._result(verdict.status, verdict.text, hint, verdict.input_index, notes)

    def _name_for(self, namespace):
        """How the notebook can refer to this exercise: its variable (`dense_exercise`, `exercises.mse_exercise`),
        else a form that works as typed, else words."""
        name = _name_in(namespace, self)
        if name:
            return name
        module = sys.modules.get(self._module or "")
        for attribute, value in (vars(module).items() if module else ()):
            if value is self:
                return f"__import__({self._module!r}, fromlist=['']).{attribute}"
        return "(this exercise)"

    def _rerun_text(self, namespace, fn):
        """`dense_exercise.inputs()[{i}].call(dense)`: how to run the student's function on one input, named as the
        notebook names things."""
        function = _name_in(namespace, fn)
        exercise = self._name_for(namespace)
        if function is None:   # a lambda, or a function the notebook holds under no name
            return f"{exercise}.inputs()[{{i}}].call(f), with your function as f"
        return f"{exercise}.inputs()[{{i}}].call({function})"

    def _input_line(self, i):
        return f"Input #{i}: {self._inputs()[i].describe(self.reference)}"

    def _verdict(self, expected, outcomes, rerun="(this exercise).inputs()[{i}].call(f), with your function as f"):
        """Compare the outcomes with the expected outputs, input by input: the first problem found decides.
        `rerun` says how to run the student's function on input {i} again (see `_rerun_text`)."""
        for i, outcome in enumerate(outcomes):
            if isinstance(outcome, _Raised):
                where = f" ({outcome.location})" if outcome.location else ""
                message = f": {outcome.message}" if outcome.message else ""
                end = "" if message.endswith((".", "!", "?")) else "."
                return _Verdict("raised", f"raised {outcome.error_type} on input #{i}{where}{message}{end} For the full "
                                f"traceback, run {rerun.format(i=i)}.", i,
                                hint=explain_error(outcome.error_type, outcome.message))
        for i, got in enumerate(outcomes):
            unreadable = _unreadable(got)
            if unreadable:
                return _Verdict("wrong type", f"wrong type on input #{i}: could not read your output as numbers "
                                f"({unreadable}).", i, hint=_UNREADABLE_HINT)
        on_all = {1: "on the test input", 2: "on both test inputs"}.get(len(outcomes),
                                                                      f"on all {len(outcomes)} test inputs")
        if self.compare is not None:  # the exercise's own comparison decides about type, shape and values
            for i, (e, got, call) in enumerate(zip(expected, outcomes, self._inputs())):
                status, message = self._custom_compare(got, e, call.copy())
                if status != "correct":
                    return _Verdict(status, f"{status} on input #{i}" + (f": {message}" if message else "."), i)
            return _Verdict("correct", f"correct. Your function passes the check {on_all}.")
        for i, (e, got) in enumerate(zip(expected, outcomes)):
            problem = structure_problem(e, got)
            if problem:
                at = "" if problem.path == "output" else f" at {problem.path}"
                advice = f" {problem.advice}" if problem.advice else ""
                return _Verdict(problem.status, f"{problem.status}{at} ({problem.detail}) on input #{i}.{advice}", i)
        errors = [value_errors(e, got, self.rtol, self.atol) for e, got in zip(expected, outcomes)]
        failing = [i for i, leaf_errors in enumerate(errors) if not all(err.ok for err in leaf_errors)]
        if not failing:
            return _Verdict("correct", f"correct. Your function matches the reference {on_all}.")
        worst_input = max(failing, key=lambda i: max(err.max_error for err in errors[i]))
        worst = max(errors[worst_input], key=lambda err: err.max_error)
        expected_text, got_text = format_pair(worst.expected_value, worst.got_value)
        at = f" Largest difference at {worst.where}: expected {expected_text}, got {got_text}."
        wrong = f"wrong values (max error {worst.max_error:.1e} on input #{worst_input}).{at}"
        if worst.not_finite:
            wrong += (" Your output has NaN or inf (not a number / infinity): look for 0/0, the log of 0 or a "
                      "negative number, or an overflowing exp.")
        all_errors = [err for leaf_errors in errors for err in leaf_errors]
        if self._close_enough_to_say_close(all_errors):
            close = (f"close, but max error {worst.max_error:.1e} on input #{worst_input} is above the "
                     f"tolerance (rtol={self.rtol:g}, atol={self.atol:g}).{at} Check for a rounded constant "
                     "(3.14 instead of np.pi), an extra small term such as an epsilon, or a slightly different "
                     "formula.")
            return _Verdict("close", close, worst_input, text_if_mistake=wrong)
        return _Verdict("wrong values", wrong, worst_input)

    def _fallback(self):
        return self.reference

    def solution(self):
        """Print the reference implementation's source (only when you ask for it), or, when the reference only
        calls the library, the same computation written out (`shown_solution`)."""
        shown = self.shown_solution or self.reference
        try:
            source = textwrap.dedent(inspect.getsource(shown)).rstrip()
        except (OSError, TypeError):
            source = f"(the source of {describe(shown)} is not available)"
        if shown is not self.reference:  # shown under the name the student writes (`def mse`, not `def mse_written_out`)
            source = source.replace(f"def {shown.__name__}(", f"def {self.reference.__name__}(", 1)
        origin = ("course_lib's implementation" if shown is self.reference else
                  "written out; the checker compares with course_lib's own, which computes the same")
        print(f"Reference solution for {self.name} ({origin}):\n\n{source}")
        if self.explanation:
            print(f"\n{self.explanation}")

    def self_test(self):
        """For bank authors: raise ExerciseDefinitionError unless the reference checks "correct", a stub checks
        "not attempted", and every mistake is caught with its own hint. Call it in a unit test."""
        problems = []
        result = self.check(self.reference)
        if result.status != "correct":
            problems.append(f"the reference itself checks as {result.status!r}: {result.message}")

        def stub(*args, **kwargs):
            raise NotImplementedError()
        if self.check(stub).status != "not attempted":
            problems.append("a stub raising NotImplementedError is not reported as 'not attempted'")
        if self.shown_solution is not None and not self.check(self.shown_solution).passed:
            problems.append(f"the shown solution checks as {self.check(self.shown_solution).status!r}")
        for mistake in self.mistakes:
            result = self.check(mistake.wrong)
            if result.passed or result.hint != mistake.hint:
                problems.append(f"the mistake with hint {mistake.hint!r} is reported as {result.status!r} with "
                                f"hint {result.hint!r} (same outputs as the reference or an earlier mistake?)")
        if problems:
            raise ExerciseDefinitionError(f"{self.name}: " + "; ".join(problems))


@dataclass(frozen=True)
class _Verdict:
    """What the comparison found, before looking for a matching mistake. `text_if_mistake` replaces the text of a
    "close" verdict when the answer turns out to be a known mistake; `hint` explains a raw error (see
    `compare.explain_error`) when no known mistake matches."""
    status: str
    text: str
    input_index: int | None = None
    text_if_mistake: str | None = None
    hint: str | None = None


# An outcome that stopped at the time limit (see `_time_limit`).
_TIMED_OUT = object()

_TOO_LONG_HINT = ("Look for a loop that never ends (a `while` whose condition never becomes False, a loop that "
                  "changes the list it walks through), or a Python loop over every element of a big array: NumPy's "
                  "whole-array operations (x @ w, np.sum, np.where) are much faster. If your computer is just slow, "
                  "allow more time: {exercise}.time_limit = {seconds}.")

_UNREADABLE_HINT = ("Return NumPy or JAX arrays (or plain numbers). A PyTorch tensor becomes one with "
                    "`.detach().numpy()`; a list of arrays with np.stack or np.array.")


def _unreadable(value):
    """Why the arrays in `value` (a pytree) cannot be read as NumPy arrays, or "" if they can: an array-like whose
    `__array__` raises, a tensor that requires grad, ..."""
    if isinstance(value, dict):
        return next((problem for item in list(value.values()) if (problem := _unreadable(item))), "")
    if isinstance(value, (list, tuple)):
        return next((problem for item in value if (problem := _unreadable(item))), "")
    if hasattr(type(value), "__array__") and not isinstance(value, (np.ndarray, np.generic)):
        try:
            np.shape(value)
            np.asarray(value)
        except Exception as exc:  # noqa: BLE001
            return _safe(describe_error, exc, type(exc).__name__)
    return ""


def _changed_input_hint(name, value):
    """How to avoid changing an argument, in words that fit its kind (an array, or a list / dict holding arrays)."""
    if isinstance(value, (list, tuple, dict)):
        kind = "dict" if isinstance(value, dict) else type(value).__name__
        return (f"`{name}.copy()` copies only the outer {kind}: the dicts and arrays inside are still the caller's. "
                f"Build new ones instead, for a list of layers `[{{\"W\": layer[\"W\"] - ..., \"b\": layer[\"b\"] "
                f"- ...}} for layer in {name}]`, and write `W = W - step`, not `W -= step` (which changes the array "
                f"in place), nor `layer[\"W\"] = ...` on the caller's dict.")
    return (f"`{name} -= ...`, `{name} += ...` and `{name}[i] = ...` change the caller's array. Write "
            f"`{name} = {name} - ...`, which makes a new array, or start with `{name} = {name}.copy()`.")


def _defining_module():
    """The name of the module whose code creates an exercise (its bank), found by walking out of this file."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename == __file__:
        frame = frame.f_back
    return frame.f_globals.get("__name__") if frame is not None else None


def _answer_text(answer):
    """A typed-in answer, shown back: numbers and short vectors in full (`[2, 1]`), bigger arrays described."""
    if is_array(answer) and np.ndim(answer) == 1 and np.size(answer) <= 8 and answer.dtype.kind in "biufc":
        return "[" + ", ".join(format_number(v) for v in np.asarray(answer).tolist()) + "]"
    return describe(answer)


def _lists_as_arrays(expected, answer):
    """A typed-in list of numbers counts as an array when the answer is an array (`[0.5, 1.0]` for a vector)."""
    if is_array(expected) and isinstance(answer, (list, tuple)):
        try:
            as_array = np.asarray(answer)
        except (ValueError, TypeError):  # ragged or mixed lists stay lists, and are reported as such
            return answer
        if as_array.dtype.kind in "biufc":
            return as_array
    return answer


def _as_mistake(item, name):
    if isinstance(item, Mistake):
        return item
    if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], str):
        return Mistake(*item)
    raise TypeError(f"{name}: mistakes must be Mistake(wrong, hint) objects, got {describe(item)}.")


def _same_outcome(a, b, rtol, atol):
    """Two outcomes agree: both raised the same error, or both returned values that agree within tolerance."""
    if isinstance(a, _Raised) or isinstance(b, _Raised):
        return isinstance(a, _Raised) and a.same_as(b)
    return agree(a, b, rtol, atol)


# --------------------------------------------------------------------------------------- value exercises


class ValueExercise(_BaseExercise):
    """An exercise whose answer is a value: a number, an array, a string, or a pytree of those.

    expected: the right answer (also what `use()` returns while the exercise is unfinished).
    mistakes: `{wrong_value: hint}`, or a list of `Mistake(wrong_value, hint)` for arrays (not usable as dict keys).
    compare: optional `compare(answer, expected) -> (ok, message)` (or just ok) replacing the built-in comparison,
        e.g. for "any value between 0.1 and 0.5"; `expected` may then be None.
    An answer of None or `...` counts as not attempted; a list of numbers counts as an array. Messages never
    reveal the expected value.

    >>> flops = ValueExercise("flops", 2 * 3 * 4, mistakes={12: "Count the additions too."})
    >>> flops.check(...).status, flops.check(12).hint, flops.check(24).passed
    ('not attempted', 'Count the additions too.', True)
    """

    _fallback_words = "the correct answer"

    def __init__(self, name, expected, hints=(), mistakes=None, rtol=1e-5, atol=1e-8, compare=None,
                 explanation=None):
        super().__init__(name, hints, rtol, atol, compare, explanation)
        if isinstance(mistakes, dict):
            mistakes = [Mistake(wrong, hint) for wrong, hint in mistakes.items()]
        self.mistakes = [_as_mistake(m, name) for m in (mistakes or ())]
        self.expected = expected

    def __repr__(self):
        return f"ValueExercise({self.name!r}, {len(self.hints)} hints, {len(self.mistakes)} known mistakes)"

    def check(self, answer):
        """Compare `answer` with the expected value. Returns a CheckResult; never raises."""
        return super().check(answer)

    def _check(self, answer, namespace):
        if answer is None or answer is Ellipsis:
            return self._result("not attempted", "not attempted. Replace the `...` with your answer.")
        answer = _lists_as_arrays(self.expected, answer)
        unreadable = _unreadable(answer)
        if unreadable:
            return self._result("wrong type", f"wrong type: could not read your answer as numbers ({unreadable}).",
                                _UNREADABLE_HINT)
        mistake = next((m for m in self.mistakes if _safe(lambda m: agree(m.wrong, answer, self.rtol, self.atol),
                                                          m, False)), None)
        hint = mistake.hint if mistake else None
        wrong = f"wrong values: {_answer_text(answer)} is not the answer."
        if self.compare is not None:  # the exercise's own comparison decides about type, shape and values
            status, message = self._custom_compare(answer, self.expected)
            if status == "correct":
                return self._result("correct", "correct." + (f" {message}" if message else ""))
            if status == "wrong type":
                return self._result("wrong type", f"wrong type: {message}", hint)
            return self._result("wrong values", wrong + (f" {message}" if message else ""), hint)
        problem = structure_problem(self.expected, answer, "your answer")
        if problem:
            at = "" if problem.path == "your answer" else f" at {problem.path}"
            advice = f" {problem.advice}" if problem.advice else ""
            return self._result(problem.status, f"{problem.status}{at} ({problem.detail}).{advice}", hint)
        errors = value_errors(self.expected, answer, self.rtol, self.atol)
        if all(e.ok for e in errors):
            return self._result("correct", "correct.")
        if mistake is None and self._close_enough_to_say_close(errors):
            return self._result("close", f"close, but {_answer_text(answer)} is not within the tolerance "
                                f"(rtol={self.rtol:g}, atol={self.atol:g}). Check your arithmetic once more.")
        return self._result("wrong values", wrong, hint)

    def _fallback(self):
        return copy.deepcopy(self.expected)

    def solution(self):
        """Print the answer (only when you ask for it)."""
        expected = self.expected.item() if isinstance(self.expected, np.generic) else self.expected
        print(f"The answer to {self.name} is {expected!r}.")
        if self.explanation:
            print(f"\n{self.explanation}")

    def self_test(self):
        """For bank authors: the expected value checks "correct", `...` "not attempted", each mistake its hint."""
        problems = []
        has_expected = self.expected is not None and self.expected is not Ellipsis  # None: `compare` decides alone
        if has_expected and not self.check(self.expected).passed:
            problems.append(f"the expected value checks as {self.check(self.expected).status!r}")
        if self.check(...).status != "not attempted":
            problems.append("`...` is not reported as 'not attempted'")
        for mistake in self.mistakes:
            result = self.check(mistake.wrong)
            if result.passed or result.hint != mistake.hint:
                problems.append(f"the mistake {describe(mistake.wrong)} is reported as {result.status!r} with hint "
                                f"{result.hint!r}")
        if problems:
            raise ExerciseDefinitionError(f"{self.name}: " + "; ".join(problems))

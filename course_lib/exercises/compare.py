"""Comparing an answer with the expected one, and describing values in words.

The checker (`checker.py`) uses these helpers to turn "these two outputs differ" into a sentence a student can
act on. Outputs may be any *pytree*: a number, a NumPy or JAX array, or tuples, lists and dicts of those (for
example a list of {"W", "b"} dicts). Comparison happens in two steps:

1. `structure_problem(expected, got)`: is `got` the same kind of thing with the same shapes? If not, it returns a
   `Problem` whose status is "wrong type" or "wrong shape".
2. `value_errors(expected, got, rtol, atol)`: for outputs with the right structure, how far apart are the numbers,
   leaf by leaf?

>>> import numpy as np
>>> structure_problem(np.zeros((4, 3)), np.zeros((3, 4))).detail
'expected (4, 3), got (3, 4)'
>>> [error.ok for error in value_errors({"W": np.ones(2)}, {"W": np.ones(2) + 1e-9}, rtol=1e-5, atol=1e-6)]
[True]
"""
import math
import numbers
import re
from dataclasses import dataclass

import numpy as np

# How long a description of one value may get before it is cut (messages stay one readable line).
MAX_DESCRIPTION = 60


# --------------------------------------------------------------------------------------------- what is what


def is_array(x):
    """True for NumPy and JAX arrays (anything array-like with a shape and dtype), False for NumPy scalars."""
    if isinstance(x, np.generic):
        return False
    return isinstance(x, np.ndarray) or (hasattr(x, "__array__") and hasattr(x, "shape") and hasattr(x, "dtype"))


def is_number(x):
    """True for Python and NumPy numbers (bool, int, float, complex), False for strings and arrays."""
    if isinstance(x, np.generic):
        return x.dtype.kind in "biufc"
    return isinstance(x, numbers.Number)


def is_numeric(x):
    """A number or an array: something whose values can be compared with a tolerance."""
    return is_number(x) or is_array(x)


# ------------------------------------------------------------------------------------------ values in words


def format_number(x):
    """A short, stable rendering of a number: `0.5312`, `-3`, `1.2e-07`, `nan`."""
    if isinstance(x, (bool, np.bool_)):
        return str(bool(x))
    if isinstance(x, (numbers.Integral, np.integer)):
        return str(int(x))
    if isinstance(x, (numbers.Complex, np.complexfloating)) and not isinstance(x, (numbers.Real, np.floating)):
        return f"{complex(x):.4g}"
    return f"{float(x):.4g}"


def format_pair(expected, got):
    """Two numbers with just enough digits to see that they differ: `('-1.26812', '-1.26822')`."""
    if not all(isinstance(v, (int, float)) for v in (expected, got)):
        return format_number(expected) if is_number(expected) else describe(expected), \
            format_number(got) if is_number(got) else describe(got)
    for digits in range(4, 13):
        pair = f"{expected:.{digits}g}", f"{got:.{digits}g}"
        if pair[0] != pair[1]:
            return pair
    return pair


def format_shape(shape):
    """`(4, 3)`, and `()` for a single number."""
    return str(tuple(int(n) for n in shape))


def _shorten(text, limit=MAX_DESCRIPTION):
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _keys(d):
    return ", ".join(_shorten(repr(key), 20) for key in d)


def _count(n, noun):
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def with_article(description):
    """`a list of 3 numbers`, `an int64 array of shape (2,)`; numbers and None stay as they are."""
    if description[:1].isalpha() and description != "None" and not description.startswith("function"):
        return ("an " if description[0] in "aeiou" else "a ") + description
    return description


def describe(x):
    """Describe a value in a few words, without printing a whole array.

    >>> import numpy as np
    >>> describe(np.zeros((4, 3), dtype=np.float32))
    'float32 array of shape (4, 3)'
    >>> describe([{"W": 1, "b": 2}, {"W": 3, "b": 4}])
    "list of 2 dicts with keys 'W', 'b'"
    >>> describe(0.30000001)
    '0.3'
    """
    if x is None:
        return "None"
    if is_array(x):
        if x.shape == ():
            return f"{x.dtype} array holding the single number {format_number(np.asarray(x)[()])}"
        return f"{x.dtype} array of shape {format_shape(x.shape)}"
    if is_number(x):
        return format_number(x)
    if isinstance(x, str):
        return _shorten(repr(x))
    if isinstance(x, dict):
        return f"dict with keys {_keys(x)}" if x else "empty dict"
    if isinstance(x, (list, tuple)):
        kind = "tuple" if isinstance(x, tuple) else "list"
        if not x:
            return f"empty {kind}"
        if all(isinstance(item, dict) for item in x) and len({tuple(item) for item in x}) == 1:
            return f"{kind} of {_count(len(x), 'dict')} with keys {_keys(x[0])}"
        if all(is_number(item) for item in x):
            if len(x) <= 8:
                numbers_text = ", ".join(format_number(item) for item in x)
                return f"{kind} [{numbers_text}]" if kind == "list" else f"{kind} ({numbers_text})"
            return f"{kind} of {_count(len(x), 'number')}"
        return f"{kind} of length {len(x)}"
    if callable(x):
        return f"function {getattr(x, '__name__', type(x).__name__)}"
    return f"{type(x).__name__} object"


def describe_sequence(x):
    """A list or tuple by its length (and its dicts' keys), never by its values: `tuple of length 2`."""
    kind = "tuple" if isinstance(x, tuple) else "list"
    if x and all(isinstance(item, dict) for item in x) and len({tuple(item) for item in x}) == 1:
        return f"{kind} of {_count(len(x), 'dict')} with keys {_keys(x[0])}"
    return f"{kind} of length {len(x)}"


def describe_expected(x):
    """What kind of thing `x` is, phrased as an expectation ("a float32 array of shape (4, 3)")."""
    if is_array(x) and x.shape != ():
        return f"an array of shape {format_shape(x.shape)}"
    if is_numeric(x):
        return "a single number"
    if isinstance(x, dict):
        return f"a dict with keys {_keys(x)}"
    if isinstance(x, (list, tuple)):
        return with_article(describe_sequence(x))
    if x is None:
        return "None"
    return f"a {type(x).__name__}"


def error_text(exc):
    """An exception's message: its first two lines, at most 200 characters, without memory addresses (stable)."""
    text = " ".join(str(exc).strip().splitlines()[:2])
    return _shorten(re.sub(r" at 0x[0-9a-fA-F]+", "", text), 200)


def describe_error(exc):
    """`ZeroDivisionError: division by zero`."""
    text = error_text(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


# ------------------------------------------------------------------------------------------------ structure


@dataclass(frozen=True)
class Problem:
    """Why `got` cannot be compared value by value with `expected`.

    status: "wrong type" or "wrong shape"; path: where in the output ("output[0]['W']"); detail: "expected ..., got
    ..."; advice: one extra sentence for a common cause, or "".
    """
    status: str
    path: str
    detail: str
    advice: str = ""


def structure_problem(expected, got, path="output"):
    """The first place where `got` differs from `expected` in kind, length, keys or shape; None if they match.

    Lists and tuples count as the same kind (returning `[W, b]` for `(W, b)` is fine); float32 and float64 too.
    """
    if isinstance(expected, dict):
        if not isinstance(got, dict):
            return _wrong_type(expected, got, path)
        if set(got) != set(expected):
            return Problem("wrong type", path, f"expected keys {_keys(expected)}, got keys {_keys(got)}")
        for key in expected:
            problem = structure_problem(expected[key], got[key], f"{path}[{key!r}]")
            if problem:
                return problem
        return None
    if isinstance(expected, (list, tuple)):
        if not isinstance(got, (list, tuple)) or len(got) != len(expected):
            return _wrong_type(expected, got, path)
        for i, (expected_item, got_item) in enumerate(zip(expected, got)):
            problem = structure_problem(expected_item, got_item, f"{path}[{i}]")
            if problem:
                return problem
        return None
    if is_numeric(expected):
        if not is_numeric(got):
            return _wrong_type(expected, got, path)
        got_shape, expected_shape = np.shape(got), np.shape(expected)
        if np.asarray(got).dtype.kind not in "biufc":
            return Problem("wrong type", path, f"expected numbers, got an array of dtype {np.asarray(got).dtype}")
        if got_shape != expected_shape:
            return Problem("wrong shape", path, _shape_detail(expected_shape, got_shape))
        return None
    if expected is None:
        return None if got is None else _wrong_type(expected, got, path)
    if not isinstance(got, type(expected)):
        return _wrong_type(expected, got, path)
    return None


def _shape_detail(expected_shape, got_shape):
    if expected_shape == ():
        return f"expected a single number, got shape {format_shape(got_shape)}"
    if got_shape == ():
        return f"expected {format_shape(expected_shape)}, got a single number"
    return f"expected {format_shape(expected_shape)}, got {format_shape(got_shape)}"


def _wrong_type(expected, got, path):
    advice = ""
    if got is None:
        advice = "Did you forget to `return` the result?"
    elif is_numeric(expected) and isinstance(got, (list, tuple)):
        advice = "Return an array (for example with np.asarray(...) or array operations), not a Python list."
    both_sequences = isinstance(expected, (list, tuple)) and isinstance(got, (list, tuple))
    got_text = with_article(describe_sequence(got) if both_sequences else describe(got))
    return Problem("wrong type", path, f"expected {describe_expected(expected)}, got {got_text}", advice)


# --------------------------------------------------------------------------------------------------- values


@dataclass(frozen=True)
class LeafError:
    """How one leaf (one array or number) of the output compares with the expected one.

    ok: within tolerance. max_error: largest absolute difference (inf when `got` has a NaN or inf that `expected`
    has not). relative_error: max_error divided by the expected values' size. where: the output path with the
    element's index; expected_value, got_value: that element, for the message. not_finite: `got` has NaN/inf there.
    """
    ok: bool
    max_error: float = 0.0
    relative_error: float = 0.0
    where: str = ""
    expected_value: object = None
    got_value: object = None
    not_finite: bool = False


def paired_leaves(expected, got, path="output"):
    """Walk two pytrees of the same structure together, yielding `(path, expected_leaf, got_leaf)`."""
    if isinstance(expected, dict):
        for key in expected:
            yield from paired_leaves(expected[key], got[key], f"{path}[{key!r}]")
    elif isinstance(expected, (list, tuple)):
        for i, (expected_item, got_item) in enumerate(zip(expected, got)):
            yield from paired_leaves(expected_item, got_item, f"{path}[{i}]")
    else:
        yield path, expected, got


def value_errors(expected, got, rtol, atol):
    """One LeafError per leaf. Call only when `structure_problem(expected, got)` is None."""
    return [_leaf_error(path, e, g, rtol, atol) for path, e, g in paired_leaves(expected, got)]


def _leaf_error(path, expected, got, rtol, atol):
    if not is_numeric(expected):
        try:
            ok = bool(got == expected)
        except Exception:  # an object whose == cannot give one True/False
            ok = False
        return LeafError(ok, where=path, expected_value=expected, got_value=got,
                         max_error=0.0 if ok else math.inf, relative_error=0.0 if ok else math.inf)
    as_type = np.complex128 if np.iscomplexobj(expected) or np.iscomplexobj(got) else np.float64
    e = np.asarray(expected).astype(as_type)
    g = np.asarray(got).astype(as_type)
    with np.errstate(all="ignore"):
        bad = ~np.isclose(g, e, rtol=rtol, atol=atol, equal_nan=True)
        if not bad.any():
            return LeafError(True, where=path)
        difference = np.where(bad, np.abs(g - e), 0.0)
    difference = np.where(np.isnan(difference), np.inf, difference)
    index = np.unravel_index(int(np.argmax(difference)), difference.shape)
    max_error = float(difference[index])
    finite_expected = np.abs(e[np.isfinite(e)])
    scale = max(float(finite_expected.max()) if finite_expected.size else 0.0, atol, 1e-12)
    where = path if e.ndim == 0 else f"{path}[{', '.join(str(int(i)) for i in index)}]"
    not_finite = bool(np.any(~np.isfinite(g) & np.isfinite(e)))
    return LeafError(False, max_error, max_error / scale, where, e[index].item(), g[index].item(), not_finite)


def agree(a, b, rtol, atol):
    """True if `b` has the structure of `a` and all its values are within tolerance."""
    return structure_problem(a, b) is None and all(error.ok for error in value_errors(a, b, rtol, atol))


def identical(a, b):
    """Exactly equal, array by array (NaN equals NaN). Used to notice a function that changed its inputs.

    Values of other types (functions, objects) count as unchanged: there is no reliable way to compare them.
    """
    if isinstance(a, dict):
        return isinstance(b, dict) and set(a) == set(b) and all(identical(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return (isinstance(b, type(a)) and len(a) == len(b)
                and all(identical(x, y) for x, y in zip(a, b)))
    if is_numeric(a):
        if not is_numeric(b) or np.shape(a) != np.shape(b):
            return False
        a, b = np.asarray(a), np.asarray(b)
        return bool(np.array_equal(a, b, equal_nan=a.dtype.kind in "fc" and b.dtype.kind in "fc"))
    if isinstance(a, str) or a is None:
        return a == b
    return True


# ------------------------------------------------------------------------------------------- raw errors, explained

# Errors NumPy raises for common beginner mistakes, with advice that is often beside the point ("use a.any() or
# a.all()"): (words in the message, what it means here).
_KNOWN_ERRORS = [
    ("truth value of an array",
     "Python's `if`, `and`, `or` and `not` need ONE True/False, but a comparison of arrays such as `z > 0` gives one "
     "per element. To choose element by element, use np.where(condition, a, b); to combine conditions, use & and | "
     "(with brackets: (a > 0) & (b > 0)). NumPy's advice (a.any() or a.all()) is rarely what you want here."),
    ("gufunc signature",
     "The two sides of `@` do not fit: in `a @ b`, the last axis of a must be as long as the first axis of b. Look at "
     "the shapes of the arguments (the line 'Input #...' above). In this course x has one row per example and W has "
     "shape (n_in, n_out), so a layer is `x @ W`, not `W @ x`; a transpose `.T` swaps the two axes."),
    ("matmul: Input operand",
     "The two sides of `@` do not fit: in `a @ b`, the last axis of a must be as long as the first axis of b. Look at "
     "the shapes of the arguments (the line 'Input #...' above)."),
    ("could not be broadcast together",
     "An element-by-element operation (+, -, *, /) got two arrays whose shapes do not fit together. NumPy lines "
     "shapes up from the right: (5, 3) and (3,) fit, (5, 3) and (5,) do not. Check each array's .shape."),
    ("arrays can be converted to Python scalars", "A function for single numbers (math.exp, float, int) got a whole "
     "array. Use NumPy's version, which works element by element (np.exp instead of math.exp)."),
    ("can only convert an array of size 1", "A function for single numbers (math.exp, float, int) got a whole "
     "array. Use NumPy's version, which works element by element (np.exp instead of math.exp)."),
]


def explain_error(error_type, message):
    """What a common raw NumPy error means, in words a beginner can act on; None for other errors.

    >>> explain_error("ValueError", "The truth value of an array with more than one element is ambiguous.")[:31]
    "Python's `if`, `and`, `or` and "
    """
    for words, meaning in _KNOWN_ERRORS:
        if words in (message or ""):
            return meaning
    return None

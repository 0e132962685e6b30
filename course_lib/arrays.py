"""Small helpers that let one function serve NumPy arrays and JAX arrays alike, and a check for broken data.

>>> import numpy as np
>>> array_module(np.zeros(2)) is np
True
>>> is_traced(np.zeros(2))
False
>>> check_finite(np.array([[1.0, 2.0], [3.0, np.nan]]), "x")
Traceback (most recent call last):
    ...
ValueError: x holds 1 NaN in 1 of its 2 rows (the first is row 1), in column 1. ...
"""
import sys

import numpy as np


def array_module(x):
    """The library an array belongs to: `numpy` for NumPy arrays (and Python numbers), `jax.numpy` for JAX arrays."""
    if hasattr(x, "__array_namespace__"):
        return x.__array_namespace__()
    return np


def is_traced(x):
    """True while JAX traces `x` (inside `jax.jit`, `jax.grad` of that argument, `vmap`...): its values are not known
    yet, only its shape and dtype. Checks of *values* (label ranges, NaN) must skip such arrays; checks of shapes
    still work.

    JAX is not imported for this: if nobody has imported it, nothing can be a tracer.
    """
    jax = sys.modules.get("jax")
    return jax is not None and isinstance(x, jax.core.Tracer)


def _some(numbers, most=5):
    """`[0, 3, 9]` as "0, 3, 9"; a long list as its first few and how many more."""
    shown = ", ".join(str(int(n)) for n in numbers[:most])
    return shown + (f" and {len(numbers) - most} more" if len(numbers) > most else "")


def check_finite(values, name="x"):
    """Raise a ValueError if `values` holds NaN or ±inf, saying how many, in which rows and columns.

    Such values are a problem of the *data*, not of training: a network fed one NaN has a NaN loss from its first
    step, whatever the learning rate. The message says so, and how to drop the rows. Checks concrete arrays (NumPy,
    or JAX outside `jax.jit`); a traced array has no values yet and passes unchecked.
    """
    if is_traced(values):
        return
    array = np.asarray(values)
    if not (np.issubdtype(array.dtype, np.number) or array.dtype == bool):
        raise ValueError(f"{name} must hold numbers; got an array of dtype {array.dtype}. "
                         f"Convert it first, e.g. {name} = np.asarray({name}, dtype=np.float32).")
    if not np.issubdtype(array.dtype, np.inexact):
        return                                      # integers and booleans cannot be NaN or infinite
    broken = ~np.isfinite(array)
    if not broken.any():
        return
    n_nan = int(np.isnan(array).sum())
    n_inf = int(broken.sum()) - n_nan
    what = " and ".join(part for part in (f"{n_nan} NaN" if n_nan else "",
                                          f"{n_inf} infinite value{'s' if n_inf > 1 else ''}" if n_inf else "") if part)
    if array.ndim == 0:
        raise ValueError(f"{name} is {array.item()}: it must be a finite number.")
    rows = np.flatnonzero(broken.reshape(len(array), -1).any(axis=1))
    where = f"in {len(rows)} of its {len(array)} rows (the first is row {rows[0]})"
    keep = f"np.isfinite({name})"
    if array.ndim == 2:
        columns = np.flatnonzero(broken.any(axis=0))
        where += f", in column{'s' if len(columns) > 1 else ''} {_some(columns)}"
        keep += ".all(axis=1)"
    raise ValueError(f"{name} holds {what} {where}. That is the data, not the training: no learning rate can fix "
                     f"it. Find where those values come from, or keep only the rows without them: "
                     f"keep = {keep}, then use x[keep] and y[keep].")


def erf(x):
    """The error function, for NumPy or JAX arrays (NumPy has none of its own; SciPy does)."""
    if array_module(x) is np:
        from scipy.special import erf as scipy_erf

        return scipy_erf(x)
    import jax.scipy.special

    return jax.scipy.special.erf(x)

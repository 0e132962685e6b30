"""Small helpers that let one function serve NumPy arrays and JAX arrays alike.

>>> import numpy as np
>>> array_module(np.zeros(2)) is np
True
"""
import numpy as np


def array_module(x):
    """The library an array belongs to: `numpy` for NumPy arrays (and Python numbers), `jax.numpy` for JAX arrays."""
    if hasattr(x, "__array_namespace__"):
        return x.__array_namespace__()
    return np


def erf(x):
    """The error function, for NumPy or JAX arrays (NumPy has none of its own; SciPy does)."""
    if array_module(x) is np:
        from scipy.special import erf as scipy_erf

        return scipy_erf(x)
    import jax.scipy.special

    return jax.scipy.special.erf(x)

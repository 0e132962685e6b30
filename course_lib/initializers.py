"""Starting weights for a multi-layer perceptron.

Parameters are a plain list with one `{"W": (n_in, n_out), "b": (n_out,)}` dict per layer,
so a layer computes `x @ W + b`.

The weights are drawn with NumPy from the seed (as JAX's own example `mnist_classifier_fromscratch.py` does):
NumPy draws a few thousand normal numbers in microseconds, while JAX's random functions compile a small
program for every new layer shape the first time they see it, which made a student wait seconds for the
first cell of every notebook. Training converts the arrays to JAX arrays when it starts.

>>> params = init_mlp([2, 3, 1], seed=0)
>>> [layer["W"].shape for layer in params]
[(2, 3), (3, 1)]

`activation_stds` shows why the scale matters (notebook 03's initialisation lesson):

>>> x = np.random.default_rng(0).normal(size=(500, 100))
>>> he = init_mlp([100] + [100] * 10 + [1], seed=0, init="he")
>>> stds = activation_stds(he, x, "relu")
>>> len(stds), bool(0.5 < stds[-1] / stds[0] < 2)        # ten hidden layers; the spread stays about level
(10, True)
>>> too_large = [{"W": 2 * layer["W"], "b": layer["b"]} for layer in he]
>>> bool(activation_stds(too_large, x, "relu")[-1] > 100 * stds[-1])   # twice He: doubles at every layer
True
"""
import math
import numbers

import numpy as np
import numpy.random  # noqa: F401  (loaded here, with the module, not by the first init_mlp call)

from course_lib.activations import get_activation

INITS = ("he", "glorot", "xavier", "normal", "zeros")

# A network whose weights need more memory than this is refused before anything is allocated: it is almost
# always a typo (a layer of 10**6 units), and the allocation would fail much later with a cryptic message.
MAX_PARAMETERS = 50_000_000


def weight_scale(init, n_in, n_out):
    """The standard deviation of the starting weights of a layer with n_in inputs and n_out outputs.

    He keeps the variance of ReLU activations steady from layer to layer (only about half the units fire, so
    the variance is doubled back: 2 / n_in); Glorot/Xavier balances the forward and the backward pass for
    tanh/sigmoid-like units (2 / (n_in + n_out)).

    >>> weight_scale("he", 50, 10)
    0.2
    """
    if init == "he":
        return math.sqrt(2.0 / n_in)
    if init in ("glorot", "xavier"):
        return math.sqrt(2.0 / (n_in + n_out))
    if init == "normal":
        return 1.0
    return 0.0  # zeros


def check_layer_sizes(layer_sizes):
    """The layer sizes as a list of ints, or a ValueError that says what is wrong and how to write it."""
    if isinstance(layer_sizes, (str, bytes)) or not hasattr(layer_sizes, "__iter__"):
        raise ValueError(f"layer_sizes must be a list of whole numbers such as [2, 8, 1]; got {layer_sizes!r}.")
    sizes = list(layer_sizes)
    for n in sizes:
        if isinstance(n, bool) or not isinstance(n, numbers.Integral):
            raise ValueError(f"layer_sizes must hold whole numbers of units, such as [2, 8, 1]; got {n!r} in "
                             f"{sizes}.")
    if len(sizes) < 2 or any(n < 1 for n in sizes):
        raise ValueError(f"layer_sizes needs at least an input and an output size, all >= 1; got {sizes}.")
    sizes = [int(n) for n in sizes]
    n_parameters = sum((n_in + 1) * n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))
    if n_parameters > MAX_PARAMETERS:
        raise ValueError(f"layer_sizes {sizes} make a network of {n_parameters:,} parameters "
                         f"({n_parameters * 4 / 1e9:,.1f} GB in float32), more than this course's limit of "
                         f"{MAX_PARAMETERS:,}. Check the sizes: is one of them a typo?")
    return sizes


def init_mlp(layer_sizes, *, seed=0, key=None, init="he", dtype=np.float32):
    """Random weights and zero biases for a network with the given layer sizes.

    layer_sizes: [n_inputs, hidden..., n_outputs], e.g. [64, 128, 128, 10].
    seed: where the randomness comes from (the same seed gives the same weights). key: a JAX PRNG key instead,
    for those who want JAX's random numbers (slower the first time: JAX compiles its sampler per shape).
    init: "he" (default, for ReLU), "glorot" or "xavier" (tanh, sigmoid), "normal" (std 1) or "zeros"
    (shows why symmetry must be broken: every unit of a layer then learns the same thing).
    Returns NumPy arrays of `dtype` (JAX arrays with `key=`).

    >>> init_mlp([2, 1], init="zeros")[0]["W"].tolist()
    [[0.0], [0.0]]
    """
    sizes = check_layer_sizes(layer_sizes)
    if init not in INITS:
        raise ValueError(f"Unknown init {init!r}. Valid inits are: {', '.join(INITS)}.")
    if key is not None:
        return _init_with_jax_key(sizes, key, init, dtype)
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(f"seed must be a whole number >= 0; got {seed!r}.")
    rng = np.random.default_rng(int(seed))
    params = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        # Drawn in float64, scaled, then rounded once to dtype. Zeros are drawn too, so that every init
        # leaves the random stream in the same place.
        W = rng.standard_normal((n_in, n_out)) * weight_scale(init, n_in, n_out)
        if init == "zeros":
            W = np.zeros_like(W)
        params.append({"W": W.astype(dtype), "b": np.zeros(n_out, dtype)})
    return params


def _init_with_jax_key(sizes, key, init, dtype):
    import jax

    keys = jax.random.split(key, len(sizes) - 1)
    return [{"W": jax.random.normal(layer_key, (n_in, n_out), dtype) * weight_scale(init, n_in, n_out),
             "b": jax.numpy.zeros((n_out,), dtype)}
            for layer_key, n_in, n_out in zip(keys, sizes[:-1], sizes[1:])]


# ------------------------------------------------------------------ seeing what the starting weights do (notebook 03)
# Push one batch through a deep network whose weights were drawn too small, just right (He) and too large: too
# small and the signal fades towards 0 (vanishing), too large and it grows without limit (exploding).

def activation_stds(params, x, activation="relu"):
    """The standard deviation of every hidden layer's activations, for the batch x: one number per hidden layer.

    Each hidden layer computes a = f(a_previous @ W + b) (f the activation); its standard deviation is taken over
    all its values at once (every example and every unit). The output layer is not included.

    >>> params = [{"W": np.ones((2, 3)), "b": np.zeros(3)}, {"W": np.ones((3, 1)), "b": np.zeros(1)}]
    >>> activation_stds(params, np.array([[1.0, 1.0], [-1.0, -1.0]]), "relu").tolist()   # values 2, 2, 2, 0, 0, 0
    [1.0]
    """
    f = get_activation(activation)
    a = np.asarray(x)
    stds = []
    for layer in params[:-1]:                    # the hidden layers; the last layer is the output
        a = np.asarray(f(a @ np.asarray(layer["W"]) + np.asarray(layer["b"])))
        stds.append(float(np.std(a)))
    return np.array(stds)


def layer_sizes(params):
    """The layer sizes of a params list: `layer_sizes(init_mlp([2, 3, 1]))` → `[2, 3, 1]`."""
    return [params[0]["W"].shape[0]] + [layer["W"].shape[1] for layer in params]


def count_parameters(params):
    """How many numbers the network learns: all weights and biases."""
    return sum(layer["W"].size + layer["b"].size for layer in params)

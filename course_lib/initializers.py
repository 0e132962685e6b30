"""Starting weights for a multi-layer perceptron.

Parameters are a plain list with one `{"W": (n_in, n_out), "b": (n_out,)}` dict per layer,
so a layer computes `x @ W + b`.

>>> params = init_mlp([2, 3, 1], seed=0)
>>> [layer["W"].shape for layer in params]
[(2, 3), (3, 1)]
"""
import jax
import jax.numpy as jnp

INITS = ("he", "glorot", "xavier", "normal", "zeros")


def _weight_scale(init, n_in, n_out):
    # He keeps the variance of ReLU activations steady from layer to layer (only half the units fire);
    # Glorot/Xavier balances forward and backward variance for tanh/sigmoid-like units.
    if init == "he":
        return jnp.sqrt(2.0 / n_in)
    if init in ("glorot", "xavier"):
        return jnp.sqrt(2.0 / (n_in + n_out))
    if init == "normal":
        return 1.0
    return 0.0  # zeros


def init_mlp(layer_sizes, *, seed=0, key=None, init="he", dtype=jnp.float32):
    """Random weights and zero biases for a network with the given layer sizes.

    layer_sizes: [n_inputs, hidden..., n_outputs], e.g. [64, 128, 128, 10].
    seed / key: where the randomness comes from (give a JAX PRNG key as `key=` to take control).
    init: "he" (default, for ReLU), "glorot" or "xavier" (tanh, sigmoid), "normal" (std 1) or "zeros"
    (shows why symmetry must be broken: every unit of a layer then learns the same thing).

    >>> init_mlp([2, 1], init="zeros")[0]["W"].tolist()
    [[0.0], [0.0]]
    """
    sizes = [int(n) for n in layer_sizes]
    if len(sizes) < 2 or any(n < 1 for n in sizes):
        raise ValueError(f"layer_sizes needs at least an input and an output size, all >= 1; got {list(layer_sizes)}.")
    if init not in INITS:
        raise ValueError(f"Unknown init {init!r}. Valid inits are: {', '.join(INITS)}.")
    if key is None:
        key = jax.random.PRNGKey(seed)
    keys = jax.random.split(key, len(sizes) - 1)
    params = []
    for layer_key, n_in, n_out in zip(keys, sizes[:-1], sizes[1:]):
        W = jax.random.normal(layer_key, (n_in, n_out), dtype) * _weight_scale(init, n_in, n_out)
        params.append({"W": W.astype(dtype), "b": jnp.zeros((n_out,), dtype)})
    return params


def layer_sizes(params):
    """The layer sizes of a params list: `layer_sizes(init_mlp([2, 3, 1]))` → `[2, 3, 1]`."""
    return [params[0]["W"].shape[0]] + [layer["W"].shape[1] for layer in params]


def count_parameters(params):
    """How many numbers the network learns: all weights and biases."""
    return sum(layer["W"].size + layer["b"].size for layer in params)

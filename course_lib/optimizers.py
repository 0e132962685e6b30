"""Optimizers: how to turn gradients into a step. Each is an (init, update) pair of pure functions.

    optimizer = sgd(lr=0.1)
    state = optimizer.init(params)
    params, state = optimizer.update(params, grads, state)

`params`, `grads` and the state are pytrees (lists of {"W", "b"} dicts), so `jax.tree.map` does the
per-array arithmetic and the same code serves any network.

>>> import numpy as np
>>> opt = sgd(lr=0.5)
>>> params, _ = opt.update([{"W": np.ones(2), "b": np.zeros(1)}], [{"W": np.ones(2), "b": np.ones(1)}], opt.init(None))
>>> params[0]["W"].tolist(), params[0]["b"].tolist()
([0.5, 0.5], [-0.5])
"""
from typing import Callable, NamedTuple

import jax
import jax.numpy as jnp

OPTIMIZERS = ("sgd", "momentum", "adam")


class Optimizer(NamedTuple):
    init: Callable     # params -> state
    update: Callable   # (params, grads, state) -> (new_params, new_state)


def sgd(lr):
    """Plain gradient descent: θ ← θ - lr · g."""
    def init(params):
        return ()

    def update(params, grads, state):
        return jax.tree.map(lambda p, g: p - lr * g, params, grads), state

    return Optimizer(init, update)


def momentum(lr, beta=0.9):
    """Gradient descent with momentum: a velocity v ← β·v + g remembers past steps; θ ← θ - lr · v.

    Along a steady slope the steps grow (up to 1 / (1 - β) times); across a zig-zagging valley they cancel.
    """
    def init(params):
        return jax.tree.map(jnp.zeros_like, params)

    def update(params, grads, velocity):
        velocity = jax.tree.map(lambda v, g: beta * v + g, velocity, grads)
        return jax.tree.map(lambda p, v: p - lr * v, params, velocity), velocity

    return Optimizer(init, update)


class AdamState(NamedTuple):
    step: jnp.ndarray
    mean: list       # running mean of the gradients (first moment)
    square: list     # running mean of the squared gradients (second moment)


def adam(lr, beta1=0.9, beta2=0.999, eps=1e-8):
    """Adam: momentum on the gradient, divided by a running size of the gradient, so every parameter
    takes steps of about `lr` whatever the scale of its gradient. Bias correction undoes the zero start.
    """
    def init(params):
        zeros = jax.tree.map(jnp.zeros_like, params)
        return AdamState(jnp.zeros((), jnp.int32), zeros, zeros)

    def update(params, grads, state):
        step = state.step + 1
        mean = jax.tree.map(lambda m, g: beta1 * m + (1 - beta1) * g, state.mean, grads)
        square = jax.tree.map(lambda s, g: beta2 * s + (1 - beta2) * g**2, state.square, grads)
        mean_correction = 1 - beta1**step
        square_correction = 1 - beta2**step

        def step_one(p, m, s):
            return p - lr * (m / mean_correction) / (jnp.sqrt(s / square_correction) + eps)

        return jax.tree.map(step_one, params, mean, square), AdamState(step, mean, square)

    return Optimizer(init, update)


def get_optimizer(name, lr):
    """The optimizer called `name` ("sgd", "momentum" or "adam") with learning rate `lr`."""
    makers = {"sgd": sgd, "momentum": momentum, "adam": adam}
    if isinstance(name, Optimizer):
        return name
    if name not in makers:
        raise ValueError(f"Unknown optimizer {name!r}. Valid optimizers are: {', '.join(OPTIMIZERS)}.")
    return makers[name](lr)

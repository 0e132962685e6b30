"""Flax linen + optax + TrainState: the way the Flax documentation trains an MLP.

Two variants: "flax_loop", a jitted `train_step(state, ...)` called per batch from Python (the tutorial
form), and "flax_scan", the same step `lax.scan`ned over an epoch inside one jit. Weights are copied into
the Dense layers' {"kernel", "bias"}, which have the same (n_in, n_out) layout as course_lib's.
"""
import functools
import types
from typing import Sequence

import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np
import optax
from flax.training import train_state

from bench.references import Run, samples_per_epoch


class MLP(nn.Module):
    features: Sequence[int]

    @nn.compact
    def __call__(self, x):
        for width in self.features[:-1]:
            x = nn.relu(nn.Dense(width)(x))
        return nn.Dense(self.features[-1])(x)


def setup():
    pass


def _loss(state, params, x, y):
    logits = state.apply_fn({"params": params}, x)
    return optax.softmax_cross_entropy_with_integer_labels(logits, y).mean()


def _step(state, x, y):
    loss, grads = jax.value_and_grad(functools.partial(_loss, state))(state.params, x, y)
    return state.apply_gradients(grads=grads), loss


@functools.partial(jax.jit, donate_argnums=0)
def train_step(state, x, y, indices):
    return _step(state, x[indices], y[indices])


@functools.partial(jax.jit, donate_argnums=0)
def train_step_full_batch(state, x, y):
    return _step(state, x, y)


@functools.partial(jax.jit, donate_argnums=0)
def train_epoch(state, x, y, batch_order):
    state, losses = jax.lax.scan(lambda s, indices: _step(s, x[indices], y[indices]), state, batch_order)
    return state, losses.mean()


@jax.jit
def accuracy_of(state, x, y):
    return jnp.mean(state.apply_fn({"params": state.params}, x).argmax(axis=1) == y)


@functools.lru_cache(maxsize=None)
def _model_and_optimizer(features, lr):
    """One model and optimizer object per configuration: they are static parts of TrainState, so fresh ones
    would make every call to `train` compile its step again."""
    return MLP(features), optax.sgd(lr)


def _state(params, lr):
    model, optimizer = _model_and_optimizer(tuple(int(layer["W"].shape[1]) for layer in params), float(lr))
    flax_params = {f"Dense_{i}": {"kernel": jnp.asarray(layer["W"]), "bias": jnp.asarray(layer["b"])}
                   for i, layer in enumerate(params)}
    return train_state.TrainState.create(apply_fn=model.apply, params=flax_params, tx=optimizer)


def _train(params, data, *, epochs, lr, batch_size, seed=0, validate=False, stop_at=None, scan):
    state = _state(params, lr)
    x, y = jnp.asarray(data.x_train), jnp.asarray(data.y_train)
    x_test, y_test = jnp.asarray(data.x_test), jnp.asarray(data.y_test)
    n = len(data.x_train)
    batch_size = batch_size or n
    n_batches = n // batch_size
    accuracies, loss = [], None
    for epoch in range(1, epochs + 1):
        if batch_size == n:
            state, loss = train_step_full_batch(state, x, y)
        elif scan:
            # A new shuffle per epoch, drawn from (seed, epoch) as course_lib.training.batch_order does.
            order = np.random.default_rng([seed, 1, epoch]).permutation(n)[: n_batches * batch_size]
            order = order.reshape(n_batches, batch_size).astype(np.int32)
            state, loss = train_epoch(state, x, y, order)
        else:
            order = np.random.default_rng([seed, 1, epoch]).permutation(n).astype(np.int32)
            for start in range(0, n_batches * batch_size, batch_size):
                state, loss = train_step(state, x, y, order[start:start + batch_size])
        if validate:
            accuracies.append(float(accuracy_of(state, x_test, y_test)))
            if stop_at is not None and accuracies[-1] >= stop_at:
                break
    jax.block_until_ready((state.params, loss))
    return Run(samples_per_epoch(n, batch_size) * epoch, epoch, accuracies)


def variant(name):
    """The module's interface with `train` fixed to the "flax_scan" or "flax_loop" form."""
    scan = {"flax_scan": True, "flax_loop": False}[name]
    description = ("Flax linen + optax TrainState, epoch in lax.scan" if scan
                   else "Flax linen + optax TrainState, jitted step in a Python loop")
    return types.SimpleNamespace(DESCRIPTION=description, setup=setup,
                                 train=functools.partial(_train, scan=scan))

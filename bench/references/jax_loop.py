"""JAX, the common way: a jitted training step called from a Python loop over the batches.

The data lives on the device; the step gathers its batch from it by indices (so nothing is copied from
the host per step but the indices), and the parameters are donated. Python only dispatches; it waits once
per epoch at most (when validating), so steps queue up behind the running one.
"""
import functools

import jax
import jax.numpy as jnp
import numpy as np

from bench.references import Run, samples_per_epoch
from bench.references.jax_scan import accuracy_of, loss_of

DESCRIPTION = "JAX: jitted step in a Python loop"


def setup():
    pass


@functools.partial(jax.jit, donate_argnums=0)
def train_step(params, x, y, indices, lr):
    loss, grads = jax.value_and_grad(loss_of)(params, x[indices], y[indices])
    return jax.tree.map(lambda p, g: p - lr * g, params, grads), loss


@functools.partial(jax.jit, donate_argnums=0)
def train_step_full_batch(params, x, y, lr):
    loss, grads = jax.value_and_grad(loss_of)(params, x, y)
    return jax.tree.map(lambda p, g: p - lr * g, params, grads), loss


def train(params, data, *, epochs, lr, batch_size, seed=0, validate=False, stop_at=None):
    params = jax.tree.map(jnp.asarray, params)
    x, y = jnp.asarray(data.x_train), jnp.asarray(data.y_train)
    x_test, y_test = jnp.asarray(data.x_test), jnp.asarray(data.y_test)
    n = len(data.x_train)
    batch_size = batch_size or n
    lr = jnp.float32(lr)
    accuracies, loss = [], None
    for epoch in range(1, epochs + 1):
        if batch_size == n:
            params, loss = train_step_full_batch(params, x, y, lr)
        else:
            order = np.random.default_rng([seed, 1, epoch]).permutation(n).astype(np.int32)
            for start in range(0, n - batch_size + 1, batch_size):
                params, loss = train_step(params, x, y, order[start:start + batch_size], lr)
        if validate:
            accuracies.append(float(accuracy_of(params, x_test, y_test)))
            if stop_at is not None and accuracies[-1] >= stop_at:
                break
    jax.block_until_ready((params, loss))
    return Run(samples_per_epoch(n, batch_size) * epoch, epoch, accuracies)

"""Hand-tuned JAX: the whole epoch is one compiled program.

The data goes to the device once. Each epoch the host draws a permutation (NumPy: cheaper than a sort-based
permutation inside XLA), and the jitted epoch `lax.scan`s value_and_grad + SGD over the batches, gathering
each batch from the device copy. The parameters are donated, so XLA updates them in place.
"""
import functools

import jax
import jax.numpy as jnp
import numpy as np

from bench.references import Run, samples_per_epoch

DESCRIPTION = "JAX: whole epoch in lax.scan under jit"


def setup():
    pass


def logits_of(params, x):
    for layer in params[:-1]:
        x = jax.nn.relu(x @ layer["W"] + layer["b"])
    return x @ params[-1]["W"] + params[-1]["b"]


def loss_of(params, x, y):
    log_p = jax.nn.log_softmax(logits_of(params, x))
    return -jnp.mean(jnp.take_along_axis(log_p, y[:, None], axis=1))


@functools.partial(jax.jit, donate_argnums=0)
def train_epoch(params, x, y, batch_order, lr):
    """batch_order: (n_batches, batch_size) example indices."""
    def step(params, indices):
        loss, grads = jax.value_and_grad(loss_of)(params, x[indices], y[indices])
        return jax.tree.map(lambda p, g: p - lr * g, params, grads), loss

    params, losses = jax.lax.scan(step, params, batch_order)
    return params, losses.mean()


@functools.partial(jax.jit, donate_argnums=0)
def train_epoch_full_batch(params, x, y, lr):
    """Full batch: one step on every example; no order to draw, nothing to gather."""
    loss, grads = jax.value_and_grad(loss_of)(params, x, y)
    return jax.tree.map(lambda p, g: p - lr * g, params, grads), loss


@jax.jit
def accuracy_of(params, x, y):
    return jnp.mean(logits_of(params, x).argmax(axis=1) == y)


def train(params, data, *, epochs, lr, batch_size, seed=0, validate=False, stop_at=None):
    params = jax.tree.map(jnp.asarray, params)
    x, y = jnp.asarray(data.x_train), jnp.asarray(data.y_train)
    x_test, y_test = jnp.asarray(data.x_test), jnp.asarray(data.y_test)
    n = len(data.x_train)
    batch_size = batch_size or n
    n_batches = n // batch_size
    lr = jnp.float32(lr)
    accuracies, losses = [], []
    for epoch in range(1, epochs + 1):
        if batch_size == n:
            params, loss = train_epoch_full_batch(params, x, y, lr)
        else:
            # A new shuffle per epoch, drawn from (seed, epoch) as course_lib.training.batch_order does.
            order = np.random.default_rng([seed, 1, epoch]).permutation(n)[: n_batches * batch_size]
            order = order.reshape(n_batches, batch_size).astype(np.int32)
            params, loss = train_epoch(params, x, y, order, lr)
        losses.append(loss)
        if validate:
            accuracies.append(float(accuracy_of(params, x_test, y_test)))
            if stop_at is not None and accuracies[-1] >= stop_at:
                break
    jax.block_until_ready((params, losses))
    return Run(samples_per_epoch(n, batch_size) * epoch, epoch, accuracies)

"""Dropout: during training, switch off a random share of the hidden units at every step.

With rate 0.5, every hidden unit is set to 0 with probability 0.5, independently for every example and every
step; the units that stay are multiplied by 1 / (1 - rate) = 2, so that each unit's value is, on average over
the random choices, what it would be without dropout ("inverted dropout"). The network cannot rely on any one
unit being there, which discourages units that only work together with a few particular others (memorising).
At evaluation, dropout is off: every unit is used, unscaled.

Randomness is explicit, as everywhere in JAX: the caller passes a PRNG key (`jax.random.key(seed)`), and the
same key gives the same units switched off.

- `dropout(x, rate, key, training=True)`: the mask-and-scale on one array of activations.
- `forward(params, x, rate=..., key=..., training=...)`: a ReLU network (like `course_lib.forward`) with
  dropout after every hidden layer (never on the logits).
- `fit(params, x, y, rate=..., ...)`: SGD on the mean cross-entropy with dropout, on the same mini-batches as
  `course_lib.fit` (`training.batch_order`), returning `(params, history)` with fit's history keys. With
  rate=0 it trains exactly like `course_lib.fit(..., optimizer="sgd", loss="cross_entropy")`.

>>> import jax, jax.numpy as jnp
>>> x = jnp.ones((2, 4))
>>> dropout(x, 0.5, jax.random.key(0), training=False).tolist()        # evaluation: nothing changes
[[1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0]]
>>> kept = dropout(x, 0.5, jax.random.key(0))                          # training: 0, or 1 / (1 - 0.5) = 2
>>> sorted(set(kept.ravel().tolist())) in ([0.0, 2.0], [0.0], [2.0])
True
"""
import functools

import jax
import jax.numpy as jnp
import numpy as np

from course_lib.losses import cross_entropy
from course_lib.network import check_shapes, dense
from course_lib.training import accuracy_from_outputs, batch_order


def _check_rate(rate):
    if not 0.0 <= float(rate) < 1.0:
        raise ValueError(f"rate is the share of units to drop, from 0 up to (not including) 1; got {rate!r}. "
                         "For example rate=0.5 drops half of them.")
    return float(rate)


def dropout(x, rate, key, training=True):
    """Inverted dropout of the activations `x`: keep each value with probability 1 - rate and divide it by 1 - rate.

    x: any array (typically a hidden layer's activations, (batch, units)). rate: the share to drop, in [0, 1).
    key: a JAX PRNG key (`jax.random.key(seed)`); the mask is `jax.random.bernoulli(key, 1 - rate, x.shape)`
    (True = kept). training: False at evaluation, when `x` is returned unchanged.

    >>> import jax, jax.numpy as jnp
    >>> dropout(jnp.arange(4.0), 0.25, jax.random.key(1)).shape
    (4,)
    """
    rate = _check_rate(rate)
    if not training or rate == 0.0:
        return x
    keep = 1.0 - rate
    kept = jax.random.bernoulli(key, keep, jnp.shape(x))
    return jnp.where(kept, x / keep, 0.0)


def forward(params, x, *, rate, key=None, training):
    """A ReLU network's logits with dropout after every hidden layer (the output layer is never dropped).

    Every hidden layer gets its own key (`jax.random.fold_in(key, layer)`). At evaluation (training=False) no
    key is needed and this is `course_lib.forward(params, x, activation="relu")`.
    """
    check_shapes(params, x)
    if training and key is None:
        raise ValueError("dropout in training mode needs a PRNG key: pass key=jax.random.key(seed).")
    a = x
    for i, layer in enumerate(params[:-1]):
        a = jnp.maximum(dense(layer, a), 0.0)
        a = dropout(a, rate, None if key is None else jax.random.fold_in(key, i), training=training)
    return dense(params[-1], a)


@functools.lru_cache(maxsize=16)
def _compiled_training(rate, has_val):
    """All epochs as one jitted program: a `jax.lax.scan` over the epochs, each a scan of SGD steps over its
    mini-batches (rows of indices into x, y), with the measurements of fit's history after every epoch."""
    def loss_of(params, x, y, key):
        return cross_entropy(forward(params, x, rate=rate, key=key, training=True), y)

    def train(params, lr, key, orders, x, y, x_val, y_val):
        def step(params, batch):
            indices, step_key = batch
            loss, grads = jax.value_and_grad(loss_of)(params, x[indices], y[indices], step_key)
            return jax.tree.map(lambda p, g: p - lr * g, params, grads), loss

        def epoch(params, epoch_inputs):
            epoch_orders, epoch_key = epoch_inputs
            step_keys = jax.random.split(epoch_key, epoch_orders.shape[0])
            params, losses = jax.lax.scan(step, params, (epoch_orders, step_keys))
            metrics = {"train_loss": losses.mean(),    # with dropout on, like the steps that produced them
                       "train_accuracy": accuracy_from_outputs(forward(params, x, rate=rate, training=False), y)}
            if has_val:
                val_logits = forward(params, x_val, rate=rate, training=False)
                metrics["val_loss"] = cross_entropy(val_logits, y_val)
                metrics["val_accuracy"] = accuracy_from_outputs(val_logits, y_val)
            return params, metrics

        return jax.lax.scan(epoch, params, (orders, jax.random.split(key, orders.shape[0])))

    return jax.jit(train)


def fit(params, x, y, *, rate, epochs, lr, batch_size, seed=0, x_val=None, y_val=None):
    """Train a ReLU classifier with dropout (plain SGD on the mean cross-entropy); returns `(params, history)`.

    The mini-batches are `course_lib.training.batch_order(len(x), batch_size, epoch, seed)`, as in
    `course_lib.fit`, and the dropout masks come from `jax.random.key(seed)`, a fresh key for every step. All
    epochs run as one compiled program. history: "epoch"; "train_loss" (mean over the epoch's steps, dropout on);
    "train_accuracy" (after the epoch, dropout OFF: how well the network fits its training data); and
    "val_loss", "val_accuracy" (after the epoch, dropout off) when validation data is given.

    >>> from course_lib import init_mlp
    >>> x, y = np.random.default_rng(0).normal(size=(40, 3)), np.arange(40) % 2
    >>> params, history = fit(init_mlp([3, 16, 2], seed=0), x, y, rate=0.5, epochs=3, lr=0.1, batch_size=8)
    >>> sorted(history), len(history["train_loss"])
    (['epoch', 'train_accuracy', 'train_loss'], 3)
    """
    rate = _check_rate(rate)
    if (x_val is None) != (y_val is None):
        raise ValueError("x_val and y_val go together: pass both to measure validation data, or neither.")
    x, y = jnp.asarray(x, jnp.float32), jnp.asarray(y)
    check_shapes(params, x)
    has_val = x_val is not None
    if has_val:
        x_val, y_val = jnp.asarray(x_val, jnp.float32), jnp.asarray(y_val)
    orders = np.stack([batch_order(len(x), batch_size, epoch, seed) for epoch in range(1, epochs + 1)])
    params = jax.tree.map(lambda p: jnp.asarray(p, jnp.float32), params)
    params, metrics = _compiled_training(rate, has_val)(params, jnp.float32(lr), jax.random.key(seed), orders,
                                                        x, y, x_val, y_val)
    history = {"epoch": list(range(1, epochs + 1))}
    history.update({name: [float(v) for v in values] for name, values in jax.device_get(metrics).items()})
    return jax.device_get(params), history

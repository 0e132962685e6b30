"""Dropout: during training, switch off a random share of the hidden units at every step.

With rate 0.5, every hidden unit is set to 0 with probability 0.5, independently for every example and every
step; the units that stay are multiplied by 1 / (1 - rate) = 2, so that each unit's value is, on average over
the random choices, what it would be without dropout ("inverted dropout"). The network cannot rely on any one
unit being there, which discourages units that only work together with a few particular others (memorising).
At evaluation, dropout is off: every unit is used, unscaled.

Randomness is explicit, as everywhere in JAX: the caller passes a PRNG key (`jax.random.key(seed)`), and the
same key gives the same units switched off.

- `dropout(x, rate, key, training=True)`: the mask-and-scale on one array of activations.
- `forward(params, x, rate=..., key=..., training=..., activation="relu")`: the network (like
  `course_lib.forward`) with dropout after every hidden layer (never on the output layer).
- Training with dropout is `course_lib.fit(..., dropout=0.5)`: the one training step (`training.train_step`)
  uses this `forward` with a fresh key for every step.

>>> import jax, jax.numpy as jnp
>>> x = jnp.ones((2, 4))
>>> dropout(x, 0.5, jax.random.key(0), training=False).tolist()        # evaluation: nothing changes
[[1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0]]
>>> kept = dropout(x, 0.5, jax.random.key(0))                          # training: 0, or 1 / (1 - 0.5) = 2
>>> sorted(set(kept.ravel().tolist())) in ([0.0, 2.0], [0.0], [2.0])
True
"""
import jax
import jax.numpy as jnp

from course_lib.activations import get_activation
from course_lib.network import check_shapes, dense, hidden_activations


def check_rate(rate):
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
    rate = check_rate(rate)
    if not training or rate == 0.0:
        return x
    keep = 1.0 - rate
    kept = jax.random.bernoulli(key, keep, jnp.shape(x))
    return jnp.where(kept, x / keep, 0.0)


def forward(params, x, *, rate, key=None, training, activation="relu"):
    """The network's outputs (logits) with dropout after every hidden layer (the output layer is never dropped).

    Every hidden layer gets its own key (`jax.random.fold_in(key, layer)`). At evaluation (training=False) no
    key is needed and this is `course_lib.forward(params, x, activation=activation)`.
    """
    check_shapes(params, x)
    if training and key is None:
        raise ValueError("dropout in training mode needs a PRNG key: pass key=jax.random.key(seed).")
    names = hidden_activations(activation, len(params) - 1)
    a = x
    for i, (layer, name) in enumerate(zip(params[:-1], names)):
        a = get_activation(name)(dense(layer, a))
        a = dropout(a, rate, None if key is None else jax.random.fold_in(key, i), training=training)
    return dense(params[-1], a)

"""Loss functions: one number that says how wrong the network is.

- `mse`: mean squared error, for regression (mean over all elements).
- `cross_entropy`: softmax cross-entropy for several classes, computed from logits (raw scores).
- `binary_cross_entropy`: for two classes, from a single logit per example.

All three work on NumPy and JAX arrays and are stable for logits of ±1e4.

>>> import numpy as np
>>> mse(np.array([[1.0], [3.0]]), np.array([[0.0], [1.0]]))
2.5
>>> round(float(cross_entropy(np.array([[0.0, 0.0]]), np.array([1]))), 4)   # log 2
0.6931
"""
from course_lib.activations import sigmoid, softmax
from course_lib.arrays import array_module
from course_lib.network import ShapeError, forward

LOSSES = ("mse", "cross_entropy", "binary_cross_entropy")
CLASSIFICATION_LOSSES = ("cross_entropy", "binary_cross_entropy")


def check_loss_name(name):
    """Raise a ValueError that lists the valid names when `name` is not a loss."""
    if name not in LOSSES:
        raise ValueError(f"Unknown loss {name!r}. Valid losses are: {', '.join(LOSSES)}.")
    return name


def mse(predictions, targets):
    """Mean squared error, averaged over every element. Both arrays must have the same shape."""
    if predictions.shape != targets.shape:
        raise ShapeError(f"mse: predictions have shape {predictions.shape} but targets have shape {targets.shape}. "
                         "They must match (a (batch,) target against a (batch, 1) output would silently broadcast "
                         "to (batch, batch)); try targets.reshape(-1, 1).")
    xp = array_module(predictions)
    return xp.mean((predictions - targets) ** 2)


def log_softmax(logits):
    """log(softmax(logits)) along the last axis, without ever taking the log of 0."""
    xp = array_module(logits)
    shifted = logits - xp.max(logits, axis=-1, keepdims=True)
    return shifted - xp.log(xp.sum(xp.exp(shifted), axis=-1, keepdims=True))


def one_hot_like(labels, n_classes, dtype):
    """Integer labels (batch,) as one-hot rows (batch, n_classes); one-hot input is returned unchanged."""
    xp = array_module(labels)
    if labels.ndim == 2:
        return labels.astype(dtype)
    return (labels[:, None] == xp.arange(n_classes)[None, :]).astype(dtype)


def cross_entropy(logits, labels):
    """Mean over the batch of -log(probability given to the true class), from logits.

    logits: (batch, n_classes). labels: integer classes (batch,) or one-hot (batch, n_classes).
    """
    if logits.ndim != 2 or labels.shape not in ((logits.shape[0],), logits.shape):
        raise ShapeError(f"cross_entropy: logits have shape {logits.shape}; labels must have shape "
                         f"({logits.shape[0]},) (class indices) or {logits.shape} (one-hot), got {labels.shape}.")
    xp = array_module(logits)
    targets = one_hot_like(labels, logits.shape[1], logits.dtype)
    return -xp.mean(xp.sum(targets * log_softmax(logits), axis=-1))


def binary_cross_entropy(logits, labels):
    """Mean binary cross-entropy from one logit per example.

    logits: (batch, 1) or (batch,); labels: 0/1 of shape (batch,) or (batch, 1).
    Uses -log σ(z) = softplus(-z), written so that exp never overflows.
    """
    z = logits.reshape(-1)
    if labels.size != z.size:
        raise ShapeError(f"binary_cross_entropy: {z.size} logits (shape {logits.shape}) but {labels.size} labels "
                         f"(shape {labels.shape}); use one logit per example.")
    xp = array_module(logits)
    y = labels.reshape(-1).astype(z.dtype)
    # loss = y * softplus(-z) + (1 - y) * softplus(z) = softplus(z) - y * z, and softplus(z) = max(z, 0) + log1p(e^-|z|)
    softplus = xp.maximum(z, 0.0) + xp.log1p(xp.exp(-xp.abs(z)))
    return xp.mean(softplus - y * z)


def output_for_loss(loss, output=None):
    """The output activation `forward` should use for a loss: logits ("linear") for the cross-entropies."""
    check_loss_name(loss)
    if loss in CLASSIFICATION_LOSSES:
        if output not in (None, "linear"):
            raise ValueError(f"{loss} works on logits, so the network's output must be 'linear' (the loss applies "
                             f"the {'softmax' if loss == 'cross_entropy' else 'sigmoid'} itself); got output={output!r}.")
        return "linear"
    return output or "linear"


def compute_loss(loss, outputs, targets):
    """Apply the loss called `loss` to the network's outputs (logits for the cross-entropies)."""
    return {"mse": mse, "cross_entropy": cross_entropy, "binary_cross_entropy": binary_cross_entropy}[
        check_loss_name(loss)](outputs, targets)


def weight_penalty(params, l1=0.0, l2=0.0):
    """Regularisation: l1 * Σ|W| + l2 * ΣW² over every layer's weights (biases are not penalised)."""
    total = 0.0
    for layer in params:
        xp = array_module(layer["W"])
        if l1:
            total = total + l1 * xp.sum(xp.abs(layer["W"]))
        if l2:
            total = total + l2 * xp.sum(layer["W"] ** 2)
    return total


def loss_value(params, x, y, activation="relu", loss="mse", output=None, l1=0.0, l2=0.0):
    """Forward pass plus loss: the single number training makes smaller. Differentiable by `jax.grad`.

    >>> import jax, numpy as np
    >>> from course_lib.initializers import init_mlp
    >>> params = init_mlp([2, 3, 1], seed=0)
    >>> grads = jax.grad(loss_value)(params, np.ones((4, 2)), np.zeros((4, 1)))
    >>> grads[0]["W"].shape
    (2, 3)
    """
    outputs = forward(params, x, activation=activation, output=output_for_loss(loss, output))
    return compute_loss(loss, outputs, y) + weight_penalty(params, l1, l2)


def probabilities(logits):
    """Class probabilities from logits: a sigmoid for one column, a softmax for several."""
    if logits.shape[-1] == 1:
        return sigmoid(logits)
    return softmax(logits)

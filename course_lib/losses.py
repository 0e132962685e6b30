"""Loss functions: one number that says how wrong the network is.

- `mse`: mean squared error, for regression (mean over all elements).
- `cross_entropy`: softmax cross-entropy for several classes, computed from logits (raw scores).
- `binary_cross_entropy`: for two classes, from a single logit per example.

All three work on NumPy and JAX arrays, are stable for logits of ±1e4 (and ±inf), and refuse targets that do not
suit them (class labels out of range, binary labels other than 0/1, shapes that would broadcast) with a message
that names the fix. `check_targets` runs the same checks before training, against the network's output width.

>>> import numpy as np
>>> float(mse(np.array([[1.0], [3.0]]), np.array([[0.0], [1.0]])))
2.5
>>> round(float(cross_entropy(np.array([[0.0, 0.0]]), np.array([1]))), 4)   # log 2
0.6931
"""
import numpy as np

from course_lib.activations import sigmoid, softmax
from course_lib.arrays import array_module, is_traced
from course_lib.network import ShapeError, forward

LOSSES = ("mse", "cross_entropy", "binary_cross_entropy")
CLASSIFICATION_LOSSES = ("cross_entropy", "binary_cross_entropy")


def check_loss_name(name):
    """Raise a ValueError that lists the valid names when `name` is not a loss."""
    if name not in LOSSES:
        raise ValueError(f"Unknown loss {name!r}. Valid losses are: {', '.join(LOSSES)}.")
    return name


# --- checking targets ------------------------------------------------------------------------------------------
# Value checks (is every label a whole number in range?) need the values, so they run on concrete arrays only:
# NumPy arrays, or JAX arrays outside jax.jit. Inside jit the labels are tracers without values, and the checks
# are skipped: `fit` runs `check_targets` once on the whole data set before it compiles anything.

def _as_array(values):
    """Arrays stay as they are (NumPy, JAX, tracers); lists and tuples become NumPy arrays."""
    return values if hasattr(values, "shape") else np.asarray(values)


def _one_column_message(loss="cross_entropy"):
    return (f"loss={loss!r} needs one output column per class, but the network has one output column: softmax over "
            "a single column is always 1, so the loss would be 0 whatever the network does. For two classes with "
            "one output column use loss='binary_cross_entropy' (or give the last layer 2 outputs).")


def check_class_labels(labels, n_classes, name="labels"):
    """cross_entropy's labels: whole numbers 0 .. n_classes-1 of shape (batch,), or one-hot rows (batch, n_classes).

    Raises a ValueError naming the fix. Skips the values of traced (jitted) arrays.
    """
    if is_traced(labels):
        return
    values = np.asarray(labels)
    if not (np.issubdtype(values.dtype, np.number) or values.dtype == bool):
        raise ValueError(f"cross_entropy needs class labels that are numbers; {name} has dtype {values.dtype}.")
    if values.ndim == 2:
        _check_one_hot(values, name)
        return
    whole = values == np.round(values)              # NaN is not a whole number either
    if not whole.all():
        example = values[~whole][0]
        raise ValueError(f"cross_entropy needs whole-number class labels 0..{n_classes - 1}; {name} holds {example} "
                         f"(dtype {values.dtype}). If these are class labels, convert them with "
                         f"{name}.astype(int); if they are numbers to predict, use loss='mse'.")
    if values.size and values.min() < 0:
        raise ValueError(f"cross_entropy: {name} holds {values.min()}, but class labels count from 0 "
                         f"(0..{n_classes - 1}). If your classes are numbered from 1 or are -1/+1, renumber them "
                         f"from 0 (for -1/+1: (y + 1) // 2).")
    if values.size and values.max() >= n_classes:
        top = int(values.max())
        raise ValueError(f"cross_entropy: {name} holds the label {top}, but the network has {n_classes} output "
                         f"columns, one per class, so labels must be 0..{n_classes - 1}. Give the last layer "
                         f"{top + 1} outputs (e.g. init_mlp([..., {top + 1}])).")


def _check_one_hot(values, name):
    """2-D labels are one-hot rows (or class probabilities): each row in [0, 1] and summing to 1."""
    row_sums = values.sum(axis=1)
    bad = ~(np.all((values >= 0) & (values <= 1), axis=1) & np.isclose(row_sums, 1.0, atol=1e-3))
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise ValueError(f"cross_entropy: 2-D labels must be one-hot rows (one 1 and zeros, or probabilities that "
                         f"sum to 1), but row {row} of {name} is {values[row].tolist()}. For class indices pass a "
                         f"1-D array of whole numbers; if these are numbers to predict, use loss='mse'.")


def check_binary_labels(labels, name="labels"):
    """binary_cross_entropy's labels: 0 or 1 for every example. Skips the values of traced (jitted) arrays."""
    if is_traced(labels):
        return
    values = np.asarray(labels)
    if not (np.issubdtype(values.dtype, np.number) or values.dtype == bool):
        raise ValueError(f"binary_cross_entropy needs labels 0 or 1; {name} has dtype {values.dtype}.")
    wrong = ~((values == 0) | (values == 1))
    if not wrong.any():
        return
    found = np.unique(values[wrong])
    hint = ""
    if np.all(np.isin(values, (-1, 1))):
        hint = " For labels -1/+1 use (y + 1) // 2, which maps -1 to 0 and +1 to 1."
    elif np.all(found == np.round(found)) and found.min() >= 0:
        hint = (f" For {int(values.max()) + 1} classes use loss='cross_entropy' with one output column per class "
                f"(init_mlp([..., {int(values.max()) + 1}])).")
    raise ValueError(f"binary_cross_entropy needs labels 0 or 1, but {name} also holds {_listing(found)}.{hint}")


def _listing(values, most=5):
    shown = ", ".join(f"{v:g}" for v in values[:most].tolist())
    return shown + (f" and {len(values) - most} other values" if len(values) > most else "")


def check_targets(loss, y, n_outputs, n_examples=None):
    """Refuse targets `y` that do not suit `loss` on a network with `n_outputs` output columns, naming the fix.

    - cross_entropy: at least 2 output columns; labels are whole numbers 0..n_outputs-1, shape (batch,), or
      one-hot rows (batch, n_outputs).
    - binary_cross_entropy: exactly 1 output column; labels 0 or 1, shape (batch,) or (batch, 1).
    - mse: shape (batch, n_outputs).
    With `n_examples`, y must also have that many rows. Shape problems raise ShapeError (a ValueError), the rest
    ValueError. Call it on concrete arrays, before training: inside `jax.jit` only the shapes are checked.
    NaN and inf are `datasets.check_examples`'s business (they are a problem of the data, whatever the loss).

    >>> check_targets("cross_entropy", np.array([0, 1, 1]), n_outputs=1)
    Traceback (most recent call last):
        ...
    ValueError: loss='cross_entropy' needs one output column per class, but the network has one output column: ...
    """
    check_loss_name(loss)
    y = _as_array(y)
    if y.ndim == 0:
        raise ShapeError(f"loss={loss!r}: y must hold one target per example; got a single number, shape ().")
    if n_examples is not None and y.shape[0] != n_examples:
        raise ShapeError(f"x has {n_examples} examples but y has {y.shape[0]}: they must have the same first "
                         "dimension, one target per example.")
    batch = y.shape[0]
    if loss == "cross_entropy":
        if n_outputs == 1:
            raise ValueError(_one_column_message(loss))
        if y.shape not in ((batch,), (batch, n_outputs)):
            raise ShapeError(f"loss='cross_entropy': y must have shape ({batch},) (class indices) or "
                             f"({batch}, {n_outputs}) (one-hot rows for {n_outputs} output columns); got {y.shape}.")
        check_class_labels(y, n_outputs, name="y")
    elif loss == "binary_cross_entropy":
        if n_outputs != 1:
            raise ValueError(f"loss='binary_cross_entropy' gives each example one logit, so the network needs one "
                             f"output column; it has {n_outputs}. For {n_outputs} classes use loss='cross_entropy', "
                             f"or make the last layer 1 output wide.")
        if y.shape not in ((batch,), (batch, 1)):
            raise ShapeError(f"loss='binary_cross_entropy': y must have shape ({batch},) or ({batch}, 1), one label "
                             f"0 or 1 per example; got {y.shape}.")
        check_binary_labels(y, name="y")
    else:
        if y.shape != (batch, n_outputs):
            raise ShapeError(_mse_shape_message((batch, n_outputs), y, "y"))


def _mse_shape_message(output_shape, targets, name="targets"):
    message = (f"loss='mse': the network's output has shape {tuple(output_shape)} but {name}.shape is "
               f"{tuple(targets.shape)}. They must match (a (batch,) target against a (batch, 1) output would "
               "silently broadcast to (batch, batch))")
    if targets.ndim == 1 and len(output_shape) == 2 and output_shape[1] == 1:
        message += f"; for one number per example use {name}.reshape(-1, 1)"
    message += "."
    if targets.ndim == 1 and np.issubdtype(targets.dtype, np.integer):
        message += (f" If {name} holds class labels, use loss='cross_entropy' (one output column per class) or "
                    "loss='binary_cross_entropy' (one output column, labels 0/1).")
    return message


# --- the losses ------------------------------------------------------------------------------------------------

def mse(predictions, targets):
    """Mean squared error, averaged over every element. Both arrays must have the same shape."""
    targets = _as_array(targets)
    if predictions.shape != targets.shape:
        raise ShapeError(_mse_shape_message(predictions.shape, targets))
    xp = array_module(predictions)
    return xp.mean((predictions - targets) ** 2)


def log_softmax(logits):
    """log(softmax(logits)) along the last axis, without ever taking the log of 0."""
    xp = array_module(logits)
    top = xp.max(logits, axis=-1, keepdims=True)
    with np.errstate(over="ignore", invalid="ignore"):     # NumPy's warnings about the cases repaired below
        shifted = logits - top                             # (an overflow to -inf is fine: its exp is 0)
    # A row whose largest logit is +inf (or every logit -inf) gives inf - inf = NaN where the logit equals the top.
    # Those entries are the row's maximum, so after the shift they are 0. Rows without infinities are unchanged.
    shifted = xp.where(xp.isinf(top) & (logits == top), 0.0, shifted)
    return shifted - xp.log(xp.sum(xp.exp(shifted), axis=-1, keepdims=True))


def one_hot_like(labels, n_classes, dtype):
    """Integer labels (batch,) as one-hot rows (batch, n_classes); one-hot input is returned unchanged."""
    xp = array_module(labels)
    if labels.ndim == 2:
        return labels.astype(dtype)
    return (labels[:, None] == xp.arange(n_classes)[None, :]).astype(dtype)


def cross_entropy(logits, labels):
    """Mean over the batch of -log(probability given to the true class), from logits.

    logits: (batch, n_classes), at least 2 classes. labels: whole-number classes 0..n_classes-1, shape (batch,),
    or one-hot rows (batch, n_classes). Out-of-range or fractional labels raise a ValueError (on concrete arrays;
    inside jax.jit the values are not known, see `check_targets`).
    """
    labels = _as_array(labels)
    if logits.ndim != 2 or labels.shape not in ((logits.shape[0],), logits.shape):
        raise ShapeError(f"cross_entropy: logits have shape {logits.shape}; labels must have shape "
                         f"({logits.shape[0]},) (class indices) or {logits.shape} (one-hot), got {labels.shape}.")
    if logits.shape[1] == 1:
        raise ValueError(_one_column_message())
    check_class_labels(labels, logits.shape[1])
    xp = array_module(logits)
    log_probs = log_softmax(logits)
    if labels.ndim == 1:
        # Pick each row's true class. (Multiplying by one-hot rows instead would give 0 * -inf = NaN for a class
        # whose probability underflows to 0, as in float16 or with infinite logits.)
        true_class = labels.astype("int32")[:, None]
        picked = xp.take_along_axis(log_probs, true_class, axis=-1)[:, 0]
    else:
        # One-hot (or probability) rows: Σ target · log p, leaving out the classes with target 0 for the same reason.
        targets = labels.astype(log_probs.dtype)
        picked = xp.sum(targets * xp.where(targets == 0, 0.0, log_probs), axis=-1)
    return -xp.mean(picked)


def softplus(z):
    """log(1 + e^z) = log(e^0 + e^z), by `logaddexp`, which never overflows and whose JAX gradient at z = 0 is the
    right σ(0) = 1/2 (the form max(z, 0) + log1p(e^-|z|) gets 0 there, from the kinks of max and |z|)."""
    xp = array_module(z)
    return xp.logaddexp(0.0, z)


def binary_cross_entropy(logits, labels):
    """Mean binary cross-entropy from one logit per example.

    logits: (batch, 1) or (batch,); labels: 0 or 1, shape (batch,) or (batch, 1). Other labels (2, -1)
    raise a ValueError on concrete arrays.
    -log σ(z) = softplus(-z) for label 1 and -log(1 - σ(z)) = softplus(z) for label 0: no exp overflows.
    """
    labels = _as_array(labels)
    z = logits.reshape(-1)
    if labels.size != z.size:
        raise ShapeError(f"binary_cross_entropy: {z.size} logits (shape {logits.shape}) but {labels.size} labels "
                         f"(shape {labels.shape}); use one logit per example.")
    check_binary_labels(labels)
    xp = array_module(logits)
    is_one = labels.reshape(-1) == 1
    # Choosing a branch (rather than y * softplus(-z) + (1 - y) * softplus(z)) keeps z = ±inf from giving 0 * inf.
    return xp.mean(xp.where(is_one, softplus(-z), softplus(z)))


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


def loss_value(params, x, y, activation="relu", loss="cross_entropy", output=None, l1=0.0, l2=0.0):
    """Forward pass plus loss: the single number training makes smaller. Differentiable by `jax.grad`.

    The default loss is "cross_entropy", as in `fit`: y holds class labels and the network one output per class.

    >>> import jax, numpy as np
    >>> from course_lib.initializers import init_mlp
    >>> params = init_mlp([2, 3, 2], seed=0)
    >>> grads = jax.grad(loss_value)(params, np.ones((4, 2)), np.array([0, 1, 1, 0]))
    >>> grads[0]["W"].shape
    (2, 3)
    """
    outputs = forward(params, x, activation=activation, output=output_for_loss(loss, output))
    check_targets(loss, y, n_outputs=outputs.shape[1], n_examples=outputs.shape[0])   # errors that say "y"
    return compute_loss(loss, outputs, y) + weight_penalty(params, l1, l2)


def probabilities(logits):
    """Class probabilities from logits: a sigmoid for one column, a softmax for several."""
    if logits.shape[-1] == 1:
        return sigmoid(logits)
    return softmax(logits)

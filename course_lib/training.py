"""Training: repeat "forward, loss, gradient, step" over mini-batches, epoch after epoch.

`fit` runs one whole epoch as a single compiled program: the data goes to the device once; each epoch
NumPy draws a shuffled order of the examples (cheap on the host), and the compiled epoch `jax.lax.scan`s the
training step over the mini-batches in that order under `jax.jit`. Python only loops over epochs.

Compiled epochs are kept on disk between sessions (JAX's persistent compilation cache), so that a restarted
kernel does not compile the same epoch again: compiling is most of the first `fit`'s time (about 0.5 s of
0.8 s for the digits network; 0.25 s with the cache filled). This module is the one place that sets it up,
when it is first imported (`import course_lib` alone does not import JAX or this module):
- the directory is ~/.cache/course_lib/jax-<JAX version>-<machine> ($XDG_CACHE_HOME is respected), one per
  JAX version and CPU, so a home directory shared by different machines never mixes their programs;
- COURSE_LIB_COMPILATION_CACHE=0 (or off, false, no, empty) switches it off; any other value is the directory
  to use instead;
- if JAX's own cache is configured already (jax_compilation_cache_dir, JAX_COMPILATION_CACHE_DIR) or switched
  off (jax_enable_compilation_cache), course_lib leaves JAX's settings alone;
- only what `fit` compiles is written (JAX's minimum compile time is lowered to 0 while `fit` runs, and put
  back after); a failure to read or write an entry only means compiling again, so its warning is not shown.
The cached program is the one XLA compiled, so the numbers are identical with and without it. The
directory is not cleaned up automatically (a few MB for the whole course); delete it at any time.

>>> from course_lib import datasets, init_mlp
>>> data = datasets.load("xor", n=200, seed=0)
>>> params = init_mlp([2, 8, 1], seed=0)
>>> params, history = fit(params, data.x_train, data.y_train, epochs=100, lr=0.5, batch_size=16,
...                       activation="tanh", loss="binary_cross_entropy")
>>> history["train_accuracy"][-1] > 0.9
True
"""
import contextlib
import functools
import hashlib
import math
import os
import platform
import warnings
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np

from course_lib.losses import CLASSIFICATION_LOSSES, compute_loss, output_for_loss, weight_penalty
from course_lib.network import check_shapes, forward, predict
from course_lib.optimizers import get_optimizer

# How many epochs may be dispatched before Python looks at the losses (for NaN): looking forces a wait,
# so looking less often lets the next epochs queue up behind the running one.
CHECK_EVERY = 8


CACHE_VARIABLE = "COURSE_LIB_COMPILATION_CACHE"
_CACHE_OFF = ("", "0", "off", "false", "no")


def _machine_tag():
    """A short name for this kind of CPU (model and instruction-set flags): compiled code is specific to it."""
    description = [platform.machine(), platform.processor()]
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith(("model name", "flags", "Features", "CPU part")):
                    description.append(line.strip())
                elif not line.strip():
                    break                     # the first processor's entry is enough
    except OSError:
        pass
    return hashlib.sha256("\n".join(description).encode()).hexdigest()[:12]


def compilation_cache_dir(environ=None):
    """The directory course_lib keeps compiled programs in, or None when COURSE_LIB_COMPILATION_CACHE is off."""
    environ = os.environ if environ is None else environ
    setting = environ.get(CACHE_VARIABLE)
    if setting is not None:
        return None if setting.strip().lower() in _CACHE_OFF else Path(setting).expanduser()
    base = Path(environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "course_lib" / f"jax-{jax.__version__}-{_machine_tag()}"


def _enable_compilation_cache():
    """Point JAX's persistent compilation cache at compilation_cache_dir(); return the directory, or None when
    it stays off (switched off, JAX's cache configured by the user, or the directory cannot be written)."""
    if jax.config.jax_compilation_cache_dir is not None or not jax.config.jax_enable_compilation_cache:
        return None
    path = compilation_cache_dir()
    if path is None:
        return None
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    if not os.access(path, os.W_OK):
        return None
    jax.config.update("jax_compilation_cache_dir", str(path))
    warnings.filterwarnings("ignore", message="Error (reading|writing) persistent compilation cache entry")
    return path


COMPILATION_CACHE = _enable_compilation_cache()


@contextlib.contextmanager
def _cache_every_compile():
    """While fit runs, write every program it compiles to course_lib's cache (JAX's default threshold, 1 s
    of compile time, would skip the digits epoch's 0.5 s); other code keeps JAX's default."""
    if COMPILATION_CACHE is None:
        yield
        return
    name = "jax_persistent_cache_min_compile_time_secs"
    before = getattr(jax.config, name)
    jax.config.update(name, 0.0)
    try:
        yield
    finally:
        jax.config.update(name, before)


class TrainingDiverged(FloatingPointError):
    """The loss became NaN or infinite. `.epoch`, `.history` and `.params` (the last finite ones) are attached."""

    def __init__(self, message, epoch, params, history):
        super().__init__(message)
        self.epoch, self.params, self.history = epoch, params, history


def accuracy(params, x, y, activation="relu"):
    """Fraction of examples whose predicted class is the true one (labels as integers or one-hot).

    >>> import numpy as np
    >>> always_class_1 = [{"W": np.zeros((2, 2)), "b": np.array([0.0, 1.0])}]
    >>> accuracy(always_class_1, np.zeros((4, 2)), np.array([1, 1, 0, 1]))
    0.75
    """
    predicted = np.asarray(predict(params, x, activation=activation))
    labels = np.asarray(y)
    if labels.ndim == 2 and labels.shape[1] > 1:
        labels = labels.argmax(axis=1)
    return float(np.mean(predicted == labels.reshape(predicted.shape)))


def _batch_accuracy(loss, logits, y):
    """Accuracy of a batch inside the compiled epoch (jnp only)."""
    if loss == "binary_cross_entropy":
        return jnp.mean((logits.reshape(-1) > 0) == (y.reshape(-1) > 0.5))
    labels = y.argmax(axis=1) if y.ndim == 2 else y
    return jnp.mean(logits.argmax(axis=1) == labels)


@functools.lru_cache(maxsize=64)
def _compiled_epoch(activation, loss, output, optimizer_name, l1, l2, n, batch_size, has_val):
    """Build (once per configuration) the jitted function that trains one epoch and measures it."""
    classification = loss in CLASSIFICATION_LOSSES
    n_batches = n // batch_size

    def loss_and_outputs(params, x, y):
        outputs = forward(params, x, activation=activation, output=output)
        return compute_loss(loss, outputs, y) + weight_penalty(params, l1, l2), outputs

    value_and_grad = jax.value_and_grad(loss_and_outputs, has_aux=True)

    full_batch = batch_size == n

    def run_epoch(params, opt_state, lr, batch_order, x, y, x_val, y_val):
        optimizer = get_optimizer(optimizer_name, lr)

        def train_step(carry, batch_indices):
            params, opt_state = carry
            # Full batch: every example, in any order, so no need to gather a shuffled copy.
            x_batch, y_batch = (x, y) if full_batch else (x[batch_indices], y[batch_indices])
            (batch_loss, outputs), grads = value_and_grad(params, x_batch, y_batch)
            params, opt_state = optimizer.update(params, grads, opt_state)
            batch_acc = _batch_accuracy(loss, outputs, y_batch) if classification else 0.0
            return (params, opt_state), (batch_loss, batch_acc)

        # Full batch: batch_order is None and the one step needs no indices (scan over nothing, length 1).
        (params, opt_state), (losses, accs) = jax.lax.scan(train_step, (params, opt_state), batch_order,
                                                           length=n_batches)
        # The mean of the mini-batch losses seen during the epoch, as Keras reports it.
        metrics = [losses.mean()]
        if classification:
            metrics.append(jnp.mean(accs))
        if has_val:
            val_loss, val_outputs = loss_and_outputs(params, x_val, y_val)
            metrics.append(val_loss)
            if classification:
                metrics.append(_batch_accuracy(loss, val_outputs, y_val))
        # A tuple in the order of _metric_names. (Stacking them into one vector let XLA fuse the validation
        # loss differently, changing it in the last bit: the scalars stay separate outputs.)
        return params, opt_state, tuple(metrics)

    return jax.jit(run_epoch)


def _metric_names(loss, has_val):
    """The names of the values in the vector a compiled epoch returns, in order."""
    classification = loss in CLASSIFICATION_LOSSES
    names = ["train_loss"] + (["train_accuracy"] if classification else [])
    if has_val:
        names += ["val_loss"] + (["val_accuracy"] if classification else [])
    return tuple(names)


# Inputs are converted with NumPy and then sent to the device (`jax.device_put`, after the checks): a
# conversion done by JAX (jnp.asarray(x, dtype), y.astype) is an eager XLA operation, compiled once per
# process for each shape and dtype, and that costs about 10 ms apiece in a fresh kernel. Arrays that are
# already JAX arrays stay where they are.

def _as_float_array(x, dtype):
    if isinstance(x, jax.Array):
        return x if x.dtype == dtype else x.astype(dtype)
    return np.asarray(x, dtype=dtype)


def _as_targets(y, loss, dtype):
    if not isinstance(y, jax.Array):
        y = np.asarray(y)
    wanted = np.int32 if loss == "cross_entropy" and y.ndim == 1 else dtype
    return y if y.dtype == wanted else y.astype(wanted)


def _check_targets(y, n, loss):
    if y.shape[0] != n:
        raise ValueError(f"x has {n} examples but y has {y.shape[0]}: they must have the same first dimension.")
    if loss == "mse" and y.ndim != 2:
        raise ValueError(f"For the 'mse' loss, y must be 2-D (batch, n_outputs); got shape {y.shape}. "
                         "Try y.reshape(-1, 1).")


def fit(params, x, y, *, epochs, lr, batch_size=None, activation="relu", loss="cross_entropy", output=None,
        optimizer="sgd", seed=0, key=None, x_val=None, y_val=None, snapshot_every=None, l1=0.0, l2=0.0,
        on_divergence="raise"):
    """Train `params` on (x, y) and return `(params, history)`.

    epochs: passes over the training data. lr: learning rate. batch_size: examples per step (None = all;
    when it does not divide the number of examples, each epoch leaves out the few that don't fill a batch).
    activation: hidden-layer activation (a name, or one per hidden layer). loss: "mse", "cross_entropy" or
    "binary_cross_entropy" (the cross-entropies expect a "linear" output: logits). optimizer: "sgd",
    "momentum" or "adam". seed / key: the shuffling order. x_val, y_val: measured after every epoch.
    snapshot_every: keep a copy of the parameters every that many epochs (and at epoch 0 and the end),
    for replaying training. l1, l2: weight penalties. on_divergence: "raise" a TrainingDiverged error
    (default) or "stop": print the message and return what was trained before the loss broke.

    history: {"epoch": [1, 2, ...], "train_loss": [...], "train_accuracy": [...] (classification),
    "val_loss", "val_accuracy" (with validation data), "snapshots": [{"epoch": e, "params": ...}, ...]}.
    """
    if on_divergence not in ("raise", "stop"):
        raise ValueError(f"on_divergence must be 'raise' or 'stop'; got {on_divergence!r}.")
    output = output_for_loss(loss, output)
    dtype = jax.dtypes.canonicalize_dtype(params[0]["W"].dtype)   # float64 weights train in float32 without x64
    x = _as_float_array(x, dtype)
    check_shapes(params, x)
    n = x.shape[0]
    y = _as_targets(y, loss, dtype)
    _check_targets(y, n, loss)
    batch_size = n if batch_size is None else int(batch_size)
    if not 1 <= batch_size <= n:
        raise ValueError(f"batch_size must be between 1 and the number of examples ({n}); got {batch_size}.")
    has_val = x_val is not None and y_val is not None
    if has_val:
        x_val = _as_float_array(x_val, dtype)
        y_val = _as_targets(y_val, loss, dtype)
        check_shapes(params, x_val)
        _check_targets(y_val, x_val.shape[0], loss)
    else:
        x_val = y_val = None      # nothing to transfer; the compiled epoch without validation ignores them

    if isinstance(activation, list):
        activation = tuple(activation)
    run_epoch = _compiled_epoch(activation, loss, output, optimizer, float(l1), float(l2), n, batch_size, has_val)
    # One transfer for everything that is not on the device yet.
    params = jax.tree.map(lambda a: a if isinstance(a, jax.Array) else np.asarray(a), params)
    params, x, y, x_val, y_val = jax.device_put((params, x, y, x_val, y_val))
    with _cache_every_compile():     # the first epoch compiles (or loads from the cache) the program
        opt_state = get_optimizer(optimizer, lr).init(params)
        lr = np.asarray(lr, dtype)
        shuffler = np.random.default_rng(seed if key is None else np.asarray(jax.random.key_data(key)))
        n_batches = n // batch_size
        metric_names = _metric_names(loss, has_val)

        history = {"epoch": []}
        snapshots = []
        if snapshot_every:
            snapshots.append({"epoch": 0, "params": jax.device_get(params)})
        pending = []   # (epoch, params before it, metrics) not yet looked at
        for epoch in range(1, epochs + 1):
            params_before = params
            # This epoch's mini-batches: a fresh shuffle, cut into rows of batch_size example indices (the last
            # n % batch_size examples of the shuffle sit this epoch out). At full batch the order does not matter
            # (the step sums over every example), so there is nothing to draw or to send.
            batch_order = None
            if batch_size < n:
                batch_order = shuffler.permutation(n)[: n_batches * batch_size].reshape(n_batches, batch_size)
                batch_order = batch_order.astype(np.int32)
            params, opt_state, metrics = run_epoch(params, opt_state, lr, batch_order, x, y, x_val, y_val)
            pending.append((epoch, params_before, metrics))
            if snapshot_every and (epoch % snapshot_every == 0 or epoch == epochs):
                snapshots.append({"epoch": epoch, "params": jax.device_get(params)})
            if len(pending) == CHECK_EVERY or epoch == epochs:
                diverged = _record(history, pending, metric_names)
                if diverged is not None:
                    return _diverged(diverged, history, snapshots, lr, on_divergence)
                pending = []
        if snapshot_every:
            history["snapshots"] = snapshots
        return params, history


def _record(history, pending, names):
    """Move the pending epochs' metrics into history; return the first (epoch, params before) that broke.

    Every pending epoch's metrics come back in one device_get (one wait for all, not one per value)."""
    fetched = jax.device_get([metrics for _, _, metrics in pending])
    for (epoch, params_before, _), metrics in zip(pending, fetched):
        values = {name: float(value) for name, value in zip(names, metrics)}
        if not math.isfinite(values["train_loss"]):
            return epoch, params_before, values["train_loss"]
        history["epoch"].append(epoch)
        for name, value in values.items():
            history.setdefault(name, []).append(value)
    return None


def _diverged(diverged, history, snapshots, lr, on_divergence):
    epoch, params_before, value = diverged
    lr = float(lr)
    message = (f"Training diverged: the loss became {value} at epoch {epoch} (learning rate {lr:g}). "
               f"The steps are too large and overshoot; try a smaller learning rate, e.g. lr={lr / 10:g}.")
    if snapshots:
        history["snapshots"] = snapshots
    history["diverged"] = message
    if on_divergence == "raise":
        raise TrainingDiverged(message, epoch, params_before, history)
    print(message)
    return params_before, history

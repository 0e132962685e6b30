"""Training: make the loss smaller by repeating one small step, thousands of times.

A training step takes a mini-batch of examples (x, y) and
1. runs the network forward to get its outputs,
2. measures how wrong they are with the loss (one number),
3. asks `jax.grad` for the gradient: how the loss changes when each weight changes a little,
4. lets the optimizer move every weight a small step against its gradient (plain SGD: w ← w − lr · g).
One pass over all the training examples, mini-batch after mini-batch, is an *epoch*; training is many epochs.

`train_step` below is exactly that, and everything else in this module only repeats it quickly:
- `TrainState` holds what training carries from step to step: the weights, the optimizer's memory (momentum,
  Adam's averages) and the number of finished epochs. Give it back to `fit` and training resumes exactly
  where it stopped.
- `batch_order(n, batch_size, epoch, seed)` is the shuffled order of the examples in each epoch. It depends
  only on (seed, epoch), so 10 epochs and then 10 more visit the same batches as 20 epochs in one go.
- `train_epochs` runs many epochs of `train_step` as ONE compiled program: NumPy draws the batch orders on the
  host, the program (`jax.jit` of two nested `jax.lax.scan`s: epochs, then the batches of an epoch) runs the
  steps on the device and returns the metrics of every epoch. `fit`, the Playground (notebook 10) and
  `course_lib.devices.data_parallel_fit` all train with `train_step`, `batch_order`, `accuracy_from_outputs`
  and `divergence_message` from here.
- `fit(params, x, y, ...)` checks its arguments, then calls `train_epochs` until the epochs are done.

The history every trainer returns has one schema (documented once, here):
    {"epoch": [1, 2, ...],
     "train_loss": [...],       the mean over the epoch's mini-batches of the data loss (no weight penalty)
     "train_accuracy": [...],   classification only: the share of the epoch's training examples classified right
     "val_loss": [...],         with validation data: the data loss on it after the epoch
     "val_accuracy": [...]}     with validation data, classification only
plus, from `fit`, "snapshots" (with snapshot_every) and "diverged" (the message, when the loss broke).

>>> from course_lib import datasets, init_mlp
>>> data = datasets.load("xor", n=200, seed=0)
>>> params = init_mlp([2, 8, 1], seed=0)
>>> params, history = fit(params, data.x_train, data.y_train, epochs=100, lr=0.5, batch_size=16,
...                       activation="tanh", loss="binary_cross_entropy")
>>> history["train_accuracy"][-1] > 0.9
True
"""
import functools
import math
import numbers
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from course_lib import compilation_cache
from course_lib.arrays import array_module
from course_lib.datasets import check_examples
from course_lib.dropout import check_rate
from course_lib.dropout import forward as dropout_forward
from course_lib.losses import CLASSIFICATION_LOSSES, check_targets, compute_loss, output_for_loss, weight_penalty
from course_lib.network import check_shapes, forward
from course_lib.optimizers import OPTIMIZERS, get_optimizer


class TrainState(NamedTuple):
    """What training carries from one step to the next (a pytree, so it can go through `jax.jit`)."""
    params: list          # [{"W": (n_in, n_out), "b": (n_out,)}, ...]
    opt_state: object     # the optimizer's memory: () for SGD, velocities for momentum, averages for Adam
    epoch: int = 0        # epochs finished so far


def train_step(state, x, y, *, optimizer, activation="relu", loss="cross_entropy", output=None, l1=0.0, l2=0.0,
               dropout=0.0, key=None):
    """One step of gradient descent on one mini-batch. Returns (new state, (data loss, outputs)).

    `optimizer` is an `(init, update)` pair from course_lib.optimizers, e.g. `sgd(lr=0.1)`. `output`: the output
    layer's activation for "mse" (e.g. "sigmoid"; the cross-entropies take logits). With `dropout` > 0 a
    random share of the hidden units is switched off in this step (course_lib.dropout), drawn from `key`.

    >>> from course_lib import init_mlp, sgd
    >>> state = TrainState(init_mlp([2, 3, 1], seed=0), opt_state=())
    >>> x, y = np.ones((4, 2), np.float32), np.zeros(4, np.float32)
    >>> state, (batch_loss, outputs) = train_step(state, x, y, optimizer=sgd(0.1), loss="binary_cross_entropy")
    >>> outputs.shape
    (4, 1)
    """
    def objective(params):
        if dropout:
            outputs = dropout_forward(params, x, rate=dropout, key=key, training=True, activation=activation)
        else:
            outputs = forward(params, x, activation=activation, output=output_for_loss(loss, output))
        data_loss = compute_loss(loss, outputs, y)
        return data_loss + weight_penalty(params, l1, l2), (data_loss, outputs)

    grads, (data_loss, outputs) = jax.grad(objective, has_aux=True)(state.params)
    params, opt_state = optimizer.update(state.params, grads, state.opt_state)
    return state._replace(params=params, opt_state=opt_state), (data_loss, outputs)


def new_train_state(params, optimizer="sgd"):
    """A TrainState at epoch 0: the weights and a fresh optimizer memory for `optimizer`.

    >>> from course_lib import init_mlp
    >>> new_train_state(init_mlp([2, 1]), "momentum").opt_state[0]["W"].shape
    (2, 1)
    """
    return TrainState(params, get_optimizer(optimizer, 0.0).init(params), 0)


# ------------------------------------------------------------------------------------ what every trainer shares


def accuracy_from_outputs(outputs, labels):
    """The share of examples whose predicted class is the true one, from the network's outputs (logits).

    One output column means two classes (class 1 when the logit is positive); several columns mean one class per
    column (the largest wins). Labels are class numbers (n,), one-hot rows (n, classes) or 0/1 values. Works on
    NumPy and JAX arrays (and inside jit): training, the Playground and the widgets all use it.

    >>> float(accuracy_from_outputs(np.array([[2.0, 0.0], [0.0, 1.0]]), np.array([0, 0])))
    0.5
    >>> float(accuracy_from_outputs(np.array([[-1.0], [3.0]]), np.array([0, 1])))
    1.0
    """
    xp = array_module(outputs)
    if outputs.shape[1] == 1:
        predicted = outputs[:, 0] > 0
        labels = labels.reshape(-1) > 0.5
    else:
        predicted = outputs.argmax(axis=1)
        labels = labels.argmax(axis=1) if labels.ndim == 2 else labels
    return xp.mean(predicted == labels)


def accuracy(params, x, y, activation="relu"):
    """Fraction of examples whose predicted class is the true one (labels as integers or one-hot).

    >>> always_class_1 = [{"W": np.zeros((2, 2)), "b": np.array([0.0, 1.0])}]
    >>> accuracy(always_class_1, np.zeros((4, 2)), np.array([1, 1, 0, 1]))
    0.75
    """
    outputs = np.asarray(forward(params, x, activation=activation))
    return float(accuracy_from_outputs(outputs, np.asarray(y)))


def batch_order(n, batch_size, epoch, seed=0):
    """The mini-batches of epoch `epoch` (1, 2, ...): example indices of shape (n // batch_size, batch_size).

    A fresh shuffle of the n examples, cut into batches; the last n % batch_size examples of the shuffle sit
    this epoch out. seed is a whole number (or a tuple of them). It depends only on (seed, epoch), so training can stop and resume without changing the
    order, and every trainer (fit, the Playground, data-parallel training) visits the same batches.

    >>> batch_order(10, 4, epoch=1).shape
    (2, 4)
    >>> bool((batch_order(10, 4, epoch=3, seed=7) == batch_order(10, 4, epoch=3, seed=7)).all())
    True
    """
    n_batches = n // batch_size
    shuffled = np.random.default_rng([*np.atleast_1d(seed).tolist(), 1, epoch]).permutation(n)
    return shuffled[: n_batches * batch_size].reshape(n_batches, batch_size).astype(np.int32)


class TrainingDiverged(FloatingPointError):
    """The loss became NaN or infinite. `.epoch`, `.history` and `.params` (the last finite ones) are attached."""

    def __init__(self, message, epoch, params, history):
        super().__init__(message)
        self.epoch, self.params, self.history = epoch, params, history


def divergence_message(value, epoch, lr):
    """What every trainer says when the loss becomes NaN or infinite during epoch `epoch`."""
    lr = float(lr)
    return (f"Training diverged: the loss became {value} at epoch {epoch} (learning rate {lr:g}). "
            f"The steps are too large and overshoot; start again from the initial weights with a smaller "
            f"learning rate, e.g. lr={lr / 10:g}.")


def metric_names(loss, has_val):
    """The history's metric names for a loss, in order (see the schema in the module docstring)."""
    classification = loss in CLASSIFICATION_LOSSES
    names = ["train_loss"] + (["train_accuracy"] if classification else [])
    if has_val:
        names += ["val_loss"] + (["val_accuracy"] if classification else [])
    return tuple(names)


# ------------------------------------------------------------------------------------------ the compiled core

EPOCHS_PER_CALL = 25   # epoch slots of one compiled call: any number of epochs up to it uses the same program


@functools.lru_cache(maxsize=64)
def _compiled_epochs(activation, loss, optimizer_name, l1, l2, full_batch, has_val, dropout=0.0, output=None):
    """The jitted program that trains up to EPOCHS_PER_CALL epochs (built once per setting).

    It gets the batch orders of every epoch slot, shape (slots, n_batches, batch_size), and runs the first
    `n_epochs` slots; the others are skipped (`jax.lax.cond`), so a call for 1 epoch (a Playground step) and
    one for 25 share one compilation. At full batch there are no orders: every step sees (x, y) whole.
    With dropout, step s of epoch e draws its units from `fold_in(fold_in(key(seed), e), s)`: resumable too.
    """
    classification = loss in CLASSIFICATION_LOSSES
    names = metric_names(loss, has_val)

    def run_epochs(state, lr, batch_orders, n_epochs, x, y, x_val, y_val, seed):
        optimizer = get_optimizer(optimizer_name, lr)
        step = functools.partial(train_step, optimizer=optimizer, activation=activation, loss=loss, output=output,
                                 l1=l1, l2=l2, dropout=dropout)

        def one_batch(state, batch):
            indices, number = batch
            # Full batch: every example, in any order, so there is no shuffled copy to gather.
            x_batch, y_batch = (x, y) if full_batch else (x[indices], y[indices])
            key = jax.random.fold_in(jax.random.fold_in(jax.random.key(seed), state.epoch + 1), number) \
                if dropout else None
            state, (batch_loss, outputs) = step(state, x_batch, y_batch, key=key)
            batch_accuracy = accuracy_from_outputs(outputs, y_batch) if classification else 0.0
            return state, (batch_loss, batch_accuracy)

        def train_one_epoch(state, orders):
            if full_batch:     # one step on everything: no loop to compile
                state, (losses, accuracies) = one_batch(state, (None, 0))
            else:
                numbers = jnp.arange(orders.shape[0])
                state, (losses, accuracies) = jax.lax.scan(one_batch, state, (orders, numbers))
            metrics = {"train_loss": losses.mean()}
            if classification:
                metrics["train_accuracy"] = accuracies.mean()
            if has_val:
                val_outputs = forward(state.params, x_val, activation=activation, output=output_for_loss(loss, output))
                metrics["val_loss"] = compute_loss(loss, val_outputs, y_val)
                if classification:
                    metrics["val_accuracy"] = accuracy_from_outputs(val_outputs, y_val)
            return state._replace(epoch=state.epoch + 1), metrics

        def skip_epoch(state, orders):
            return state, {name: jnp.zeros((), x.dtype) for name in names}

        def epoch_slot(state, slot):
            number, orders = slot
            return jax.lax.cond(number < n_epochs, train_one_epoch, skip_epoch, state, orders)

        numbers = jnp.arange(EPOCHS_PER_CALL)
        return jax.lax.scan(epoch_slot, state, (numbers, batch_orders))

    return jax.jit(run_epochs)


def _slots(n, batch_size, first_epoch, n_epochs, seed):
    """The batch orders of epochs first_epoch + 1 ... + n_epochs, padded with copies to EPOCHS_PER_CALL slots."""
    if batch_size == n:
        return None
    orders = [batch_order(n, batch_size, epoch, seed) for epoch in range(first_epoch + 1, first_epoch + n_epochs + 1)]
    orders += [orders[0]] * (EPOCHS_PER_CALL - n_epochs)
    return np.stack(orders)


def _arguments(state, x, y, x_val, y_val, *, lr, batch_size, seed, n_epochs, activation, loss, optimizer,
               l1, l2, dropout=0.0, output=None):
    program = _compiled_epochs(activation, loss, optimizer, float(l1), float(l2), batch_size == len(x),
                               x_val is not None, float(dropout), output)
    device_state = TrainState(state.params, state.opt_state, np.int32(state.epoch))
    # The dropout masks' seed: the shuffling seed (a key's data folded into one number).
    dropout_seed = np.uint32(int(np.bitwise_xor.reduce(np.atleast_1d(np.asarray(seed, np.uint64)))) % 2**32)
    args = (device_state, np.asarray(lr, x.dtype), _slots(len(x), batch_size, state.epoch, n_epochs, seed),
            np.int32(n_epochs), x, y, x_val, y_val, dropout_seed)
    return program, args


_compiled_ahead = {}    # (program, shapes of the arguments) -> a compiled executable, or a Future of one


def _signature(program, args):
    leaves, structure = jax.tree.flatten(args)
    return program, structure, tuple((np.shape(a), str(a.dtype if hasattr(a, "dtype") else np.result_type(a)))
                                     for a in leaves)


def compile_ahead(state, x, y, x_val=None, y_val=None, *, still_wanted=None, **settings):
    """Start compiling, in a background thread, the program `train_epochs` will need for these arguments.

    The Playground calls it as soon as the network changes, so that the next step does not wait for a compile.
    Takes the same arguments as `train_epochs`, plus `still_wanted`: a function checked when the compile's turn
    comes, which skips it when it returns False (the student has moved on). Returns a Future of the compiled
    program (of None when skipped).
    """
    program, args = _arguments(state, x, y, x_val, y_val, n_epochs=1, **settings)
    signature = _signature(program, args)
    if signature not in _compiled_ahead:
        def compile_it():
            if still_wanted is not None and not still_wanted():
                del _compiled_ahead[signature]
                return None
            with compilation_cache.every_compile():
                return program.lower(*args).compile()
        _compiled_ahead[signature] = _compiler().submit(compile_it)
    return _compiled_ahead[signature]


@functools.lru_cache(maxsize=1)
def _compiler():
    from concurrent.futures import ThreadPoolExecutor
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="course_lib-compile")


def train_epochs(state, x, y, x_val=None, y_val=None, *, epochs, lr, batch_size, seed=0, activation="relu",
                 loss="cross_entropy", output=None, optimizer="sgd", l1=0.0, l2=0.0, dropout=0.0):
    """Train `epochs` (1 to EPOCHS_PER_CALL) epochs from `state` in one compiled call: the core of every trainer.

    x, y (and x_val, y_val) are arrays ready for the network: float inputs, targets as the loss wants them.
    Returns (new state, metrics) where metrics maps each name of `metric_names(loss, has_val)` to a NumPy
    array with one value per epoch. No checks here: `fit` checks its arguments before it calls this.
    """
    program, args = _arguments(state, x, y, x_val, y_val, lr=lr, batch_size=batch_size, seed=seed,
                               n_epochs=epochs, activation=activation, loss=loss, optimizer=optimizer, l1=l1, l2=l2,
                               dropout=dropout, output=output)
    ahead = _compiled_ahead.get(_signature(program, args))
    compiled = ahead.result() if ahead is not None else None     # waits if it is being compiled right now
    with compilation_cache.every_compile():    # the first call compiles the program (or loads it from the cache)
        new_state, metrics = (compiled or program)(*args)
    metrics = {name: values[:epochs] for name, values in jax.device_get(metrics).items()}
    return new_state._replace(epoch=int(state.epoch) + epochs), metrics


def train_until(state, x, y, x_val=None, y_val=None, *, epochs, lr, **settings):
    """Train `epochs` more epochs, EPOCHS_PER_CALL at a time, stopping at the first epoch whose loss is not finite.

    Returns (state, metrics, diverged): metrics as in `train_epochs` for the epochs trained; diverged is None, or
    (epoch, loss value, message), and then the state is the one before that epoch (the last finite weights:
    the epochs before it are trained again, which gives the same numbers since the batch orders depend only on
    the epoch). `fit` and the Playground both train with it.
    """
    collected = []
    while epochs > 0:
        n = min(epochs, EPOCHS_PER_CALL)
        new_state, metrics = train_epochs(state, x, y, x_val, y_val, epochs=n, lr=lr, **settings)
        broken = np.flatnonzero(~np.isfinite(metrics["train_loss"]))
        if broken.size:
            finite_epochs = int(broken[0])
            value = float(metrics["train_loss"][finite_epochs])
            if finite_epochs:
                state, metrics = train_epochs(state, x, y, x_val, y_val, epochs=finite_epochs, lr=lr, **settings)
                collected.append(metrics)
            epoch = state.epoch + 1
            return state, _concatenate(collected), (epoch, value, divergence_message(value, epoch, lr))
        collected.append(metrics)
        state, epochs = new_state, epochs - n
    return state, _concatenate(collected), None


def _concatenate(chunks):
    if not chunks:
        return {}
    return {name: np.concatenate([chunk[name] for chunk in chunks]) for name in chunks[0]}


# ---------------------------------------------------------------------------------------------------- fit


def fit(params, x, y, *, epochs, lr, batch_size=None, activation="relu", loss="cross_entropy", output=None,
        optimizer="sgd", seed=0, key=None, x_val=None, y_val=None, snapshot_every=None, l1=0.0, l2=0.0,
        dropout=0.0, on_divergence="raise", on_progress=None):
    """Train `params` on (x, y) and return `(params, history)`.

    params: a params list, or a `TrainState` to resume from (then a TrainState is returned, and training goes on
    from its epoch with its optimizer memory: fit for 10 epochs twice gives the same weights as fit for 20).
    epochs: passes over the training data. lr: learning rate. batch_size: examples per step (None = all;
    when it does not divide the number of examples, each epoch leaves out the few that don't fill a batch).
    activation: hidden-layer activation (a name, or one per hidden layer). loss: "cross_entropy" (several
    classes), "binary_cross_entropy" (two classes, one output column) or "mse"; the cross-entropies expect a
    "linear" output (logits). optimizer: "sgd", "momentum" or "adam". seed / key: the shuffling order.
    x_val, y_val: measured after every epoch. snapshot_every: keep a copy of the parameters every that many
    epochs (and at the start and the end), for replaying training. l1, l2: weight penalties. dropout: the share of
    hidden units switched off at random in every step (0 = none; course_lib.dropout), drawn from the seed.
    on_divergence: "raise" a TrainingDiverged error (default) or "stop": print the message and return what was
    trained before the loss broke. on_progress: a function called with the history so far after every compiled
    call (at most EPOCHS_PER_CALL epochs apart), e.g. a live curve's update:
    `curve = widgets.LossCurve.for_training(epochs=200); fit(..., on_progress=curve.update)`.

    history: see the schema in this module's docstring, plus "snapshots": [{"epoch": e, "params": ...}, ...].
    """
    resuming = isinstance(params, TrainState)
    state, x, y, x_val, y_val, batch_size, seed, settings = _prepare(
        params, x, y, epochs=epochs, lr=lr, batch_size=batch_size, activation=activation, loss=loss, output=output,
        optimizer=optimizer, seed=seed, key=key, x_val=x_val, y_val=y_val, snapshot_every=snapshot_every, l1=l1,
        l2=l2, dropout=dropout, on_divergence=on_divergence)
    start = state.epoch
    history = {"epoch": []}
    snapshots = [{"epoch": start, "params": jax.device_get(state.params)}] if snapshot_every else []
    done = 0
    while done < epochs:
        # One compiled call at a time, stopping at the next snapshot (or the end).
        n = min(epochs - done, EPOCHS_PER_CALL)
        if snapshot_every:
            n = min(n, snapshot_every - (state.epoch % snapshot_every))
        state, metrics, diverged = train_until(state, x, y, x_val, y_val, epochs=n, lr=lr, batch_size=batch_size,
                                               seed=seed, **settings)
        trained = len(metrics.get("train_loss", ()))
        history["epoch"] += list(range(state.epoch - trained + 1, state.epoch + 1))
        for name, values in metrics.items():
            history.setdefault(name, []).extend(float(v) for v in values)
        done += trained
        if diverged is not None:
            return _diverged(diverged, state, history, snapshots, on_divergence, resuming)
        if snapshot_every and (state.epoch % snapshot_every == 0 or done == epochs):
            snapshots.append({"epoch": state.epoch, "params": jax.device_get(state.params)})
        if on_progress is not None:
            on_progress(history)
    for name in metric_names(loss, x_val is not None):
        history.setdefault(name, [])
    if snapshot_every:
        history["snapshots"] = snapshots
    return (state if resuming else state.params), history


def _prepare(params, x, y, *, epochs, lr, batch_size, activation, loss, output, optimizer, seed, key, x_val, y_val,
             snapshot_every, l1, l2, dropout, on_divergence):
    """fit's arguments checked and made ready: (state on the device, x, y, x_val, y_val, batch_size, seed,
    the settings train_epochs takes). `compile_fit_ahead` prepares the same way, so it compiles the same program."""
    settings = _check_settings(epochs=epochs, lr=lr, activation=activation, loss=loss, output=output,
                               optimizer=optimizer, l1=l1, l2=l2, on_divergence=on_divergence,
                               snapshot_every=snapshot_every)
    settings["dropout"] = check_rate(dropout)
    if settings["dropout"] and output_for_loss(loss, output) != "linear":
        raise ValueError(f"dropout trains a network with a linear output (logits); output={output!r} is not "
                         "supported with it. Use a cross-entropy loss on logits, or train without dropout.")
    state = _check_state(params, optimizer) if isinstance(params, TrainState) else new_train_state(params, optimizer)
    dtype = jax.dtypes.canonicalize_dtype(state.params[0]["W"].dtype)  # float64 weights train in float32 without x64
    x, y = _check_data(state.params, x, y, loss, dtype, "x", "y")
    if x_val is not None or y_val is not None:
        x_val, y_val = _check_data(state.params, x_val, y_val, loss, dtype, "x_val", "y_val")
    batch_size = _check_batch_size(batch_size, len(x))
    if key is not None:
        seed = tuple(np.asarray(jax.random.key_data(key)).ravel().tolist())
    elif isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(f"seed must be a whole number >= 0; got {seed!r}.")

    # One transfer for everything that is not on the device yet.
    (params, opt_state), x, y, x_val, y_val = jax.device_put(((_as_arrays(state.params), state.opt_state), x, y,
                                                              x_val, y_val))
    state = TrainState(params, opt_state, int(state.epoch))
    return state, x, y, x_val, y_val, batch_size, seed, settings


def compile_fit_ahead(params, x, y, *, epochs, lr, batch_size=None, activation="relu", loss="cross_entropy",
                      output=None, optimizer="sgd", seed=0, key=None, x_val=None, y_val=None, snapshot_every=None,
                      l1=0.0, l2=0.0, dropout=0.0, on_divergence="raise", on_progress=None):
    """Start compiling, in a background thread, the program `fit` with these arguments will run; return at once.

    Takes exactly fit's arguments (and checks them the same way). A later `fit` with the same settings and array
    shapes uses the compiled program, or waits for the rest of its compile; nothing else changes, and the weights
    are the same as without it. A notebook calls it when it knows which networks it will train later (notebook
    03 does, for the activations of its last section), so that the student does not wait for those compiles
    there. Returns a Future of the compiled program.

    >>> from course_lib import init_mlp
    >>> x, y = np.zeros((8, 2), np.float32), np.zeros(8, np.int32)
    >>> compiled = compile_fit_ahead(init_mlp([2, 3, 2]), x, y, epochs=5, lr=0.1)
    >>> compiled.result() is not None          # done; fit(init_mlp([2, 3, 2]), x, y, epochs=5, lr=0.1) uses it
    True
    """
    state, x, y, x_val, y_val, batch_size, seed, settings = _prepare(
        params, x, y, epochs=epochs, lr=lr, batch_size=batch_size, activation=activation, loss=loss, output=output,
        optimizer=optimizer, seed=seed, key=key, x_val=x_val, y_val=y_val, snapshot_every=snapshot_every, l1=l1,
        l2=l2, dropout=dropout, on_divergence=on_divergence)
    return compile_ahead(state, x, y, x_val, y_val, lr=lr, batch_size=batch_size, seed=seed, **settings)


def _diverged(diverged, state, history, snapshots, on_divergence, resuming):
    epoch, _, message = diverged
    if snapshots:
        history["snapshots"] = snapshots
    history["diverged"] = message
    params = state if resuming else state.params
    if on_divergence == "raise":
        raise TrainingDiverged(message, epoch, state.params, history)
    print(message)
    return params, history


def _as_arrays(params):
    """NumPy arrays for any lists or scalars in params, ready for one device_put (JAX arrays stay put)."""
    return jax.tree.map(lambda a: a if isinstance(a, jax.Array) else np.asarray(a), params)


def _number(name, value, *, positive=False):
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(float(value)):
        raise ValueError(f"{name} must be a finite number; got {value!r}.")
    if (value <= 0) if positive else (value < 0):
        raise ValueError(f"{name} must be {'above' if positive else 'at least'} 0; got {value!r}."
                         + (" A negative learning rate would climb the loss instead of descending it."
                            if name == "lr" and value < 0 else ""))
    return float(value)


def _check_settings(*, epochs, lr, activation, loss, output, optimizer, l1, l2, on_divergence, snapshot_every):
    """The settings of fit, checked; returns the ones train_epochs takes (besides lr, batch_size, seed)."""
    if on_divergence not in ("raise", "stop"):
        raise ValueError(f"on_divergence must be 'raise' or 'stop'; got {on_divergence!r}.")
    if isinstance(epochs, bool) or not isinstance(epochs, numbers.Integral) or epochs < 1:
        raise ValueError(f"epochs must be a whole number >= 1 (passes over the data); got {epochs!r}.")
    if snapshot_every is not None and (isinstance(snapshot_every, bool)
                                       or not isinstance(snapshot_every, numbers.Integral) or snapshot_every < 1):
        raise ValueError(f"snapshot_every must be a whole number of epochs >= 1, or None; got {snapshot_every!r}.")
    _number("lr", lr, positive=True)
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"Unknown optimizer {optimizer!r}. Valid optimizers are: {', '.join(OPTIMIZERS)}.")
    output_for_loss(loss, output)          # checks the loss name, and that the cross-entropies get logits
    return {"activation": tuple(activation) if isinstance(activation, list) else activation, "loss": loss,
            "output": output, "optimizer": optimizer, "l1": _number("l1", l1), "l2": _number("l2", l2)}


def _check_state(state, optimizer):
    expected = jax.tree.structure(get_optimizer(optimizer, 0.0).init(state.params))
    if jax.tree.structure(state.opt_state) != expected:
        raise ValueError(f"This TrainState's optimizer memory does not fit optimizer={optimizer!r}: resume with the "
                         "optimizer it was trained with, or start a new state with new_train_state(params, "
                         f"{optimizer!r}).")
    return state


def _check_batch_size(batch_size, n):
    if batch_size is None:
        return n
    if isinstance(batch_size, bool) or not isinstance(batch_size, numbers.Integral) or not 1 <= batch_size <= n:
        raise ValueError(f"batch_size must be a whole number between 1 and the number of examples ({n}); "
                         f"got {batch_size!r}.")
    return int(batch_size)


# Inputs are converted with NumPy and then sent to the device in one transfer: a conversion done by JAX
# (jnp.asarray(x, dtype), y.astype) is an eager XLA operation, compiled once per process for each shape and
# dtype, and that costs about 10 ms apiece in a fresh kernel. Arrays that are already JAX arrays stay put.

def _check_data(params, x, y, loss, dtype, x_name, y_name):
    """x as float inputs and y as the targets `loss` needs, checked by the library's own checks (the data, the
    shapes against the network, the targets against the loss); a problem raises a ValueError naming the fix."""
    check_examples(x, y, x_name, y_name)
    if isinstance(x, jax.Array):
        x = x if x.dtype == dtype else x.astype(dtype)
    else:
        x = np.asarray(x, dtype=dtype)
    check_shapes(params, x)
    y = y if isinstance(y, jax.Array) else np.asarray(y)
    # Before the conversion below: casting labels to int32 would hide a label of 1.5.
    check_targets(loss, np.asarray(y), params[-1]["W"].shape[1], len(x))
    wanted = np.int32 if loss == "cross_entropy" and y.ndim == 1 else dtype
    return x, (y if y.dtype == wanted else y.astype(wanted))

"""Saving and loading a Playground state as JSON (apart from the engine, as TensorFlow Playground keeps its
state.ts apart): `to_json(state)` and `from_json(text)` round-trip bit for bit; `from_json` refuses anything
else with a PlaygroundError that says what is wrong, and checks that the state is consistent with itself.

>>> from course_lib.playground.engine import new_state, train
>>> state = train(new_state(PlaygroundConfig(hidden=(3,))), epochs=5)
>>> states_equal(from_json(to_json(state)), state)
True
"""
import json
import math

import jax
import jax.numpy as jnp
import numpy as np

from course_lib.optimizers import get_optimizer
from course_lib.playground.data import PlaygroundError, _fail, shown
from course_lib.playground.engine import PlaygroundState, empty_history
from course_lib.playground.settings import PlaygroundConfig, describe_architecture


FORMAT = "course_lib.playground"
VERSION = 2
# Version 1 (before the trainers shared one core) named the test-point metrics "test_loss" and "test_accuracy";
# such files still load, with the names of today.
_RENAMED_IN_VERSION_2 = {"test_loss": "val_loss", "test_accuracy": "val_accuracy"}
_NON_FINITE = {"NaN": float("nan"), "Infinity": float("inf"), "-Infinity": float("-inf")}


def _json_number(value):
    value = float(value)
    if math.isfinite(value):
        return value
    return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")


def _array_to_json(array):
    # float32 -> Python float is exact, and Python writes the shortest text that reads back as the same float.
    array = np.asarray(array)
    if array.dtype.kind == "f":
        return np.vectorize(_json_number, otypes=[object])(array).tolist() if array.size else array.tolist()
    return array.tolist()


def to_json(state, indent=None):
    """The whole state as JSON text: settings, weights, optimizer state, epoch, history.

    Weights are lists of numbers (NaN and infinities as the strings "NaN", "Infinity", "-Infinity"), and
    `from_json(to_json(state))` gives back the very same float32 values, bit for bit.
    """
    leaves = jax.tree.leaves(jax.device_get(state.opt_state))
    document = {
        "format": FORMAT,
        "version": VERSION,
        "config": state.config.to_dict(),
        "epoch": int(state.epoch),
        "params": [{"W": _array_to_json(layer["W"]), "b": _array_to_json(layer["b"])}
                   for layer in jax.device_get(state.params)],
        "optimizer_state": [{"dtype": str(np.asarray(leaf).dtype), "shape": list(np.shape(leaf)),
                             "values": _array_to_json(np.ravel(leaf))} for leaf in leaves],
        "history": {name: [_json_number(v) if name != "epoch" else int(v) for v in values]
                    for name, values in state.history.items()},
        "diverged": state.diverged,
    }
    return json.dumps(document, indent=indent, allow_nan=False)


FLOAT32_MAX = float(np.finfo(np.float32).max)
MAX_WHOLE = 2**31 - 1      # epochs and Adam's step count are int32 in the training core
MAX_DEPTH = 8              # a Playground file nests 5 deep (document → params → layer → W → row → number)


def from_json(text):
    """A PlaygroundState from `to_json`'s text. Everything is checked before anything is built, and any problem
    raises a PlaygroundError that says what and where: not UTF-8 or not JSON, not a Playground file, an unknown
    setting or data set, an impossible architecture (7 hidden layers, 0 or 9 neurons), an unknown activation,
    weights whose shapes do not match the architecture, numbers beyond float32, and a state that contradicts
    itself (epoch 1000 with 2 epochs of history, an accuracy of 7.5, a negative loss or a negative second moment
    in Adam's state, a step count that so many epochs cannot reach). Version-1 files (test_* history names) load.

    >>> from_json('{"format": "course_lib.playground", "version": 2, "config": {"hidden": [9]}, "params": []}')
    Traceback (most recent call last):
    ...
    course_lib.playground.PlaygroundError: hidden layer 1 has 9 neurons; each hidden layer has 1 to 8 neurons.
    """
    try:
        return _state_from_document(_read_document(text))
    except PlaygroundError:
        raise
    except RecursionError:
        _fail("This Playground state is nested too deeply to read.")
    except Exception as error:   # noqa: BLE001 - whatever a hand-edited file holds, the answer is a refusal
        raise PlaygroundError(f"This Playground state could not be read: {type(error).__name__}: {error}") from None


def _read_document(text):
    """The JSON document of `text` (str or UTF-8 bytes), with no number too large and no nesting too deep."""
    if isinstance(text, (bytes, bytearray)):
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError as error:
            _fail(f"This file is not UTF-8 text (byte {error.start} is {bytes(text)[error.start:error.start + 1]!r}); "
                  "a Playground state is the JSON text that export writes.")
    if not isinstance(text, str):
        _fail(f"from_json needs JSON text (a str); got {type(text).__name__}.")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        _fail(f"This is not valid JSON ({error.msg}: line {error.lineno}, column {error.colno}).")
    except RecursionError:
        _fail("This JSON is nested too deeply to be a Playground state.")
    except ValueError as error:      # Python refuses to read a whole number of more than 4300 digits
        _fail(f"This JSON holds a number too long to read ({error}).")
    stack = [(document, 0)]
    while stack:                     # a loop, not recursion: a file nested 3000 deep must not crash the check
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            _fail(f"This JSON is nested {MAX_DEPTH + 1} or more levels deep; a Playground state never is.")
        if isinstance(item, dict):
            stack.extend((value, depth + 1) for value in item.values())
        elif isinstance(item, list):
            stack.extend((value, depth + 1) for value in item)
        elif isinstance(item, int) and not isinstance(item, bool) and abs(item) > 2**63:
            _fail(f"This Playground state holds {shown(item)}; nothing in it is that large.")
    return document


def _state_from_document(document):
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        _fail(f"This JSON is not a Playground state: it needs \"format\": \"{FORMAT}\" (export one with "
              "to_json or the Playground's export button).")
    version = document.get("version")
    if isinstance(version, bool) or version not in (1, VERSION):
        _fail(f"This Playground state has version {shown(version)}; this course_lib reads versions 1 to {VERSION}.")
    if version == 1 and isinstance(document.get("history"), dict):
        document["history"] = {_RENAMED_IN_VERSION_2.get(name, name): values
                               for name, values in document["history"].items()}
    missing = [key for key in ("config", "params") if key not in document]
    if missing:
        _fail(f"The Playground state has no {missing[0]!r}.")
    config = PlaygroundConfig.from_dict(document["config"])
    params = _params_from_json(document["params"], config)
    epoch = document.get("epoch", 0)
    if isinstance(epoch, bool) or not isinstance(epoch, int) or not 0 <= epoch <= MAX_WHOLE:
        _fail(f"epoch must be a whole number from 0 to {MAX_WHOLE}; got {shown(epoch)}.")
    opt_state = _optimizer_state_from_json(document.get("optimizer_state", []), config, params, epoch)
    history = _history_from_json(document.get("history"), config.task, epoch)
    diverged = document.get("diverged", "")
    if not isinstance(diverged, str):
        _fail("diverged must be a text (\"\" when training did not diverge).")
    return PlaygroundState(config, params, opt_state, epoch, history, diverged)


def _to_float32(values, where, shape):
    """A nested list of numbers (and "NaN"/"Infinity" strings) as a float32 array of exactly `shape`."""
    def convert(item):
        if isinstance(item, list):
            return [convert(v) for v in item]
        if isinstance(item, str) and item in _NON_FINITE:
            return _NON_FINITE[item]
        if isinstance(item, bool) or not isinstance(item, (int, float)):
            _fail(f"{where} must hold numbers; found {shown(item)}.")
        if math.isfinite(item) and abs(item) > FLOAT32_MAX:
            _fail(f"{where} holds {item:g}, beyond the largest float32 ({FLOAT32_MAX:.4g}); weights are float32.")
        return item
    numbers = convert(values)       # outside the try: its own PlaygroundError (a ValueError) must get through
    try:
        array = np.array(numbers, dtype=np.float32)
    except ValueError:      # ragged lists
        _fail(f"{where} is not a rectangular table of numbers; it should have shape {tuple(shape)}.")
    if array.shape != tuple(shape):
        _fail(f"{where} has shape {array.shape}, but the architecture needs {tuple(shape)}.")
    return array


def _params_from_json(raw_params, config):
    sizes = config.layer_sizes
    if not isinstance(raw_params, list) or len(raw_params) != len(sizes) - 1:
        count = len(raw_params) if isinstance(raw_params, list) else "no list of"
        _fail(f"The architecture {describe_architecture(config)} has {len(sizes) - 1} weight layers, but the "
              f"file has {count} layers of weights.")
    params = []
    for k, (layer, n_in, n_out) in enumerate(zip(raw_params, sizes[:-1], sizes[1:])):
        if not isinstance(layer, dict) or set(layer) != {"W", "b"}:
            _fail(f"Layer {k} of params must be an object with exactly the keys \"W\" and \"b\".")
        params.append({"W": jnp.asarray(_to_float32(layer["W"], f"Layer {k}: W", (n_in, n_out))),
                       "b": jnp.asarray(_to_float32(layer["b"], f"Layer {k}: b", (n_out,)))})
    return params


def _optimizer_state_from_json(raw_leaves, config, params, epoch):
    """The optimizer's state, shaped like `optimizer.init(params)`; for Adam, its step count must be one that
    `epoch` epochs can reach (at most one step per training point per epoch) and its second moments >= 0."""
    template = get_optimizer(config.optimizer, config.learning_rate).init(params)
    leaves, treedef = jax.tree.flatten(template)
    if not isinstance(raw_leaves, list) or len(raw_leaves) != len(leaves):
        _fail(f"The optimizer state does not fit the optimizer {config.optimizer!r} of this network: expected "
              f"{len(leaves)} arrays, found {len(raw_leaves) if isinstance(raw_leaves, list) else 'none'}.")
    opt_leaves = []
    for k, (raw, leaf) in enumerate(zip(raw_leaves, leaves)):
        leaf = np.asarray(leaf)
        if not isinstance(raw, dict) or raw.get("dtype") != str(leaf.dtype) or raw.get("shape") != list(leaf.shape):
            _fail(f"Optimizer state array {k} should be {leaf.dtype} of shape {list(leaf.shape)}.")
        values = raw.get("values")
        if leaf.dtype.kind == "f":
            array = _to_float32(values, f"Optimizer state array {k}", (leaf.size,)).reshape(leaf.shape)
        else:
            if not isinstance(values, list) or len(values) != leaf.size or not all(
                    isinstance(v, int) and not isinstance(v, bool) for v in values):
                _fail(f"Optimizer state array {k} must hold {leaf.size} whole numbers.")
            most = min(MAX_WHOLE, epoch * config.n_points)
            if not all(0 <= v <= most for v in values):
                _fail(f"The optimizer's step count {shown(values[0]) if values else ''} is impossible after {epoch} "
                      f"epochs: it counts the steps taken, from 0 to at most one per training point per epoch "
                      f"({most} here).")
            array = np.array(values, dtype=leaf.dtype).reshape(leaf.shape)
        opt_leaves.append(jnp.asarray(array))
    opt_state = jax.tree.unflatten(treedef, opt_leaves)
    for moment in jax.tree.leaves(getattr(opt_state, "square", [])):     # Adam's running mean of squared gradients
        if np.any(np.asarray(moment) < 0):
            _fail("Adam's second moment (its running mean of squared gradients) holds a negative number; a mean of "
                  "squares is never negative.")
    return opt_state


def _history_from_json(raw, task, epoch):
    """The history, checked against itself and the epoch: one entry per epoch, epochs 1 ... epoch in order,
    accuracies from 0 to 1, losses >= 0 (or NaN, or infinite, where a run diverged)."""
    history = empty_history(task)
    if raw is None:
        if epoch:
            _fail(f"The state says epoch {epoch} but has no history; a trained state has one entry per epoch.")
        return history
    if not isinstance(raw, dict) or set(raw) != set(history):
        _fail(f"history must be an object with the lists {', '.join(history)}.")
    lengths = {len(values) if isinstance(values, list) else -1 for values in raw.values()}
    if len(lengths) != 1 or -1 in lengths:
        _fail("history must hold lists of the same length (one value per epoch).")
    if lengths != {epoch}:
        _fail(f"The state says epoch {epoch} but its history has {lengths.pop()} entries; it needs one per epoch.")
    for name, values in raw.items():
        if name == "epoch":
            if values != list(range(1, epoch + 1)) or not all(type(v) is int for v in values):
                _fail(f"history.epoch must count the epochs 1, 2, ... {epoch} in order.")
            history[name] = list(values)
            continue
        numbers = [float(_to_float64(v, f"history.{name}")) for v in values]
        if name.endswith("accuracy"):
            bad = [v for v in numbers if not 0.0 <= v <= 1.0]
            if bad:
                _fail(f"history.{name} holds {bad[0]:g}; an accuracy is a share of the points, from 0 to 1.")
        else:
            bad = [v for v in numbers if v < 0]
            if bad:
                _fail(f"history.{name} holds {bad[0]:g}; a loss is never negative.")
        history[name] = numbers
    return history


def _to_float64(value, where):
    if isinstance(value, str) and value in _NON_FINITE:
        return _NON_FINITE[value]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        _fail(f"{where} must hold numbers; found {shown(value)}.")
    return value


def states_equal(a, b):
    """True when two states hold the same settings, epoch, history and bit-identical weights and optimizer state.

    Every NaN counts as the same NaN: its sign bit and payload mean nothing (XLA may produce -NaN, JSON's "NaN"
    reads back as +NaN), so they are made canonical before the bits are compared. -0.0 and 0.0 stay different.
    """
    def canonical(x):
        x = np.array(x)
        if x.dtype.kind == "f":
            x[np.isnan(x)] = np.nan
        return x

    def same(x, y):
        x, y = canonical(x), canonical(y)
        return x.dtype == y.dtype and x.shape == y.shape and x.tobytes() == y.tobytes()
    leaves_a = jax.tree.leaves(jax.device_get((a.params, a.opt_state)))
    leaves_b = jax.tree.leaves(jax.device_get((b.params, b.opt_state)))
    return (a.config == b.config and a.epoch == b.epoch and a.diverged == b.diverged
            and json.dumps(a.history, allow_nan=True) == json.dumps(b.history, allow_nan=True)
            and len(leaves_a) == len(leaves_b) and all(same(x, y) for x, y in zip(leaves_a, leaves_b)))


"""The Playground's engine: its state (settings, weights, optimizer state, epoch, history) and training, which
runs only through course_lib.training (the core every course_lib trainer shares: the same `train_step`, batch
orders and history names as `fit`).

>>> state = train(new_state(PlaygroundConfig(dataset="circles", features=("x1^2", "x2^2"), hidden=())), epochs=50)
>>> state.epoch, state.history["val_accuracy"][-1] > 0.9
(50, True)
"""
import dataclasses
import functools
from dataclasses import dataclass, field

import jax
import jax.numpy as jnp
import numpy as np

from course_lib import compilation_cache, training
from course_lib.initializers import init_mlp
from course_lib.losses import loss_value
from course_lib.network import forward
from course_lib.optimizers import get_optimizer
from course_lib.playground.data import LOSS_FOR_TASK, _fail, make_data, make_features, training_arrays
from course_lib.playground.settings import (DATA_FIELDS, MAX_HIDDEN_LAYERS, MAX_NEURONS, MODEL_FIELDS,
                                            PlaygroundConfig, _integer, describe_architecture)
from course_lib.training import (EPOCHS_PER_CALL, TrainState, accuracy_from_outputs, batch_order, metric_names,
                                 train_until)


def init_params(config):
    """Starting weights for the config's network: Glorot/Xavier normal (as TensorFlow Playground), zero biases,
    drawn by `course_lib.init_mlp` from config.init_seed (with NumPy: no compile at a click on + or −).

    >>> [layer["W"].shape for layer in init_params(PlaygroundConfig(hidden=(3,)))]
    [(2, 3), (3, 1)]
    """
    return [{"W": jnp.asarray(layer["W"]), "b": jnp.asarray(layer["b"])}
            for layer in init_mlp(config.layer_sizes, seed=config.init_seed, init="glorot")]


def parameter_count(config):
    """How many numbers the network of `config` learns: `(inputs + 1) × outputs` per layer, summed.

    >>> parameter_count(PlaygroundConfig(features=("x1", "x2"), hidden=(4, 2)))    # (2+1)·4 + (4+1)·2 + (2+1)·1
    25
    """
    sizes = config.layer_sizes
    return sum((n_in + 1) * n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))


# ---------------------------------------------------------------------------------------------- the state


@dataclass(frozen=True)
class PlaygroundState:
    """Everything the Playground holds: the settings, the weights, the optimizer's state, the epoch, the history.

    params: an ordinary course_lib params list, `[{"W": (n_in, n_out), "b": (n_out,)}, ...]`.
    history: per epoch, in the schema of every course_lib trainer (course_lib.training): "epoch", "train_loss"
    (the mean data loss over the epoch's mini-batches, without the regularisation penalty), "val_loss" (the data
    loss on the test points after the epoch), and "train_accuracy", "val_accuracy" for classification. The
    Playground calls its held-out points "test" points, as TensorFlow Playground does.
    diverged: "" or the message saying that the loss became NaN or infinite, and what to do.
    """
    config: PlaygroundConfig
    params: list
    opt_state: object
    epoch: int = 0
    history: dict = field(default_factory=dict)
    diverged: str = ""

    @property
    def data(self):
        return make_data(self.config)

    @functools.cached_property
    def host_params(self):
        """The weights as read-only float32 NumPy arrays, copied from the device once for this state: every view
        of a frame reads these, so the weights leave the device once per frame."""
        host = []
        for layer in jax.device_get(self.params):
            layer = {name: np.array(value, np.float32) for name, value in layer.items()}
            for value in layer.values():
                value.setflags(write=False)
            host.append(layer)
        return host

    def numpy_params(self):
        """The weights as float32 NumPy arrays (a fresh copy: changing it changes nothing here)."""
        return [{"W": layer["W"].copy(), "b": layer["b"].copy()} for layer in self.host_params]

    def losses(self):
        """The latest {"train_loss", "val_loss", ...} (computed now if nothing was trained yet)."""
        if self.history.get("epoch"):
            return {name: values[-1] for name, values in self.history.items() if name != "epoch"}
        return evaluate(self)


def empty_history(task):
    return {name: [] for name in ("epoch",) + metric_names(LOSS_FOR_TASK[task], has_val=True)}


def new_state(config=None):
    """A fresh start: new weights (from config.init_seed), epoch 0, empty history."""
    config = config or PlaygroundConfig()
    params = init_params(config)
    opt_state = get_optimizer(config.optimizer, config.learning_rate).init(params)
    return PlaygroundState(config, params, opt_state, 0, empty_history(config.task))


def update_config(state, **changes):
    """A new state with some settings changed. Settings that change the data or the network (data set, noise,
    split, features, hidden layers, activations, seeds, task) start over from new weights at epoch 0; the others
    (learning rate, regularisation, batch size) go on training the same weights; a new optimizer starts its
    state afresh. Raises PlaygroundError (and changes nothing) for an impossible setting.
    """
    config = state.config.replace(**changes)
    if config == state.config:
        return state
    if any(getattr(config, name) != getattr(state.config, name) for name in DATA_FIELDS + MODEL_FIELDS):
        return new_state(config)
    opt_state = state.opt_state
    if config.optimizer != state.config.optimizer:
        opt_state = get_optimizer(config.optimizer, config.learning_rate).init(state.params)
    return dataclasses.replace(state, config=config, opt_state=opt_state)


def reset(state):
    """Back to the starting weights of the same settings (epoch 0)."""
    return new_state(state.config)


def regenerate(state):
    """New random points (the next data_seed) and a fresh start."""
    return new_state(state.config.replace(data_seed=state.config.data_seed + 1))



def epoch_order(config, epoch):
    """The order in which epoch `epoch` (1, 2, ...) visits the training points, as batches of indices:
    `course_lib.training.batch_order` with the seed config.init_seed, as every course_lib trainer uses it.

    >>> config = PlaygroundConfig(n_points=20, train_fraction=0.5, batch_size=5)
    >>> epoch_order(config, 1).shape
    (2, 5)
    """
    return batch_order(config.n_train, config.batch_size, epoch, config.init_seed)


def _training_settings(config):
    return {"lr": config.learning_rate, "batch_size": config.batch_size, "seed": config.init_seed,
            "activation": config.activations, "loss": config.loss, "optimizer": config.optimizer,
            "l1": config.l1, "l2": config.l2}


def _train_state(state):
    return TrainState(state.params, state.opt_state, state.epoch)


_latest_network = [None]     # the network compile_ahead was last asked about


def compile_ahead(state, neighbours=True):
    """Start compiling the training program for this state's network in the background, then (with neighbours)
    the programs of the networks one click away (a neuron more or fewer in a layer, a layer more or fewer), so
    that a step after + or − does not wait for a compile. The view calls it whenever the network changes;
    compiles queued for a network the student has already left are skipped. Returns the Future of the first."""
    compilation_cache.enable()
    _latest_network[0] = state.config
    still_wanted = lambda config=state.config: _latest_network[0] == config   # noqa: E731
    futures = [training.compile_ahead(_train_state(state), *training_arrays(state.config), still_wanted=still_wanted,
                                      **_training_settings(state.config))]
    for config in (_one_click_away(state.config) if neighbours else ()):
        neighbour = new_state(config)
        futures.append(training.compile_ahead(_train_state(neighbour), *training_arrays(config),
                                              still_wanted=still_wanted, **_training_settings(config)))
    return futures[0]


def _one_click_away(config):
    """The configs the + and − buttons of the neurons and the layers lead to from `config`."""
    hidden = list(config.hidden)
    options = []
    for k in range(len(hidden)):
        for delta in (+1, -1):
            if 1 <= hidden[k] + delta <= MAX_NEURONS:
                options.append(hidden[:k] + [hidden[k] + delta] + hidden[k + 1:])
    if len(hidden) < MAX_HIDDEN_LAYERS:
        options.append(hidden + [hidden[-1] if hidden else 4])
    if hidden:
        options.append(hidden[:-1])
    return [config.replace(hidden=tuple(option)) for option in options]


DEFAULT_CHUNK = EPOCHS_PER_CALL


def train(state, epochs, chunk=DEFAULT_CHUNK):
    """Train `epochs` more epochs and return the new state (pure: the old one is unchanged).

    Training runs through course_lib.training's core, `chunk` epochs per compiled call. When the loss becomes
    NaN or infinite, training stops at the last finite weights with `state.diverged` saying so; a diverged
    state does not train further (reset it, or lower the learning rate and reset).
    """
    epochs = _integer("epochs", epochs, 0, None)
    chunk = _integer("chunk", chunk, 1, None)
    while epochs > 0 and not state.diverged:
        n = min(chunk, epochs)
        state = _advance(state, n)
        epochs -= n
    return state


def _advance(state, n_epochs):
    compilation_cache.enable()
    trained, metrics, diverged = train_until(_train_state(state), *training_arrays(state.config), epochs=n_epochs,
                                             **_training_settings(state.config))
    history = {name: list(values) for name, values in state.history.items()}
    history["epoch"] += list(range(state.epoch + 1, trained.epoch + 1))
    for name, values in metrics.items():
        history[name] += [float(v) for v in values]
    message = diverged[2] if diverged else ""
    return PlaygroundState(state.config, trained.params, trained.opt_state, trained.epoch, history, message)


def evaluate(state):
    """The data loss on the training and the test points (and the accuracies for classification), now.

    Computed with NumPy (course_lib's forward and loss_value take NumPy arrays too): no compilation for a
    one-off number."""
    config = state.config
    params = state.host_params
    result = {}
    for prefix, (inputs, targets) in zip(("train", "val"), _numpy_pairs(config)):
        result[f"{prefix}_loss"] = float(loss_value(params, inputs, targets, activation=config.activations,
                                                    loss=config.loss))
        if config.task == "classification":
            outputs = forward(params, inputs, activation=config.activations)
            result[f"{prefix}_accuracy"] = float(accuracy_from_outputs(outputs, targets))
    return result


def _numpy_pairs(config):
    x, y, x_test, y_test = (np.asarray(a) for a in training_arrays(config))
    return (x, y), (x_test, y_test)


def predict_plane(params, config, points):
    """The network's output (a logit, or a value for regression) at points (n, 2) of the plane, shape (n,).

    >>> config = PlaygroundConfig(features=("x1^2", "x2^2"), hidden=())
    >>> predict_plane(init_params(config), config, np.zeros((3, 2))).tolist()     # zero biases: 0 at the centre
    [0.0, 0.0, 0.0]
    """
    params = [{"W": np.asarray(layer["W"], np.float32), "b": np.asarray(layer["b"], np.float32)} for layer in params]
    inputs = make_features(np.asarray(points, np.float32), config.features)
    return forward(params, inputs, activation=config.activations)[:, 0]


def with_params(state, params):
    """The state with other weights for the same network (checked: a wrong shape names the layer and both shapes).
    The epoch and the history stay; use it after changing a weight by hand.

    >>> state = new_state(PlaygroundConfig(hidden=(3,)))
    >>> params = state.numpy_params(); params[1]["W"][:] = 0.0
    >>> float(np.abs(with_params(state, params).params[1]["W"]).sum())
    0.0
    """
    sizes = state.config.layer_sizes
    if not isinstance(params, (list, tuple)) or len(params) != len(sizes) - 1:
        count = len(params) if isinstance(params, (list, tuple)) else "no list of"
        _fail(f"The network {describe_architecture(state.config)} has {len(sizes) - 1} layers of weights; "
              f"got {count} layers.")
    checked = []
    for k, (layer, n_in, n_out) in enumerate(zip(params, sizes[:-1], sizes[1:])):
        if not isinstance(layer, dict) or "W" not in layer or "b" not in layer:
            _fail(f"Layer {k} of params must be a dict with keys 'W' and 'b'.")
        W, b = np.asarray(layer["W"], np.float32), np.asarray(layer["b"], np.float32)
        if W.shape != (n_in, n_out):
            _fail(f"Layer {k}: W has shape {W.shape}, but the architecture needs {(n_in, n_out)}.")
        if b.shape != (n_out,):
            _fail(f"Layer {k}: b has shape {b.shape}, but the architecture needs {(n_out,)}.")
        checked.append({"W": jnp.asarray(W), "b": jnp.asarray(b)})
    return dataclasses.replace(state, params=checked, diverged="")



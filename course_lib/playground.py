"""The Playground's engine: data, input features, a small network and its training, as pure functions.

The Playground (notebook 10) is a TensorFlow-Playground-style lab. This module is its math and its state, with no
widgets: everything the Playground shows is computed here, so it can be tested, scripted in a notebook, and
saved. The view lives in `course_lib.widgets.playground`.

- `PlaygroundConfig`: every setting (data set, noise, train/test split, input features, hidden layers and their
  activations, learning rate, regularisation, batch size, task, optimizer). Checked when it is made.
- `make_data(config)`: the points, from `course_lib.datasets`, stretched to the square [-3, 3]².
- `make_features(x, features)`: the inputs the network sees (x1, x2, x1², x2², x1·x2, sin x1, sin x2).
- `new_state(config)`, `train(state, epochs)`, `update_config(state, **changes)`: a `PlaygroundState` holds the
  config, the weights (an ordinary course_lib params list), the optimizer state, the epoch and the loss history.
  Training runs through the core every course_lib trainer shares (`course_lib.training.train_until`): the same
  `train_step`, batch orders and history names as `fit`.
- `to_json(state)` / `from_json(text)`: the whole state as JSON, round-tripping exactly; bad input raises a
  `PlaygroundError` that says what is wrong.
- `PRESETS`: lessons, each a config plus the controls an instructor hides.

>>> config = PlaygroundConfig(dataset="circles", features=("x1^2", "x2^2"), hidden=())
>>> state = train(new_state(config), epochs=50)
>>> state.epoch, state.history["val_accuracy"][-1] > 0.9
(50, True)
>>> from_json(to_json(state)).epoch
50
"""
import dataclasses
import functools
import json
import math
from dataclasses import dataclass, field

import jax
import jax.numpy as jnp
import numpy as np

from course_lib import compilation_cache, datasets, training
from course_lib.arrays import array_module
from course_lib.initializers import init_mlp
from course_lib.losses import loss_value
from course_lib.network import forward, hidden_activations
from course_lib.optimizers import OPTIMIZERS, get_optimizer
from course_lib.training import (EPOCHS_PER_CALL, TrainState, accuracy_from_outputs, batch_order, metric_names,
                                 train_until)


class PlaygroundError(ValueError):
    """A setting, an architecture or a saved state that the Playground cannot use. The message says why."""


# ---------------------------------------------------------------------------------------------- the settings

# The course's toy data sets live in about [-1.2, 1.2]². The Playground stretches them by 3, like TensorFlow
# Playground's [-6, 6]: then sin x1 turns through a whole period across the plane and differs from x1.
INPUT_SCALE = 3.0

FEATURES = ("x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)")
FEATURE_LABELS = {"x1": "x₁", "x2": "x₂", "x1^2": "x₁²", "x2^2": "x₂²", "x1*x2": "x₁x₂",
                  "sin(x1)": "sin x₁", "sin(x2)": "sin x₂"}

DATASETS = {
    "classification": ("circles", "xor", "gaussians", "spiral", "moons"),
    "regression": ("regression_plane", "regression_gaussians"),
}
TASKS = tuple(DATASETS)
LOSS_FOR_TASK = {"classification": "binary_cross_entropy", "regression": "mse"}
REGULARIZATIONS = ("none", "l1", "l2")
# The choices the Playground's menus offer (any positive number works in code).
LEARNING_RATES = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
REGULARIZATION_RATES = (0.0, 0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0)
PLAYGROUND_ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear")
MAX_HIDDEN_LAYERS = 6
MAX_NEURONS = 8


def _fail(message):
    raise PlaygroundError(message)


@dataclass(frozen=True)
class PlaygroundConfig:
    """Every setting of the Playground. Checked when made: a bad value raises a PlaygroundError saying why.

    dataset: one of DATASETS[task]. noise: how much the points scatter (0 to 1; 0.1 is a little).
    train_fraction: the share of the points used for training (the rest are the test points), 0.1 to 0.9.
    data_seed: which random points (the "regenerate" button draws new ones). n_points: how many in all.
    features: the inputs the network gets, a tuple of names from FEATURES, e.g. ("x1", "x2", "x1^2").
    hidden: neurons per hidden layer, 0 to 6 layers of 1 to 8 neurons, e.g. (4, 2); () for no hidden layer.
    activations: one activation per hidden layer, or one name for all of them (default "tanh").
    learning_rate, batch_size, optimizer ("sgd", "momentum", "adam"): how training steps.
    regularization: "none", "l1" or "l2", with regularization_rate (the weight of the penalty in the loss).
    task: "classification" (two classes, one logit, binary cross-entropy) or "regression" (mean squared error).
    init_seed: the starting weights and the shuffling order (reset starts again from the same weights).

    >>> PlaygroundConfig(hidden=(8, 8), activations="relu").activations
    ('relu', 'relu')
    >>> PlaygroundConfig(hidden=(9,))
    Traceback (most recent call last):
    ...
    course_lib.playground.PlaygroundError: hidden layer 1 has 9 neurons; each hidden layer has 1 to 8 neurons.
    """
    dataset: str = "circles"
    noise: float = 0.05
    train_fraction: float = 0.5
    data_seed: int = 0
    n_points: int = 400
    features: tuple = ("x1", "x2")
    hidden: tuple = (4, 2)
    activations: tuple = "tanh"
    learning_rate: float = 0.03
    regularization: str = "none"
    regularization_rate: float = 0.0
    batch_size: int = 10
    optimizer: str = "sgd"
    task: str = "classification"
    init_seed: int = 0

    def __post_init__(self):
        set_ = lambda name, value: object.__setattr__(self, name, value)   # noqa: E731 (frozen dataclass)
        if self.task not in TASKS:
            _fail(f"Unknown task {self.task!r}. Valid tasks are: {', '.join(TASKS)}.")
        if self.dataset not in DATASETS[self.task]:
            other = [task for task in TASKS if self.dataset in DATASETS[task]]
            if other:
                _fail(f"The data set {self.dataset!r} is for {other[0]}, but the task is {self.task}. "
                      f"Data sets for {self.task}: {', '.join(DATASETS[self.task])}.")
            _fail(f"Unknown data set {self.dataset!r}. Valid data sets for {self.task}: "
                  f"{', '.join(DATASETS[self.task])}.")
        set_("noise", _number("noise", self.noise, 0.0, 1.0))
        set_("train_fraction", _number("train_fraction", self.train_fraction, 0.1, 0.9))
        set_("data_seed", _integer("data_seed", self.data_seed, 0, 2**31 - 1))
        set_("init_seed", _integer("init_seed", self.init_seed, 0, 2**31 - 1))
        set_("n_points", _integer("n_points", self.n_points, 20, 5000))

        features = (self.features,) if isinstance(self.features, str) else tuple(self.features)
        unknown = [name for name in features if name not in FEATURES]
        if unknown:
            _fail(f"Unknown feature {unknown[0]!r}. Valid features are: {', '.join(FEATURES)}.")
        if not features:
            _fail("The network needs at least one input feature; choose from: " + ", ".join(FEATURES) + ".")
        if len(set(features)) != len(features):
            _fail(f"A feature is listed twice in {list(features)}; give each at most once.")
        set_("features", features)

        if not isinstance(self.hidden, (list, tuple)):
            _fail(f"hidden must be a list of neuron counts, one per hidden layer, e.g. [4, 2]; got {self.hidden!r}.")
        hidden = tuple(self.hidden)
        if len(hidden) > MAX_HIDDEN_LAYERS:
            _fail(f"{len(hidden)} hidden layers is too many: the Playground has 0 to {MAX_HIDDEN_LAYERS} "
                  "hidden layers.")
        for k, n in enumerate(hidden, start=1):
            if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 1 <= n <= MAX_NEURONS:
                _fail(f"hidden layer {k} has {n!r} neurons; each hidden layer has 1 to {MAX_NEURONS} neurons.")
        set_("hidden", tuple(int(n) for n in hidden))

        activations = self.activations
        if isinstance(activations, str):
            activations = (activations,) * len(hidden)
        activations = tuple(activations)
        if len(activations) != len(hidden):
            _fail(f"Give one activation per hidden layer: {len(hidden)} hidden layers {list(hidden)} but "
                  f"{len(activations)} activations {list(activations)}.")
        try:
            hidden_activations(list(activations), len(hidden))    # the core's message lists the valid names
        except ValueError as error:
            raise PlaygroundError(str(error)) from None
        set_("activations", activations)

        set_("learning_rate", _number("learning_rate", self.learning_rate, 0.0, 100.0, open_low=True))
        if self.regularization not in REGULARIZATIONS:
            _fail(f"Unknown regularization {self.regularization!r}. Valid choices: {', '.join(REGULARIZATIONS)}.")
        set_("regularization_rate", _number("regularization_rate", self.regularization_rate, 0.0, 100.0))
        if self.optimizer not in OPTIMIZERS:
            _fail(f"Unknown optimizer {self.optimizer!r}. Valid optimizers are: {', '.join(OPTIMIZERS)}.")
        batch_size = _integer("batch_size", self.batch_size, 1, None)
        if batch_size > self.n_train:
            _fail(f"batch_size {batch_size} is larger than the {self.n_train} training points; "
                  f"choose 1 to {self.n_train}.")
        set_("batch_size", batch_size)

    @property
    def n_train(self):
        """How many points are used for training (the split rounds each class's share, so count them)."""
        return len(make_data(self).x_train)

    @property
    def layer_sizes(self):
        """[n_inputs, hidden..., 1]: the network's layer sizes."""
        return [len(self.features), *self.hidden, 1]

    @property
    def loss(self):
        return LOSS_FOR_TASK[self.task]

    @property
    def l1(self):
        return self.regularization_rate if self.regularization == "l1" else 0.0

    @property
    def l2(self):
        return self.regularization_rate if self.regularization == "l2" else 0.0

    def replace(self, **changes):
        """A copy with some settings changed, checked: `config.replace(hidden=(8, 8), activations="relu")`."""
        unknown = sorted(set(changes) - set(CONFIG_FIELDS))
        if unknown:
            _fail(f"Unknown setting {unknown[0]!r}. Settings are: {', '.join(CONFIG_FIELDS)}.")
        if "hidden" in changes and "activations" not in changes:
            # keep each remaining layer's activation; new layers copy the last one (tanh when there was none)
            old = list(self.activations) or ["tanh"]
            changes["activations"] = tuple((old + [old[-1]] * MAX_HIDDEN_LAYERS)[: len(tuple(changes["hidden"]))])
        if "task" in changes and "dataset" not in changes and changes["task"] in DATASETS:
            if self.dataset not in DATASETS[changes["task"]]:
                changes["dataset"] = DATASETS[changes["task"]][0]
        return dataclasses.replace(self, **changes)

    def to_dict(self):
        """The settings as plain JSON-ready values (tuples become lists)."""
        return {name: list(value) if isinstance(value, tuple) else value
                for name, value in dataclasses.asdict(self).items()}

    @classmethod
    def from_dict(cls, settings):
        """A config from a dict such as `to_dict` gives; missing settings take their defaults."""
        if not isinstance(settings, dict):
            _fail(f"The config must be a JSON object of settings; got {type(settings).__name__}.")
        unknown = sorted(set(settings) - set(CONFIG_FIELDS))
        if unknown:
            _fail(f"Unknown setting {unknown[0]!r} in the config. Settings are: {', '.join(CONFIG_FIELDS)}.")
        try:
            return cls(**settings)
        except TypeError as error:      # e.g. a number where a name was expected, caught by a comparison
            raise PlaygroundError(f"A setting has the wrong type: {error}.") from None


CONFIG_FIELDS = tuple(f.name for f in dataclasses.fields(PlaygroundConfig))
# Changing one of these starts over (new data or a new network); the others only change how training goes on.
DATA_FIELDS = ("dataset", "noise", "train_fraction", "data_seed", "n_points", "task")
MODEL_FIELDS = ("features", "hidden", "activations", "init_seed")


def _number(name, value, low, high, open_low=False):
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        _fail(f"{name} must be a number; got {value!r}.")
    value = float(value)
    below = value <= low if open_low else value < low
    if not math.isfinite(value) or below or value > high:
        _fail(f"{name} must be {'above' if open_low else 'at least'} {low:g} and at most {high:g}; got {value:g}.")
    return value


def _integer(name, value, low, high):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        else:
            _fail(f"{name} must be a whole number; got {value!r}.")
    value = int(value)
    if value < low or (high is not None and value > high):
        _fail(f"{name} must be from {low} to {high}; got {value}." if high is not None
              else f"{name} must be at least {low}; got {value}.")
    return value


# ------------------------------------------------------------------------------------------- data and features


def make_features(x, features=FEATURES):
    """The inputs the network sees: one column per feature name, computed from the points x of shape (n, 2).

    Works on NumPy and JAX arrays. Names: "x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)".

    >>> make_features(np.array([[2.0, 3.0]]), ("x1", "x1^2", "x1*x2")).tolist()
    [[2.0, 4.0, 6.0]]
    """
    xp = array_module(x)
    if getattr(x, "ndim", None) != 2 or x.shape[1] != 2:
        _fail(f"make_features needs points of shape (n, 2); got shape {getattr(x, 'shape', None)}.")
    features = (features,) if isinstance(features, str) else tuple(features)
    x1, x2 = x[:, 0], x[:, 1]
    columns = {"x1": lambda: x1, "x2": lambda: x2, "x1^2": lambda: x1 * x1, "x2^2": lambda: x2 * x2,
               "x1*x2": lambda: x1 * x2, "sin(x1)": lambda: xp.sin(x1), "sin(x2)": lambda: xp.sin(x2)}
    unknown = [name for name in features if name not in columns]
    if unknown:
        _fail(f"Unknown feature {unknown[0]!r}. Valid features are: {', '.join(FEATURES)}.")
    return xp.stack([columns[name]() for name in features], axis=1)


@dataclass(frozen=True)
class PlaygroundData:
    """The points of a config: x (n, 2) in the plane, y as class labels (n,) or targets (n, 1)."""
    name: str
    task: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray

    @property
    def n_classes(self):
        return 2 if self.task == "classification" else 0

    @property
    def feature_names(self):
        return ["x1", "x2"]


@functools.lru_cache(maxsize=32)
def _data(dataset, task, noise, train_fraction, data_seed, n_points):
    loaded = datasets.load(dataset, n=n_points, noise=noise, test_fraction=round(1 - train_fraction, 6),
                           seed=data_seed)
    arrays = [(INPUT_SCALE * loaded.x_train).astype(np.float32), loaded.y_train.copy(),
              (INPUT_SCALE * loaded.x_test).astype(np.float32), loaded.y_test.copy()]
    for array in arrays:
        array.setflags(write=False)     # shared by every state with these settings: nobody may change it
    return PlaygroundData(dataset, task, *arrays)


def make_data(config):
    """The training and test points for `config` (generated by course_lib.datasets, then stretched by INPUT_SCALE).

    >>> data = make_data(PlaygroundConfig(dataset="xor", n_points=100, train_fraction=0.5))
    >>> data.x_train.shape, data.x_test.shape
    ((50, 2), (50, 2))
    """
    return _data(config.dataset, config.task, config.noise, config.train_fraction, config.data_seed,
                 config.n_points)


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

    def numpy_params(self):
        """The weights as float32 NumPy arrays (a fresh copy: changing it changes nothing here)."""
        return [{"W": np.array(layer["W"], np.float32), "b": np.array(layer["b"], np.float32)}
                for layer in self.params]

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


# ------------------------------------------------------------------------------------------------ training


@functools.lru_cache(maxsize=32)
def _training_arrays(config_data_key, features):
    data = _data(*config_data_key)
    x = jnp.asarray(make_features(data.x_train, features))
    x_test = jnp.asarray(make_features(data.x_test, features))
    if data.task == "classification":
        y, y_test = jnp.asarray(data.y_train, jnp.float32), jnp.asarray(data.y_test, jnp.float32)
    else:
        y, y_test = jnp.asarray(data.y_train), jnp.asarray(data.y_test)
    return x, y, x_test, y_test


def training_arrays(config):
    """(x, y, x_test, y_test) as the network sees them: the features of the points, and float targets."""
    key = (config.dataset, config.task, config.noise, config.train_fraction, config.data_seed, config.n_points)
    return _training_arrays(key, config.features)


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
    params = state.numpy_params()
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
        _fail(f"The network {_describe_architecture(state.config)} has {len(sizes) - 1} layers of weights; "
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


# ------------------------------------------------------------------------------------------------ JSON

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


def _to_float32(values, where, shape):
    """A nested list of numbers (and "NaN"/"Infinity" strings) as a float32 array of exactly `shape`."""
    def convert(item):
        if isinstance(item, list):
            return [convert(v) for v in item]
        if isinstance(item, str) and item in _NON_FINITE:
            return _NON_FINITE[item]
        if isinstance(item, bool) or not isinstance(item, (int, float)):
            _fail(f"{where} must hold numbers; found {item!r}.")
        return item
    numbers = convert(values)       # outside the try: its own PlaygroundError (a ValueError) must get through
    try:
        array = np.array(numbers, dtype=np.float32)
    except ValueError:      # ragged lists
        _fail(f"{where} is not a rectangular table of numbers; it should have shape {tuple(shape)}.")
    if array.shape != tuple(shape):
        _fail(f"{where} has shape {array.shape}, but the architecture needs {tuple(shape)}.")
    return array


def from_json(text):
    """A PlaygroundState from `to_json`'s text. Everything is checked before anything is built, and a problem
    raises a PlaygroundError that says what and where: not JSON, not a Playground file, an unknown setting or
    data set, an impossible architecture (7 hidden layers, 0 or 9 neurons), an unknown activation, or weights
    whose shapes do not match the architecture.
    """
    if not isinstance(text, (str, bytes)):
        _fail(f"from_json needs JSON text (a str); got {type(text).__name__}.")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        _fail(f"This is not valid JSON ({error.msg}: line {error.lineno}, column {error.colno}).")
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        _fail(f"This JSON is not a Playground state: it needs \"format\": \"{FORMAT}\" (export one with "
              "to_json or the Playground's export button).")
    if document.get("version") not in (1, VERSION):
        _fail(f"This Playground state has version {document.get('version')!r}; this course_lib reads versions "
              f"1 to {VERSION}.")
    if document["version"] == 1 and isinstance(document.get("history"), dict):
        document["history"] = {_RENAMED_IN_VERSION_2.get(name, name): values
                               for name, values in document["history"].items()}
    missing = [key for key in ("config", "params") if key not in document]
    if missing:
        _fail(f"The Playground state has no {missing[0]!r}.")
    config = PlaygroundConfig.from_dict(document["config"])
    sizes = config.layer_sizes
    raw_params = document["params"]
    if not isinstance(raw_params, list) or len(raw_params) != len(sizes) - 1:
        count = len(raw_params) if isinstance(raw_params, list) else "no list of"
        _fail(f"The architecture {_describe_architecture(config)} has {len(sizes) - 1} weight layers, but the "
              f"file has {count} layers of weights.")
    params = []
    for k, (layer, n_in, n_out) in enumerate(zip(raw_params, sizes[:-1], sizes[1:])):
        if not isinstance(layer, dict) or set(layer) != {"W", "b"}:
            _fail(f"Layer {k} of params must be an object with exactly the keys \"W\" and \"b\".")
        params.append({"W": jnp.asarray(_to_float32(layer["W"], f"Layer {k}: W", (n_in, n_out))),
                       "b": jnp.asarray(_to_float32(layer["b"], f"Layer {k}: b", (n_out,)))})
    template = get_optimizer(config.optimizer, config.learning_rate).init(params)
    leaves, treedef = jax.tree.flatten(template)
    raw_leaves = document.get("optimizer_state", [])
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
            array = np.array(values, dtype=leaf.dtype).reshape(leaf.shape)
        opt_leaves.append(jnp.asarray(array))
    opt_state = jax.tree.unflatten(treedef, opt_leaves)
    epoch = document.get("epoch", 0)
    if isinstance(epoch, bool) or not isinstance(epoch, int) or epoch < 0:
        _fail(f"epoch must be a whole number >= 0; got {epoch!r}.")
    history = _history_from_json(document.get("history"), config.task)
    diverged = document.get("diverged", "")
    if not isinstance(diverged, str):
        _fail("diverged must be a text (\"\" when training did not diverge).")
    return PlaygroundState(config, params, opt_state, epoch, history, diverged)


def _history_from_json(raw, task):
    history = empty_history(task)
    if raw is None:
        return history
    if not isinstance(raw, dict) or set(raw) != set(history):
        _fail(f"history must be an object with the lists {', '.join(history)}.")
    lengths = {len(values) if isinstance(values, list) else -1 for values in raw.values()}
    if len(lengths) != 1 or -1 in lengths:
        _fail("history must hold lists of the same length (one value per epoch).")
    for name, values in raw.items():
        if name == "epoch":
            if not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
                _fail("history.epoch must hold whole numbers.")
            history[name] = list(values)
        else:
            history[name] = [float(_to_float64(v, f"history.{name}")) for v in values]
    return history


def _to_float64(value, where):
    if isinstance(value, str) and value in _NON_FINITE:
        return _NON_FINITE[value]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        _fail(f"{where} must hold numbers; found {value!r}.")
    return value


def _describe_architecture(config):
    return f"{len(config.features)} inputs ({', '.join(config.features)}) → hidden {list(config.hidden)} → 1"


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


# ------------------------------------------------------------------------------------------------ lessons

# The controls of the Playground's view, by name, for hiding them (course_lib.widgets.playground).
CONTROLS = ("play", "step", "reset", "task", "dataset", "noise", "train_fraction", "regenerate", "batch_size",
            "features", "layers", "neurons", "activation", "learning_rate", "regularization", "regularization_rate",
            "optimizer", "speed", "export")

PRESETS = {
    "playground": {
        "title": "Free play",
        "text": "Every control is there. Start from TensorFlow Playground's default: circles, two small tanh layers.",
        "config": {},
        "hide": [],
    },
    "lesson_features": {
        "title": "Features instead of hidden layers",
        "text": "No hidden layer: the network is a linear model of its features. Which features make the circle "
                "separable by one straight cut?",
        "config": {"dataset": "circles", "features": ["x1", "x2"], "hidden": [], "activations": [],
                   "learning_rate": 0.03},
        "hide": ["layers", "neurons", "activation", "regularization", "regularization_rate", "optimizer", "task"],
    },
    "lesson_depth": {
        "title": "At most 8 neurons per layer? Add a layer",
        "text": "Only x1 and x2 as inputs, and at most 8 neurons per layer. Add neurons, then a second layer, until "
                "the spiral is learned. (One layer with many more neurons could learn it too; the limit of 8 is "
                "what makes a second layer the way forward here.)",
        "config": {"dataset": "spiral", "features": ["x1", "x2"], "hidden": [2], "activations": ["tanh"],
                   "learning_rate": 0.03, "noise": 0.0},
        "hide": ["features", "regularization", "regularization_rate", "task", "optimizer"],
    },
    "lesson_regularization": {
        "title": "L1 pushes weights to zero",
        "text": "All seven features and a wide network on a simple problem. Train with and without L1 and watch "
                "the edges of the useless features fade.",
        "config": {"dataset": "gaussians", "features": list(FEATURES), "hidden": [8], "activations": ["tanh"],
                   "regularization": "l1", "regularization_rate": 0.003, "learning_rate": 0.03},
        "hide": ["features", "layers", "neurons", "task", "optimizer"],
    },
    "lesson_learning_rate": {
        "title": "Learning rate: too small, right, too large",
        "text": "Only the learning rate is yours to change. Try 0.0001, 0.03 and 3.",
        "config": {"dataset": "xor", "features": ["x1", "x2"], "hidden": [4], "activations": ["tanh"]},
        "hide": ["features", "layers", "neurons", "activation", "regularization", "regularization_rate",
                 "batch_size", "task", "optimizer", "dataset", "noise", "train_fraction", "regenerate"],
    },
}


def preset(name):
    """(config, hidden_controls, title, text) of the lesson preset `name` (see PRESETS)."""
    if name not in PRESETS:
        _fail(f"Unknown preset {name!r}. Presets are: {', '.join(PRESETS)}.")
    lesson = PRESETS[name]
    config = PlaygroundConfig.from_dict(lesson["config"])
    return config, check_controls(lesson["hide"]), lesson["title"], lesson["text"]


def check_controls(names):
    """The control names as a tuple, after checking each is one of CONTROLS."""
    names = (names,) if isinstance(names, str) else tuple(names)
    unknown = [name for name in names if name not in CONTROLS]
    if unknown:
        _fail(f"Unknown control {unknown[0]!r}. Controls are: {', '.join(CONTROLS)}.")
    return names


__all__ = ["PlaygroundConfig", "PlaygroundState", "PlaygroundData", "PlaygroundError", "FEATURES", "FEATURE_LABELS",
           "DATASETS", "CONTROLS", "PRESETS", "INPUT_SCALE", "make_features", "make_data", "init_params",
           "parameter_count", "new_state", "update_config", "reset", "regenerate", "train",
           "evaluate", "predict_plane", "with_params", "epoch_order", "compile_ahead", "to_json", "from_json", "states_equal", "preset", "check_controls"]

"""The Playground's settings: `PlaygroundConfig`, every setting checked when it is made, declaratively (from the
settings alone: no data is generated to check them).

>>> PlaygroundConfig(hidden=(8, 8), activations="relu").activations
('relu', 'relu')
"""
import dataclasses
import math
from dataclasses import dataclass

import numpy as np

from course_lib.network import hidden_activations
from course_lib.optimizers import OPTIMIZERS
from course_lib.playground.data import (DATASETS, FEATURES, LOSS_FOR_TASK, TASKS, PlaygroundError, _fail, make_data,
                                        shown)

REGULARIZATIONS = ("none", "l1", "l2")
# The data sets whose labels alternate 0, 1, 0, 1, ... (course_lib.datasets), so each class's size is known.
ALTERNATING_LABELS = ("circles", "moons", "spiral", "gaussians")
# The choices the Playground's menus offer (any positive number works in code).
LEARNING_RATES = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
REGULARIZATION_RATES = (0.0, 0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0)
PLAYGROUND_ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear")
MAX_HIDDEN_LAYERS = 6
MAX_NEURONS = 8

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
                _fail(f"hidden layer {k} has {shown(n)} neurons; each hidden layer has 1 to {MAX_NEURONS} neurons.")
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
        if batch_size > self.min_train_points:
            _fail(f"batch_size {batch_size} is larger than the training set: {self.n_points} points with "
                  f"train_fraction {self.train_fraction:g} leave at least {self.min_train_points} training points; "
                  f"choose 1 to {self.min_train_points}.")
        set_("batch_size", batch_size)

    @property
    def min_train_points(self):
        """The fewest training points these settings can give, from the settings alone (no data is generated).

        The split (course_lib.datasets.train_test_split) keeps round(test_fraction × n) points of each class for
        testing (of all points, for regression). Circles, moons, spiral and gaussians label their points 0, 1,
        0, 1, ...: ⌈n/2⌉ and ⌊n/2⌋ per class, so the count is exact. XOR labels each point by its random
        quadrant, so the class sizes are not known before the data is drawn: up to one point more per class may
        go to the test set.

        >>> PlaygroundConfig(n_points=400, train_fraction=0.5).min_train_points
        200
        >>> PlaygroundConfig(dataset="xor", n_points=400, train_fraction=0.5).min_train_points
        199
        """
        n, test_fraction = self.n_points, round(1 - self.train_fraction, 6)    # what make_data asks for
        if self.task == "regression":
            return n - int(round(test_fraction * n))
        if self.dataset in ALTERNATING_LABELS:
            return n - sum(int(round(test_fraction * size)) for size in ((n + 1) // 2, n // 2))
        return n - math.floor(test_fraction * n + 1)       # two classes, each share rounded up by at most 1/2

    @property
    def n_train(self):
        """How many points are used for training (counted in the data: the split rounds each class's share)."""
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
    try:
        value = float(value)
    except OverflowError:       # an integer beyond any float (a hand-edited file): out of range like the rest
        _fail(f"{name} must be {'above' if open_low else 'at least'} {low:g} and at most {high:g}; got {shown(value)}.")
    below = value <= low if open_low else value < low
    if not math.isfinite(value) or below or value > high:
        _fail(f"{name} must be {'above' if open_low else 'at least'} {low:g} and at most {high:g}; got {value:g}.")
    return value


def _integer(name, value, low, high):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        else:
            _fail(f"{name} must be a whole number; got {shown(value)}.")
    value = int(value)
    if value < low or (high is not None and value > high):
        _fail(f"{name} must be from {low} to {high}; got {shown(value)}." if high is not None
              else f"{name} must be at least {low}; got {shown(value)}.")
    return value



def describe_architecture(config):
    """'2 inputs (x1, x2) → hidden [4, 2] → 1'"""
    return f"{len(config.features)} inputs ({', '.join(config.features)}) → hidden {list(config.hidden)} → 1"

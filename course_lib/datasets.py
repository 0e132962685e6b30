"""Data sets for the course, all offline and seeded: made up on the spot, or shipped with the course.

Toy 2-D sets (for pictures of decision boundaries): "xor", "circles", "moons", "spiral", "gaussians";
regression: "regression_curve" (1-D), "regression_plane" and "regression_gaussians" (2-D).
Real data: "digits" (the 8×8 handwritten digits, shipped in course_lib/data/digits.npz) and "breast_cancer"
(a real tabular set, shipped in course_lib/data/breast_cancer.npz).
Bad settings (n=0, noise=nan, a split with an empty part) raise a ValueError that says which value to change;
`check_examples` does the same for data you bring yourself.

>>> data = load("circles", n=100, seed=0)
>>> data.x_train.shape, data.y_train.shape, data.task
((80, 2), (80,), 'classification')
>>> x, y = make_xor(n=4, noise=0.0, seed=0)
>>> x.shape
(4, 2)
"""
import inspect
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from course_lib.arrays import check_finite

DIGITS_FILE = Path(__file__).parent / "data" / "digits.npz"
BREAST_CANCER_FILE = Path(__file__).parent / "data" / "breast_cancer.npz"


@dataclass
class Dataset:
    """A data set split into training and test parts.

    x_*: float32 inputs (n, n_features). y_*: integer classes (n,) for classification, float32 targets
    (n, n_outputs) for regression. `images_*` hold the digits as 8×8 pictures (unstandardised).
    """
    name: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    task: str                       # "classification" or "regression"
    n_classes: int = 0              # 0 for regression
    feature_names: list = field(default_factory=list)
    class_names: list = field(default_factory=list)
    images_train: np.ndarray = None
    images_test: np.ndarray = None
    mean: np.ndarray = None         # standardisation applied (None if none)
    std: np.ndarray = None

    @property
    def n_features(self):
        return self.x_train.shape[1]

    def __repr__(self):
        return (f"Dataset({self.name!r}, {self.task}, train {self.x_train.shape}, test {self.x_test.shape}"
                + (f", {self.n_classes} classes)" if self.n_classes else ")"))


# --- checking settings ------------------------------------------------------------------------------------------

def check_count(value, name, minimum=1):
    """A whole number of at least `minimum` (n, n_classes...); a ValueError that names the setting otherwise."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name} must be a whole number (at least {minimum}); got {value!r}.")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}; got {value}.")


def check_amount(value, name, low=0.0, high=math.inf):
    """A finite real number between `low` and `high` (noise, factor...); a ValueError that names the setting."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(f"{name} must be a number; got {value!r}.")
    if not (math.isfinite(value) and low <= value <= high):
        limits = f", at least {low:g}" if high == math.inf else f" between {low:g} and {high:g}"
        raise ValueError(f"{name} must be a finite number{limits}; got {value!r}.")


def check_examples(x, y, x_name="x", y_name="y"):
    """Refuse training data that cannot be trained on, with a message that names the fix: x and y both given, at
    least one example, as many targets as rows of x, and no NaN or inf (which is a problem of the data, not of
    the learning rate). For validation data call it with x_name="x_val", y_name="y_val".

    Runs on concrete arrays (NumPy, or JAX outside jax.jit), before training. Shapes against the network are
    `network.check_shapes`'s job, targets against the loss `losses.check_targets`'s.

    >>> check_examples(np.zeros((0, 2)), np.zeros(0))
    Traceback (most recent call last):
        ...
    ValueError: x has no examples (shape (0, 2)): training needs at least one row. ...
    """
    if x is None or y is None:
        given, missing = (x_name, y_name) if y is None else (y_name, x_name)
        raise ValueError(f"{given} was given without {missing}: pass both, one target in {y_name} for each row of "
                         f"{x_name}.")
    x_shape, y_shape = np.shape(x), np.shape(y)
    if len(x_shape) == 0 or len(y_shape) == 0:
        raise ValueError(f"{x_name} and {y_name} must be arrays with one row per example; got shapes {x_shape} "
                         f"and {y_shape}.")
    if x_shape[0] == 0:
        raise ValueError(f"{x_name} has no examples (shape {x_shape}): training needs at least one row. Check the "
                         f"step that selected or filtered the data.")
    if x_shape[0] != y_shape[0]:
        raise ValueError(f"{x_name} has {x_shape[0]} examples but {y_name} has {y_shape[0]}: they must have the "
                         f"same first dimension, one target per row.")
    check_finite(x, x_name)
    check_finite(y, y_name)


# --- toy sets: each returns (x, y) with x float32 (n, 2) ----------------------------------------------------

def _check_n_and_noise(n, noise):
    check_count(n, "n (the number of points)")
    check_amount(noise, "noise")


def make_xor(n=200, noise=0.1, seed=0):
    """Four clusters at the corners of a square; class 1 where exactly one coordinate is positive."""
    _check_n_and_noise(n, noise)
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, size=(n, 2))
    y = ((x[:, 0] > 0) != (x[:, 1] > 0)).astype(np.int32)
    x = x + noise * rng.normal(size=x.shape)
    return x.astype(np.float32), y


def make_circles(n=200, noise=0.1, factor=0.5, seed=0):
    """A disc of class 1 inside a ring of class 0: no straight line separates them."""
    _check_n_and_noise(n, noise)
    check_amount(factor, "factor (the inner circle's radius, relative to the outer one)", 0.0, 1.0)
    rng = np.random.default_rng(seed)
    y = (np.arange(n) % 2).astype(np.int32)
    angle = rng.uniform(0, 2 * np.pi, n)
    radius = np.where(y == 1, factor, 1.0) * rng.uniform(0.8, 1.0, n) ** 0.5
    x = np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1)
    x = x + noise * rng.normal(size=x.shape)
    order = rng.permutation(n)
    return x[order].astype(np.float32), y[order]


def make_moons(n=200, noise=0.1, seed=0):
    """Two interleaving half circles."""
    _check_n_and_noise(n, noise)
    rng = np.random.default_rng(seed)
    y = (np.arange(n) % 2).astype(np.int32)
    t = rng.uniform(0, np.pi, n)
    x = np.where(y[:, None] == 0,
                 np.stack([np.cos(t), np.sin(t)], axis=1),
                 np.stack([1 - np.cos(t), 0.5 - np.sin(t)], axis=1))
    x = x + noise * rng.normal(size=x.shape)
    order = rng.permutation(n)
    return x[order].astype(np.float32), y[order]


def make_spiral(n=200, noise=0.1, turns=1.5, n_classes=2, seed=0):
    """Interleaved spiral arms, one per class: hard for shallow networks."""
    _check_n_and_noise(n, noise)
    check_amount(turns, "turns")
    check_count(n_classes, "n_classes", minimum=2)
    rng = np.random.default_rng(seed)
    y = (np.arange(n) % n_classes).astype(np.int32)
    r = rng.uniform(0.05, 1.0, n)
    angle = 2 * np.pi * turns * r + 2 * np.pi * y / n_classes
    x = np.stack([r * np.cos(angle), r * np.sin(angle)], axis=1)
    x = x + noise * rng.normal(size=x.shape)
    order = rng.permutation(n)
    return x[order].astype(np.float32), y[order]


def make_gaussians(n=200, noise=0.1, n_classes=2, seed=0):
    """Round blobs of points, one per class, centred on a circle."""
    _check_n_and_noise(n, noise)
    check_count(n_classes, "n_classes", minimum=2)
    rng = np.random.default_rng(seed)
    y = (np.arange(n) % n_classes).astype(np.int32)
    angle = 2 * np.pi * y / n_classes + np.pi / 4
    centres = 0.6 * np.stack([np.cos(angle), np.sin(angle)], axis=1)
    x = centres + (0.15 + noise) * rng.normal(size=(n, 2))
    order = rng.permutation(n)
    return x[order].astype(np.float32), y[order]


def make_regression_curve(n=200, noise=0.1, seed=0):
    """A wiggly 1-D function to fit: y = sin(3x) + x/2 plus noise, x in [-1.5, 1.5]. y has shape (n, 1)."""
    _check_n_and_noise(n, noise)
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(-1.5, 1.5, n))[:, None]
    y = np.sin(3 * x) + 0.5 * x + noise * rng.normal(size=x.shape)
    return x.astype(np.float32), y.astype(np.float32)


def make_regression_plane(n=200, noise=0.1, seed=0):
    """A tilted plane over 2-D inputs: y = (x1 + x2) / 2 plus noise."""
    _check_n_and_noise(n, noise)
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, size=(n, 2))
    y = (x[:, :1] + x[:, 1:]) / 2 + noise * rng.normal(size=(n, 1))
    return x.astype(np.float32), y.astype(np.float32)


def make_regression_gaussians(n=200, noise=0.1, seed=0):
    """Two bumps of opposite sign over the plane: a non-linear 2-D regression target."""
    _check_n_and_noise(n, noise)
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, size=(n, 2))
    bump = lambda cx, cy: np.exp(-((x[:, 0] - cx) ** 2 + (x[:, 1] - cy) ** 2) / 0.18)
    y = (bump(-0.4, 0.4) - bump(0.4, -0.4))[:, None] + noise * rng.normal(size=(n, 1))
    return x.astype(np.float32), y.astype(np.float32)


TOY = {
    "xor": (make_xor, "classification"),
    "circles": (make_circles, "classification"),
    "moons": (make_moons, "classification"),
    "spiral": (make_spiral, "classification"),
    "gaussians": (make_gaussians, "classification"),
    "regression_curve": (make_regression_curve, "regression"),
    "regression_plane": (make_regression_plane, "regression"),
    "regression_gaussians": (make_regression_gaussians, "regression"),
}
REAL = ("digits", "breast_cancer")
NAMES = tuple(TOY) + REAL


# --- preparing data -------------------------------------------------------------------------------------------

def train_test_split(x, y, test_fraction=0.2, seed=0, stratify=True):
    """Shuffle, then keep `test_fraction` of the examples aside for testing.

    With `stratify` (classification labels), each class keeps its share in both parts.
    Returns x_train, x_test, y_train, y_test.
    """
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must be between 0 and 1 (exclusive); got {test_fraction}.")
    if len(x) != len(y):
        raise ValueError(f"x has {len(x)} examples but y has {len(y)}: they must have the same first dimension.")
    rng = np.random.default_rng(seed)
    n = len(x)
    if stratify and np.asarray(y).ndim == 1:
        test = []
        for label in np.unique(y):
            members = rng.permutation(np.flatnonzero(y == label))
            test.extend(members[: int(round(test_fraction * len(members)))])
        test = np.array(sorted(test), dtype=int)
    else:
        test = np.sort(rng.permutation(n)[: int(round(test_fraction * n))])
    if len(test) == 0 or len(test) == n:
        part = "testing" if len(test) == 0 else "training"
        raise ValueError(f"Splitting {n} examples with test_fraction={test_fraction} leaves none for {part}: "
                         f"use more examples (a larger n) or a test_fraction nearer 0.5.")
    is_test = np.zeros(n, bool)
    is_test[test] = True
    train = rng.permutation(np.flatnonzero(~is_test))
    test = rng.permutation(test)
    return x[train], x[test], y[train], y[test]


def standardize(x_train, *others):
    """Scale every feature to mean 0 and standard deviation 1, using the *training* statistics only
    (the test set must not leak into training). Returns (x_train, *others, mean, std).

    >>> a, b, mean, std = standardize(np.array([[0.0], [2.0]]), np.array([[4.0]]))
    >>> a.ravel().tolist(), b.ravel().tolist()
    ([-1.0, 1.0], [3.0])
    """
    mean = x_train.mean(axis=0)
    std = x_train.std(axis=0)
    std = np.where(std > 0, std, 1.0)   # a constant feature (a digit's always-blank corner) stays 0, not NaN
    scaled = [((x - mean) / std).astype(np.float32) for x in (x_train, *others)]
    return (*scaled, mean, std)


def one_hot(labels, n_classes=None):
    """Integer labels 0..n_classes-1 as one-hot rows: one_hot([0, 2], 3) → [[1, 0, 0], [0, 0, 1]].

    Without n_classes, the largest label plus one. A label that is negative or not below n_classes is refused
    (NumPy indexing would quietly map -1 to the last class).
    """
    labels = np.asarray(labels)
    if labels.ndim != 1 or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(f"one_hot needs a 1-D array of integer labels; got shape {labels.shape}, dtype {labels.dtype}.")
    if n_classes is None:
        if labels.size == 0:
            raise ValueError("one_hot got no labels, so it cannot tell how many classes there are: pass n_classes.")
        n_classes = int(labels.max()) + 1
    check_count(n_classes, "n_classes")
    if labels.size and labels.min() < 0:
        raise ValueError(f"one_hot: labels must be 0..{n_classes - 1}, but they include {labels.min()}. "
                         "Classes are counted from 0; renumber them (for -1/+1 labels: (y + 1) // 2).")
    if labels.size and labels.max() >= n_classes:
        raise ValueError(f"one_hot: labels must be 0..{n_classes - 1} for n_classes={n_classes}, but they include "
                         f"{labels.max()}. Pass n_classes={int(labels.max()) + 1} (or leave it out).")
    return np.eye(n_classes, dtype=np.float32)[labels]


# --- loading ---------------------------------------------------------------------------------------------------

def load_digits(test_fraction=0.2, seed=0, standardize_inputs=True):
    """1797 handwritten digits, 8×8 pixels (values 0–16), 10 classes, as a Dataset.

    x is the 64 pixels of each image, standardised with the training statistics; images_* keep the pictures.
    The pictures are scikit-learn's copy of the UCI "Optical Recognition of Handwritten Digits" test set, shipped
    in course_lib/data/digits.npz (made by tools/make_digits_data.py) so that loading them needs only NumPy.
    """
    with np.load(DIGITS_FILE) as stored:
        images = stored["images"].astype(np.float32)       # uint8 grey levels 0..16 in the file
        labels = stored["labels"].astype(np.int32)
    index = np.arange(len(images))
    i_train, i_test, y_train, y_test = train_test_split(index, labels, test_fraction, seed)
    x_train, x_test = images[i_train].reshape(-1, 64), images[i_test].reshape(-1, 64)
    mean = std = None
    if standardize_inputs:
        x_train, x_test, mean, std = standardize(x_train, x_test)
    return Dataset("digits", x_train, y_train, x_test, y_test, "classification", 10,
                   feature_names=[f"pixel ({r}, {c})" for r in range(8) for c in range(8)],
                   class_names=[str(d) for d in range(10)],
                   images_train=images[i_train], images_test=images[i_test], mean=mean, std=std)


def load_tabular(name="breast_cancer", test_fraction=0.2, seed=0, standardize_inputs=True):
    """A real tabular data set: "breast_cancer" (569 tumours, 30 measurements, malignant or benign).

    The table is scikit-learn's copy of the UCI "Breast Cancer Wisconsin (Diagnostic)" data, shipped in
    course_lib/data/breast_cancer.npz (made by tools/make_breast_cancer_data.py) so that loading it needs only NumPy.
    """
    if name != "breast_cancer":
        raise ValueError(f"Unknown tabular data set {name!r}. Available: breast_cancer.")
    with np.load(BREAST_CANCER_FILE) as stored:
        measurements = stored["measurements"]               # float32 in the file
        labels = stored["labels"].astype(np.int32)
        feature_names, class_names = stored["feature_names"].tolist(), stored["class_names"].tolist()
    x_train, x_test, y_train, y_test = train_test_split(measurements, labels, test_fraction, seed)
    mean = std = None
    if standardize_inputs:
        x_train, x_test, mean, std = standardize(x_train, x_test)
    return Dataset("breast_cancer", x_train, y_train, x_test, y_test, "classification", 2,
                   feature_names=feature_names, class_names=class_names, mean=mean, std=std)


def load(name, *, n=None, noise=None, test_fraction=0.2, seed=0, standardize_inputs=False, **options):
    """Any course data set by name, split into train and test. `load("spiral", n=300, noise=0.05)`.

    Names: xor, circles, moons, spiral, gaussians, regression_curve, regression_plane,
    regression_gaussians, digits, breast_cancer. The made-up sets have n=200 points and noise=0.1 unless you
    say otherwise; extra options go to their maker (e.g. n_classes=3 for spiral). The real sets (digits,
    breast_cancer) have a fixed size and are always standardised; they take only test_fraction and seed.
    """
    if name in REAL:
        fixed = {"n": n, "noise": noise, **options}
        refused = [option for option, value in fixed.items() if value is not None]
        if refused:
            raise ValueError(f"load({name!r}) takes no {', '.join(refused)}: it is real data with a fixed size. "
                             "Its settings are test_fraction and seed.")
        if name == "digits":
            return load_digits(test_fraction, seed, standardize_inputs=True)
        return load_tabular(name, test_fraction, seed, standardize_inputs=True)
    if name not in TOY:
        raise ValueError(f"Unknown data set {name!r}. Valid names are: {', '.join(NAMES)}.")
    maker, task = TOY[name]
    accepted = [option for option in inspect.signature(maker).parameters if option not in ("n", "noise", "seed")]
    unknown = [option for option in options if option not in accepted]
    if unknown:
        raise ValueError(f"load({name!r}) has no option {', '.join(map(repr, unknown))}. Its options are n, noise, "
                         f"seed, test_fraction, standardize_inputs{''.join(', ' + a for a in accepted)}.")
    n = 200 if n is None else n
    noise = 0.1 if noise is None else noise
    x, y = maker(n=n, noise=noise, seed=seed, **options)
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_fraction, seed, stratify=task == "classification")
    mean = std = None
    if standardize_inputs:
        x_train, x_test, mean, std = standardize(x_train, x_test)
    n_classes = int(y.max()) + 1 if task == "classification" else 0
    names = ["x"] if x.shape[1] == 1 else ["x1", "x2"]
    return Dataset(name, x_train, y_train, x_test, y_test, task, n_classes, feature_names=names,
                   class_names=[str(c) for c in range(n_classes)], mean=mean, std=std)

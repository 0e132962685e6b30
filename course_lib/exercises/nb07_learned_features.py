"""Exercise bank for notebook 07 (learned features): engineer a feature by hand, then read a network's features.

1. `xor_features_exercise`: write `xor_features(x)`, features of 2-D points that let a *linear* model separate the
   XOR classes. Many answers are right (x1·x2, or x1·x2 next to the raw inputs, or all products of degree 2), so
   the checker does not compare values with the reference: it trains a linear classifier (logistic regression) on
   the student's features of two thirds of the points and asks for the accuracy that the reference feature x1·x2
   reaches on the other third, points the model has not seen. At most MAX_FEATURES features: a few good ones.
2. `unit_regions_exercise`: `region_detector()` is a small network with hand-set weights whose four hidden units
   each detect one side of the plane; the student looks at their heatmaps and names each unit's region.

In the notebook:

    from course_lib.exercises import nb07_learned_features as exercises

    def xor_features(x):
        ### BEGIN SOLUTION
        return x[:, :1] * x[:, 1:]
        ### END SOLUTION

    exercises.xor_features_exercise.check(xor_features)
    unit_regions = ["top", ...]
    exercises.unit_regions_exercise.check(unit_regions)
"""
import numpy as np

from course_lib.exercises.checker import Exercise, Mistake, ValueExercise

# A linear model on good features separates the noise-free XOR points; the reference feature reaches 100%.
REQUIRED_ACCURACY = 0.97
# The lesson is to find a few features that make XOR separable, not to give the model one column per point.
MAX_FEATURES = 10


# ------------------------------------------------------------------------------------------------ XOR features


def xor_labels(x):
    """The XOR class of each point: 1 where exactly one of x1, x2 is positive, else 0.

    >>> xor_labels(np.array([[0.5, 0.5], [-0.5, 0.5]])).tolist()
    [0, 1]
    """
    return ((x[:, 0] > 0) != (x[:, 1] > 0)).astype(np.int32)


def xor_features(x):
    """One engineered feature for XOR: the product x1·x2, negative exactly where the class is 1. Shape (n, 1).

    >>> xor_features(np.array([[0.5, 2.0], [-1.0, 3.0]])).tolist()
    [[1.0], [-3.0]]
    """
    return x[:, :1] * x[:, 1:]


def linear_accuracy(features, labels):
    """How well a linear model (logistic regression, almost unregularised) predicts `labels` from `features` on points
    it has NOT seen: it is fitted on the first two thirds of the rows and scored on the last third. (Scored on the
    points it was fitted on, any features with enough columns, even one column per point, would look perfect.)
    Features are standardised with the fitted part's statistics, so their scale does not matter.

    >>> x = np.random.default_rng(0).uniform(-1, 1, size=(300, 2))
    >>> linear_accuracy(x, (x[:, 0] > 0).astype(int)) > 0.95      # separable by a straight line
    True
    >>> linear_accuracy(np.eye(300), (x[:, 0] > 0).astype(int)) < 0.8      # one column per point: memorised only
    True
    """
    from sklearn.linear_model import LogisticRegression

    features = np.asarray(features, dtype=np.float64)
    n_fit = 2 * len(features) // 3
    fit_part, held_out = features[:n_fit], features[n_fit:]
    mean, std = fit_part.mean(axis=0), fit_part.std(axis=0)
    std = np.where(std > 0, std, 1.0)
    model = LogisticRegression(C=1e4, max_iter=2000).fit((fit_part - mean) / std, labels[:n_fit])
    return float(model.score((held_out - mean) / std, labels[n_fit:]))


# Why these inputs separate right from wrong: the model is scored on held-out points (a third of each set), so
# features that only memorise (one column per point, random columns) fail; at most MAX_FEATURES columns; the
# classes are the exact sign rule with no noise, so a right feature reaches 100% and raw inputs, x1 + x2 or the
# radius stay near 50-75%; the third set spans [-3, 3]², so a feature that relies on |x| <= 1 fails there.


def make_xor_points(rng):
    """Three sets of XOR points with no noise (the class is exactly the sign rule): 200, 120 and 300 points, the
    last spread over a larger square, so that a feature must not depend on the points lying in [-1, 1]²."""
    return [(rng.uniform(-1, 1, size=(200, 2)),), (rng.uniform(-1, 1, size=(120, 2)),),
            (rng.uniform(-3, 3, size=(300, 2)),)]


def _as_feature_matrix(features, x):
    """The student's features as a float (n, k) array, or a ValueError saying what is wrong with them."""
    if features is None:
        raise ValueError("your function returned nothing")
    features = np.asarray(features)
    if features.dtype.kind not in "biuf":
        raise ValueError(f"the features must be numbers; got an array of dtype {features.dtype}")
    if features.ndim != 2:
        raise ValueError(f"return a 2-D array, one row per point and one column per feature, shape (n, k); got "
                         f"shape {features.shape}. One feature f of shape (n,) becomes f[:, None] (or use "
                         f"keepdims=True, or np.column_stack)")
    if features.shape[0] != len(x):
        raise ValueError(f"x has {len(x)} points but your features have {features.shape[0]} rows: keep one row "
                         f"per point")
    return features.astype(np.float64)


def separates_xor(features, expected, call):
    """`compare` for the XOR exercise: a linear model on the student's features must fit the labels about as well
    as it does on the reference feature (REQUIRED_ACCURACY)."""
    x = call.args[0]
    features = _as_feature_matrix(features, x)
    if not np.all(np.isfinite(features)):
        return False, "your features contain NaN or inf (not a number / infinity), which no model can use."
    columns = "1 feature" if features.shape[1] == 1 else f"{features.shape[1]} features"
    if features.shape[1] > MAX_FEATURES:
        return False, (f"you gave {columns} per point; find a few (at most {MAX_FEATURES}) that make XOR separable. "
                       f"With one column per point a model only memorises the points it has seen.")
    labels = xor_labels(x)
    accuracy = linear_accuracy(features, labels)
    held_out = len(x) - 2 * len(x) // 3
    if accuracy >= REQUIRED_ACCURACY:
        return True, (f"a linear model fitted on your {columns} gets {accuracy:.0%} of {held_out} points it had "
                      f"not seen right.")
    return False, (f"a linear model fitted on your {columns} gets only {accuracy:.0%} of {held_out} points it had "
                   f"not seen right; with features that make XOR separable it gets at least "
                   f"{REQUIRED_ACCURACY:.0%}.")


def _xor_raw_inputs(x):
    return x.copy()


def _xor_squared_radius(x):
    return (x ** 2).sum(axis=1, keepdims=True)


def _xor_inputs_and_squared_radius(x):
    return np.column_stack([x, (x ** 2).sum(axis=1)])


def _xor_sum(x):
    return np.column_stack([x, x[:, 0] + x[:, 1]])


def _xor_one_column_per_point(x):
    return np.eye(len(x))


def _xor_product_one_dimensional(x):
    return x[:, 0] * x[:, 1]


_RADIUS_HINT = ("x1² + x2² is the circles' feature: it measures the distance from the centre, and XOR's two classes "
                "are at the same distances. What differs between them is whether x1 and x2 have the same sign.")

xor_features_exercise = Exercise(
    name="xor_features",
    reference=xor_features,
    make_inputs=make_xor_points,
    compare=separates_xor,
    hints=[
        "A linear model can only draw one straight line through the space of its features. Find one number per "
        "point that is large for one class and small for the other.",
        "Class 1 is where x1 and x2 have opposite signs, class 0 where they have the same sign. Which arithmetic "
        "operation on two numbers gives a positive result for equal signs and a negative one for opposite signs?",
        "The product x1·x2, as a column: x[:, :1] * x[:, 1:] (shape (n, 1)). You may keep the raw inputs next to it "
        "with np.column_stack([x, x[:, 0] * x[:, 1]]).",
    ],
    mistakes=[
        Mistake(_xor_one_column_per_point, "One column per point (np.eye(len(x))) lets a model memorise the points "
                                           "it was fitted on, and tells it nothing about new points: the checker "
                                           "scores your features on points the model has not seen. Compute a few "
                                           "features from x1 and x2 instead."),
        Mistake(_xor_raw_inputs, "Those are the raw inputs x1, x2: on them a linear model can only draw a straight "
                                 "line, and no straight line separates XOR (notebook 01). Compute a new, non-linear "
                                 "feature from x1 and x2."),
        Mistake(_xor_squared_radius, _RADIUS_HINT),
        Mistake(_xor_inputs_and_squared_radius, _RADIUS_HINT),
        Mistake(_xor_sum, "x1 + x2 is a weighted sum of the inputs, which the linear model could already form "
                          "itself: a linear feature adds nothing. You need a non-linear one (a product, a square, "
                          "...)."),
        Mistake(_xor_product_one_dimensional, "The product x1·x2 is the right idea, but you returned a 1-D array, "
                                              "shape (n,). Features are a 2-D array, one column per feature: "
                                              "x[:, :1] * x[:, 1:] or (x[:, 0] * x[:, 1])[:, None]."),
    ],
    explanation="The product x1·x2 is positive where x1 and x2 have the same sign (class 0) and negative where they "
                "differ (class 1), so one threshold at 0 separates the classes. Squares and products of the inputs "
                "(all of x1², x2², x1·x2) also work: the linear model picks the product out of them.",
)


# ------------------------------------------------------------------------------------------- unit regions

REGIONS = ("left", "right", "top", "bottom")
# What each hidden unit of `region_detector` responds to, in order; the weights below are built from this.
_UNIT_REGIONS = ["top", "left", "bottom", "right"]
_DIRECTIONS = {"right": (1.0, 0.0), "left": (-1.0, 0.0), "top": (0.0, 1.0), "bottom": (0.0, -1.0)}
# A slight tilt per unit, as a trained network's units have: no edge is exactly along an axis.
_TILTS = [0.25, -0.2, 0.15, -0.1]


def region_detector():
    """A network 2 → 4 → 1 (ReLU hidden units) with weights set by hand: each hidden unit is active on one side
    of the plane, beyond a slightly tilted edge about 0.5 from the centre; the output adds the four with weight -1
    and a bias of 0.5, so it is positive only in the square in the middle, where no unit is active.

    >>> params = region_detector()
    >>> [layer["W"].shape for layer in params]
    [(2, 4), (4, 1)]
    """
    columns = []
    for name, tilt in zip(_UNIT_REGIONS, _TILTS):
        dx, dy = _DIRECTIONS[name]
        columns.append((4.0 * (dx + tilt * dy), 4.0 * (dy + tilt * dx)))   # a steep ramp: 4 per unit of distance
    hidden = {"W": np.array(columns, dtype=np.float32).T, "b": np.full(4, -2.0, dtype=np.float32)}
    output = {"W": -np.ones((4, 1), dtype=np.float32), "b": np.array([0.5], dtype=np.float32)}
    return [hidden, output]


def _regions_match(answer, expected):
    if not isinstance(answer, (list, tuple)) or not all(isinstance(word, str) for word in answer):
        raise ValueError(f"give a list of {len(expected)} words, one per unit, e.g. [\"left\", \"top\", ...]")
    words = [word.strip().lower() for word in answer]
    if len(words) != len(expected):
        raise ValueError(f"the network has {len(expected)} hidden units; give one word for each, got {len(words)}")
    unknown = [word for word in words if word not in REGIONS]
    if unknown:
        raise ValueError(f"{unknown[0]!r} is not one of the regions: use {', '.join(REGIONS)}")
    right = sum(word == want for word, want in zip(words, expected))
    return right == len(expected), f"{right} of {len(expected)} units named right."


def _swapped(names, pairs):
    return [pairs.get(name, name) for name in names]


_AXES_SWAPPED = {"left": "bottom", "bottom": "left", "right": "top", "top": "right"}
_SIDES_SWAPPED = {"left": "right", "right": "left", "top": "bottom", "bottom": "top"}

unit_regions_exercise = ValueExercise(
    name="unit_regions",
    expected=list(_UNIT_REGIONS),
    compare=_regions_match,
    hints=[
        "Look at each unit's heatmap: a hidden unit *detects* the region where it is active, where its value is "
        "large (the bright part), not where it is 0.",
        "x1 is the horizontal axis (left to right), x2 the vertical one (bottom to top). A ReLU unit is active "
        "where w1·x1 + w2·x2 + b > 0, so it grows in the direction of its weights (w1, w2).",
        "Read the weights: params[0][\"W\"][:, k] are unit k's weights (w1, w2). A large positive w2 means it "
        "grows towards the top; a large negative w1 means it grows towards the left.",
    ],
    mistakes=[
        Mistake(_swapped(_UNIT_REGIONS, _AXES_SWAPPED), "It looks like you swapped the axes: x1 is horizontal "
                                                        "(left-right) and x2 vertical (bottom-top). A unit whose "
                                                        "large weight is on x2 detects the top or the bottom."),
        Mistake(_swapped(_UNIT_REGIONS, _SIDES_SWAPPED), "You named the side where each unit is 0 (switched off). "
                                                         "A unit detects where it is active: the side with the "
                                                         "large values."),
        Mistake(_swapped(_swapped(_UNIT_REGIONS, _SIDES_SWAPPED), _AXES_SWAPPED),
                "You both swapped the axes (x1 is horizontal, x2 vertical) and named the side where each unit is "
                "0; a unit detects the side where it is active."),
    ],
    explanation="Unit 0 grows with x2 (top), unit 1 against x1 (left), unit 2 against x2 (bottom), unit 3 with x1 "
                "(right). The output subtracts all four from 0.5, so it is positive only where none of them is "
                "active: the square in the middle. Four simple edge features, combined, make a new shape.",
)

EXERCISES = {exercise.name: exercise for exercise in [xor_features_exercise, unit_regions_exercise]}

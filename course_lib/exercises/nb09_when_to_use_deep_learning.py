"""Exercise bank for notebook 09 (when to use deep learning): the capstone on three interleaved spiral arms.

1. `design_exercise`: the student's design of a network for the spiral data, a dict
   `{"layer_sizes": [2, ..., 3], "activation": "relu"}`. Many designs are right, so the check does not compare
   with one answer: it reads the design (inputs, outputs, hidden layers, activation, size) and says precisely what
   is wrong, then trains it the same way every time on a validation split carved out of the training data (the
   test set stays untouched for the notebook's final evaluation) and compares it with the baseline, logistic
   regression, trained and measured on the same split. It passes at 90% or more (the baseline gets about 37%);
   a network too small to follow the arms does not.
2. `predict_new_exercise`: `predict_new(params, x_new, mean, std, activation)`, the predicted classes for new raw
   inputs, compared with `course_lib.predict` on inputs standardised with the training statistics.

In the notebook:

    from course_lib.exercises import nb09_when_to_use_deep_learning as exercises

    ### BEGIN SOLUTION
    my_design = {"layer_sizes": [2, 32, 32, 3], "activation": "relu"}
    ### END SOLUTION
    exercises.design_exercise.check(my_design)
"""
import functools

import numpy as np

from course_lib.activations import ACTIVATIONS, ELEMENTWISE
from course_lib.exercises.checker import Exercise, Mistake, ValueExercise

N_INPUTS = 2                     # the two coordinates of a point
N_CLASSES = 3                    # three spiral arms
# The data: 600 points on three arms turning 1.25 times, a little noise. No straight line separates two arms, so the
# linear baseline stays far below a network that can bend its boundaries around them.
SPIRAL = dict(n=600, noise=0.05, turns=1.25, n_classes=N_CLASSES)
MAX_PARAMETERS = 20_000          # for ~340 training points: more would be slow and learn the noise
REQUIRED_ACCURACY = 0.9
# How the checker trains every design, so that designs are compared on equal terms (full batch: the data are small).
TRAINING = dict(epochs=1000, lr=0.01, optimizer="adam", loss="cross_entropy")
NON_LINEAR = [name for name in ELEMENTWISE if name != "linear"]   # for hidden layers
REFERENCE_DESIGN = {"layer_sizes": [N_INPUTS, 32, 32, N_CLASSES], "activation": "relu"}
EXAMPLE = '{"layer_sizes": [2, 16, 3], "activation": "relu"}'   # how a design is written (not a passing one)


# ------------------------------------------------------------------------------------------------- the data


def spiral_split(seed=0, test_fraction=0.25):
    """The capstone's data: `course_lib.datasets.make_spiral` with three arms (600 points), split into training and
    test parts (stratified), raw (not standardised): returns x_train, x_test, y_train, y_test.

    >>> x_train, x_test, y_train, y_test = spiral_split()
    >>> x_train.shape, x_test.shape, np.bincount(y_train).tolist()
    ((450, 2), (150, 2), [150, 150, 150])
    """
    from course_lib.datasets import make_spiral, train_test_split

    x, y = make_spiral(seed=seed, **SPIRAL)
    return train_test_split(x, y, test_fraction, seed)


def validation_split(seed=0):
    """What the design check trains and measures on: the spiral *training* part split again (a quarter held out
    for validation), standardised with the statistics of what remains for training. Returns x_fit, x_val, y_fit,
    y_val."""
    from course_lib.datasets import standardize, train_test_split

    x_train, _, y_train, _ = spiral_split(seed)
    x_fit, x_val, y_fit, y_val = train_test_split(x_train, y_train, 0.25, seed)
    x_fit, x_val, _, _ = standardize(x_fit, x_val)
    return x_fit, x_val, y_fit, y_val


@functools.cache
def baseline_validation_accuracy():
    """The baseline the design must beat: logistic regression (scikit-learn) on the same validation split.

    >>> round(baseline_validation_accuracy(), 2)
    0.37
    """
    from sklearn.linear_model import LogisticRegression

    x_fit, x_val, y_fit, y_val = validation_split()
    return float(LogisticRegression().fit(x_fit, y_fit).score(x_val, y_val))


# ---------------------------------------------------------------------------------------------- the design


def _read_design(design):
    """The design's layer sizes and activation, or a ValueError saying how a design is written."""
    if not isinstance(design, dict) or set(design) != {"layer_sizes", "activation"}:
        raise ValueError(f"write the design as a dict with the keys 'layer_sizes' and 'activation', like {EXAMPLE}")
    sizes, activation = design["layer_sizes"], design["activation"]
    if not isinstance(sizes, (list, tuple)) or not all(isinstance(n, (int, np.integer)) for n in sizes):
        raise ValueError(f"layer_sizes must be a list of whole numbers (nodes per layer, inputs first), like {EXAMPLE}")
    if not isinstance(activation, str):
        raise ValueError(f"activation must be the name of an activation, a string such as \"relu\"; got {activation!r}")
    return [int(n) for n in sizes], activation


def design_problem(sizes, activation):
    """What is wrong with a design before any training, in words; None if nothing is."""
    if len(sizes) < 2 or min(sizes) < 1:
        return "A network needs at least an input and an output layer, each with at least 1 node."
    if sizes[0] != N_INPUTS:
        return (f"The first size is the number of inputs: each point has {N_INPUTS} coordinates, so layer_sizes must "
                f"start with {N_INPUTS}, not {sizes[0]} (the number of points is not a layer size).")
    if sizes[-1] == 1:
        return (f"One output per class: there are {N_CLASSES} arms, so the last size is {N_CLASSES} (the softmax "
                f"turns the {N_CLASSES} outputs into probabilities). One output can only separate two classes.")
    if sizes[-1] != N_CLASSES:
        return f"The last size is the number of classes, {N_CLASSES} (one output per arm), not {sizes[-1]}."
    if len(sizes) == 2:
        return (f"[{N_INPUTS}, {N_CLASSES}] has no hidden layer: that is logistic regression, the baseline itself, "
                f"a linear model that cannot bend its boundaries around the arms. Add at least one hidden layer.")
    if activation not in ACTIVATIONS:
        return f"{activation!r} is not an activation course_lib knows. Choose one of: {', '.join(NON_LINEAR)}."
    if activation not in ELEMENTWISE:
        return (f"{activation!r} mixes a whole row, so it belongs in the output layer (the loss applies the softmax "
                f"itself), not in the hidden layers. Choose one of: {', '.join(NON_LINEAR)}.")
    if activation == "linear":
        return ("With the 'linear' activation the hidden layers do nothing new: layers of weighted sums in a row "
                "are one weighted sum, so the network is a linear model, no better than the baseline. Choose a "
                "non-linear activation such as relu or tanh.")
    n_parameters = sum(n_in * n_out + n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))
    if n_parameters > MAX_PARAMETERS:
        return (f"Your network has {n_parameters:,} parameters to learn from about 340 points: far more than the "
                f"data can pin down, and slow. Keep it under {MAX_PARAMETERS:,}, e.g. one or two hidden layers of "
                f"16 to 64 nodes.")
    return None


def validation_accuracy(sizes, activation, seed=0):
    """Train a design the checker's way (TRAINING, full batch, from init_mlp(seed)) and measure it on the
    validation split."""
    from course_lib.initializers import init_mlp
    from course_lib.training import accuracy, fit

    x_fit, x_val, y_fit, y_val = validation_split()
    params, _ = fit(init_mlp(sizes, seed=seed), x_fit, y_fit, activation=activation, on_divergence="stop",
                    **TRAINING)
    return float(accuracy(params, x_val, y_val, activation=activation))


def check_design(design, expected=None):
    """`compare` for the design exercise: first the design's shape, then how well it trains, against the
    baseline trained and measured on the same split."""
    sizes, activation = _read_design(design)
    problem = design_problem(sizes, activation)
    if problem:
        return False, problem
    score, baseline = validation_accuracy(sizes, activation), baseline_validation_accuracy()
    versus = f"{score:.0%} of the validation points right (the baseline, logistic regression: {baseline:.0%})"
    if score < REQUIRED_ACCURACY:
        hidden = sizes[1:-1]
        advice = (f"With {max(hidden)} nodes in its widest hidden layer, it has too few bends to follow three arms "
                  f"that each turn 1.25 times: give it more hidden nodes (16 to 64), or a second hidden layer."
                  if max(hidden) < 16 else
                  "Try another activation (relu or tanh), more hidden nodes, or a second hidden layer.")
        return False, (f"Trained the checker's way (Adam, learning rate {TRAINING['lr']}, {TRAINING['epochs']} "
                       f"full-batch epochs), it gets {versus}; a good design gets at least "
                       f"{REQUIRED_ACCURACY:.0%}. {advice}")
    return True, f"Trained the checker's way, it gets {versus}."


design_exercise = ValueExercise(
    name="my_design",
    expected=REFERENCE_DESIGN,
    compare=check_design,
    hints=[
        "The first layer size is fixed by the data (how many numbers describe a point?), the last one by the task "
        "(how many classes?). In between, you choose the hidden layers: they must let the boundaries bend around "
        "the arms.",
        f"A few nodes are not enough to follow three arms: try one or two hidden layers of 16 to 64 nodes, with a "
        f"non-linear activation such as \"relu\" or \"tanh\". Valid activations: {', '.join(NON_LINEAR)}.",
        f"For example {REFERENCE_DESIGN}.",
    ],
    mistakes=[
        Mistake({"layer_sizes": [N_INPUTS, N_CLASSES], "activation": "relu"},
                "No hidden layer is the baseline again: the check wants a network that beats it."),
        Mistake({"layer_sizes": [N_INPUTS, 32, N_CLASSES], "activation": "linear"},
                "A linear activation makes the whole network one weighted sum: the baseline again."),
        Mistake({"layer_sizes": [N_INPUTS, 4, N_CLASSES], "activation": "relu"},
                "4 hidden ReLU units give a boundary with only a few straight pieces: too few for the arms."),
        Mistake({"layer_sizes": [N_INPUTS, 32, 1], "activation": "relu"},
                "One output can only say yes or no; three arms need three outputs, one per class."),
    ],
    explanation="Two hidden layers of 32 ReLU units (or one of 32 to 64 tanh or ReLU units) bend the boundaries "
                "around the three arms; a handful of units, no hidden layer or a linear activation cannot, and "
                "stay near the linear baseline. The size of the first and last layers comes from the data, "
                "everything in between is a choice that a validation set (not the test set) should decide.",
)


# --------------------------------------------------------------------------------------- predicting new data


def predict_new(params, x_new, mean, std, activation="relu"):
    """Predicted classes for new examples in raw units: standardise them with the *training* statistics `mean` and
    `std` (what the network was trained on), run the network, take the class with the largest output.

    >>> import numpy as np
    >>> params = [{"W": np.array([[1.0, -1.0]]), "b": np.zeros(2)}]
    >>> predict_new(params, np.array([[12.0], [8.0]]), mean=np.array([10.0]), std=np.array([2.0])).tolist()
    [0, 1]
    """
    from course_lib.network import predict

    return np.asarray(predict(params, (x_new - mean) / std, activation=activation))


# Why these inputs separate right from wrong: raw measurements on scales from 0.3 to 700 (so forgetting to
# standardise, standardising with the new data's own statistics, or multiplying by std is far off); biases as large
# as the weights (issue 12: with biases near 0 the networks were nearly homogeneous, so inputs scaled by any
# positive factor, e.g. 0.5, gave the same classes and passed); several activations, not only relu (a hard-coded
# relu shows); batches never as long as the number of classes (an argmax over the examples gives a wrong shape).


def make_predict_inputs(rng):
    """Random networks (13 -> 8 -> 3 and other shapes) with biases as large as the weights,
    measurements on raw scales (means from 0.3 to 700, like real measurements), their training statistics, and
    several activations."""
    calls = []
    for sizes, n, activation in [([13, 8, 3], 12, "relu"), ([4, 6, 3], 10, "tanh"), ([13, 5, 5, 3], 15, "relu"),
                                 ([13, 8, 3], 20, "sigmoid"), ([6, 7, 4], 16, "elu")]:
        params = [{"W": rng.normal(size=(a, b)), "b": rng.normal(scale=1.0, size=b)}
                  for a, b in zip(sizes[:-1], sizes[1:])]
        mean = rng.choice([0.3, 2.0, 13.0, 100.0, 700.0], size=sizes[0]) * rng.uniform(0.8, 1.2, size=sizes[0])
        std = mean * rng.uniform(0.1, 0.3, size=sizes[0])
        x_new = mean + std * rng.normal(size=(n, sizes[0])) * 1.5 + std * rng.normal(size=sizes[0])
        calls.append((params, x_new, mean, std, activation))
    return calls


def _predict_raw(params, x_new, mean, std, activation="relu"):
    from course_lib.network import predict
    return np.asarray(predict(params, x_new, activation=activation))


def _predict_own_statistics(params, x_new, mean, std, activation="relu"):
    from course_lib.network import predict
    return np.asarray(predict(params, (x_new - x_new.mean(axis=0)) / x_new.std(axis=0), activation=activation))


def _predict_outputs(params, x_new, mean, std, activation="relu"):
    from course_lib.network import forward
    return np.asarray(forward(params, (x_new - mean) / std, activation=activation))


def _predict_times_std(params, x_new, mean, std, activation="relu"):
    from course_lib.network import predict
    return np.asarray(predict(params, (x_new - mean) * std, activation=activation))


def _predict_half_scaled(params, x_new, mean, std, activation="relu"):
    from course_lib.network import predict
    return np.asarray(predict(params, (x_new - mean) / (2 * std), activation=activation))


def _predict_always_relu(params, x_new, mean, std, activation="relu"):
    from course_lib.network import predict
    return np.asarray(predict(params, (x_new - mean) / std, activation="relu"))


def _predict_argmax_over_examples(params, x_new, mean, std, activation="relu"):
    from course_lib.network import forward
    return np.asarray(forward(params, (x_new - mean) / std, activation=activation)).argmax(axis=0)


predict_new_exercise = Exercise(
    name="predict_new",
    reference=predict_new,
    make_inputs=make_predict_inputs,
    hints=[
        "The network was trained on standardised inputs, so new inputs must be standardised the same way, with the "
        "numbers from the training data, before they go through the network. Then pick the class with the largest "
        "output.",
        "Standardise: (x_new - mean) / std. Then course_lib.forward(params, ..., activation=activation) gives one "
        "output per class for each example; .argmax(axis=1) picks each example's class.",
        "return course_lib.predict(params, (x_new - mean) / std, activation=activation)",
    ],
    mistakes=[
        Mistake(_predict_raw, "You fed the raw measurements to the network. It was trained on standardised inputs "
                              "(mean 0, standard deviation 1 per feature); standardise the new ones the same way "
                              "first: (x_new - mean) / std."),
        Mistake(_predict_own_statistics, "You standardised the new inputs with their own mean and standard "
                                         "deviation. Use the training data's `mean` and `std`: the new examples "
                                         "must be measured on the same scale the network learned on (and a single "
                                         "new example has no spread of its own)."),
        Mistake(_predict_outputs, "You returned the network's outputs (one score per class). Return the predicted "
                                  "class of each example: the index of its largest output, .argmax(axis=1)."),
        Mistake(_predict_times_std, "You multiplied by std; standardising divides by it: (x_new - mean) / std."),
        Mistake(_predict_half_scaled, "Your standardised inputs are half the size they should be. Standardise "
                                      "exactly as the training data was: (x_new - mean) / std, with no extra "
                                      "factor; a network with biases gives other classes for inputs of another "
                                      "size."),
        Mistake(_predict_always_relu, "Use the `activation` you are given: the network was trained with it (the "
                                      "test networks use tanh, sigmoid and elu too)."),
        Mistake(_predict_argmax_over_examples, "You took the argmax over the examples (axis 0). Each example's "
                                               "class is the largest of ITS outputs: argmax over axis 1."),
    ],
    explanation="course_lib.predict(params, x) gives classes (the argmax of the outputs); the one thing to add is "
                "standardising the new inputs with the training statistics, exactly as the training data was.",
)

EXERCISES = {exercise.name: exercise for exercise in [design_exercise, predict_new_exercise]}

"""Exercise bank for notebook 10 (the Playground): the feature map, the parameter count, and a feature experiment.

1. `feature_map_exercise`: write `playground_features(x)`, the seven inputs the Playground can give its network
   (x1, x2, x1², x2², x1·x2, sin x1, sin x2), compared with `course_lib.playground.make_features`.
2. `parameter_count_exercise`: write `n_parameters(n_features, hidden)`, how many weights and biases the network
   the Playground shows has, compared with `course_lib.count_parameters` of the Playground's own network.
3. `circle_features_exercise`: name the features with which a network with *no hidden layer* separates the circles.
   Several answers are right, so the checker runs the experiment: it trains that network with the Playground's
   engine and asks for a test accuracy of at least 95%.

In the notebook:

    from course_lib.exercises import nb10_playground as exercises

    def playground_features(x):
        ### BEGIN SOLUTION
        ...
        ### END SOLUTION

    exercises.feature_map_exercise.check(playground_features)
"""
import numpy as np

from course_lib.exercises.checker import Args, Exercise, Mistake, ValueExercise
from course_lib.initializers import count_parameters, init_mlp
from course_lib.playground import FEATURES, PlaygroundConfig, PlaygroundError, make_features, new_state, train

# ------------------------------------------------------------------------------------------------ the feature map


def playground_features(x):
    """All seven Playground features of the points x (n, 2), as columns in the order of FEATURES: (n, 7).

    >>> playground_features(np.array([[1.0, 2.0]])).round(3).tolist()
    [[1.0, 2.0, 1.0, 4.0, 2.0, 0.841, 0.909]]
    """
    return make_features(x, FEATURES)


def playground_features_written_out(x):
    """The seven Playground features, written out (what `.solution()` shows): one column per formula, (n, 7)."""
    x1, x2 = x[:, 0], x[:, 1]                  # each of shape (n,)
    columns = [x1, x2, x1 ** 2, x2 ** 2, x1 * x2, np.sin(x1), np.sin(x2)]   # the order of FEATURES
    return np.stack(columns, axis=1)           # axis=1: each formula becomes a column


# Why these inputs separate right from wrong: points spread over the whole plane [-4, 4]² (so x² differs from 2x,
# x1·x2 from x1 + x2, sin from cos, radians from degrees), never exactly 7 of them (so rows and columns cannot be
# confused), and one single point (shape (1, 2)).


def _points(rng):
    """Points as the Playground has them (the plane spans about [-4, 4]²): 1, 6 and 50 of them."""
    return [(rng.uniform(-4, 4, size=(n, 2)),) for n in (1, 6, 50)]


def _columns(x, square, product, sine):
    x1, x2 = x[:, 0], x[:, 1]
    return np.stack([x1, x2, square(x1), square(x2), product(x1, x2), sine(x1), sine(x2)], axis=1)


def _doubled_instead_of_squared(x):
    return _columns(x, lambda v: v * 2, lambda a, b: a * b, np.sin)


def _sum_instead_of_product(x):
    return _columns(x, lambda v: v ** 2, lambda a, b: a + b, np.sin)


def _cosine(x):
    return _columns(x, lambda v: v ** 2, lambda a, b: a * b, np.cos)


def _degrees(x):
    return _columns(x, lambda v: v ** 2, lambda a, b: a * b, lambda v: np.sin(np.radians(v)))


def _product_before_squares(x):
    x1, x2 = x[:, 0], x[:, 1]
    return np.stack([x1, x2, x1 * x2, x1 ** 2, x2 ** 2, np.sin(x1), np.sin(x2)], axis=1)


def _rows_instead_of_columns(x):
    x1, x2 = x[:, 0], x[:, 1]
    return np.stack([x1, x2, x1 ** 2, x2 ** 2, x1 * x2, np.sin(x1), np.sin(x2)])


feature_map_exercise = Exercise(
    name="playground_features",
    reference=playground_features,
    shown_solution=playground_features_written_out,
    make_inputs=_points,
    hints=[
        "Take the two columns apart first: x1 = x[:, 0] and x2 = x[:, 1] (each of shape (n,)). Every feature is "
        "a formula in x1 and x2, computed for all points at once.",
        "The seven formulas, in this order: x1, x2, x1 squared, x2 squared, x1 times x2, np.sin(x1), np.sin(x2). "
        "Then put them side by side as columns.",
        "np.stack([x1, x2, x1 ** 2, x2 ** 2, x1 * x2, np.sin(x1), np.sin(x2)], axis=1) has shape (n, 7): axis=1 "
        "makes each formula a column.",
    ],
    mistakes=[
        Mistake(_doubled_instead_of_squared, "Columns 3 and 4 are x1 * 2 and x2 * 2: that doubles. x1² means x1 "
                                             "times itself, x1 ** 2 (or x1 * x1)."),
        Mistake(_sum_instead_of_product, "Column 5 is x1 + x2, the sum; the feature is the product x1·x2, "
                                         "x1 * x2. (A sum is a weighted sum the network could form itself.)"),
        Mistake(_cosine, "The last two columns are cosines; the Playground uses sin x1 and sin x2 (np.sin)."),
        Mistake(_degrees, "You converted to degrees or radians: np.sin takes the number itself, as radians, so "
                          "sin(x1) is just np.sin(x1)."),
        Mistake(_product_before_squares, "The right seven features, in the wrong order: the squares come before "
                                         "the product (x1, x2, x1², x2², x1·x2, sin x1, sin x2), the order of "
                                         "course_lib.playground.FEATURES."),
        Mistake(_rows_instead_of_columns, "The features came out as rows, shape (7, n): stack them with axis=1 so "
                                          "that each point is a row and each feature a column, shape (n, 7)."),
    ],
    explanation="Each feature is a function of the point, computed for all points at once with NumPy; the network "
                "only ever sees these columns. The Playground's make_features computes the chosen subset.",
)


# ------------------------------------------------------------------------------------------- the parameter count


def n_parameters(n_features, hidden):
    """How many numbers a Playground network learns: `n_features` inputs, the hidden layer sizes `hidden`, one
    output. Each layer from a inputs to b neurons has a·b weights and b biases.

    >>> n_parameters(2, [4, 2])       # (2·4 + 4) + (4·2 + 2) + (2·1 + 1)
    25
    """
    sizes = [n_features, *hidden, 1]
    return sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:]))


# Why these inputs separate right from wrong: no hidden layer, one, two and six; 1 to 7 input features; random
# architectures as well as fixed ones, so counting only weights, forgetting the output layer, one bias per input or
# counting neurons each gives another number somewhere.


def _architectures(rng):
    fixed = [(2, []), (2, [4, 2]), (2, [8, 8]), (7, [8, 8, 8, 8, 8, 8])]
    drawn = [(int(rng.integers(1, 8)), [int(n) for n in rng.integers(1, 9, size=rng.integers(0, 7))])
             for _ in range(4)]
    return [Args(n, list(h)) for n, h in fixed + drawn]


def _weights_only(n_features, hidden):
    sizes = [n_features, *hidden, 1]
    return sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))


def _no_output_layer(n_features, hidden):
    sizes = [n_features, *hidden]
    return sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:]))


def _bias_per_input(n_features, hidden):
    sizes = [n_features, *hidden, 1]
    return sum(a * b + a for a, b in zip(sizes[:-1], sizes[1:]))


def _neurons(n_features, hidden):
    return n_features + sum(hidden) + 1


parameter_count_exercise = Exercise(
    name="n_parameters",
    reference=n_parameters,
    make_inputs=_architectures,
    hints=[
        "Go layer by layer: the network's layer sizes are [n_features, *hidden, 1]. Count what each layer learns, "
        "then add the layers up. No hidden layer (hidden = []) is allowed too.",
        "A layer from a neurons to b neurons has a weight for every pair (a·b, the lines in the diagram) and one "
        "bias per receiving neuron (b).",
        "sizes = [n_features, *hidden, 1]; return sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:])).",
    ],
    mistakes=[
        Mistake(_weights_only, "You counted the weights (the lines) but not the biases: each hidden neuron and the "
                               "output have one bias each, and training learns those too."),
        Mistake(_no_output_layer, "The output neuron is a layer too: its weights from the last hidden layer (or from "
                                  "the inputs when there is no hidden layer) and its bias count."),
        Mistake(_bias_per_input, "One bias per *receiving* neuron (b per layer), not one per input: the bias is "
                                 "added to a neuron's weighted sum."),
        Mistake(_neurons, "You counted the neurons (the circles); the parameters are the weights on the lines "
                          "between them and a bias per neuron after the inputs."),
    ],
    explanation="A dense layer from a to b neurons has an (a, b) weight matrix W and b biases: (a + 1)·b numbers. "
                "course_lib.count_parameters(params) adds W.size + b.size over the layers of a real params list.",
)


def check_against_library(n_features, hidden):
    """`n_parameters` agrees with course_lib.count_parameters of an actual network (for the tests)."""
    return n_parameters(n_features, hidden) == count_parameters(init_mlp([n_features, *hidden, 1], seed=0))


# ------------------------------------------------------------------------------------- features for the circles

REQUIRED_ACCURACY = 0.95
CIRCLE_EPOCHS = 100
# The lesson is "the right few": all seven features also separate the circles, so the answer must be as small as
# the smallest set that does (x1^2 and x2^2: no single feature is the squared distance).
SMALLEST_SET = 2


def circle_accuracy(features):
    """Test accuracy of a Playground network with NO hidden layer on the circles, with these input features,
    after 100 epochs (learning rate 0.03, batch 10, the Playground's defaults)."""
    config = PlaygroundConfig(dataset="circles", features=tuple(features), hidden=())
    state = train(new_state(config), CIRCLE_EPOCHS)
    return state.history["val_accuracy"][-1]


def _separates_circles(answer, expected):
    if isinstance(answer, str):
        answer = [answer]
    if not isinstance(answer, (list, tuple, set)) or not all(isinstance(name, str) for name in answer):
        raise ValueError(f"give a list of feature names, such as [\"x1\", \"x2\"]; the names are: "
                         f"{', '.join(FEATURES)}")
    unknown = [name for name in answer if name not in FEATURES]
    if unknown:
        raise ValueError(f"{unknown[0]!r} is not a feature; the names are: {', '.join(FEATURES)}")
    try:
        accuracy = circle_accuracy([name for name in FEATURES if name in answer])
    except PlaygroundError as error:
        raise ValueError(str(error)) from None
    if accuracy >= REQUIRED_ACCURACY and len(set(answer)) > SMALLEST_SET:
        return False, (f"these {len(set(answer))} features reach {accuracy:.0%} test accuracy, but the question is "
                       f"which features are ENOUGH: the smallest set that works has {SMALLEST_SET}. Drop every "
                       "feature the cut does not need (which number tells the disc from the ring?).")
    if accuracy >= REQUIRED_ACCURACY:
        return True, f"With these features a network with no hidden layer reaches {accuracy:.0%} test accuracy."
    return False, (f"with these features a network with no hidden layer reaches only {accuracy:.0%} test accuracy "
                   f"after {CIRCLE_EPOCHS} epochs; the goal is {REQUIRED_ACCURACY:.0%}.")


circle_features_exercise = ValueExercise(
    name="circle_features",
    expected=["x1^2", "x2^2"],
    compare=_separates_circles,
    hints=[
        "With no hidden layer the network computes one weighted sum of its features and says class 1 where it is "
        "positive: a straight cut through the space of the features. What number tells the disc from the ring?",
        "The distance from the centre: points of the disc are close to (0, 0), points of the ring far. Which "
        "features add up to the squared distance x1² + x2²?",
        "[\"x1^2\", \"x2^2\"]: the weighted sum w1·x1² + w2·x2² + b is positive inside a circle (with negative "
        "weights and a positive bias).",
    ],
    mistakes=[
        Mistake(["x1", "x2"], "With only x1 and x2 the boundary is a straight line in the plane, and no straight "
                              "line separates a disc from the ring around it."),
        Mistake(["x1*x2"], "x1·x2 is XOR's feature: it is positive in two opposite quarters. The circles differ in "
                           "the distance from the centre, not in the quarter."),
        Mistake(["sin(x1)", "sin(x2)"], "sin x1 and sin x2 wiggle along each axis; the circles differ in the "
                                        "distance from the centre, which grows with x1² and x2²."),
        Mistake(["x1^2"], "x1² alone measures only the horizontal distance: points at the top and bottom of the "
                          "ring have x1 near 0, like the disc. Add the vertical one too."),
    ],
    explanation="x1² + x2² is the squared distance from the centre, so with those two features a single weighted "
                "sum can say 'inside a circle of some radius'. More features (x1, x2 as well) also work: the "
                "network gives the useless ones small weights.",
)

EXERCISES = {exercise.name: exercise for exercise in
             [feature_map_exercise, parameter_count_exercise, circle_features_exercise]}

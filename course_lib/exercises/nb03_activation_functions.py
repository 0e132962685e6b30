"""Exercise bank for notebook 03 (activation functions): two activations and their derivatives, by hand.

- sigmoid(z) = 1 / (1 + exp(-z)), and its derivative sigmoid(z) * (1 - sigmoid(z));
- leaky_relu(z, slope) = z for z > 0, slope * z otherwise, and its derivative 1 or slope.

In the notebook:

    from course_lib.exercises.nb03_activation_functions import (sigmoid_exercise, sigmoid_derivative_exercise,
                                                                leaky_relu_exercise, leaky_relu_derivative_exercise)

    def sigmoid(z):
        ### BEGIN SOLUTION
        return 1 / (1 + np.exp(-z))
        ### END SOLUTION

    sigmoid_exercise.check(sigmoid)
    sigmoid = sigmoid_exercise.use(sigmoid)

The references are course_lib's own activations and hand-written derivatives (course_lib/activations.py); the
test inputs stay within |z| <= 8, so the textbook formulas pass. They never hit 0 exactly, except for
leaky_relu_derivative, whose value at the kink the notebook fixes (`slope`, as jax.grad gives).
"""
import numpy as np

from course_lib.activations import (LEAKY_RELU_SLOPE, leaky_relu, leaky_relu_derivative, sigmoid,
                                    sigmoid_derivative)
from course_lib.exercises.checker import Args, Exercise, Mistake


def make_z_inputs(rng):
    """Pre-activations of several shapes (a single number's array, a vector, a batch of layer values), both
    signs, |z| up to 8, never exactly 0; one in float32."""
    def values(shape, dtype=np.float64):
        z = rng.uniform(0.05, 8.0, size=shape) * rng.choice([-1, 1], size=shape)
        return z.astype(dtype)
    return [(values((1,)),), (values((7,)),), (values((4, 5)),), (values((3, 2), np.float32),),
            (np.array([-3.0, -0.5, 0.5, 3.0]),)]


def make_leaky_inputs(rng):
    """Like `make_z_inputs`, some with the default slope and some with another one (0.2, 0.1)."""
    calls = [Args(*call) for call in make_z_inputs(rng)]
    calls[1] = Args(*calls[1].args, slope=0.2)
    calls[3] = Args(*calls[3].args, slope=0.1)
    return calls


def make_leaky_derivative_inputs(rng):
    """`make_leaky_inputs`, and z containing exact zeros (with the default slope and with 0.2): the derivative's
    value at the kink is `slope`, so `z >= 0` instead of `z > 0` shows."""
    zeros = np.array([-1.5, 0.0, 2.0, 0.0, -0.25])
    return make_leaky_inputs(rng) + [Args(zeros), Args(zeros.reshape(1, 5).astype(np.float32), slope=0.2)]


# Why these inputs separate right from wrong (all four exercises): z has both signs, |z| from 0.05 to 8 (so a sign
# error in the exponent, tanh for sigmoid, or a minus in the denominator is far off, not "close"); shapes from (1,)
# to (4, 5) and one float32 input; leaky ReLU gets other slopes than the default 0.01 (a hard-coded 0.01 shows) and
# its derivative gets exact zeros (issue 12: `z >= 0` passed when no input was 0).


# ---------------------------------------------------------------------------------------------------- sigmoid


def _sigmoid_wrong_sign(z):
    return 1 / (1 + np.exp(z))


def _sigmoid_tanh(z):
    return np.tanh(z)


def _sigmoid_minus(z):
    return 1 / (1 - np.exp(-z))


sigmoid_exercise = Exercise(
    name="sigmoid",
    reference=sigmoid,
    make_inputs=make_z_inputs,
    hints=[
        "The sigmoid squashes any number into (0, 1): large positive z gives nearly 1, large negative z nearly 0, "
        "and z = 0 gives exactly 0.5.",
        "The formula is 1 / (1 + e^(-z)). NumPy's np.exp works on whole arrays.",
        "`return 1 / (1 + np.exp(-z))`",
    ],
    mistakes=[
        Mistake(_sigmoid_wrong_sign, "The sign in the exponent is flipped: 1 / (1 + exp(z)) goes DOWN as z grows. "
                                     "The sigmoid is 1 / (1 + exp(-z))."),
        Mistake(_sigmoid_tanh, "That is tanh, which goes from -1 to 1. The sigmoid goes from 0 to 1: "
                               "1 / (1 + exp(-z)) (it equals (tanh(z/2) + 1) / 2)."),
        Mistake(_sigmoid_minus, "The denominator is 1 PLUS exp(-z); with a minus it blows up near z = 0."),
    ],
    explanation="course_lib's version computes the same thing in a form that never overflows (exp of -|z| "
                "only), which matters for |z| in the hundreds; for the sizes here the textbook formula is exact.",
)


def _sigmoid_derivative_wrong_point(z):
    return z * (1 - z)


def _sigmoid_derivative_forgot_factor(z):
    return 1 / (1 + np.exp(-z))


def _sigmoid_derivative_tanh_formula(z):
    s = 1 / (1 + np.exp(-z))
    return 1 - s ** 2


sigmoid_derivative_exercise = Exercise(
    name="sigmoid_derivative",
    reference=sigmoid_derivative,
    make_inputs=make_z_inputs,
    hints=[
        "The sigmoid's slope is largest (1/4) at z = 0 and shrinks towards 0 on both sides.",
        "Written with the sigmoid itself: σ'(z) = σ(z) · (1 − σ(z)). Compute s = σ(z) first.",
        "`s = 1 / (1 + np.exp(-z))`, then `return s * (1 - s)`.",
    ],
    mistakes=[
        Mistake(_sigmoid_derivative_wrong_point, "You evaluated s · (1 − s) at z itself. The formula needs the "
                                                 "sigmoid's VALUE: s = sigmoid(z) first, then s * (1 - s)."),
        Mistake(_sigmoid_derivative_forgot_factor, "You returned the sigmoid itself. Its derivative is "
                                                   "s * (1 - s), with s = sigmoid(z)."),
        Mistake(_sigmoid_derivative_tanh_formula, "1 − s² is the pattern of tanh's derivative (1 − tanh²). "
                                                  "The sigmoid's is s · (1 − s)."),
    ],
    explanation="Differentiate 1 / (1 + e^(-z)): e^(-z) / (1 + e^(-z))², which rearranges to σ(z)(1 − σ(z)). "
                "Writing it with σ(z) lets backprop reuse the value already computed in the forward pass.",
)

# ------------------------------------------------------------------------------------------------- leaky ReLU


def _leaky_slope_on_positive_side(z, slope=LEAKY_RELU_SLOPE):
    return np.where(z > 0, slope * z, z)


def _leaky_plain_relu(z, slope=LEAKY_RELU_SLOPE):
    return np.maximum(z, 0.0)


def _leaky_ignores_slope(z, slope=LEAKY_RELU_SLOPE):
    return np.where(z > 0, z, LEAKY_RELU_SLOPE * z)


def _leaky_clips(z, slope=LEAKY_RELU_SLOPE):
    return np.maximum(z, slope)


leaky_relu_exercise = Exercise(
    name="leaky_relu",
    reference=leaky_relu,
    make_inputs=make_leaky_inputs,
    hints=[
        "Like ReLU for positive z (it returns z), but for negative z it returns a small multiple, slope * z, "
        "instead of 0.",
        "np.where(condition, a, b) picks a where the condition holds and b elsewhere, element by element.",
        "`return np.where(z > 0, z, slope * z)`",
    ],
    mistakes=[
        Mistake(_leaky_slope_on_positive_side, "The small slope belongs to the NEGATIVE side: z for z > 0, "
                                               "slope * z otherwise."),
        Mistake(_leaky_plain_relu, "That is the plain ReLU: negative inputs give 0. Leaky ReLU lets a little "
                                   "through: slope * z for z <= 0."),
        Mistake(_leaky_ignores_slope, "You always use 0.01: use the `slope` argument, so leaky_relu(z, slope=0.2) "
                                      "works too."),
        Mistake(_leaky_clips, "np.maximum(z, slope) clips at the number slope; the negative side should be "
                              "the line slope * z (np.where(z > 0, z, slope * z))."),
    ],
    explanation="One np.where: the identity where z > 0, the gentle line slope * z elsewhere. Because the "
                "negative side still has a slope, a leaky-ReLU unit always passes some gradient back.",
)


def _leaky_derivative_is_the_function(z, slope=LEAKY_RELU_SLOPE):
    return np.where(z > 0, z, slope * z)


def _leaky_derivative_relu(z, slope=LEAKY_RELU_SLOPE):
    return np.where(z > 0, 1.0, 0.0)


def _leaky_derivative_slope_times_z(z, slope=LEAKY_RELU_SLOPE):
    return np.where(z > 0, 1.0, slope * z)


def _leaky_derivative_ignores_slope(z, slope=LEAKY_RELU_SLOPE):
    return np.where(z > 0, 1.0, LEAKY_RELU_SLOPE)


def _leaky_derivative_one_at_zero(z, slope=LEAKY_RELU_SLOPE):
    return np.where(z >= 0, 1.0, slope)


leaky_relu_derivative_exercise = Exercise(
    name="leaky_relu_derivative",
    reference=leaky_relu_derivative,
    make_inputs=make_leaky_derivative_inputs,
    hints=[
        "Leaky ReLU is made of two straight lines. The derivative of a straight line is its slope: a constant.",
        "For z > 0 the line is z (slope 1); for z <= 0 it is slope * z (slope `slope`).",
        "`return np.where(z > 0, 1.0, slope)`",
    ],
    mistakes=[
        Mistake(_leaky_derivative_is_the_function, "You returned the function leaky_relu(z) itself, not its "
                                                   "slope. The slope of each piece is a constant: 1 or `slope`."),
        Mistake(_leaky_derivative_relu, "That is plain ReLU's derivative (0 for negative z). Leaky ReLU's negative "
                                        "side has slope `slope`, not 0."),
        Mistake(_leaky_derivative_slope_times_z, "On the negative side the derivative of slope * z is just "
                                                 "`slope` (a constant), not slope * z."),
        Mistake(_leaky_derivative_ignores_slope, "You always use 0.01: use the `slope` argument."),
        Mistake(_leaky_derivative_one_at_zero, "Right everywhere except at exactly z = 0, where you return 1. The "
                                               "kink has no slope of its own; this course (like jax.grad) takes "
                                               "`slope` there: use z > 0, not z >= 0."),
    ],
    explanation="Each piece is a straight line, so the derivative is that line's slope: 1 where z > 0, `slope` "
                "elsewhere (at exactly 0 we pick `slope`, as jax.grad does).",
)

EXERCISES = {exercise.name: exercise for exercise in [sigmoid_exercise, sigmoid_derivative_exercise,
                                                      leaky_relu_exercise, leaky_relu_derivative_exercise]}


# ============================================================================================================
# Added for the initialisation lesson (notebook 03, section 6): the spread of every hidden layer's activations.
# The reference is course_lib.initializers.activation_stds.
# ============================================================================================================

from course_lib.activations import get_activation  # noqa: E402  (kept with the block it serves)
from course_lib.initializers import activation_stds  # noqa: E402


def make_stds_inputs(rng):
    """Small networks (2 to 5 hidden layers, a few widths) with random weights AND non-zero biases (so that a
    forgotten bias shows), a batch of inputs each, with the default activation (ReLU) and with tanh."""
    def network(sizes):
        return [{"W": rng.normal(scale=np.sqrt(2.0 / n_in), size=(n_in, n_out)),
                 "b": rng.normal(scale=0.5, size=n_out)} for n_in, n_out in zip(sizes[:-1], sizes[1:])]

    return [Args(network([3, 8, 8, 1]), rng.normal(size=(20, 3))),
            Args(network([4, 16, 16, 16, 16, 16, 2]), rng.normal(size=(50, 4))),
            Args(network([2, 5, 7, 3]), rng.normal(size=(9, 2)), activation="tanh"),
            Args(network([6, 10, 10, 10, 1]), rng.normal(size=(30, 6)), activation="relu")]


def _stds_of_z(params, x, activation="relu"):
    f = get_activation(activation)
    a, stds = np.asarray(x), []
    for layer in params[:-1]:
        z = a @ layer["W"] + layer["b"]
        stds.append(np.std(z))
        a = f(z)
    return np.array(stds)


def _stds_with_output_layer(params, x, activation="relu"):
    f = get_activation(activation)
    a, stds = np.asarray(x), []
    for layer in params:
        a = f(a @ layer["W"] + layer["b"])
        stds.append(np.std(a))
    return np.array(stds)


def _stds_with_input(params, x, activation="relu"):
    return np.concatenate([[np.std(x)], activation_stds(params, x, activation)])


def _variances(params, x, activation="relu"):
    return activation_stds(params, x, activation) ** 2


def _stds_without_bias(params, x, activation="relu"):
    return activation_stds([{"W": layer["W"], "b": np.zeros_like(layer["b"])} for layer in params], x, activation)


def _mean_of_per_unit_stds(params, x, activation="relu"):
    f = get_activation(activation)
    a, stds = np.asarray(x), []
    for layer in params[:-1]:
        a = f(a @ layer["W"] + layer["b"])
        stds.append(np.mean(np.std(a, axis=0)))
    return np.array(stds)


def _stds_always_relu(params, x, activation="relu"):
    return activation_stds(params, x, "relu")


def _stds_of_the_first_layer_repeated(params, x, activation="relu"):
    f = get_activation(activation)
    stds = []
    for layer in params[:-1]:
        stds.append(np.std(f(np.asarray(x) @ params[0]["W"] + params[0]["b"])))
    return np.array(stds)


activation_stds_exercise = Exercise(
    name="activation_stds",
    reference=activation_stds,
    make_inputs=make_stds_inputs,
    hints=[
        "Go through the hidden layers in order (every layer but the last), feeding each one the previous layer's "
        "activations, starting from x. After each, record one number: np.std of that layer's activations.",
        "f = course_lib.get_activation(activation); then for layer in params[:-1]: a = f(a @ layer['W'] + "
        "layer['b']), and append np.std(a) (over the whole array: every example and every unit).",
        "`f = course_lib.get_activation(activation)`, `a, stds = x, []`, then `for layer in params[:-1]: "
        "a = f(a @ layer['W'] + layer['b']); stds.append(np.std(a))`, and `return np.array(stds)`.",
    ],
    mistakes=[
        Mistake(_stds_of_z, "You measured the weighted sums z, before the activation. Measure the activations "
                            "a = f(z), what the next layer receives."),
        Mistake(_stds_with_output_layer, "You included the output layer: measure the hidden layers only, "
                                         "params[:-1], one number each."),
        Mistake(_stds_with_input, "You included the input x itself as a first entry: start with the first "
                                  "hidden layer's activations."),
        Mistake(_variances, "Those are variances (the square of the spread). Return the standard deviation, "
                            "np.std, not np.var."),
        Mistake(_stds_without_bias, "The bias is missing: each layer computes f(a @ W + b)."),
        Mistake(_mean_of_per_unit_stds, "You took each unit's standard deviation over the examples and averaged "
                                        "them. Take one np.std over the layer's whole array (all examples and "
                                        "all units together)."),
        Mistake(_stds_always_relu, "You always use ReLU: use the `activation` argument, "
                                   "f = course_lib.get_activation(activation), so that tanh works too."),
        Mistake(_stds_of_the_first_layer_repeated, "Every layer must take the PREVIOUS layer's activations as its "
                                                   "input (a = f(a @ W + b), with a updated each time), not x."),
    ],
    explanation="One pass forward through the hidden layers, recording np.std of each layer's activations. A "
                "level line means the weights' scale suits the activation; a line that falls or climbs by a "
                "constant factor per layer is the vanishing or exploding that section 6 shows.",
)

# Kept apart from EXERCISES (whose tests assume activation-function inputs) until the two blocks are merged.
INITIALISATION_EXERCISES = {activation_stds_exercise.name: activation_stds_exercise}

"""Exercise bank for notebook 02 (forward propagation): one dense layer, a whole forward pass, and counting
a network's parameters.

In the notebook:

    from course_lib.exercises.nb02_forward_propagation import (dense_exercise, forward_exercise,
                                                               n_parameters_exercise)

    def dense(layer, x):
        ### BEGIN SOLUTION
        return x @ layer["W"] + layer["b"]
        ### END SOLUTION

    dense_exercise.check(dense)
    dense = dense_exercise.use(dense)

The references are course_lib's own `dense` and `forward` (course_lib/network.py): the checker runs the student's
function and the library's on the same random layers and inputs and compares.
"""
import numpy as np

from course_lib.activations import ELEMENTWISE, get_activation
from course_lib.exercises.checker import Exercise, Mistake, ValueExercise
from course_lib.network import dense, forward

# ------------------------------------------------------------------------------------------ random networks


def random_layer(rng, n_in, n_out, dtype=np.float64):
    """A layer with random weights AND random biases (never all zero, so a forgotten bias shows)."""
    return {"W": rng.normal(size=(n_in, n_out)).astype(dtype),
            "b": (rng.uniform(0.3, 1.0, size=n_out) * rng.choice([-1, 1], size=n_out)).astype(dtype)}


def random_network(rng, sizes, dtype=np.float64):
    """A params list for the given layer sizes, `[n_inputs, hidden..., n_outputs]`."""
    return [random_layer(rng, n_in, n_out, dtype) for n_in, n_out in zip(sizes[:-1], sizes[1:])]


# -------------------------------------------------------------------------------------------------- dense

# Why these inputs separate right from wrong: every bias is at least 0.3 away from 0 (a forgotten bias shows); one W
# is square (3x3), where `x @ W.T` gives wrong numbers instead of an error, and the others are not (5x3 batch, 4x1
# layer...), so a product in the wrong order raises; the weighted sums have both signs, so an added ReLU shows;
# `x * W` cannot even broadcast on the non-square cases.


def make_dense_inputs(rng):
    """`(layer, x)` pairs: batches of 1, 4 and 5 examples; layers narrower, wider and as wide as their input
    (a square W is where transposed weights give wrong numbers instead of an error); one in float32."""
    calls = []
    for batch, n_in, n_out, dtype in [(4, 3, 2, np.float64), (1, 2, 5, np.float64), (5, 3, 3, np.float64),
                                      (4, 4, 1, np.float32)]:
        calls.append((random_layer(rng, n_in, n_out, dtype), rng.normal(size=(batch, n_in)).astype(dtype)))
    return calls


def _dense_forgot_bias(layer, x):
    return x @ layer["W"]


def _dense_transposed(layer, x):
    return x @ layer["W"].T + layer["b"]


def _dense_with_relu(layer, x):
    return np.maximum(x @ layer["W"] + layer["b"], 0.0)


def _dense_elementwise(layer, x):
    return x * layer["W"] + layer["b"]


dense_exercise = Exercise(
    name="dense",
    reference=dense,
    make_inputs=make_dense_inputs,
    hints=[
        "Every node of the layer computes a weighted sum of ALL the inputs plus its own bias. With a batch, do "
        "this for every example (row of x).",
        "W has shape (n_in, n_out): column j holds node j's weights. So `x @ W` (shape (batch, n_out)) is every "
        "node's weighted sum for every example, in one matrix product.",
        "One line: `x @ layer[\"W\"] + layer[\"b\"]` (b, shape (n_out,), is added to every row).",
    ],
    mistakes=[
        Mistake(_dense_forgot_bias, "It looks like you forgot the bias: after `x @ W`, add layer[\"b\"] (one bias "
                                    "per node, added to every row)."),
        Mistake(_dense_transposed, "You used W transposed. In this course W has shape (n_in, n_out), so the layer "
                                   "is `x @ W`, not `x @ W.T` (textbooks that write Wx store W as (n_out, n_in))."),
        Mistake(_dense_with_relu, "You applied an activation (ReLU). `dense` is only the weighted sums "
                                  "z = x @ W + b; the activation comes afterwards, as a separate step."),
        Mistake(_dense_elementwise, "`x * W` multiplies element by element; a layer needs the matrix product "
                                    "`x @ W`, which also adds up each node's products."),
    ],
    explanation="`x @ W` computes, for every example (row of x) and every node (column of W), the weighted sum "
                "of the inputs; `+ b` adds each node's bias to every row (NumPy broadcasting).",
)

# ------------------------------------------------------------------------------------------------ forward

# Why these inputs separate right from wrong: EVERY activation name `forward` accepts for hidden layers appears
# (issue 12: with relu and tanh only, a forward that knew tanh and used ReLU for every other name passed); the
# networks have random non-zero biases, hidden layers of different widths and inputs that are not square, so a
# skipped bias, a skipped or extra layer, an activation on the output or before the weighted sum all change the
# output; one network has a single output and a batch of one.


def make_forward_inputs(rng):
    """`(params, x, activation)`: the classic three-hidden-layer shape and smaller ones, and every element-wise
    activation course_lib knows (relu, tanh, sigmoid, leaky_relu, elu, gelu, linear)."""
    calls = []
    for sizes, batch, activation in [([3, 4, 4, 4, 3], 5, "relu"), ([2, 3, 1], 1, "tanh"),
                                     ([4, 5, 5, 5, 3], 6, "tanh"), ([2, 6, 6, 2], 3, "relu")]:
        calls.append((random_network(rng, sizes), rng.normal(size=(batch, sizes[0])), activation))
    for activation in [name for name in ELEMENTWISE if name not in ("relu", "tanh")]:
        calls.append((random_network(rng, [3, 5, 4, 2]), 2 * rng.normal(size=(4, 3)), activation))
    return calls


def _forward_activation_on_output(params, x, activation="relu"):
    f = get_activation(activation)
    a = x
    for layer in params:
        a = f(a @ layer["W"] + layer["b"])
    return a


def _forward_no_activation(params, x, activation="relu"):
    a = x
    for layer in params:
        a = a @ layer["W"] + layer["b"]
    return a


def _forward_activation_before_layer(params, x, activation="relu"):
    f = get_activation(activation)
    a = x
    for layer in params:
        a = f(a) @ layer["W"] + layer["b"]
    return a


def _forward_skips_output_layer(params, x, activation="relu"):
    f = get_activation(activation)
    a = x
    for layer in params[:-1]:
        a = f(a @ layer["W"] + layer["b"])
    return a


def _forward_always_relu(params, x, activation="relu"):
    a = x
    for layer in params[:-1]:
        a = np.maximum(a @ layer["W"] + layer["b"], 0.0)
    return a @ params[-1]["W"] + params[-1]["b"]


def _forward_knows_tanh_only(params, x, activation="relu"):
    f = np.tanh if activation == "tanh" else (lambda z: np.maximum(z, 0.0))
    a = x
    for layer in params[:-1]:
        a = f(a @ layer["W"] + layer["b"])
    return a @ params[-1]["W"] + params[-1]["b"]


def _forward_no_biases(params, x, activation="relu"):
    f = get_activation(activation)
    a = x
    for layer in params[:-1]:
        a = f(a @ layer["W"])
    return a @ params[-1]["W"]


forward_exercise = Exercise(
    name="forward",
    reference=forward,
    make_inputs=make_forward_inputs,
    hints=[
        "Start with a = x. For each layer in turn: the weighted sums z = dense(layer, a), then the activation. "
        "The output layer is the exception: it has no activation here (linear output).",
        "`course_lib.get_activation(activation)` gives the activation function for a name such as \"relu\". "
        "Loop over `params[:-1]` (the hidden layers) with the activation, then apply the last layer without it.",
        "`f = course_lib.get_activation(activation)`; `for layer in params[:-1]: a = f(dense(layer, a))`; "
        "then `return dense(params[-1], a)`.",
    ],
    mistakes=[
        Mistake(_forward_activation_on_output, "You applied the activation to the output layer too. Here the "
                                               "output is linear (no activation), so it can be any number: "
                                               "apply the activation to the hidden layers only."),
        Mistake(_forward_no_activation, "There is no activation between the layers: after each hidden layer's "
                                        "weighted sums, apply the activation function (get_activation(activation))."),
        Mistake(_forward_activation_before_layer, "You apply the activation to a layer's input instead of its "
                                                  "weighted sums; the order in each hidden layer is "
                                                  "z = a @ W + b first, then a = f(z)."),
        Mistake(_forward_skips_output_layer, "Your output comes from the last hidden layer: the loop must go on "
                                             "through the output layer, params[-1], too."),
        Mistake(_forward_always_relu, "You always use ReLU. Use the activation named by the `activation` "
                                      "argument: f = course_lib.get_activation(activation)."),
        Mistake(_forward_knows_tanh_only, "Your function handles only some activation names and uses ReLU for "
                                          "the others (sigmoid, leaky_relu, elu, gelu, linear...). Let "
                                          "course_lib.get_activation(activation) pick the function: it knows "
                                          "every name."),
        Mistake(_forward_no_biases, "It looks like you left out the biases: every layer is x @ W + b."),
    ],
    explanation="The forward pass is a loop: each hidden layer turns the previous layer's values into weighted "
                "sums (dense) and then applies the activation; the output layer's weighted sums are the output.",
)

# ------------------------------------------------------------------------------------------- n_parameters

# The classic network of the notebook: 3 inputs, three hidden layers of 4 nodes, 3 outputs (one per class).
CLASSIC_SIZES = [3, 4, 4, 4, 3]
_weights = sum(n_in * n_out for n_in, n_out in zip(CLASSIC_SIZES[:-1], CLASSIC_SIZES[1:]))
_biases = sum(CLASSIC_SIZES[1:])

n_parameters_exercise = ValueExercise(
    name="n_parameters",
    expected=_weights + _biases,
    hints=[
        "Count layer by layer. Between a layer of n_in nodes and one of n_out nodes there is one weight per "
        "connection.",
        "Each layer has n_in × n_out weights and n_out biases (one per node it computes). The input layer "
        "computes nothing, so it has no biases.",
        "Add up n_in × n_out + n_out for the four pairs (3, 4), (4, 4), (4, 4), (4, 3).",
    ],
    mistakes={
        _weights: "That is the number of weights only. Every node outside the input layer has a bias too.",
        _weights + sum(CLASSIC_SIZES): "You gave the input nodes biases too. Inputs are just the data: only the "
                                       "nodes that compute a weighted sum have a bias.",
        sum(CLASSIC_SIZES): "That is the number of nodes. Count the weights (one per connection) and the biases.",
    },
    explanation="Weights: 3·4 + 4·4 + 4·4 + 4·3 = 56; biases: 4 + 4 + 4 + 3 = 15; together 71. "
                "course_lib.count_parameters(params) counts them for any network.",
)

EXERCISES = {exercise.name: exercise for exercise in [dense_exercise, forward_exercise, n_parameters_exercise]}

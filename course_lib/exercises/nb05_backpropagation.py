"""Exercise bank for notebook 05 (backpropagation): the backward pass of one dense layer, and full backprop of a
small ReLU network with a softmax cross-entropy loss.

In the notebook:

    from course_lib.exercises.nb05_backpropagation import backprop_exercise, dense_backward_exercise

    def dense_backward(x, W, d_z):
        ### BEGIN SOLUTION
        return d_z @ W.T, x.T @ d_z, d_z.sum(axis=0)
        ### END SOLUTION

    dense_backward_exercise.check(dense_backward)

`dense_backward` has no twin in course_lib's core: `course_lib.backprop.backprop` does the same three lines inside
its loop over the layers. The reference here is written out readably; the full-backprop exercise's reference is
course_lib's own `backprop`, which the course's tests check against `jax.grad` and finite differences.
"""
import numpy as np

from course_lib.backprop import backprop as library_backprop
from course_lib.exercises.checker import Exercise, Mistake
from course_lib.losses import log_softmax

# --------------------------------------------------------------------------------------------- dense layer


def dense_backward(x, W, d_z):
    """The backward pass of one dense layer z = x @ W + b.

    Given the layer's input x (batch, n_in), its weights W (n_in, n_out) and the gradient of the loss with
    respect to its output, d_z = dL/dz (batch, n_out), return the gradients with respect to its input and its
    parameters, each with the shape of the thing it is the gradient of:

        d_x = d_z @ W.T          (batch, n_in)   what the layer before receives
        d_W = x.T @ d_z          (n_in, n_out)   every example's contribution, added up
        d_b = d_z summed over the batch   (n_out,)   the bias is added to every example

    >>> import numpy as np
    >>> d_x, d_W, d_b = dense_backward(np.ones((2, 3)), np.ones((3, 4)), np.ones((2, 4)))
    >>> d_x.shape, d_W.shape, d_b.shape
    ((2, 3), (3, 4), (4,))
    """
    d_x = d_z @ W.T
    d_W = x.T @ d_z
    d_b = d_z.sum(axis=0)
    return d_x, d_W, d_b


# Why these inputs separate right from wrong: batch, n_in and n_out all differ within each layer (5/3/4, 7/5/2,
# 3/4/6), so every missing or extra transpose gives a wrong shape or raises, and summing over the wrong axis gives
# a wrong shape; d_z is random with both signs, so a mean instead of a sum, or dividing by the batch again, is off by
# a factor of the batch size.


def make_dense_backward_inputs(rng):
    """Layers of shape (3 -> 4), (5 -> 2) and (4 -> 6), with batches of 5, 7 and 3: every size different, so a
    missing transpose cannot go unnoticed."""
    calls = []
    for batch, n_in, n_out in [(5, 3, 4), (7, 5, 2), (3, 4, 6)]:
        calls.append((rng.normal(size=(batch, n_in)), rng.normal(size=(n_in, n_out)),
                      rng.normal(size=(batch, n_out)) / batch))
    return calls


def _dense_no_transpose_on_W(x, W, d_z):
    return d_z @ W, x.T @ d_z, d_z.sum(axis=0)


def _dense_d_W_transposed(x, W, d_z):
    return d_z @ W.T, d_z.T @ x, d_z.sum(axis=0)


def _dense_bias_mean(x, W, d_z):
    return d_z @ W.T, x.T @ d_z, d_z.mean(axis=0)


def _dense_bias_wrong_axis(x, W, d_z):
    return d_z @ W.T, x.T @ d_z, d_z.sum(axis=1)


def _dense_averaged_again(x, W, d_z):
    batch = x.shape[0]
    return d_z @ W.T, x.T @ d_z / batch, d_z.sum(axis=0) / batch


dense_backward_exercise = Exercise(
    name="dense_backward",
    reference=dense_backward,
    make_inputs=make_dense_backward_inputs,
    hints=[
        "Every gradient has the shape of the thing it is the gradient of: d_x like x (batch, n_in), d_W like W "
        "(n_in, n_out), d_b like b (n_out,). Find the one product of x, W and d_z that has each shape.",
        "Going backwards through z = x @ W multiplies by the transpose: d_x = d_z @ W.T. For d_W, each example "
        "contributes an outer product of its x and its d_z, and x.T @ d_z adds them all up.",
        "return d_z @ W.T, x.T @ d_z, d_z.sum(axis=0)",
    ],
    mistakes=[
        Mistake(_dense_no_transpose_on_W, "d_x = d_z @ W fails: d_z is (batch, n_out) and W is (n_in, n_out). Going "
                                          "backwards through a matrix product uses the transpose: d_x = d_z @ W.T, "
                                          "shape (batch, n_in) like x."),
        Mistake(_dense_d_W_transposed, "Your d_W has shape (n_out, n_in), the transpose of W's. A gradient has "
                                       "the shape of its parameter: d_W = x.T @ d_z, shape (n_in, n_out)."),
        Mistake(_dense_bias_mean, "You averaged d_z over the batch for d_b. Sum it instead: d_z already contains "
                                  "the 1/batch of the mean in the loss, so averaging again divides twice."),
        Mistake(_dense_bias_wrong_axis, "Your d_b has one value per example. The bias has one value per output "
                                        "unit, and it is added to every example, so sum d_z over the batch: "
                                        "d_z.sum(axis=0)."),
        Mistake(_dense_averaged_again, "You divided d_W and d_b by the batch size. d_z already contains the "
                                       "1/batch of the mean in the loss; x.T @ d_z and d_z.sum(axis=0) are "
                                       "already the gradients of the mean loss."),
    ],
    explanation="Each line has the shape of what it differentiates. d_z @ W.T sends the gradient back to the "
                "inputs (the transpose undoes the forward product's direction); x.T @ d_z adds up, over the "
                "batch, every example's input times its output gradient; d_b sums d_z over the batch because the "
                "bias was added to every example.",
)


# ------------------------------------------------------------------------------------------- full backprop


def backprop(params, x, y):
    """Gradients of the mean softmax cross-entropy of a ReLU network, by the chain rule, layer by layer.

    params: list of {"W", "b"} dicts. x: (batch, n_in). y: integer classes (batch,). Hidden layers use ReLU; the
    output layer gives logits. Returns one {"W", "b"} dict of gradients per layer, like `params`.
    This is course_lib.backprop(params, x, y, activation="relu", loss="cross_entropy").
    """
    return library_backprop(params, x, y, activation="relu", loss="cross_entropy")


# Why these inputs separate right from wrong: networks of two and three layers whose shapes all differ (so
# gradients handed back in reverse layer order have the wrong shapes, and get their own hint), random biases that
# switch some ReLUs off (a missing ReLU derivative shows), batches of 4 to 6 (a sum instead of a mean shows), and
# random labels (a missing softmax shows).


def make_backprop_inputs(rng):
    """Networks [3, 5, 2], [4, 6, 5, 3] and [2, 3, 3] (float64), batches of 6, 5 and 4 with random labels."""
    calls = []
    for sizes, batch in [([3, 5, 2], 6), ([4, 6, 5, 3], 5), ([2, 3, 3], 4)]:
        params = [{"W": rng.normal(size=(n_in, n_out)), "b": rng.normal(scale=0.5, size=n_out)}
                  for n_in, n_out in zip(sizes[:-1], sizes[1:])]
        x = rng.normal(size=(batch, sizes[0]))
        y = rng.integers(0, sizes[-1], size=batch)
        calls.append((params, x, y))
    return calls


def _forward_storing(params, x):
    """Every layer's input and pre-activation z, for the mistakes below (ReLU hidden, linear output)."""
    inputs, zs = [], []
    a = x
    for i, layer in enumerate(params):
        inputs.append(a)
        z = a @ layer["W"] + layer["b"]
        zs.append(z)
        a = np.maximum(z, 0) if i < len(params) - 1 else z
    return inputs, zs


def _softmax(z):
    return np.exp(log_softmax(z))


def _one_hot(y, n):
    return np.eye(n)[y]


def _backward(params, inputs, zs, d_z, relu_derivative=True, own_output=False):
    grads = [None] * len(params)
    for i in reversed(range(len(params))):
        a_in = (np.maximum(zs[i], 0) if i < len(params) - 1 else zs[i]) if own_output else inputs[i]
        grads[i] = {"W": a_in.T @ d_z, "b": d_z.sum(axis=0)}
        if i > 0:
            d_a = d_z @ params[i]["W"].T
            d_z = d_a * (zs[i - 1] > 0) if relu_derivative else d_a
    return grads


def _backprop_summed(params, x, y):
    inputs, zs = _forward_storing(params, x)
    d_z = _softmax(zs[-1]) - _one_hot(y, zs[-1].shape[1])
    return _backward(params, inputs, zs, d_z)


def _backprop_no_relu_derivative(params, x, y):
    inputs, zs = _forward_storing(params, x)
    d_z = (_softmax(zs[-1]) - _one_hot(y, zs[-1].shape[1])) / len(y)
    return _backward(params, inputs, zs, d_z, relu_derivative=False)


def _backprop_no_softmax(params, x, y):
    inputs, zs = _forward_storing(params, x)
    d_z = (zs[-1] - _one_hot(y, zs[-1].shape[1])) / len(y)
    return _backward(params, inputs, zs, d_z)


def _backprop_layer_output_for_d_W(params, x, y):
    inputs, zs = _forward_storing(params, x)
    d_z = (_softmax(zs[-1]) - _one_hot(y, zs[-1].shape[1])) / len(y)
    return _backward(params, inputs, zs, d_z, own_output=True)


def _backprop_reversed_order(params, x, y):
    return backprop(params, x, y)[::-1]


backprop_exercise = Exercise(
    name="backprop",
    reference=backprop,
    make_inputs=make_backprop_inputs,
    hints=[
        "Forward first, keeping every layer's input and z. Then start at the output with d_z = (softmax(logits) "
        "- one_hot(y)) / batch and walk the layers in reverse: dense_backward gives d_W, d_b and the gradient for "
        "the layer before.",
        "Between two layers, the gradient passes through the ReLU: d_z = d_a * (z > 0), with the z of that "
        "hidden layer from the forward pass. The first layer's d_x is not needed.",
        "course_lib.forward(params, x, activation='relu', return_hidden=True) returns (logits, layers) with "
        "layers[i]['z'] and layers[i]['a']; layer i's input is x for i = 0, else layers[i - 1]['a']. Fill "
        "grads = [None] * len(params) from the last layer to the first.",
    ],
    mistakes=[
        Mistake(_backprop_summed, "Every gradient is batch-size times too large: the loss is the MEAN over the "
                                  "batch, so the output gradient is (softmax(logits) - one_hot(y)) / batch."),
        Mistake(_backprop_no_relu_derivative, "The last layer's gradients are right but the earlier ones are not: "
                                              "between layers the gradient must pass through the ReLU, "
                                              "d_z = d_a * (z > 0), using that hidden layer's z."),
        Mistake(_backprop_no_softmax, "Your output gradient uses the logits themselves. The loss compares "
                                      "probabilities with the labels: d_z = (softmax(logits) - one_hot(y)) / "
                                      "batch."),
        Mistake(_backprop_layer_output_for_d_W, "d_W pairs the layer's INPUT with its output gradient: "
                                                "d_W = a_in.T @ d_z, where a_in is x for the first layer and the "
                                                "previous layer's activation after that, not this layer's output."),
        Mistake(_backprop_reversed_order, "Your gradients are in reverse order: you appended them while walking "
                                          "backwards, so the last layer's came first. grads[i] must belong to "
                                          "params[i]: fill grads = [None] * len(params) by index, or reverse the "
                                          "list at the end (grads[::-1])."),
    ],
    explanation="One compact version:\n\n"
                "    logits, layers = course_lib.forward(params, x, activation='relu', return_hidden=True)\n"
                "    probabilities = np.asarray(course_lib.probabilities(logits))\n"
                "    d_z = (probabilities - np.eye(logits.shape[1])[y]) / len(y)\n"
                "    grads = [None] * len(params)\n"
                "    for i in reversed(range(len(params))):\n"
                "        a_in = x if i == 0 else layers[i - 1]['a']\n"
                "        d_a, d_W, d_b = dense_backward(a_in, params[i]['W'], d_z)\n"
                "        grads[i] = {'W': d_W, 'b': d_b}\n"
                "        if i > 0:\n"
                "            d_z = d_a * (layers[i - 1]['z'] > 0)\n"
                "    return grads\n\n"
                "course_lib.backprop.backprop is the same loop for any activation and loss.",
)

EXERCISES = {exercise.name: exercise for exercise in [dense_backward_exercise, backprop_exercise]}


# =============================================================================================================
# Added for issue 13: a stepping stone before `backprop`, the gradient at the output.
# =============================================================================================================

from course_lib.losses import cross_entropy as _cross_entropy  # noqa: E402


def output_gradient(logits, y):
    """dL/dz_out for the mean softmax cross-entropy: (softmax(logits) - one_hot(y)) / batch.

    logits: (batch, classes). y: integer classes (batch,). one_hot(y) is the (batch, classes) array with a 1 at
    each example's true class and 0 elsewhere: np.eye(classes)[y]. This is the gradient `jax.grad` gives for
    course_lib.losses.cross_entropy(logits, y) with respect to the logits.

    >>> import numpy as np
    >>> output_gradient(np.zeros((2, 4)), np.array([1, 3])).round(3).tolist()
    [[0.125, -0.375, 0.125, 0.125], [0.125, 0.125, 0.125, -0.375]]
    """
    batch, classes = logits.shape
    probabilities = _softmax(np.asarray(logits, np.float64))
    return (probabilities - np.eye(classes)[y]) / batch


def make_output_gradient_inputs(rng):
    """Logits of 5 examples x 3 classes, 4 x 10 and 1 x 2, with random labels (every shape different, and a batch
    of one, where forgetting the 1/batch does not show, is not alone)."""
    calls = []
    for batch, classes in [(5, 3), (4, 10), (1, 2)]:
        calls.append((rng.normal(scale=2.0, size=(batch, classes)), rng.integers(0, classes, size=batch)))
    return calls


def _output_gradient_summed(logits, y):
    return _softmax(logits) - np.eye(logits.shape[1])[y]


def _output_gradient_no_softmax(logits, y):
    return (logits - np.eye(logits.shape[1])[y]) / len(y)


def _output_gradient_plain_exp(logits, y):
    return (np.exp(logits) - np.eye(logits.shape[1])[y]) / len(y)


def _output_gradient_label_as_number(logits, y):
    return (_softmax(logits) - y[:, None]) / len(y)


def _output_gradient_sign_flipped(logits, y):
    return (np.eye(logits.shape[1])[y] - _softmax(logits)) / len(y)


output_gradient_exercise = Exercise(
    name="output_gradient",
    reference=output_gradient,
    make_inputs=make_output_gradient_inputs,
    hints=[
        "Three pieces: the softmax of each row of logits (the probabilities), the one-hot rows of the labels, and "
        "the 1/batch that comes from the loss being a mean over the batch.",
        "np.eye(classes) is the identity matrix; indexing it with the label array, np.eye(classes)[y], picks row "
        "y[i] for each example: the one-hot rows. course_lib.probabilities(logits) is the softmax.",
        "return (np.asarray(course_lib.probabilities(logits)) - np.eye(logits.shape[1])[y]) / len(y)",
    ],
    mistakes=[
        Mistake(_output_gradient_summed, "Every value is batch-size times too large: the loss is the MEAN over the "
                                         "batch, so divide by the batch size, len(y)."),
        Mistake(_output_gradient_no_softmax, "You used the logits themselves. The loss compares PROBABILITIES with "
                                             "the labels: apply the softmax (course_lib.probabilities) first."),
        Mistake(_output_gradient_plain_exp, "exp(logits) alone is not a probability: the softmax also divides each "
                                            "row by its sum, so that the row adds up to 1."),
        Mistake(_output_gradient_label_as_number, "You subtracted the label number itself. Subtract its one-hot "
                                                  "row instead: np.eye(classes)[y], a 1 at the true class and 0 "
                                                  "elsewhere."),
        Mistake(_output_gradient_sign_flipped, "The sign is flipped: the gradient is probabilities MINUS one-hot, "
                                               "positive for the wrong classes (their logits should go down)."),
    ],
    explanation="softmax(z) - one_hot(y) is how far each probability is from where it should be: the true class "
                "should get 1, every other class 0. The mean over the batch divides every example's part by the "
                "batch size. It is the gradient of course_lib.losses.cross_entropy with respect to the logits.",
)

EXERCISES[output_gradient_exercise.name] = output_gradient_exercise


# =============================================================================================================
# Added for issue 14: build an autograd. The student writes `backward(root)` for course_lib.autograd's Value,
# and one operation, `tanh`. Both are checked on graphs built fresh for every call from plain numbers, so the
# test inputs read as numbers and the student's function cannot change them.
# =============================================================================================================

import math  # noqa: E402

from course_lib import autograd  # noqa: E402


def _neuron(x, w, b, y):
    return ((w * x + b).tanh() - y) ** 2


def _used_twice(w, x):
    return (w * x + x) ** 2


def _shared_middle(a, b):
    middle = a * b + a                # an intermediate Value used three times
    return (middle * middle + middle).tanh()


def _two_units(x1, x2, w1, w2):
    h1, h2 = (w1 * x1 + x2).tanh(), (w2 * x2 + x1).tanh()
    return (h1 * w2 + h2 * w1 - 0.5) ** 2


GRAPHS = {"neuron": _neuron, "used twice": _used_twice, "shared middle": _shared_middle, "two units": _two_units}


def _gradients_left_by(backward_fn):
    """A function of (graph name, numbers): build that graph from fresh Values, run `backward_fn(root)` on it and
    return the gradients it left on the inputs and on the root."""
    def gradients(graph, numbers):
        inputs = [autograd.Value(n) for n in numbers]
        root = GRAPHS[graph](*inputs)
        backward_fn(root)
        return np.array([v.grad for v in inputs] + [root.grad])
    gradients.adapted = True
    return gradients


class _FunctionOfValuesExercise(Exercise):
    """An Exercise whose answer works on Values: `adapter(answer)` turns it into a function of plain numbers,
    which the checker compares with the adapted reference. `use` gives back the student's own function (or the
    library's), and `solution` shows the library's source."""

    def __init__(self, name, reference, adapter, make_inputs, mistakes, **settings):
        self.library_reference, self.adapter = reference, adapter
        super().__init__(name, adapter(reference), make_inputs,
                         mistakes=[Mistake(adapter(m.wrong), m.hint) for m in mistakes], **settings)

    def check(self, fn):
        adapt = callable(fn) and not getattr(fn, "adapted", False)
        return super().check(self.adapter(fn) if adapt else fn)

    def use(self, answer):
        result = self.check(answer)
        if result.passed:
            return answer
        print(f"{self.name} is not finished yet ({result.status}): the rest of this notebook uses "
              f"course_lib.autograd's {self.name} instead.")
        return self.library_reference

    def solution(self):
        source = textwrap.dedent(inspect.getsource(self.library_reference)).rstrip()
        print(f"Reference solution for {self.name} (course_lib's implementation):\n\n{source}")
        if self.explanation:
            print(f"\n{self.explanation}")


import inspect  # noqa: E402
import textwrap  # noqa: E402


def make_backward_inputs(rng):
    """Each graph once, with random numbers (a graph name and its input numbers)."""
    return [(name, rng.normal(size=len(inspect.signature(build).parameters)).round(3))
            for name, build in GRAPHS.items()]


def _topological(root):
    return autograd.topological_order(root)


def _backward_overwrites(root):
    order = _topological(root)
    for node in order:
        node.grad = 0.0
    root.grad = 1.0
    for node in reversed(order):
        for parent, local in zip(node.parents, node.local_grads):
            parent.grad = node.grad * local


def _backward_forward_order(root):
    order = _topological(root)
    for node in order:
        node.grad = 0.0
    root.grad = 1.0
    for node in order:
        for parent, local in zip(node.parents, node.local_grads):
            parent.grad += node.grad * local


def _backward_no_local_derivative(root):
    order = _topological(root)
    for node in order:
        node.grad = 0.0
    root.grad = 1.0
    for node in reversed(order):
        for parent in node.parents:
            parent.grad += node.grad


def _backward_no_visited_set(root):
    order = []

    def visit(node):
        for parent in node.parents:
            visit(parent)
        order.append(node)
    visit(root)
    for node in order:
        node.grad = 0.0
    root.grad = 1.0
    for node in reversed(order):
        for parent, local in zip(node.parents, node.local_grads):
            parent.grad += node.grad * local


def _backward_root_not_seeded(root):
    order = _topological(root)
    for node in order:
        node.grad = 0.0
    for node in reversed(order):
        for parent, local in zip(node.parents, node.local_grads):
            parent.grad += node.grad * local


backward_exercise = _FunctionOfValuesExercise(
    name="backward",
    reference=autograd.backward,
    adapter=_gradients_left_by,
    make_inputs=make_backward_inputs,
    hints=[
        "Three steps: list every Value of the graph so that each comes after the Values it was computed from "
        "(a topological order); set every grad to 0 and root.grad to 1; then walk the list BACKWARDS, and at "
        "each node give each parent grad × local derivative.",
        "For the order, a depth-first visit: visit(node) first visits all of node.parents, then appends node. Keep "
        "a set of visited nodes so a Value used twice is listed once. When passing gradients on, ADD to "
        "parent.grad (+=): a Value used twice receives from each use.",
        "order = autograd.topological_order(root) (or your own visit); for node in order: node.grad = 0.0; "
        "root.grad = 1.0; for node in reversed(order): for parent, local in zip(node.parents, node.local_grads): "
        "parent.grad += node.grad * local",
    ],
    mistakes=[
        Mistake(_backward_overwrites, "Gradients are OVERWRITTEN (parent.grad = ...): a Value used more than once "
                                      "keeps only the contribution of its last use. Add them up: "
                                      "parent.grad += node.grad * local."),
        Mistake(_backward_forward_order, "You walk the nodes in the forward order, so a node passes on its grad "
                                         "before the nodes that use it have sent theirs (most grads stay 0). "
                                         "Walk the topological order in REVERSE: reversed(order)."),
        Mistake(_backward_no_local_derivative, "Each parent receives node.grad unchanged: the chain rule "
                                               "multiplies by the LOCAL derivative on the way, "
                                               "parent.grad += node.grad * local (zip node.parents with "
                                               "node.local_grads)."),
        Mistake(_backward_no_visited_set, "A Value used several times appears several times in your order, so its "
                                          "gradient is passed on more than once. Keep a set of visited nodes in "
                                          "the depth-first visit and skip a node already seen."),
        Mistake(_backward_root_not_seeded, "Every gradient is 0: the backward pass starts with d root / d root = "
                                           "1. Set root.grad = 1.0 (after setting the grads to 0) before the "
                                           "backward walk."),
    ],
    explanation="The reverse topological order guarantees that when a node is reached, every node that used it "
                "has already sent its contribution, so its grad is complete before it is passed on; += collects "
                "the contributions of a Value used several times.",
)


def value_tanh(v):
    """tanh as a Value operation: the number tanh(v.data), with the local derivative 1 - tanh² (of the OUTPUT).

    This is `autograd.Value.tanh`.

    >>> out = value_tanh(autograd.Value(0.0))
    >>> out.data, out.local_grads
    (0.0, (1.0,))
    """
    t = math.tanh(v.data)
    return autograd.Value(t, (v,), (1.0 - t * t,), "tanh")


def _operation_as_numbers(operation):
    """A function of a number: apply `operation` to a fresh Value and return its number, its parents' count
    check and its local derivatives, as an array [data, local...]."""
    def numbers(x):
        # plain numbers in and out, so the checker can compare them
        v = autograd.Value(x)
        out = operation(v)
        if not isinstance(out, autograd.Value):
            raise TypeError(f"return a Value (Value(number, (v,), (local,))), not {type(out).__name__}")
        if len(out.parents) != 1 or out.parents[0] is not v:
            raise ValueError("the result's parents must be (v,): the one Value it was computed from")
        return np.array([out.data, *out.local_grads])
    numbers.adapted = True
    return numbers


def make_tanh_inputs(rng):
    """Five numbers: 0, one small, one moderate and two large enough (|x| > 2) for tanh to saturate."""
    return [0.0, float(rng.uniform(0.1, 0.5)), float(rng.uniform(-1.5, -0.8)), 2.5, -3.0]


def _tanh_local_is_value(v):
    t = math.tanh(v.data)
    return autograd.Value(t, (v,), (t,))


def _tanh_local_is_one(v):
    t = math.tanh(v.data)
    return autograd.Value(t, (v,), (1.0,))


def _tanh_local_of_input(v):
    t = math.tanh(v.data)
    return autograd.Value(t, (v,), (1.0 - v.data ** 2,))


def _tanh_local_plus(v):
    t = math.tanh(v.data)
    return autograd.Value(t, (v,), (1.0 + t * t,))


tanh_exercise = _FunctionOfValuesExercise(
    name="tanh",
    reference=value_tanh,
    adapter=_operation_as_numbers,
    make_inputs=make_tanh_inputs,
    hints=[
        "Return a new Value: its number is tanh of v's number, its one parent is v, and its one local derivative is "
        "d tanh(z) / dz at z = v.data.",
        "The derivative of tanh is 1 - tanh(z)²: it can be written with the output t = math.tanh(v.data), which "
        "you have just computed.",
        "t = math.tanh(v.data); return Value(t, (v,), (1 - t * t,), 'tanh')",
    ],
    mistakes=[
        Mistake(_tanh_local_is_value, "The local derivative you stored is tanh itself. Store the DERIVATIVE, "
                                      "1 - tanh(z)², with t = math.tanh(v.data): 1 - t * t."),
        Mistake(_tanh_local_is_one, "You stored 1 as the local derivative, as if tanh passed gradients on "
                                    "unchanged. The chain rule needs d tanh / dz = 1 - t * t, which is near 0 where "
                                    "tanh saturates."),
        Mistake(_tanh_local_of_input, "1 - v.data² uses the INPUT. The derivative of tanh is 1 - tanh(z)², with "
                                      "the output t = math.tanh(v.data): 1 - t * t."),
        Mistake(_tanh_local_plus, "The sign is wrong: d tanh / dz = 1 - tanh(z)², never above 1."),
    ],
    explanation="Each operation stores its local derivatives at the moment it computes its number; backward() "
                "later only multiplies and adds them. For tanh the derivative is simplest in terms of the output.",
)

EXERCISES[backward_exercise.name] = backward_exercise
EXERCISES[tanh_exercise.name] = tanh_exercise

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

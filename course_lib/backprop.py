"""Backpropagation by hand: the chain rule, layer by layer, in plain NumPy. No autodiff.

The forward pass stores every layer's weighted sums `z` and activations `a`. The backward pass starts
from the loss and walks the layers in reverse, because each layer's gradient needs the gradient of the
layer after it (the chain rule multiplies from the loss backwards):

    dz_L            from the loss and the output activation
    dW_i = a_{i-1}ᵀ @ dz_i           (n_in, n_out), like W_i
    db_i = Σ_batch dz_i              (n_out,),      like b_i
    da_{i-1} = dz_i @ W_iᵀ           (batch, n_in)
    dz_{i-1} = da_{i-1} * f'(z_{i-1})   elementwise

Tests check the result against `jax.grad(loss_value)` and against finite differences.

>>> import numpy as np
>>> from course_lib.initializers import init_mlp
>>> params = init_mlp([2, 3, 1], seed=0)
>>> grads = backprop(params, np.ones((4, 2)), np.zeros((4, 1)), activation="tanh", loss="mse")
>>> [sorted(g) for g in grads]
[['W', 'b'], ['W', 'b']]
"""
import sys
import types

import numpy as np

from course_lib.activations import get_activation_derivative, sigmoid, softmax
from course_lib.losses import check_loss_name, check_targets, one_hot_like, output_for_loss
from course_lib.network import check_shapes, forward, hidden_activations


def output_gradient(loss, output, z_out, a_out, y):
    """dLoss/dz for the output layer's weighted sums z_out (shape (batch, n_out))."""
    batch = z_out.shape[0]
    if loss == "cross_entropy":
        # softmax followed by cross-entropy: the Jacobians collapse to (probabilities - targets) / batch.
        return (softmax(z_out) - one_hot_like(y, z_out.shape[1], z_out.dtype)) / batch
    if loss == "binary_cross_entropy":
        return (sigmoid(z_out) - y.reshape(z_out.shape).astype(z_out.dtype)) / batch
    # mse: dL/da = 2 (a - y) / (number of elements), then through the output activation.
    d_a = 2.0 * (a_out - y) / a_out.size
    if output == "softmax":
        jacobian = get_activation_derivative("softmax")(z_out)          # (batch, n, n)
        return np.einsum("bj,bji->bi", d_a, jacobian)
    return d_a * get_activation_derivative(output)(z_out)


def backprop(params, x, y, activation="relu", loss="cross_entropy", output=None, l1=0.0, l2=0.0):
    """Gradients of `loss_value(params, x, y, ...)` with respect to every W and b, by the chain rule.

    The arguments and defaults are `loss_value`'s. Targets that do not suit the loss (1-D targets for "mse" on a
    (batch, 1) output, labels out of range) raise an error that says how to fix them.
    Returns a list with the same structure as `params`: one {"W": dW, "b": db} per layer, as NumPy arrays
    (float64 when the inputs are float64).
    """
    check_loss_name(loss)
    output = output_for_loss(loss, output)
    params = [{"W": np.asarray(layer["W"]), "b": np.asarray(layer["b"])} for layer in params]
    x, y = np.asarray(x), np.asarray(y)
    check_shapes(params, x)
    # Before any arithmetic: a (batch,) target against a (batch, 1) output would broadcast to (batch, batch)
    # and fail much later, in a matrix product, with a message about neither.
    check_targets(loss, y, n_outputs=params[-1]["W"].shape[1], n_examples=x.shape[0])
    _, layers = forward(params, x, activation=activation, output=output, return_hidden=True)
    names = hidden_activations(activation, len(params) - 1)

    grads = [None] * len(params)
    d_z = output_gradient(loss, output, layers[-1]["z"], layers[-1]["a"], y)
    for i in reversed(range(len(params))):
        a_prev = x if i == 0 else layers[i - 1]["a"]
        W = params[i]["W"]
        d_W = a_prev.T @ d_z
        if l1:
            d_W = d_W + l1 * np.sign(W)
        if l2:
            d_W = d_W + 2.0 * l2 * W
        grads[i] = {"W": d_W, "b": d_z.sum(axis=0)}
        if i > 0:
            d_a_prev = d_z @ W.T
            d_z = d_a_prev * get_activation_derivative(names[i - 1])(layers[i - 1]["z"])
    return grads


def numerical_gradient(f, params, eps=1e-6):
    """Central finite differences: (f(θ + ε) - f(θ - ε)) / 2ε for every parameter, one at a time.

    Slow (two forward passes per parameter) but needs no calculus: the gold standard for checking a backprop.
    """
    params = [{"W": np.array(layer["W"], dtype=np.float64), "b": np.array(layer["b"], dtype=np.float64)}
              for layer in params]
    grads = []
    for layer in params:
        layer_grads = {}
        for name in ("W", "b"):
            values = layer[name]
            grad = np.zeros_like(values)
            for index in np.ndindex(values.shape):
                original = values[index]
                values[index] = original + eps
                plus = float(f(params))
                values[index] = original - eps
                minus = float(f(params))
                values[index] = original
                grad[index] = (plus - minus) / (2 * eps)
            layer_grads[name] = grad
        grads.append(layer_grads)
    return grads


class _CallableModule(types.ModuleType):
    """`course_lib.backprop` names both this module and its function `backprop`. Once the module is imported,
    Python binds the package's attribute `course_lib.backprop` to the module, so `from course_lib import backprop`
    could give the module instead of the function. Calling the module calls the function: both spellings work."""

    def __call__(self, *args, **kwargs):
        return backprop(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule

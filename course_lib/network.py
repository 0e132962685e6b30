"""Forward propagation through a multi-layer perceptron (MLP).

A *layer* takes the previous layer's values `x` (shape `(batch, n_in)`), forms each node's weighted sum plus
bias, `z = x @ W + b` (shape `(batch, n_out)`), and applies an activation, `a = f(z)`. A network is layers in a
row. Everything here works on NumPy and JAX arrays and can be jitted and differentiated.

>>> from course_lib.initializers import init_mlp
>>> import numpy as np
>>> params = init_mlp([2, 4, 1], seed=0)
>>> forward(params, np.ones((3, 2))).shape
(3, 1)
"""
import numpy as np

from course_lib.activations import ELEMENTWISE, check_activation_name, get_activation

OUTPUTS = ("linear", "sigmoid", "softmax")


class ShapeError(ValueError):
    """An array does not have the shape a layer needs. The message names the layer and both shapes."""


def dense(layer, x):
    """One layer's weighted sums: `x @ W + b`. `x` is `(batch, n_in)`, the result `(batch, n_out)`."""
    return x @ layer["W"] + layer["b"]


def hidden_activations(activation, n_hidden):
    """One activation name per hidden layer: a single name is used for all of them, a list gives each its own."""
    if isinstance(activation, str):
        names = [activation] * n_hidden
    else:
        names = list(activation)
        if len(names) != n_hidden:
            raise ValueError(f"Got {len(names)} activation names for {n_hidden} hidden layers: {names}.")
    for name in names:
        check_activation_name(name)
        if name not in ELEMENTWISE:
            raise ValueError(f"{name!r} mixes a whole row, so it belongs in the output layer (output={name!r}), "
                             f"not in a hidden layer. Hidden-layer activations: {', '.join(ELEMENTWISE)}.")
    return names


def check_shapes(params, x):
    """Raise ShapeError, naming the layer and both shapes, if `x` and the layers do not fit together."""
    if not hasattr(x, "shape"):
        raise ShapeError(f"x must be an array (NumPy or JAX), shape (batch, n_inputs); got a {type(x).__name__}. "
                         "Use x = np.asarray(x, dtype=np.float32).")
    if x.ndim != 2:
        raise ShapeError(f"The input x must be 2-D, shape (batch, n_inputs); got shape {x.shape}. "
                         "For a single example use x.reshape(1, -1).")
    width = x.shape[1]
    for i, layer in enumerate(params):
        W, b = layer["W"], layer["b"]
        where = "the input x" if i == 0 else f"layer {i - 1}'s output"
        if W.ndim != 2:
            raise ShapeError(f"Layer {i}: W must be 2-D (n_in, n_out); got shape {W.shape}.")
        if W.shape[0] != width:
            raise ShapeError(f"Layer {i}: W has shape {W.shape}, so it expects {W.shape[0]} inputs, "
                             f"but {where} has {width} columns (shape (batch, {width})).")
        if b.shape != (W.shape[1],):
            raise ShapeError(f"Layer {i}: b has shape {b.shape}, but W has shape {W.shape}, "
                             f"so b should have shape ({W.shape[1]},).")
        width = W.shape[1]


def forward(params, x, activation="relu", output="linear", return_hidden=False):
    """Run the network on a batch of inputs.

    params: list of {"W": (n_in, n_out), "b": (n_out,)} dicts, one per layer.
    x: inputs, shape (batch, n_inputs): an array, or nested lists of numbers (made into a NumPy array).
    activation: the hidden layers' activation name, or a list with one name per hidden layer.
    output: the output layer's activation: "linear" (regression, or logits), "sigmoid" or "softmax".
    return_hidden: also return, for every layer, its pre-activation "z" and activation "a".

    Returns the output, shape (batch, n_outputs); with return_hidden, `(output, layers)` where `layers[i]` is
    `{"z": ..., "a": ...}` for layer i (the last one is the output layer).

    >>> import numpy as np
    >>> one_layer = [{"W": np.array([[2.0], [1.0]]), "b": np.array([0.5])}]
    >>> forward(one_layer, np.array([[1.0, 3.0]]))
    array([[5.5]])
    """
    if isinstance(x, (list, tuple)):
        x = np.asarray(x, dtype=float)    # a list of rows, as typed in a cell
    check_shapes(params, x)
    if output not in OUTPUTS:
        raise ValueError(f"Unknown output {output!r}. Valid outputs are: {', '.join(OUTPUTS)}.")
    names = hidden_activations(activation, len(params) - 1) + [output]
    layers = []
    a = x
    for layer, name in zip(params, names):
        z = dense(layer, a)
        a = get_activation(name)(z)
        layers.append({"z": z, "a": a})
    if return_hidden:
        return a, layers
    return a


def predict(params, x, activation="relu", task="classification"):
    """Predictions a person can read: class indices for classification, values for regression.

    For classification the network's outputs are logits: one column means a binary task (class 1 when the
    logit is positive), several columns mean one class per column (the largest wins).
    """
    out = forward(params, x, activation=activation, output="linear")
    if task == "regression":
        return out
    if task != "classification":
        raise ValueError(f"Unknown task {task!r}: use 'classification' or 'regression'.")
    if out.shape[1] == 1:
        return (out[:, 0] > 0).astype("int32")
    return out.argmax(axis=1)

"""Seeing what the starting weights do: the spread of the activations, layer by layer.

Notebook 03 pushes one batch through a deep network whose weights were drawn too small, just right (He) and
too large, and plots the standard deviation of each hidden layer's activations: too small and the signal
fades towards 0 (vanishing), too large and it grows without limit (exploding), He keeps it level.

>>> import numpy as np
>>> from course_lib.initializers import init_mlp
>>> x = np.random.default_rng(0).normal(size=(500, 100))
>>> he = init_mlp([100] + [100] * 10 + [1], seed=0, init="he")
>>> stds = activation_stds(he, x, "relu")
>>> len(stds), bool(0.5 < stds[-1] / stds[0] < 2)        # ten hidden layers; the spread stays about level
(10, True)
>>> too_large = [{"W": 2 * layer["W"], "b": layer["b"]} for layer in he]
>>> bool(activation_stds(too_large, x, "relu")[-1] > 100 * stds[-1])   # twice He: doubles at every layer
True
"""
import numpy as np

from course_lib.activations import get_activation


def activation_stds(params, x, activation="relu"):
    """The standard deviation of every hidden layer's activations, for the batch x: one number per hidden layer.

    Each hidden layer computes a = f(a_previous @ W + b) (f the activation); its standard deviation is taken over
    all its values at once (every example and every unit). The output layer is not included.

    >>> params = [{"W": np.ones((2, 3)), "b": np.zeros(3)}, {"W": np.ones((3, 1)), "b": np.zeros(1)}]
    >>> activation_stds(params, np.array([[1.0, 1.0], [-1.0, -1.0]]), "relu").tolist()   # values 2, 2, 2, 0, 0, 0
    [1.0]
    """
    f = get_activation(activation)
    a = np.asarray(x)
    stds = []
    for layer in params[:-1]:                    # the hidden layers; the last layer is the output
        a = np.asarray(f(a @ np.asarray(layer["W"]) + np.asarray(layer["b"])))
        stds.append(float(np.std(a)))
    return np.array(stds)

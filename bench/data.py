"""The data and starting weights every implementation gets, so that they all do the same work.

Digits: scikit-learn's 8x8 digits through `course_lib.datasets.load_digits` (standardised, 80/20 split).
Wide MLP: random inputs and labels of MNIST's shape (784 pixels, 10 classes); only the speed matters there.
Weights: `course_lib.init_mlp` (He), copied into each library's own layout by its reference module.
"""
from dataclasses import dataclass

import numpy as np

DIGITS_SIZES = (64, 128, 128, 10)
WIDE_SIZES = (784, 1024, 1024, 10)


@dataclass
class Data:
    name: str
    x_train: np.ndarray   # float32 (n, n_inputs)
    y_train: np.ndarray   # int32 class indices (n,)
    x_test: np.ndarray
    y_test: np.ndarray
    n_classes: int


def digits():
    from course_lib import datasets

    d = datasets.load_digits(seed=0)
    as_x = lambda a: np.ascontiguousarray(a, dtype=np.float32)
    as_y = lambda a: np.ascontiguousarray(a, dtype=np.int32)
    return Data("digits", as_x(d.x_train), as_y(d.y_train), as_x(d.x_test), as_y(d.y_test), 10)


def wide(n_train=8192, seed=0):
    """Random data for the wide network (n_train examples, a small test set to keep the interface)."""
    rng = np.random.default_rng(seed)
    n_in, n_classes = WIDE_SIZES[0], WIDE_SIZES[-1]
    x = rng.standard_normal((n_train + 256, n_in), dtype=np.float32)
    y = rng.integers(0, n_classes, n_train + 256).astype(np.int32)
    return Data("random 784-pixel inputs", x[:n_train], y[:n_train], x[n_train:], y[n_train:], n_classes)


def save(path, data, params):
    """Write a data set and the starting weights to one .npz file (what a worker process loads)."""
    arrays = {name: getattr(data, name) for name in ("x_train", "y_train", "x_test", "y_test")}
    arrays.update({f"{kind}{i}": layer[kind] for i, layer in enumerate(params) for kind in ("W", "b")})
    np.savez(path, name=np.array(data.name), n_classes=np.array(data.n_classes), **arrays)


def load(path):
    """(data, params) written by `save`."""
    with np.load(path) as stored:
        data = Data(str(stored["name"]), stored["x_train"], stored["y_train"], stored["x_test"], stored["y_test"],
                    int(stored["n_classes"]))
        n_layers = sum(key.startswith("W") for key in stored.files)
        params = [{"W": stored[f"W{i}"], "b": stored[f"b{i}"]} for i in range(n_layers)]
    return data, params


def initial_params(sizes, seed=0):
    """He-initialised weights as NumPy float32 arrays: [{"W": (n_in, n_out), "b": (n_out,)}, ...]."""
    from course_lib import init_mlp

    return [{"W": np.array(layer["W"], np.float32), "b": np.array(layer["b"], np.float32)}
            for layer in init_mlp(list(sizes), seed=seed)]


def training_flops_per_example(sizes):
    """Matrix-multiply FLOPs to train on one example: forward x@W, the weight gradients, and the input
    gradients of every layer but the first (nobody needs d loss / d pixels). 2 FLOPs per multiply-add.

    >>> training_flops_per_example([2, 3, 1])   # forward 2*(6+3) + weights 2*(6+3) + inputs 2*3
    42
    """
    products = [n_in * n_out for n_in, n_out in zip(sizes[:-1], sizes[1:])]
    return 2 * sum(products) + 2 * sum(products) + 2 * sum(products[1:])

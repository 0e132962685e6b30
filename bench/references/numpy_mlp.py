"""Hand-written NumPy backprop: the chain rule layer by layer, float32, updates in place.

Tuned the way one would by hand: one shuffled copy of the data per epoch (every batch is then a contiguous
slice), ReLU, softmax and SGD steps done in place, and ReLU's derivative read off its output.
"numpy" leaves OpenBLAS its default threads (one per core); "numpy_1thread" limits it to one.
"""
import functools
import types

import numpy as np
import threadpoolctl

from bench.references import Run, samples_per_epoch


def setup(blas_threads=None):
    if blas_threads is not None:
        threadpoolctl.threadpool_limits(blas_threads, user_api="blas")   # for the rest of this process


def _forward(params, x):
    """Pre-activations are not kept: ReLU's derivative is read off its output (a > 0)."""
    activations = [x]
    for layer in params[:-1]:
        z = activations[-1] @ layer["W"]
        z += layer["b"]
        np.maximum(z, 0.0, out=z)
        activations.append(z)
    logits = activations[-1] @ params[-1]["W"]
    logits += params[-1]["b"]
    return activations, logits


def _sgd_step(params, x, y, lr):
    activations, logits = _forward(params, x)
    # d(mean cross-entropy)/d logits = (softmax - one_hot) / batch
    logits -= logits.max(axis=1, keepdims=True)
    np.exp(logits, out=logits)
    logits /= logits.sum(axis=1, keepdims=True)
    logits[np.arange(len(y)), y] -= 1.0
    delta = logits
    delta *= np.float32(1.0 / len(y))
    for i in range(len(params) - 1, -1, -1):
        layer, a = params[i], activations[i]
        grad_W = a.T @ delta
        grad_b = delta.sum(axis=0)
        if i > 0:
            delta = delta @ layer["W"].T
            delta *= a > 0
        layer["W"] -= lr * grad_W
        layer["b"] -= lr * grad_b


def accuracy(params, x, y):
    return float(np.mean(_forward(params, x)[1].argmax(axis=1) == y))


def train(params, data, *, epochs, lr, batch_size, seed=0, validate=False, stop_at=None):
    params = [{"W": np.array(p["W"], np.float32), "b": np.array(p["b"], np.float32)} for p in params]
    x, y = data.x_train, data.y_train
    n = len(x)
    batch_size = batch_size or n
    lr = np.float32(lr)
    accuracies = []
    for epoch in range(1, epochs + 1):
        order = np.random.default_rng([seed, 1, epoch]).permutation(n)
        x_shuffled, y_shuffled = x[order], y[order]
        for start in range(0, n - batch_size + 1, batch_size):
            _sgd_step(params, x_shuffled[start:start + batch_size], y_shuffled[start:start + batch_size], lr)
        if validate:
            accuracies.append(accuracy(params, data.x_test, data.y_test))
            if stop_at is not None and accuracies[-1] >= stop_at:
                break
    return Run(samples_per_epoch(n, batch_size) * epoch, epoch, accuracies)


def variant(name):
    threads = {"numpy": None, "numpy_1thread": 1}[name]
    description = "hand-written NumPy backprop" + (", 1 BLAS thread" if threads else "")
    return types.SimpleNamespace(DESCRIPTION=description, setup=functools.partial(setup, threads), train=train)

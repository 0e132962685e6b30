"""scikit-learn's MLPClassifier with its "sgd" solver: plain SGD (no momentum, no L2, constant rate).

One `partial_fit` is one epoch over shuffled mini-batches. scikit-learn keeps float32 input in float32.
Its weights cannot be set before the first epoch through the public API, so it starts from its own
(Glorot-uniform) initialisation: its epochs-to-97% differ a little from the others' for that reason.
It also trains on the last, partial batch of each epoch, which the sample count includes.
"""
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

from bench.references import Run

DESCRIPTION = "scikit-learn MLPClassifier (sgd)"


def setup():
    pass


def train(params, data, *, epochs, lr, batch_size, seed=0, validate=False, stop_at=None):
    hidden = tuple(int(layer["W"].shape[1]) for layer in params[:-1])
    n = len(data.x_train)
    model = MLPClassifier(hidden_layer_sizes=hidden, activation="relu", solver="sgd", alpha=0.0,
                          batch_size=batch_size or n, learning_rate="constant", learning_rate_init=lr,
                          momentum=0.0, nesterovs_momentum=False, shuffle=True, random_state=seed)
    classes = np.arange(data.n_classes)
    accuracies = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for epoch in range(1, epochs + 1):
            model.partial_fit(data.x_train, data.y_train, classes=classes)
            if validate:
                accuracies.append(float(model.score(data.x_test, data.y_test)))
                if stop_at is not None and accuracies[-1] >= stop_at:
                    break
    return Run(n * epoch, epoch, accuracies)

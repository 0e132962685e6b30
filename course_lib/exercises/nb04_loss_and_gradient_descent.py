"""Exercise bank for notebook 04 (loss and gradient descent): the two losses, and one gradient-descent step.

In the notebook:

    from course_lib.exercises import nb04_loss_and_gradient_descent as exercises

    def mse(predictions, targets):
        ### BEGIN SOLUTION
        return np.mean((predictions - targets) ** 2)
        ### END SOLUTION

    exercises.mse_exercise.check(mse)
    exercises.mse_exercise.hint()
    mse = exercises.mse_exercise.use(mse)

The references are course_lib's own `mse`, `cross_entropy` and `sgd` optimizer; the checker runs the student's
function and the reference on the same random inputs and compares.
"""
import numpy as np

from course_lib.exercises.checker import Exercise, Mistake
from course_lib.losses import cross_entropy as library_cross_entropy
from course_lib.losses import log_softmax
from course_lib.losses import mse as library_mse
from course_lib.optimizers import sgd


# ----------------------------------------------------------------------------------------------------- mse


def mse(predictions, targets):
    """Mean squared error: the average of (prediction - target)² over every element.

    predictions, targets: arrays of the same shape (batch, n_outputs). Returns a single number.

    >>> import numpy as np
    >>> float(mse(np.array([[1.0], [3.0]]), np.array([[0.0], [1.0]])))     # (1² + 2²) / 2
    2.5
    """
    return library_mse(predictions, targets)


def mse_written_out(predictions, targets):
    """Mean squared error, written out (what `.solution()` shows): the average of the squared errors."""
    errors = predictions - targets          # every error at once, whatever the shape
    return np.mean(errors ** 2)             # square each one, then average over every element


# Why these inputs separate right from wrong: the errors have both signs (so not squaring, or squaring the mean,
# shows), batches differ from 1 and there are 1 to 3 outputs (so a sum instead of a mean, or a sum over the outputs,
# shows); one input is float32.


def make_mse_inputs(rng):
    """Batches of 5, 8 and 6 examples with 1, 3 and 2 outputs; the errors are not all of one sign."""
    calls = []
    for batch, n_out, dtype in [(5, 1, np.float64), (8, 3, np.float64), (6, 2, np.float32)]:
        targets = rng.normal(size=(batch, n_out)).astype(dtype)
        predictions = (targets + rng.normal(scale=1.5, size=(batch, n_out))).astype(dtype)
        calls.append((predictions, targets))
    return calls


def _mse_sum(predictions, targets):
    return np.sum((predictions - targets) ** 2)


def _mse_absolute(predictions, targets):
    return np.mean(np.abs(predictions - targets))


def _mse_not_squared(predictions, targets):
    return np.mean(predictions - targets)


def _mse_square_of_mean(predictions, targets):
    return np.mean(predictions - targets) ** 2


def _mse_sum_over_outputs(predictions, targets):
    return np.mean(np.sum((predictions - targets) ** 2, axis=1))


mse_exercise = Exercise(
    name="mse",
    reference=mse,
    shown_solution=mse_written_out,
    make_inputs=make_mse_inputs,
    hints=[
        "For every element, take the error (prediction minus target), square it, then average all the squares.",
        "NumPy works on whole arrays: `predictions - targets` is every error at once, `** 2` squares each one.",
        "One line: np.mean of the squared errors (np.mean averages over every element, whatever the shape).",
    ],
    mistakes=[
        Mistake(_mse_sum, "You added the squared errors up instead of averaging them: the loss would then grow "
                          "with the batch size. Use np.mean, not np.sum."),
        Mistake(_mse_absolute, "You averaged the absolute errors |prediction - target|: that is the mean absolute "
                               "error (MAE), another loss. MSE squares each error, so big errors count much more."),
        Mistake(_mse_not_squared, "You averaged the raw errors without squaring them, so errors of opposite sign "
                                  "cancel out (a prediction 2 too high and one 2 too low give 0). Square each "
                                  "error before averaging."),
        Mistake(_mse_square_of_mean, "You squared the mean error; square each error first, then take the mean. "
                                     "(The mean error can be 0 even when every prediction is wrong.)"),
        Mistake(_mse_sum_over_outputs, "You added over the outputs and averaged over the batch only. That is a "
                                       "convention some libraries use, but course_lib's mse averages over every "
                                       "element: np.mean of all the squared errors."),
    ],
    explanation="`np.mean` averages over every element, so one line serves one output or many. Averaging (not "
                "summing) keeps the loss the same size whatever the batch size, so the learning rate does not "
                "have to change when the batch does.",
)


# -------------------------------------------------------------------------------------------- cross-entropy


def cross_entropy(logits, labels):
    """Softmax cross-entropy from logits: the mean over the batch of -log(probability of the true class).

    logits: raw scores, shape (batch, n_classes). labels: the true classes as integers, shape (batch,).
    Returns a single number. Stable for huge logits: it never takes the log of a probability that rounded to 0.

    >>> import numpy as np
    >>> round(float(cross_entropy(np.array([[0.0, 0.0]]), np.array([1]))), 4)    # two equal scores: -log(1/2)
    0.6931
    """
    return library_cross_entropy(logits, labels)


def cross_entropy_written_out(logits, labels):
    """Softmax cross-entropy, written out (what `.solution()` shows): the mean of -log p(true class)."""
    shifted = logits - np.max(logits, axis=1, keepdims=True)     # the largest logit of each row becomes 0
    log_p = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))   # log-softmax, never log(0)
    true_class = log_p[np.arange(len(labels)), labels]           # each row's log-probability of its true class
    return -np.mean(true_class)


# Why these inputs separate right from wrong: the last batch is float32 with logits of 90 and 95, where exp
# overflows (a softmax without the max shift gives NaN) and a true class whose probability is e^-150 (the log of a
# probability that rounded to 0 gives inf); the batches have 4 to 6 examples (a sum instead of a mean shows) and 3 to
# 5 classes, and the losses are far from 0 (a missing minus shows).


def make_cross_entropy_inputs(rng):
    """Three batches. The last is float32 from a very confident network: right on one row (its true class has the
    logit 95) and wrong on another (true class -60, another class +90), as a badly trained network will be."""
    calls = []
    for batch, n_classes, scale in [(4, 3, 1.0), (6, 5, 3.0)]:
        logits = rng.normal(scale=scale, size=(batch, n_classes))
        calls.append((logits, rng.integers(0, n_classes, size=batch)))
    logits = rng.normal(scale=5.0, size=(5, 4)).astype(np.float32)
    labels = np.array([2, 0, 3, 1, 2])
    logits[0] = [0.0, 90.0, -60.0, 3.0]        # true class 2: probability e^-150, which rounds to 0
    logits[1] = [95.0, -10.0, 2.0, 0.0]        # true class 0, confidently right: exp(95) overflows float32
    calls.append((logits, labels))
    return calls


def _rows(labels):
    return np.arange(len(labels)), labels


def _ce_naive_softmax(logits, labels):
    probabilities = np.exp(logits) / np.sum(np.exp(logits), axis=1, keepdims=True)
    return -np.mean(np.log(probabilities[_rows(labels)]))


def _ce_log_of_probability(logits, labels):
    shifted = np.exp(logits - np.max(logits, axis=1, keepdims=True))
    probabilities = shifted / np.sum(shifted, axis=1, keepdims=True)
    return -np.mean(np.log(probabilities[_rows(labels)]))


def _ce_sum(logits, labels):
    return -np.sum(log_softmax(logits)[_rows(labels)])


def _ce_no_minus(logits, labels):
    return np.mean(log_softmax(logits)[_rows(labels)])


def _ce_every_class(logits, labels):
    return -np.mean(log_softmax(logits))


cross_entropy_exercise = Exercise(
    name="cross_entropy",
    reference=cross_entropy,
    shown_solution=cross_entropy_written_out,
    make_inputs=make_cross_entropy_inputs,
    hints=[
        "For each example, find the log-probability the network gives to the true class, and average "
        "-log-probability over the batch. Compute the log-probabilities from the logits, not from probabilities.",
        "log-softmax of a row z is z - max(z) - log(sum(exp(z - max(z)))): subtracting the row's largest logit "
        "keeps exp from overflowing, and nothing here can take the log of 0. Use axis=1 and keepdims=True.",
        "Pick each row's true class with fancy indexing, log_p[np.arange(len(labels)), labels], then return "
        "-np.mean of those.",
    ],
    mistakes=[
        Mistake(_ce_naive_softmax, "Your loss is NaN on the last input, where the logits reach 95: in float32, "
                                   "exp(95) overflows to inf and inf / inf is NaN. Subtract each row's largest logit "
                                   "before exp, and compute log-probabilities directly: "
                                   "z - max(z) - log(sum(exp(z - max(z))))."),
        Mistake(_ce_log_of_probability, "Your loss is inf on the last input: the network gives the true class a "
                                        "probability of about e^-150, which rounds to 0, and -log(0) = inf. Do "
                                        "not take the log of a probability that can be 0; compute the "
                                        "log-probabilities from the logits: z - max(z) - log(sum(exp(z - max(z)))), "
                                        "which is about -150 there, not -inf."),
        Mistake(_ce_sum, "You added the losses of the examples up; average them instead (np.mean), so the loss does "
                         "not grow with the batch size."),
        Mistake(_ce_no_minus, "Your loss is negative: log-probabilities are <= 0, so the loss is MINUS their mean. "
                              "A perfect prediction should give 0 and a bad one a large positive number."),
        Mistake(_ce_every_class, "You averaged the log-probabilities of every class. Cross-entropy only looks at "
                                 "the true class of each example: pick log_p[np.arange(len(labels)), labels]."),
    ],
    explanation="Working with log-probabilities from the start (log-softmax) means a confidently wrong "
                "prediction gives a large but finite loss instead of inf or NaN. course_lib.cross_entropy also "
                "accepts one-hot labels.",
)


# ----------------------------------------------------------------------------------- one gradient step


def gradient_descent_step(params, grads, lr):
    """One step of gradient descent: every weight and bias moves against its gradient, θ ← θ - lr · g.

    params, grads: lists of {"W", "b"} dicts of the same shapes (grads as from jax.grad). lr: the learning rate.
    Returns the new params (a new list; the old one is left as it was).

    >>> import numpy as np
    >>> new = gradient_descent_step([{"W": np.ones((1, 1)), "b": np.zeros(1)}],
    ...                             [{"W": np.full((1, 1), 2.0), "b": np.ones(1)}], lr=0.1)
    >>> float(new[0]["W"][0, 0]), float(new[0]["b"][0])
    (0.8, -0.1)
    """
    new_params, _ = sgd(lr).update(params, grads, ())
    return new_params


# Why these inputs separate right from wrong: learning rates 0.1, 0.5 and 0.03 (never 1: a forgotten lr shows),
# gradients of both signs on every weight AND bias (a frozen bias, or a step uphill, shows), one to three layers of
# non-square shapes. The student's function gets copies: one that changes `params` in place fails (issue 12: it
# left notebook 04's descent path with 1 point instead of 41).


def make_gradient_descent_step_inputs(rng):
    """Networks of 1, 2 and 3 layers with random weights, random gradients and learning rates 0.1, 0.5, 0.03."""
    calls = []
    for sizes, lr in [([1, 1], 0.1), ([2, 3, 1], 0.5), ([4, 5, 3, 2], 0.03)]:
        params, grads = [], []
        for n_in, n_out in zip(sizes[:-1], sizes[1:]):
            params.append({"W": rng.normal(size=(n_in, n_out)), "b": rng.normal(size=n_out)})
            grads.append({"W": rng.normal(size=(n_in, n_out)), "b": rng.normal(size=n_out)})
        calls.append((params, grads, lr))
    return calls


def _step_uphill(params, grads, lr):
    return [{"W": p["W"] + lr * g["W"], "b": p["b"] + lr * g["b"]} for p, g in zip(params, grads)]


def _step_without_lr(params, grads, lr):
    return [{"W": p["W"] - g["W"], "b": p["b"] - g["b"]} for p, g in zip(params, grads)]


def _step_weights_only(params, grads, lr):
    return [{"W": p["W"] - lr * g["W"], "b": p["b"]} for p, g in zip(params, grads)]


gradient_descent_step_exercise = Exercise(
    name="gradient_descent_step",
    reference=gradient_descent_step,
    make_inputs=make_gradient_descent_step_inputs,
    hints=[
        "The gradient points uphill, towards a larger loss. Move every parameter a small step the other way: "
        "new = old - lr * gradient.",
        "params and grads have the same structure: a list with one {'W', 'b'} dict per layer. Loop over "
        "zip(params, grads) and build a new dict for each layer.",
        "[{'W': p['W'] - lr * g['W'], 'b': p['b'] - lr * g['b']} for p, g in zip(params, grads)]",
    ],
    mistakes=[
        Mistake(_step_uphill, "Your step goes the wrong way: the gradient points uphill, so adding it makes the "
                              "loss LARGER. Subtract lr * gradient."),
        Mistake(_step_without_lr, "You subtracted the whole gradient. Multiply it by the learning rate lr first: "
                                  "the gradient gives the direction, lr decides how far to go."),
        Mistake(_step_weights_only, "Your weights W moved but the biases b did not. The biases are parameters "
                                    "too: b - lr * gradient of b."),
    ],
    explanation="course_lib.sgd(lr) does the same with jax.tree.map, which applies `p - lr * g` to every array "
                "of the params at once, whatever the network's shape.",
)

EXERCISES = {exercise.name: exercise for exercise in
             [mse_exercise, cross_entropy_exercise, gradient_descent_step_exercise]}

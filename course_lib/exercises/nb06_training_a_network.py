"""Exercise bank for notebook 06 (training a network): one training step, and accuracy.

In the notebook:

    from course_lib.exercises.nb06_training_a_network import accuracy_exercise, train_step_exercise

    def train_step(params, x, y, lr):
        ### BEGIN SOLUTION
        loss, grads = jax.value_and_grad(course_lib.loss_value)(params, x, y, activation="relu",
                                                                 loss="cross_entropy")
        return [{"W": p["W"] - lr * g["W"], "b": p["b"] - lr * g["b"]} for p, g in zip(params, grads)], loss
        ### END SOLUTION

    train_step_exercise.check(train_step)

The references are course_lib's own pieces: `loss_value` + `jax.value_and_grad` + the `sgd` optimizer for the
step (what `course_lib.fit` runs inside its compiled loop), and `course_lib.accuracy`.
"""
import functools

import jax
import numpy as np

from course_lib.exercises.checker import Exercise, Mistake
from course_lib.losses import log_softmax, loss_value
from course_lib.network import forward
from course_lib.optimizers import sgd
from course_lib.training import accuracy as library_accuracy

# ---------------------------------------------------------------------------------------------- train step


def train_step(params, x, y, lr):
    """One step of training a ReLU classifier: forward, loss, gradient, update.

    params: list of {"W", "b"} dicts. x: a mini-batch of inputs (batch, n_in). y: integer classes (batch,).
    lr: learning rate. Returns (new_params, loss), where loss is the mean softmax cross-entropy of the batch
    under the OLD params (the loss the gradient was computed from).

    >>> import numpy as np
    >>> from course_lib import init_mlp
    >>> new, loss = train_step(init_mlp([2, 3, 2], seed=0), np.ones((4, 2)), np.array([0, 1, 1, 0]), 0.1)
    >>> [layer["W"].shape for layer in new], loss.shape
    ([(2, 3), (3, 2)], ())
    """
    loss, grads = jax.value_and_grad(loss_value)(params, x, y, activation="relu", loss="cross_entropy")
    new_params, _ = sgd(lr).update(params, grads, ())
    return new_params, loss


# What the checker compares with, and what the notebook runs while the exercise is unfinished: train_step compiled
# once per input shape. Run op by op, the step compiles each of its operations on first use, which costs a
# student's first check seconds; compiled whole, a fraction of that. The arguments go to the compiled step by
# position, so a call with lr=... reuses the program the check compiled. functools.wraps keeps train_step's name,
# signature and source, so .solution() shows train_step itself.
_jitted_train_step = jax.jit(train_step)


@functools.wraps(train_step)
def compiled_train_step(params, x, y, lr):
    return _jitted_train_step(params, x, y, lr)


# Why these inputs separate right from wrong: two networks of three layers with different widths and learning rates
# 0.5 and 0.1 (a step uphill, or without lr, changes every parameter), batches of 6 and 64 (a summed loss is 6 or 64
# times too big), and enough layers that updating a layer before the next one's gradient is computed changes the
# other layers' gradients (both "update too early" orders are told apart).


def make_train_step_inputs(rng):
    """A small network [5, 8, 6, 4] and the notebook's digits network [64, 128, 128, 10] (float32, He-scaled
    weights, small biases), mini-batches of 6 and 64 random examples, learning rates 0.5 and 0.1. Two inputs
    only: each new shape costs the (uncompiled) step a second of compiling its operations."""
    calls = []
    for sizes, batch, lr in [([5, 8, 6, 4], 6, 0.5), ([64, 128, 128, 10], 64, 0.1)]:
        params = [{"W": (rng.normal(size=(n_in, n_out)) * np.sqrt(2 / n_in)).astype(np.float32),
                   "b": rng.normal(scale=0.1, size=n_out).astype(np.float32)}
                  for n_in, n_out in zip(sizes[:-1], sizes[1:])]
        x = rng.normal(size=(batch, sizes[0])).astype(np.float32)
        y = rng.integers(0, sizes[-1], size=batch)
        calls.append((params, x, y, lr))
    return calls


def _relu_ce(params, x, y):
    return loss_value(params, x, y, activation="relu", loss="cross_entropy")


def _step(params, grads, lr, sign=-1.0):
    return [{"W": p["W"] + sign * lr * g["W"], "b": p["b"] + sign * lr * g["b"]} for p, g in zip(params, grads)]


def _train_step_uphill(params, x, y, lr):
    loss, grads = jax.value_and_grad(_relu_ce)(params, x, y)
    return _step(params, grads, lr, sign=+1.0), loss


def _train_step_loss_after_update(params, x, y, lr):
    grads = jax.grad(_relu_ce)(params, x, y)
    new_params = _step(params, grads, lr)
    return new_params, _relu_ce(new_params, x, y)


def _train_step_summed_loss(params, x, y, lr):
    def summed(params):
        return _relu_ce(params, x, y) * len(y)
    loss, grads = jax.value_and_grad(summed)(params)
    return _step(params, grads, lr), loss


def _train_step_layer_by_layer(params, x, y, lr):
    """Updates layer 0, then computes the next layer's gradient with the already-updated layer 0, and so on."""
    loss = _relu_ce(params, x, y)
    params = list(params)
    for i in range(len(params)):
        grads = jax.grad(_relu_ce)(params, x, y)
        params[i] = {"W": params[i]["W"] - lr * grads[i]["W"], "b": params[i]["b"] - lr * grads[i]["b"]}
    return params, loss


def _train_step_update_during_backward(params, x, y, lr):
    """Hand-written backprop that updates each layer as soon as its gradient is known, then sends the gradient
    on through the NEW weights."""
    logits, layers = forward(params, x, activation="relu", return_hidden=True)
    log_p = log_softmax(np.asarray(logits, np.float64))
    loss = -np.mean(log_p[np.arange(len(y)), y])
    d_z = (np.exp(log_p) - np.eye(logits.shape[1])[y]) / len(y)
    new_params = list(params)
    for i in reversed(range(len(params))):
        a_in = x if i == 0 else np.asarray(layers[i - 1]["a"])
        W = params[i]["W"] - lr * (a_in.T @ d_z)
        new_params[i] = {"W": W, "b": params[i]["b"] - lr * d_z.sum(axis=0)}
        if i > 0:
            d_z = (d_z @ W.T) * (np.asarray(layers[i - 1]["z"]) > 0)
    return new_params, loss


_UPDATE_TOO_EARLY = ("updating weights before every gradient has been computed: a gradient must be computed with "
                     "the weights the loss was computed with. Compute ALL the gradients first (jax.grad of the "
                     "loss gives every layer's at once), then update every layer.")

train_step_exercise = Exercise(
    name="train_step",
    reference=compiled_train_step,
    make_inputs=make_train_step_inputs,
    # JAX compiles each new operation of the student's step on first use (the compiled reference does not warm
    # them up for it): about 5 s on a quiet 2-core machine, over 30 s on a busy one; a hang takes longer.
    time_limit=60,
    hints=[
        "Four things in order: the forward pass and the loss on the batch, the gradient of that loss with respect "
        "to every parameter, then the update params - lr * gradient. Return the new params and the loss.",
        "jax.value_and_grad(course_lib.loss_value) returns the loss and the gradients in one call. Pass "
        "activation='relu' and loss='cross_entropy' as keyword arguments after (params, x, y).",
        "loss, grads = jax.value_and_grad(course_lib.loss_value)(params, x, y, activation='relu', "
        "loss='cross_entropy'); then build [{'W': p['W'] - lr * g['W'], 'b': p['b'] - lr * g['b']} for p, g in "
        "zip(params, grads)] and return it with loss.",
    ],
    mistakes=[
        Mistake(_train_step_uphill, "Your step goes uphill: the gradient points towards a larger loss, so the "
                                    "update must SUBTRACT lr * gradient."),
        Mistake(_train_step_loss_after_update, "The params are right, but the loss you return was computed "
                                               "after the update. Return the loss of the old params, the one the "
                                               "gradient belongs to (jax.value_and_grad gives both at once)."),
        Mistake(_train_step_summed_loss, "Your loss is the SUM over the batch, so it and every gradient are "
                                         "batch-size times too big. Use the mean (course_lib.loss_value, or "
                                         "np.mean / jnp.mean of the per-example losses)."),
        Mistake(_train_step_layer_by_layer, "Only the first layer is right: you updated it and then computed the "
                                            "next layer's gradient with the new weights. That is "
                                            + _UPDATE_TOO_EARLY),
        Mistake(_train_step_update_during_backward, "Only the last layer is right: you updated it during the "
                                                    "backward pass and then sent the gradient back through the NEW "
                                                    "weights. That is " + _UPDATE_TOO_EARLY),
    ],
    explanation="jax.value_and_grad gives the loss and all the gradients from the same (old) params; only then "
                "does every parameter move. course_lib.fit runs exactly this step, compiled, for every mini-batch.",
)


# ------------------------------------------------------------------------------------------------ accuracy


def accuracy(params, x, y):
    """Fraction of examples (between 0 and 1) whose predicted class, the largest logit, is the true class.

    params: a ReLU network giving one logit per class. x: (n, n_in). y: integer classes (n,).
    This is course_lib.accuracy(params, x, y).
    """
    return library_accuracy(params, x, y)


def accuracy_written_out(params, x, y):
    """Accuracy, written out (what `.solution()` shows): the fraction of examples whose largest logit is y."""
    logits = np.asarray(forward(params, x, activation="relu"))   # one row per example, one column per class
    predicted = np.argmax(logits, axis=1)                        # each row's largest logit: its class
    return float(np.mean(predicted == y))                        # the mean of True/False is the fraction right


# Why these inputs separate right from wrong: 20, 37 and 9 examples with 3, 10 and 4 classes (never as many examples
# as classes, so an argmax over the wrong axis gives a wrong shape), labels that agree with the network on about 60%
# of the examples (the count, a percentage and the fraction all differ).


def make_accuracy_inputs(rng):
    """Random ReLU classifiers with 3, 10 and 4 classes and 20, 37 and 9 examples. The labels agree with the
    network's prediction on about 60% of the examples, so the accuracy is neither 0 nor 1."""
    calls = []
    for sizes, n in [([2, 5, 3], 20), ([8, 12, 10], 37), ([3, 4], 9)]:
        params = [{"W": rng.normal(size=(n_in, n_out)), "b": rng.normal(scale=0.5, size=n_out)}
                  for n_in, n_out in zip(sizes[:-1], sizes[1:])]
        x = rng.normal(size=(n, sizes[0]))
        predicted = np.asarray(forward(params, x, activation="relu")).argmax(axis=1)
        y = np.where(rng.random(n) < 0.6, predicted, rng.integers(0, sizes[-1], size=n))
        calls.append((params, x, y))
    return calls


def _logits(params, x):
    return np.asarray(forward(params, x, activation="relu"))


def _accuracy_count(params, x, y):
    return np.sum(_logits(params, x).argmax(axis=1) == y)


def _accuracy_percent(params, x, y):
    return 100 * np.mean(_logits(params, x).argmax(axis=1) == y)


def _accuracy_wrong_axis(params, x, y):
    return np.mean(_logits(params, x).argmax(axis=0) == y)


accuracy_exercise = Exercise(
    name="accuracy",
    reference=accuracy,
    shown_solution=accuracy_written_out,
    make_inputs=make_accuracy_inputs,
    hints=[
        "Run the network on x, take each example's predicted class, compare it with y, and return the fraction "
        "that match, a number between 0 and 1.",
        "The predicted class is the position of the largest logit in each ROW: argmax along axis=1. Comparing "
        "with y gives True/False per example, and the mean of booleans is the fraction of True.",
        "logits = course_lib.forward(params, x, activation='relu'); return float(np.mean(np.argmax(logits, "
        "axis=1) == y))",
    ],
    mistakes=[
        Mistake(_accuracy_count, "You returned how many examples are right. Accuracy is the FRACTION that is "
                                 "right: the mean of the comparisons, not their sum."),
        Mistake(_accuracy_percent, "You returned a percentage. course_lib (and this exercise) gives accuracy as a "
                                   "fraction between 0 and 1; print it with f'{acc:.1%}' to see a percentage."),
        Mistake(_accuracy_wrong_axis, "argmax along axis=0 gives one class per COLUMN (per class), not one per "
                                      "example. The logits are (examples, classes): use axis=1."),
    ],
    explanation="The logits need no softmax first: the softmax keeps the order of the scores, so the largest logit "
                "and the largest probability are the same class.",
)

EXERCISES = {exercise.name: exercise for exercise in [train_step_exercise, accuracy_exercise]}


# =============================================================================================================
# Added for the generalisation section (issue 14): dropout's mask-and-scale.
# =============================================================================================================

import jax.numpy as jnp  # noqa: E402  (kept with the block it belongs to)

from course_lib.dropout import dropout as library_dropout  # noqa: E402


def dropout(x, rate, key, training):
    """Inverted dropout: at training, keep each value with probability 1 - rate (the mask
    `jax.random.bernoulli(key, 1 - rate, x.shape)`, True = kept) and divide the kept ones by 1 - rate; at
    evaluation (training=False) return x unchanged. This is course_lib.dropout.dropout.

    >>> import jax, jax.numpy as jnp
    >>> dropout(jnp.ones(3), 0.5, jax.random.key(0), training=False).tolist()
    [1.0, 1.0, 1.0]
    """
    return library_dropout(x, rate, key, training=training)


def make_dropout_inputs(rng):
    """Activations of shapes (6, 5), (4, 8) and (3, 10) with rates 0.5, 0.2 and 0.25, each once in training and
    once in evaluation mode; positive values (like ReLU outputs) plus some zeros."""
    calls = []
    for shape, rate, seed in [((6, 5), 0.5, 1), ((4, 8), 0.2, 2), ((3, 10), 0.25, 3)]:
        x = np.maximum(rng.normal(size=shape), 0.0).astype(np.float32) + np.float32(0.1)
        for training in (True, False):
            calls.append((x, rate, jax.random.PRNGKey(seed), training))   # a raw key: an array the checker can copy
    return calls


def _mask(x, rate, key):
    return jax.random.bernoulli(key, 1 - rate, jnp.shape(x))


def _dropout_no_scale(x, rate, key, training):
    return jnp.where(_mask(x, rate, key), x, 0.0) if training else x


def _dropout_scaled_by_rate(x, rate, key, training):
    return jnp.where(_mask(x, rate, key), x / rate, 0.0) if training else x


def _dropout_multiplied_by_keep(x, rate, key, training):
    return jnp.where(_mask(x, rate, key), x * (1 - rate), 0.0) if training else x


def _dropout_rate_as_keep_probability(x, rate, key, training):
    kept = jax.random.bernoulli(key, rate, jnp.shape(x))
    return jnp.where(kept, x / (1 - rate), 0.0) if training else x


def _dropout_other_random_mask(x, rate, key, training):
    kept = jax.random.uniform(key, jnp.shape(x)) > rate        # a fine dropout mask, but not the one asked for
    return jnp.where(kept, x / (1 - rate), 0.0) if training else x


def _dropout_also_at_evaluation(x, rate, key, training):
    return jnp.where(_mask(x, rate, key), x / (1 - rate), 0.0)


def _dropout_scaled_at_evaluation(x, rate, key, training):
    return jnp.where(_mask(x, rate, key), x, 0.0) if training else x * (1 - rate)


dropout_exercise = Exercise(
    name="dropout",
    reference=dropout,
    make_inputs=make_dropout_inputs,
    hints=[
        "Two cases. At evaluation (training=False) nothing changes: return x. At training, draw the mask of kept "
        "units, set the others to 0, and scale the kept ones up so that the average value stays the same.",
        "kept = jax.random.bernoulli(key, 1 - rate, x.shape) is True with probability 1 - rate. A kept unit is "
        "divided by 1 - rate (the share that is kept): with rate 0.5 the survivors count double.",
        "if not training: return x; kept = jax.random.bernoulli(key, 1 - rate, x.shape); "
        "return jnp.where(kept, x / (1 - rate), 0.0)",
    ],
    mistakes=[
        Mistake(_dropout_no_scale, "The right units are dropped, but the kept ones are not scaled: on average "
                                   "the layer's output shrinks to (1 - rate) of its size, and at evaluation it "
                                   "would be larger than in training. Divide the kept values by 1 - rate."),
        Mistake(_dropout_scaled_by_rate, "You divided by rate, the share DROPPED. Divide by the share KEPT, "
                                         "1 - rate, so that the average value stays the same."),
        Mistake(_dropout_multiplied_by_keep, "You multiplied the kept values by 1 - rate, which shrinks them "
                                             "further. Divide by 1 - rate to make up for the dropped ones."),
        Mistake(_dropout_rate_as_keep_probability, "Your mask keeps each unit with probability rate, but rate "
                                                   "is the share to DROP: draw "
                                                   "jax.random.bernoulli(key, 1 - rate, x.shape)."),
        Mistake(_dropout_other_random_mask, "Your scaling and evaluation mode look right, but your mask is not the "
                                            "one the checker draws, so it cannot compare the values. Draw it "
                                            "exactly as asked: kept = jax.random.bernoulli(key, 1 - rate, "
                                            "x.shape)."),
        Mistake(_dropout_also_at_evaluation, "Training mode is right, but at evaluation (training=False) you "
                                             "still drop units. Dropout is only for training: return x unchanged "
                                             "when training is False."),
        Mistake(_dropout_scaled_at_evaluation, "That is the ORIGINAL dropout (scale at evaluation instead), not "
                                               "inverted dropout: here the kept values are divided by 1 - rate "
                                               "during training, and evaluation returns x unchanged."),
    ],
    explanation="Inverted dropout does the scaling during training, so that evaluation is the plain network. "
                "Each value is x / (1 - rate) with probability 1 - rate and 0 otherwise: on average exactly x.",
)

EXERCISES[dropout_exercise.name] = dropout_exercise

"""Exercise bank for notebook 01 (AI, machine learning, deep learning): Rosenblatt's perceptron.

The perceptron (1958) is one artificial neuron with a step activation: it computes the weighted sum
z = x @ w + b and answers class 1 when z > 0, class 0 otherwise. It *learns* with a rule simple enough to do by
hand: show it one example; if its answer is right, change nothing; if it is wrong, nudge the weights towards the
example (when it said 0 but the answer was 1) or away from it (when it said 1 but the answer was 0).

The course core has no perceptron (every later network is trained by gradient descent), so the references live
here, in the bank, written to be read.

In the notebook:

    from course_lib.exercises.nb01_ai_ml_dl import (perceptron_predict_exercise, perceptron_update_exercise,
                                                    train_perceptron)

    def perceptron_update(w, b, x, y, lr):
        ### BEGIN SOLUTION
        ...
        ### END SOLUTION

    perceptron_update_exercise.check(perceptron_update)
    perceptron_update = perceptron_update_exercise.use(perceptron_update)
    w, b, mistakes = train_perceptron(x, y, epochs=20, lr=0.1, update=perceptron_update)
"""
import numpy as np

from course_lib.exercises.checker import Exercise, Mistake

# ------------------------------------------------------------------------------------- the references


def perceptron_predict(w, b, x):
    """The perceptron's answers for a batch: 1 where the weighted sum `x @ w + b` is positive, else 0.

    w: weights, shape (n_features,). b: the bias, a number. x: inputs, shape (n_examples, n_features).
    Returns integer classes, shape (n_examples,).

    >>> perceptron_predict(np.array([1.0, -1.0]), 0.5, np.array([[0.0, 0.0], [0.0, 2.0]]))
    array([1, 0])
    """
    return (x @ w + b > 0).astype(int)


def perceptron_update(w, b, x, y, lr):
    """Rosenblatt's learning rule for ONE example: returns the new `(w, b)`.

    x: one example, shape (n_features,). y: its true class, 0 or 1. lr: the learning rate (step size).
    The error `y - prediction` is 0 when the perceptron was right (nothing changes), +1 when it said 0 but
    should have said 1 (add lr * x to w: the weighted sum of this x grows), -1 when it said 1 but should have
    said 0 (subtract lr * x). The bias moves the same way, as if it were the weight of an input that is always 1.

    >>> w, b = perceptron_update(np.array([0.0, 0.0]), 0.0, np.array([1.0, 2.0]), 1, lr=0.5)
    >>> w.tolist(), b          # it said 0 (the sum was 0, not > 0), the answer was 1: move towards x
    ([0.5, 1.0], 0.5)
    """
    prediction = 1 if x @ w + b > 0 else 0
    error = y - prediction
    return w + lr * error * x, b + lr * error


def train_perceptron(x, y, epochs=20, lr=0.1, update=perceptron_update, seed=0):
    """Train a perceptron from zero weights: every epoch, show it each example once (in a shuffled order).

    update: the learning rule, `update(w, b, x_i, y_i, lr) -> (w, b)` (pass your own to train with it).
    Returns `(w, b, mistakes)`, where `mistakes[e]` is how many examples it got wrong *while* learning in epoch e.
    On data a straight line can separate, the mistakes reach 0 and stay there (Rosenblatt's convergence theorem);
    on data no line separates (XOR), they never do.

    >>> x = np.array([[0.0, 1.0], [1.0, 0.0]]); y = np.array([1, 0])
    >>> w, b, mistakes = train_perceptron(x, y, epochs=5, lr=1.0)
    >>> perceptron_predict(w, b, x).tolist(), mistakes[-1]
    ([1, 0], 0)
    """
    rng = np.random.default_rng(seed)
    w = np.zeros(x.shape[1])
    b = 0.0
    mistakes = []
    for _ in range(epochs):
        wrong = 0
        for i in rng.permutation(len(x)):
            wrong += int(perceptron_predict(w, b, x[i:i + 1])[0] != y[i])
            w, b = update(w, b, x[i], y[i], lr)
        mistakes.append(wrong)
    return w, b, mistakes


# ------------------------------------------------------------------------------- perceptron_predict

# Why these inputs separate right from wrong: every bias is at least 0.5 away from 0 and the last batch is built so
# that the bias decides several answers (a forgotten b flips them); the batches are never square (6x2, 40x2, 1x3,
# 12x1, 10x2), so `w @ x` raises instead of passing by accident; the raw sums are far from 0 and 1, so returning
# them, or signs (-1/+1), shows at once.


def make_predict_inputs(rng):
    """Batches of 1, 6 and 40 examples with 1, 2 and 3 features; biases far from 0 so a missing one shows."""
    calls = []
    for n, d in [(6, 2), (40, 2), (1, 3), (12, 1)]:
        w = rng.normal(size=d)
        b = float(rng.uniform(0.5, 1.5) * rng.choice([-1, 1]))
        x = rng.normal(size=(n, d))
        calls.append((w, b, x))
    # A case where the bias decides: x @ w is small next to b, so that forgetting b flips several answers.
    calls.append((np.array([0.2, -0.1]), 0.15, rng.uniform(-1, 1, size=(10, 2))))
    return calls


def _predict_forgot_bias(w, b, x):
    return (x @ w > 0).astype(int)


def _predict_returns_sum(w, b, x):
    return x @ w + b


def _predict_signs(w, b, x):
    return np.sign(x @ w + b)


def _predict_transposed(w, b, x):
    return (w @ x + b > 0).astype(int)


perceptron_predict_exercise = Exercise(
    name="perceptron_predict",
    reference=perceptron_predict,
    make_inputs=make_predict_inputs,
    hints=[
        "Two steps for every example: the weighted sum z = x @ w + b, then the step: 1 if z > 0, else 0.",
        "`x @ w` works on the whole batch at once: x has one row per example, so `x @ w + b` is one number per "
        "example. Comparing an array with 0 (`z > 0`) gives True/False per example.",
        "One line: `(x @ w + b > 0).astype(int)`.",
    ],
    mistakes=[
        Mistake(_predict_forgot_bias, "It looks like you left out the bias b: the step is applied to x @ w + b, "
                                      "not to x @ w."),
        Mistake(_predict_returns_sum, "You return the weighted sum itself. The perceptron answers with a class: "
                                      "1 where x @ w + b > 0, else 0."),
        Mistake(_predict_signs, "You return -1 and +1 (np.sign). Here the classes are 0 and 1: "
                                "use (z > 0).astype(int)."),
        Mistake(_predict_transposed, "`w @ x` multiplies in the wrong order: x has one row per example, so the "
                                     "weighted sums are `x @ w`."),
    ],
    explanation="`x @ w + b` gives every example's weighted sum at once; `> 0` turns them into True/False and "
                "`.astype(int)` into the classes 1/0. This step is the perceptron's activation.",
)

# ------------------------------------------------------------------------------- perceptron_update

# Why these inputs separate right from wrong: the examples are misclassified both ways (said 0 / said 1, so a
# flipped sign shows) and classified right both ways (so updating on right answers shows); the learning rates are
# never 1 (a forgotten lr shows) and the biases never 0 (a bias that does not move shows). In the last four the bias
# decides the answer: x @ w and x @ w + b have opposite signs, so an update that predicts from x @ w alone (issue 12:
# it passed before, and notebook 01's training then never converged) moves when it should not, or the wrong way.


def make_update_inputs(rng):
    """Single examples the perceptron gets wrong both ways (said 0 / said 1) and ones it gets right.

    Each input is `(w, b, x, y, lr)`. The learning rates are never 1, so a forgotten `lr` shows. In the cases marked
    "bias decides", the sign of x @ w alone is the opposite of the sign of x @ w + b.
    """
    calls = []
    # (n_features, what the perceptron says, the true class, whether the bias decides what it says)
    for d, said, y, bias_decides in [(2, 0, 1, False), (3, 1, 0, False), (2, 1, 1, False), (4, 1, 0, False),
                                     (1, 0, 1, False), (3, 0, 0, False),
                                     (2, 1, 1, True), (3, 0, 0, True), (2, 0, 1, True), (3, 1, 0, True)]:
        while True:
            w = rng.normal(size=d)
            b = float(rng.uniform(0.3, 1.0) * rng.choice([-1, 1]))
            x = rng.normal(size=d)
            z = x @ w + b
            clearly = z > 0.2 if said == 1 else z < -0.2    # clearly on one side, so that > and >= agree
            if clearly and (not bias_decides or (x @ w) * z < 0 and abs(x @ w) > 0.1):
                break
        lr = float(rng.choice([0.1, 0.25, 0.5]))
        calls.append((w, b, x, y, lr))
    return calls


def _update_wrong_sign(w, b, x, y, lr):
    prediction = 1 if x @ w + b > 0 else 0
    error = prediction - y
    return w + lr * error * x, b + lr * error


def _update_forgot_bias(w, b, x, y, lr):
    prediction = 1 if x @ w + b > 0 else 0
    error = y - prediction
    return w + lr * error * x, b


def _update_forgot_lr(w, b, x, y, lr):
    prediction = 1 if x @ w + b > 0 else 0
    error = y - prediction
    return w + error * x, b + error


def _update_always(w, b, x, y, lr):
    direction = 1 if y == 1 else -1
    return w + lr * direction * x, b + lr * direction


def _update_predicts_without_bias(w, b, x, y, lr):
    prediction = 1 if x @ w > 0 else 0
    error = y - prediction
    return w + lr * error * x, b + lr * error


def _update_with_sum(w, b, x, y, lr):
    error = y - (x @ w + b)
    return w + lr * error * x, b + lr * error


perceptron_update_exercise = Exercise(
    name="perceptron_update",
    reference=perceptron_update,
    make_inputs=make_update_inputs,
    hints=[
        "First ask the perceptron: prediction = 1 if x @ w + b > 0, else 0. Then error = y - prediction is 0 "
        "(right), +1 or -1 (wrong).",
        "Move each weight by lr * error * x_i and the bias by lr * error. When the answer was right the error "
        "is 0 and nothing changes.",
        "`error = y - prediction`, then `return w + lr * error * x, b + lr * error`.",
    ],
    mistakes=[
        Mistake(_update_wrong_sign, "Your update goes the wrong way: when the perceptron said 0 but the answer "
                                    "was 1, the weighted sum must grow, so add lr * x (error = y - prediction, "
                                    "not prediction - y)."),
        Mistake(_update_forgot_bias, "The weights change but the bias does not: b moves too, by lr * error, as "
                                     "if it were the weight of an input that is always 1."),
        Mistake(_update_forgot_lr, "The step is too big: multiply the change by the learning rate lr "
                                   "(w + lr * error * x)."),
        Mistake(_update_always, "You change the weights even when the perceptron was already right. The rule "
                                "only learns from mistakes: error = y - prediction is 0 for a right answer."),
        Mistake(_update_predicts_without_bias, "Your prediction leaves the bias out: the perceptron's answer is 1 "
                                               "if x @ w + b > 0, not x @ w > 0. Without b it learns from examples "
                                               "it already gets right (and never converges in notebook 01)."),
        Mistake(_update_with_sum, "You use the weighted sum itself as the prediction (that is the later 'delta "
                                  "rule'). The perceptron's prediction is the step: 1 if x @ w + b > 0, else 0."),
    ],
    explanation="The error y - prediction is -1, 0 or +1; the weights move by lr * error * x, so an example the "
                "perceptron got wrong pulls the boundary towards (or pushes it away from) itself.",
)

EXERCISES = {exercise.name: exercise for exercise in [perceptron_predict_exercise, perceptron_update_exercise]}

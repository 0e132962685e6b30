"""Exercise bank for notebook 00 (welcome): the warm-up, one neuron's weighted sum.

A single artificial neuron takes inputs x1..xn, multiplies each by its own weight w1..wn, adds the products up
and adds a bias b: z = x1*w1 + ... + xn*wn + b. Every layer of every network in this course is many of these.

In the notebook:

    from course_lib.exercises.nb00_welcome import weighted_sum_exercise

    def weighted_sum(x, w, b):
        ### BEGIN SOLUTION
        return x @ w + b
        ### END SOLUTION

    weighted_sum_exercise.check(weighted_sum)      # correct / not attempted / wrong values + hint ...
    weighted_sum_exercise.hint()                   # hint 1, then 2, then 3
    weighted_sum = weighted_sum_exercise.use(weighted_sum)   # the reference if yours is not finished
"""
import numpy as np

from course_lib.exercises.checker import Exercise, Mistake


def weighted_sum(x, w, b):
    """One neuron: the weighted sum of the inputs plus the bias, `x @ w + b`.

    x: the inputs, shape (n,). w: one weight per input, shape (n,). b: the bias, a single number.
    Returns a single number.

    >>> import numpy as np
    >>> float(weighted_sum(np.array([1.0, 2.0]), np.array([0.5, -1.0]), 0.25))
    -1.25
    """
    return x @ w + b


# Why these inputs separate right from wrong: biases at least 0.5 away from 0 (a forgotten or multiplied bias shows),
# 1 to 8 inputs (a vector of products instead of their sum has the wrong shape, except with one input, where its
# values still differ), random signs (adding instead of multiplying shows); one input in float32.


def make_weighted_sum_inputs(rng):
    """Random neurons with 1, 3, 5 and 8 inputs (one in float32), each with a non-zero bias."""
    calls = []
    for n, dtype in [(1, np.float64), (3, np.float64), (5, np.float32), (8, np.float64)]:
        x = rng.normal(size=n).astype(dtype)
        w = rng.normal(size=n).astype(dtype)
        b = float(rng.uniform(0.5, 2.0) * rng.choice([-1, 1]))  # never near 0, so a missing bias always shows
        calls.append((x, w, b))
    return calls


# Plausible wrong answers, each caught with its own hint.
def _forgot_bias(x, w, b):
    return x @ w


def _products_not_summed(x, w, b):
    return x * w + b


def _added_instead_of_multiplied(x, w, b):
    return np.sum(x + w) + b


def _bias_times_each_input(x, w, b):
    return np.sum(x * w * b)


weighted_sum_exercise = Exercise(
    name="weighted_sum",
    reference=weighted_sum,
    make_inputs=make_weighted_sum_inputs,
    hints=[
        "A neuron multiplies each input by its own weight, adds all those products up, and then adds the bias "
        "once. The result is one number, however many inputs there are.",
        "For vectors x and w, `x * w` gives the products one by one (still a vector); `np.sum(x * w)`, or the "
        "dot product `x @ w`, adds them up into a single number.",
        "The whole answer fits on one line: the dot product of x and w, plus b.",
    ],
    mistakes=[
        Mistake(_forgot_bias, "It looks like you forgot the bias b: after adding up the products x_i * w_i, "
                              "add b once."),
        Mistake(_products_not_summed, "You return one value per input: the products x_i * w_i still need to be "
                                      "added up into a single number (np.sum or x @ w) before adding b."),
        Mistake(_added_instead_of_multiplied, "It looks like you added each input to its weight; a neuron "
                                              "multiplies them (x_i * w_i) and then sums the products."),
        Mistake(_bias_times_each_input, "The bias is added once, at the end, not multiplied into every product: "
                                        "sum the x_i * w_i first, then add b."),
    ],
    explanation="`x @ w` is the dot product: it multiplies the vectors element by element and adds the products "
                "up, so `x @ w + b` is the neuron's weighted sum in one line.",
)

EXERCISES = {exercise.name: exercise for exercise in [weighted_sum_exercise]}

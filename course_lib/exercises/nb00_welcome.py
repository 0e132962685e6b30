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


# =============================================================================================================
# Exercise 2 of notebook 00 (added for issue 13): the same neuron on a whole batch of examples at once.
#
#     from course_lib.exercises.nb00_welcome import weighted_sums_exercise
#
#     def weighted_sums(x, w, b):
#         ### BEGIN SOLUTION
#         return x @ w + b
#         ### END SOLUTION
#
#     weighted_sums_exercise.check(weighted_sums)
#
# Not added to EXERCISES above: tests/test_checker.py (being rewritten on another branch) pins that dict to the
# warm-up alone. NEW_EXERCISES lists this block's exercises until the two are merged.
# =============================================================================================================


def weighted_sums(x, w, b):
    """One neuron on a batch: the weighted sum of every example (row of x), `x @ w + b`.

    x: a batch of examples, shape (n_examples, n_inputs), one row per example. w: one weight per input, shape
    (n_inputs,). b: the bias, one number. Returns one weighted sum per example, shape (n_examples,).

    >>> import numpy as np
    >>> weighted_sums(np.array([[1.0, 2.0], [0.0, 4.0]]), np.array([0.5, -1.0]), 0.25).tolist()
    [-1.25, -3.75]
    """
    return x @ w + b


def make_weighted_sums_inputs(rng):
    """Batches of 1, 4, 3 and 6 examples with 2 to 5 inputs. The (3, 3) batch is square, where summing over the
    wrong axis gives wrong numbers instead of a wrong shape; one batch is float32. Biases are never near 0."""
    calls = []
    for n_examples, n_inputs, dtype in [(4, 2, np.float64), (1, 3, np.float64), (3, 3, np.float64),
                                        (6, 5, np.float32)]:
        x = rng.normal(size=(n_examples, n_inputs)).astype(dtype)
        w = rng.normal(size=n_inputs).astype(dtype)
        b = float(rng.uniform(0.5, 2.0) * rng.choice([-1, 1]))
        calls.append((x, w, b))
    return calls


# Plausible wrong answers, each caught with its own hint.
def _sums_forgot_bias(x, w, b):
    return x @ w


def _sums_over_examples(x, w, b):
    return np.sum(x * w, axis=0) + b


def _sums_everything(x, w, b):
    return np.sum(x * w) + b


def _sums_first_example_only(x, w, b):
    return x[0] @ w + b


def _sums_products_not_summed(x, w, b):
    return x * w + b


weighted_sums_exercise = Exercise(
    name="weighted_sums",
    reference=weighted_sums,
    make_inputs=make_weighted_sums_inputs,
    hints=[
        "Each row of x is one example. Compute the warm-up's weighted sum for every row: the answer has one "
        "number per example.",
        "`x * w` multiplies every row by the weights (shape (n_examples, n_inputs)); add up along each row "
        "with `np.sum(..., axis=1)`, or let the matrix product `x @ w` do both steps at once.",
        "One line, the same as the warm-up: `x @ w + b`. With a 2-D x, `@` gives one dot product per row.",
    ],
    mistakes=[
        Mistake(_sums_forgot_bias, "It looks like you forgot the bias b: add it once to every example's sum."),
        Mistake(_sums_over_examples, "You added up down the columns (over the examples, axis=0). Each example is "
                                     "a row: add up along the row, `axis=1`, to get one number per example."),
        Mistake(_sums_everything, "You return a single number for the whole batch: np.sum without an axis adds "
                                  "up every example together. Keep one sum per example (axis=1, or x @ w)."),
        Mistake(_sums_first_example_only, "You computed the first example only (x[0]). Compute every row of x: "
                                          "`x @ w` does all of them at once."),
        Mistake(_sums_products_not_summed, "You return every product x_i * w_i: add them up along each row "
                                           "(axis=1) before adding b, to get one number per example."),
    ],
    explanation="For a 2-D x, `x @ w` takes the dot product of every row with w: one weighted sum per example. "
                "Adding the number b adds it to every one of them. `course_lib.dense` does the same for a whole "
                "layer of neurons.",
)

NEW_EXERCISES = {weighted_sums_exercise.name: weighted_sums_exercise}

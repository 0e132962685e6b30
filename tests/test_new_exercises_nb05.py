"""Notebook 05's new exercises (output_gradient, backward, tanh): each reference passes, the stub is "not
attempted", and plausible wrong answers written here, independently of the bank's Mistake functions, are caught
with their specific hint."""
import math

import numpy as np
import pytest

from course_lib import autograd
from course_lib.exercises import nb05_backpropagation as bank

NEW = [bank.output_gradient_exercise, bank.backward_exercise, bank.tanh_exercise]


@pytest.mark.parametrize("exercise", NEW, ids=[e.name for e in NEW])
def test_reference_passes_stub_not_attempted_and_self_test(exercise):
    reference = getattr(exercise, "library_reference", exercise.reference)
    assert exercise.check(reference).status == "correct"

    def stub(*args):
        raise NotImplementedError()
    assert exercise.check(stub).status == "not attempted"
    assert len(exercise.hints) == 3 and len(exercise.mistakes) >= 3
    exercise.self_test()


def caught(exercise, answer, words):
    result = exercise.check(answer)
    assert result.status == "wrong values", result.message
    assert result.hint is not None and words in result.hint, result.message


# ---- output_gradient

def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def test_output_gradient_student_version_passes_and_mistakes_are_caught():
    def one_hot(y, n):
        out = np.zeros((len(y), n))
        out[np.arange(len(y)), y] = 1.0
        return out
    ex = bank.output_gradient_exercise
    assert ex.check(lambda z, y: (softmax(z) - one_hot(y, z.shape[1])) / len(y)).status == "correct"
    caught(ex, lambda z, y: softmax(z) - one_hot(y, z.shape[1]), "MEAN over the batch")
    caught(ex, lambda z, y: (z - one_hot(y, z.shape[1])) / len(y), "apply the softmax")
    caught(ex, lambda z, y: (one_hot(y, z.shape[1]) - softmax(z)) / len(y), "sign is flipped")


def test_output_gradient_is_the_gradient_of_the_mean_cross_entropy():
    import jax
    from course_lib.losses import cross_entropy
    z, y = np.random.default_rng(3).normal(size=(6, 4)), np.array([0, 1, 2, 3, 0, 1])
    with jax.enable_x64(True):
        np.testing.assert_allclose(bank.output_gradient(z, y), jax.grad(lambda z: cross_entropy(z, y))(z), rtol=1e-10)


# ---- backward

def student_backward(root, *, add=True, reverse=True, local=True):
    order, seen = [], set()

    def visit(node):
        if node not in seen:
            seen.add(node)
            for parent in node.parents:
                visit(parent)
            order.append(node)
    visit(root)
    for node in order:
        node.grad = 0.0
    root.grad = 1.0
    for node in (order[::-1] if reverse else order):
        for parent, slope in zip(node.parents, node.local_grads):
            contribution = node.grad * (slope if local else 1.0)
            parent.grad = parent.grad + contribution if add else contribution


def test_backward_student_version_passes_and_classic_mistakes_are_caught():
    ex = bank.backward_exercise
    assert ex.check(student_backward).status == "correct"
    caught(ex, lambda root: student_backward(root, add=False), "OVERWRITTEN")
    caught(ex, lambda root: student_backward(root, reverse=False), "REVERSE")
    caught(ex, lambda root: student_backward(root, local=False), "LOCAL derivative")


def test_backward_gives_the_notebook_numbers():
    w, x = autograd.Value(3.0), autograd.Value(2.0)
    root = bank.GRAPHS["used twice"](w, x)
    student_backward(root)
    assert (w.grad, x.grad) == (32.0, 64.0)


# ---- tanh

def test_tanh_student_version_passes_and_mistakes_are_caught():
    ex = bank.tanh_exercise

    def student(v):
        out = math.tanh(v.data)
        return autograd.Value(out, (v,), (1 - out ** 2,))
    assert ex.check(student).status == "correct"
    caught(ex, lambda v: autograd.Value(math.tanh(v.data), (v,), (math.tanh(v.data),)), "DERIVATIVE")
    caught(ex, lambda v: autograd.Value(math.tanh(v.data), (v,), (1.0,)), "stored 1")
    caught(ex, lambda v: autograd.Value(math.tanh(v.data), (v,), (1 - v.data * v.data,)), "INPUT")


def test_tanh_reference_is_value_tanh():
    for x in (-2.0, 0.3, 1.7):
        ours, theirs = bank.value_tanh(autograd.Value(x)), autograd.Value(x).tanh()
        assert (ours.data, ours.local_grads) == (theirs.data, theirs.local_grads)


def test_bank_docstring_examples_run():
    import doctest
    failures, tried = doctest.testmod(bank)
    assert tried > 0 and failures == 0

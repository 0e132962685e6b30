"""course_lib.autograd: Value's gradients equal jax.grad's, a value used twice collects both contributions, the
topological order puts every node after its parents, and backward can be called again."""
import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from course_lib.autograd import Value, as_value, backward, topological_order


def expression(a, b, c, tanh):
    # every operation of Value, numbers on both sides, and `a` used several times
    return tanh(a * b + c) * a - (b ** 3) / (c + 4.0) + 2.0 / a - (1.5 - b) * a ** 2


@pytest.mark.parametrize("inputs", [(0.7, -1.3, 0.4), (2.0, 0.5, -0.5), (-0.3, 1.1, 2.2)])
def test_gradients_equal_jax_grad(inputs):
    values = [Value(v) for v in inputs]
    out = expression(*values, tanh=lambda v: v.tanh())
    out.backward()
    with jax.enable_x64(True):          # float64, like Value (only inside this block)
        expected = jax.grad(lambda *xs: expression(*xs, tanh=jnp.tanh), argnums=(0, 1, 2))(*inputs)
    assert out.data == pytest.approx(float(expression(*inputs, tanh=math.tanh)), rel=1e-12)
    np.testing.assert_allclose([v.grad for v in values], [float(e) for e in expected], rtol=1e-10)


def test_a_value_used_twice_adds_both_contributions():
    w, x = Value(3.0), Value(2.0)
    loss = (w * x + x) ** 2
    loss.backward()
    assert (w.grad, x.grad) == (32.0, 64.0)          # the numbers of notebook 05, section 2


def test_topological_order_lists_every_node_once_after_its_parents():
    a, b = Value(1.0), Value(2.0)
    shared = a * b
    root = (shared + a) * shared
    order = topological_order(root)
    assert len(order) == len(set(order)) == 5
    assert order[-1] is root
    for node in order:
        for parent in node.parents:
            assert order.index(parent) < order.index(node)


def test_backward_twice_gives_the_same_gradients():
    a = Value(0.3)
    out = (a * a).tanh()
    backward(out)
    first = a.grad
    out.backward()
    assert a.grad == first == pytest.approx(2 * 0.3 * (1 - math.tanh(0.09) ** 2))


def test_bad_operands_name_the_fix():
    with pytest.raises(TypeError, match="plain number as the exponent"):
        Value(2.0) ** Value(2.0)
    with pytest.raises(TypeError, match="Value or a plain number"):
        as_value("3")


def test_docstring_examples_run():
    import doctest

    from course_lib import autograd
    failures, tried = doctest.testmod(autograd)
    assert tried > 0 and failures == 0

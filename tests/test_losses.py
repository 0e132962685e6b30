import jax
import jax.numpy as jnp
import numpy as np
import pytest

from course_lib import binary_cross_entropy, cross_entropy, log_softmax, loss_value, mse
from course_lib.network import ShapeError


def test_mse_is_the_mean_over_all_elements():
    predictions = np.array([[1.0, 2.0], [3.0, 4.0]])
    targets = np.zeros((2, 2))
    assert mse(predictions, targets) == pytest.approx((1 + 4 + 9 + 16) / 4)


def test_mse_refuses_shapes_that_would_broadcast():
    with pytest.raises(ShapeError, match=r"\(4, 1\).*\(4,\)"):
        mse(np.zeros((4, 1)), np.zeros(4))


def test_cross_entropy_integer_and_one_hot_agree_and_match_the_definition():
    logits = np.array([[2.0, 1.0, 0.1], [0.5, 2.5, -1.0]])
    labels = np.array([0, 1])
    probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    expected = -np.mean(np.log(probs[np.arange(2), labels]))
    assert cross_entropy(logits, labels) == pytest.approx(expected)
    assert cross_entropy(logits, np.eye(3)[labels]) == pytest.approx(expected)
    with pytest.raises(ShapeError, match="labels must have shape"):
        cross_entropy(logits, np.array([0, 1, 2]))


@pytest.mark.parametrize("scale", [1e2, 1e4])
def test_cross_entropies_are_stable_for_huge_logits(scale):
    logits = jnp.array([[scale, -scale], [-scale, scale]])
    labels = jnp.array([0, 0])
    value = cross_entropy(logits, labels)
    assert np.isfinite(value)
    assert float(value) == pytest.approx(scale, rel=1e-5)     # one right (0 loss), one wrong by 2*scale
    grads = jax.grad(cross_entropy)(logits, labels)
    assert np.all(np.isfinite(grads))
    z = jnp.array([[scale], [-scale]])
    y = jnp.array([0, 1])
    assert float(binary_cross_entropy(z, y)) == pytest.approx(scale, rel=1e-5)
    assert np.all(np.isfinite(jax.grad(binary_cross_entropy)(z, y)))
    assert np.all(np.isfinite(log_softmax(logits)))


def test_binary_cross_entropy_matches_the_definition():
    z = np.array([[0.3], [-1.2], [2.0]])
    y = np.array([1, 0, 1])
    p = 1 / (1 + np.exp(-z[:, 0]))
    expected = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    assert binary_cross_entropy(z, y) == pytest.approx(expected)


def test_loss_value_is_differentiable_and_rejects_bad_names():
    from course_lib import init_mlp

    params = init_mlp([2, 3, 1], seed=0)
    x, y = jnp.ones((4, 2)), jnp.zeros((4, 1))
    grads = jax.grad(loss_value)(params, x, y, "tanh", "mse")
    assert jax.tree.structure(grads) == jax.tree.structure(params)
    with pytest.raises(ValueError, match="Valid losses"):
        loss_value(params, x, y, loss="hinge")
    with pytest.raises(ValueError, match="logits"):
        loss_value(params, x, y[:, 0], loss="binary_cross_entropy", output="sigmoid")

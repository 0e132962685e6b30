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


# --- labels that used to give a silent 0 or a wrong loss ---------------------------------------------------------

LOGITS = np.array([[2.0, 1.0, 0.1], [0.5, 2.5, -1.0]])


@pytest.mark.parametrize("labels,message", [
    (np.array([0, 3]), r"holds the label 3, but the network has 3 output columns.*Give the last layer 4 outputs"),
    (np.array([0, -1]), r"holds -1, but class labels count from 0"),
    (np.array([0.0, 1.5]), r"whole-number class labels 0\.\.2; labels holds 1\.5"),
    (np.array([0.0, np.nan]), r"whole-number class labels 0\.\.2; labels holds nan"),
    (np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 0.0]]), r"row 1 of labels is \[0\.0, 0\.0, 0\.0\]"),
    (np.array([[2.0, -1.0, 0.0], [0.0, 1.0, 0.0]]), r"must be one-hot rows"),
])
def test_cross_entropy_refuses_labels_it_cannot_score(labels, message):
    with pytest.raises(ValueError, match=message):
        cross_entropy(LOGITS, labels)
    with pytest.raises(ValueError, match=message):          # JAX arrays outside jit are checked the same way
        cross_entropy(jnp.asarray(LOGITS), jnp.asarray(labels))


def test_cross_entropy_refuses_one_output_column():
    with pytest.raises(ValueError, match=r"one output column.*use loss='binary_cross_entropy'"):
        cross_entropy(np.zeros((3, 1)), np.array([0, 1, 1]))
    with pytest.raises(ValueError, match=r"use loss='binary_cross_entropy'"):
        jax.jit(cross_entropy)(jnp.zeros((3, 1)), jnp.array([0, 1, 1]))    # a shape: known inside jit too


def test_cross_entropy_checks_are_skipped_inside_jit_but_valid_labels_agree():
    labels = np.array([0, 1])
    np.testing.assert_allclose(jax.jit(cross_entropy)(LOGITS, labels), cross_entropy(LOGITS, labels), rtol=1e-6)
    np.testing.assert_allclose(cross_entropy(LOGITS, [0.0, 1.0]), cross_entropy(LOGITS, labels))   # whole floats, a list


@pytest.mark.parametrize("labels,message", [
    (np.array([0, 2, 1]), r"also holds 2\. For 3 classes use loss='cross_entropy'"),
    (np.array([-1, 1, 1]), r"also holds -1\. For labels -1/\+1 use \(y \+ 1\) // 2"),
    (np.array([0.0, 0.5, 1.0]), r"needs labels 0 or 1, but labels also holds 0\.5"),
])
def test_binary_cross_entropy_refuses_labels_other_than_0_and_1(labels, message):
    with pytest.raises(ValueError, match=message):
        binary_cross_entropy(np.zeros((3, 1)), labels)


# --- ±inf and float16: pick the true class's log-probability, never 0 * -inf -----------------------------------

def test_cross_entropy_with_infinite_logits_is_the_limit_not_nan():
    inf = np.inf
    for xp in (np, jnp):
        logits = xp.array([[inf, 0.0], [0.0, -inf]])
        assert float(cross_entropy(logits, xp.array([0, 0]))) == 0.0                # sure and right
        assert float(cross_entropy(logits, xp.array([1, 0]))) == inf                # sure and wrong
        assert float(cross_entropy(logits, xp.eye(2)[xp.array([0, 0])])) == 0.0      # one-hot labels too
        assert float(cross_entropy(xp.array([[inf, inf]]), xp.array([1]))) == pytest.approx(np.log(2))
    assert np.isnan(cross_entropy(np.array([[np.nan, 0.0]]), np.array([1])))        # NaN stays NaN


@pytest.mark.parametrize("xp", [np, jnp])
def test_cross_entropy_in_float16_at_the_edge_of_its_range(xp):
    logits = xp.array([[6e4, -6e4], [-6e4, 6e4]], dtype=xp.float16)
    assert float(cross_entropy(logits, xp.array([0, 1]))) == 0.0
    assert float(cross_entropy(logits, xp.eye(2, dtype=xp.float16))) == 0.0
    assert float(cross_entropy(logits, xp.array([1, 1]))) == np.inf         # 1.2e5 is beyond float16: inf, not NaN
    grads = jax.grad(cross_entropy)(jnp.asarray(logits), jnp.array([0, 1]))
    assert np.all(np.isfinite(grads))


def test_binary_cross_entropy_with_infinite_logits():
    z = np.array([[np.inf], [-np.inf]])
    assert binary_cross_entropy(z, np.array([1, 0])) == 0.0
    assert binary_cross_entropy(z, np.array([0, 0])) == np.inf


def test_binary_cross_entropy_gradient_at_a_zero_logit_is_sigmoid_minus_label():
    """A ReLU network with zero output bias gives logit exactly 0 where every hidden unit is off; the gradient
    there must be σ(0) - y = 1/2 - y (max(z, 0) + log1p(e^-|z|) got 0 - y: both kinks' one-sided choices)."""
    y = jnp.array([1, 0])
    grads = jax.grad(binary_cross_entropy)(jnp.zeros((2, 1)), y)
    np.testing.assert_allclose(grads[:, 0], (0.5 - y) / 2)


# --- check_targets: what fit calls before training ---------------------------------------------------------------

@pytest.mark.parametrize("loss,y,n_outputs,message", [
    ("cross_entropy", np.array([0, 1, 1]), 1, r"one output column.*use loss='binary_cross_entropy' \(or give the "
                                             r"last layer 2 outputs\)"),
    ("cross_entropy", np.array([0, 9, 1]), 3, r"holds the label 9.*3 output columns.*init_mlp\(\[\.\.\., 10\]\)"),
    ("cross_entropy", np.array([0, -1, 1]), 3, r"holds -1, but class labels count from 0"),
    ("cross_entropy", np.array([0.0, 0.4, 1.0]), 3, r"whole-number class labels.*use loss='mse'"),
    ("cross_entropy", np.zeros((3, 2)), 3, r"y must have shape \(3,\) \(class indices\) or \(3, 3\)"),
    ("binary_cross_entropy", np.array([0, 1, 1]), 2, r"needs one output column; it has 2\. For 2 classes use "
                                                    r"loss='cross_entropy'"),
    ("binary_cross_entropy", np.array([0, 2, 1]), 1, r"also holds 2"),
    ("binary_cross_entropy", np.array([-1, 1, 1]), 1, r"\(y \+ 1\) // 2"),
    ("binary_cross_entropy", np.zeros((3, 2)), 1, r"y must have shape \(3,\) or \(3, 1\)"),
    ("mse", np.zeros(3), 1, r"loss='mse': the network's output has shape \(3, 1\) but y.shape is \(3,\).*"
                            r"y.reshape\(-1, 1\)"),
    ("mse", np.array([0, 1, 1]), 1, r"If y holds class labels, use loss='cross_entropy'"),
    ("mse", np.zeros((3, 2)), 1, r"output has shape \(3, 1\) but y.shape is \(3, 2\)"),
    ("hinge", np.zeros(3), 1, r"Valid losses"),
])
def test_check_targets_names_the_fix(loss, y, n_outputs, message):
    from course_lib.losses import check_targets

    with pytest.raises(ValueError, match=message):
        check_targets(loss, y, n_outputs)


def test_check_targets_accepts_what_the_losses_accept():
    from course_lib.losses import check_targets

    check_targets("cross_entropy", np.array([0, 2, 1]), 3, n_examples=3)
    check_targets("cross_entropy", np.eye(3), 3)
    check_targets("cross_entropy", [0, 1], 2)
    check_targets("binary_cross_entropy", np.array([[0.0], [1.0]]), 1)
    check_targets("binary_cross_entropy", np.array([True, False]), 1)
    check_targets("mse", np.zeros((4, 2)), 2)
    with pytest.raises(ShapeError, match="x has 4 examples but y has 3"):
        check_targets("cross_entropy", np.array([0, 1, 1]), 2, n_examples=4)


# --- loss_value: the same default as fit, and messages that name the loss ----------------------------------------

def test_loss_value_and_fit_default_to_the_same_loss():
    import inspect

    from course_lib import backprop, fit

    default = inspect.signature(loss_value).parameters["loss"].default
    assert default == "cross_entropy" == inspect.signature(fit).parameters["loss"].default
    assert inspect.signature(backprop).parameters["loss"].default == default


def test_loss_value_messages_name_the_loss_and_the_fix():
    from course_lib import init_mlp

    one_output = init_mlp([2, 3, 1], seed=0)
    x = np.ones((4, 2), np.float32)
    with pytest.raises(ShapeError, match=r"loss='mse'.*y.reshape\(-1, 1\)"):
        loss_value(one_output, x, np.zeros(4, np.float32), loss="mse")
    with pytest.raises(ValueError, match=r"loss='cross_entropy' needs one output column per class"):
        loss_value(one_output, x, np.array([0, 1, 1, 0]))
    two_outputs = init_mlp([2, 3, 2], seed=0)
    assert np.isfinite(loss_value(two_outputs, x, np.array([0, 1, 1, 0])))      # the default: class labels

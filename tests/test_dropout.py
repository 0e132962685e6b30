"""course_lib.dropout: the expected value is preserved, dropout is off at evaluation, gradients flow through the
kept units only, and the trainer with rate 0 is course_lib.fit's SGD."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

import course_lib
from course_lib import dropout


def test_expected_value_is_preserved():
    x = jnp.full((400, 500), 3.0)
    for rate in (0.2, 0.5, 0.8):
        out = dropout.dropout(x, rate, jax.random.key(0))
        kept = np.asarray(out) != 0
        assert abs(kept.mean() - (1 - rate)) < 0.01                       # the share kept is 1 - rate
        np.testing.assert_allclose(np.asarray(out)[kept], 3.0 / (1 - rate), rtol=1e-6)   # survivors scaled up
        assert abs(float(out.mean()) - 3.0) < 0.03                         # mean over 200,000 values: 3


def test_off_at_evaluation_and_at_rate_zero():
    x = jnp.asarray(np.random.default_rng(0).normal(size=(5, 7)), jnp.float32)
    assert dropout.dropout(x, 0.5, jax.random.key(1), training=False) is x
    assert dropout.dropout(x, 0.0, jax.random.key(1)) is x
    params = course_lib.init_mlp([7, 9, 3], seed=0)
    np.testing.assert_allclose(dropout.forward(params, x, rate=0.5, training=False),
                               course_lib.forward(params, x, activation="relu"), rtol=1e-6)


def test_same_key_same_mask_other_key_other_mask():
    x = jnp.ones((20, 20))
    a, b = dropout.dropout(x, 0.5, jax.random.key(3)), dropout.dropout(x, 0.5, jax.random.key(3))
    c = dropout.dropout(x, 0.5, jax.random.key(4))
    assert bool((a == b).all()) and not bool((a == c).all())


def test_gradients_flow_through_the_kept_units_only():
    x = jnp.asarray(np.random.default_rng(1).normal(size=(6, 10)), jnp.float32)
    key, rate = jax.random.key(2), 0.4
    grad = jax.grad(lambda x: jnp.sum(dropout.dropout(x, rate, key) * 2.0))(x)
    kept = np.asarray(dropout.dropout(jnp.ones_like(x), rate, key)) != 0
    np.testing.assert_allclose(np.asarray(grad)[kept], 2.0 / (1 - rate), rtol=1e-6)
    assert np.all(np.asarray(grad)[~kept] == 0.0)
    assert kept.any() and (~kept).any()


def test_weights_of_a_dropped_unit_get_no_gradient_from_that_example():
    params = course_lib.init_mlp([3, 50, 2], seed=0)
    x, y = jnp.ones((1, 3)), jnp.array([1])
    key = jax.random.key(5)

    def loss(params):
        return course_lib.losses.cross_entropy(dropout.forward(params, x, rate=0.5, key=key, training=True), y)
    grads = jax.grad(loss)(params)
    hidden = np.maximum(np.asarray(x @ params[0]["W"] + params[0]["b"]), 0)
    mask = np.asarray(dropout.dropout(jnp.ones((1, 50)), 0.5, jax.random.fold_in(key, 0)))[0] != 0
    active = mask & (hidden[0] > 0)
    assert active.any() and (~mask).any()
    assert np.all(np.asarray(grads[1]["W"])[~mask] == 0)            # dropped units: no gradient on their outgoing weights
    assert np.all(np.asarray(grads[1]["W"])[active] != 0)


@pytest.mark.parametrize("rate", [-0.1, 1.0, 2])
def test_bad_rate_is_refused_with_the_fix(rate):
    with pytest.raises(ValueError, match="share of units to drop"):
        dropout.dropout(jnp.ones(3), rate, jax.random.key(0))


def test_training_mode_without_key_is_refused():
    with pytest.raises(ValueError, match="needs a PRNG key"):
        dropout.forward(course_lib.init_mlp([2, 3, 2]), jnp.ones((1, 2)), rate=0.5, training=True)


def test_fit_with_rate_zero_is_course_lib_fit():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(60, 4)).astype(np.float32), rng.integers(0, 3, size=60)
    x_val, y_val = rng.normal(size=(20, 4)).astype(np.float32), rng.integers(0, 3, size=20)
    ours, our_history = dropout.fit(course_lib.init_mlp([4, 16, 3], seed=1), x, y, rate=0.0, epochs=7, lr=0.1,
                                    batch_size=16, seed=3, x_val=x_val, y_val=y_val)
    theirs, history = course_lib.fit(course_lib.init_mlp([4, 16, 3], seed=1), x, y, epochs=7, lr=0.1,
                                     batch_size=16, seed=3, x_val=x_val, y_val=y_val)
    for a, b in zip(jax.tree.leaves(ours), jax.tree.leaves(theirs)):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    for name in ("epoch", "train_loss", "val_loss", "val_accuracy"):
        np.testing.assert_allclose(our_history[name], history[name], rtol=1e-5, atol=1e-6)


def test_fit_with_dropout_trains_and_differs_from_no_dropout():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(80, 2)).astype(np.float32)
    y = (x[:, 0] * x[:, 1] > 0).astype(np.int32)
    with_dropout, history = dropout.fit(course_lib.init_mlp([2, 32, 2], seed=0), x, y, rate=0.3, epochs=60,
                                        lr=0.3, batch_size=16)
    without, _ = dropout.fit(course_lib.init_mlp([2, 32, 2], seed=0), x, y, rate=0.0, epochs=60, lr=0.3,
                             batch_size=16)
    assert history["train_accuracy"][-1] > 0.8
    assert not np.allclose(with_dropout[0]["W"], without[0]["W"])


def test_docstring_examples_run():
    import doctest
    failures, tried = doctest.testmod(dropout)
    assert tried > 0 and failures == 0

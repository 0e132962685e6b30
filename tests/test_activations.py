import jax
import jax.numpy as jnp
import numpy as np
import pytest

from course_lib import activations
from course_lib.activations import ACTIVATION_DERIVATIVES, ACTIVATIONS, ELEMENTWISE, get_activation

REQUIRED = {"linear", "relu", "leaky_relu", "elu", "tanh", "sigmoid", "softmax", "gelu"}


def test_every_required_activation_has_a_function_and_a_derivative():
    assert REQUIRED <= set(ACTIVATIONS)
    assert set(ACTIVATIONS) == set(ACTIVATION_DERIVATIVES)


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_hand_derivative_equals_jax_grad(name):
    # Points away from the kinks of relu/leaky_relu at 0, where the derivative is a choice.
    z = jnp.array([-3.0, -1.2, -0.3, 0.4, 1.1, 2.5])
    by_hand = ACTIVATION_DERIVATIVES[name](z)
    by_jax = jax.vmap(jax.grad(ACTIVATIONS[name]))(z)
    np.testing.assert_allclose(by_hand, by_jax, rtol=1e-5, atol=1e-6)


def test_softmax_jacobian_equals_jax_jacobian():
    z = jnp.array([[0.3, -1.0, 2.0, 0.5]])
    by_hand = activations.softmax_derivative(z)[0]
    by_jax = jax.jacobian(lambda v: activations.softmax(v[None])[0])(z[0])
    np.testing.assert_allclose(by_hand, by_jax, rtol=1e-5, atol=1e-6)


def test_numpy_and_jax_give_the_same_values():
    z = np.linspace(-4, 4, 17)
    for name, f in ACTIVATIONS.items():
        np.testing.assert_allclose(f(z[None]), np.asarray(f(jnp.asarray(z[None]))), rtol=1e-5, atol=1e-6, err_msg=name)


def test_stable_for_extreme_inputs():
    z = np.array([[-1e4, 0.0, 1e4]])
    assert np.all(np.isfinite(activations.sigmoid(z)))
    np.testing.assert_allclose(activations.sigmoid(z), [[0.0, 0.5, 1.0]])
    np.testing.assert_allclose(activations.softmax(z), [[0.0, 0.0, 1.0]])
    np.testing.assert_allclose(activations.softmax(np.array([[1000.0, 1000.0]])), [[0.5, 0.5]])
    assert np.all(np.isfinite(activations.elu(z)))
    # Gradients stay finite too (a `where` with an overflowing branch would give NaN here).
    grads = jax.vmap(jax.grad(activations.sigmoid))(jnp.array([-1e4, 1e4]))
    assert np.all(np.isfinite(grads))


def test_unknown_activation_lists_the_valid_names():
    with pytest.raises(ValueError) as error:
        get_activation("relux")
    message = str(error.value)
    assert "relux" in message
    for name in REQUIRED:
        assert name in message

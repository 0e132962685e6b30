"""Activation functions, and their derivatives written out by hand.

An activation is the non-linear function a node applies to its weighted sum.
Each one here is a plain function of an array; `ACTIVATION_DERIVATIVES` holds
the derivative of each, worked out on paper, so the backprop module (and the
student) never has to trust autodiff blindly. The tests compare every
derivative with `jax.grad`.

Every function works on NumPy arrays *and* on JAX arrays (it asks the array
which library it belongs to), so the hand-written NumPy backprop and the JAX
training loop share one definition.

>>> import numpy as np
>>> relu(np.array([-2.0, 3.0]))
array([0., 3.])
>>> get_activation("tanh") is tanh
True
"""
import math

import numpy as np

from course_lib.arrays import array_module, erf

LEAKY_RELU_SLOPE = 0.01
ELU_ALPHA = 1.0


def linear(z):
    """The identity: no non-linearity at all. `linear(z) == z`."""
    return z


def relu(z):
    """Rectified linear unit: `max(0, z)`. `relu(np.array([-1., 2.]))` → `[0., 2.]`."""
    xp = array_module(z)
    return xp.maximum(z, 0.0)


def leaky_relu(z, slope=LEAKY_RELU_SLOPE):
    """Like ReLU, but a small slope (0.01) for negative inputs, so a unit never goes fully dead."""
    xp = array_module(z)
    return xp.where(z > 0, z, slope * z)


def elu(z, alpha=ELU_ALPHA):
    """Exponential linear unit: `z` for `z > 0`, `alpha * (exp(z) - 1)` below, smooth at 0 when alpha = 1."""
    xp = array_module(z)
    # expm1 on the clipped input: exact near 0 and no overflow warning from the unused branch.
    return xp.where(z > 0, z, alpha * xp.expm1(xp.minimum(z, 0.0)))


def tanh(z):
    """Hyperbolic tangent: squashes to (-1, 1), centred at 0."""
    xp = array_module(z)
    return xp.tanh(z)


def sigmoid(z):
    """Logistic sigmoid `1 / (1 + exp(-z))`, squashing to (0, 1); stable for z = ±1e4."""
    xp = array_module(z)
    # The naive formula overflows exp(-z) for very negative z. With e = exp(-|z|) <= 1 both halves are safe:
    # for z >= 0 it is 1 / (1 + e); for z < 0 it is e / (1 + e) (multiply top and bottom by exp(z)).
    e = xp.exp(-xp.abs(z))
    return xp.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def softmax(z):
    """Turns a row of scores into probabilities that sum to 1 (along the last axis).

    Subtracting the row maximum first changes nothing mathematically but keeps exp() from overflowing.
    `softmax(np.array([[1000., 1000.]]))` → `[[0.5, 0.5]]`.
    """
    xp = array_module(z)
    shifted = z - xp.max(z, axis=-1, keepdims=True)
    exp = xp.exp(shifted)
    return exp / xp.sum(exp, axis=-1, keepdims=True)


def gelu(z):
    """Gaussian error linear unit (exact form): `z * Φ(z)`, with Φ the standard normal CDF."""
    return 0.5 * z * (1.0 + erf(z / math.sqrt(2.0)))


# --- derivatives, by hand ------------------------------------------------------------------
# Each takes the pre-activation z and returns d activation / d z, elementwise.
# Softmax is the exception: its derivative is a matrix per row, so `softmax_derivative`
# returns the Jacobian of shape (..., n, n).

def linear_derivative(z):
    xp = array_module(z)
    return xp.ones_like(z)


def relu_derivative(z):
    xp = array_module(z)
    # ReLU has no derivative at exactly 0 (a kink); we pick 0, as jax.nn.relu does. (jax.grad of
    # jnp.maximum(z, 0) says 0.5 there: it splits ties. Either choice trains the same in practice.)
    return xp.where(z > 0, 1.0, 0.0).astype(z.dtype)


def leaky_relu_derivative(z, slope=LEAKY_RELU_SLOPE):
    xp = array_module(z)
    return xp.where(z > 0, 1.0, slope).astype(z.dtype)


def elu_derivative(z, alpha=ELU_ALPHA):
    xp = array_module(z)
    return xp.where(z > 0, 1.0, alpha * xp.exp(xp.minimum(z, 0.0))).astype(z.dtype)


def tanh_derivative(z):
    xp = array_module(z)
    return 1.0 - xp.tanh(z) ** 2


def sigmoid_derivative(z):
    s = sigmoid(z)
    return s * (1.0 - s)


def softmax_derivative(z):
    """Jacobian of softmax: `J[i, j] = s_i * (δ_ij - s_j)`, shape (..., n, n)."""
    xp = array_module(z)
    s = softmax(z)
    return s[..., :, None] * (xp.eye(z.shape[-1], dtype=z.dtype) - s[..., None, :])


def gelu_derivative(z):
    xp = array_module(z)
    cdf = 0.5 * (1.0 + erf(z / math.sqrt(2.0)))
    pdf = xp.exp(-0.5 * z**2) / math.sqrt(2.0 * math.pi)
    return cdf + z * pdf


ACTIVATIONS = {
    "linear": linear,
    "relu": relu,
    "leaky_relu": leaky_relu,
    "elu": elu,
    "tanh": tanh,
    "sigmoid": sigmoid,
    "softmax": softmax,
    "gelu": gelu,
}

ACTIVATION_DERIVATIVES = {
    "linear": linear_derivative,
    "relu": relu_derivative,
    "leaky_relu": leaky_relu_derivative,
    "elu": elu_derivative,
    "tanh": tanh_derivative,
    "sigmoid": sigmoid_derivative,
    "softmax": softmax_derivative,
    "gelu": gelu_derivative,
}

# Elementwise activations can be used in hidden layers; softmax mixes a whole row.
ELEMENTWISE = tuple(name for name in ACTIVATIONS if name != "softmax")


def check_activation_name(name):
    """Raise a ValueError that lists the valid names when `name` is not an activation."""
    if not isinstance(name, str) or name not in ACTIVATIONS:
        valid = ", ".join(sorted(ACTIVATIONS))
        raise ValueError(f"Unknown activation {name!r}. Valid activations are: {valid}.")
    return name


def get_activation(name):
    """The activation function called `name`. `get_activation("relu")(xp.array(-1.))` → 0."""
    return ACTIVATIONS[check_activation_name(name)]


def get_activation_derivative(name):
    """The hand-written derivative of the activation called `name`."""
    return ACTIVATION_DERIVATIVES[check_activation_name(name)]

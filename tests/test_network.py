import jax.numpy as jnp
import numpy as np
import pytest

from course_lib import forward, init_mlp, predict
from course_lib.initializers import count_parameters, layer_sizes
from course_lib.network import ShapeError


def test_init_mlp_shapes_and_seed():
    params = init_mlp([4, 8, 3], seed=1)
    assert [(p["W"].shape, p["b"].shape) for p in params] == [((4, 8), (8,)), ((8, 3), (3,))]
    assert layer_sizes(params) == [4, 8, 3]
    assert count_parameters(params) == 4 * 8 + 8 + 8 * 3 + 3
    again = init_mlp([4, 8, 3], seed=1)
    other = init_mlp([4, 8, 3], seed=2)
    np.testing.assert_array_equal(params[0]["W"], again[0]["W"])
    assert not np.allclose(params[0]["W"], other[0]["W"])


def test_init_mlp_key_and_schemes():
    import jax

    # seed= draws with NumPy (no compile), key= with JAX's generator: two sources, each repeatable.
    by_key = init_mlp([3, 2], key=jax.random.PRNGKey(7))
    np.testing.assert_array_equal(by_key[0]["W"], init_mlp([3, 2], key=jax.random.PRNGKey(7))[0]["W"])
    np.testing.assert_array_equal(init_mlp([3, 2], seed=7)[0]["W"], init_mlp([3, 2], seed=7)[0]["W"])
    assert isinstance(by_key[0]["W"], jax.Array) and isinstance(init_mlp([3, 2], seed=7)[0]["W"], np.ndarray)
    assert np.all(init_mlp([3, 2], init="zeros")[0]["W"] == 0)
    wide = init_mlp([1000, 1000], init="he", seed=0)[0]["W"]
    assert abs(float(wide.std()) - np.sqrt(2 / 1000)) < 0.002
    glorot = init_mlp([1000, 1000], init="glorot", seed=0)[0]["W"]
    assert abs(float(glorot.std()) - np.sqrt(2 / 2000)) < 0.002
    np.testing.assert_array_equal(init_mlp([5, 5], init="xavier", seed=3)[0]["W"], init_mlp([5, 5], init="glorot", seed=3)[0]["W"])
    with pytest.raises(ValueError, match="Valid inits"):
        init_mlp([2, 2], init="uniformish")
    with pytest.raises(ValueError, match="at least an input and an output"):
        init_mlp([3])


def test_forward_matches_a_hand_computation():
    params = [{"W": np.array([[1.0, -1.0], [2.0, 0.5]]), "b": np.array([0.5, -3.0])},
              {"W": np.array([[1.0], [2.0]]), "b": np.array([0.1])}]
    x = np.array([[1.0, 2.0]])
    hidden = np.maximum(x @ params[0]["W"] + params[0]["b"], 0)          # [[5.5, 0]] (z = [[5.5, -3]])
    expected = hidden @ params[1]["W"] + params[1]["b"]
    np.testing.assert_allclose(forward(params, x), expected)
    out, layers = forward(params, x, return_hidden=True)
    np.testing.assert_allclose(layers[0]["a"], [[5.5, 0.0]])
    np.testing.assert_allclose(layers[0]["z"], [[5.5, -3.0]])
    np.testing.assert_allclose(layers[1]["a"], out)


def test_forward_outputs_and_per_layer_activations():
    params = init_mlp([2, 3, 3, 4], seed=0)
    x = np.ones((5, 2), np.float32)
    probs = forward(params, x, output="softmax")
    assert probs.shape == (5, 4)
    np.testing.assert_allclose(np.sum(probs, axis=1), 1.0, rtol=1e-6)
    mixed = forward(params, x, activation=["tanh", "relu"])
    assert mixed.shape == (5, 4)
    with pytest.raises(ValueError, match="2 hidden layers"):
        forward(params, x, activation=["tanh"])
    with pytest.raises(ValueError, match="output layer"):
        forward(params, x, activation="softmax")
    with pytest.raises(ValueError, match="Valid outputs"):
        forward(params, x, output="relu6")


def test_shape_error_names_the_layer_and_both_shapes():
    params = init_mlp([3, 4, 2], seed=0)
    with pytest.raises(ShapeError) as error:
        forward(params, np.ones((5, 7)))
    assert "Layer 0" in str(error.value) and "(3, 4)" in str(error.value) and "(batch, 7)" in str(error.value)
    params[1]["W"] = jnp.ones((5, 2))
    with pytest.raises(ShapeError) as error:
        forward(params, np.ones((5, 3)))
    assert "Layer 1" in str(error.value) and "(5, 2)" in str(error.value) and "4 columns" in str(error.value)
    with pytest.raises(ShapeError, match="must be 2-D"):
        forward(init_mlp([3, 2]), np.ones(3))
    bad_bias = init_mlp([3, 2])
    bad_bias[0]["b"] = jnp.zeros(3)
    with pytest.raises(ShapeError, match="b has shape"):
        forward(bad_bias, np.ones((1, 3)))


def test_predict_classes():
    one_logit = [{"W": np.array([[1.0]]), "b": np.array([0.0])}]
    np.testing.assert_array_equal(predict(one_logit, np.array([[-2.0], [3.0]])), [0, 1])
    two_logits = [{"W": np.array([[1.0, -1.0]]), "b": np.array([0.0, 0.0])}]
    np.testing.assert_array_equal(predict(two_logits, np.array([[-2.0], [3.0]])), [1, 0])
    np.testing.assert_allclose(predict(one_logit, np.array([[2.0]]), task="regression"), [[2.0]])


def test_forward_takes_a_list_of_rows_and_other_non_arrays_get_a_message():
    params = [{"W": np.array([[2.0], [1.0]]), "b": np.array([0.5])}]
    np.testing.assert_allclose(forward(params, [[1.0, 2.0]]), [[4.5]])          # as a student types it
    np.testing.assert_allclose(forward(init_mlp([2, 3, 1], seed=0), [[1.0, 2.0]]),
                               forward(init_mlp([2, 3, 1], seed=0), np.array([[1.0, 2.0]], np.float32)), rtol=1e-6)
    with pytest.raises(ShapeError, match=r"x must be an array \(NumPy or JAX\).*got a dict.*np.asarray"):
        forward(params, {"x": 1})
    with pytest.raises(ShapeError, match="got shape \\(2,\\).*x.reshape\\(1, -1\\)"):
        forward(params, [1.0, 2.0])

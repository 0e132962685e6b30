import subprocess
import sys

import numpy as np
import pytest

from course_lib import datasets


@pytest.mark.parametrize("name", datasets.NAMES)
def test_every_dataset_loads_deterministically(name):
    a = datasets.load(name, n=120, seed=3)
    b = datasets.load(name, n=120, seed=3)
    np.testing.assert_array_equal(a.x_train, b.x_train)
    np.testing.assert_array_equal(a.y_test, b.y_test)
    assert a.x_train.dtype == np.float32
    assert len(a.x_train) == len(a.y_train) and len(a.x_test) == len(a.y_test)
    if a.task == "classification":
        assert a.y_train.ndim == 1 and set(np.unique(a.y_train)) == set(range(a.n_classes))
    else:
        assert a.y_train.ndim == 2


def test_seed_and_noise_change_the_toy_data():
    x0, _ = datasets.make_spiral(n=50, seed=0)
    x1, _ = datasets.make_spiral(n=50, seed=1)
    assert not np.allclose(x0, x1)
    clean, _ = datasets.make_circles(n=50, noise=0.0, seed=0)
    radius = np.hypot(clean[:, 0], clean[:, 1])
    assert radius.max() <= 1.0 + 1e-6


def test_unknown_dataset_lists_the_valid_names():
    with pytest.raises(ValueError) as error:
        datasets.load("mnist")
    for name in ("xor", "spiral", "digits", "breast_cancer"):
        assert name in str(error.value)


def test_digits_are_the_real_scikit_learn_digits():
    data = datasets.load_digits()
    assert data.x_train.shape[1] == 64 and data.n_classes == 10
    assert len(data.x_train) + len(data.x_test) == 1797
    assert data.images_test.shape == (len(data.x_test), 8, 8)
    np.testing.assert_allclose(data.x_train.mean(axis=0), 0, atol=1e-5)
    # x_test is the test images standardised with the *training* statistics.
    np.testing.assert_allclose(data.x_test, (data.images_test.reshape(-1, 64) - data.mean) / data.std, atol=1e-4)


def test_split_is_stratified_and_disjoint():
    x = np.arange(100, dtype=np.float32)[:, None]
    y = (np.arange(100) < 20).astype(np.int32)
    x_train, x_test, y_train, y_test = datasets.train_test_split(x, y, test_fraction=0.25, seed=0)
    assert len(x_test) == 25 and y_test.sum() == 5
    assert set(x_train[:, 0]).isdisjoint(set(x_test[:, 0]))
    with pytest.raises(ValueError, match="test_fraction"):
        datasets.train_test_split(x, y, test_fraction=1.5)


def test_standardize_and_one_hot():
    a, b, mean, std = datasets.standardize(np.array([[0.0, 5.0], [2.0, 5.0]]), np.array([[4.0, 5.0]]))
    np.testing.assert_allclose(a, [[-1, 0], [1, 0]])
    np.testing.assert_allclose(b, [[3, 0]])
    np.testing.assert_array_equal(datasets.one_hot(np.array([0, 2]), 3), [[1, 0, 0], [0, 0, 1]])
    with pytest.raises(ValueError, match="integer labels"):
        datasets.one_hot(np.array([0.5]))


# --- the digits ship with the package ---------------------------------------------------------------------------

def scikit_learn_digits(test_fraction, seed, standardize_inputs):
    """What load_digits returned when it read scikit-learn's copy (the code before the digits were shipped)."""
    from sklearn.datasets import load_digits as sklearn_digits

    raw = sklearn_digits()
    images = raw.images.astype(np.float32)
    i_train, i_test, y_train, y_test = datasets.train_test_split(np.arange(len(images)), raw.target.astype(np.int32),
                                                                 test_fraction, seed)
    x_train, x_test = images[i_train].reshape(-1, 64), images[i_test].reshape(-1, 64)
    arrays = {"x_train": x_train, "x_test": x_test, "y_train": y_train, "y_test": y_test,
              "images_train": images[i_train], "images_test": images[i_test]}
    if standardize_inputs:
        arrays["x_train"], arrays["x_test"], arrays["mean"], arrays["std"] = datasets.standardize(x_train, x_test)
    return arrays


@pytest.mark.parametrize("test_fraction,seed,standardize_inputs", [(0.2, 0, True), (0.3, 3, False)])
def test_shipped_digits_equal_scikit_learns_bit_for_bit(test_fraction, seed, standardize_inputs):
    shipped = datasets.load_digits(test_fraction, seed, standardize_inputs)
    for name, expected in scikit_learn_digits(test_fraction, seed, standardize_inputs).items():
        got = getattr(shipped, name)
        assert got.dtype == expected.dtype, name
        np.testing.assert_array_equal(got, expected, err_msg=name)


def test_loading_the_digits_does_not_import_scikit_learn():
    code = ("import sys; from course_lib import datasets; data = datasets.load_digits(); "
            "print(len(data.x_train) + len(data.x_test), any(m.split('.')[0] == 'sklearn' for m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["1797", "False"]

import subprocess
import sys

import numpy as np
import pytest

from course_lib import datasets


@pytest.mark.parametrize("name", datasets.NAMES)
def test_every_dataset_loads_deterministically(name):
    size = {} if name in datasets.REAL else {"n": 120}       # the real sets have a fixed size
    a = datasets.load(name, seed=3, **size)
    b = datasets.load(name, seed=3, **size)
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


def test_one_hot_refuses_labels_out_of_range():
    with pytest.raises(ValueError, match=r"include -1\. Classes are counted from 0"):
        datasets.one_hot([-1, 2])
    with pytest.raises(ValueError, match=r"include 3\. Pass n_classes=4"):
        datasets.one_hot([0, 3], 3)
    with pytest.raises(ValueError, match="pass n_classes"):
        datasets.one_hot(np.array([], dtype=int))
    assert datasets.one_hot([1, 0]).tolist() == [[0, 1], [1, 0]]


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



# --- so does the breast-cancer table --------------------------------------------------------------------------

@pytest.mark.parametrize("test_fraction,seed,standardize_inputs", [(0.2, 0, True), (0.3, 3, False)])
def test_shipped_breast_cancer_equals_scikit_learns_bit_for_bit(test_fraction, seed, standardize_inputs):
    from sklearn.datasets import load_breast_cancer

    raw = load_breast_cancer()      # what load_tabular read before the table was shipped
    x_train, x_test, y_train, y_test = datasets.train_test_split(raw.data.astype(np.float32),
                                                                 raw.target.astype(np.int32), test_fraction, seed)
    expected = {"x_train": x_train, "x_test": x_test, "y_train": y_train, "y_test": y_test}
    if standardize_inputs:
        expected["x_train"], expected["x_test"], expected["mean"], expected["std"] = datasets.standardize(x_train,
                                                                                                          x_test)
    shipped = datasets.load_tabular("breast_cancer", test_fraction, seed, standardize_inputs)
    for name, value in expected.items():
        got = getattr(shipped, name)
        assert got.dtype == value.dtype, name
        np.testing.assert_array_equal(got, value, err_msg=name)
    assert shipped.feature_names == list(raw.feature_names) and shipped.class_names == list(raw.target_names)


def test_loading_the_breast_cancer_table_does_not_import_scikit_learn():
    code = ("import sys; from course_lib import datasets; data = datasets.load('breast_cancer'); "
            "print(len(data.x_train) + len(data.x_test), any(m.split('.')[0] == 'sklearn' for m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["569", "False"]

# --- settings that used to give NaN points, empty sets or a NumPy error ------------------------------------------

@pytest.mark.parametrize("call,message", [
    (lambda: datasets.load("spiral", n_classes=0), r"n_classes must be at least 2; got 0"),
    (lambda: datasets.load("gaussians", n_classes=2.5), r"n_classes must be a whole number"),
    (lambda: datasets.load("spiral", noise=float("nan")), r"noise must be a finite number, at least 0; got nan"),
    (lambda: datasets.load("moons", noise=-0.1), r"noise must be a finite number, at least 0; got -0.1"),
    (lambda: datasets.load("spiral", turns=float("inf")), r"turns must be a finite number"),
    (lambda: datasets.load("circles", factor=2), r"factor .* between 0 and 1; got 2"),
    (lambda: datasets.load("xor", n=0), r"n \(the number of points\) must be at least 1; got 0"),
    (lambda: datasets.load("xor", n=50.5), r"n \(the number of points\) must be a whole number"),
    (lambda: datasets.load("xor", n=3), r"Splitting 3 examples with test_fraction=0.2 leaves none for testing: "
                                       r"use more examples \(a larger n\)"),
    (lambda: datasets.load("moons", n=10, test_fraction=0.99), r"leaves none for training"),
    (lambda: datasets.load("xor", test_fraction=float("nan")), r"test_fraction must be between 0 and 1"),
    (lambda: datasets.load("xor", n_classes=3), r"load\('xor'\) has no option 'n_classes'\. Its options are n, "
                                                r"noise, seed"),
    (lambda: datasets.load("digits", n=100), r"load\('digits'\) takes no n: it is real data with a fixed size"),
    (lambda: datasets.make_regression_curve(n=-5), r"must be at least 1; got -5"),
])
def test_bad_dataset_settings_say_which_setting_to_change(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_the_smallest_settings_that_make_sense_still_work():
    tiny = datasets.load("xor", n=5, noise=0.0)
    assert len(tiny.x_test) >= 1 and len(tiny.x_train) >= 1
    three = datasets.load("spiral", n=30, n_classes=3)
    assert three.n_classes == 3 and np.all(np.isfinite(three.x_train))


# --- checking data a student brings ------------------------------------------------------------------------------

def test_check_examples_says_it_is_the_data_not_the_learning_rate():
    x = np.ones((6, 3), np.float32)
    x[2, 1] = np.nan
    x[4, 1] = np.inf
    x[4, 2] = np.nan
    with pytest.raises(ValueError) as error:
        datasets.check_examples(x, np.zeros(6))
    message = str(error.value)
    assert "x holds 2 NaN and 1 infinite value in 2 of its 6 rows (the first is row 2), in columns 1, 2" in message
    assert "the data, not the training" in message and "learning rate" in message
    assert "keep = np.isfinite(x).all(axis=1)" in message
    with pytest.raises(ValueError, match=r"y holds 1 NaN in 1 of its 6 rows \(the first is row 5\)"):
        datasets.check_examples(np.ones((6, 3)), np.array([0, 1, 0, 1, 0, np.nan]))


@pytest.mark.parametrize("x,y,names,message", [
    (np.zeros((0, 2)), np.zeros(0), ("x", "y"), r"x has no examples \(shape \(0, 2\)\): training needs at least one"),
    (np.zeros((4, 2)), np.zeros(3), ("x", "y"), r"x has 4 examples but y has 3"),
    (np.zeros((4, 2)), None, ("x_val", "y_val"), r"x_val was given without y_val: pass both"),
    (None, np.zeros(4), ("x_val", "y_val"), r"y_val was given without x_val: pass both"),
    (np.array([["a", "b"]]), np.zeros(1), ("x", "y"), r"x must hold numbers; got an array of dtype <U1"),
])
def test_check_examples_messages(x, y, names, message):
    with pytest.raises(ValueError, match=message):
        datasets.check_examples(x, y, *names)


def test_check_examples_passes_good_data_of_every_kind():
    datasets.check_examples(np.ones((3, 2), np.float32), np.array([0, 1, 2]))
    datasets.check_examples([[1.0, 2.0]], [0])                          # lists are fine
    import jax.numpy as jnp

    datasets.check_examples(jnp.ones((2, 2)), jnp.array([0, 1]))

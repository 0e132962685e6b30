"""compile_fit_ahead: fit's program compiled in the background, used by the later fit, with the same weights."""
import numpy as np
import pytest

from course_lib import init_mlp, training
from course_lib.training import compile_fit_ahead, fit


def _curve(n=40):
    x = np.linspace(-1, 1, n, dtype=np.float32)[:, None]
    return x, np.sin(3 * x)


def test_fit_uses_the_program_compiled_ahead_and_gets_the_same_weights():
    x, y = _curve()
    # l2=1e-6 makes a program no other test compiles, so its jit cache starts empty.
    settings = dict(epochs=30, lr=0.01, batch_size=8, optimizer="adam", activation="elu", loss="mse", seed=3, l2=1e-6)
    program = training._compiled_epochs("elu", "mse", "adam", 0.0, 1e-6, False, False, 0.0, None)  # as fit asks
    assert program._cache_size() == 0
    compiled = compile_fit_ahead(init_mlp([1, 8, 8, 1], seed=1, init="glorot"), x, y, **settings)
    assert compiled.result() is not None
    ahead, ahead_history = fit(init_mlp([1, 8, 8, 1], seed=1, init="glorot"), x, y, **settings)
    assert program._cache_size() == 0            # fit ran the program compiled ahead: jit compiled nothing itself

    training._compiled_ahead.clear()             # the same fit, compiled the usual way
    usual, usual_history = fit(init_mlp([1, 8, 8, 1], seed=1, init="glorot"), x, y, **settings)
    assert program._cache_size() == 1
    assert ahead_history["train_loss"] == usual_history["train_loss"]
    for a, b in zip(ahead, usual):
        np.testing.assert_array_equal(a["W"], b["W"])
        np.testing.assert_array_equal(a["b"], b["b"])


def test_compile_fit_ahead_checks_its_arguments_like_fit():
    x, y = _curve()
    with pytest.raises(ValueError, match="learning rate|lr"):
        compile_fit_ahead(init_mlp([1, 4, 1]), x, y, epochs=5, lr=-0.1, loss="mse")
    with pytest.raises(ValueError, match="batch_size"):
        compile_fit_ahead(init_mlp([1, 4, 1]), x, y, epochs=5, lr=0.1, batch_size=0, loss="mse")

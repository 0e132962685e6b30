import json
import os
import subprocess
import sys
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from course_lib import accuracy, datasets, fit, init_mlp, loss_value
from course_lib.optimizers import adam, get_optimizer, momentum, sgd
from course_lib.training import TrainingDiverged


@pytest.fixture(scope="module")
def digits():
    return datasets.load_digits(seed=0)


def test_digits_network_reaches_97_percent(digits):
    params, history = fit(init_mlp([64, 128, 128, 10], seed=0), digits.x_train, digits.y_train,
                          epochs=20, lr=0.1, batch_size=64, activation="relu", loss="cross_entropy",
                          optimizer="sgd", x_val=digits.x_test, y_val=digits.y_test)
    test_accuracy = accuracy(params, digits.x_test, digits.y_test)
    assert test_accuracy >= 0.97, test_accuracy
    assert history["val_accuracy"][-1] == pytest.approx(test_accuracy, abs=1e-6)
    assert history["epoch"] == list(range(1, 21))
    assert history["train_loss"][-1] < history["train_loss"][0]
    assert set(history) >= {"train_loss", "train_accuracy", "val_loss", "val_accuracy"}


def test_fit_is_deterministic_and_seed_changes_the_order(digits):
    x, y = digits.x_train[:256], digits.y_train[:256]
    run = lambda seed: fit(init_mlp([64, 16, 10], seed=0), x, y, epochs=3, lr=0.1, batch_size=32, seed=seed)[0]
    a, b, c = run(0), run(0), run(1)
    np.testing.assert_array_equal(a[0]["W"], b[0]["W"])
    assert not np.allclose(a[0]["W"], c[0]["W"])


def test_full_batch_sgd_is_plain_gradient_descent():
    x, y = datasets.make_regression_curve(n=32, seed=0)
    params = init_mlp([1, 4, 1], seed=0)
    trained, history = fit(params, x, y, epochs=1, lr=0.05, loss="mse", activation="tanh")
    grads = jax.grad(loss_value)(params, jnp.asarray(x), jnp.asarray(y), "tanh", "mse")
    expected = jax.tree.map(lambda p, g: p - 0.05 * g, params, grads)
    for got, want in zip(jax.tree.leaves(trained), jax.tree.leaves(expected)):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    assert "train_accuracy" not in history


def test_fit_trains_through_the_output_activation_it_is_given():
    """loss="mse" with output="sigmoid" (notebook 04): the step is the gradient of the MSE of σ(z), and the
    history's losses are measured through the sigmoid too (never above 1 against 0/1 targets)."""
    x = np.linspace(-1, 1, 8, dtype=np.float32).reshape(-1, 1)
    y = (x > 0).astype(np.float32)
    params = [{"W": np.array([[-4.0]], np.float32), "b": np.zeros(1, np.float32)}]
    trained, history = fit(params, x, y, epochs=1, lr=1.0, loss="mse", output="sigmoid", x_val=x, y_val=y)
    grads = jax.grad(loss_value)(params, jnp.asarray(x), jnp.asarray(y), "relu", "mse", "sigmoid")
    expected = jax.tree.map(lambda p, g: p - 1.0 * g, params, grads)
    for got, want in zip(jax.tree.leaves(trained), jax.tree.leaves(expected)):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    assert history["train_loss"][0] == pytest.approx(float(loss_value(params, x, y, loss="mse", output="sigmoid")))
    assert history["val_loss"][0] == pytest.approx(float(loss_value(trained, x, y, loss="mse", output="sigmoid")))
    with pytest.raises(ValueError, match="dropout"):
        fit(params, x, y, epochs=1, lr=1.0, loss="mse", output="sigmoid", dropout=0.5)


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_every_optimizer_learns_xor(optimizer):
    data = datasets.load("xor", n=200, noise=0.05, seed=0)
    lr = {"sgd": 0.5, "momentum": 0.1, "adam": 0.02}[optimizer]
    params, history = fit(init_mlp([2, 8, 1], seed=0), data.x_train, data.y_train, epochs=150, lr=lr,
                          batch_size=16, activation="tanh", loss="binary_cross_entropy", optimizer=optimizer)
    assert history["train_accuracy"][-1] > 0.9
    assert accuracy(params, data.x_test, data.y_test, activation="tanh") > 0.85


def test_optimizer_steps_by_hand():
    p, g = [{"W": jnp.array([1.0]), "b": jnp.array([0.0])}], [{"W": jnp.array([2.0]), "b": jnp.array([-1.0])}]
    opt = momentum(lr=0.1, beta=0.5)
    state = opt.init(p)
    p1, state = opt.update(p, g, state)        # v = g
    p2, state = opt.update(p1, g, state)       # v = 0.5 g + g
    np.testing.assert_allclose(p2[0]["W"], 1.0 - 0.1 * 2.0 - 0.1 * 3.0)
    opt = adam(lr=0.1)
    p1, _ = opt.update(p, g, opt.init(p))      # first Adam step is lr * sign(g) (bias-corrected)
    np.testing.assert_allclose(p1[0]["W"], 0.9, rtol=1e-5)   # float32: 1 - 0.999 is not exact
    np.testing.assert_allclose(p1[0]["b"], 0.1, rtol=1e-5)
    p1, _ = sgd(0.1).update(p, g, ())
    np.testing.assert_allclose(p1[0]["W"], 0.8)
    with pytest.raises(ValueError, match="Valid optimizers"):
        get_optimizer("rmsprop", 0.1)


def test_snapshots_for_replay():
    data = datasets.load("circles", n=100, seed=0)
    _, history = fit(init_mlp([2, 4, 1], seed=0), data.x_train, data.y_train, epochs=10, lr=0.1,
                     loss="binary_cross_entropy", snapshot_every=4)
    epochs = [s["epoch"] for s in history["snapshots"]]
    assert epochs == [0, 4, 8, 10]
    first, last = history["snapshots"][0]["params"], history["snapshots"][-1]["params"]
    assert isinstance(first, list) and set(first[0]) == {"W", "b"}
    assert not np.allclose(first[0]["W"], last[0]["W"])


def test_nan_loss_says_which_epoch_and_suggests_a_smaller_learning_rate():
    x, y = datasets.make_regression_curve(n=64, seed=0)
    with pytest.raises(TrainingDiverged) as error:
        fit(init_mlp([1, 16, 16, 1], seed=0), x * 100, y, epochs=30, lr=10.0, loss="mse")
    message = str(error.value)
    assert f"epoch {error.value.epoch}" in message
    assert "smaller learning rate" in message and "lr=1" in message
    assert len(error.value.history["train_loss"]) == error.value.epoch - 1
    assert all(np.all(np.isfinite(leaf)) for leaf in jax.tree.leaves(error.value.params))


def test_nan_loss_can_stop_instead_of_raise(capsys):
    x, y = datasets.make_regression_curve(n=64, seed=0)
    params, history = fit(init_mlp([1, 16, 16, 1], seed=0), x * 100, y, epochs=30, lr=10.0, loss="mse",
                          on_divergence="stop")
    assert "diverged" in history and "smaller learning rate" in capsys.readouterr().out
    assert len(history["train_loss"]) < 30


def test_fit_rejects_bad_input():
    x, y = datasets.make_regression_curve(n=16, seed=0)
    params = init_mlp([1, 3, 1], seed=0)
    with pytest.raises(ValueError, match="reshape"):
        fit(params, x, y[:, 0], epochs=1, lr=0.1, loss="mse")
    with pytest.raises(ValueError, match="batch_size"):
        fit(params, x, y, epochs=1, lr=0.1, loss="mse", batch_size=100)
    with pytest.raises(ValueError, match="same first dimension"):
        fit(params, x, y[:5], epochs=1, lr=0.1, loss="mse")
    with pytest.raises(ValueError, match="Layer 0"):
        fit(init_mlp([2, 3, 1]), x, y, epochs=1, lr=0.1, loss="mse")
    with pytest.raises(ValueError, match="Valid losses"):
        fit(params, x, y, epochs=1, lr=0.1, loss="l1")


# ------------------------------------------------------------------------- the persistent compilation cache

def test_compilation_cache_directory_follows_the_environment_variable():
    from course_lib.compilation_cache import CACHE_VARIABLE
    from course_lib.compilation_cache import cache_dir as compilation_cache_dir

    for off in ("0", "off", "OFF", "false", "no", ""):
        assert compilation_cache_dir({CACHE_VARIABLE: off}) is None
    assert compilation_cache_dir({CACHE_VARIABLE: "/somewhere/cache"}) == Path("/somewhere/cache")
    default = compilation_cache_dir({"XDG_CACHE_HOME": "/xdg"})
    assert default.parent == Path("/xdg/course_lib")
    assert default.name.startswith(f"jax-{jax.__version__}-") and len(default.name) > len(f"jax-{jax.__version__}-")
    assert compilation_cache_dir({}).parent == Path.home() / ".cache" / "course_lib"


# A fresh interpreter: the cache is set up once per process, by the first fit (never by an import).
CACHE_PROBE = """
import json, sys
import jax, numpy as np
hits = []
jax.monitoring.register_event_listener(lambda event, **kw: hits.append(event) if event.endswith("cache_hits") else None)
from course_lib import compilation_cache, datasets, fit, init_mlp, training
before_fit = jax.config.jax_compilation_cache_dir
data = datasets.load("xor", n=64, seed=0)
params, history = fit(init_mlp([2, 5, 1], seed=0), data.x_train, data.y_train, epochs=3, lr=0.5, batch_size=16,
                      activation="tanh", loss="binary_cross_entropy", x_val=data.x_test, y_val=data.y_test)
enabled = compilation_cache.enable()
print(json.dumps({"cache": str(enabled) if enabled else None, "before_fit": before_fit,
                  "jax_dir": jax.config.jax_compilation_cache_dir,
                  "min_compile_time": jax.config.jax_persistent_cache_min_compile_time_secs,
                  "hits": len(hits), "loss": history["train_loss"], "val_loss": history["val_loss"],
                  "W": np.asarray(params[0]["W"]).tolist()}))
"""


def run_cache_probe(**environment):
    env = {k: v for k, v in os.environ.items() if k not in ("COURSE_LIB_COMPILATION_CACHE", "JAX_COMPILATION_CACHE_DIR")}
    env.update(environment)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(Path(__file__).resolve().parent.parent), env.get("PYTHONPATH")]))
    completed = subprocess.run([sys.executable, "-c", CACHE_PROBE], env=env, capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr[-2000:]
    return json.loads(completed.stdout.strip().splitlines()[-1]), completed.stderr


def test_compiled_epochs_are_cached_on_disk_and_reused_with_identical_results(tmp_path):
    cache = tmp_path / "cache"
    first, first_stderr = run_cache_probe(COURSE_LIB_COMPILATION_CACHE=str(cache))
    assert first["cache"] == str(cache) and first["jax_dir"] == str(cache)
    assert first["before_fit"] is None               # importing course_lib.training set nothing up
    assert first["min_compile_time"] == 1.0          # fit lowers JAX's threshold only while it runs
    written = sorted(p.name for p in cache.iterdir())
    assert any(name.startswith("jit_run_epochs") for name in written), written
    second, second_stderr = run_cache_probe(COURSE_LIB_COMPILATION_CACHE=str(cache))
    assert second["hits"] >= 1                       # the epoch was loaded, not compiled
    assert first["hits"] == 0
    for key in ("loss", "val_loss", "W"):            # the same program: the same numbers, to the last bit
        assert second[key] == first[key]
    assert "persistent compilation cache" not in first_stderr + second_stderr


def test_compilation_cache_can_be_switched_off(tmp_path):
    off, _ = run_cache_probe(COURSE_LIB_COMPILATION_CACHE="0", XDG_CACHE_HOME=str(tmp_path))
    assert off["cache"] is None and off["jax_dir"] is None and off["hits"] == 0
    assert not (tmp_path / "course_lib").exists()


def test_a_jax_cache_configured_by_the_user_is_left_alone(tmp_path):
    mine = tmp_path / "my_jax_cache"
    result, _ = run_cache_probe(JAX_COMPILATION_CACHE_DIR=str(mine), XDG_CACHE_HOME=str(tmp_path / "xdg"))
    assert result["cache"] is None and result["jax_dir"] == str(mine)
    assert not (tmp_path / "xdg" / "course_lib").exists()

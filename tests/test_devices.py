import json
import os
import re
import subprocess
import sys
from pathlib import Path

import jax
import numpy as np
import pytest

import course_lib
from course_lib import datasets, devices, init_mlp
from course_lib.losses import loss_value


# --- report ------------------------------------------------------------------------------------------------

def test_report_on_this_cpu_machine():
    r = devices.report()
    assert r.platform == "cpu" and r.n_devices == len(jax.devices()) == len(r.devices) >= 1
    assert r.devices[0] == f"cpu:0 (kind: {jax.devices()[0].device_kind})"
    assert not r.accelerator_found
    assert any("CPU build" in reason or "JAX_PLATFORMS" in reason for reason in r.reasons)
    assert any("jax[cuda12]" in a for a in r.advice) and any("Colab" in a for a in r.advice)
    lines = str(r).splitlines()
    # Versions and the platform each on their own line, so nbval's sanitize patterns can replace them.
    assert lines[:3] == [f"jax: {jax.__version__}", f"jaxlib: {r.jaxlib_version}", "platform: cpu"]
    assert re.fullmatch(r"\d+\.\d+\.\d+\S*", r.jaxlib_version)
    assert lines[3] == f"devices: {r.n_devices}" and lines[4].startswith("  - cpu:0 (kind: ")
    text = str(r)
    assert "accelerator: none found" in text and "Why:" in text and "To get one:" in text
    assert "simulated" not in text
    assert repr(r) == text and r._repr_html_().startswith("<pre>jax: ")


def test_report_names_a_cpu_only_jax_platforms_setting(monkeypatch):
    monkeypatch.setenv("JAX_PLATFORMS", "cpu")
    assert any("JAX_PLATFORMS='cpu'" in reason for reason in devices.report().reasons)
    monkeypatch.setenv("JAX_PLATFORMS", "cuda,cpu")     # asks for a GPU: not the reason
    assert not any("JAX_PLATFORMS" in reason for reason in devices.report().reasons)


def test_report_says_when_the_simulated_devices_flag_came_too_late(monkeypatch):
    # JAX started in this process long ago, so a flag set now cannot take effect; the report must say so.
    monkeypatch.setenv("XLA_FLAGS", "--xla_force_host_platform_device_count=8")
    r = devices.report()
    assert r.simulated_requested == 8 and r.simulated_devices is None
    assert "asks for 8 simulated CPU devices but JAX has 1" in str(r) and "before `import jax`" in str(r)


# --- best device, place, where --------------------------------------------------------------------------------

def test_best_device_place_and_where():
    device = devices.best_device()
    assert device == jax.devices("cpu")[0]
    assert devices.where(np.ones(2)) == "host (NumPy)"
    assert devices.where({"lr": 0.1}) == {"lr": "host (float)"}
    params = devices.place(init_mlp([2, 3, 1], seed=0))
    assert devices.where(params) == [{"W": "cpu:0", "b": "cpu:0"}] * 2
    x = devices.place(np.ones(3), device)
    assert isinstance(x, jax.Array) and devices.where(x) == "cpu:0" and x.devices() == {device}
    np.testing.assert_array_equal(x, np.ones(3))
    assert devices.where(jax.device_get(x)) == "host (NumPy)"


# --- data-parallel training on this one device ----------------------------------------------------------------

def test_batch_order_is_shared_and_complete():
    order = devices.batch_order(10, 4, epochs=2, seed=0)
    assert order.shape == (2, 2, 4)
    assert len(set(order[0].ravel())) == 8 and set(order[0].ravel()) <= set(range(10))
    assert not np.array_equal(order[0], order[1])          # a fresh shuffle every epoch
    np.testing.assert_array_equal(order, devices.batch_order(10, 4, epochs=2, seed=0))
    assert not np.array_equal(order, devices.batch_order(10, 4, epochs=2, seed=1))


@pytest.fixture(scope="module")
def small_digits():
    data = datasets.load_digits()
    return data.x_train[:256], data.y_train[:256]


def test_data_parallel_on_one_device_equals_plain_sgd(small_digits):
    x, y = small_digits
    start = init_mlp([64, 16, 10], seed=0)
    params, history, mesh = devices.data_parallel_fit(start, x, y, epochs=2, lr=0.1, batch_size=32, seed=3)
    # The same steps by hand, one batch after another.
    expected, losses = start, []
    for epoch in devices.batch_order(256, 32, epochs=2, seed=3):
        for indices in epoch:
            value, grads = jax.value_and_grad(loss_value)(expected, x[indices], y[indices], "relu", "cross_entropy")
            expected = jax.tree.map(lambda p, g: p - 0.1 * g, expected, grads)
            losses.append(float(value))
    for a, b in zip(jax.tree.leaves(params), jax.tree.leaves(expected)):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(history["train_loss"], np.mean(np.reshape(losses, (2, 8)), axis=1), rtol=1e-5)
    assert history["epoch"] == [1, 2] and history["train_loss"][1] < history["train_loss"][0]
    assert dict(mesh.shape) == {"data": 1} and list(mesh.devices.flat) == [jax.devices()[0]]
    assert devices.where(params[0]["W"]) == "cpu:0"


def test_data_parallel_matches_course_lib_fit_with_the_same_seed(small_digits):
    x, y = small_digits
    start = init_mlp([64, 16, 10], seed=1)
    ours, ours_history, _ = devices.data_parallel_fit(start, x, y, epochs=3, lr=0.05, batch_size=64, seed=7,
                                                      activation="tanh")
    theirs, their_history = course_lib.fit(start, x, y, epochs=3, lr=0.05, batch_size=64, seed=7,
                                           activation="tanh", optimizer="sgd")
    for a, b in zip(jax.tree.leaves(ours), jax.tree.leaves(theirs)):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ours_history["train_loss"], their_history["train_loss"], rtol=1e-5)


def test_data_parallel_fit_rejects_bad_input_clearly(small_digits):
    x, y = small_digits
    start = init_mlp([64, 16, 10], seed=0)
    cpu = jax.devices()[0]
    with pytest.raises(ValueError, match=r"batch size \(30\) must be divisible by the number of devices \(4\)"):
        devices.data_parallel_fit(start, x, y, epochs=1, lr=0.1, batch_size=30, devices=[cpu] * 4)
    with pytest.raises(ValueError, match="x has 256 examples but y has 255"):
        devices.data_parallel_fit(start, x, y[:-1], epochs=1, lr=0.1, batch_size=32)
    with pytest.raises(ValueError, match=r"between 1 and the number of examples \(256\); got 512"):
        devices.data_parallel_fit(start, x, y, epochs=1, lr=0.1, batch_size=512)
    with pytest.raises(ValueError, match="devices is empty"):
        devices.data_parallel_fit(start, x, y, epochs=1, lr=0.1, batch_size=32, devices=[])
    with pytest.raises(course_lib.ShapeError, match=r"Layer 0: W has shape \(64, 16\)"):
        devices.data_parallel_fit(start, x[:, :10], y, epochs=1, lr=0.1, batch_size=32)


def test_a_diverging_loss_is_reported_with_a_smaller_learning_rate():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(64, 4)) * 10, rng.normal(size=(64, 1)) * 10
    start = init_mlp([4, 16, 1], seed=0)
    with pytest.raises(course_lib.TrainingDiverged, match=r"smaller learning rate, e\.g\. lr=100") as caught:
        devices.data_parallel_fit(start, x, y, epochs=5, lr=1000.0, batch_size=16, loss="mse")
    error = caught.value
    assert all(np.isfinite(np.asarray(p)).all() for p in jax.tree.leaves(error.params))
    assert "diverged" in error.history


# --- 8 simulated devices, in a fresh process -----------------------------------------------------------------

def test_eight_simulated_devices_give_the_single_device_result():
    env = dict(os.environ, XLA_FLAGS="--xla_force_host_platform_device_count=8", JAX_PLATFORMS="cpu")
    script = Path(__file__).with_name("_eight_devices.py")
    done = subprocess.run([sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=240,
                          cwd=Path(__file__).parents[1])
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["n"] == 8 and result["simulated"] == 8
    text = result["text"]
    assert "devices: 8" in text and all(f"  - cpu:{i} (kind: " in text for i in range(8))
    assert "8 simulated CPU devices" in text and "JAX_PLATFORMS='cpu'" in text
    assert result["where_split"] == "8 devices cpu:0..7 (sharding P('data',))"
    assert result["where_copied"] == "8 devices cpu:0..7 (sharding P())"
    assert result["where_some"] == "4 devices cpu:0,2,4,6 (sharding P('data',))"
    assert result["n_devices"] == 8 and result["mesh"] == {"data": 8}
    # 8 devices equal course_lib.fit on one, to float rounding, with the same history schema.
    assert result["fit_difference"] < 1e-5, result["fit_difference"]
    assert set(result["history_eight"]) == set(result["history_fit"]) == {"epoch", "train_loss", "train_accuracy"}
    np.testing.assert_allclose(result["history_eight"]["train_loss"], result["history_fit"]["train_loss"], rtol=1e-5)
    np.testing.assert_allclose(result["history_eight"]["train_accuracy"], result["history_fit"]["train_accuracy"],
                               atol=1e-6)
    assert result["steps"] > 32             # more steps than the deadlock limit: the periodic sync is exercised
    assert result["max_difference"] < 1e-5
    assert result["final_loss"] < 1.5       # it did learn (the untrained loss is about ln 10 ≈ 2.3)
    assert "batch size (12)" in result["error"] and "number of devices (8)" in result["error"]

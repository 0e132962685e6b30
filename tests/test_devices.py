import json
import os
import subprocess
import sys

import jax
import numpy as np
import pytest

from course_lib import datasets, devices, init_mlp


def test_report_on_this_cpu_machine():
    r = devices.report()
    assert r.platform == "cpu" and r.n_devices == len(jax.devices()) >= 1
    assert not r.accelerator_found
    assert r.reasons and any("CPU build" in reason or "JAX_PLATFORMS" in reason for reason in r.reasons)
    text = str(r)
    assert f"jax: {jax.__version__}" in text
    assert "accelerator: none found" in text and "jax[cuda12]" in text and "Colab" in text
    assert "<pre>" in r._repr_html_()


def test_best_device_place_and_where():
    device = devices.best_device()
    assert device.platform == "cpu"
    assert devices.where(np.ones(2)) == "host (NumPy)"
    params = devices.place(init_mlp([2, 3], seed=0))
    assert devices.where(params) == [{"W": "cpu:0", "b": "cpu:0"}]
    x = devices.place(np.ones(3), device)
    assert devices.where(x) == "cpu:0" and isinstance(x, jax.Array)


def test_batch_order_is_shared_and_complete():
    order = devices.batch_order(10, 4, epochs=2, seed=0)
    assert order.shape == (2, 2, 4)
    assert len(set(order[0].ravel())) == 8
    np.testing.assert_array_equal(order, devices.batch_order(10, 4, epochs=2, seed=0))


def test_data_parallel_on_one_device_equals_plain_sgd():
    data = datasets.load_digits()
    x, y = data.x_train[:256], data.y_train[:256]
    start = init_mlp([64, 16, 10], seed=0)
    params, history, mesh = devices.data_parallel_fit(start, x, y, epochs=2, lr=0.1, batch_size=32)
    # The same steps by hand, one batch after another.
    from course_lib.losses import loss_value

    expected = start
    for epoch in devices.batch_order(256, 32, epochs=2, seed=0):
        for indices in epoch:
            grads = jax.grad(loss_value)(expected, x[indices], y[indices], "relu", "cross_entropy")
            expected = jax.tree.map(lambda p, g: p - 0.1 * g, expected, grads)
    for a, b in zip(jax.tree.leaves(params), jax.tree.leaves(expected)):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    assert len(history["train_loss"]) == 2 and dict(mesh.shape) == {"data": 1}


EIGHT_DEVICES = r"""
import json
from course_lib import devices
r = devices.report()
result = devices.compare_with_one_device(epochs=2, batch_size=64)
try:
    import jax
    from course_lib import init_mlp
    import numpy as np
    devices.data_parallel_fit(init_mlp([4, 2]), np.ones((20, 4)), np.zeros(20, int), epochs=1, lr=0.1, batch_size=12)
    error = ""
except ValueError as e:
    error = str(e)
print(json.dumps({"n": r.n_devices, "text": str(r), "error": error, **result}))
"""


def test_eight_simulated_devices_give_the_single_device_result():
    env = dict(os.environ, XLA_FLAGS="--xla_force_host_platform_device_count=8", JAX_PLATFORMS="cpu")
    done = subprocess.run([sys.executable, "-c", EIGHT_DEVICES], env=env, capture_output=True, text=True,
                          timeout=240)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["n"] == 8 and result["n_devices"] == 8 and result["mesh"] == {"data": 8}
    assert "8 simulated CPU devices" in result["text"]
    assert result["steps"] > 32             # more steps than the deadlock limit: the periodic sync is exercised
    assert result["max_difference"] < 1e-5
    assert "(12)" in result["error"] and "(8)" in result["error"]

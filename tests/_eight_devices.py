"""Run by tests/test_devices.py in a subprocess with 8 simulated CPU devices; prints one JSON line.

By hand:  XLA_FLAGS=--xla_force_host_platform_device_count=8 JAX_PLATFORMS=cpu python tests/_eight_devices.py
(XLA reads the flag only when JAX starts, which is why this cannot run inside the test process.)
"""
import json

import jax
import numpy as np
from jax.sharding import Mesh, NamedSharding, PartitionSpec

from course_lib import datasets, devices, fit, init_mlp

report = devices.report()
result = devices.compare_with_one_device(epochs=2, batch_size=64)

mesh = Mesh(np.array(jax.devices()), ("data",))
x_split = jax.device_put(np.ones((16, 3), np.float32), NamedSharding(mesh, PartitionSpec("data")))
x_copied = jax.device_put(np.ones((16, 3), np.float32), NamedSharding(mesh, PartitionSpec()))
x_on_some = jax.device_put(np.ones((4, 3), np.float32),
                           NamedSharding(Mesh(np.array(jax.devices()[::2]), ("data",)), PartitionSpec("data")))

try:
    devices.data_parallel_fit(init_mlp([4, 2]), np.ones((20, 4)), np.zeros(20, int), epochs=1, lr=0.1,
                              batch_size=12)
    error = ""
except ValueError as e:
    error = str(e)

# The same training by course_lib.fit on one device: the trainers share train_step and batch_order.
digits = datasets.load_digits(seed=0)
start = init_mlp([64, 32, 10], seed=0)
on_eight, history_eight, _ = devices.data_parallel_fit(start, digits.x_train, digits.y_train, epochs=2, lr=0.1,
                                                       batch_size=64, seed=5)
by_fit, history_fit = fit(start, digits.x_train, digits.y_train, epochs=2, lr=0.1, batch_size=64, seed=5)
fit_difference = max(float(np.max(np.abs(np.asarray(a) - np.asarray(b))))
                     for a, b in zip(jax.tree.leaves(on_eight), jax.tree.leaves(by_fit)))

print(json.dumps({
    "fit_difference": fit_difference, "history_eight": history_eight, "history_fit": history_fit,
    "n": report.n_devices, "simulated": report.simulated_devices, "text": str(report), "error": error,
    "where_split": devices.where(x_split), "where_copied": devices.where(x_copied),
    "where_some": devices.where(x_on_some), **result,
}))

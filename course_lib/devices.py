"""Where computation happens: which devices JAX sees, where an array lives, and training on several devices.

JAX runs the same program on a CPU, a GPU or a TPU; only where the arrays live changes. When no accelerator
is found JAX quietly falls back to the CPU, so `report()` says what was found and, if nothing, why and how
to get one.

>>> r = report()
>>> r.platform in ("cpu", "gpu", "tpu")
True
>>> import numpy as np
>>> x = place(np.ones(3))
>>> where(x)            # doctest: +SKIP
'cpu:0'
"""
import importlib.metadata
import os
import shutil
from dataclasses import dataclass, field

import numpy as np

# How often the multi-device loop waits for its results. XLA's CPU client can deadlock when too many
# steps with cross-device communication are queued, so we look at the loss at least every 32 steps.
SYNC_EVERY = 16

HOW_TO_GET_AN_ACCELERATOR = [
    "Linux with an NVIDIA GPU: pip install -U \"jax[cuda12]\" (or \"jax[cuda13]\") in this environment.",
    "Google Colab: Runtime > Change runtime type > GPU or TPU, then restart the notebook.",
    "A Cloud TPU VM: pip install -U \"jax[tpu]\".",
    "Apple silicon: the jax-metal plugin is experimental; the CPU is fine for this course.",
]


def _version(package):
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def _simulated_device_count():
    flags = os.environ.get("XLA_FLAGS", "")
    for flag in flags.split():
        if flag.startswith("--xla_force_host_platform_device_count="):
            return int(flag.split("=", 1)[1])
    return None


def _why_no_accelerator():
    """Reasons, most likely first, that JAX found no GPU or TPU here."""
    reasons = []
    platforms = os.environ.get("JAX_PLATFORMS") or os.environ.get("JAX_PLATFORM_NAME")
    if platforms and "cpu" in platforms and not any(p in platforms for p in ("cuda", "gpu", "tpu", "rocm")):
        reasons.append(f"the environment variable JAX_PLATFORMS={platforms!r} restricts JAX to the CPU.")
    plugins = [p for p in ("jax-cuda12-plugin", "jax-cuda13-plugin", "jax-rocm-plugin", "libtpu") if _version(p)]
    if not plugins:
        reasons.append("only JAX's CPU build is installed (no jax-cuda12/13 plugin or libtpu package).")
    if shutil.which("nvidia-smi") is None:
        reasons.append("no NVIDIA driver was found on this machine (nvidia-smi is missing).")
    elif plugins:
        reasons.append("a GPU plugin and a driver are present but JAX did not use them: check that the plugin's "
                       "CUDA version matches the driver (nvidia-smi shows it).")
    return reasons


@dataclass
class DeviceReport:
    """What JAX sees. Print it (or just show it in a notebook) for a readable summary."""
    jax_version: str
    jaxlib_version: str
    platform: str                       # the default backend: "cpu", "gpu" or "tpu"
    devices: list                       # one description per device
    n_devices: int
    accelerator_found: bool
    simulated_devices: int = None       # set when XLA_FLAGS asks for several simulated CPU devices
    reasons: list = field(default_factory=list)   # why no accelerator, when none was found
    advice: list = field(default_factory=list)    # how to get one

    def lines(self):
        out = [f"jax: {self.jax_version}", f"jaxlib: {self.jaxlib_version}",
               f"platform: {self.platform}", f"devices: {self.n_devices}"]
        out += [f"  - {d}" for d in self.devices]
        if self.simulated_devices:
            out.append(f"note: {self.simulated_devices} simulated CPU devices "
                       "(XLA_FLAGS=--xla_force_host_platform_device_count), all sharing this machine's cores.")
        if self.accelerator_found:
            out.append(f"accelerator: yes ({self.platform.upper()})")
        else:
            out.append("accelerator: none found, so JAX runs on the CPU (fine for this course). Why:")
            out += [f"  - {r}" for r in self.reasons]
            out.append("To get one:")
            out += [f"  - {a}" for a in self.advice]
        return out

    def __str__(self):
        return "\n".join(self.lines())

    __repr__ = __str__

    def _repr_html_(self):
        import html

        return "<pre>" + html.escape(str(self)) + "</pre>"


def describe_device(device):
    """One line for a device: 'cpu:0 (kind: cpu)'."""
    return f"{device.platform}:{device.id} (kind: {device.device_kind})"


def report():
    """Which JAX, which devices, and whether an accelerator was found (and if not, why and how to get one)."""
    import jax

    devices = jax.devices()
    platform = jax.default_backend()
    accelerator = platform in ("gpu", "tpu", "cuda", "rocm")
    return DeviceReport(
        jax_version=jax.__version__,
        jaxlib_version=_version("jaxlib") or "unknown",
        platform=platform,
        devices=[describe_device(d) for d in devices],
        n_devices=len(devices),
        accelerator_found=accelerator,
        simulated_devices=_simulated_device_count() if platform == "cpu" and len(devices) > 1 else None,
        reasons=[] if accelerator else _why_no_accelerator(),
        advice=[] if accelerator else list(HOW_TO_GET_AN_ACCELERATOR),
    )


def best_device():
    """The device to compute on: the first GPU or TPU if JAX has one, otherwise the first CPU device."""
    import jax

    for device in jax.devices():
        if device.platform in ("gpu", "tpu", "cuda", "rocm"):
            return device
    return jax.devices("cpu")[0]


def place(tree, device=None):
    """Copy an array, or every array of a pytree such as a params list, onto `device` (default best_device()).

    >>> params = place([{"W": np.ones((2, 2)), "b": np.zeros(2)}])
    >>> where(params)        # doctest: +SKIP
    [{'W': 'cpu:0', 'b': 'cpu:0'}]
    """
    import jax

    return jax.device_put(tree, best_device() if device is None else device)


def _where_one(x):
    devices = sorted(x.devices(), key=lambda d: d.id)
    if len(devices) == 1:
        return f"{devices[0].platform}:{devices[0].id}"
    spec = getattr(x.sharding, "spec", None)
    return f"{len(devices)} devices {devices[0].platform}:{devices[0].id}..{devices[-1].id} (sharding {spec})"


def where(tree):
    """Where an array lives ('cpu:0', or the devices it is split over), for one array or a whole pytree.

    A NumPy array lives in ordinary host memory and says 'host (NumPy)'.
    """
    import jax

    def one(x):
        return _where_one(x) if isinstance(x, jax.Array) else "host (NumPy)"

    return jax.tree.map(one, tree)


# --- data-parallel training ----------------------------------------------------------------------------------

def batch_order(n, batch_size, epochs, seed=0):
    """The mini-batches of every epoch, as example indices of shape (epochs, batches, batch_size).

    Both the one-device and the many-device runs use this, so they see the same batches in the same order.
    """
    rng = np.random.default_rng(seed)
    n_batches = n // batch_size
    return np.stack([rng.permutation(n)[: n_batches * batch_size].reshape(n_batches, batch_size)
                     for _ in range(epochs)])


def data_parallel_fit(params, x, y, *, epochs, lr, batch_size, activation="relu", loss="cross_entropy",
                      devices=None, seed=0):
    """Plain SGD where every global batch is split across `devices` (default: all of them).

    The parameters are replicated (each device holds a full copy); the batch is sharded along its first axis
    (device k gets rows k·b/d to (k+1)·b/d). Each device computes the gradient on its share, XLA adds the
    shares up across devices (the loss is a mean over the *global* batch), and every copy takes the same step,
    so the result equals one device working on the whole batch.

    Returns (params, history, mesh) where history["train_loss"] holds each epoch's mean batch loss.
    """
    import jax
    from jax.sharding import Mesh, NamedSharding, PartitionSpec

    from course_lib.losses import loss_value

    devices = list(jax.devices() if devices is None else devices)
    if batch_size % len(devices):
        raise ValueError(f"The batch size ({batch_size}) must be divisible by the number of devices "
                         f"({len(devices)}) so each device gets the same share.")
    mesh = Mesh(np.array(devices), axis_names=("data",))
    replicated = NamedSharding(mesh, PartitionSpec())
    split_rows = NamedSharding(mesh, PartitionSpec("data"))

    x = np.asarray(x, np.float32)
    y = np.asarray(y)
    params = jax.device_put(params, replicated)

    @jax.jit
    def train_step(params, x_batch, y_batch):
        batch_loss, grads = jax.value_and_grad(loss_value)(params, x_batch, y_batch, activation, loss)
        return jax.tree.map(lambda p, g: p - lr * g, params, grads), batch_loss

    history = {"train_loss": []}
    order = batch_order(len(x), batch_size, epochs, seed)
    step = 0
    for epoch_batches in order:
        losses = []
        for indices in epoch_batches:
            x_batch = jax.device_put(x[indices], split_rows)
            y_batch = jax.device_put(y[indices], split_rows)
            params, batch_loss = train_step(params, x_batch, y_batch)
            losses.append(batch_loss)
            step += 1
            if step % SYNC_EVERY == 0:
                losses[-1] = float(losses[-1])     # wait here: keeps XLA's CPU client from deadlocking
        history["train_loss"].append(float(np.mean([float(v) for v in losses])))
    return params, history, mesh


def compare_with_one_device(n_devices=None, epochs=3, batch_size=64, seed=0):
    """Train the same small digits network on all devices and on one, and return the largest difference.

    Used by notebook 08 and the tests: `python -m course_lib.devices --compare` runs it from the shell.
    """
    import jax

    from course_lib.datasets import load_digits
    from course_lib.initializers import init_mlp

    data = load_digits(seed=seed)
    devices = jax.devices()[: n_devices or None]
    start = init_mlp([64, 32, 10], seed=seed)
    many, history, mesh = data_parallel_fit(start, data.x_train, data.y_train, epochs=epochs, lr=0.1,
                                            batch_size=batch_size, devices=devices, seed=seed)
    one, _, _ = data_parallel_fit(start, data.x_train, data.y_train, epochs=epochs, lr=0.1,
                                  batch_size=batch_size, devices=devices[:1], seed=seed)
    difference = max(float(np.max(np.abs(np.asarray(a) - np.asarray(b))))
                     for a, b in zip(jax.tree.leaves(many), jax.tree.leaves(one)))
    return {"n_devices": len(devices), "mesh": dict(mesh.shape), "max_difference": difference,
            "steps": epochs * (len(data.x_train) // batch_size), "final_loss": history["train_loss"][-1]}


def _main(argv=None):
    import argparse

    parser = argparse.ArgumentParser(description="Device report and a data-parallel check.")
    parser.add_argument("--compare", action="store_true", help="train on all devices and on one; print the difference")
    parser.add_argument("--epochs", type=int, default=3)
    args = parser.parse_args(argv)
    print(report())
    if args.compare:
        result = compare_with_one_device(epochs=args.epochs)
        print(f"data-parallel over {result['n_devices']} devices, mesh {result['mesh']}, {result['steps']} steps")
        print(f"largest difference from one device: {result['max_difference']:.1e}")


if __name__ == "__main__":
    _main()

"""Where computation happens: which devices JAX sees, where an array lives, and training on several devices.

JAX runs the same program on a CPU, a GPU or a TPU; only where the arrays live changes. When no accelerator
is found JAX quietly falls back to the CPU, so `report()` says what was found and, if nothing, why and how
to get one.

>>> r = report()                 # print(r) for the whole story
>>> r.platform in ("cpu", "gpu", "tpu")
True
>>> import numpy as np
>>> x = place(np.ones(3))        # onto best_device()
>>> where(x)                     # doctest: +SKIP
'cpu:0'

Training on several devices, where each device takes a slice of every batch (data parallelism):

>>> from course_lib import init_mlp
>>> x, y = np.random.default_rng(0).normal(size=(64, 4)), np.arange(64) % 3
>>> params, history, mesh = data_parallel_fit(init_mlp([4, 8, 3]), x, y, epochs=2, lr=0.1, batch_size=16)
>>> len(history["train_loss"]), mesh.axis_names
(2, ('data',))
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
    """The N of --xla_force_host_platform_device_count=N in XLA_FLAGS (the last one wins, as in XLA), or None."""
    count = None
    for flag in os.environ.get("XLA_FLAGS", "").split():
        name, _, value = flag.partition("=")
        if name == "--xla_force_host_platform_device_count" and value.isdigit():
            count = int(value)
    return count


def _why_no_accelerator():
    """Reasons, most likely first, that JAX found no GPU or TPU here."""
    reasons = []
    platforms = os.environ.get("JAX_PLATFORMS") or os.environ.get("JAX_PLATFORM_NAME") or ""
    names = {name.strip().lower() for name in platforms.split(",") if name.strip()}
    if names and not names & {"cuda", "gpu", "tpu", "rocm"}:
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
    simulated_requested: int = None     # what XLA_FLAGS asks for, when JAX started before it was set
    reasons: list = field(default_factory=list)   # why no accelerator, when none was found
    advice: list = field(default_factory=list)    # how to get one

    def lines(self):
        out = [f"jax: {self.jax_version}", f"jaxlib: {self.jaxlib_version}",
               f"platform: {self.platform}", f"devices: {self.n_devices}"]
        out += [f"  - {d}" for d in self.devices]
        if self.simulated_devices:
            out.append(f"note: {self.simulated_devices} simulated CPU devices "
                       "(XLA_FLAGS=--xla_force_host_platform_device_count), all sharing this machine's cores.")
        if self.simulated_requested:
            out.append(f"note: XLA_FLAGS asks for {self.simulated_requested} simulated CPU devices but JAX has "
                       f"{self.n_devices}: JAX reads the flag only when it starts, so set it before `import jax` "
                       "(in a notebook: restart the kernel and set it in the first cell).")
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
    """Which JAX, which devices, and whether an accelerator was found (and if not, why and how to get one).

    JAX never complains when it finds no GPU: it quietly runs on the CPU. Call this first on a new machine.

    >>> r = report()
    >>> r.n_devices == len(r.devices) >= 1
    True
    >>> r.accelerator_found or len(r.reasons) > 0      # no accelerator always comes with a reason
    True
    >>> print(r)                                        # doctest: +SKIP
    jax: 0.10.2
    jaxlib: 0.10.2
    platform: cpu
    devices: 1
      - cpu:0 (kind: cpu)
    accelerator: none found, so JAX runs on the CPU (fine for this course). Why:
    ...
    """
    import jax

    devices = jax.devices()
    platform = jax.default_backend()
    accelerator = platform in ("gpu", "tpu", "cuda", "rocm")
    requested = _simulated_device_count() if platform == "cpu" else None
    took_effect = requested is not None and requested == len(devices) > 1
    return DeviceReport(
        jax_version=jax.__version__,
        jaxlib_version=_version("jaxlib") or "unknown",
        platform=platform,
        devices=[describe_device(d) for d in devices],
        n_devices=len(devices),
        accelerator_found=accelerator,
        simulated_devices=requested if took_effect else None,
        simulated_requested=requested if requested and requested > 1 and not took_effect else None,
        reasons=[] if accelerator else _why_no_accelerator(),
        advice=[] if accelerator else list(HOW_TO_GET_AN_ACCELERATOR),
    )


def best_device():
    """The device to compute on: the first GPU or TPU if JAX has one, otherwise the first CPU device.

    An accelerator is preferred because it does the matrix products of a network many times faster. JAX
    itself already puts new arrays on such a device by default; this function makes the choice visible.

    >>> device = best_device()
    >>> device.platform in ("cpu", "gpu", "tpu")
    True
    """
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
    ids = [d.id for d in devices]
    if ids == list(range(ids[0], ids[-1] + 1)):
        span = f"{ids[0]}..{ids[-1]}"
    else:
        span = ",".join(str(i) for i in ids)
    # P('data',) means cut along axis 0 over the mesh axis "data"; P() means a full copy on every device.
    spec = getattr(x.sharding, "spec", x.sharding)
    return f"{len(devices)} devices {devices[0].platform}:{span} (sharding {spec})"


def where(tree):
    """Where an array lives ('cpu:0', or the devices it is split over), for one array or a whole pytree.

    A NumPy array lives in ordinary host memory and says 'host (NumPy)'; a plain Python number says
    'host (int)' or 'host (float)'. An array spread over several devices says how many, which, and its
    sharding: P('data',) is cut along axis 0, P() is a full copy on each.

    >>> import numpy as np
    >>> where(np.ones(2))
    'host (NumPy)'
    >>> where(place({"x": np.ones(2), "step": 3}))      # doctest: +SKIP
    {'step': 'cpu:0', 'x': 'cpu:0'}
    >>> where(x_split_over_8_devices)                    # doctest: +SKIP
    '8 devices cpu:0..7 (sharding P('data',))'
    """
    import jax

    def one(x):
        if isinstance(x, jax.Array):
            return _where_one(x)
        if isinstance(x, (np.ndarray, np.generic)):
            return "host (NumPy)"
        return f"host ({type(x).__name__})"

    return jax.tree.map(one, tree)


# --- data-parallel training ----------------------------------------------------------------------------------

def batch_order(n, batch_size, epochs, seed=0):
    """The mini-batches of epochs 1 ... `epochs`, as example indices of shape (epochs, batches, batch_size).

    Each epoch is `course_lib.training.batch_order(n, batch_size, epoch, seed)`, the order every course_lib
    trainer uses: the same seed gives the same batches as `fit`, whatever the number of devices.

    >>> batch_order(10, 4, epochs=2).shape
    (2, 2, 4)
    """
    from course_lib.training import batch_order as epoch_batches

    return np.stack([epoch_batches(n, batch_size, epoch, seed) for epoch in range(1, epochs + 1)])


def _check_inputs(params, x, y, batch_size, devices, epochs):
    from course_lib.network import check_shapes

    if not devices:
        raise ValueError("devices is empty: give at least one device, e.g. devices=jax.devices()[:1].")
    if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 1:
        raise ValueError(f"epochs must be a whole number >= 1 (passes over the data); got {epochs!r}.")
    check_shapes(params, x)
    n = x.shape[0]
    if y.shape[0] != n:
        raise ValueError(f"x has {n} examples but y has {y.shape[0]}: they must have the same first dimension.")
    if not 1 <= batch_size <= n:
        raise ValueError(f"batch_size must be between 1 and the number of examples ({n}); got {batch_size}.")
    if batch_size % len(devices):
        raise ValueError(f"The batch size ({batch_size}) must be divisible by the number of devices "
                         f"({len(devices)}) so each device gets the same share.")


def data_parallel_fit(params, x, y, *, epochs, lr, batch_size, activation="relu", loss="cross_entropy",
                      devices=None, seed=0):
    """Plain SGD where every global batch is split across `devices` (default: all of them).

    The parameters are replicated (each device holds a full copy); the batch is sharded along its first axis
    (device k gets rows k·b/d to (k+1)·b/d). Each device computes the gradient on its share, XLA adds the
    shares up across devices (the loss is a mean over the *global* batch), and every copy takes the same step,
    so the result equals one device working on the whole batch. The step is `course_lib.training.train_step`
    and the batches are `course_lib.training.batch_order`'s, so the result also equals `fit` with
    `optimizer="sgd"` and the same seed (to float rounding).

    batch_size is the global batch: each of the d devices gets batch_size / d examples, so it must divide.
    Returns (params, history, mesh): history in the schema of every course_lib trainer ("epoch", "train_loss",
    and "train_accuracy" for classification: means over the epoch's batches); mesh is the jax.sharding.Mesh
    used (mesh.devices lists the devices). A loss that becomes NaN or infinite raises
    course_lib.TrainingDiverged.

    >>> import jax, numpy as np
    >>> from course_lib import init_mlp
    >>> x, y = np.random.default_rng(0).normal(size=(64, 4)), np.arange(64) % 3
    >>> start = init_mlp([4, 8, 3], seed=0)
    >>> many, _, mesh = data_parallel_fit(start, x, y, epochs=2, lr=0.1, batch_size=16)
    >>> one, _, _ = data_parallel_fit(start, x, y, epochs=2, lr=0.1, batch_size=16, devices=jax.devices()[:1])
    >>> bool(np.allclose(many[0]["W"], one[0]["W"], atol=1e-5))
    True
    """
    import jax
    from jax.sharding import Mesh, NamedSharding, PartitionSpec

    from course_lib.losses import CLASSIFICATION_LOSSES
    from course_lib.optimizers import sgd
    from course_lib.training import (TrainingDiverged, TrainState, accuracy_from_outputs, batch_order as
                                     epoch_batches, divergence_message, train_step)

    devices = list(jax.devices() if devices is None else devices)
    dtype = np.asarray(params[0]["W"]).dtype
    x = np.asarray(x, dtype)
    y = np.asarray(y)
    # Integer class labels stay integers (int32, JAX's default); every other target is a float like x.
    y = y.astype(np.int32) if loss == "cross_entropy" and y.ndim == 1 else y.astype(dtype)
    batch_size = int(batch_size)
    _check_inputs(params, x, y, batch_size, devices, epochs)
    classification = loss in CLASSIFICATION_LOSSES

    mesh = Mesh(np.array(devices), axis_names=("data",))
    replicated = NamedSharding(mesh, PartitionSpec())          # a full copy on every device
    split_rows = NamedSharding(mesh, PartitionSpec("data"))    # axis 0 (the examples) cut along "data"
    state = TrainState(jax.device_put(params, replicated), (), 0)

    @jax.jit
    def step(state, x_batch, y_batch):
        state, (batch_loss, outputs) = train_step(state, x_batch, y_batch, optimizer=sgd(lr), activation=activation,
                                                  loss=loss)
        return state, batch_loss, accuracy_from_outputs(outputs, y_batch) if classification else 0.0

    history = {"epoch": [], "train_loss": []} | ({"train_accuracy": []} if classification else {})
    steps = 0
    for epoch in range(1, epochs + 1):
        params_before = state.params
        losses, accuracies = [], []
        for indices in epoch_batches(len(x), batch_size, epoch, seed):
            x_batch = jax.device_put(x[indices], split_rows)
            y_batch = jax.device_put(y[indices], split_rows)
            state, batch_loss, batch_accuracy = step(state, x_batch, y_batch)
            losses.append(batch_loss)
            accuracies.append(batch_accuracy)
            steps += 1
            if steps % SYNC_EVERY == 0:
                # Wait for this step (and so every earlier one): keeps XLA's CPU client from deadlocking.
                jax.block_until_ready(batch_loss)
        epoch_loss = float(np.mean(jax.device_get(losses)))
        if not np.isfinite(epoch_loss):
            message = divergence_message(epoch_loss, epoch, lr)
            history["diverged"] = message
            raise TrainingDiverged(message, epoch, params_before, history)
        history["epoch"].append(epoch)
        history["train_loss"].append(epoch_loss)
        if classification:
            history["train_accuracy"].append(float(np.mean(jax.device_get(accuracies))))
    return state.params, history, mesh


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

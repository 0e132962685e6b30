"""The implementations the benchmark compares, one module each, all with the same interface:

    module.DESCRIPTION        what it is, in a few words (goes into the results table)
    module.setup()            one-time settings (thread counts); safe to call twice
    module.train(params, data, *, epochs, lr, batch_size, seed=0, validate=False, stop_at=None) -> Run

`params` are NumPy float32 [{"W": (n_in, n_out), "b": (n_out,)}, ...] (ReLU hidden layers, logits out, softmax
cross-entropy, plain SGD); `data` is a bench.data.Data. Every call converts what it needs to its own library
(that is part of the time, as it is for a student calling `course_lib.fit`). With `validate`, the test
accuracy is measured after every epoch and read back on the host, as a loop that stops early must; with
`stop_at` too, training stops after the first epoch whose test accuracy reaches it (`course_lib.fit` cannot
stop early, and ignores it: it always trains `epochs` epochs).
"""
import importlib
from dataclasses import dataclass, field

# name -> module in this package. The order is the order of the results table.
MODULES = {
    "course_lib.fit": "course",
    "jax_scan": "jax_scan",
    "jax_loop": "jax_loop",
    "flax_scan": "flax_mlp",
    "flax_loop": "flax_mlp",
    "numpy": "numpy_mlp",
    "numpy_1thread": "numpy_mlp",
    "torch": "torch_mlp",
    "torch_1thread": "torch_mlp",
    "sklearn": "sklearn_mlp",
}
# The families the targets compare against: the best (fastest in the same run) member of each.
FAMILIES = {"JAX": ("jax_scan", "jax_loop", "flax_scan", "flax_loop"), "NumPy": ("numpy", "numpy_1thread"),
            "PyTorch": ("torch", "torch_1thread"), "scikit-learn": ("sklearn",)}


@dataclass
class Run:
    samples: int                                       # training examples processed, all epochs together
    epochs: int                                        # epochs run
    val_accuracy: list = field(default_factory=list)   # test accuracy after each epoch (when validating)


class Unavailable(Exception):
    """The library a reference needs is not installed."""


def load(name):
    """The module implementing `name` (its `train` is bound to the variant the name asks for)."""
    if name not in MODULES:
        raise KeyError(f"Unknown implementation {name!r}; known: {', '.join(MODULES)}.")
    try:
        module = importlib.import_module(f"bench.references.{MODULES[name]}")
    except ModuleNotFoundError as error:
        raise Unavailable(f"{error.name} is not installed (pip install -r requirements/bench.txt)") from error
    return module.variant(name) if hasattr(module, "variant") else module


def samples_per_epoch(n, batch_size):
    """Examples trained on per epoch when the examples that do not fill a last batch sit the epoch out."""
    return (n // batch_size) * batch_size

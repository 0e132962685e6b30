"""course_lib: the small JAX library behind the course.

Everything a notebook needs is one import away, and nothing heavy is loaded until it is used
(`import course_lib` does not import JAX; `course_lib.forward` does, the first time).

    import course_lib
    params = course_lib.init_mlp([2, 8, 1], seed=0)
    course_lib.forward(params, x)                # the network's output
    course_lib.fit(params, x, y, epochs=100, lr=0.1, loss="binary_cross_entropy")
    course_lib.train_step                        # the ten lines that training repeats (course_lib/training.py)

Modules, one idea each: activations, initializers, network, losses, backprop, optimizers, training,
compilation_cache, datasets, devices, playground, widgets, exercises, presentation, figures. (The maintainers' tools, which write the
notebooks, the slides and the site, live outside this package, in the repository's tools/.)
"""
import importlib

__version__ = "0.1.0"

# Public name -> the module that defines it. Loaded on first access (PEP 562).
_EXPORTS = {
    "ACTIVATIONS": "activations",
    "ACTIVATION_DERIVATIVES": "activations",
    "get_activation": "activations",
    "get_activation_derivative": "activations",
    "init_mlp": "initializers",
    "layer_sizes": "initializers",
    "count_parameters": "initializers",
    "dense": "network",
    "forward": "network",
    "predict": "network",
    "ShapeError": "network",
    "LOSSES": "losses",
    "mse": "losses",
    "cross_entropy": "losses",
    "binary_cross_entropy": "losses",
    "log_softmax": "losses",
    "loss_value": "losses",
    "probabilities": "losses",
    "backprop": "backprop",
    "numerical_gradient": "backprop",
    "sgd": "optimizers",
    "momentum": "optimizers",
    "adam": "optimizers",
    "fit": "training",
    "TrainState": "training",
    "train_step": "training",
    "new_train_state": "training",
    "accuracy": "training",
    "TrainingDiverged": "training",
}

_SUBMODULES = (
    "activations", "arrays", "initializers", "network", "losses", "backprop", "optimizers", "training",
    "datasets", "devices", "exercises", "widgets", "presentation", "playground", "compilation_cache",
)

__all__ = sorted(_EXPORTS) + list(_SUBMODULES)


def __getattr__(name):
    if name in _EXPORTS:
        module = importlib.import_module(f"course_lib.{_EXPORTS[name]}")
        value = getattr(module, name)
        globals()[name] = value   # later look-ups skip this function
        return value
    if name in _SUBMODULES:
        return importlib.import_module(f"course_lib.{name}")
    raise AttributeError(f"module 'course_lib' has no attribute {name!r}")


def __dir__():
    return __all__

"""The course's engine: `course_lib.fit`, called the way a notebook calls it."""
from bench.references import Run, samples_per_epoch

DESCRIPTION = "course_lib.fit (the course's engine)"


def setup():
    import course_lib.training  # noqa: F401 - imports JAX


def train(params, data, *, epochs, lr, batch_size, seed=0, validate=False, stop_at=None):
    """`fit` has no early stop, so `stop_at` is ignored: the benchmark asks for the epochs it needs instead."""
    import course_lib

    validation = {"x_val": data.x_test, "y_val": data.y_test} if validate else {}
    _, history = course_lib.fit(params, data.x_train, data.y_train, epochs=epochs, lr=lr, batch_size=batch_size,
                                activation="relu", loss="cross_entropy", optimizer="sgd", seed=seed, **validation)
    n = len(data.x_train)
    return Run(samples_per_epoch(n, batch_size or n) * epochs, epochs, list(history.get("val_accuracy", [])))

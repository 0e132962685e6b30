"""A worker process: one implementation, alone in its interpreter, doing what the parent asks.

    python -m bench.worker IMPLEMENTATION DATA_DIR

Each library gets its own process because thread pools do not share well: on two cores, NumPy's
OpenBLAS threads ran 10x slower right after XLA's had been busy in the same process. The parent keeps
one worker per implementation alive and sends them work in turn (round-robin), so the workers that are
not measuring sit blocked on a read, their threads asleep.

Protocol: one JSON object per line on stdin, one JSON reply per line on the real stdout (the libraries'
own printing goes to stderr). The first line the worker writes is {"ready": true, ...} once its library is
imported and the data sets in DATA_DIR are loaded; nothing before that is timed.
    {"op": "train", "data": "digits", "epochs": 8, "lr": 0.1, "batch_size": 64, "validate": true, "stop_at": 0.97}
        -> {"seconds": ..., "samples": ..., "epochs": ..., "val_accuracy": [...]}
    {"op": "matmul", "size": 2048, "repeats": 10}  -> {"seconds": [...], "flops": ...}  (JAX workers)
    {"op": "threads"}  -> the thread settings in this process
    {"op": "exit"}
"""
import json
import os
import sys
import time
from pathlib import Path


def main(implementation, data_dir):
    protocol = os.fdopen(os.dup(sys.stdout.fileno()), "w", buffering=1)
    sys.stdout = sys.stderr          # whatever the libraries print must not break the protocol
    start = time.perf_counter()
    from bench import data as bench_data
    from bench.harness import thread_settings
    from bench.references import Unavailable, load

    try:
        reference = load(implementation)
    except Unavailable as missing:
        protocol.write(json.dumps({"ready": False, "unavailable": str(missing)}) + "\n")
        return
    reference.setup()
    import_seconds = time.perf_counter() - start
    datasets = {path.stem: bench_data.load(path) for path in sorted(Path(data_dir).glob("*.npz"))}
    protocol.write(json.dumps({"ready": True, "import_seconds": import_seconds,
                               "description": reference.DESCRIPTION}) + "\n")

    for line in sys.stdin:
        request = json.loads(line)
        try:
            reply = handle(request, reference, datasets, thread_settings)
        except Exception as error:  # noqa: BLE001 - reported to the parent, which records it
            reply = {"error": f"{type(error).__name__}: {error}"}
        if reply is None:
            break
        protocol.write(json.dumps(reply) + "\n")


def handle(request, reference, datasets, thread_settings):
    op = request["op"]
    if op == "exit":
        return None
    if op == "threads":
        return thread_settings()
    if op == "train":
        data, params = datasets[request["data"]]
        start = time.perf_counter()
        run = reference.train(params, data, epochs=request["epochs"], lr=request["lr"],
                              batch_size=request["batch_size"], seed=request.get("seed", 0),
                              validate=request.get("validate", False), stop_at=request.get("stop_at"))
        seconds = time.perf_counter() - start
        return {"seconds": seconds, "samples": run.samples, "epochs": run.epochs, "val_accuracy": run.val_accuracy}
    if op == "matmul":
        return matmul_rate(request["size"], request["repeats"])
    raise ValueError(f"unknown op {op!r}")


def matmul_rate(size, repeats):
    """Seconds per jitted float32 (size x size) @ (size x size) product: the machine's matmul ceiling."""
    import jax
    import jax.numpy as jnp

    a = jax.random.normal(jax.random.key(0), (size, size), jnp.float32)
    b = jax.random.normal(jax.random.key(1), (size, size), jnp.float32)
    product = jax.jit(jnp.matmul)
    product(a, b).block_until_ready()
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        product(a, b).block_until_ready()
        seconds.append(time.perf_counter() - start)
    return {"seconds": seconds, "flops": 2 * size**3}


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])

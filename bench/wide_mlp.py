"""Section 2: a wide MLP, 784-1024-1024-10, batch 256, where the time goes into matrix multiplies.

Achieved GFLOP/s = matmul FLOPs of training (bench.data.training_flops_per_example) / seconds, compared
round by round with the rate of one large jitted float32 matmul measured in the same run (the ceiling:
what XLA's CPU matmul reaches on this machine, not the CPU's theoretical peak).
"""
from bench import harness
from bench.data import WIDE_SIZES, training_flops_per_example

COURSE = "course_lib.fit"
# The course, the hand-tuned JAX reference, and the fastest eager peer (the others add minutes, not insight).
IMPLEMENTATIONS = ("course_lib.fit", "jax_scan", "torch_1thread")
CEILING_WORKER = "jax_scan"
BATCH_SIZE, LR = 256, 0.01


def run(workers, implementations, repeats, quick=False):
    matmul_size = 512 if quick else 2048
    flops_per_example = training_flops_per_example(WIDE_SIZES)
    trainers = {name: workers[name] for name in implementations if name in workers}
    train = {"op": "train", "data": "wide", "epochs": 1, "lr": LR, "batch_size": BATCH_SIZE, "validate": False}
    results = {}
    for name, worker in trainers.items():
        results[name] = {"description": worker.info["description"]}
        try:
            worker.call(**train)     # compile
        except harness.WorkerError as error:
            results[name]["error"] = str(error)
    trainers = {name: worker for name, worker in trainers.items() if "error" not in results[name]}

    everyone = dict(trainers)
    if CEILING_WORKER in workers:
        everyone = {"matmul ceiling": workers[CEILING_WORKER], **trainers}

    def request_for(name):
        return {"op": "matmul", "size": matmul_size, "repeats": 3} if name == "matmul ceiling" else train

    replies, errors = harness.interleave(everyone, request_for, repeats)
    # The ceiling of a round: its fastest of three products.
    ceiling = [r and r["flops"] / min(r["seconds"]) / 1e9 for r in replies.pop("matmul ceiling", [])]
    gflops = {name: [r and flops_per_example * r["samples"] / r["seconds"] / 1e9 for r in rs] for name, rs in replies.items()}
    for name in trainers:
        entry = results[name]
        if name in errors:
            entry["error"] = errors[name]
        entry["gflops"] = harness.summarize([v for v in gflops[name] if v])
        entry["share_of_matmul_ceiling"] = harness.paired_ratios(gflops[name], ceiling)
    return {"model": "784-1024-1024-10, ReLU, softmax cross-entropy, SGD", "batch_size": BATCH_SIZE,
            "examples_per_epoch": None, "training_flops_per_example": flops_per_example,
            "matmul_ceiling": {"size": matmul_size, "gflops": harness.summarize([v for v in ceiling if v]),
                               "error": errors.get("matmul ceiling")},
            "implementations": results}

"""Section 1: training on digits (64-128-128-10, ReLU, softmax cross-entropy, plain SGD), batch 64 and full batch.

For every implementation, in its own worker process:
  1. a first run measures the test accuracy after every epoch and stops at the first epoch that reaches the
     target (97%) — `course_lib.fit` cannot stop early, so it runs max_epochs and the epoch is read off its
     history; that run also compiles what the timed runs need;
  2. throughput: training without validation, samples per second (each implementation trains enough epochs
     for about 0.2 s, at most `throughput_epochs`, so that slow ones do not eat the time budget);
  3. time to target, warm: training exactly that many epochs, measuring the test accuracy after each;
  4. time to target, cold (`cold_runs`, later): the same in a fresh process, compilation included (and, for
     course_lib.fit, also with its persistent compilation cache filled by the warm runs).
Steps 2 and 3 go round-robin over the workers; ratios against course_lib.fit are taken round by round.
"""
import math
import os
from pathlib import Path

from bench import harness
from bench.references import FAMILIES

COURSE = "course_lib.fit"
TARGET_ACCURACY = 0.97
SECONDS_PER_MEASUREMENT = 0.2
# Full batch leaves out the references that only add minutes there: scikit-learn needs about 260 epochs from
# its own initialisation, and the two-thread NumPy and PyTorch variants are 3-10x slower than their
# one-thread twins on this two-core machine (both are measured at batch 64).
FULL_BATCH_SKIPS = ("sklearn", "numpy", "torch")
CONFIGS = {
    # batch_size None = every training example in one step. Full-batch gradient descent needs the larger rate
    # to reach 97% in tens of epochs rather than hundreds.
    "batch_64": {"batch_size": 64, "lr": 0.1, "max_epochs": 100, "throughput_epochs": 20, "skip": ()},
    "full_batch": {"batch_size": None, "lr": 0.5, "max_epochs": 400, "throughput_epochs": 50,
                   "skip": FULL_BATCH_SKIPS},
}
QUICK_CONFIGS = {
    "batch_64": {**CONFIGS["batch_64"], "max_epochs": 25, "throughput_epochs": 2},
    "full_batch": {**CONFIGS["full_batch"], "max_epochs": 100, "throughput_epochs": 5},
}
# Cold runs (a fresh process each) cost seconds apiece, so they cover the course, the JAX references it
# must match, and the fastest eager peer; NumPy and scikit-learn compile nothing.
COLD_PLAN = {"batch_64": (COURSE, "jax_scan", "flax_scan", "torch_1thread"), "full_batch": (COURSE, "jax_scan")}


def _train(config, epochs, validate, stop_at=None):
    return {"op": "train", "data": "digits", "epochs": epochs, "lr": config["lr"],
            "batch_size": config["batch_size"], "validate": validate, "stop_at": stop_at}


def first_epoch_reaching(accuracies, target=TARGET_ACCURACY):
    """1-based epoch at which the accuracy first reaches the target, or None.

    >>> first_epoch_reaching([0.9, 0.97, 0.98])
    2
    """
    return next((epoch for epoch, value in enumerate(accuracies, 1) if value >= target), None)


def _prepare(worker, config):
    """First run (epochs to target) and the compile of the no-validation path; returns (entry, epochs, epochs
    for a throughput measurement)."""
    probe = worker.call(**_train(config, config["max_epochs"], validate=True, stop_at=TARGET_ACCURACY))
    worker.call(**_train(config, 1, validate=False))                  # compiles the path without validation
    one_epoch = worker.call(**_train(config, 1, validate=False))      # and tells how long an epoch takes
    curve = probe["val_accuracy"]
    reached = first_epoch_reaching(curve)
    epochs = max(1, min(config["throughput_epochs"], math.ceil(SECONDS_PER_MEASUREMENT / one_epoch["seconds"])))
    entry = {"epochs_to_target": reached, "max_epochs": config["max_epochs"], "best_test_accuracy": max(curve),
             "throughput_epochs": epochs}
    return entry, reached, epochs


def run_config(config, workers, repeats):
    results, epochs_to_target, throughput_epochs = {}, {}, {}
    for name, worker in workers.items():
        results[name] = {"description": worker.info["description"]}
        try:
            entry, epochs_to_target[name], throughput_epochs[name] = _prepare(worker, config)
            results[name].update(entry)
        except harness.WorkerError as error:
            results[name]["error"] = str(error)
    running = {name: worker for name, worker in workers.items() if "error" not in results[name]}

    throughput, errors = harness.interleave(
        running, lambda name: _train(config, throughput_epochs[name], validate=False), repeats, budget_s=2.0)
    samples_per_s = {name: [r and r["samples"] / r["seconds"] for r in replies] for name, replies in throughput.items()}

    def warm_request(name):
        return _train(config, epochs_to_target[name], validate=True) if epochs_to_target.get(name) else None

    warm, warm_errors = harness.interleave(running, warm_request, repeats, budget_s=2.0)
    errors.update(warm_errors)
    warm_seconds = {name: [r and r["seconds"] for r in replies] for name, replies in warm.items()}

    for name in running:
        entry = results[name]
        if name in errors:
            entry["error"] = errors[name]
        entry["samples_per_s"] = harness.summarize([v for v in samples_per_s[name] if v])
        entry["time_to_target_warm_s"] = harness.summarize([v for v in warm_seconds[name] if v])
        missed = [r for r in warm[name] if r and r["val_accuracy"][-1] < TARGET_ACCURACY]
        if missed:   # training is deterministic, so this would be a bug in the implementation
            entry["warning"] = f"{len(missed)} warm runs ended below {TARGET_ACCURACY:.0%}"
        if name != COURSE and COURSE in running:
            # Both read "how many times faster course_lib.fit is": > 1 means the course wins.
            entry["course_speedup"] = {
                "samples_per_s": harness.paired_ratios(samples_per_s[COURSE], samples_per_s[name]),
                "time_to_target_warm": harness.paired_ratios(warm_seconds[name], warm_seconds[COURSE]),
            }
    return {"batch_size": config["batch_size"] or "all", "lr": config["lr"], "max_epochs": config["max_epochs"],
            "skipped": list(config["skip"]), "implementations": results, "best_of_family": best_of_families(results)}


def best_of_families(results):
    """The fastest member (median samples/s in this run) of each reference family."""
    best = {}
    for family, members in FAMILIES.items():
        measured = [m for m in members if (results.get(m) or {}).get("samples_per_s")]
        if measured:
            best[family] = max(measured, key=lambda m: results[m]["samples_per_s"]["median"])
    return best


def cold_runs(section, data_dir, log_dir, repeats, cache_root):
    """Time to target in fresh worker processes: the first `train` call pays every compilation.

    `course_lib.fit` keeps its compiled programs in JAX's persistent compilation cache (course_lib/training.py),
    so it is measured twice per round: with an empty cache directory (it compiles everything, as the
    references do: "cold") and with the run's own cache directory, filled by the warm worker's identical
    calls ("cold, cache filled": a restarted kernel on a machine that has run the notebook before). The
    references run without a cache, as their code is written; their ratios are against the empty-cache runs.
    """
    filled = os.environ.get(harness.CACHE_VARIABLE)
    for config_name, entry in section["configs"].items():
        config = section["config_used"][config_name]
        implementations = entry["implementations"]
        names = [n for n in COLD_PLAN[config_name] if implementations.get(n, {}).get("epochs_to_target")]
        runs = [(name, "time_to_target_cold_s", None) for name in names]
        if COURSE in names and filled:
            runs.insert(1, (COURSE, "time_to_target_cold_cached_s", filled))
        seconds = {(name, key): [] for name, key, _ in runs}
        for round_number in range(repeats):
            for name, key, cache in runs:
                if name == COURSE and cache is None:
                    cache = Path(cache_root) / f"empty-{config_name}-{round_number}"   # a new, empty directory
                environment = {harness.CACHE_VARIABLE: str(cache)} if name == COURSE else None
                worker = harness.Worker(name, data_dir, log_dir, environment=environment)
                try:
                    if worker.ready().get("ready"):
                        request = _train(config, implementations[name]["epochs_to_target"], validate=True)
                        seconds[(name, key)].append(worker.call(**request)["seconds"])
                except harness.WorkerError as error:
                    implementations[name]["cold_error"] = str(error)
                finally:
                    worker.close()
        course = seconds.get((COURSE, "time_to_target_cold_s"), ())
        for (name, key), values in seconds.items():
            implementations[name][key] = harness.summarize(values)
            if name != COURSE and values and len(values) == len(course):
                implementations[name].setdefault("course_speedup", {})["time_to_target_cold"] = (
                    harness.paired_ratios(values, course))


def run(workers, repeats, quick=False):
    configs = QUICK_CONFIGS if quick else CONFIGS
    section = {"model": "64-128-128-10, ReLU, softmax cross-entropy, SGD", "target_accuracy": TARGET_ACCURACY,
               "config_used": configs, "configs": {}}
    for name, config in configs.items():
        chosen = {n: w for n, w in workers.items() if n not in config["skip"]}
        section["configs"][name] = run_config(config, chosen, repeats)
    return section

"""What every benchmark section shares: timing, summary statistics, cold runs in fresh processes, and a record
of the machine the numbers came from.

The machine is shared and noisy, so a single absolute time means little. Every section therefore
measures a reference in the same run, interleaves the repeats of the things it compares (round-robin, so
a burst of load from a neighbour hits all of them alike) and reports medians with their min–max.
"""
import json
import os
import platform
import select
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "bench"

# Distributions whose versions go into every result (those not installed are recorded as None).
RECORDED_PACKAGES = ("course_lib", "jax", "jaxlib", "numpy", "flax", "optax", "torch", "scikit-learn",
                     "threadpoolctl", "anywidget", "ipywidgets", "nbval", "pytest")
# Environment variables that change how many threads the libraries use, or what "cold" means for JAX.
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "XLA_FLAGS",
                    "JAX_PLATFORMS", "JAX_ENABLE_X64", "JAX_COMPILATION_CACHE_DIR", "COURSE_LIB_COMPILATION_CACHE")
# course_lib keeps fit's compiled programs in JAX's persistent compilation cache (course_lib/training.py);
# the benchmark points it at directories of its own, so that "cache filled" and "empty cache" mean this run.
CACHE_VARIABLE = "COURSE_LIB_COMPILATION_CACHE"


def summarize(values):
    """Median, min and max of a list of measurements (the raw values are kept too).

    >>> summarize([3.0, 1.0, 2.0])["median"]
    2.0
    """
    values = [float(v) for v in values]
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    median = ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    return {"median": median, "min": ordered[0], "max": ordered[-1], "n": len(values), "values": values}


def ratio(numerator, denominator):
    """numerator / denominator of two summaries' medians (None when either is missing)."""
    if not numerator or not denominator or not denominator["median"]:
        return None
    return numerator["median"] / denominator["median"]


def timed(function, *args, **kwargs):
    """(seconds, result) of one call."""
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - start, result


# Pause before each measurement: after a call, OpenBLAS's threads busy-wait for a while (its THREAD_TIMEOUT,
# about 0.1 s) and OpenMP's spin too, so on two cores the next worker can share them with the previous one's
# spinning threads. With a fixed order and no pause, course_lib.fit (first in every round, right after
# scikit-learn) measured 0.50-0.90x jax_scan at batch 64 and two-thread NumPy 1-29k samples/s, while
# course_lib.fit and jax_scan in one process, interleaved, are within 1-3% of each other; with the pause and
# the rotating order: 0.75-1.31x (median 0.92x) and NumPy 152-184k (a quieter machine, too).
SETTLE_S = 0.15


def interleave(workers, request_for, repeats, budget_s=None, min_repeats=3, settle_s=SETTLE_S):
    """Send each worker its request, round after round, so noise from the shared machine hits all alike.

    request_for(name) gives the request for that worker (None: skip it). A worker that has spent more than
    budget_s seconds and answered min_repeats times sits out the remaining rounds (None in its list).
    Each round starts one worker later than the previous one (so no implementation always follows the same
    one), and every measurement waits settle_s first (so the previous worker's threads have gone to sleep).
    Returns ({name: [reply or None, one per round]}, {name: error}).
    """
    replies = {name: [] for name in workers}
    errors, spent = {}, {name: 0.0 for name in workers}
    names = list(workers)
    for round_number in range(repeats):
        shift = round_number % len(names) if names else 0
        for name in names[shift:] + names[:shift]:
            worker = workers[name]
            done = sum(reply is not None for reply in replies[name])
            request = request_for(name)
            over_budget = budget_s is not None and spent[name] > budget_s and done >= min_repeats
            if name in errors or request is None or over_budget:
                replies[name].append(None)
                continue
            time.sleep(settle_s)
            try:
                reply = worker.call(**request)
            except Exception as error:  # noqa: BLE001 - one broken reference must not hide the others
                errors[name] = str(error)
                replies[name].append(None)
                continue
            seconds = reply.get("seconds")
            spent[name] += seconds if isinstance(seconds, float) else 0.0
            replies[name].append(reply)
    return replies, errors


def paired_ratios(numerators, denominators):
    """Summary of numerator / denominator taken round by round (only rounds where both were measured).

    Pairing measurements taken seconds apart cancels most of the machine's slow drifts in load.
    """
    pairs = [a / b for a, b in zip(numerators, denominators) if a is not None and b]
    return summarize(pairs)


def load_average():
    """The 1, 5 and 15 minute load averages (how busy the shared machine was)."""
    try:
        return [round(v, 2) for v in os.getloadavg()]
    except OSError:
        return None


def _cpu_model():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _cpu_flags():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("flags"):
                flags = set(line.split(":", 1)[1].split())
                return sorted(f for f in flags if f.startswith(("avx", "fma", "amx")))
    except OSError:
        pass
    return []


def _memory_gib():
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                return round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    return None


def machine():
    """The machine: CPU, cores usable by this process, memory, OS and Python."""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {"cpu": _cpu_model(), "cpu_flags": _cpu_flags(), "logical_cpus": os.cpu_count(),
            "usable_cpus": usable, "memory_gib": _memory_gib(), "os": platform.platform(),
            "python": platform.python_version()}


def versions():
    found = {}
    for name in RECORDED_PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    return found


def git_commit():
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True,
                                text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPO,
                               capture_output=True, text=True, timeout=10).stdout.strip()
        return commit + ("+uncommitted changes" if dirty else "") if commit else None
    except (OSError, subprocess.SubprocessError):
        return None


def thread_settings():
    """Thread counts each library uses in this process (ask after the libraries are imported)."""
    settings = {"environment": {name: os.environ.get(name) for name in THREAD_VARIABLES}}
    try:
        from threadpoolctl import threadpool_info
        settings["native_pools"] = [{key: pool.get(key) for key in ("user_api", "internal_api", "num_threads")}
                                    for pool in threadpool_info()]
    except ImportError:
        settings["native_pools"] = None
    if "torch" in sys.modules:
        torch = sys.modules["torch"]
        settings["torch"] = {"intra_op": torch.get_num_threads(), "inter_op": torch.get_num_interop_threads()}
    if "jax" in sys.modules:
        jax = sys.modules["jax"]
        settings["jax"] = {"backend": jax.default_backend(), "devices": len(jax.devices()),
                           "note": "XLA:CPU runs one intra-op thread pool over every usable core"}
    return settings


class WorkerError(RuntimeError):
    pass


class Worker:
    """A `bench.worker` process for one implementation (see bench/worker.py), started at once.

    `ready()` waits for it to have imported its library and loaded the data; `call(op=..., ...)` sends one
    request and returns the reply. A worker that is not installed answers ready() with `unavailable`.
    """

    def __init__(self, implementation, data_dir, log_dir, environment=None):
        self.implementation = implementation
        environment = {**os.environ, **(environment or {})}
        environment["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), environment.get("PYTHONPATH")]))
        self.log_path = Path(log_dir) / f"{implementation}.{id(self)}.log"
        self._log = open(self.log_path, "w")
        self.process = subprocess.Popen([sys.executable, "-m", "bench.worker", implementation, str(data_dir)],
                                        cwd=REPO, env=environment, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=self._log, text=True, bufsize=1)
        self.info = None

    def _read(self, timeout):
        ready, _, _ = select.select([self.process.stdout], [], [], timeout)
        line = self.process.stdout.readline() if ready else ""
        if not line:
            self.close()
            tail = " | ".join(self.log_path.read_text(errors="replace").strip().splitlines()[-3:])
            why = "timed out" if not ready else f"exited ({self.process.returncode})"
            raise WorkerError(f"{self.implementation} worker {why}: {tail}")
        return json.loads(line)

    def ready(self, timeout=120):
        if self.info is None:
            self.info = self._read(timeout)
        return self.info

    def call(self, timeout=300, **request):
        self.ready()
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        reply = self._read(timeout)
        if "error" in reply:
            raise WorkerError(f"{self.implementation}: {reply['error']}")
        return reply

    def close(self):
        if self.process.poll() is None:
            try:
                self.process.stdin.write(json.dumps({"op": "exit"}) + "\n")
                self.process.stdin.flush()
                self.process.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                self.process.kill()
                self.process.wait()
        self._log.close()


def start_workers(implementations, data_dir, log_dir):
    """Start one worker per implementation (their imports overlap) and wait until all are ready.

    Returns ({name: Worker} for those that run, {name: reason} for those that could not start).
    """
    workers = {name: Worker(name, data_dir, log_dir) for name in implementations}
    running, missing = {}, {}
    for name, worker in workers.items():
        try:
            info = worker.ready()
        except WorkerError as error:
            missing[name] = str(error)
            continue
        if info.get("ready"):
            running[name] = worker
        else:
            missing[name] = info.get("unavailable", "did not start")
            worker.close()
    return running, missing


def run_json_module(module, *arguments, timeout=300, environment=None):
    """Run `python -m MODULE ARGUMENTS` in a fresh interpreter (os.environ updated with `environment`) and
    parse the JSON its last stdout line holds."""
    environment = {**os.environ, **(environment or {})}
    environment["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), environment.get("PYTHONPATH")]))
    environment.setdefault("MPLBACKEND", "Agg")
    completed = subprocess.run([sys.executable, "-m", module, *arguments], cwd=REPO, env=environment,
                               capture_output=True, text=True, timeout=timeout)
    lines = completed.stdout.strip().splitlines()
    if completed.returncode != 0 or not lines:
        tail = " | ".join((completed.stderr or completed.stdout).strip().splitlines()[-3:])
        raise WorkerError(f"python -m {module} failed ({completed.returncode}): {tail}")
    return json.loads(lines[-1])

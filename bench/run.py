"""The benchmark suite: `make bench` (or `.venv/bin/python bench/run.py`) -> bench/results.md and results.json.

Sections (see the module of each):
  1. digits      bench/digits.py          course_lib.fit against NumPy, JAX, Flax, PyTorch, scikit-learn
  2. wide_mlp    bench/wide_mlp.py        784-1024-1024-10: GFLOP/s as a share of the jitted matmul rate
  3. widgets     bench/widget_latency.py  widget update latency, Playground update rate
  4. cold_start  bench/cold_start.py      import course_lib, first fit
  5. notebooks   bench/notebooks.py       every notebook under nbval, and the whole course
  6. student_wait bench/student_wait.py    first run of every student notebook: first output, slowest cell

    .venv/bin/python bench/run.py                       # everything (8-10 minutes on the shared 2-core machine)
    .venv/bin/python bench/run.py --sections digits     # one section
    .venv/bin/python bench/run.py --quick --output-dir /tmp/bench   # tiny sizes, one repeat: a smoke test
"""
import argparse
import datetime
import json
import os
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):      # run as a script (bench/run.py): make `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import data as bench_data
from bench import digits, harness, notebooks, report, student_wait, wide_mlp
from bench.references import MODULES

SECTIONS = ("digits", "wide_mlp", "widgets", "cold_start", "notebooks", "student_wait")
DEFAULT_COMMAND = ".venv/bin/python bench/run.py"


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, one repeat, no notebooks (smoke test)")
    parser.add_argument("--sections", default=",".join(SECTIONS), help="comma-separated, from: " + ", ".join(SECTIONS))
    parser.add_argument("--implementations", default=",".join(MODULES),
                        help="comma-separated, from: " + ", ".join(MODULES))
    parser.add_argument("--repeats", type=int, default=None, help="rounds per warm measurement (default 5; quick 1)")
    parser.add_argument("--cold-repeats", type=int, default=None, help="fresh processes per cold measurement (3; quick 1)")
    parser.add_argument("--output-dir", type=Path, default=harness.BENCH, help="where results.md/.json go (bench/)")
    args = parser.parse_args(argv)
    args.sections = [s for s in args.sections.split(",") if s]
    args.implementations = [s for s in args.implementations.split(",") if s]
    for name in args.sections:
        if name not in SECTIONS:
            parser.error(f"unknown section {name!r}; choose from {', '.join(SECTIONS)}")
    for name in args.implementations:
        if name not in MODULES:
            parser.error(f"unknown implementation {name!r}; choose from {', '.join(MODULES)}")
    if args.quick and "--sections" not in " ".join(argv):
        args.sections = [s for s in args.sections if s not in ("notebooks", "student_wait")]
    args.repeats = args.repeats or (1 if args.quick else 5)
    args.cold_repeats = args.cold_repeats or (1 if args.quick else 3)
    return args


def thread_summary(threads):
    """One line per worker's thread pools, e.g. 'numpy: blas openblas 2'."""
    parts = []
    for name, settings in threads.items():
        if not isinstance(settings, dict) or "environment" not in settings:
            continue
        pools = [f"{p['user_api']} ({p['internal_api']}) {p['num_threads']}" for p in settings.get("native_pools") or []]
        if "torch" in settings:
            pools.insert(0, f"torch intra-op {settings['torch']['intra_op']}, inter-op {settings['torch']['inter_op']}")
        if "jax" in settings:
            pools.insert(0, f"XLA {settings['jax']['backend']} ({settings['jax']['devices']} device), one pool over all cores")
        parts.append(f"`{name}`: " + "; ".join(pools))
    environment = next((s["environment"] for s in threads.values() if isinstance(s, dict) and "environment" in s), {})
    set_variables = {k: v for k, v in environment.items() if v is not None}
    return "; ".join(parts) + f". Thread variables set: {set_variables or 'none'}."


def run_worker_sections(args, results, data_dir, log_dir, cache_root):
    needed = list(args.implementations)
    if "wide_mlp" in args.sections and wide_mlp.CEILING_WORKER not in needed:
        needed.append(wide_mlp.CEILING_WORKER)     # measures the matmul ceiling
    workers, unavailable = harness.start_workers(needed, data_dir, log_dir)
    try:
        for name, worker in workers.items():
            results["meta"]["threads"][name] = worker.call(op="threads")
        if "digits" in args.sections:
            digit_workers = {n: w for n, w in workers.items() if n in args.implementations}
            section = digits.run(digit_workers, args.repeats, quick=args.quick)
            section["unavailable"] = {n: why for n, why in unavailable.items() if n in args.implementations}
            results["sections"]["digits"] = section
            print("digits: warm runs done", flush=True)
        if "wide_mlp" in args.sections:
            trainers = [n for n in wide_mlp.IMPLEMENTATIONS if n in args.implementations]
            section = wide_mlp.run(workers, trainers, args.repeats, quick=args.quick)
            section["examples_per_epoch"] = len(bench_data.load(Path(data_dir) / "wide.npz")[0].x_train)
            results["sections"]["wide_mlp"] = section
            print("wide_mlp: done", flush=True)
    finally:
        for worker in workers.values():
            worker.close()
    if "digits" in args.sections:
        # After the warm workers are gone, so that nothing else of ours holds memory or threads.
        digits.cold_runs(results["sections"]["digits"], data_dir, log_dir, args.cold_repeats, cache_root)
        print("digits: cold runs done", flush=True)


def run_cold_start(repeats, cache_root):
    """Fresh interpreters, each with a new, empty compilation cache for course_lib; then, for the first fit
    only, a second fresh interpreter that finds the cache the first one filled."""
    measured, cached = [], []
    for i in range(repeats):
        environment = {harness.CACHE_VARIABLE: str(Path(cache_root) / f"cold-start-{i}")}
        measured.append(harness.run_json_module("bench.cold_start", environment=environment))
        cached.append(harness.run_json_module("bench.cold_start", environment=environment))
    section = {key: harness.summarize([m[key] for m in measured]) for key in measured[0]}
    section["first_fit_cache_filled"] = harness.summarize([m["first_fit"] for m in cached])
    section["repeats"] = repeats
    return section


def run_sections(args, results, cache_root):
    with tempfile.TemporaryDirectory(prefix="course-bench-") as tmp:
        data_dir, log_dir = Path(tmp) / "data", Path(tmp) / "logs"
        data_dir.mkdir()
        log_dir.mkdir()
        if {"digits", "wide_mlp"} & set(args.sections):
            bench_data.save(data_dir / "digits.npz", bench_data.digits(), bench_data.initial_params(bench_data.DIGITS_SIZES))
            bench_data.save(data_dir / "wide.npz", bench_data.wide(1024 if args.quick else 4096),
                            bench_data.initial_params(bench_data.WIDE_SIZES))
            run_worker_sections(args, results, data_dir, log_dir, cache_root)
    if "widgets" in args.sections:
        try:
            # Widget updates to time, then seconds of Playground training to count updates over.
            results["sections"]["widgets"] = harness.run_json_module("bench.widget_latency", *(
                ("10", "1") if args.quick else ("50", "3")))
        except harness.WorkerError as error:
            results["sections"]["widgets"] = {"widget_update": {"status": "failed", "why": str(error)},
                                              "playground": {"status": "failed", "why": str(error)}}
        for pause in ("0", "1"):
            try:      # each in a fresh process: no program compiled yet, an empty compilation cache
                results["sections"]["widgets"][f"first_step_pause_{pause}"] = harness.run_json_module(
                    "bench.widget_latency", "first-step", pause, *(("2",) if args.quick else ()))
            except harness.WorkerError as error:
                results["sections"]["widgets"][f"first_step_pause_{pause}"] = {"status": "failed", "why": str(error)}
        print("widgets: done", flush=True)
    if "cold_start" in args.sections:
        results["sections"]["cold_start"] = run_cold_start(args.cold_repeats, cache_root)
        print("cold_start: done", flush=True)
    if "notebooks" in args.sections:
        # The course as a first run on a machine: course_lib's compilation cache starts empty.
        results["sections"]["notebooks"] = notebooks.run(
            environment={harness.CACHE_VARIABLE: str(cache_root / "notebooks")})
        print("notebooks: done", flush=True)
    if "student_wait" in args.sections:
        results["sections"]["student_wait"] = harness.run_json_module("bench.student_wait")
        print("student_wait: done", flush=True)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    started = time.perf_counter()
    results = {"meta": {"command": DEFAULT_COMMAND + (" " + " ".join(sys.argv[1:]) if argv is None and sys.argv[1:] else ""),
                        "started": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
                        "commit": harness.git_commit(), "machine": harness.machine(), "versions": harness.versions(),
                        "load_average_start": harness.load_average(), "threads": {},
                        "options": {"quick": args.quick, "repeats": args.repeats, "cold_repeats": args.cold_repeats,
                                    "sections": args.sections, "implementations": args.implementations}},
               "sections": {}}
    # course_lib's persistent compilation cache (course_lib/training.py) lives in this run's own directories,
    # never in the user's ~/.cache: the warm workers fill `filled`, cold runs choose filled or empty.
    caches = tempfile.TemporaryDirectory(prefix="course-bench-caches-")
    cache_root = Path(caches.name)
    previous_cache_setting = os.environ.get(harness.CACHE_VARIABLE)
    os.environ[harness.CACHE_VARIABLE] = str(cache_root / "filled")
    try:
        run_sections(args, results, cache_root)
    finally:
        if previous_cache_setting is None:
            os.environ.pop(harness.CACHE_VARIABLE, None)
        else:
            os.environ[harness.CACHE_VARIABLE] = previous_cache_setting
        caches.cleanup()

    meta = results["meta"]

    meta["load_average_end"] = harness.load_average()
    meta["finished"] = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
    meta["duration_s"] = time.perf_counter() - started
    meta["thread_summary"] = thread_summary(meta["threads"])
    results["targets"] = report.targets(results)

    args.output_dir.mkdir(parents=True, exist_ok=True)
    (args.output_dir / "results.json").write_text(json.dumps(results, indent=1) + "\n")
    text = report.markdown(results)
    (args.output_dir / "results.md").write_text(text)
    print(text)
    return results


if __name__ == "__main__":
    main()

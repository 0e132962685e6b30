"""`make test`: every test of the course in three phases, arranged for a 2-core machine.

    python -m tools.run_tests            # what `make test` runs
    python -m tools.run_tests --fast     # `make test FAST=1`: no browser tests, nothing marked slow
    python -m tools.run_tests --nbval    # `make nbval`: only nbval over solutions/ and notebooks/

1. **unit**: the unit tests on both cores (pytest-xdist, one test file per worker, so a file's module fixtures,
   such as the nbgrader course of tests/test_grading.py, are built once). They keep both cores busy.
2. **JupyterLab**: the JupyterLab browser tests, alone: one JupyterLab and one Chromium keep about 1.4 cores busy,
   several tests wait for a compile within a few seconds, and one counts the Playground's updates per second in
   the browser (busy workers beside it would measure the machine, not the Playground).
3. **nbval and the static pages**: nbval over solutions/ and notebooks/ on two workers, beside the browser tests
   of the built site and decks (nothing timed there).

Each job's output goes to a file and is printed in full when its phase ends; the phases' wall-clock times come
last. The exit status is 0 only when every job passed.

Measured on this 2-core machine (quiet, 2026-12-08): the unit tests use about 260 to 350 CPU-seconds (1.8 cores
busy), the JupyterLab tests about 130 (1.3 cores; 250 before they shared one JupyterLab page, 190 before the
Playground's clock moved into the kernel), nbval about 160 (1.8 cores), the static pages' tests about 150 (1.3
cores): 700 to 800 CPU-seconds, so no order of these jobs can take much less than 6 to 7 minutes on two cores.
CI dry runs of this order took 408 and 409 s and, in between the same day with every phase 15 to 35% slower
(the machine, not the code), 481, 504 and 511 s. Running everything that is not timed at once (nbval, both browser
jobs) was tried: 337 s for that phase, no faster. So was nbval under `nice -n 19` beside the JupyterLab tests, to use
the core they leave idle: the Linux scheduler's autogroups share the CPU between sessions first, and every kernel
runs in a session of its own, so nice held nothing back (the JupyterLab tests took 187 s instead of 105, and the
Playground's rate fell from about 28 to 16 updates/s).
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTEST = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q"]
TWO_WORKERS = ["-n", "2", "--dist", "loadfile"]
# The notebooks' kernels inherit this environment: the inline backend, so that an MPLBACKEND=Agg in the shell cannot
# leave the figures out of the outputs nbval compares.
NOTEBOOK_ENV = {"MPLBACKEND": "module://matplotlib_inline.backend_inline"}
NBVAL = ["--nbval", "--nbval-current-env", "--nbval-sanitize-with", "tests/nbval_sanitize.cfg"]
STATIC_BROWSER = ["tests/browser/test_publish_browser.py", "tests/browser/test_accessibility_browser.py"]


def nbval_command(paths, two_workers=True):
    """pytest running the notebooks `paths` under nbval as CI does (run it with NOTEBOOK_ENV); also used by
    `make nbval` and bench/device_check.py."""
    return PYTEST + NBVAL + (TWO_WORKERS if two_workers else []) + list(paths)


def jobs(fast=False, nbval_only=False):
    """The phases: a list of (phase name, [(job name, command, extra environment)])."""
    nbval = ("nbval over solutions/ and notebooks/", nbval_command(["solutions", "notebooks"]), NOTEBOOK_ENV)
    if nbval_only:
        return [("nbval", [nbval])]
    if fast:
        return [("unit", [("unit tests (not browser, not slow)",
                           PYTEST + TWO_WORKERS + ["-m", "not browser and not slow", "tests"], {})]),
                ("nbval", [nbval])]
    lab = PYTEST + ["-s", "-m", "browser", "tests/browser"] + [f"--ignore={path}" for path in STATIC_BROWSER]
    return [
        ("unit", [("unit tests", PYTEST + TWO_WORKERS + ["-m", "not browser", "tests"], {})]),
        ("JupyterLab", [("JupyterLab browser tests (alone)", lab, {})]),
        ("nbval and the static pages", [
            nbval, ("browser tests of the built site and decks", PYTEST + ["-m", "browser"] + STATIC_BROWSER, {})]),
    ]


def run_phase(phase, phase_jobs, log_dir):
    """Start every job of the phase, wait for all, print their outputs; returns [(job name, exit status, seconds)]."""
    started = []
    for index, (name, command, extra_env) in enumerate(phase_jobs):
        log = open(log_dir / f"{phase}-{index}.log", "w+", encoding="utf-8")
        process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **extra_env}, stdout=log,
                                   stderr=subprocess.STDOUT, text=True)
        started.append((name, process, log, time.perf_counter()))
    ended = {}                              # job index -> (exit status, seconds), as each job ends
    while len(ended) < len(started):
        for index, (_, process, _, start) in enumerate(started):
            if index not in ended and process.poll() is not None:
                ended[index] = (process.returncode, time.perf_counter() - start)
        time.sleep(0.2)
    results = [(name, *ended[index]) for index, (name, _, _, _) in enumerate(started)]
    for (name, status, seconds), (_, _, log, _) in zip(results, started):
        log.seek(0)
        print(f"\n--- {phase}: {name} ({seconds:.0f} s, {'passed' if status == 0 else f'FAILED, exit {status}'})",
              flush=True)
        sys.stdout.write(log.read())
        log.close()
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tools.run_tests", description=__doc__.splitlines()[0])
    parser.add_argument("--fast", action="store_true",
                        help="leave out the browser tests and the tests marked slow (a quick local loop)")
    parser.add_argument("--nbval", action="store_true", help="only nbval over solutions/ and notebooks/ (make nbval)")
    args = parser.parse_args(argv)
    summary, failed = [], False
    with tempfile.TemporaryDirectory(prefix="course-tests-") as tmp:
        for phase, phase_jobs in jobs(args.fast, args.nbval):
            start = time.perf_counter()
            results = run_phase(phase, phase_jobs, Path(tmp))
            summary.append((phase, time.perf_counter() - start, results))
            failed = failed or any(status != 0 for _, status, _ in results)
    print(f"\n=== make {'nbval' if args.nbval else 'test'}: phases (wall clock)")
    for phase, seconds, results in summary:
        jobs_text = "; ".join(f"{name} {job_seconds:.0f} s{'' if status == 0 else ' FAILED'}"
                              for name, status, job_seconds in results)
        print(f"{phase}: {seconds:.0f} s ({jobs_text})")
    print(f"total: {sum(seconds for _, seconds, _ in summary):.0f} s; {'FAILED' if failed else 'all passed'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

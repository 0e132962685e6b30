"""`make device-check`: run the course where JAX finds an accelerator (or on the CPU), and write a short report.

1. `course_lib.devices.report()`: what JAX found, and why not more.
2. Notebook 08 (hardware, jit, devices) under nbval, as CI checks it.
3. The digits and wide-MLP benchmarks for `course_lib.fit` and the hand-tuned JAX reference (bench/run.py).

The report goes to bench/device_check/<platform>-<device kind>.md (with the raw JSON beside it), so that a run on a
GPU or TPU machine can be committed. It is not part of `make test`: on a CPU it takes a few minutes.

    .venv/bin/python -m bench.device_check                 # everything
    .venv/bin/python -m bench.device_check --quick         # tiny benchmark sizes (a smoke test)
"""
import argparse
import datetime
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import REPO

OUT = REPO / "bench" / "device_check"
NOTEBOOK = "solutions/08_hardware_jit_devices.ipynb"


def device_report():
    from course_lib import devices

    report = devices.report()
    return report, str(report)


def run_notebook_08():
    from tools.run_tests import NOTEBOOK_ENV, nbval_command

    start = time.perf_counter()
    done = subprocess.run(nbval_command([NOTEBOOK], two_workers=False), cwd=REPO, capture_output=True, text=True,
                          env={**os.environ, **NOTEBOOK_ENV})
    summary = [line for line in done.stdout.splitlines() if re.search(r"\d+ (passed|failed)", line)]
    return {"returncode": done.returncode, "seconds": round(time.perf_counter() - start, 1),
            "summary": summary[-1] if summary else done.stdout[-500:],
            "failures": done.stdout[-4000:] if done.returncode else ""}


def run_benchmarks(quick):
    with tempfile.TemporaryDirectory(prefix="device-check-") as out:
        command = [sys.executable, "bench/run.py", "--sections", "digits,wide_mlp", "--implementations",
                   "course_lib.fit,jax_scan", "--repeats", "1" if quick else "3", "--cold-repeats", "1",
                   "--output-dir", out] + (["--quick"] if quick else [])
        done = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
        if done.returncode:
            return {"returncode": done.returncode, "error": done.stderr[-3000:]}
        return {"returncode": 0, "markdown": (Path(out) / "results.md").read_text(),
                "results": json.loads((Path(out) / "results.json").read_text())}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny benchmark sizes, one repeat")
    args = parser.parse_args(argv)
    report, text = device_report()
    print(text, flush=True)
    notebook = run_notebook_08()
    print(f"notebook 08 under nbval: {notebook['summary']} ({notebook['seconds']} s)", flush=True)
    bench = run_benchmarks(args.quick)
    import jax

    kind = re.sub(r"[^A-Za-z0-9_.-]+", "-", jax.devices()[0].device_kind)
    name = f"{report.platform}-{kind}".strip("-").lower()
    OUT.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
    lines = [f"# Device check: {report.platform}, {kind}", "",
             f"`make device-check`{' --quick' if args.quick else ''} on {stamp}.", "",
             "## What JAX found", "", "```", text, "```", "",
             "## Notebook 08 under nbval", "", f"{notebook['summary']} in {notebook['seconds']} s.", ""]
    if notebook["failures"]:
        lines += ["```", notebook["failures"], "```", ""]
    lines += ["## Benchmarks (course_lib.fit and hand-tuned JAX)", ""]
    if bench["returncode"]:
        lines += ["The benchmarks failed:", "", "```", bench["error"], "```"]
    else:
        lines += [bench["markdown"].split("\n", 2)[-1]]
    (OUT / f"{name}.md").write_text("\n".join(lines) + "\n")
    (OUT / f"{name}.json").write_text(json.dumps({"report": text, "notebook_08": notebook,
                                                  "bench": bench.get("results")}, indent=1) + "\n")
    print(f"report written to {(OUT / f'{name}.md').relative_to(REPO)}")
    return 0 if notebook["returncode"] == 0 and bench["returncode"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())

"""Where play's CPU goes on this machine: the Playground playing in a real JupyterLab, CPU per process per update.

    .venv/bin/python -m bench.playground_browser_cpu                # 8 s of play, 3 features -> 5 -> 1, spiral
    .venv/bin/python -m bench.playground_browser_cpu --seconds 4 --profile build/play.cpuprofile

It starts a JupyterLab server and Debian's headless Chromium with the browser tests' harness
(tests/browser/jupyterlab.py), opens a one-cell notebook with the Playground, presses Play, waits 3 s, then counts
for `--seconds` the frames that arrive (the clock's data-frame), the paints of the output plane (its data-paints)
and the CPU time every process used (from /proc: the kernel, the Jupyter server, each kind of Chromium process,
Playwright), and prints CPU-milliseconds per update for each. `--profile` also saves a Chrome CPU profile of the
page over that time (open it in Chrome's DevTools, Performance panel). bench/README.md ("The Playground's clock
moves into the kernel") has what it measured. The course's code under test is whatever `import course_lib`
finds: set PYTHONPATH to a copy of another tree to measure that one.
"""
import argparse
import json
import os
import tempfile
import time
from pathlib import Path

import nbformat

from tests.browser.jupyterlab import REPO_ROOT, LabNotebook, LabServer, launch_chromium, new_lab_page

NOTEBOOK = "build/bench_playground_play.ipynb"
PLAYGROUND = ("from course_lib.playground import PlaygroundConfig\n"
              "from course_lib.widgets.playground import Playground\n"
              "Playground(PlaygroundConfig(dataset='spiral', features=('x1', 'x2', 'x1^2'), hidden=(5,),"
              " activations=('tanh',)))")


def cpu_seconds_by_process():
    """{pid: (user + system CPU seconds, command line)} of every process this user can read."""
    ticks = os.sysconf("SC_CLK_TCK")
    table = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
            command = Path(f"/proc/{pid}/cmdline").read_text().replace("\0", " ")
        except OSError:
            continue                     # ended meanwhile
        fields = stat[stat.rfind(")") + 2:].split()      # after "pid (name) "
        table[int(pid)] = ((int(fields[11]) + int(fields[12])) / ticks, command)
    return table


def kind_of(command):
    """Which part of the loop a process is, or None for the rest of the machine."""
    if "ipykernel" in command:
        return "kernel"
    if "jupyter" in command and "lab" in command:
        return "Jupyter server"
    if "chromium" in command:
        for kind in ("renderer", "gpu-process", "utility"):
            if f"--type={kind}" in command:
                return f"Chromium {kind}"
        return "Chromium browser"
    if "playwright" in command or "bench.playground_browser_cpu" in command:
        return "Playwright (the measurement)"
    return None


def measure(seconds=8.0, profile=None):
    from playwright.sync_api import sync_playwright

    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(PLAYGROUND)])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                       "language": "python"}
    (REPO_ROOT / NOTEBOOK).parent.mkdir(exist_ok=True)
    nbformat.write(notebook, REPO_ROOT / NOTEBOOK)
    with LabServer.running(REPO_ROOT, tempfile.mkdtemp()) as server, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = new_lab_page(browser)
        lab = LabNotebook.open(page, server, NOTEBOOK)
        lab.run_all(timeout=120)
        root = lab.output(0).locator(".course-playground")
        clock, plane = root.locator(".course-playground-clock"), root.locator("canvas.course-plane-canvas")
        root.locator("button.course-playground-play").click()
        page.wait_for_timeout(3000)                          # past the first compile
        cdp = page.context.new_cdp_session(page)
        if profile:
            cdp.send("Profiler.enable")
            cdp.send("Profiler.setSamplingInterval", {"interval": 200})
            cdp.send("Profiler.start")
        frame_0, paint_0 = int(clock.get_attribute("data-frame")), int(plane.get_attribute("data-paints"))
        time_0, cpu_0 = time.monotonic(), cpu_seconds_by_process()
        page.wait_for_timeout(seconds * 1000)
        frame_1, paint_1 = int(clock.get_attribute("data-frame")), int(plane.get_attribute("data-paints"))
        time_1, cpu_1 = time.monotonic(), cpu_seconds_by_process()
        if profile:
            Path(profile).write_text(json.dumps(cdp.send("Profiler.stop")["profile"]))
        root.locator("button.course-playground-play").click()
        browser.close()
    elapsed, frames = time_1 - time_0, frame_1 - frame_0
    by_kind = {}
    for pid, (used, command) in cpu_1.items():
        kind = kind_of(command)
        if kind:
            by_kind[kind] = by_kind.get(kind, 0.0) + used - cpu_0.get(pid, (0.0, ""))[0]
    return {"arrived_per_s": frames / elapsed, "painted_per_s": (paint_1 - paint_0) / elapsed, "seconds": elapsed,
            "frames": frames, "cpu_s": by_kind, "load_average_1_min": os.getloadavg()[0]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8.0, help="how long to count (default 8)")
    parser.add_argument("--profile", help="also save a Chrome CPU profile of the page to this file")
    args = parser.parse_args()
    result = measure(args.seconds, args.profile)
    frames = max(result["frames"], 1)
    print(f"{result['arrived_per_s']:.1f} updates/s arrived, {result['painted_per_s']:.1f}/s painted over "
          f"{result['seconds']:.1f} s (load {result['load_average_1_min']:.2f})")
    total = sum(result["cpu_s"].values())
    for kind, used in sorted(result["cpu_s"].items(), key=lambda item: -item[1]):
        print(f"  {kind:30s} {used:6.2f} CPU-s  {1000 * used / frames:6.1f} ms per update")
    print(f"  {'all of them':30s} {total:6.2f} CPU-s  {1000 * total / frames:6.1f} ms per update "
          f"({total / result['seconds']:.2f} cores)")


if __name__ == "__main__":
    main()

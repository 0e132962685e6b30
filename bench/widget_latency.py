"""Section 3: how quickly the widgets answer (run in a fresh process: `python -m bench.widget_latency [N] [SECONDS]`).

Widget update: new weights -> redrawn NetworkDiagram and linked DecisionBoundary, timed by the widgets'
`bench.widget_candidates.benchmark_update_latency` (kernel side: compute + serialise the messages; the
browser's painting runs in parallel in another process and is not included). Target: median under 30 ms.

Playground: visual updates per second while it trains a 2-8-8-1 network (tanh, spiral), from
`benchmark_updates_per_second(seconds=SECONDS)` here. One update is what the
Playground does for each frame its clock asks for: train one chunk of epochs (2 per update) in one jitted
call, then recompute every view (the diagram with its 19 neuron tiles, redrawn at every update here, which
is the slower case: play itself redraws the diagram at most 10 times a second; the 64x64 output plane with
its points; the loss curve; the numbers) and serialise every message as the kernel sends it. The rate is
updates done / wall-clock seconds, kernel side. What a browser adds is not in it: the messages (about
52 kB per update here with the diagram redrawn every time, 46 kB of it the diagram; the plane sends one byte a
pixel, the loss curve its new points, the points and palettes only when they change: `bytes_per_view`) travel over
the websocket and are painted by the browser's own process, in parallel with the kernel, so on this 2-core
machine it competes for the same cores. Beside it, "browser" holds what the last run of
tests/browser/test_playground_browser.py saw arrive and painted in a real JupyterLab (and when it ran).
Target: at least 20 per second in the browser.
Playground, first step after "+ neuron": a click on + (a new network, never compiled in this process, with an
empty compilation cache), then, after a pause, one step; the time from the click to the end of the step, minus
the pause. The Playground compiles the new network's program in the background as soon as the network changes
(and then the networks one more click away), so what is measured is how much of the compile is still left when
the student presses step: with no pause (the worst case) and with a 1-second pause (a person moving to the step
button). Target: median under 300 ms.
Anything not there yet is reported as "not available yet", never as a number.
"""
import datetime
import json
import statistics
import sys
import time
from pathlib import Path

from bench.recording_comm import RecordingComm


def widget_update(n):
    from bench.widget_candidates import benchmark_update_latency

    return {"status": "measured", **benchmark_update_latency(n=n)}


BROWSER_RATE = Path(__file__).resolve().parents[1] / "tests" / "browser" / "screenshots" / "playground_rate.json"


def playground_rate(seconds):
    """The kernel-side rate measured now, and beside it the rate the last browser test saw arrive and painted in
    a real JupyterLab (tests/browser/test_playground_browser.py writes it), with when that test ran."""
    result = {"status": "measured", "seconds": seconds, **benchmark_updates_per_second(seconds=seconds)}
    if BROWSER_RATE.is_file():
        browser = json.loads(BROWSER_RATE.read_text(encoding="utf-8"))
        measured_at = datetime.datetime.fromtimestamp(BROWSER_RATE.stat().st_mtime, datetime.timezone.utc)
        result["browser"] = {**browser, "measured_at": measured_at.isoformat(timespec="seconds")}
    else:
        result["browser"] = {"status": "not measured: run tests/browser/test_playground_browser.py"}
    return result


def benchmark_updates_per_second(seconds=3.0, epochs_per_update=2, hidden=(8, 8), dataset="spiral",
                                 activation="tanh"):
    """Visual updates per second of the Playground while it trains a 2-8-8-1 network, in this Python process.

    One update is what play does for each frame: train `epochs_per_update` epochs in one jitted chunk, then
    recompute what every view draws (the diagram with its 19 neuron tiles, the 64×64 output plane with 400
    points, the loss curve, the numbers) and serialise every message as the kernel would send it. Painting in
    the browser runs in another process, in parallel, and is not included (tests/browser/test_playground_browser.py
    counts the updates that arrive in a real JupyterLab).

    Returns {"updates_per_s", "median_ms", "train_ms", "draw_ms", "n", "epochs_per_update", "bytes_per_update",
    "bytes_per_view", "config"}.
    """
    from course_lib.playground import PlaygroundConfig
    from course_lib.widgets.playground import Playground

    config = PlaygroundConfig(dataset=dataset, hidden=tuple(hidden), activations=activation, noise=0.0)
    # diagram_interval=0: every view, the diagram with its tiles included, is redrawn at every update (play itself
    # redraws the diagram at most 10 times a second, so this is the slower, conservative case).
    playground = Playground(config, epochs_per_update=epochs_per_update, diagram_interval=0)
    names = ("diagram", "plane", "curve", "clock", "losses")
    views = [getattr(playground, name) for name in names]
    comms = [RecordingComm() for _ in views]
    for view, comm in zip(views, comms):
        view.comm = comm
    playground.clock.running = True
    for _ in range(3):                      # compile and warm up
        playground._on_clock_message(None, {"type": "ask", "until": playground.clock.frame + 1}, [])
    playground.timings = {"train_ms": [], "draw_ms": []}
    bytes_before = [c.bytes for c in comms]
    durations = []
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        begin = time.perf_counter()
        playground._on_clock_message(None, {"type": "ask", "until": playground.clock.frame + 1}, [])
        durations.append(time.perf_counter() - begin)
    elapsed = time.perf_counter() - start
    playground.clock.running = False
    n = len(durations)
    result = {
        "updates_per_s": round(n / elapsed, 1),
        "median_ms": round(1000 * statistics.median(durations), 2),
        "train_ms": round(statistics.median(playground.timings["train_ms"]), 2),
        "draw_ms": round(statistics.median(playground.timings["draw_ms"]), 2),
        "n": n,
        "epochs_per_update": epochs_per_update,
        "bytes_per_update": sum(c.bytes - b for c, b in zip(comms, bytes_before)) // max(n, 1),
        # per view: the diagram's share is per update here (redrawn at every one); in play it is redrawn at most
        # 10 times a second, so at 20 updates/s an update carries half of it
        "bytes_per_view": {name: (c.bytes - b) // max(n, 1) for name, c, b in zip(names, comms, bytes_before)},
        "epochs_trained": playground.state.epoch,
        "config": (f"Playground, network [2, {', '.join(map(str, hidden))}, 1] {activation}, {dataset} "
                   f"({config.n_train} training points, batch {config.batch_size}), diagram with neuron tiles "
                   f"{playground.diagram._options['resolution']}² redrawn every update, plane 64², loss curve; "
                   "kernel side, messages serialised"),
    }
    for view in views:
        view.comm = None
    return result


# The clicks of one run: + and - on the neurons of the two layers of the default 2-4-2-1 network.
CLICKS = ((0, +1), (1, +1), (0, +1), (1, -1), (0, +1), (0, -1), (1, +1))


def first_step_after_change(pause, clicks=len(CLICKS)):
    """Median seconds from a click on + or - (neurons) to the end of the next step, minus `pause`, over the first
    `clicks` of CLICKS (`bench/run.py --quick` takes 2: a smoke test of the measurement, not a figure)."""
    import os
    import statistics
    import tempfile
    import time

    os.environ["COURSE_LIB_COMPILATION_CACHE"] = tempfile.mkdtemp(prefix="bench-playground-cache-")
    from course_lib.widgets.playground import Playground

    playground = Playground()
    time.sleep(pause)
    playground.step()
    times = []
    for layer, delta in CLICKS[:clicks]:
        start = time.perf_counter()
        playground._change_neurons(layer, delta)        # what the + / - button calls
        time.sleep(pause)
        playground.step()
        times.append(time.perf_counter() - start - pause)
    return {"status": "measured", "pause_s": pause, "median_s": statistics.median(times), "min_s": min(times),
            "max_s": max(times), "n": len(times), "architectures": len(times)}


def main(argv):
    if argv and argv[0] == "first-step":
        print(json.dumps(first_step_after_change(float(argv[1]), *map(int, argv[2:3]))))
        return
    n = int(argv[0]) if argv else 50
    seconds = float(argv[1]) if len(argv) > 1 else 3.0
    print(json.dumps({"widget_update": widget_update(n), "playground": playground_rate(seconds)}))


if __name__ == "__main__":
    main(sys.argv[1:])

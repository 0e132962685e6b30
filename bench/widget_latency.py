"""Section 3: how quickly the widgets answer (run in a fresh process: `python -m bench.widget_latency [N] [SECONDS]`).

Widget update: new weights -> redrawn NetworkDiagram and linked DecisionBoundary, timed by the widgets'
`bench.widget_candidates.benchmark_update_latency` (kernel side: compute + serialise the messages; the
browser's painting runs in parallel in another process and is not included). Target: median under 30 ms.

Playground: visual updates per second while it trains a 2-8-8-1 network (tanh, spiral), from
`course_lib.widgets.playground.benchmark_updates_per_second(seconds=SECONDS)`. One update is what the
Playground does for each frame its clock asks for: train one chunk of epochs (2 per update) in one jitted
call, then recompute every view (the diagram with its 19 neuron tiles, redrawn at every update here, which
is the slower case: play itself redraws the diagram at most 10 times a second; the 64x64 output plane with
its points; the loss curve; the numbers) and serialise every message as the kernel sends it. The rate is
updates done / wall-clock seconds, kernel side. What a browser adds is not in it: the messages (about
75 kB per update) travel over the websocket and are painted by the browser's own process, in parallel with
the kernel, so on this 2-core machine it competes for the same cores;
tests/browser/test_playground_browser.py counts the updates that reach a real JupyterLab. Target: at
least 20 per second.
Playground, first step after "+ neuron": a click on + (a new network, never compiled in this process, with an
empty compilation cache), then, after a pause, one step; the time from the click to the end of the step, minus
the pause. The Playground compiles the new network's program in the background as soon as the network changes
(and then the networks one more click away), so what is measured is how much of the compile is still left when
the student presses step: with no pause (the worst case) and with a 1-second pause (a person moving to the step
button). Target: median under 300 ms.
Anything not there yet is reported as "not available yet", never as a number.
"""
import json
import sys


def widget_update(n):
    from bench.widget_candidates import benchmark_update_latency

    return {"status": "measured", **benchmark_update_latency(n=n)}


def playground_rate(seconds):
    try:
        from course_lib.widgets import playground
    except ModuleNotFoundError as error:
        if error.name not in ("course_lib.widgets.playground", "course_lib.playground"):
            raise      # the playground exists but something it needs is broken: that must show, not pass for "not yet"
        return {"status": "not available yet", "why": f"course_lib.widgets.playground: {error}"}
    hook = getattr(playground, "benchmark_updates_per_second", None)
    if hook is None:
        return {"status": "not available yet",
                "why": "course_lib.widgets.playground has no benchmark_updates_per_second() yet"}
    return {"status": "measured", "seconds": seconds, **hook(seconds=seconds)}


# The clicks of one run: + and - on the neurons of the two layers of the default 2-4-2-1 network.
CLICKS = ((0, +1), (1, +1), (0, +1), (1, -1), (0, +1), (0, -1), (1, +1))


def first_step_after_change(pause):
    """Median seconds from a click on + or - (neurons) to the end of the next step, minus `pause`."""
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
    for layer, delta in CLICKS:
        start = time.perf_counter()
        playground._change_neurons(layer, delta)        # what the + / - button calls
        time.sleep(pause)
        playground.step()
        times.append(time.perf_counter() - start - pause)
    return {"status": "measured", "pause_s": pause, "median_s": statistics.median(times), "min_s": min(times),
            "max_s": max(times), "n": len(times), "architectures": len(CLICKS)}


def main(argv):
    if argv and argv[0] == "first-step":
        print(json.dumps(first_step_after_change(float(argv[1]))))
        return
    n = int(argv[0]) if argv else 50
    seconds = float(argv[1]) if len(argv) > 1 else 3.0
    print(json.dumps({"widget_update": widget_update(n), "playground": playground_rate(seconds)}))


if __name__ == "__main__":
    main(sys.argv[1:])

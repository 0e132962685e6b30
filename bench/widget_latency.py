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


def main(argv):
    n = int(argv[0]) if argv else 50
    seconds = float(argv[1]) if len(argv) > 1 else 3.0
    print(json.dumps({"widget_update": widget_update(n), "playground": playground_rate(seconds)}))


if __name__ == "__main__":
    main(sys.argv[1:])

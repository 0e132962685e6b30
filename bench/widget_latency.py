"""Section 3: how quickly the widgets answer (run in a fresh process: `python -m bench.widget_latency [N]`).

Widget update: new weights -> redrawn NetworkDiagram and linked DecisionBoundary, timed by the widgets'
own `course_lib.widgets.benchmark_update_latency` (kernel side: compute + serialise the messages; the
browser's painting runs in parallel in another process and is not included). Target: median under 30 ms.
Playground: visual updates per second while training a 2-8-8-1 network, from
`course_lib.playground.benchmark_update_rate()` once the playground has one. Target: at least 20 per second.
Anything not there yet is reported as "not available yet", never as a number.
"""
import importlib
import json
import sys

PLAYGROUND_HOOK = "benchmark_update_rate"


def widget_update(n):
    try:
        from course_lib.widgets.bench import benchmark_update_latency
    except ModuleNotFoundError as error:
        if error.name not in ("course_lib.widgets", "course_lib.widgets.bench"):
            raise
        return {"status": "not available yet", "why": f"course_lib.widgets.bench: {error}"}
    return {"status": "measured", **benchmark_update_latency(n=n)}


def playground_rate():
    try:
        playground = importlib.import_module("course_lib.playground")
    except ModuleNotFoundError as error:
        if error.name != "course_lib.playground":
            raise      # the playground exists but is broken: that must show, not pass for "not yet"
        return {"status": "not available yet", "why": f"course_lib.playground: {error}"}
    hook = getattr(playground, PLAYGROUND_HOOK, None)
    if hook is None:
        return {"status": "not available yet",
                "why": f"course_lib.playground has no {PLAYGROUND_HOOK}() to measure its update rate"}
    return {"status": "measured", **hook()}


def main(argv):
    n = int(argv[0]) if argv else 50
    print(json.dumps({"widget_update": widget_update(n), "playground": playground_rate()}))


if __name__ == "__main__":
    main(sys.argv[1:])

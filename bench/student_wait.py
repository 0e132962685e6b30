"""Section 6: what a student waits for on a first run (`python -m bench.student_wait [NOTEBOOK ...]`, one JSON line).

Every student notebook (notebooks/, the version a student opens) is run top to bottom in a fresh kernel with an
empty course_lib compilation cache, as on a student's first run. For each notebook:
  first_output_s   from asking for the kernel to the end of the first cell that shows something (the student
                   presses Shift+Enter on a fresh kernel and waits this long to see anything)
  slowest_cell_s   the longest single cell (the kernel's own execute_input -> execute_reply timestamps), and
                   which cell it was
  total_s          the whole notebook, kernel start included
Targets (issue 11): first output under 2 s, no cell over 2 s.
"""
import datetime
import json
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FIRST_OUTPUT_TARGET_S = 2.0
SLOWEST_CELL_TARGET_S = 2.0


def _seconds_between(start, end):
    parse = datetime.datetime.fromisoformat
    return (parse(end.replace("Z", "+00:00")) - parse(start.replace("Z", "+00:00"))).total_seconds()


def measure_notebook(path, timeout=120):
    """Run one notebook in a fresh kernel whose compilation cache is a new, empty directory."""
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    finished = {}
    with tempfile.TemporaryDirectory(prefix="student-wait-cache-") as cache:
        environment = dict(os.environ, COURSE_LIB_COMPILATION_CACHE=cache,
                           MPLBACKEND="module://matplotlib_inline.backend_inline")
        client = NotebookClient(notebook, timeout=timeout, kernel_name="python3", record_timing=True,
                                resources={"metadata": {"path": str(Path(path).parent)}},
                                on_cell_executed=lambda cell, cell_index, **_: finished.setdefault(
                                    cell_index, time.perf_counter()))
        saved = dict(os.environ)
        os.environ.update(environment)          # the kernel inherits the environment it is started in
        try:
            start = time.perf_counter()
            client.execute()
            total = time.perf_counter() - start
        finally:
            os.environ.clear()
            os.environ.update(saved)
    first_output = None
    slowest = (0.0, None)
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        if first_output is None and cell.get("outputs") and index in finished:
            first_output = finished[index] - start
        timing = cell.metadata.get("execution", {})
        if "iopub.execute_input" in timing and "shell.execute_reply" in timing:
            seconds = _seconds_between(timing["iopub.execute_input"], timing["shell.execute_reply"])
            if seconds > slowest[0]:
                slowest = (seconds, index)
    return {"first_output_s": first_output, "slowest_cell_s": slowest[0], "slowest_cell": slowest[1],
            "total_s": total}


def run(paths=None):
    paths = [Path(p) for p in paths] if paths else sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    results = {}
    for path in paths:
        try:
            results[path.name] = measure_notebook(path)
        except Exception as error:       # noqa: BLE001 (a notebook that fails is reported, the others still run)
            results[path.name] = {"failed": f"{type(error).__name__}: {str(error)[:300]}"}
    return {"status": "measured", "notebooks": results, "first_output_target_s": FIRST_OUTPUT_TARGET_S,
            "slowest_cell_target_s": SLOWEST_CELL_TARGET_S}


if __name__ == "__main__":
    print(json.dumps(run(sys.argv[1:])))

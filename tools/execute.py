"""Running notebooks: store the solutions executed, and time every notebook against the course standard.

From the shell (the Makefile's `execute-solutions` and `course-time`), in the repository root:

    python -m tools.execute solutions [NB ...]    # run the solutions, store their outputs + widget state
    python -m tools.execute time [DIR ...]        # run every notebook top to bottom (not saved), print a time table

Every notebook runs in a fresh kernel of this Python with fixed settings (`notebook_environment`):

    >>> notebook_environment()["PYTHONHASHSEED"]
    '0'
"""
import argparse
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from tools.notebooks import NOTEBOOKS_DIR, SOLUTIONS_DIR, notebooks_in, read_notebook, write_notebook

SLOW_NOTEBOOK_SECONDS = 30  # the course standard: every notebook runs top to bottom in under 30 s on 2 CPU cores
DEFAULT_CELL_TIMEOUT = 120  # seconds; a cell that runs longer is stuck (e.g. a deadlock), not slow


def notebook_environment():
    """The environment variables a notebook kernel runs with: the current ones plus fixed settings.

    PYTHONHASHSEED=0 makes set and dict-of-str orders repeatable; MPLBACKEND is Jupyter's inline backend, so figures
    become outputs whatever the calling shell sets (the unit tests use Agg).
    """
    env = dict(os.environ)
    env.update(PYTHONHASHSEED="0", MPLBACKEND="module://matplotlib_inline.backend_inline",
               PYDEVD_DISABLE_FILE_VALIDATION="1")  # silences the debugger's frozen-modules warning at start-up
    return env


def _kernel_manager_class():
    """An AsyncKernelManager whose "python3" is always this Python (not another python3 kernelspec on the machine)."""
    import ipykernel.kernelspec
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import default

    class CurrentEnvKernelSpecManager(KernelSpecManager):
        def get_kernel_spec(self, kernel_name):
            if kernel_name == "python3":
                return self.kernel_spec_class(resource_dir=ipykernel.kernelspec.RESOURCES,
                                              **ipykernel.kernelspec.get_kernel_dict())
            return super().get_kernel_spec(kernel_name)

    class CurrentEnvKernelManager(AsyncKernelManager):
        @default("kernel_spec_manager")
        def _current_env_kernel_spec_manager(self):
            return CurrentEnvKernelSpecManager()

    return CurrentEnvKernelManager


def run_notebook(nb, cwd, timeout=DEFAULT_CELL_TIMEOUT, store_widget_state=False):
    """Run every cell of `nb` top to bottom in a fresh python3 kernel (this Python) with `cwd` as working folder.

    Fills `nb` with the outputs in place and returns it. A cell that raises raises nbclient's CellExecutionError
    (cells tagged `raises-exception` may raise).
    """
    from nbclient import NotebookClient

    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(cwd)}},
                            store_widget_state=store_widget_state, record_timing=False,
                            kernel_manager_class=_kernel_manager_class())
    return client.execute(env=notebook_environment())


def execute_solution(path, timeout=DEFAULT_CELL_TIMEOUT):
    """Run a solution notebook in solutions/ and store it with its outputs and widget state; returns the seconds.

    The file is only written when every cell ran; its widget state is what a static HTML export needs to show
    widgets. Raises nbclient's CellExecutionError (naming the cell) otherwise.
    """
    path = Path(path)
    nb = read_notebook(path)
    nb.metadata.pop("widgets", None)          # stale widget state from an earlier run
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    start = time.perf_counter()
    run_notebook(nb, path.parent, timeout=timeout, store_widget_state=True)
    seconds = time.perf_counter() - start
    write_notebook(nb, path)
    return seconds


@dataclass
class NotebookTiming:
    """One row of `time_notebooks`: the notebook, how long it ran (kernel start included), and the first error."""
    path: Path
    seconds: float
    error: str = ""

    @property
    def ok(self):
        return not self.error

    @property
    def slow(self):
        return self.seconds > SLOW_NOTEBOOK_SECONDS


def time_notebook(path, timeout=DEFAULT_CELL_TIMEOUT):
    """Run one notebook top to bottom without saving it; returns a NotebookTiming."""
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    path = Path(path)
    nb = read_notebook(path)
    start = time.perf_counter()
    try:
        run_notebook(nb, path.parent, timeout=timeout)
        error = ""
    except CellExecutionError as exc:
        failed = [index for index, cell in enumerate(nb.cells)
                  if any(output.output_type == "error" for output in cell.get("outputs", []))]
        error = f"{exc.ename}: {exc.evalue}" + (f" (cell {failed[0]})" if failed else "")
    except (CellTimeoutError, DeadKernelError) as exc:
        error = f"{type(exc).__name__}: {str(exc).splitlines()[0]}"
    return NotebookTiming(path, time.perf_counter() - start, error.strip())


def format_timings(timings):
    """The time table `python -m tools.execute time` prints."""
    width = max([len(str(t.path)) for t in timings] + [len("notebook")])
    lines = [f"{'notebook':<{width}}  {'seconds':>8}  result", "-" * (width + 26)]
    for t in timings:
        flags = ("OK" if t.ok else f"FAILED: {t.error}") + (f"  SLOW (over {SLOW_NOTEBOOK_SECONDS} s)" if t.slow else "")
        lines.append(f"{str(t.path):<{width}}  {t.seconds:8.1f}  {flags}")
    lines.append("-" * (width + 26))
    failed, slow = sum(not t.ok for t in timings), sum(t.slow for t in timings)
    lines.append(f"{'total':<{width}}  {sum(t.seconds for t in timings):8.1f}  "
                 f"{len(timings)} notebooks, {failed} failed, {slow} over {SLOW_NOTEBOOK_SECONDS} s")
    return "\n".join(lines)

# ------------------------------------------------------------------------------------------ command line


def main(argv=None):
    """The command line; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m tools.execute", description=__doc__.split("\n")[0])
    parser.add_argument("--solutions", default=SOLUTIONS_DIR, help="folder of solution notebooks (default %(default)s)")
    parser.add_argument("--notebooks", default=NOTEBOOKS_DIR, help="folder of student notebooks (default %(default)s)")
    commands = parser.add_subparsers(dest="command", required=True)
    execute = commands.add_parser("solutions", help="run solution notebooks and store their outputs in place")
    execute.add_argument("paths", nargs="*", metavar="NOTEBOOK", help="default: every solutions/NN_*.ipynb")
    execute.add_argument("--timeout", type=float, default=DEFAULT_CELL_TIMEOUT, help="seconds per cell")
    timing = commands.add_parser("time", help="run notebooks top to bottom (not saved) and print their times")
    timing.add_argument("paths", nargs="*", metavar="DIR", help="folders or notebooks (default: solutions notebooks)")
    timing.add_argument("--timeout", type=float, default=DEFAULT_CELL_TIMEOUT, help="seconds per cell")
    args = parser.parse_args(argv)

    if args.command == "solutions":
        from nbclient.exceptions import CellExecutionError
        failed = 0
        for path in notebooks_in(args.paths or [args.solutions]):
            try:
                print(f"{path}: {execute_solution(path, timeout=args.timeout):.1f} s", flush=True)
            except CellExecutionError as error:
                failed += 1
                print(f"{path}: FAILED, not saved\n{error}", file=sys.stderr, flush=True)
        return 1 if failed else 0
    timings = []
    for path in notebooks_in(args.paths or [args.solutions, args.notebooks]):
        timings.append(time_notebook(path, timeout=args.timeout))
        print(f"  {path}: {timings[-1].seconds:.1f} s {'OK' if timings[-1].ok else 'FAILED'}", flush=True)
    print(format_timings(timings) if timings else "no notebooks found")
    return 0 if all(t.ok for t in timings) else 1


if __name__ == "__main__":
    sys.exit(main())

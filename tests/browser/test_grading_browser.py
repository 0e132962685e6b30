"""An nbgrader assignment in JupyterLab, as a student gets it: Run All goes past every unfinished exercise.

The released notebook has an autograder tests cell after each check (tools/grading.py), which raises an
AssertionError while the exercise is unfinished. Those cells are tagged `raises-exception`, so JupyterLab does not
stop the queue there: the "keep going" cells and everything after them still run.
"""
import shutil

from tools.notebooks import read_notebook, write_notebook
from tools.stubs import generate_student_notebook
from tools.grading import load_points, nbgrader_source_notebook

from .jupyterlab import REPO_ROOT

NAME = "02_forward_propagation"


def test_run_all_goes_past_unfinished_exercises(open_notebook):
    solution = read_notebook(REPO_ROOT / "solutions" / f"{NAME}.ipynb")
    # what `nbgrader generate_assignment` releases (tests/test_grading.py checks that it is this), without nbgrader
    release = generate_student_notebook(nbgrader_source_notebook(solution, load_points()[NAME], NAME))
    folder = REPO_ROOT / "build" / "browser-grading"     # under the server's root; build/ is ignored by git
    write_notebook(release, folder / f"{NAME}.ipynb")
    try:
        nb = open_notebook(f"build/browser-grading/{NAME}.ipynb")
        nb.run_all(timeout=180)
        cells = nb.cell_data()
        code = [cell for cell in cells if cell["type"] == "code"]
        assert all(cell["executionCount"] is not None for cell in code), "Run All stopped before the end"
        tests = [cell["index"] for cell in code if cell["source"].startswith("result = ")]
        errors = nb.errors()
        assert [(error.cell_index, error.kind) for error in errors] == [(index, "error") for index in tests]
        assert all(error.text.startswith("AssertionError: ") and "not attempted" in error.text
                   for error in errors)
    finally:
        shutil.rmtree(folder, ignore_errors=True)

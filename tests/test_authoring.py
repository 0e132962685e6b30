"""The authoring pipeline (tools.stubs, tools.execute): solutions/ is the source, notebooks/ is generated from it and
never edited by hand."""
import json
import shutil
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from tools import execute, stubs
from tools.notebooks import NOTEBOOK_PATTERN, notebook_text, read_notebook, write_notebook
from tools.stubs import (AuthoringError, expected_student_text, generate, generate_student_notebook, main, out_of_sync,
                         strip_code_solutions, strip_markdown_solutions)

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = sorted((ROOT / "solutions").glob(NOTEBOOK_PATTERN))
STUDENT_NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))

FUNCTION_CELL = """\
import numpy as np


def weighted_sum(x, w, b):
    \"\"\"The neuron's weighted sum.\"\"\"
    ### BEGIN SOLUTION
    z = x @ w
    return z + b
    ### END SOLUTION"""


def solution_notebook():
    """A small solution notebook, executed: outputs, counts, widget state, slide metadata and tags."""
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {"abc": {}}}}
    nb.cells = [
        new_markdown_cell("# 99 · Test", metadata={"slideshow": {"slide_type": "slide"}}),
        new_code_cell(FUNCTION_CELL, execution_count=1, metadata={"slideshow": {"slide_type": "-"},
                                                                   "execution": {"iopub.status.idle": "2025"}},
                      outputs=[nbformat.v4.new_output("stream", name="stdout", text="hello\n")]),
        new_code_cell("slider", execution_count=2,
                      metadata={"slideshow": {"slide_type": "fragment"}, "tags": ["nbval-ignore-output"]},
                      outputs=[nbformat.v4.new_output("execute_result", {"text/plain": "IntSlider()"},
                                                      execution_count=2)]),
        new_markdown_cell("Why?\n\n### BEGIN SOLUTION\nBecause.\n### END SOLUTION",
                          metadata={"slideshow": {"slide_type": "notes"}}),
    ]
    return nb


def write(nb, path):
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))
    return path


# ------------------------------------------------------------------------------------------ regions


def test_region_becomes_stub_at_the_markers_indentation():
    student = strip_code_solutions(FUNCTION_CELL)
    assert student.endswith('    """The neuron\'s weighted sum."""\n'
                            "    # YOUR CODE HERE\n"
                            "    raise NotImplementedError()")
    assert "x @ w" not in student and "BEGIN" not in student
    assert student.startswith("import numpy as np\n\n\ndef weighted_sum(x, w, b):\n")


def test_deeper_indentation_and_several_regions_in_one_cell():
    source = ("class Layer:\n"
              "    def apply(self, x):\n"
              "        ### BEGIN SOLUTION\n"
              "        return x\n"
              "        ### END SOLUTION\n"
              "\n"
              "def g(x):\n"
              "    y = 2 * x\n"
              "    ### BEGIN SOLUTION\n"
              "    y = y + 1\n"
              "    ### END SOLUTION\n"
              "    return y\n")
    assert strip_code_solutions(source) == ("class Layer:\n"
                                            "    def apply(self, x):\n"
                                            "        # YOUR CODE HERE\n"
                                            "        raise NotImplementedError()\n"
                                            "\n"
                                            "def g(x):\n"
                                            "    y = 2 * x\n"
                                            "    # YOUR CODE HERE\n"
                                            "    raise NotImplementedError()\n"
                                            "    return y\n")


def test_student_function_raises_not_implemented_when_called():
    namespace = {}
    exec(strip_code_solutions(FUNCTION_CELL), namespace)   # defining it must not raise: the notebook goes on
    with pytest.raises(NotImplementedError):
        namespace["weighted_sum"](1, 2, 3)


def test_top_level_assignments_become_ellipsis_answers():
    source = "### BEGIN SOLUTION\nn_params = 3 * 4 + 4\nlr: float = 0.1\n### END SOLUTION\nprint(n_params)"
    assert strip_code_solutions(source) == ("n_params = ...  # YOUR ANSWER HERE\n"
                                            "lr = ...  # YOUR ANSWER HERE\n"
                                            "print(n_params)")


def test_ipython_syntax_in_a_cell_is_allowed():
    source = "%matplotlib inline\ndef f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION"
    assert "raise NotImplementedError()" in strip_code_solutions(source)


def test_cell_without_markers_is_unchanged():
    assert strip_code_solutions("x = 1\n# ## BEGIN nothing\n") == "x = 1\n# ## BEGIN nothing\n"


def test_markdown_region_becomes_your_answer_here():
    assert strip_markdown_solutions("Why?\n\n### BEGIN SOLUTION\nBecause.\n### END SOLUTION\nNext.") == (
        "Why?\n\n_Your answer here._\nNext.")


@pytest.mark.parametrize("source, line, words", [
    ("def f():\n    ### BEGIN SOLUTION\n    return 1\n", 2, "has no matching"),
    ("def f():\n    return 1\n    ### END SOLUTION\n", 3, "without a"),
    ("def f():\n    ### BEGIN SOLUTION\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION\n", 3,
     "do not nest"),
    ("def f():\n    ### BEGIN SOLUTION\n    return 1\n### END SOLUTION\n", 4, "indented differently"),
    ("def f():\n    return 1  ### BEGIN SOLUTION\n", 2, "alone on its line"),
    ("import numpy as np\n### BEGIN SOLUTION\nprint(np.pi)\n### END SOLUTION\n", 2, "not inside a function"),
    ("for i in range(3):\n    ### BEGIN SOLUTION\n    print(i)\n    ### END SOLUTION\n", 2,
     "not inside a function"),
])
def test_bad_markers_are_errors_with_the_line(source, line, words):
    with pytest.raises(AuthoringError, match=words) as error:
        strip_code_solutions(source)
    assert error.value.line == line


def test_error_names_the_file_and_cell(tmp_path):
    nb = solution_notebook()
    nb.cells.append(new_code_cell("def f():\n    ### BEGIN SOLUTION\n    return 1"))
    path = write(nb, tmp_path / "solutions" / "99_test.ipynb")
    with pytest.raises(AuthoringError) as error:
        generate(tmp_path / "solutions", tmp_path / "notebooks")
    assert str(error.value).startswith(f"{path}, cell 4, line 2: ")
    assert not (tmp_path / "notebooks" / "99_test.ipynb").exists()    # nothing written from a broken solution
    assert main(["--solutions", str(tmp_path / "solutions"), "--notebooks", str(tmp_path / "notebooks"),
                 "generate"]) == 2


# ------------------------------------------------------------------------------------------ notebooks


def test_student_notebook_clears_outputs_and_keeps_metadata():
    nb = solution_notebook()
    before = json.dumps(nb, sort_keys=True)
    student = generate_student_notebook(nb)
    assert json.dumps(nb, sort_keys=True) == before                     # the solution is not changed
    code = [cell for cell in student.cells if cell.cell_type == "code"]
    assert all(cell.outputs == [] and cell.execution_count is None for cell in code)
    assert [cell.metadata["slideshow"]["slide_type"] for cell in student.cells] == ["slide", "-", "fragment", "notes"]
    assert student.cells[2].metadata["tags"] == ["nbval-ignore-output"]
    assert "execution" not in student.cells[1].metadata                 # per-run timing is not the student's
    assert "widgets" not in student.metadata
    assert student.metadata["kernelspec"]["name"] == "python3"
    assert [cell.id for cell in student.cells] == [cell.id for cell in nb.cells]
    assert student.cells[3].source == "Why?\n\n_Your answer here._"
    assert "### BEGIN SOLUTION" not in notebook_text(student)


def test_generate_is_idempotent_and_byte_stable(tmp_path):
    write(solution_notebook(), tmp_path / "solutions" / "99_test.ipynb")
    target = tmp_path / "notebooks" / "99_test.ipynb"
    assert generate(tmp_path / "solutions", tmp_path / "notebooks") == [target]
    first = target.read_bytes()
    assert generate(tmp_path / "solutions", tmp_path / "notebooks") == []   # nothing to change
    assert target.read_bytes() == first
    # Generating from the student version changes nothing either: no marker or output is left to remove.
    student = read_notebook(target)
    assert notebook_text(generate_student_notebook(student)).encode() == first
    assert first.endswith(b"}\n") and b"\r\n" not in first


def test_cells_without_ids_get_stable_ids(tmp_path):
    raw = json.loads(nbformat.writes(solution_notebook()))
    for cell in raw["cells"]:
        del cell["id"]
    path = tmp_path / "solutions" / "99_test.ipynb"
    path.parent.mkdir()
    path.write_text(json.dumps(raw), encoding="utf-8")
    assert expected_student_text(path) == expected_student_text(path)


# ------------------------------------------------------------------------------------------ the sync test


def assert_in_sync(solution_path, notebooks_dir):
    """The student notebook on disk is exactly what generate writes from this solution, and leaks nothing."""
    student_path = Path(notebooks_dir) / Path(solution_path).name
    assert student_path.exists(), f"{student_path} is missing: run `make notebooks`"
    expected = expected_student_text(solution_path)
    actual = student_path.read_text(encoding="utf-8")
    assert actual == expected, (f"{student_path} differs from what generate writes from {solution_path}; "
                                "student notebooks are generated, never edited by hand: run `make notebooks`")
    assert stubs.BEGIN_SOLUTION not in actual


@pytest.mark.parametrize("solution_path", SOLUTIONS, ids=lambda path: path.name)
def test_committed_student_notebook_is_generated_from_its_solution(solution_path):
    assert_in_sync(solution_path, ROOT / "notebooks")


@pytest.mark.parametrize("student_path", STUDENT_NOTEBOOKS, ids=lambda path: path.name)
def test_every_student_notebook_has_a_solution_and_leaks_nothing(student_path):
    assert (ROOT / "solutions" / student_path.name).exists(), f"{student_path.name} has no solution notebook"
    text = student_path.read_text(encoding="utf-8")
    assert stubs.BEGIN_SOLUTION not in text and stubs.END_SOLUTION not in text


def test_repository_is_in_sync_as_a_whole():
    assert out_of_sync(ROOT / "solutions", ROOT / "notebooks") == []


@pytest.fixture
def synced_copy(tmp_path):
    """A copy of the real solutions/ (or a small one if there is none yet) with its generated notebooks/."""
    solutions, notebooks = tmp_path / "solutions", tmp_path / "notebooks"
    if SOLUTIONS:
        solutions.mkdir()
        for path in SOLUTIONS:
            shutil.copy(path, solutions / path.name)
    else:
        write(solution_notebook(), solutions / "99_test.ipynb")
    generate(solutions, notebooks)
    return solutions, notebooks


def test_sync_test_fails_on_a_hand_edited_student_notebook(synced_copy, capsys):
    solutions, notebooks = synced_copy
    solution_path = sorted(solutions.glob("*.ipynb"))[0]
    student_path = notebooks / solution_path.name
    assert_in_sync(solution_path, notebooks)                            # as generated: passes

    nb = read_notebook(student_path)
    markdown = next(cell for cell in nb.cells if cell.cell_type == "markdown")
    markdown.source += "\n\nA sentence added by hand."
    write_notebook(nb, student_path)

    with pytest.raises(AssertionError, match="never edited by hand"):
        assert_in_sync(solution_path, notebooks)
    problems = out_of_sync(solutions, notebooks)
    assert len(problems) == 1 and str(student_path) in problems[0]
    assert "-    \"A sentence added by hand.\"" in problems[0]                # the diff shows the hand edit
    args = ["--solutions", str(solutions), "--notebooks", str(notebooks), "check"]
    assert main(args) == 1
    assert student_path.name in capsys.readouterr().err


def test_check_reports_a_leaked_solution_an_orphan_and_a_missing_notebook(synced_copy):
    solutions, notebooks = synced_copy
    solution_path = sorted(solutions.glob("*.ipynb"))[0]
    (notebooks / "42_orphan.ipynb").write_text("{}", encoding="utf-8")
    (notebooks / solution_path.name).write_bytes(solution_path.read_bytes())   # the solution copied over
    problems = "\n".join(out_of_sync(solutions, notebooks))
    assert "42_orphan.ipynb has no solution counterpart" in problems
    if stubs.BEGIN_SOLUTION in solution_path.read_text(encoding="utf-8"):
        assert f"{solution_path.name} contains a solution marker" in problems
    (notebooks / solution_path.name).unlink()
    assert f"{solution_path.name} is missing" in "\n".join(out_of_sync(solutions, notebooks))


def test_check_passes_when_in_sync(synced_copy, capsys):
    solutions, notebooks = synced_copy
    assert main(["--solutions", str(solutions), "--notebooks", str(notebooks), "check"]) == 0
    assert "matches" in capsys.readouterr().out


# ------------------------------------------------------------------------------------------ running notebooks


@pytest.mark.slow
def test_execute_stores_outputs_figures_and_widget_state_then_time_reports(tmp_path, capsys):
    nb = new_notebook()
    nb.cells = [
        new_code_cell("import os\nprint(os.environ['PYTHONHASHSEED'], os.path.basename(os.getcwd()))"),
        new_code_cell("import matplotlib.pyplot as plt\nplt.plot([0, 1], [1, 0])\nplt.show()"),
        new_code_cell("import ipywidgets\nipywidgets.IntSlider(value=3)"),
    ]
    path = write(nb, tmp_path / "solutions" / "99_run.ipynb")
    assert execute.main(["solutions", str(path)]) == 0
    executed = read_notebook(path)
    assert [cell.execution_count for cell in executed.cells] == [1, 2, 3]
    assert executed.cells[0].outputs[0].text == "0 solutions\n"            # fixed hash seed, cwd = the folder
    assert "image/png" in executed.cells[1].outputs[0].data                # inline figures even under Agg
    state = executed.metadata.widgets["application/vnd.jupyter.widget-state+json"]["state"]
    assert any(model["state"].get("value") == 3 for model in state.values())

    broken = write(new_notebook(cells=[new_code_cell("1 / 0")]), tmp_path / "notebooks" / "98_broken.ipynb")
    assert execute.main(["time", str(path), str(broken)]) == 1
    table = capsys.readouterr().out
    assert "99_run.ipynb" in table and "OK" in table
    assert "FAILED: ZeroDivisionError" in table and "total" in table
    assert execute.main(["solutions", str(broken)]) == 1
    assert read_notebook(broken).cells[0].outputs == []          # a failed run is not saved


def test_slow_notebooks_are_flagged():
    rows = [execute.NotebookTiming(Path("a.ipynb"), 31.0), execute.NotebookTiming(Path("b.ipynb"), 2.0, "X")]
    table = execute.format_timings(rows)
    assert "SLOW (over 30 s)" in table.splitlines()[2] and "FAILED: X" in table.splitlines()[3]
    assert "2 notebooks, 1 failed, 1 over 30 s" in table


# ------------------------------------------------------------------------------------------ the sanitize file


def sanitized(text):
    """`text` as nbval compares it with tests/nbval_sanitize.cfg (nbval's own parser, its re.sub in file order)."""
    import re

    from nbval.plugin import get_sanitize_patterns

    patterns = get_sanitize_patterns((ROOT / "tests" / "nbval_sanitize.cfg").read_text(encoding="utf-8"))
    assert len(patterns) >= 10, "nbval read fewer patterns than the file has: check the regex:/replace: lines"
    for regex, replace in patterns:
        text = re.sub(regex, replace, text)
    return text


CPU_REPORT = """jax: 0.10.2
jaxlib: 0.10.2
platform: cpu
devices: 1
  - cpu:0 (kind: cpu)
accelerator: none found, so JAX runs on the CPU (fine for this course). Why:
  - only JAX's CPU build is installed (no jax-cuda12/13 plugin or libtpu package).
To get one:
  - Google Colab: Runtime > Change runtime type > GPU or TPU, then restart the notebook."""
GPU_REPORT = """jax: 0.10.3.dev20260101
jaxlib: 0.10.3
platform: gpu
devices: 2
  - gpu:0 (kind: NVIDIA H100 80GB HBM3)
  - gpu:1 (kind: NVIDIA H100 80GB HBM3)
accelerator: yes (GPU)"""


def test_sanitize_makes_device_reports_of_different_machines_equal():
    assert sanitized(CPU_REPORT) == sanitized(GPU_REPORT)
    assert sanitized(CPU_REPORT + "\nloss 0.25") == sanitized(GPU_REPORT + "\nloss 0.25")   # what follows stays
    assert sanitized(CPU_REPORT + "\nloss 0.25") != sanitized(GPU_REPORT + "\nloss 0.5")


def test_sanitize_matches_the_live_device_report():
    from course_lib import devices

    report = str(devices.report())
    assert sanitized(report) == sanitized(CPU_REPORT), "the report's format changed: update nbval_sanitize.cfg"


@pytest.mark.parametrize("first, second", [
    ("step took 0.123 s", "step took 0.0871 s"),
    ("12.3 ms per batch", "9.87 ms per batch"),
    # a duration printed in a field: the padding depends on how long it took (notebooks 08 and 09)
    (f"eager, per step: {0.123:8.3f} ms", f"eager, per step: {12345.678:8.3f} ms"),
    (f"forest  training {0.5:7.2f} s", f"forest  training {1234.5:7.2f} s"),
    ("45 µs ± 2 µs per loop (mean ± std. dev. of 7 runs, 10,000 loops each)",
     "1.2 ms ± 30 µs per loop (mean ± std. dev. of 7 runs, 1,000 loops each)"),
    ("jit: 12.3× faster", "jit: 8.1× faster"),
    ("12,345 samples/s", "9,876 samples/s"),
    ("<NeuronHeatmaps object at 0x7fd289fa9810>", "<NeuronHeatmaps object at 0x7f0011223344>"),
    ("[CpuDevice(id=0)] TFRT_CPU_0", "[CudaDevice(id=0)] cuda:0"),
])
def test_sanitize_hides_what_truly_varies(first, second):
    assert sanitized(first) == sanitized(second)


@pytest.mark.parametrize("first, second", [
    ("loss 0.123, accuracy 97.5%", "loss 0.124, accuracy 97.5%"),
    ("a network with 71 parameters", "a network with 72 parameters"),
    ("<Figure size 640x480 with 1 Axes>", "<Figure size 640x480 with 2 Axes>"),
    ("trained for 5 steps", "trained for 6 steps"),
    ("weighted_sum: correct.", "weighted_sum: wrong values."),
    ("devices: 1", "devices: 2"),                                # a count alone, outside the report's list
])
def test_sanitize_keeps_what_must_be_checked(first, second):
    assert sanitized(first) != sanitized(second)

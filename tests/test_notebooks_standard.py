"""The course standard (/work/shared/course-standard.md, docs), checked on the structure of every notebook.

Each test is parametrized over the notebooks, so a failure names the notebook and what it lacks. Whether the
notebooks run and reproduce their stored outputs is nbval's job (`make nbval`); whether notebooks/ is generated from
solutions/ is tests/test_authoring.py's.
"""
import re
from pathlib import Path

import pytest

from tools.notebooks import NOTEBOOK_PATTERN, read_notebook
from tools.stubs import BEGIN_SOLUTION, END_SOLUTION

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = sorted((ROOT / "solutions").glob(NOTEBOOK_PATTERN))
STUDENT_NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
ALL_NOTEBOOKS = SOLUTIONS + STUDENT_NOTEBOOKS

SLIDE_TYPES = {"slide", "subslide", "fragment", "skip", "notes", "-"}
# The welcome notebook has one warm-up exercise; every other notebook at least two.
MIN_CHECKS = {"00_welcome.ipynb": 1}
DEFAULT_MIN_CHECKS = 2


def solution_params():
    return pytest.mark.parametrize("path", SOLUTIONS, ids=lambda path: path.name)


def markdown_text(nb):
    return "\n\n".join(cell.source for cell in nb.cells if cell.cell_type == "markdown")


def headings(nb):
    """Every markdown heading's text, lower case, without the #s."""
    return [line.lstrip("#").strip().lower() for cell in nb.cells if cell.cell_type == "markdown"
            for line in cell.source.splitlines() if re.match(r"#{1,6}\s", line)]


def section(nb, title):
    """The markdown of the section whose heading contains `title`, up to the next heading of the same level."""
    text, level, inside = [], None, False
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for line in cell.source.splitlines():
            match = re.match(r"(#{1,6})\s+(.*)", line)
            if match and inside and len(match.group(1)) <= level:
                return "\n".join(text)
            if match and not inside and title in match.group(2).lower():
                inside, level = True, len(match.group(1))
            elif inside:
                text.append(line)
    return "\n".join(text)


def labelled(nb, label):
    """True when `label` is a heading or a bold lead-in (`**Prerequisites:** ...`) in a markdown cell."""
    pattern = rf"^\s*(#{{1,6}}\s+.*{label}|\*\*[^*]*{label}[^*]*\*\*)"
    return re.search(pattern, markdown_text(nb), flags=re.IGNORECASE | re.MULTILINE) is not None


@solution_params()
def test_title_is_the_first_cell(path):
    first = read_notebook(path).cells[0]
    assert first.cell_type == "markdown" and first.source.startswith("# "), (
        f"{path.name}: the first cell must be markdown starting with '# ' (the title)")


@solution_params()
@pytest.mark.parametrize("label", ["Learning objectives", "Prerequisites"])
def test_has_labelled_section(path, label):
    assert labelled(read_notebook(path), label), (
        f"{path.name}: no '{label}' heading or bold label (e.g. '**{label}**') in any markdown cell")


DURATION = re.compile(r"\d+\s*(?:[-–]\s*\d+\s*)?(?:min\b|minutes|h\b|hours?)", flags=re.IGNORECASE)


@solution_params()
def test_states_time_to_work_through_and_to_present(path):
    lines = [line.lower() for line in markdown_text(read_notebook(path)).splitlines() if DURATION.search(line)]
    assert any("time" in line for line in lines), (
        f"{path.name}: no time estimate for the student (a line like '**Time:** about 30 minutes')")
    assert any("present" in line for line in lines), (
        f"{path.name}: no time to present it (a line like '... about 20 minutes to present')")


@solution_params()
def test_check_your_understanding_reveals_answers_on_demand(path):
    nb = read_notebook(path)
    assert any("check your understanding" in heading for heading in headings(nb)), (
        f"{path.name}: no 'Check your understanding' heading")
    assert "<details" in section(nb, "check your understanding"), (
        f"{path.name}: the 'Check your understanding' section has no <details> block (answers on demand)")


@solution_params()
def test_has_summary(path):
    assert any(heading.startswith("summary") for heading in headings(read_notebook(path))), (
        f"{path.name}: no 'Summary' heading")


@solution_params()
def test_has_checked_exercises(path):
    nb = read_notebook(path)
    checks = sum(cell.source.count(".check(") for cell in nb.cells if cell.cell_type == "code")
    needed = MIN_CHECKS.get(path.name, DEFAULT_MIN_CHECKS)
    assert checks >= needed, f"{path.name}: {checks} checker call(s) (`.check(`), the standard needs {needed}"


@solution_params()
def test_every_cell_has_slide_metadata(path):
    nb = read_notebook(path)
    missing = [index for index, cell in enumerate(nb.cells)
               if cell.metadata.get("slideshow", {}).get("slide_type") not in SLIDE_TYPES]
    assert not missing, f"{path.name}: cells {missing} have no metadata.slideshow.slide_type in {sorted(SLIDE_TYPES)}"


@solution_params()
def test_solution_is_stored_executed_top_to_bottom(path):
    nb = read_notebook(path)
    code = [(index, cell) for index, cell in enumerate(nb.cells) if cell.cell_type == "code" and cell.source.strip()]
    unrun = [index for index, cell in code if cell.execution_count is None]
    assert not unrun, f"{path.name}: cells {unrun} are not executed; run `make execute-solutions`"
    counts = [cell.execution_count for _, cell in code]
    assert counts == list(range(1, len(code) + 1)), (
        f"{path.name}: execution counts {counts} are not one clean run from the top; run `make execute-solutions`")
    errors = [index for index, cell in code if any(output.output_type == "error" for output in cell.outputs)]
    assert not errors, f"{path.name}: cells {errors} have error outputs"


@solution_params()
def test_solution_has_something_for_the_student_to_write(path):
    text = "\n".join(cell.source for cell in read_notebook(path).cells)
    assert BEGIN_SOLUTION in text, f"{path.name}: no {BEGIN_SOLUTION!r} region, so the student version is the answer"


@pytest.mark.parametrize("path", STUDENT_NOTEBOOKS, ids=lambda path: path.name)
def test_student_notebook_has_no_solution_left(path):
    text = path.read_text(encoding="utf-8")
    assert BEGIN_SOLUTION not in text and END_SOLUTION not in text, f"{path.name} still contains a solution region"


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_no_remote_images(path):
    remote = re.findall(r"!\[[^\]]*\]\(\s*<?(?:https?:)?//[^)]*\)|<img[^>]+src=[\"'](?:https?:)?//[^\"']*",
                        markdown_text(read_notebook(path)), flags=re.IGNORECASE)
    assert not remote, f"{path.name}: remote images (the course works offline): {remote}"


IMAGE_TYPES = ("image/png", "image/jpeg", "image/svg+xml", "image/gif")


def figures_without_text_alternative(nb):
    """'cell N: why' for every figure output that a reader who cannot see it gets nothing from.

    A figure is shown with course_lib.figures.show_figure(fig, alt="..."): an HTML <img> whose alt says what it
    shows. A bare image output (plt.show(), a figure left at the end of a cell) has no text alternative in
    JupyterLab; an <img> with a missing, generic or too short alt tells the reader nothing.
    """
    from course_lib.figures import check_alt

    problems = []
    for number, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        if re.search(r"\bplt\.show\(", cell.source):
            problems.append(f"cell {number}: plt.show() -- use show_figure(fig, alt=...)")
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            for kind in IMAGE_TYPES:
                if kind in data and not output.get("metadata", {}).get(kind, {}).get("alt"):
                    problems.append(f"cell {number}: a {kind} output without alt")
            for image in re.findall(r"<img\b[^>]*>", str(data.get("text/html", ""))):
                alt = re.search(r'\balt="([^"]*)"', image)
                try:
                    check_alt(alt.group(1) if alt else None)
                except ValueError as error:
                    problems.append(f"cell {number}: {error}")
    return problems


@solution_params()
def test_every_figure_has_a_text_alternative(path):
    problems = figures_without_text_alternative(read_notebook(path))
    assert not problems, f"{path.name}: figures without a text alternative:\n" + "\n".join(problems)


def test_the_figure_check_fails_on_figures_without_a_text_alternative():
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    def notebook_with(source, data, metadata=None):
        output = new_output("display_data", data=data, metadata=metadata or {})
        return new_notebook(cells=[new_code_cell(source, execution_count=1, outputs=[output])])

    png = {"image/png": "iVBORw0KGgo=", "text/plain": "<Figure size 640x480 with 1 Axes>"}
    assert figures_without_text_alternative(notebook_with("plt.show()", png))              # both faults
    assert figures_without_text_alternative(notebook_with("fig", png))                     # a bare PNG
    for alt in ['', 'alt="plot"', 'alt="A curve."']:                                       # none, generic, short
        html = {"text/html": f'<img src="data:image/png;base64,iVBORw0KGgo=" {alt}>'}
        assert figures_without_text_alternative(notebook_with("show_figure(fig, alt=...)", html)), alt
    good = {"text/html": '<img src="data:image/png;base64,iVBORw0KGgo=" alt="The loss falls from 2.3 to 0.1.">'}
    assert not figures_without_text_alternative(notebook_with("show_figure(fig, alt=...)", good))
    described_png = notebook_with("fig", png, {"image/png": {"alt": "The loss falls from 2.3 to 0.1."}})
    assert not figures_without_text_alternative(described_png)


def test_the_checks_fail_on_a_notebook_that_misses_the_standard(tmp_path):
    """Each check above, run on a notebook without the standard's parts, fails (so a green run means something)."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    nb = new_notebook(cells=[
        new_markdown_cell("Intro without a title.\n\n![logo](https://example.com/logo.png)"),
        new_code_cell("x = 1", execution_count=2, outputs=[nbformat.v4.new_output("error", ename="E", evalue="",
                                                                               traceback=[])]),
        new_code_cell("exercise.check(f)"),
        new_markdown_cell("## Check your understanding\n\n1. Why?\n\n## Summary\n\nDone.",
                          metadata={"slideshow": {"slide_type": "slide"}}),
    ])
    path = tmp_path / "99_bad.ipynb"
    nbformat.write(nb, str(path))
    checks = [test_title_is_the_first_cell, test_states_time_to_work_through_and_to_present,
              test_check_your_understanding_reveals_answers_on_demand, test_has_checked_exercises,
              test_every_cell_has_slide_metadata, test_solution_is_stored_executed_top_to_bottom,
              test_solution_has_something_for_the_student_to_write, test_no_remote_images]
    for check in checks:
        with pytest.raises(AssertionError):
            check(path)
    for label in ["Learning objectives", "Prerequisites"]:
        with pytest.raises(AssertionError):
            test_has_labelled_section(path, label)
    test_has_summary(path)                    # this one it has
    path.write_text(path.read_text().replace("## Summary", "## Next"))
    with pytest.raises(AssertionError):
        test_has_summary(path)
    path.write_text(path.read_text().replace("Intro", "### BEGIN SOLUTION\nx\n### END SOLUTION"))
    with pytest.raises(AssertionError):
        test_student_notebook_has_no_solution_left(path)


def launch_params():
    return pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=lambda path: f"{path.parent.name}/{path.name}")


@launch_params()
def test_has_colab_and_binder_links_after_the_title(path):
    from tools.links import LINKS_CELL_ID, launch_cells

    nb = read_notebook(path)
    expected, _ = launch_cells(path.name)
    cell = nb.cells[1] if len(nb.cells) > 1 else None
    assert cell is not None and cell.get("id") == LINKS_CELL_ID and cell.source == expected.source, (
        f"{path.name}: the second cell is not the Colab/Binder links made from pyproject.toml's Repository URL; "
        "run `python -m tools.links`")
    from tools.links import is_placeholder, repository_url
    if is_placeholder(repository_url()):     # not published yet: no link that cannot work
        assert "colab.research.google.com" not in cell.source and "mybinder.org" not in cell.source
        assert "README" in cell.source
    else:
        assert "[Open in Colab](https://colab.research.google.com/github/" in cell.source
        assert "[Launch Binder](https://mybinder.org/v2/gh/" in cell.source
    assert cell.metadata["slideshow"]["slide_type"] == "skip"


@launch_params()
def test_first_code_cell_installs_the_course_on_colab_only_and_prints_nothing(path):
    from tools.links import COLAB_TAG, launch_cells

    nb = read_notebook(path)
    first_code = next(cell for cell in nb.cells if cell.cell_type == "code")
    _, expected = launch_cells(path.name)
    assert COLAB_TAG in first_code.metadata.get("tags", []) and first_code.source == expected.source, (
        f"{path.name}: the first code cell is not the Colab setup cell; run `python -m tools.links`")
    assert 'if "google.colab" in sys.modules:' in first_code.source
    assert first_code.metadata["slideshow"]["slide_type"] == "skip"
    assert first_code.outputs == [], f"{path.name}: the setup cell must have no output outside Colab"


def test_colab_setup_cell_does_nothing_outside_colab_and_installs_on_colab():
    """Run the cell's code: here it prints nothing and calls nothing; with a fake google.colab it runs pip and
    turns on Colab's widget manager."""
    import contextlib
    import io
    import subprocess
    import sys
    import types
    from unittest import mock

    from tools.links import launch_cells

    _, setup = launch_cells("00_welcome.ipynb", "https://github.com/someone/course")
    printed = io.StringIO()
    with mock.patch.object(subprocess, "run") as run, contextlib.redirect_stdout(printed), \
            mock.patch.dict("os.environ", {"COURSE_PRESENTATION": ""}):
        exec(compile(setup.source, "setup", "exec"), {})
    assert not run.called and printed.getvalue() == ""

    colab = types.ModuleType("google.colab")
    colab.output = mock.Mock()
    with mock.patch.dict(sys.modules, {"google": types.ModuleType("google"), "google.colab": colab}), \
            mock.patch.object(subprocess, "run") as run, mock.patch.dict("os.environ", {"COURSE_PRESENTATION": ""}):
        exec(compile(setup.source, "setup", "exec"), {})
    command = run.call_args.args[0]
    assert command[1:5] == ["-m", "pip", "install", "-q"] and command[-1] == "git+https://github.com/someone/course"
    colab.output.enable_custom_widget_manager.assert_called_once()


def test_adding_the_launch_cells_is_idempotent_and_renumbers_a_stored_run():
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    from tools.links import add_launch_cells
    from tools.notebooks import notebook_text

    nb = new_notebook(cells=[
        new_markdown_cell("# 99 · Test"),
        new_code_cell("1 + 1", execution_count=1, outputs=[new_output("execute_result", {"text/plain": "2"},
                                                                      execution_count=1)]),
        new_code_cell("print(2)", execution_count=2)])
    assert add_launch_cells(nb, "99_test.ipynb", "https://github.com/someone/course")
    assert [cell.execution_count for cell in nb.cells if cell.cell_type == "code"] == [1, 2, 3]
    assert nb.cells[3].outputs[0].execution_count == 2
    once = notebook_text(nb)
    assert not add_launch_cells(nb, "99_test.ipynb", "https://github.com/someone/course")
    assert notebook_text(nb) == once
    assert add_launch_cells(nb, "99_test.ipynb", "https://github.com/other/course")      # a new URL: updated
    assert "other/course" in nb.cells[1].source and len(nb.cells) == 5
    nbformat.validate(nb)


@pytest.mark.parametrize("path", STUDENT_NOTEBOOKS, ids=lambda path: path.name)
def test_no_speaker_notes_reach_the_student_notebooks(path):
    """Speaker notes are for the presenter (course standard): what a student needs is in an ordinary cell, and what
    only the presenter needs lives in docs/instructor_guide.md, so no notes cell reaches notebooks/."""
    notes = [index for index, cell in enumerate(read_notebook(path).cells)
             if cell.get("metadata", {}).get("slideshow", {}).get("slide_type") == "notes"]
    assert not notes, f"{path.name}: speaker-notes cells {notes} reach the student version"

"""Grading a class with nbgrader (tools/grading.py): the course directory `make nbgrader` writes, and real nbgrader
releasing, autograding, giving feedback on and exporting the grades of three submissions of two notebooks."""
import html
import json
import os
import pwd
import re
from pathlib import Path

import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from tools.notebooks import read_notebook, solution_notebooks, write_notebook
from tools import grading
from tools.grading import GradingError, build, find_graded_exercises, load_points

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = solution_notebooks(ROOT / "solutions")
POINTS = load_points()

# The two notebooks graded for real: the two shortest to run (00 in about 3 s, 02 in about 2.5 s), with a value
# answer (02's my_count), a check in the answer's own cell, a demonstration check that must not be graded (00's
# added_instead_of_multiplied), and a wrong answer that a later cell would use if the "keep going" cell did not
# replace it (00's weighted_sum, 02's dense).
WRONG_ANSWERS = {
    "00_welcome": ("weighted_sum_exercise", ["return x @ w"]),
    "02_forward_propagation": ("dense_exercise", ['return x @ layer["W"]']),
}


def wrong_function(notebook):
    """The one wrong answer of `notebook` as a function, and its exercise object, to ask the checker directly."""
    if notebook == "00_welcome":
        from course_lib.exercises.nb00_welcome import weighted_sum_exercise

        return weighted_sum_exercise, lambda x, w, b: x @ w
    from course_lib.exercises.nb02_forward_propagation import dense_exercise

    return dense_exercise, lambda layer, x: x @ layer["W"]


def nbgrader_metadata(cell):
    return cell.metadata.get("nbgrader", {})


# ------------------------------------------------------------------------------------------ the course directory


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """The course directory `make nbgrader` writes, in a temporary folder."""
    out = tmp_path_factory.mktemp("nbgrader-build")
    build(out, ROOT / "solutions")
    return out


def test_every_solution_notebook_becomes_an_assignment(course):
    config = (course / "nbgrader_config.py").read_text()
    assert "c.CourseDirectory.course_id" in config and "release_preprocessors()" in config
    for path in SOLUTIONS:
        source = read_notebook(course / "source" / path.stem / path.name)
        solution = read_notebook(path)
        tests = [cell for cell in source.cells if nbgrader_metadata(cell).get("grade")
                 and not nbgrader_metadata(cell).get("solution")]
        # one tests cell per exercise of the points table, worth its points, asserting the course's own check
        assert {nbgrader_metadata(cell)["grade_id"]: nbgrader_metadata(cell)["points"] for cell in tests} == {
            f"test_{key}": points for key, points in POINTS[path.stem]["exercises"].items()}
        for cell in tests:
            assert re.fullmatch(r"result = [\w.]+\.check\(\w+\)\nassert result.passed, result.message", cell.source)
            assert cell.metadata["tags"] == ["raises-exception"] and nbgrader_metadata(cell)["locked"]
        # the other cells are the solution's, in order; the ones with a solution region are the answers
        others = [cell for cell in source.cells if cell not in tests]
        assert [cell.source for cell in others] == [cell.source for cell in solution.cells]
        for cell in others:
            has_region = grading.BEGIN_SOLUTION in cell.source
            assert bool(nbgrader_metadata(cell).get("solution")) == has_region, cell.source[:80]
            assert not any(output for output in cell.get("outputs", []))


def test_each_test_cell_comes_right_after_its_check_and_before_keep_going(course):
    source = read_notebook(course / "source" / "03_activation_functions" / "03_activation_functions.ipynb")
    sources = [cell.source for cell in source.cells]
    check = sources.index("sigmoid_derivative_exercise.check(sigmoid_derivative)")
    assert sources[check + 1].startswith("result = sigmoid_derivative_exercise.check(sigmoid_derivative)\n")
    keep_going = next(i for i, s in enumerate(sources) if "sigmoid = sigmoid_exercise.use(sigmoid)" in s)
    assert check + 1 < keep_going
    # read-only: the checks and the cell importing the exercises; the "keep going" cell (hint to uncomment) is not
    assert nbgrader_metadata(source.cells[check])["locked"]
    assert nbgrader_metadata(source.cells[4])["locked"] and "course_lib.exercises" in sources[4]
    assert "nbgrader" not in source.cells[keep_going].metadata


def test_demonstration_checks_are_not_graded():
    # 00 checks `added_instead_of_multiplied` to show what a wrong answer looks like: not the student's answer
    exercises = find_graded_exercises(read_notebook(ROOT / "solutions" / "00_welcome.ipynb"))
    assert [(e.key, e.answer) for e in exercises] == [("weighted_sum_exercise", "weighted_sum"),
                                                      ("weighted_sums_exercise", "weighted_sums")]
    # a value answer checked in its own cell
    exercises = find_graded_exercises(read_notebook(ROOT / "solutions" / "02_forward_propagation.ipynb"))
    value = next(e for e in exercises if e.answer == "my_count")
    assert value.answer_cell == value.check_cell


def small_solution(extra_markdown=None):
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [new_markdown_cell("# 98 · Test"),
                new_code_cell("from course_lib.exercises.nb00_welcome import weighted_sum_exercise"),
                new_code_cell("def weighted_sum(x, w, b):\n    ### BEGIN SOLUTION\n    return x @ w + b\n"
                              "    ### END SOLUTION"),
                new_code_cell("weighted_sum_exercise.check(weighted_sum)")]
    if extra_markdown:
        nb.cells.append(new_markdown_cell(extra_markdown))
    for index, cell in enumerate(nb.cells):
        cell.id = f"cell-{index}"
    return nb


def test_written_answers_are_graded_by_hand(tmp_path):
    write_notebook(small_solution("Why a bias?\n\n### BEGIN SOLUTION\nIt shifts the line.\n### END SOLUTION"),
                   tmp_path / "solutions" / "98_test.ipynb")
    (tmp_path / "points.toml").write_text('["98_test"]\nweighted_sum_exercise = 1\n\n'
                                          '["98_test".written]\ncell-4 = 3\n')
    build(tmp_path / "course", tmp_path / "solutions", tmp_path / "points.toml")
    source = read_notebook(tmp_path / "course" / "source" / "98_test" / "98_test.ipynb")
    written = next(cell for cell in source.cells if cell.id == "cell-4")
    assert nbgrader_metadata(written) == {"grade": True, "solution": True, "locked": False, "points": 3,
                                                 "grade_id": "written_cell-4", "schema_version": 3, "task": False}


@pytest.mark.parametrize("table, message", [
    ('["98_test"]\n', "grades the exercise weighted_sum_exercise, which has no points: add "
                      "`weighted_sum_exercise = <points>` under [98_test]"),
    ('["98_test"]\nweighted_sum_exercise = 1\nsum_exercise = 2\n', "[98_test] gives points to sum_exercise, but "
                                                                    "98_test has no such exercise"),
    ('["98_test"]\nweighted_sum_exercise = 1\n["99_gone"]\nx_exercise = 1\n', "[99_gone] names a notebook that is "
                                                                              "not in"),
    ('["98_test"]\nweighted_sum_exercise = 0\n', "points must be a positive number"),
])
def test_points_table_problems_stop_the_build(tmp_path, table, message):
    write_notebook(small_solution(), tmp_path / "solutions" / "98_test.ipynb")
    (tmp_path / "points.toml").write_text(table)
    with pytest.raises(GradingError) as error:
        build(tmp_path / "course", tmp_path / "solutions", tmp_path / "points.toml")
    assert message in str(error.value)
    assert not (tmp_path / "course").exists()


def test_an_answer_nobody_checks_stops_the_build(tmp_path):
    nb = small_solution()
    nb.cells[3].source = "print('no check')"
    write_notebook(nb, tmp_path / "solutions" / "98_test.ipynb")
    (tmp_path / "points.toml").write_text('["98_test"]\n')
    with pytest.raises(GradingError, match=r"weighted_sum .* never checked: add a cell `<exercise>.check"):
        build(tmp_path / "course", tmp_path / "solutions", tmp_path / "points.toml")


def test_the_command_line_reports_problems_and_writes_nothing(tmp_path, capsys):
    write_notebook(small_solution(), tmp_path / "solutions" / "98_test.ipynb")
    (tmp_path / "points.toml").write_text('["98_test"]\n')
    status = grading.main(["--solutions", str(tmp_path / "solutions"), "--points", str(tmp_path / "points.toml"),
                           "build", "--out", str(tmp_path / "course")])
    assert status == 2 and "no points" in capsys.readouterr().err and not (tmp_path / "course").exists()


# ------------------------------------------------------------------------------------------ real nbgrader


@pytest.fixture(scope="module")
def graded(course):
    """Release every assignment; autograde, give feedback on and export three submissions of 00 and 02."""
    try:
        import nbgrader  # noqa: F401
    except ImportError:
        pytest.fail("nbgrader is not installed: it is pinned in requirements/lock.txt, which `make install` installs")
    plans = grading.prepare_submissions(course, ROOT / "solutions", notebooks=list(WRONG_ANSWERS),
                                        wrong_answers=WRONG_ANSWERS)
    grading.grade(course, course / "grades.csv")
    return {plan.assignment: plan for plan in plans}


def without_nbgrader(nb):
    """A released notebook as notebooks/ holds it: no autograder tests cells, no nbgrader metadata."""
    nb = json.loads(json.dumps(nb))
    nb["cells"] = [cell for cell in nb["cells"] if not cell["id"].startswith("test-")]
    for cell in nb["cells"]:
        for key in ("nbgrader", "editable", "deletable"):
            cell["metadata"].pop(key, None)
    return nb


@pytest.mark.slow
@pytest.mark.parametrize("path", SOLUTIONS, ids=[p.stem for p in SOLUTIONS])
def test_released_notebooks_are_the_student_notebooks(graded, course, path):
    release = json.loads((course / "release" / path.stem / path.name).read_text())
    student = json.loads((ROOT / "notebooks" / path.name).read_text())
    assert without_nbgrader(release) == student   # same cells, ids, metadata and stubs (my_count = ... included)


def submission_grades(course, assignment, student):
    """{grade id: score} of one autograded submission, from nbgrader's gradebook."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        notebook = gradebook.find_submission_notebook(assignment, assignment, student)
        return {grade.name: grade.score for grade in notebook.grades}


@pytest.mark.slow
@pytest.mark.parametrize("assignment", list(WRONG_ANSWERS))
def test_autograde_scores_each_exercise(graded, course, assignment):
    points = {f"test_{key}": value for key, value in POINTS[assignment]["exercises"].items()}
    wrong = f"test_{WRONG_ANSWERS[assignment][0]}"
    assert submission_grades(course, assignment, grading.SOLVED) == points
    assert submission_grades(course, assignment, grading.UNTOUCHED) == {key: 0 for key in points}
    assert submission_grades(course, assignment, grading.ONE_WRONG) == points | {wrong: 0}


@pytest.mark.slow
def test_exported_gradebook(graded, course):
    # nbgrader exports a row per student and assignment; only 00 and 02 have submissions
    rows = {key: value for key, value in grading.read_gradebook_csv(course / "grades.csv").items()
            if key[0] in WRONG_ANSWERS}
    expected = {}
    for assignment, (wrong_key, _) in WRONG_ANSWERS.items():
        total = sum(POINTS[assignment]["exercises"].values())
        lost = POINTS[assignment]["exercises"][wrong_key]
        expected |= {(assignment, grading.SOLVED): (total, total), (assignment, grading.UNTOUCHED): (0, total),
                     (assignment, grading.ONE_WRONG): (total - lost, total)}
    assert rows == expected   # 01: 3 points (1 + 2), 02: 4 points (1 + 1 + 2)


@pytest.mark.slow
@pytest.mark.parametrize("assignment", list(WRONG_ANSWERS))
def test_every_cell_of_every_submission_ran(graded, course, assignment):
    for student in (grading.SOLVED, grading.UNTOUCHED, grading.ONE_WRONG):
        nb = read_notebook(course / "autograded" / student / assignment / f"{assignment}.ipynb")
        code = [cell for cell in nb.cells if cell.cell_type == "code"]
        assert all(cell.execution_count is not None for cell in code), student
        failed = [cell.id for cell in code if any(o.output_type == "error" for o in cell.outputs)]
        tests = [cell.id for cell in code if cell.id.startswith("test-")]
        expected = {grading.SOLVED: [], grading.UNTOUCHED: tests,
                    grading.ONE_WRONG: [f"test-{WRONG_ANSWERS[assignment][0]}".replace("_", "-")]}[student]
        assert failed == expected, student   # only the failed exercises' tests raise; the rest of the notebook ran


def feedback_text(course, student, assignment):
    page = (course / "feedback" / student / assignment / f"{assignment}.html").read_text(encoding="utf-8")
    return html.unescape(re.sub(r"<[^>]+>", "", page))


@pytest.mark.slow
@pytest.mark.parametrize("assignment", list(WRONG_ANSWERS))
def test_feedback_shows_the_checkers_message(graded, course, assignment):
    exercise, wrong = wrong_function(assignment)
    result = exercise.check(wrong)
    assert not result.passed and result.hint   # a known mistake: the message carries its specific hint
    wrong_feedback = feedback_text(course, grading.ONE_WRONG, assignment)
    for line in result.message.splitlines():
        assert line in wrong_feedback
    assert result.hint not in feedback_text(course, grading.SOLVED, assignment)
    total = sum(POINTS[assignment]["exercises"].values())
    lost = POINTS[assignment]["exercises"][WRONG_ANSWERS[assignment][0]]
    assert f"Score: {total - lost:.1f} / {total:.1f}" in wrong_feedback


@pytest.mark.slow
def test_release_fetch_submit_collect_through_the_exchange(graded, course, tmp_path):
    """The class's way in and out: release to an exchange folder, a student fetches and submits, collect."""
    assignment, name = "02_forward_propagation", "02_forward_propagation.ipynb"
    exchange, home = tmp_path / "exchange", tmp_path / "home"
    exchange.mkdir(), home.mkdir()
    where = [f"--Exchange.root={exchange}"]
    grading.nbgrader(course, "release_assignment", assignment, *where)
    grading.nbgrader(home, "fetch_assignment", assignment, "--course", grading.COURSE_ID, *where)
    fetched = home / assignment / name
    assert read_notebook(fetched) == read_notebook(course / "release" / assignment / name)
    solved = read_notebook(course / "submitted" / grading.SOLVED / assignment / name)
    write_notebook(solved, fetched)                       # the student's work
    grading.nbgrader(home, "submit", assignment, "--course", grading.COURSE_ID, *where)
    grading.nbgrader(course, "collect", assignment, *where)
    student = pwd.getpwuid(os.getuid()).pw_name   # nbgrader names a submission by the student's account
    collected = course / "submitted" / student / assignment
    assert read_notebook(collected / name) == solved and (collected / "timestamp.txt").exists()

"""The course as an nbgrader course: every solution notebook becomes an assignment that grades itself.

`python -m tools.grading build` (make nbgrader) reads solutions/ and writes a ready nbgrader course directory
(build/nbgrader unless --out names another):

    nbgrader_config.py                   the course's settings (stubs, timeouts, course id, exchange)
    source/<assignment>/<notebook>.ipynb one assignment per notebook, e.g. source/02_forward_propagation/...

with nbgrader's cell metadata set. In each notebook:

- a code cell with a `### BEGIN SOLUTION` region is an *autograded answer* (editable);
- right after the cell that checks an answer (`dense_exercise.check(dense)`) comes an *autograder tests* cell worth
  the exercise's points (tools/grading_points.toml), which asserts the course's own check:

      result = dense_exercise.check(dense)
      assert result.passed, result.message

  It is tagged `raises-exception`, so that *Run All* goes on past an unfinished exercise (JupyterLab and nbclient
  honour the tag), and the "keep going" cells (`dense = dense_exercise.use(dense)`) stay: a student's notebook
  always runs to the end, also when nbgrader runs it;
- a markdown cell with a region (a written answer) is a *manually graded answer*;
- the cells that import the exercises and the cells that check an answer are *read-only* (nbgrader restores
  them before grading). Everything else stays editable, as in notebooks/: the "keep going" cells invite the
  student to uncomment `exercise.hint()`, and the other cells are there to experiment with.

`nbgrader generate_assignment` then writes exactly the student notebooks of notebooks/ (plus the test cells and
nbgrader's metadata): the generated nbgrader_config.py replaces nbgrader's ClearSolutions by one that writes the
course's stubs (tools.stubs), so a value answer becomes `my_count = ...  # YOUR ANSWER HERE` there too.

`python -m tools.grading grade-all` (make grade-all) proves the whole loop on every notebook: it builds a fresh
course directory, releases every assignment, autogrades three submissions of each (solved, untouched, one wrong
answer), writes the feedback and exports the gradebook, and fails unless every score is what the points table says.

>>> from nbformat.v4 import new_code_cell, new_notebook
>>> nb = new_notebook(cells=[
...     new_code_cell("def double(x):\\n    ### BEGIN SOLUTION\\n    return 2 * x\\n    ### END SOLUTION"),
...     new_code_cell("double_exercise.check(double)")])
>>> [(e.key, e.answer, e.answer_cell, e.check_cell) for e in find_graded_exercises(nb)]
[('double_exercise', 'double', 0, 1)]
"""
import argparse
import ast
import copy
import csv
import os
import shutil
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

from tools.notebooks import SOLUTIONS_DIR, read_notebook, solution_notebooks, write_notebook
from tools.stubs import (BEGIN_SOLUTION, CODE_STUB, END_SOLUTION, MARKDOWN_STUB, AuthoringError, find_solution_regions,
                         generate_student_notebook, strip_code_solutions, strip_markdown_solutions)

REPOSITORY = Path(__file__).resolve().parents[1]
POINTS_FILE = Path(__file__).resolve().with_name("grading_points.toml")
DEFAULT_OUT = "build/nbgrader"
GRADE_ALL_OUT = "build/nbgrader-grade-all"
COURSE_ID = "deep-learning-course"
CELL_TIMEOUT = 120   # seconds, as tools.stubs: a cell that runs longer is stuck, not slow
TEST_CELL = "result = {exercise}.check({answer})\nassert result.passed, result.message"
TEST_TAGS = ["raises-exception"]   # an unfinished exercise fails its test cell; Run All goes on
SCHEMA_VERSION = 3                 # nbgrader's cell metadata schema

# The three submissions `grade-all` grades for every assignment (student ids in the gradebook).
SOLVED, UNTOUCHED, ONE_WRONG = "solved", "untouched", "one-wrong"


class GradingError(ValueError):
    """The solutions and the points table do not make a gradable course. The message says what to fix."""


# ------------------------------------------------------------------------------------------ reading a notebook


@dataclass(frozen=True)
class GradedExercise:
    """One exercise of a notebook as nbgrader grades it.

    key: the exercise object's own name, the points table's key ("dense_exercise");
    exercise: how the notebook refers to it ("dense_exercise", "exercises.xor_features_exercise");
    answer: the name the student defines ("dense", "my_count"); answer_cell, region: where (cell index in the
    solution notebook, and which of that cell's solution regions); check_cell: the cell that first checks it;
    answer_id, test_id: the nbgrader grade ids of the answer cell and of the autograder tests cell.
    """
    key: str
    exercise: str
    answer: str
    answer_cell: int
    region: int
    check_cell: int
    answer_id: str
    test_id: str


def _parse(source):
    """The cell's syntax tree; IPython syntax (`%magic`, `!cmd`) is translated first, keeping line numbers."""
    try:
        return ast.parse(source)
    except SyntaxError:
        from IPython.core.inputtransformer2 import TransformerManager
        return ast.parse(TransformerManager().transform_cell(source))


def _answered_names(tree, region):
    """(names, in_function): the top-level function a solution region lies in, or the names it assigns."""
    first, last = region.begin + 1, region.end + 1          # 1-based, like the syntax tree's line numbers
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.lineno <= first <= node.end_lineno:
            return [node.name], True
    names = []
    for node in tree.body:
        if first < node.lineno < last:
            if isinstance(node, ast.Assign):
                names += [target.id for target in node.targets if isinstance(target, ast.Name)]
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                names.append(node.target.id)
    return names, False


def _method_calls(tree, method):
    """(receiver source, receiver's own name, argument name) of each `receiver.method(name)` call in the tree."""
    calls = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == method
                and isinstance(node.func.value, (ast.Name, ast.Attribute)) and len(node.args) == 1
                and not node.keywords and isinstance(node.args[0], ast.Name)):
            receiver = node.func.value
            own_name = receiver.id if isinstance(receiver, ast.Name) else receiver.attr
            calls.append((node.lineno, node.col_offset, ast.unparse(receiver), own_name, node.args[0].id))
    return [call[2:] for call in sorted(calls)]


def _grade_id(prefix, *names):
    """A grade id nbgrader accepts (letters, digits, _ and -), e.g. answer_sigmoid_and_sigmoid_derivative."""
    return f"{prefix}_" + "_and_".join(names)


def find_graded_exercises(nb, path=None):
    """The graded exercises of a solution notebook, in order: each solution region's answer and its first check.

    A solution region defines an answer: the function it lies in (`def dense(...)`), or the names it assigns
    (`my_count = ...`). The answer's exercise is the object of the first `<exercise>.check(<answer>)` in that cell
    or a later one (checks of other functions, such as a demonstration of a wrong answer, are not graded). Raises
    GradingError for a region that defines nothing, an answer defined twice, or an answer that is never checked.
    """
    where = f"{path}: " if path else ""
    answers, order, exercises = {}, [], []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        try:
            regions = find_solution_regions(cell.source)
        except AuthoringError as error:
            raise GradingError(f"{where}cell {index}: {error}") from None
        if not regions and ".check(" not in cell.source:
            continue
        tree = _parse(cell.source)
        cell_names = []
        for number, region in enumerate(regions):
            names, _ = _answered_names(tree, region)
            if not names:
                raise GradingError(f"{where}cell {index}, line {region.begin + 1}: this solution region defines "
                                   "no function and assigns no name, so no check can grade it")
            for name in names:
                if name in answers:
                    raise GradingError(f"{where}cell {index}: `{name}` is already an answer in cell "
                                       f"{answers[name][0]}; give each exercise its own name")
                answers[name] = (index, number)
                order.append(name)
            cell_names += [name for name in names if name not in cell_names]
        for name in cell_names:
            answers[name] += (_grade_id("answer", *cell_names),)
        for exercise, key, answer in _method_calls(tree, "check"):
            if answer in answers and all(e.answer != answer for e in exercises):
                answer_cell, region, answer_id = answers[answer]
                exercises.append(GradedExercise(key, exercise, answer, answer_cell, region, index, answer_id,
                                                _grade_id("test", key)))
    checked = {e.answer for e in exercises}
    unchecked = [name for name in order if name not in checked]
    if unchecked:
        raise GradingError(f"{where}the answer(s) {', '.join(unchecked)} (cell {answers[unchecked[0]][0]}) are "
                           "never checked: add a cell `<exercise>.check(<answer>)` after the answer")
    keys = [e.key for e in exercises]
    repeated = sorted({key for key in keys if keys.count(key) > 1})
    if repeated:
        raise GradingError(f"{where}the exercise(s) {', '.join(repeated)} grade more than one answer; "
                           "each exercise grades one answer")
    return exercises


def written_answer_cells(nb):
    """Indices of the markdown cells with a solution region: written answers, graded by hand."""
    return [index for index, cell in enumerate(nb.cells)
            if cell.cell_type == "markdown" and find_solution_regions(cell.source)]


def _imports_exercises(tree):
    """Whether a cell imports from course_lib.exercises (the exercise objects the test cells call)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("course_lib.exercises"):
            return True
        if isinstance(node, ast.Import) and any(a.name.startswith("course_lib.exercises") for a in node.names):
            return True
    return False


def _binds_top_level(nb, name):
    """Whether a code cell of `nb` assigns `name` at top level (the test cells use `result`)."""
    for cell in nb.cells:
        if cell.cell_type == "code" and name in cell.source:
            for node in _parse(cell.source).body:
                targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
                if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                    return True
    return False


# ------------------------------------------------------------------------------------------ the points table


def load_points(path=POINTS_FILE):
    """The points table: {notebook: {"exercises": {key: points}, "written": {cell id: points}}}.

    >>> load_points()["02_forward_propagation"]["exercises"]["dense_exercise"]
    1
    """
    path = Path(path)
    try:
        with open(path, "rb") as file:
            table = tomllib.load(file)
    except FileNotFoundError:
        raise GradingError(f"no points table at {path}") from None
    except tomllib.TOMLDecodeError as error:
        raise GradingError(f"{path} is not valid TOML: {error}") from None
    points = {}
    for notebook, section in table.items():
        if not isinstance(section, dict):
            raise GradingError(f"{path}: `{notebook}` must be a section [{notebook}] of `exercise = points` lines")
        written = section.get("written", {})
        exercises = {key: value for key, value in section.items() if key != "written"}
        for key, value in [*exercises.items(), *(written.items() if isinstance(written, dict) else [])]:
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                raise GradingError(f"{path}: [{notebook}] {key} = {value!r}: points must be a positive number")
        if not isinstance(written, dict):
            raise GradingError(f"{path}: {notebook}.written must be a section of `cell_id = points` lines")
        points[notebook] = {"exercises": exercises, "written": written}
    return points


def _points_problems(notebook, exercises, written_ids, table, points_path):
    """What is wrong between one notebook's exercises and its section of the points table, as messages."""
    section = table.get(notebook, {"exercises": {}, "written": {}})
    problems = []
    for kind, found, listed in (("exercise", [e.key for e in exercises], section["exercises"]),
                                ("written answer (cell id)", written_ids, section["written"])):
        header = f"[{notebook}]" if kind == "exercise" else f"[{notebook}.written]"
        for key in found:
            if key not in listed:
                problems.append(f"{points_path}: {notebook} grades the {kind} {key}, which has no points: add "
                                f"`{key} = <points>` under {header}")
        for key in listed:
            if key not in found:
                problems.append(f"{points_path}: {header} gives points to {key}, but {notebook} has no such "
                                f"{kind} (it has: {', '.join(found) or 'none'})")
    return problems


# ------------------------------------------------------------------------------------------ the course directory


def _nbgrader(kind, grade_id, points=None):
    """nbgrader's metadata for one cell: "answer", "tests", "written" or "locked"."""
    grade, solution, locked = {"answer": (False, True, False), "tests": (True, False, True),
                               "written": (True, True, False), "locked": (False, False, True)}[kind]
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": SCHEMA_VERSION,
            "solution": solution, "task": False}
    if points is not None:
        meta["points"] = points
    return meta


def nbgrader_source_notebook(solution, points, name, path=None):
    """The nbgrader source version of one solution notebook (a new notebook; `solution` is not changed).

    The cells, their ids and metadata are those of the student notebook tools.stubs generates (outputs
    cleared, run metadata dropped) with the solutions' sources, plus nbgrader's metadata and one autograder tests
    cell after each exercise's check. `points` is `load_points()[name]`.
    """
    student = generate_student_notebook(solution, path=path)   # also validates every solution region
    exercises = find_graded_exercises(solution, path)
    written = written_answer_cells(solution)
    if exercises and _binds_top_level(solution, "result"):
        raise GradingError(f"{path or name}: the notebook assigns `result`, which the autograder tests cells use")
    source = copy.deepcopy(student)
    for cell, solution_cell in zip(source.cells, solution.cells):
        cell.source = solution_cell.source

    answer_ids = {e.answer_cell: e.answer_id for e in exercises}
    # Read-only: the checks and the cells that import the exercises. Not the "keep going" cells, which invite the
    # student to uncomment `exercise.hint()`; not the rest, where students experiment.
    locked = {e.check_cell for e in exercises} - set(answer_ids)
    if exercises:
        locked |= {index for index, cell in enumerate(source.cells) if cell.cell_type == "code"
                   and index not in answer_ids and "course_lib.exercises" in cell.source
                   and _imports_exercises(_parse(cell.source))}
    for index, cell in enumerate(source.cells):
        if index in answer_ids:
            cell.metadata["nbgrader"] = _nbgrader("answer", answer_ids[index])
        elif index in written:
            cell.metadata["nbgrader"] = _nbgrader("written", f"written_{cell.id}", points["written"][cell.id])
        elif index in locked:
            cell.metadata["nbgrader"] = _nbgrader("locked", f"locked_{cell.id}")

    from nbformat.v4 import new_code_cell
    for exercise in sorted(exercises, key=lambda e: e.check_cell, reverse=True):
        test = new_code_cell(TEST_CELL.format(exercise=exercise.exercise, answer=exercise.answer),
                             metadata={"tags": list(TEST_TAGS),
                                       "nbgrader": _nbgrader("tests", exercise.test_id,
                                                             points["exercises"][exercise.key])})
        test.id = exercise.test_id.replace("_", "-")[:64]
        position = exercise.check_cell + 1
        while position < len(source.cells) and is_tests_cell(source.cells[position]):
            position += 1          # several exercises checked in one cell: their tests in order
        source.cells.insert(position, test)
    return source


def is_tests_cell(cell):
    """Whether a cell is an autograder tests cell (graded, not an answer)."""
    meta = cell.metadata.get("nbgrader", {})
    return bool(meta.get("grade")) and not meta.get("solution")


def config_text(course_id=COURSE_ID, repository=REPOSITORY):
    """The course directory's nbgrader_config.py."""
    code_stub = "\n".join(CODE_STUB)
    return f'''\
"""nbgrader settings of the course, written by `make nbgrader` (python -m tools.grading build): rebuild rather
than edit. See the grading section of docs/instructor_guide.md in the course repository."""
import os
import sys

c = get_config()  # noqa: F821 (nbgrader defines it)
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.course_id = {course_id!r}

# The stubs tools.stubs writes into notebooks/. A value answer (`my_count = 71`) becomes
# `my_count = ...  # YOUR ANSWER HERE` rather than nbgrader's `raise NotImplementedError()`, which would stop the
# notebook: generate_assignment uses the course's ClearSolutions, from the course repository.
c.ClearSolutions.code_stub = {{"python": {code_stub!r}}}
c.ClearSolutions.text_stub = {MARKDOWN_STUB!r}
COURSE_REPOSITORY = {str(repository)!r}
try:
    sys.path.insert(0, COURSE_REPOSITORY)
    from tools.grading import release_preprocessors
    c.GenerateAssignment.preprocessors = release_preprocessors()
except ImportError as error:  # only generate_assignment needs the course repository; every other command works
    from nbgrader.preprocessors import NbGraderPreprocessor

    import_error = str(error)

    class CourseRepositoryMissing(NbGraderPreprocessor):
        def preprocess(self, nb, resources):
            raise RuntimeError(f"generate_assignment needs the course repository at {{COURSE_REPOSITORY}} "
                               f"({{import_error}}): run `make nbgrader` in your checkout of the course to "
                               "rebuild this folder's nbgrader_config.py")

    c.GenerateAssignment.preprocessors = [CourseRepositoryMissing]

# Autograding runs every notebook top to bottom. A cell that runs longer than this is stuck, not slow
# (every notebook runs in under 30 s on 2 cores).
c.Execute.timeout = {CELL_TIMEOUT}

# Where release_assignment puts assignments and collect finds submissions on a shared machine (JupyterHub):
# nbgrader's default, a folder every user can reach. Change it here or with --Exchange.root=...
# c.Exchange.root = "/srv/nbgrader/exchange"
'''


def release_preprocessors():
    """nbgrader's generate_assignment steps, with the course's ClearSolutions (the course's stubs).

    nbgrader's own ClearSolutions replaces every region with one stub, `raise NotImplementedError()`; the
    course's (tools.stubs.strip_code_solutions) turns a region of assignments outside any function into
    `name = ...  # YOUR ANSWER HERE`, so the student's notebook runs to the end, and is what notebooks/ holds.
    """
    from nbgrader.converters import GenerateAssignment
    from nbgrader.preprocessors import ClearSolutions

    class CourseClearSolutions(ClearSolutions):
        def _replace_solution_region(self, cell, language):
            if not find_solution_regions(cell.source):
                return False
            strip = strip_code_solutions if cell.cell_type == "code" else strip_markdown_solutions
            cell.source = strip(cell.source)
            return True

    steps = GenerateAssignment.class_traits()["preprocessors"].default()
    if ClearSolutions not in steps:
        raise GradingError("this nbgrader has no ClearSolutions step in generate_assignment: use nbgrader 0.9")
    return [CourseClearSolutions if step is ClearSolutions else step for step in steps]


def build(out=DEFAULT_OUT, solutions_dir=SOLUTIONS_DIR, points_path=POINTS_FILE, course_id=COURSE_ID):
    """Write the nbgrader course directory `out` from the solution notebooks; returns the files written.

    Checks every notebook and the whole points table first, so that a problem leaves `out` untouched. Other
    files in `out` (the gradebook, release/, submitted/, ...) are kept: rebuilding does not lose a class's work.
    """
    table = load_points(points_path)
    paths = solution_notebooks(solutions_dir)
    if not paths:
        raise GradingError(f"no solution notebooks in {solutions_dir}")
    problems, sources = [], {}
    for path in paths:
        solution = read_notebook(path)
        try:
            exercises = find_graded_exercises(solution, path)
        except GradingError as error:
            problems.append(str(error))
            continue
        written_ids = [solution.cells[i].id for i in written_answer_cells(solution)]
        found = _points_problems(path.stem, exercises, written_ids, table, points_path)
        problems += found
        if not found:
            try:
                sources[path] = nbgrader_source_notebook(solution, table.get(path.stem, {}), path.stem, path)
            except (GradingError, AuthoringError) as error:
                problems.append(str(error))
    names = {path.stem for path in paths}
    problems += [f"{points_path}: [{notebook}] names a notebook that is not in {solutions_dir}"
                 for notebook in table if notebook not in names]
    if problems:
        raise GradingError(f"{len(problems)} problem(s), nothing written:\n" + "\n".join(problems))
    out = Path(out)
    written = []
    for path, nb in sources.items():
        target = out / "source" / path.stem / path.name
        write_notebook(nb, target)
        written.append(target)
    config = out / "nbgrader_config.py"
    config.write_text(config_text(course_id), encoding="utf-8")
    return [config, *written]


# ------------------------------------------------------------------------------------------ submissions


def solved_source(source):
    """A solution cell's source as a student who solved it would submit it: the markers' lines taken out."""
    return "\n".join(line for line in source.split("\n") if line.strip() not in (BEGIN_SOLUTION, END_SOLUTION))


def _answer_sources(source_nb):
    """{grade id: source} of the answer cells of an nbgrader source notebook."""
    return {cell.metadata["nbgrader"]["grade_id"]: cell.source for cell in source_nb.cells
            if cell.metadata.get("nbgrader", {}).get("solution")}


def solved_submission(release_nb, source_nb):
    """The released notebook with every answer filled in from the solution (a new notebook)."""
    answers = _answer_sources(source_nb)
    submission = copy.deepcopy(release_nb)
    for cell in submission.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.metadata.get("nbgrader", {}).get("solution"):
            cell.source = solved_source(answers[grade_id])
    return submission


def with_wrong_answer(submission, source_nb, exercise, wrong_lines=None):
    """`submission` (a new notebook) with the answer of `exercise` (a GradedExercise) replaced by `wrong_lines`.

    Only that exercise's solution region changes (a cell may hold several), indented like the region. Without
    `wrong_lines`: `return None` in a function, and `name = "not the answer"` for each name of a value answer.
    """
    answers = _answer_sources(source_nb)
    source = answers[exercise.answer_id]
    region = find_solution_regions(source)[exercise.region]
    lines = source.split("\n")
    if wrong_lines is None:
        names, in_function = _answered_names(_parse(source), region)
        wrong_lines = ["return None"] if in_function else [f'{name} = "not the answer"' for name in names]
    lines[region.begin: region.end + 1] = [region.indent + line for line in wrong_lines]
    wrong = copy.deepcopy(submission)
    for cell in wrong.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == exercise.answer_id:
            cell.source = solved_source("\n".join(lines))
    return wrong


# ------------------------------------------------------------------------------------------ running nbgrader


def nbgrader(course_dir, *args, timeout=None):
    """Run `nbgrader <args>` in the course directory with this Python; returns its combined output.

    The kernels nbgrader starts are this Python's and import this checkout's course_lib (PYTHONPATH). Raises
    GradingError with nbgrader's output when it fails.
    """
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPOSITORY), *filter(None, [env.get("PYTHONPATH")])])
    # nbgrader runs the `alembic` command of its environment to set up the gradebook: put that first on PATH.
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), *filter(None, [env.get("PATH")])])
    env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")   # the kernels' debugger warning at start-up
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course_dir, env=env, timeout=timeout,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if done.returncode != 0:
        raise GradingError(f"`nbgrader {' '.join(args)}` failed (exit {done.returncode}):\n{done.stdout}")
    return done.stdout


def submit(course_dir, student, assignment, nb, name):
    """Put `nb` where nbgrader collect would: submitted/<student>/<assignment>/<name>."""
    return write_notebook(nb, Path(course_dir) / "submitted" / student / assignment / name)


def read_gradebook_csv(path):
    """{(assignment, student): (score, max_score)} from `nbgrader export`'s CSV."""
    with open(path, newline="", encoding="utf-8") as file:
        return {(row["assignment"], row["student_id"]): (float(row["score"]), float(row["max_score"]))
                for row in csv.DictReader(file)}


@dataclass
class AssignmentPlan:
    """What grade-all expects of one assignment: the full marks and the score of the one-wrong submission."""
    assignment: str
    notebook: str
    max_score: float
    wrong_exercise: str
    wrong_score: float


def prepare_submissions(course_dir, solutions_dir=SOLUTIONS_DIR, points_path=POINTS_FILE, notebooks=None,
                        wrong_answers=None):
    """Generate every assignment's release version, and put three submissions of each into submitted/.

    notebooks: the notebook names to grade (default: every one). wrong_answers: {notebook stem: (exercise key,
    lines)} for the one-wrong submission; by default its last exercise (no later answer uses it) gets the default
    wrong answer of `with_wrong_answer`. Returns an AssignmentPlan per assignment.
    """
    table, plans = load_points(points_path), []
    nbgrader(course_dir, "generate_assignment", "*", "--force")     # every assignment: one start-up of nbgrader
    for path in solution_notebooks(solutions_dir):
        if notebooks and path.stem not in notebooks and path.name not in notebooks:
            continue
        assignment = path.stem
        release_nb = read_notebook(Path(course_dir) / "release" / assignment / path.name)
        source_nb = read_notebook(Path(course_dir) / "source" / assignment / path.name)
        exercises = find_graded_exercises(read_notebook(path), path)
        points = table.get(assignment, {"exercises": {}, "written": {}})
        automatic = sum(points["exercises"].values())
        solved = solved_submission(release_nb, source_nb)
        submit(course_dir, SOLVED, assignment, solved, path.name)
        submit(course_dir, UNTOUCHED, assignment, release_nb, path.name)
        wrong_key, score = "", automatic
        if exercises:
            wrong_key, lines = (wrong_answers or {}).get(assignment, (exercises[-1].key, None))
            exercise = next(e for e in exercises if e.key == wrong_key)
            submit(course_dir, ONE_WRONG, assignment, with_wrong_answer(solved, source_nb, exercise, lines),
                   path.name)
            score = automatic - points["exercises"][wrong_key]
        plans.append(AssignmentPlan(assignment, path.name, automatic + sum(points["written"].values()),
                                    wrong_key, score))
    return plans


def grade(course_dir, gradebook_csv):
    """Autograde every submission, write the feedback and export the gradebook to `gradebook_csv`."""
    nbgrader(course_dir, "autograde", "*", "--force")
    nbgrader(course_dir, "generate_feedback", "*", "--force")
    nbgrader(course_dir, "export", "--to", str(gradebook_csv))


def run_problems(nb, failing_tests):
    """What is wrong with how an autograded notebook ran, as messages: a code cell that did not run, an error in a
    cell other than a tests cell, or a number of failed tests cells other than `failing_tests`."""
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    problems = [f"cell {cell.id} did not run" for cell in code if cell.execution_count is None]
    failed = [cell for cell in code if any(output.output_type == "error" for output in cell.outputs)]
    problems += [f"cell {cell.id} raised (only tests cells may)" for cell in failed if not is_tests_cell(cell)]
    if sum(map(is_tests_cell, failed)) != failing_tests:
        problems.append(f"{sum(map(is_tests_cell, failed))} tests cells failed, expected {failing_tests}")
    return problems


def grade_all(out=GRADE_ALL_OUT, solutions_dir=SOLUTIONS_DIR, points_path=POINTS_FILE, notebooks=None):
    """Build a fresh course directory in `out` and grade three submissions of every assignment (see the module's
    docstring). Prints a table; returns the list of problems (empty: every score as expected)."""
    out = Path(out)
    if out.exists():
        shutil.rmtree(out)
    start = time.perf_counter()
    build(out, solutions_dir, points_path)
    plans = prepare_submissions(out, solutions_dir, points_path, notebooks)
    gradebook_csv = out / "grades.csv"
    grade(out, gradebook_csv)
    scores = read_gradebook_csv(gradebook_csv)
    table = load_points(points_path)
    problems = []
    print(f"{'assignment':<32} {'solved':>9} {'untouched':>9} {'one-wrong':>9}  wrong exercise (of max score)")
    for plan in plans:
        written = sum(table.get(plan.assignment, {"written": {}})["written"].values())
        expected = {SOLVED: plan.max_score - written, UNTOUCHED: 0.0, ONE_WRONG: plan.wrong_score}
        got = {student: scores.get((plan.assignment, student), (None, None))[0] for student in expected}
        if not plan.wrong_exercise:
            expected.pop(ONE_WRONG)
        for student, score in expected.items():
            if got[student] != score:
                problems.append(f"{plan.assignment}: {student} scored {got[student]}, expected {score}")
        for student, score in expected.items():
            if scores.get((plan.assignment, student), (0, None))[1] != plan.max_score:
                problems.append(f"{plan.assignment}: max score in the gradebook is not {plan.max_score}")
                break
        # every submission ran to the end: only the tests cells of wrong or unfinished exercises failed
        exercises = len(table.get(plan.assignment, {"exercises": {}})["exercises"])
        for student, failing in {SOLVED: 0, UNTOUCHED: exercises, ONE_WRONG: 1}.items():
            if student in expected:
                nb = read_notebook(out / "autograded" / student / plan.assignment / plan.notebook)
                problems += [f"{plan.assignment}, {student}: {problem}" for problem in run_problems(nb, failing)]
        cells = "".join(f" {got[s] if got[s] is not None else '-':>9}" for s in (SOLVED, UNTOUCHED, ONE_WRONG))
        print(f"{plan.assignment:<32}{cells}  {plan.wrong_exercise} (of {plan.max_score:g})")
    print(f"{len(plans)} assignments graded in {time.perf_counter() - start:.0f} s; gradebook: {gradebook_csv}")
    return problems


# ------------------------------------------------------------------------------------------ command line


def main(argv=None):
    """The command line; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m tools.grading", description=__doc__.split("\n")[0])
    parser.add_argument("--solutions", default=SOLUTIONS_DIR, help="folder of solution notebooks (default %(default)s)")
    parser.add_argument("--points", default=POINTS_FILE, help="the points table (default tools/grading_points.toml)")
    commands = parser.add_subparsers(dest="command", required=True)
    build_parser = commands.add_parser("build", help="write the nbgrader course directory (make nbgrader)")
    build_parser.add_argument("--out", default=DEFAULT_OUT, help="the course directory (default %(default)s)")
    build_parser.add_argument("--course-id", default=COURSE_ID, help="nbgrader's course id (default %(default)s)")
    all_parser = commands.add_parser("grade-all", help="grade three submissions of every notebook (make grade-all)")
    all_parser.add_argument("--out", default=GRADE_ALL_OUT, help="a scratch course directory, emptied first "
                                                                "(default %(default)s)")
    all_parser.add_argument("notebooks", nargs="*", metavar="NOTEBOOK", help="names such as 02_forward_propagation "
                                                                           "(default: every notebook)")
    args = parser.parse_args(argv)
    try:
        if args.command == "build":
            written = build(args.out, args.solutions, args.points, args.course_id)
            print(f"wrote {written[0]} and {len(written) - 1} assignments under {Path(args.out) / 'source'}")
            print(f"next, with .venv active: cd {args.out} && nbgrader generate_assignment <assignment> "
                  "(docs/instructor_guide.md, 'Grading with nbgrader')")
            return 0
        problems = grade_all(args.out, args.solutions, args.points, args.notebooks)
        for problem in problems:
            print(f"problem: {problem}", file=sys.stderr)
        return 1 if problems else 0
    except GradingError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())

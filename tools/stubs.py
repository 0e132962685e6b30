"""One source of truth for the notebooks: the solutions, from which the student notebooks are generated.

An instructor edits only `solutions/NN_name.ipynb`. What the student must write sits between nbgrader's markers:

    def weighted_sum(x, w, b):
        ### BEGIN SOLUTION
        return x @ w + b
        ### END SOLUTION

and the student notebook `notebooks/NN_name.ipynb` gets, at the same indentation,

    def weighted_sum(x, w, b):
        # YOUR CODE HERE
        raise NotImplementedError()

with every output cleared. A region that is not inside a function body would raise while the student runs the
notebook top to bottom, so it is an error, with one exception that keeps the notebook running: a region made only of
assignments (`n_params = 71`) becomes `n_params = ...  # YOUR ANSWER HERE`, which the checker reports as "not
attempted". In markdown cells a region (written answers) becomes "_Your answer here._".

From the shell (the Makefile's `notebooks` and `check-notebooks`), in the repository root:

    python -m tools.stubs generate            # solutions/ -> notebooks/
    python -m tools.stubs check               # fails if notebooks/ is not what generate would write

Running the solutions is tools.execute's job, the Colab/Binder cells after each title are tools.links'.

From Python:

    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook()
    >>> nb.cells.append(nbformat.v4.new_code_cell(
    ...     "def double(x):\\n    ### BEGIN SOLUTION\\n    return 2 * x\\n    ### END SOLUTION"))
    >>> print(generate_student_notebook(nb).cells[0].source)
    def double(x):
        # YOUR CODE HERE
        raise NotImplementedError()
"""
import argparse
import ast
import copy
import difflib
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

# The notebook file helpers are re-exported here for callers that only need the student versions.
from tools.notebooks import (NOTEBOOK_PATTERN, NOTEBOOKS_DIR, SOLUTIONS_DIR, notebook_text, read_notebook,
                             solution_notebooks, write_notebook)

BEGIN_SOLUTION = "### BEGIN SOLUTION"
END_SOLUTION = "### END SOLUTION"
CODE_STUB = ("# YOUR CODE HERE", "raise NotImplementedError()")
VALUE_STUB = "{name} = ...  # YOUR ANSWER HERE"
MARKDOWN_STUB = "_Your answer here._"


# Cell metadata that describes one run, not the notebook: left out of the student version.
RUN_METADATA_KEYS = ("execution", "ExecuteTime")


class AuthoringError(ValueError):
    """A solution notebook that cannot be turned into a student notebook. Says which file, cell and line."""

    def __init__(self, message, path=None, cell_index=None, line=None):
        self.message, self.path, self.cell_index, self.line = message, path, cell_index, line
        where = [str(path) if path is not None else None,
                 f"cell {cell_index}" if cell_index is not None else None,
                 f"line {line}" if line is not None else None]
        where = ", ".join(w for w in where if w)
        super().__init__(f"{where}: {message}" if where else message)


# ------------------------------------------------------------------------------------------ solution regions


@dataclass(frozen=True)
class _Region:
    begin: int     # 0-based index of the BEGIN line in the cell's lines
    end: int       # 0-based index of the END line
    indent: str    # the markers' indentation, which the stub gets


def find_solution_regions(source):
    """The `### BEGIN SOLUTION` ... `### END SOLUTION` regions of a cell's source, as (begin, end, indent).

    Line numbers are 0-based indices into `source.split("\\n")`. Raises AuthoringError (with a 1-based `line`) for
    an END without BEGIN, a BEGIN inside a region, a BEGIN without END, a marker that shares its line with other
    text, or an END whose indentation differs from its BEGIN.

    >>> find_solution_regions("def f():\\n    ### BEGIN SOLUTION\\n    return 1\\n    ### END SOLUTION")
    [_Region(begin=1, end=3, indent='    ')]
    """
    regions, open_region = [], None
    for number, line in enumerate(source.split("\n")):
        stripped = line.strip()
        indent = line[: len(line) - len(line.lstrip())]
        if stripped == BEGIN_SOLUTION:
            if open_region is not None:
                raise AuthoringError(f"{BEGIN_SOLUTION!r} inside the region opened at line {open_region[0] + 1}; "
                                     f"close it with {END_SOLUTION!r} first (regions do not nest)", line=number + 1)
            open_region = (number, indent)
        elif stripped == END_SOLUTION:
            if open_region is None:
                raise AuthoringError(f"{END_SOLUTION!r} without a {BEGIN_SOLUTION!r} before it", line=number + 1)
            if indent != open_region[1]:
                raise AuthoringError(f"{END_SOLUTION!r} is indented differently from its {BEGIN_SOLUTION!r} "
                                     f"(line {open_region[0] + 1}); indent both markers like the code between them",
                                     line=number + 1)
            regions.append(_Region(open_region[0], number, indent))
            open_region = None
        elif BEGIN_SOLUTION in line or END_SOLUTION in line:
            raise AuthoringError("a solution marker must be alone on its line (only indentation before it)",
                                 line=number + 1)
    if open_region is not None:
        raise AuthoringError(f"{BEGIN_SOLUTION!r} has no matching {END_SOLUTION!r}", line=open_region[0] + 1)
    return regions


def _replace_regions(lines, regions, stub_for):
    """The lines with each region (markers included) replaced by `stub_for(region)` (a list of lines)."""
    out, start = [], 0
    for region in regions:
        out += lines[start: region.begin] + stub_for(region)
        start = region.end + 1
    return out + lines[start:]


def _parse_cell(source):
    """The cell's syntax tree; IPython syntax (`%magic`, `!cmd`) is translated first, keeping line numbers."""
    try:
        return ast.parse(source)
    except SyntaxError:
        from IPython.core.inputtransformer2 import TransformerManager
        return ast.parse(TransformerManager().transform_cell(source))


def _raise_lines_inside_functions(tree):
    """1-based line numbers of the `raise` statements that sit inside a function body."""
    inside, depth = set(), 0

    class Visitor(ast.NodeVisitor):
        def visit_FunctionDef(self, node):
            nonlocal depth
            depth += 1
            self.generic_visit(node)
            depth -= 1

        visit_AsyncFunctionDef = visit_FunctionDef

        def visit_Raise(self, node):
            if depth:
                inside.add(node.lineno)
            self.generic_visit(node)

    Visitor().visit(tree)
    return inside


def _assigned_names(region_lines):
    """For a region of plain assignments (`a = 1`, `b = c = 2`), the names assigned, in order; else None."""
    try:
        tree = ast.parse(textwrap.dedent("\n".join(region_lines)))
    except SyntaxError:
        return None
    names = []
    for statement in tree.body:
        if isinstance(statement, ast.Assign) and all(isinstance(t, ast.Name) for t in statement.targets):
            names += [t.id for t in statement.targets]
        elif isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
            names.append(statement.target.id)
        else:
            return None
    return names or None


def strip_code_solutions(source):
    """The student version of a code cell's source: every solution region becomes the NotImplementedError stub.

    A region must lie inside a function body (otherwise the stub would stop the notebook), unless it holds only
    assignments, which become `name = ...  # YOUR ANSWER HERE`. Raises AuthoringError (with `line`) otherwise.

    >>> print(strip_code_solutions("def f(x):\\n    ### BEGIN SOLUTION\\n    return x\\n    ### END SOLUTION"))
    def f(x):
        # YOUR CODE HERE
        raise NotImplementedError()
    >>> print(strip_code_solutions("### BEGIN SOLUTION\\nn_params = 71\\n### END SOLUTION"))
    n_params = ...  # YOUR ANSWER HERE
    """
    regions = find_solution_regions(source)
    if not regions:
        return source
    lines = source.split("\n")

    def code_stub(region):
        return [region.indent + line for line in CODE_STUB]

    student = _replace_regions(lines, regions, code_stub)
    # Where each region's `raise` lands in the student source (1-based): the line after its comment.
    raise_lines, shift = [], 0
    for region in regions:
        raise_lines.append(region.begin - shift + 2)
        shift += (region.end - region.begin + 1) - len(CODE_STUB)
    try:
        inside = _raise_lines_inside_functions(_parse_cell("\n".join(student)))
    except SyntaxError as error:
        raise AuthoringError(f"the student version of this cell is not valid Python ({error.msg}, student line "
                             f"{error.lineno}); check the markers' indentation", line=regions[0].begin + 1) from None

    value_regions = {}
    for region, raise_line in zip(regions, raise_lines):
        if raise_line in inside:
            continue
        names = _assigned_names(lines[region.begin + 1: region.end])
        if names is None:
            raise AuthoringError(
                "this solution region is not inside a function body, so the student's `raise "
                "NotImplementedError()` would stop the notebook. Put the code the student writes inside a "
                "function (def ...), or, for an answer that is a value, keep only assignments (`answer = 42`) "
                "in the region", line=region.begin + 1)
        value_regions[region] = names

    def stub_for(region):
        if region in value_regions:
            return [region.indent + VALUE_STUB.format(name=name) for name in value_regions[region]]
        return code_stub(region)

    return "\n".join(_replace_regions(lines, regions, stub_for))


def strip_markdown_solutions(source):
    """The student version of a markdown cell: every solution region becomes "_Your answer here._".

    >>> strip_markdown_solutions("Why?\\n### BEGIN SOLUTION\\nBecause.\\n### END SOLUTION")
    'Why?\\n_Your answer here._'
    """
    regions = find_solution_regions(source)
    return "\n".join(_replace_regions(source.split("\n"), regions, lambda region: [region.indent + MARKDOWN_STUB]))


# ------------------------------------------------------------------------------------------ student notebooks


def generate_student_notebook(nb, path=None):
    """The student version of a solution notebook (a new notebook; `nb` is not changed).

    Solution regions are replaced (see `strip_code_solutions`), outputs and execution counts cleared, widget state
    and per-run cell metadata dropped; everything else (slide metadata, tags such as nbval-ignore-output, cell ids)
    is kept. `path` only names the file in error messages.
    """
    student = copy.deepcopy(nb)
    student.metadata.pop("widgets", None)
    for index, cell in enumerate(student.cells):
        try:
            if cell.cell_type == "code":
                cell.source = strip_code_solutions(cell.source)
                cell.outputs = []
                cell.execution_count = None
            elif cell.cell_type == "markdown":
                cell.source = strip_markdown_solutions(cell.source)
            elif find_solution_regions(cell.source):
                raise AuthoringError(f"solution markers in a {cell.cell_type} cell; use a code or markdown cell")
        except AuthoringError as error:
            raise AuthoringError(error.message, path=path, cell_index=index, line=error.line) from None
        for key in RUN_METADATA_KEYS:
            cell.metadata.pop(key, None)
    return student



def expected_student_text(solution_path):
    """The text `generate` writes for one solution notebook."""
    return notebook_text(generate_student_notebook(read_notebook(solution_path), path=solution_path))


def generate(solutions_dir=SOLUTIONS_DIR, notebooks_dir=NOTEBOOKS_DIR):
    """Write the student version of every solution notebook into `notebooks_dir`; returns the paths that changed.

    Checks every solution first, so that one broken notebook leaves all of notebooks/ untouched.
    """
    texts = {path: expected_student_text(path) for path in solution_notebooks(solutions_dir)}
    changed = []
    for solution_path, text in texts.items():
        target = Path(notebooks_dir) / solution_path.name
        if not (target.exists() and target.read_text(encoding="utf-8") == text):
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(target, "w", encoding="utf-8", newline="\n") as file:
                file.write(text)
            changed.append(target)
    return changed


def out_of_sync(solutions_dir=SOLUTIONS_DIR, notebooks_dir=NOTEBOOKS_DIR, max_diff_lines=40):
    """Every way `notebooks_dir` differs from what `generate` would write, as messages (empty: in sync).

    Reports a student notebook that is missing, differs (with a unified diff), has no solution, or still holds a
    solution marker, and a solution notebook that cannot be generated.
    """
    problems = []
    solutions = solution_notebooks(solutions_dir)
    for solution_path in solutions:
        target = Path(notebooks_dir) / solution_path.name
        try:
            expected = expected_student_text(solution_path)
        except AuthoringError as error:
            problems.append(f"{error}")
            continue
        if not target.exists():
            problems.append(f"{target} is missing: run `make notebooks` (python -m tools.stubs generate)")
            continue
        actual = target.read_text(encoding="utf-8")
        if actual != expected:
            diff = list(difflib.unified_diff(actual.splitlines(), expected.splitlines(), f"{target} (on disk)",
                                             f"{target} (generated from {solution_path})", lineterm="", n=2))
            shown = diff[:max_diff_lines] + ([f"... {len(diff) - max_diff_lines} more diff lines"]
                                             if len(diff) > max_diff_lines else [])
            problems.append(f"{target} is not what generate writes from {solution_path}. Student notebooks are "
                            "never edited by hand: edit the solution, then run `make notebooks`.\n"
                            + "\n".join(shown))
    solution_names = {path.name for path in solutions}
    for student_path in sorted(Path(notebooks_dir).glob("*.ipynb")):
        if student_path.name not in solution_names:
            problems.append(f"{student_path} has no solution counterpart {Path(solutions_dir) / student_path.name}")
        text = student_path.read_text(encoding="utf-8")
        if BEGIN_SOLUTION in text or END_SOLUTION in text:
            problems.append(f"{student_path} contains a solution marker ({BEGIN_SOLUTION!r}): it leaks a solution")
    return problems


# ------------------------------------------------------------------------------------------ command line


def main(argv=None):
    """The command line; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m tools.stubs", description=__doc__.split("\n")[0])
    parser.add_argument("--solutions", default=SOLUTIONS_DIR, help="folder of solution notebooks (default %(default)s)")
    parser.add_argument("--notebooks", default=NOTEBOOKS_DIR, help="folder of student notebooks (default %(default)s)")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("generate", help="write notebooks/ (student versions) from solutions/")
    commands.add_parser("check", help="fail when notebooks/ is not exactly what generate would write")
    args = parser.parse_args(argv)
    try:
        if args.command == "generate":
            changed = generate(args.solutions, args.notebooks)
            total = len(solution_notebooks(args.solutions))
            for path in changed:
                print(f"wrote {path}")
            print(f"{total} student notebooks generated, {len(changed)} changed")
            for problem in out_of_sync(args.solutions, args.notebooks):
                print(f"warning: {problem}", file=sys.stderr)
            return 0
        problems = out_of_sync(args.solutions, args.notebooks)
        for problem in problems:
            print(problem, file=sys.stderr)
        if problems:
            print(f"{len(problems)} problem(s): notebooks/ is out of sync with solutions/", file=sys.stderr)
            return 1
        print(f"notebooks/ matches solutions/ ({len(solution_notebooks(args.solutions))} notebooks)")
        return 0
    except AuthoringError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())

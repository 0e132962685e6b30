"""Reading and writing notebooks exactly, and finding the course's notebooks: what every other tool builds on.

A notebook is read as stored (no invented cell ids) and written as nbformat's stable JSON, so generating the student
notebooks twice gives the same bytes:

    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook()
    >>> notebook_text(nb).endswith("\\n")
    True

`ROOT` is the repository this package lives in (tools/ is never installed: it runs from a checkout).
"""
import hashlib
from pathlib import Path

import nbformat

SOLUTIONS_DIR = "solutions"
NOTEBOOKS_DIR = "notebooks"
NOTEBOOK_PATTERN = "[0-9][0-9]_*.ipynb"  # 00_welcome.ipynb, 01_ai_ml_dl.ipynb, ...


def repository_root(start=None):
    """The folder that holds the course's pyproject.toml, searched upwards from `start` (default: this package).

    >>> (repository_root() / "course_lib").is_dir()
    True
    """
    start = Path(start or __file__).resolve()
    for folder in [start, *start.parents]:
        if (folder / "pyproject.toml").is_file() and (folder / "course_lib").is_dir():
            return folder
    raise FileNotFoundError(f"no course repository (a folder with pyproject.toml and course_lib/) above {start}: "
                            "run the tools from a checkout of the course")


ROOT = repository_root()


def read_notebook(path):
    """Read a notebook without nbformat inventing random ids for cells that have none (keeps generate exact)."""
    path = Path(path)
    nb = nbformat.v4.nbjson.reads(path.read_text(encoding="utf-8"))  # the JSON as is, source lines joined
    if nb.nbformat == 4 and nb.nbformat_minor >= 5:
        for index, cell in enumerate(nb.cells):
            if "id" not in cell:
                cell.id = hashlib.sha1(f"{path.name}:{index}".encode()).hexdigest()[:8]
    return nb


def notebook_text(nb):
    """The notebook as the exact text written to disk: nbformat's stable JSON (sorted keys, indent 1) + newline."""
    text = nbformat.writes(nb, version=4)
    return text if text.endswith("\n") else text + "\n"


def write_notebook(nb, path):
    """Write `notebook_text(nb)` as UTF-8 with \\n line ends; returns True if the file changed."""
    path, text = Path(path), notebook_text(nb)
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as file:
        file.write(text)
    return True


def solution_notebooks(solutions_dir=SOLUTIONS_DIR):
    """The course's solution notebooks, `solutions/NN_*.ipynb`, in order."""
    return sorted(Path(solutions_dir).glob(NOTEBOOK_PATTERN))


def notebooks_in(paths):
    """The notebooks named by `paths` (files, or folders whose NN_*.ipynb are taken, in order)."""
    found = []
    for path in map(Path, paths):
        found += solution_notebooks(path) if path.is_dir() else [path]
    return found

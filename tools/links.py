"""The "Open in Colab" / "Launch Binder" links, made from the one place that names the course's public address.

That place is `[project.urls] Repository` in pyproject.toml. After changing it, run (in the repository root)

    python -m tools.links [NOTEBOOK ...]

which writes the two launch cells after each solution's title (links, and the Colab-only setup cell), the student
notebooks generated from them, and the README's badges.

>>> colab_url("notebooks/00_welcome.ipynb", repository="https://github.com/someone/course")
'https://colab.research.google.com/github/someone/course/blob/main/notebooks/00_welcome.ipynb'
>>> binder_url("notebooks/00_welcome.ipynb", repository="https://github.com/someone/course")
'https://mybinder.org/v2/gh/someone/course/main?labpath=notebooks%2F00_welcome.ipynb'
"""
import argparse
import re
import sys
import tomllib
import urllib.parse
from pathlib import Path

import nbformat

from tools.notebooks import NOTEBOOKS_DIR, ROOT, notebook_text, read_notebook, solution_notebooks, write_notebook
from tools.stubs import generate_student_notebook

BRANCH = "main"


class LinksError(ValueError):
    """The repository URL is missing or is not a GitHub repository; the message says what to fix."""


# ------------------------------------------------------------------------------------------ the course's address


def repository_url(pyproject=None):
    """The course's public repository, from `[project.urls] Repository` in the checkout's pyproject.toml."""
    pyproject = Path(pyproject) if pyproject else ROOT / "pyproject.toml"
    if pyproject.is_file():
        urls = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project", {}).get("urls", {})
        if "Repository" in urls:
            return urls["Repository"].rstrip("/")
    raise LinksError("no `Repository = \"https://github.com/...\"` under [project.urls] in pyproject.toml")


PLACEHOLDER_OWNER = "OWNER"


def is_placeholder(repository):
    """True while pyproject's Repository is still the placeholder https://github.com/OWNER/...: then no launch
    link is shown anywhere (a link that cannot work is worse than none).

    >>> is_placeholder("https://github.com/OWNER/deep-learning-course"), is_placeholder("https://github.com/a/b")
    (True, False)
    """
    return _github_path(repository).split("/")[0] == PLACEHOLDER_OWNER


def _github_path(repository):
    """'https://github.com/someone/course' -> 'someone/course'."""
    match = re.fullmatch(r"https://github\.com/([^/]+/[^/]+?)(?:\.git)?/?", repository)
    if not match:
        raise LinksError(f"the repository URL {repository!r} is not https://github.com/OWNER/NAME; "
                         "Colab and Binder links need a GitHub repository")
    return match.group(1)


def colab_url(path, repository=None, branch=BRANCH):
    """The "Open in Colab" address of a notebook of the repository (`path` relative to its root)."""
    return (f"https://colab.research.google.com/github/{_github_path(repository or repository_url())}/blob/"
            f"{branch}/{Path(path).as_posix()}")


def binder_url(path, repository=None, branch=BRANCH):
    """The "Launch Binder" address that opens a notebook in JupyterLab on mybinder.org (built from environment.yml)."""
    return (f"https://mybinder.org/v2/gh/{_github_path(repository or repository_url())}/{branch}"
            f"?labpath={urllib.parse.quote(Path(path).as_posix(), safe='')}")


README_BEGIN = "<!-- launch-links: written by `python -m tools.links` from pyproject.toml -->"
README_END = "<!-- /launch-links -->"


NO_LINKS_README = ("Colab and Binder links will appear here once the course is published on GitHub (maintainers: set "
                   "`[project.urls] Repository` in pyproject.toml, then run `python -m tools.links`).")
NO_LINKS_CELL = "To run this notebook on your own computer, follow the README's *Start* section."


def readme_links(repository=None):
    """The README's Colab and Binder badges (for the welcome notebook), made from the repository URL; a sentence
    instead while the URL is the placeholder."""
    repository = repository or repository_url()
    if is_placeholder(repository):
        return NO_LINKS_README
    first = "notebooks/00_welcome.ipynb"
    return (f"[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]({colab_url(first, repository)})"
            f" [![Launch Binder](https://mybinder.org/badge_logo.svg)]({binder_url(first, repository)})")


def update_links(solutions_dir=None, notebooks_dir=None, readme=None, repository=None, only=None):
    """Write the Colab/Binder links everywhere they appear: the launch cells of every solution notebook (or of the
    paths in `only`; see `add_launch_cells`), the student notebooks generated from them, and the README's badges
    (between README_BEGIN and README_END). Returns the files that changed. Run it after changing the URL.
    """
    solutions_dir = Path(solutions_dir or ROOT / "solutions")
    notebooks_dir = Path(notebooks_dir or ROOT / "notebooks")
    readme = Path(readme or ROOT / "README.md")
    repository = repository or repository_url()
    changed = []
    chosen = {Path(p).resolve() for p in only} if only else None
    for path in solution_notebooks(solutions_dir):
        if chosen is not None and path.resolve() not in chosen:
            continue
        nb = read_notebook(path)
        if add_launch_cells(nb, path.name, repository) and write_notebook(nb, path):
            changed.append(path)
        student = notebooks_dir / path.name       # as `make notebooks` writes it, for this notebook only
        if write_notebook(generate_student_notebook(nb, path=path), student):
            changed.append(student)
    text = readme.read_text(encoding="utf-8")
    if README_BEGIN not in text or README_END not in text:
        raise LinksError(f"{readme} has no {README_BEGIN!r} ... {README_END!r} block for the badges")
    head, rest = text.split(README_BEGIN, 1)
    _, tail = rest.split(README_END, 1)
    new = f"{head}{README_BEGIN}\n{readme_links(repository)}\n{README_END}{tail}"
    if new != text:
        readme.write_text(new, encoding="utf-8")
        changed.append(readme)
    return changed


# ------------------------------------------------------------------------------------------ Colab and Binder cells

LINKS_CELL_ID = "launch-links"     # markdown: "Open in Colab" / "Launch Binder" for this notebook
COLAB_CELL_ID = "colab-setup"      # code: installs the course, on Colab only
COLAB_TAG = "colab-setup"
COLAB_SETUP = """\
# Setup. On Google Colab: install the course library (about a minute) and turn on Colab's widget support.
# With COURSE_PRESENTATION=1 set: presentation mode for a projector. Anywhere else: nothing, and no output.
import os
import sys

if "google.colab" in sys.modules:
    import subprocess

    course = "{package}"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", course], check=True)
    from google.colab import output

    output.enable_custom_widget_manager()
if os.environ.get("COURSE_PRESENTATION"):
    import course_lib.presentation  # switches presentation mode on (docs/instructor_guide.md)"""


def launch_cells(name, repository=None):
    """The two cells that follow a notebook's title: links to open the notebook `name` (e.g. "00_welcome.ipynb")
    on Colab and Binder, and the Colab-only setup cell. Both are skipped in slides (slide type "skip").

    The links open the student version, notebooks/`name`; the addresses are made from `[project.urls]
    Repository` in pyproject.toml (`repository_url`) unless `repository` is given.

    >>> links, setup = launch_cells("00_welcome.ipynb", "https://github.com/someone/course")
    >>> print(links.source.split(" · ")[0])
    [Open in Colab](https://colab.research.google.com/github/someone/course/blob/main/notebooks/00_welcome.ipynb)
    >>> "google.colab" in setup.source, setup.metadata["tags"]
    (True, ['colab-setup'])
    >>> launch_cells("00_welcome.ipynb", "https://github.com/OWNER/course")[0].source   # not published yet
    "To run this notebook on your own computer, follow the README's *Start* section."
    """
    repository = repository or repository_url()
    student = f"{NOTEBOOKS_DIR}/{name}"
    text = NO_LINKS_CELL if is_placeholder(repository) else (
        f"[Open in Colab]({colab_url(student, repository)}) · [Launch Binder]({binder_url(student, repository)})"
        " · (the student version of this notebook; on your own computer, see the README)")
    links = nbformat.v4.new_markdown_cell(text, metadata={"slideshow": {"slide_type": "skip"}})
    setup = nbformat.v4.new_code_cell(COLAB_SETUP.format(package=f"git+{repository}"),
                                      metadata={"slideshow": {"slide_type": "skip"}, "tags": [COLAB_TAG]})
    links.id, setup.id = LINKS_CELL_ID, COLAB_CELL_ID
    return links, setup


def add_launch_cells(nb, name, repository=None):
    """Put (or update) the launch cells of `launch_cells` right after the title cell of `nb`; returns True if
    `nb` changed. Idempotent: running it again changes nothing.

    In a stored, executed solution the setup cell gets execution count 1 and every later count (and those of
    execute_result outputs) shifts by one, exactly as a fresh run would number them: outside Colab the cell
    prints nothing, so nothing else in the stored outputs changes.
    """
    links, setup = launch_cells(name, repository)
    before = notebook_text(nb)
    cells = [cell for cell in nb.cells if cell.get("id") not in (LINKS_CELL_ID, COLAB_CELL_ID)]
    executed = any(cell.cell_type == "code" and cell.execution_count is not None for cell in cells)
    if executed:
        setup.execution_count = 1
        counted = [cell for cell in cells if cell.cell_type == "code" and cell.execution_count is not None]
        shift = 2 - min(cell.execution_count for cell in counted)   # the first code cell after the setup cell gets 2
        for cell in counted:
            cell.execution_count += shift
            for output in cell.outputs:
                if output.get("execution_count") is not None:
                    output.execution_count += shift
    nb.cells = cells[:1] + [links, setup] + cells[1:]
    return notebook_text(nb) != before

# ------------------------------------------------------------------------------------------ command line


def main(argv=None):
    """The command line; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m tools.links", description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="*", metavar="NOTEBOOK", help="default: every solutions/NN_*.ipynb")
    args = parser.parse_args(argv)
    try:
        changed = update_links(only=args.notebooks or None)
    except LinksError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for path in changed:
        print(f"wrote {path}")
    print(f"links to {repository_url()}: {len(changed)} file(s) changed")
    return 0


if __name__ == "__main__":
    sys.exit(main())

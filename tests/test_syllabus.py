"""docs/syllabus.md maps every concept to a section of its notebook: every notebook has a table, and every section
it names is a heading of that notebook.

A row's section is written as headings joined by " › " (a heading, then one inside it); "2. › Sub" shortens
"2. <its title> › Sub", and "; › Other" names a second subsection of the same section.
"""
import pathlib
import re

import nbformat
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
SYLLABUS = ROOT / "docs" / "syllabus.md"
SOLUTIONS = sorted((ROOT / "solutions").glob("[0-9][0-9]_*.ipynb"))


def syllabus_tables(text):
    """{"solutions/NN_name.ipynb": [section text of each row]} from the syllabus's "### NN · Title (path)" blocks."""
    tables = {}
    for block in re.split(r"^### ", text, flags=re.M)[1:]:
        title, *rows = block.splitlines()
        match = re.search(r"\((solutions/[^)]+\.ipynb)\)", title)
        assert match, f"syllabus block {title!r} names no notebook (solutions/NN_name.ipynb)"
        tables[match.group(1)] = [row.strip().strip("|").rsplit("|", 1)[-1].strip() for row in rows
                                  if row.startswith("|") and not row.startswith(("|---", "| Concept"))]
    return tables


def headings(nb):
    return {line.lstrip("#").strip() for cell in nb.cells if cell.cell_type == "markdown"
            for line in cell.source.splitlines() if line.startswith("#")}


def unknown_sections(section, known):
    """The parts of one row's section text that are not headings of the notebook (a bare "2." is a shorthand)."""
    parts = [part.strip() for item in section.split("; ") for part in item.split("›")]
    return [part for part in parts if part and not re.fullmatch(r"\d+\.", part) and part not in known]


def test_every_notebook_has_a_syllabus_table():
    tables = syllabus_tables(SYLLABUS.read_text())
    missing = [f"solutions/{path.name}" for path in SOLUTIONS
               if f"solutions/{path.name}" not in tables and not path.name.startswith("00_")]
    assert not missing, f"no syllabus table for {missing}"
    empty = [name for name, rows in tables.items() if not rows and not name.startswith("solutions/00_")]
    assert not empty, f"syllabus tables without rows: {empty}"


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.stem)
def test_every_section_the_syllabus_names_exists(path):
    rows = syllabus_tables(SYLLABUS.read_text()).get(f"solutions/{path.name}", [])
    known = headings(nbformat.read(path, as_version=4))
    wrong = {row: unknown_sections(row, known) for row in rows if unknown_sections(row, known)}
    assert not wrong, f"{path.name}: the syllabus names sections that are not headings of the notebook: {wrong}"


def test_the_check_catches_a_wrong_section():
    known = {"2. The loss landscape", "One parameter: a curve"}
    assert unknown_sections("2. The loss landscape › One parameter: a curve", known) == []
    assert unknown_sections("2. › One parameter: a curve", known) == []
    assert unknown_sections("2. The loss landscape › Two parameters", known) == ["Two parameters"]
    tables = syllabus_tables("### 01 · X (solutions/01_x.ipynb)\n| Concept | Section |\n|---|---|\n| a | 1. A |\n")
    assert tables == {"solutions/01_x.ipynb": ["1. A"]}

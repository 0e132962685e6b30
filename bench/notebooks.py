"""Section 5: every notebook under nbval, as `make nbval` runs them, and the whole course.

Runs the Makefile's nbval command (solutions/ and notebooks/, two xdist workers, one notebook per worker at
a time) with a JUnit report, and adds up each notebook's cell times (kernel start included: nbval starts it
in the first cell's setup). The whole course's time is the command's wall-clock time. Target: under 4 min.
"""
import os
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from pathlib import Path

from bench.harness import REPO

FOLDERS = ("solutions", "notebooks")
SANITIZE = "tests/nbval_sanitize.cfg"


def nbval_command(junit_path, folders):
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--nbval", "--nbval-current-env",
               "-n", "2", "--dist", "loadfile", "-q", f"--junitxml={junit_path}"]
    if (REPO / SANITIZE).exists():
        command += ["--nbval-sanitize-with", SANITIZE]
    return command + list(folders)


def per_notebook(junit_xml):
    """{notebook: {"seconds", "cells", "failed"}} from a JUnit report of an nbval run.

    >>> report = '''<testsuites><testsuite>
    ... <testcase classname="solutions.01_a.ipynb" name="Cell 0" time="1.5"/>
    ... <testcase classname="solutions.01_a.ipynb" name="Cell 1" time="0.5"><failure message="x"/></testcase>
    ... </testsuite></testsuites>'''
    >>> per_notebook(report)
    {'solutions/01_a.ipynb': {'seconds': 2.0, 'cells': 2, 'failed': 1}}
    """
    notebooks = {}
    for case in ElementTree.fromstring(junit_xml).iter("testcase"):
        classname = case.get("classname", "")
        folder, _, name = classname.partition(".")
        path = f"{folder}/{name}" if name.endswith(".ipynb") else classname
        entry = notebooks.setdefault(path, {"seconds": 0.0, "cells": 0, "failed": 0})
        entry["seconds"] = round(entry["seconds"] + float(case.get("time", 0.0)), 3)
        entry["cells"] += 1
        entry["failed"] += any(child.tag in ("failure", "error") for child in case)
    return dict(sorted(notebooks.items()))


def run(timeout=900, environment=None):
    folders = [f for f in FOLDERS if any((REPO / f).glob("*.ipynb"))]
    if not folders:
        return {"status": "not available yet", "why": "no notebooks in solutions/ or notebooks/"}
    with tempfile.TemporaryDirectory() as tmp:
        junit = Path(tmp) / "nbval.xml"
        command = nbval_command(junit, folders)
        start = time.perf_counter()
        try:
            completed = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=timeout,
                                       env={**os.environ, **(environment or {})})
        except subprocess.TimeoutExpired:
            return {"status": "timed out", "why": f"nbval ran past {timeout} s", "command": " ".join(command[2:])}
        wall = time.perf_counter() - start
        if not junit.exists():
            tail = " | ".join((completed.stdout + completed.stderr).strip().splitlines()[-3:])
            return {"status": "failed", "why": tail, "command": " ".join(command[2:])}
        notebooks = per_notebook(junit.read_text())
    summary = completed.stdout.strip().splitlines()[-1] if completed.stdout.strip() else ""
    return {"status": "measured", "command": "python " + " ".join(command[1:]).replace(str(junit), "REPORT.xml"),
            "sanitize_file": SANITIZE if (REPO / SANITIZE).exists() else f"{SANITIZE} missing: ran without it",
            "whole_course_s": wall, "pytest_exit_code": completed.returncode, "pytest_summary": summary,
            "notebooks": notebooks}

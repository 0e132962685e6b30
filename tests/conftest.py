"""Shared test settings: headless plotting, a compilation cache of the test run's own, and a fixed seed for the
NumPy generator tests use."""
import atexit
import os
import shutil
import tempfile

os.environ.setdefault("MPLBACKEND", "Agg")
# course_lib.training keeps compiled programs in ~/.cache/course_lib; the tests keep theirs apart, so that
# what a test sees never depends on what an earlier run or the user's notebooks left there.
if "COURSE_LIB_COMPILATION_CACHE" not in os.environ:
    _cache = tempfile.mkdtemp(prefix="course-lib-test-cache-")
    atexit.register(shutil.rmtree, _cache, ignore_errors=True)
    os.environ["COURSE_LIB_COMPILATION_CACHE"] = _cache

import numpy as np
import pytest


@pytest.fixture
def rng():
    return np.random.default_rng(1234)


def pytest_collection_modifyitems(config, items):
    """The files that hold a test marked slow run first, each file's tests in their own order. `make test` gives each
    of its two workers a whole file at a time (--dist loadfile), in this order: the longest files (the nbgrader
    course, the benchmark smoke run, the wheel, the decks and the site) start at once, and the short ones fill in
    after them, instead of one long file starting last while the other worker has nothing left to do."""
    slow_files = {item.path for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.path not in slow_files)     # a stable sort: the order within a file stays

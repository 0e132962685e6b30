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

"""The three places that name dependencies agree: pyproject.toml (ranges), requirements/lock.txt (exact
versions) and environment.yml (conda, Binder)."""
import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]


def normalize(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def pyproject_requirements(extras=("test", "grading")):
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    optional = [r for extra in extras for r in project["optional-dependencies"][extra]]
    return [Requirement(r) for r in project["dependencies"] + optional]


def lock_versions():
    versions = {}
    for line in (ROOT / "requirements" / "lock.txt").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, version = line.split("==")
            versions[normalize(name)] = version
    return versions


def environment_pins():
    pins = {}
    for line in (ROOT / "environment.yml").read_text().splitlines():
        match = re.match(r"\s*-\s*([A-Za-z0-9_.\-]+)==([^\s#]+)", line)
        if match:
            pins[normalize(match.group(1))] = match.group(2)
    return pins


@pytest.mark.parametrize("requirement", pyproject_requirements(), ids=str)
def test_lock_pins_every_dependency_within_its_range(requirement):
    versions = lock_versions()
    assert normalize(requirement.name) in versions, f"{requirement.name} is missing from requirements/lock.txt"
    assert Version(versions[normalize(requirement.name)]) in requirement.specifier


def test_environment_yml_declares_the_same_packages_at_the_locked_versions():
    pins, locked = environment_pins(), lock_versions()
    # nbgrader (the grading extra) is the instructor's: not in the students' environment.yml
    declared = {normalize(r.name) for r in pyproject_requirements(extras=("test",))}
    assert set(pins) == declared
    for name, version in pins.items():
        assert locked[name] == version, f"{name}: environment.yml has {version}, the lock has {locked[name]}"
    text = (ROOT / "environment.yml").read_text()
    assert "-c requirements/lock.txt" in text and "- -e ." in text
    assert "python=3.11" in text


def test_lock_has_no_gpu_or_benchmark_only_packages():
    # The course installs the CPU build of JAX; benchmarks' extras (torch) live in requirements/bench.txt.
    locked = lock_versions()
    for name in ("torch", "jax-cuda12-plugin", "jax-cuda13-plugin", "nvidia-cublas-cu12"):
        assert name not in locked

"""The three places that name dependencies agree: pyproject.toml (ranges), requirements/lock.txt (exact
versions) and environment.yml (conda, Binder). And the wheel a student installs: course_lib only, no tooling, and
the JupyterLab settings override that keeps the first launch free of the news question."""
import os
import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]


def normalize(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def pyproject_requirements(extras=None):
    """The course's dependencies and those of the optional groups `extras` (default: every group: `authoring`,
    `test`, `grading`); a group that includes another (`course_lib[authoring]`) is not a package to pin."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    optional = project["optional-dependencies"]
    groups = [r for name in (extras or optional) for r in optional[name]]
    wanted = [Requirement(r) for r in project["dependencies"] + groups]
    return [r for r in wanted if normalize(r.name) != normalize(project["name"])]


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
    declared = {normalize(r.name) for r in pyproject_requirements(extras=("authoring", "test"))}
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


# ------------------------------------------------------------------------------------ the wheel a student installs

OVERRIDES = ROOT / "jupyter" / "lab" / "settings" / "overrides.d" / "course_lib.json"
OVERRIDES_TARGET = "share/jupyter/lab/settings/overrides.d"     # under the environment's prefix


def test_the_lab_settings_override_names_real_settings_of_this_jupyterlab():
    """jupyter/lab/settings/overrides.d/course_lib.json turns off the news question: every plugin id and key in it
    exists in the installed JupyterLab's schemas, with a value the schema allows."""
    import json

    import jupyterlab

    schemas = Path(jupyterlab.__file__).parent / "schemas"
    overrides = json.loads(OVERRIDES.read_text(encoding="utf-8"))
    assert overrides["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"
    for plugin_id, values in overrides.items():
        package, plugin = plugin_id.split(":")
        schema_path = schemas / package / f"{plugin}.json"
        assert schema_path.is_file(), f"{plugin_id}: no such settings plugin in JupyterLab {jupyterlab.__version__}"
        properties = json.loads(schema_path.read_text(encoding="utf-8"))["properties"]
        for key, value in values.items():
            assert key in properties, f"{plugin_id} has no setting {key!r}"
            allowed = [choice["const"] for choice in properties[key].get("oneOf", [])]
            assert value in allowed if allowed else isinstance(value, bool) == (properties[key]["type"] == "boolean")
    data_files = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["data-files"]
    assert data_files[OVERRIDES_TARGET] == [OVERRIDES.relative_to(ROOT).as_posix()]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    """The course's wheel, built from this checkout as pip would (`pip wheel --no-deps .`, no network)."""
    import shutil
    import subprocess
    import sys

    out = tmp_path_factory.mktemp("wheel")
    # A copy of the sources, so that the build's own build/ and *.egg-info never land in the checkout.
    source = out / "source"
    # (tools/, bench/ and tests/ are copied too: a packages.find that picked them up must show in the wheel.)
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".venv", ".git", "node_modules", "build", "*.egg-info", "__pycache__", "notebooks", "solutions", "vendor",
        "screenshots", "results"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q",
                    "-w", str(out / "dist"), str(source)], check=True, capture_output=True, text=True)
    (path,) = (out / "dist").glob("course_lib-*.whl")
    return path


@pytest.mark.slow
def test_the_wheel_holds_the_course_library_and_no_tooling(wheel):
    import zipfile

    names = zipfile.ZipFile(wheel).namelist()
    packages = {name.split("/")[0] for name in names if not name.startswith("course_lib-")}
    assert packages == {"course_lib"}, f"the wheel installs more than course_lib: {packages}"
    tooling = [name for name in names
               if re.search(r"(^|/)(tools|bench|assets)/|(^|/)(authoring|publish|widget_candidates)\.py$", name)]
    assert not tooling, f"tooling in the student's wheel: {tooling}"
    archive = zipfile.ZipFile(wheel)
    benchmarks = [name for name in names if name.endswith(".py")
                  and re.search(rb"^def (compare_candidates|benchmark_update_latency)\b", archive.read(name), re.M)]
    assert not benchmarks, f"the widget benchmarks belong in bench/, not the wheel: {benchmarks}"
    for needed in ("course_lib/__init__.py", "course_lib/widgets/diagram.js", "course_lib/widgets/widgets.css",
                   "course_lib/exercises/checker.py"):
        assert needed in names
    assert any(name.endswith(f".data/data/{OVERRIDES_TARGET}/course_lib.json") for name in names)


@pytest.mark.slow
def test_the_installed_wheel_imports_and_its_lab_asks_no_news_question(wheel, tmp_path):
    """Installed (not editable) into an empty prefix, away from the checkout: `import course_lib` works from it,
    and a JupyterLab whose settings folder is that prefix's answers with the course's news settings."""
    import json
    import subprocess
    import sys

    prefix = tmp_path / "env"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "--ignore-installed", "-q", "--prefix", str(prefix),
                    str(wheel)], check=True, capture_output=True, text=True)
    (site,) = prefix.glob("lib/python*/site-packages")
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    env["PYTHONPATH"] = str(site)
    code = ("import course_lib, course_lib.widgets, course_lib.exercises; "
            "print(course_lib.__file__); print(course_lib.init_mlp([2, 3, 1], seed=0)[0]['W'].shape)")
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    where, shape = done.stdout.split()[:2]
    assert Path(where).is_relative_to(site) and "(2," in shape
    # Nothing of the tooling comes from the installed wheel. (The checkout itself may still be on the path, through
    # the developer's editable install of course_lib: what matters is that the wheel does not bring them.)
    for module in ("course_lib.authoring", "course_lib.publish", "tools", "bench"):
        found = subprocess.run([sys.executable, "-c", "import importlib.util, sys; "
                                f"spec = importlib.util.find_spec({module!r}); print(spec and spec.origin)"],
                               cwd=tmp_path, env=env, capture_output=True, text=True)
        origin = found.stdout.strip()
        assert origin in ("None", "") or not Path(origin).is_relative_to(site), f"the wheel installed {module}"

    settings = prefix / OVERRIDES_TARGET / "course_lib.json"
    assert json.loads(settings.read_text())["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"

    # That folder is where a JupyterLab of the environment looks (its app settings folder is under sys.prefix) ...
    from jupyterlab.commands import get_app_dir
    assert Path(get_app_dir()).resolve() == (Path(sys.prefix) / "share" / "jupyter" / "lab").resolve()
    # ... and a JupyterLab given the installed prefix's folder answers with the course's defaults.
    assert lab_notification_defaults(prefix / "share" / "jupyter" / "lab" / "settings", tmp_path / "home") == {
        "fetchNews": "false", "checkForUpdates": False}
    # (without the override it would ask: JupyterLab's own default is "none", "Ask")
    import jupyterlab
    schema = Path(jupyterlab.__file__).parent / "schemas" / "@jupyterlab" / "apputils-extension" / "notification.json"
    assert json.loads(schema.read_text())["properties"]["fetchNews"]["default"] == "none"


def lab_notification_defaults(app_settings_dir, home):
    """Start JupyterLab with `app_settings_dir` (in a throw-away Jupyter home) and return the defaults its settings
    API gives the news plugin (overrides change a schema's defaults)."""
    import json
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {key: value for key, value in os.environ.items() if not key.startswith("JUPYTER")}
    env.update({name: str(home / name) for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR",
                                                    "JUPYTERLAB_SETTINGS_DIR", "JUPYTERLAB_WORKSPACES_DIR")})
    command = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ServerApp.ip=127.0.0.1",
               f"--ServerApp.port={port}", "--ServerApp.port_retries=0", "--IdentityProvider.token=packaging",
               f"--ServerApp.root_dir={home}", f"--LabApp.app_settings_dir={app_settings_dir}",
               "--LabApp.news_url=None", "--allow-root"]
    home.mkdir(parents=True, exist_ok=True)
    url = f"http://127.0.0.1:{port}/lab/api/settings/@jupyterlab/apputils-extension:notification"
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                request = urllib.request.Request(url, headers={"Authorization": "token packaging"})
                with urllib.request.urlopen(request, timeout=2) as response:
                    properties = json.loads(response.read())["schema"]["properties"]
                return {key: properties[key]["default"] for key in ("fetchNews", "checkForUpdates")}
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(timeout=30)

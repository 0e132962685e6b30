"""The layers of docs/architecture.md, enforced: read every import of course_lib (and tools/) from the source, with
`ast`, and fail on an import circle, on a module importing a layer above its own, and on the student package
importing the maintainers' tools or benchmarks.

The layers, lowest first (a module may import its own layer and the ones below it, never one above):

    core        the math: arrays, activations, initializers, network, losses, backprop, optimizers;
                also datasets, presentation
    training    training (fit and the training step every trainer shares), devices
    playground  the Playground's engine (course_lib.playground)
    widgets     course_lib.widgets.* (the views)
    exercises   course_lib.exercises.* (the checked exercises of each notebook)

Function-local imports count (a circle hidden inside a function is still a circle), and so do `from course_lib
import fit`-style imports of the package's lazy names (they load the module that defines the name).
"""
import ast
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

LAYERS = ("core", "training", "playground", "widgets", "exercises")
COURSE_LIB_LAYERS = {
    "course_lib.arrays": "core",
    "course_lib.activations": "core",
    "course_lib.initializers": "core",
    "course_lib.network": "core",
    "course_lib.losses": "core",
    "course_lib.backprop": "core",
    "course_lib.autograd": "core",
    "course_lib.optimizers": "core",
    "course_lib.datasets": "core",
    "course_lib.presentation": "core",
    "course_lib.figures": "core",
    "course_lib.training": "training",
    "course_lib.compilation_cache": "training",
    "course_lib.devices": "training",
    "course_lib.dropout": "core",
    "course_lib.playground": "playground",            # the package: data, settings, engine, saving, presets
    "course_lib.playground.data": "playground",
    "course_lib.playground.settings": "playground",
    "course_lib.playground.engine": "playground",
    "course_lib.playground.saving": "playground",
    "course_lib.playground.presets": "playground",
    "course_lib.widgets": "widgets",
    "course_lib.exercises": "exercises",
}
OUTSIDE = ("tools", "bench")     # the maintainers' top-level packages: never imported by the student package


# ------------------------------------------------------------------------------------------ the checker


def module_name(path, package_dir, package):
    """'course_lib/widgets/diagram.py' -> 'course_lib.widgets.diagram' (a package's __init__.py -> the package)."""
    parts = list(path.relative_to(package_dir).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join([package, *parts])


def lazy_exports(init_file):
    """The package's lazily loaded names: `_EXPORTS = {"fit": "training", ...}` in its __init__.py, if any."""
    for node in ast.parse(init_file.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "_EXPORTS" for t in node.targets):
            return ast.literal_eval(node.value)
    return {}


def import_graph(package_dir, package):
    """{module: {(imported module, line), ...}} for every module of the package, imports of any kind included:
    top-level and function-local `import` / `from ... import`, relative ones, `importlib.import_module("...")`
    with a literal name. Only imports of the package itself and of OUTSIDE are kept."""
    package_dir = Path(package_dir)
    files = {module_name(path, package_dir, package): path for path in sorted(package_dir.rglob("*.py"))}
    exports = lazy_exports(package_dir / "__init__.py") if (package_dir / "__init__.py").is_file() else {}

    def wanted(name):
        return name.split(".")[0] in (package, *OUTSIDE)

    def resolve(base, names):
        """`from base import a, b`: a submodule when it is one, the module defining a lazy name, else base."""
        found = set()
        for alias in names:
            if f"{base}.{alias.name}" in files:
                found.add(f"{base}.{alias.name}")
            elif base == package and alias.name in exports:
                found.add(f"{package}.{exports[alias.name]}")
            else:
                found.add(base)
        return found

    graph = {}
    for module, path in files.items():
        is_package = path.name == "__init__.py"
        imports = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, ast.Import):
                imports |= {(alias.name, node.lineno) for alias in node.names if wanted(alias.name)}
            elif isinstance(node, ast.ImportFrom):
                if node.level:                                   # relative: from . import x, from ..network import y
                    here = module.split(".") if is_package else module.split(".")[:-1]
                    here = here[:len(here) - (node.level - 1)]
                    base = ".".join(here + ([node.module] if node.module else []))
                else:
                    base = node.module or ""
                if wanted(base):
                    imports |= {(name, node.lineno) for name in resolve(base, node.names)}
            elif (isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "import_module"
                  and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
                  and wanted(node.args[0].value)):
                imports.add((node.args[0].value, node.lineno))
        graph[module] = {(name, line) for name, line in imports if name != module}
    return graph


def owner(name, modules):
    """The module of the graph that `name` refers to (course_lib.widgets.x.y -> the longest known prefix)."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        if ".".join(parts[:end]) in modules:
            return ".".join(parts[:end])
    return None


def import_circles(graph):
    """Every import circle as a list of modules ([a, b, a]); the package facade (its __init__, which loads
    everything lazily) is left out, since importing a name through it is counted as importing its module."""
    modules = set(graph)
    edges = {m: sorted({owner(name, modules) for name, _ in imports} - {None, m}) for m, imports in graph.items()}
    facade = min(modules, key=len)
    circles, state = [], {}

    def visit(module, stack):
        state[module] = "open"
        stack.append(module)
        for target in edges[module]:
            if target == facade:
                continue
            if state.get(target) == "open":
                circles.append(stack[stack.index(target):] + [target])
            elif target not in state:
                visit(target, stack)
        stack.pop()
        state[module] = "done"

    for module in sorted(modules):
        if module not in state and module != facade:
            visit(module, [])
    return circles


def layer_of(module, layers):
    name = owner(module, set(layers))
    return layers[name] if name else None


def layer_violations(graph, layers, order=LAYERS, outside=OUTSIDE):
    """Messages for each import of a layer above the importer's, and each import of an OUTSIDE package."""
    problems = []
    for module, imports in sorted(graph.items()):
        mine = layer_of(module, layers)
        for name, line in sorted(imports):
            if name.split(".")[0] in outside:
                problems.append(f"{module} (line {line}) imports {name}: the student package never imports the "
                                f"maintainers' {name.split('.')[0]}/")
                continue
            theirs = layer_of(name, layers)
            if mine and theirs and order.index(theirs) > order.index(mine):
                problems.append(f"{module} (layer {mine}, line {line}) imports {name} (layer {theirs}): a layer "
                                "may only import its own layer and the ones below it (docs/architecture.md)")
    return problems


def unlayered(graph, layers):
    """Modules of the package that no layer claims (a new module must be given a layer)."""
    facade = min(graph, key=len)
    return sorted(m for m in graph if m != facade and layer_of(m, layers) is None)


# ------------------------------------------------------------------------------------------ the real package


@pytest.fixture(scope="module")
def course_graph():
    return import_graph(ROOT / "course_lib", "course_lib")


def test_every_course_lib_module_has_a_layer(course_graph):
    assert not unlayered(course_graph, COURSE_LIB_LAYERS), (
        "modules without a layer: add them to COURSE_LIB_LAYERS here and to docs/architecture.md")


def test_course_lib_has_no_import_circle(course_graph):
    circles = import_circles(course_graph)
    assert not circles, "import circles:\n" + "\n".join(" -> ".join(circle) for circle in circles)


def test_course_lib_imports_only_downwards_and_never_the_tools(course_graph):
    problems = layer_violations(course_graph, COURSE_LIB_LAYERS)
    assert not problems, "\n".join(problems)


def test_the_tools_have_no_import_circle():
    graph = import_graph(ROOT / "tools", "tools")
    assert len(graph) >= 5, "tools/ should hold notebooks, stubs, links, execute and publish"
    circles = import_circles(graph)
    assert not circles, "import circles:\n" + "\n".join(" -> ".join(circle) for circle in circles)


def test_the_graph_sees_what_the_package_really_imports(course_graph):
    """The checker is not blind: known imports of the real package are found (function-local ones included)."""
    assert any(name == "course_lib.network" for name, _ in course_graph["course_lib.backprop"])
    assert any(name == "course_lib.training" for name, _ in course_graph["course_lib.devices"])
    assert any(name.startswith("course_lib.widgets.") for name, _ in course_graph["course_lib.widgets.diagram"])


# ------------------------------------------------------------------------------------------ the self-check


def synthetic_package(root, files):
    """A package `pkg` in `root` made of {relative path: source}; returns its folder."""
    for name, source in {"__init__.py": '_EXPORTS = {"fit": "training"}\n', **files}.items():
        path = root / "pkg" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source), encoding="utf-8")
    return root / "pkg"


SYNTHETIC_LAYERS = {"pkg.network": "core", "pkg.losses": "core", "pkg.training": "training",
                    "pkg.widgets": "widgets", "pkg.exercises": "exercises"}
CLEAN = {
    "network.py": "import numpy as np\n",
    "losses.py": "from pkg.network import forward\n",
    "training.py": "from . import losses\n",
    "widgets/__init__.py": "",
    "widgets/view.py": "from ..training import fit\nfrom pkg import network\n",
    "exercises/__init__.py": "",
    "exercises/nb01.py": "from pkg.widgets import view\n",
}


def check(tmp_path, files):
    graph = import_graph(synthetic_package(tmp_path, files), "pkg")
    return import_circles(graph), layer_violations(graph, SYNTHETIC_LAYERS)


def test_self_check_a_clean_package_passes(tmp_path):
    assert check(tmp_path, CLEAN) == ([], [])


def test_self_check_the_math_core_importing_a_widget_fails(tmp_path):
    circles, problems = check(tmp_path, {**CLEAN, "network.py": "def draw():\n    from pkg.widgets import view\n"})
    assert any("pkg.network (layer core, line 2) imports pkg.widgets.view (layer widgets)" in p for p in problems)


@pytest.mark.parametrize("source, layer", [("from pkg import fit\n", "training"),             # a lazy name
                                           ("import pkg.exercises.nb01\n", "exercises"),
                                           ("import importlib\nimportlib.import_module('pkg.training')\n",
                                            "training")])
def test_self_check_every_kind_of_upward_import_is_seen(tmp_path, source, layer):
    _, problems = check(tmp_path, {**CLEAN, "losses.py": source})
    assert len(problems) == 1 and f"(layer {layer})" in problems[0]


def test_self_check_an_import_circle_fails(tmp_path):
    circles, _ = check(tmp_path, {**CLEAN, "network.py": "def f():\n    from pkg import losses\n"})
    assert len(circles) == 1 and set(circles[0]) == {"pkg.losses", "pkg.network"} and circles[0][0] == circles[0][-1]


@pytest.mark.parametrize("source", ["import tools.stubs\n", "from bench.widget_candidates import RecordingComm\n",
                                    "def f():\n    from tools import publish\n"])
def test_self_check_the_package_importing_the_tools_fails(tmp_path, source):
    _, problems = check(tmp_path, {**CLEAN, "widgets/view.py": source})
    assert len(problems) == 1 and "never imports the maintainers'" in problems[0]

"""Interactive views of a network for JupyterLab: move a weight, watch everything respond.

Each view is an anywidget: Python (with course_lib's own `forward`, `backprop`, `fit`) computes what to
draw, a small JavaScript file in this folder paints it on an SVG or a canvas. Every widget keeps what it
draws in `.drawn`, takes new weights with `.params = ...` / `.set_params(...)`, and shows a clear message
instead of crashing on bad input.

    from course_lib import datasets, init_mlp, widgets
    data = datasets.load("xor", n=200, seed=0)
    params = init_mlp([2, 4, 1], seed=0)
    diagram = widgets.NetworkDiagram(params, activation="tanh", x=data.x_train[0])
    boundary = widgets.DecisionBoundary(params, data, activation="tanh")
    widgets.link_params(diagram, boundary)          # edit an edge in the diagram, the boundary follows
    widgets.side_by_side(diagram, boundary)

Views: NetworkDiagram, DecisionBoundary, NeuronHeatmaps, WeightMatrices, LossCurve / LinePlot,
TrainingReplay, activation_explorer(), learning_rate_explorer(). Pure functions that compute what they
draw: diagram_layout, boundary_scene, boundary_grid, layer_grids, neuron_tiles, weight_panels.
Look and feel: style.Style, DEFAULT, PRESENTATION, use_style. Speed: bench/widget_candidates.py (in the repository).
"""
import importlib

_EXPORTS = {
    "NetworkDiagram": "diagram",
    "diagram_layout": "diagram",
    "example_gradients": "diagram",
    "DecisionBoundary": "boundary",
    "boundary_scene": "boundary",
    "as_plane_data": "boundary",
    "boundary_grid": "planes",
    "layer_grids": "planes",
    "plane_extent": "planes",
    "NeuronHeatmaps": "tiles",
    "WeightMatrices": "tiles",
    "TileGrid": "tiles",
    "neuron_tiles": "tiles",
    "weight_panels": "tiles",
    "LinePlot": "curves",
    "LossCurve": "curves",
    "loss_series": "curves",
    "TrainingReplay": "replay",
    "activation_explorer": "explorers",
    "learning_rate_explorer": "explorers",
    "ActivationExplorer": "explorers",
    "LearningRateExplorer": "explorers",
    "link_params": "linking",
    "link_input": "linking",
    "side_by_side": "linking",
    "Style": "style",
    "DEFAULT": "style",
    "PRESENTATION": "style",
    "use_style": "style",
    "get_style": "style",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name):
    if name in _EXPORTS:
        value = getattr(importlib.import_module(f"course_lib.widgets.{_EXPORTS[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'course_lib.widgets' has no attribute {name!r}")


def __dir__():
    return __all__ + ["style"]

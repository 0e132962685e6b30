"""Tie views together, so that one change shows everywhere.

>>> from course_lib import datasets, init_mlp
>>> from course_lib.widgets import NetworkDiagram, DecisionBoundary
>>> params = init_mlp([2, 3, 1], seed=0)
>>> diagram, boundary = NetworkDiagram(params), DecisionBoundary(params, datasets.load("xor", n=60))
>>> _ = link_params(diagram, boundary)
>>> _ = diagram.set_weight(0, 0, 0, 3.0)
>>> float(boundary.params[0]["W"][0, 0])
3.0
"""


def link_params(source, *targets):
    """Whenever `source.params` changes (a click, a slider, `set_params`), give the new weights to `targets`.

    Returns a function that undoes the link.
    """
    def forward_params(change):
        for target in targets:
            target.params = change["new"]

    source.observe(forward_params, names="params")
    for target in targets:
        target.params = source.params
    return lambda: source.unobserve(forward_params, names="params")


def link_input(boundary, diagram):
    """Clicking a point of the decision boundary pushes that input through the diagram (and marks it).

    Returns a function that undoes the link.
    """
    def pick(change):
        if change["new"] is not None:
            diagram.x = change["new"]
            boundary.marker = change["new"]

    boundary.observe(pick, names="picked")
    return lambda: boundary.unobserve(pick, names="picked")


def side_by_side(*views):
    """The views in a row (an ipywidgets HBox) that wraps on narrow screens."""
    import ipywidgets

    return ipywidgets.HBox(list(views), layout=ipywidgets.Layout(flex_flow="row wrap", align_items="flex-start"))

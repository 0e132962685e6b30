"""The network diagram: nodes and edges of a small MLP, drawn so that the weights can be seen and moved.

An edge's width grows with |weight| and its colour gives the sign (blue positive, orange and dashed
negative); each node shows its bias, and, for a chosen input, its value; for notebook 05 each edge can
also show the gradient of the loss with respect to its weight. Click an edge (or a bias) in the
browser and a slider appears to change it; the output updates at once. The keyboard does the same (arrow
keys choose, + and - change, Enter edits; see diagram.js), and `describe_network` puts the picture in words for
screen readers.

`diagram_layout(params, ...)` computes everything that is drawn (pure function, testable without a
browser); `NetworkDiagram` is the thin widget that shows it.

>>> from course_lib import init_mlp
>>> scene = diagram_layout(init_mlp([2, 3, 1], seed=0), x=[1.0, -0.5])
>>> len(scene["nodes"]), len(scene["edges"])
(6, 9)
>>> scene["nodes"][0]["value"]
1.0
"""
import numpy as np
import traitlets

from course_lib.backprop import backprop
from course_lib.losses import output_for_loss
from course_lib.network import OUTPUTS, ShapeError, forward, hidden_activations
from course_lib.widgets._base import (CourseWidget, all_finite, as_input, as_params, fmt, front_end,
                                      max_abs_weight, sizes_of)
from course_lib.widgets.planes import check_extent, layer_grids
from course_lib.widgets.style import contrast_ratio, diverging_rgba, get_style

AUTO_LABEL_EDGES = 16     # show every weight's value when the network has at most this many edges


def default_size(sizes, style, tiles=False, gradients=False, values=False):
    """A width and height (pixels) that fit a network with these layer sizes and the labels around nodes."""
    node = style.tile_size if tiles else 2 * style.node_radius
    line = style.font_size + 2
    # below each node: its bias, and its gradient; above a tile: its value
    around = 12 + line * (1 + gradients + (tiles and values))
    width = int(110 + 150 * (len(sizes) - 1) * max(1.0, node / 30))
    height = int(60 + max(sizes) * (node + around))
    return max(width, 320), max(height, 180)


def _text_color_on(fill):
    """Black or white, whichever has the higher contrast on `fill` (WCAG's ratio: at least 4.58 on any colour)."""
    return "#000000" if contrast_ratio("#000000", fill) >= contrast_ratio("#FFFFFF", fill) else "#FFFFFF"


def _rgba_to_hex(rgba):
    return "#{:02X}{:02X}{:02X}".format(*(int(v) for v in rgba[:3]))


def node_values(params, x, activation="relu", output="linear"):
    """For one input x, every layer's values: [x, a_1, ..., a_out] and the weighted sums [None, z_1, ..., z_out]."""
    _, layers = forward(params, x.reshape(1, -1), activation=activation, output=output, return_hidden=True)
    values = [x] + [np.asarray(layer["a"])[0] for layer in layers]
    sums = [None] + [np.asarray(layer["z"])[0] for layer in layers]
    return values, sums


def example_gradients(params, x, y, activation="relu", loss="mse", output="linear"):
    """The gradient of the loss on the single example (x, y), by course_lib's hand-written backprop."""
    x = np.asarray(x, dtype=np.float64).reshape(1, -1)
    if loss == "mse":
        y = np.asarray(y, dtype=np.float64).reshape(1, -1)
    else:
        y = np.asarray(y).reshape(1)
    return backprop(params, x, y, activation=activation, loss=loss,
                    output=output_for_loss(loss, output if loss == "mse" else None))


def diagram_layout(params, activation="relu", output="linear", x=None, grads=None, *, width=None, height=None,
                   style=None, weight_scale=None, show_weights=None, feature_names=None, output_names=None,
                   heatmaps=False, extent=None, resolution=20, selected=None, feature_map=None):
    """Everything the network diagram draws, as plain numbers: a dict with "nodes", "edges" and more.

    params: the network. activation / output: as for `forward`. x: one input example (n_inputs values), or
    None; with it every node shows its value. grads: gradients with the structure of params (from
    `backprop` or `jax.grad`), or None; with them every edge and bias shows its gradient.
    weight_scale: the |weight| drawn with the thickest edge (default: the largest |weight|).
    show_weights: write each weight on its edge (default: when there are at most 16 edges).
    heatmaps: draw each node as a small image of its value over the input plane `extent` (2-input networks;
        default extent (-1, 1, -1, 1)). feature_map: for a network whose inputs are features of the plane's
        points (the Playground's x1², sin x2, ...), the function from points (n, 2) to its inputs; the input tiles
        then show the features.
    selected: {"layer", "kind" ("W" or "b"), "i", "j"} of the weight being edited, or None.

    Nodes: {"layer", "index", "x", "y", "kind" (input/hidden/output), "label", "value", "sum", "fill",
    "text_color", "bias", "bias_color", "grad_b", "tile"}; with heatmaps, "tiles" holds their RGBA pictures (top
    row first) and "tile_values" what they show: each node's value over the plane divided by the largest |value| of
    its layer, from -1 to 1 (NaN where it is not finite). Edges: {"layer", "i", "j", "x1", "y1", "x2", "y2",
    "weight", "width", "color", "dash", "label", "grad", "grad_label"}. Pixel coordinates, origin top left.
    """
    style = get_style(style)
    params = as_params(params)
    x = as_input(x, params[0]["W"].shape[0])
    sizes = sizes_of(params)
    n_layers = len(sizes)
    auto_width, auto_height = default_size(sizes, style, heatmaps, grads is not None, x is not None)
    width, height = int(width or auto_width), int(height or auto_height)
    node_half = style.tile_size / 2 if heatmaps else style.node_radius
    left, right, top, bottom = 58, 58, 22, 34

    values = sums = None
    if x is not None:
        values, sums = node_values(params, x, activation, output)
    scale = float(weight_scale) if weight_scale else max(max_abs_weight(params), 1e-9)
    thin, thick = (w * style.line_scale for w in style.edge_width)
    n_edges = sum(W.size for W in (layer["W"] for layer in params))
    label_weights = n_edges <= AUTO_LABEL_EDGES if show_weights is None else bool(show_weights)

    tiles = tile_values = None
    if heatmaps:
        # Tiles turned on later (diagram.heatmaps = True) on a diagram made without an extent use the default plane.
        extent = check_extent((-1.0, 1.0, -1.0, 1.0) if extent is None else extent)
        grids = layer_grids(params, extent, resolution, activation, output, feature_map=feature_map)
        tile_values = []
        for grid in grids:
            finite = np.isfinite(grid)
            vmax = float(np.max(np.abs(grid[finite]))) if finite.any() else 1.0
            vmax = vmax if vmax > 0 else 1.0            # an all-zero layer: neutral tiles (as diverging_rgba does)
            for k in range(grid.shape[-1]):
                # flip rows: row 0 of an image is its top, row 0 of a grid its bottom (smallest x2)
                tile_values.append(grid[::-1, :, k] / vmax)
        # Each tile on the diverging map, its layer's largest |value| at the ends.
        tile_values = np.stack(tile_values)
        tiles = diverging_rgba(tile_values, 1.0, style)

    names_in = list(feature_names or [f"x{k + 1}" for k in range(sizes[0])])
    if output_names is None:
        output_names = ["ŷ"] if sizes[-1] == 1 else [f"ŷ{k}" for k in range(sizes[-1])]
    hidden_names = hidden_activations(activation, n_layers - 2)

    # Where each node sits: layers left to right, the nodes of a layer centred vertically.
    usable_w = width - left - right
    positions = []
    for layer, n in enumerate(sizes):
        column = left + (usable_w * layer / (n_layers - 1) if n_layers > 1 else usable_w / 2)
        spacing = min((height - top - bottom) / max(n, 1), 2 * node_half + 60)
        middle = top + (height - top - bottom) / 2
        positions.append([(column, middle + (k - (n - 1) / 2) * spacing) for k in range(n)])

    nodes = []
    tile_index = 0
    for layer, n in enumerate(sizes):
        kind = "input" if layer == 0 else "output" if layer == n_layers - 1 else "hidden"
        layer_values = None if values is None else values[layer]
        vmax = 1.0
        if layer_values is not None and np.isfinite(layer_values).any():
            vmax = max(float(np.nanmax(np.abs(layer_values))), 1e-9)
        for k in range(n):
            cx, cy = positions[layer][k]
            node = {"layer": layer, "index": k, "x": cx, "y": cy, "half": node_half, "kind": kind,
                    "label": names_in[k] if kind == "input" else output_names[k] if kind == "output" else "",
                    "activation": ("input" if kind == "input" else output if kind == "output"
                                   else hidden_names[layer - 1]),
                    "value": None, "value_text": "", "sum": None, "fill": style.node_fill,
                    "text_color": style.text, "bias": None, "bias_text": "", "bias_color": style.muted,
                    "grad_b": None, "grad_b_text": "", "tile": None}
            if layer_values is not None:
                value = float(layer_values[k])
                fill = _rgba_to_hex(diverging_rgba(np.array([value]), vmax, style)[0])
                node.update(value=value, value_text=fmt(value), fill=fill, text_color=_text_color_on(fill))
                if sums[layer] is not None:
                    node["sum"] = float(sums[layer][k])
            if layer > 0:
                bias = float(params[layer - 1]["b"][k])
                node.update(bias=bias, bias_text=f"b {fmt(bias)}", bias_color=style.sign_text_color(bias))
                if grads is not None:
                    grad = float(np.asarray(grads[layer - 1]["b"])[k])
                    node.update(grad_b=grad, grad_b_text=f"∇b {fmt(grad, 3)}")
            if tiles is not None:
                node["tile"] = tile_index
                tile_index += 1
            nodes.append(node)

    edges = []
    for layer, weights in enumerate(params):
        W = weights["W"]
        G = None if grads is None else np.asarray(grads[layer]["W"])
        for i in range(W.shape[0]):
            x1, y1 = positions[layer][i]
            for j in range(W.shape[1]):
                x2, y2 = positions[layer + 1][j]
                w = float(W[i, j])
                strength = min(abs(w) / scale, 1.0) if np.isfinite(w) else 0.0
                # Labels go near whichever end has the smaller fan of edges (fewer labels to share the room),
                # staggered along the edge so that neighbours do not print on top of each other.
                t = 0.75 - 0.15 * (i % 2) if W.shape[0] <= W.shape[1] else 0.3 + 0.15 * (j % 2)
                sx, ex = x1 + node_half, x2 - node_half
                edge = {"layer": layer, "i": i, "j": j, "x1": sx, "y1": y1, "x2": ex, "y2": y2,
                        "label_x": sx + (ex - sx) * t, "label_y": y1 + (y2 - y1) * t,
                        "weight": w, "width": thin + (thick - thin) * strength,
                        "color": style.sign_color(w) if np.isfinite(w) else style.muted,
                        "label_color": style.sign_text_color(w) if np.isfinite(w) else style.text,
                        "dash": bool(style.dash_negative and w < 0), "label": fmt(w) if label_weights else "",
                        "grad": None, "grad_label": ""}
                if G is not None:
                    edge.update(grad=float(G[i, j]), grad_label=f"∇ {fmt(G[i, j], 3)}")
                edges.append(edge)

    selected_value = None
    if selected:
        layer = int(selected["layer"])
        if selected.get("kind") == "b":
            selected_value = float(params[layer]["b"][int(selected["j"])])
        else:
            selected_value = float(params[layer]["W"][int(selected["i"]), int(selected["j"])])

    warning = "" if all_finite(params) else ("Some weights are NaN or infinite (did training diverge? "
                                             "try a smaller learning rate): they are drawn grey.")
    description = describe_network(params, names_in, output_names, hidden_names, output, nodes, grads, selected,
                                   selected_value)
    return {"width": width, "height": height, "nodes": nodes, "edges": edges, "tiles": tiles,
            "tile_values": tile_values, "tile_shape": [resolution, resolution] if tiles is not None else None,
            "weight_scale": scale, "edit_bound": _edit_bound(scale), "selected": selected,
            "selected_value": selected_value, "show_gradients": grads is not None, "warning": warning,
            "description": description}


def _count(n, word):
    return f"{n} {word}" + ("" if n == 1 else "s")


def describe_network(params, input_names, output_names, hidden_names, output, nodes, grads=None, selected=None,
                     selected_value=None):
    """The diagram in words, for a screen reader (the SVG's accessible name): layers, the signs and the largest
    weight, the outputs for the input shown, the weight being edited.

    >>> from course_lib import init_mlp
    >>> describe_network(init_mlp([2, 3, 1], seed=0), ["x1", "x2"], ["ŷ"], ["relu"], "linear", [])[:62]
    'Network diagram: 2 inputs (x1, x2) → 3 relu units → 1 output ('
    """
    layers = [f"{_count(len(input_names), 'input')} ({', '.join(input_names)})"]
    layers += [f"{_count(layer['W'].shape[1], hidden_names[k] + ' unit')}" for k, layer in enumerate(params[:-1])]
    layers.append(f"{_count(len(output_names), 'output')} ({output})")
    weights = np.concatenate([layer["W"].ravel() for layer in params])
    finite = weights[np.isfinite(weights)]
    text = f"Network diagram: {' → '.join(layers)}. {_count(weights.size, 'weight')}: {int(np.sum(finite >= 0))} " \
           f"positive (blue, solid), {int(np.sum(finite < 0))} negative (orange, dashed)"
    if finite.size < weights.size:
        text += f", {weights.size - finite.size} not finite (grey)"
    largest = None       # (|w|, layer, i, j) of the largest finite weight
    for k, layer in enumerate(params):
        magnitudes = np.where(np.isfinite(layer["W"]), np.abs(layer["W"]), -1.0)
        if magnitudes.size and magnitudes.max() >= 0 and (largest is None or magnitudes.max() > largest[0]):
            largest = (magnitudes.max(), k, *np.unravel_index(np.argmax(magnitudes), magnitudes.shape))
    if largest is not None:
        _, layer, i, j = largest
        text += f"; the largest |weight| is layer {layer} W[{i}, {j}] = {fmt(params[layer]['W'][i, j])}"
    text += "."
    shown = [node for node in nodes if node["kind"] == "output" and node["value"] is not None]
    if shown:
        text += " Outputs for the input shown: " + ", ".join(f"{node['label']} = {node['value_text']}"
                                                             for node in shown) + "."
    if grads is not None:
        largest = max(float(np.nanmax(np.abs(np.asarray(g["W"])))) if np.asarray(g["W"]).size else 0.0
                      for g in grads)
        text += f" Gradients shown under the weights (largest |gradient| {fmt(largest, 3)})."
    if selected and selected_value is not None:
        where = (f"bias b[{int(selected['j'])}]" if selected.get("kind") == "b"
                 else f"weight W[{int(selected['i'])}, {int(selected['j'])}]")
        text += f" Editing layer {int(selected['layer'])} {where} = {fmt(selected_value, 3)}."
    return text


def _edit_bound(scale):
    """The slider range for editing a weight: ±(2 × the weight scale), at least ±2, in steps of 0.5."""
    return float(max(2.0, np.ceil(4 * scale) / 2))


class NetworkDiagram(CourseWidget):
    """A live diagram of an MLP: edge width ∝ |weight|, colour = sign, biases, node values, gradients.

    NetworkDiagram(params, activation="relu", output="linear", x=None, show_gradients=False, grads=None,
                   y=None, loss="mse", heatmaps=False, extent=None, resolution=20, editable=True, ...)

    params: the network (a list of {"W", "b"} dicts). x: one input example to push through; every node then
    shows its value. show_gradients: show each weight's gradient, from `grads` if given, else computed
    with `course_lib.backprop` on the example (x, y) with `loss`. heatmaps: draw each node as a tile of its
    value over the input plane (2-input networks; `extent` = (x1_min, x1_max, x2_min, x2_max)).
    feature_map: with heatmaps, for a network whose inputs are features of the plane (see `diagram_layout`).
    editable: clicking an edge or a bias shows a slider that changes it. With the keyboard: Tab to the diagram,
    arrow keys choose a weight or bias, + / - change it by 0.1, Enter moves into the slider, Escape closes it.
    The drawing's accessible name (`drawn["description"]`) says what it shows and follows every change.

    Change it from Python: `diagram.params = new_params`, `diagram.x = [0.5, -1]`,
    `diagram.set_weight(layer, i, j, value)`, `diagram.set_bias(layer, j, value)`; watch it with
    `diagram.observe(callback, "params")`. `diagram.drawn` holds what is drawn (see `diagram_layout`).

    >>> from course_lib import init_mlp
    >>> diagram = NetworkDiagram(init_mlp([2, 3, 1], seed=0), activation="tanh", x=[1.0, 0.0])
    >>> diagram.set_weight(0, 0, 1, 2.0).drawn["edges"][1]["weight"]
    2.0
    """

    _esm = front_end("diagram.js")
    params = traitlets.Any()
    x = traitlets.Any(None, allow_none=True)
    grads = traitlets.Any(None, allow_none=True)
    y = traitlets.Any(None, allow_none=True)
    activation = traitlets.Any("relu")
    output = traitlets.Unicode("linear")
    loss = traitlets.Unicode("mse")
    show_gradients = traitlets.Bool(False)
    heatmaps = traitlets.Bool(False)
    selected = traitlets.Dict(allow_none=True, default_value=None).tag(sync=True)
    editable = traitlets.Bool(True).tag(sync=True)
    redraws_on = ("params", "x", "grads", "y", "activation", "output", "loss", "show_gradients", "heatmaps",
                  "selected")

    def __init__(self, params, activation="relu", output="linear", x=None, show_gradients=False, grads=None,
                 y=None, loss="mse", heatmaps=False, extent=None, resolution=20, editable=True, show_weights=None,
                 weight_scale=None, feature_names=None, output_names=None, width=None, height=None, style=None,
                 feature_map=None):
        params = as_params(params)
        hidden_activations(activation, len(params) - 1)   # a clear error for an unknown name, now
        if output not in OUTPUTS:
            raise ValueError(f"Unknown output {output!r}. Valid outputs are: {', '.join(OUTPUTS)}.")
        self._options = {"show_weights": show_weights, "feature_names": feature_names,
                         "output_names": output_names, "width": width, "height": height,
                         "resolution": int(resolution), "extent": extent, "feature_map": feature_map}
        self._weight_scale = float(weight_scale) if weight_scale else None
        self._fixed_scale = weight_scale is not None
        super().__init__(style=style, params=params, activation=activation, output=output, x=x, grads=grads,
                         y=y, loss=loss, show_gradients=show_gradients, heatmaps=heatmaps, editable=editable)
        if heatmaps and extent is None:
            self._options["extent"] = (-1.0, 1.0, -1.0, 1.0)
        self.on_msg(self._on_browser_message)
        self._draw_first()

    # -- checking values as they are set ---------------------------------------------------------------

    @traitlets.validate("params")
    def _valid_params(self, proposal):
        params = as_params(proposal["value"])
        n_inputs = params[0]["W"].shape[0]
        if self.x is not None and len(self.x) != n_inputs:
            raise ShapeError(f"The diagram shows an input x with {len(self.x)} values, but the new network has "
                             f"{n_inputs} inputs (layer 0's W has shape {params[0]['W'].shape}). Set diagram.x "
                             "to None (or to a matching input) first.")
        return params

    @traitlets.validate("x")
    def _valid_x(self, proposal):
        return as_input(proposal["value"], self.params[0]["W"].shape[0])

    @traitlets.validate("activation")
    def _valid_activation(self, proposal):
        if self.params is not None:
            hidden_activations(proposal["value"], len(self.params) - 1)
        return proposal["value"]

    # -- the Python API ------------------------------------------------------------------------------------

    def set_weight(self, layer, i, j, value):
        """Set W[i, j] of layer `layer` (from node i of layer `layer` to node j of the next) to `value`."""
        params = [{"W": p["W"].copy(), "b": p["b"].copy()} for p in self.params]
        self._check_index(layer, "W", i, j)
        params[layer]["W"][i, j] = float(value)
        self.params = params
        return self

    def set_bias(self, layer, j, value):
        """Set b[j] of layer `layer` (the bias of node j of layer `layer` + 1 in the diagram) to `value`."""
        params = [{"W": p["W"].copy(), "b": p["b"].copy()} for p in self.params]
        self._check_index(layer, "b", 0, j)
        params[layer]["b"][j] = float(value)
        self.params = params
        return self

    def select(self, layer, i=None, j=0, kind="W"):
        """Select a weight (kind "W", W[i, j]) or a bias (kind "b", b[j]) for the slider; None clears."""
        if layer is None:
            self.selected = None
            return self
        self._check_index(layer, kind, i or 0, j)
        self.selected = {"layer": int(layer), "kind": kind, "i": int(i or 0), "j": int(j)}
        return self

    def weight_slider(self, layer, i, j, description=None, **slider_options):
        """An ipywidgets FloatSlider tied to W[i, j] of `layer`: moving it changes the weight, and the
        slider follows when the weight changes elsewhere."""
        import ipywidgets

        self._check_index(layer, "W", i, j)
        bound = _edit_bound(self.drawn["weight_scale"])
        options = {"min": -bound, "max": bound, "step": 0.01, "continuous_update": True,
                   "description": description or f"W{layer}[{i},{j}]", **slider_options}
        slider = ipywidgets.FloatSlider(value=float(self.params[layer]["W"][i, j]), **options)
        slider.observe(lambda change: self.set_weight(layer, i, j, change["new"]), names="value")

        def follow(change):
            value = float(change["new"][layer]["W"][i, j])
            if abs(value - slider.value) > 1e-12:
                slider.value = value
        self.observe(follow, names="params")
        return slider

    def _check_index(self, layer, kind, i, j):
        if not 0 <= int(layer) < len(self.params):
            raise IndexError(f"layer {layer} does not exist: the network has layers 0 to {len(self.params) - 1}.")
        shape = self.params[int(layer)][kind].shape
        inside = (0 <= j < shape[0]) if kind == "b" else (0 <= i < shape[0] and 0 <= j < shape[1])
        if kind not in ("W", "b") or not inside:
            where = f"b[{j}]" if kind == "b" else f"W[{i}, {j}]"
            raise IndexError(f"Layer {layer} has no {where}: its {kind} has shape {shape}.")

    # -- drawing -------------------------------------------------------------------------------------------

    def _compute(self):
        params = self.params
        if not self._fixed_scale:
            # the scale only grows, so moving one weight does not make every other edge jump
            self._weight_scale = max(self._weight_scale or 0.0, max_abs_weight(params), 1e-9)
        grads = self.grads
        if grads is None and self.show_gradients and self.x is not None and self.y is not None:
            grads = example_gradients(params, self.x, self.y, self.activation, self.loss, self.output)
        if not self.show_gradients:
            grads = None
        return diagram_layout(params, self.activation, self.output, x=self.x, grads=grads,
                              style=self.style, weight_scale=self._weight_scale, heatmaps=self.heatmaps,
                              selected=self.selected, **self._options)

    def _browser_scene(self, drawn):
        # The tiles go as pictures; the values they show stay in Python (`drawn["tile_values"]`).
        return {key: value for key, value in drawn.items() if key != "tile_values"}

    def _on_browser_message(self, _widget, content, _buffers):
        if content.get("type") == "set":
            if content.get("kind") == "b":
                self.guarded(self.set_bias, int(content["layer"]), int(content["j"]), float(content["value"]))
            else:
                self.guarded(self.set_weight, int(content["layer"]), int(content["i"]), int(content["j"]),
                             float(content["value"]))

"""Small images in rows: each hidden unit's activation over the input plane, and each layer's weights.

- `NeuronHeatmaps`: for a 2-input network, one tile per unit showing its activation at every point of the
  plane (what that unit "looks for"), a row per layer.
- `WeightMatrices`: each layer's weight matrix as a heatmap (rows = inputs, columns = units); with
  `image_shape=(8, 8)` (the digits network) also each first-layer unit's 64 weights as an 8×8 picture.

`neuron_tiles` and `weight_panels` compute the panels (pure functions); `TileGrid` draws any such panels.

>>> from course_lib import init_mlp
>>> panels = weight_panels(init_mlp([64, 4, 10], seed=0), image_shape=(8, 8))
>>> [p["title"] for p in panels][:2]
['layer 0: W, 64 inputs × 4 units', 'layer 1: W, 4 inputs × 10 units']
>>> panels[2]["tiles"][0]["values"].shape
(8, 8)
"""
import numpy as np
import traitlets

from course_lib.network import ShapeError, hidden_activations
from course_lib.widgets._base import CourseWidget, all_finite, as_params, fmt, front_end
from course_lib.widgets.planes import check_extent, layer_grids
from course_lib.widgets.style import diverging_rgba


def _symmetric_max(arrays):
    finite = [np.abs(a[np.isfinite(a)]) for a in arrays]
    finite = [a for a in finite if a.size]
    return max(float(max(a.max() for a in finite)), 1e-9) if finite else 1.0


def neuron_tiles(params, extent, resolution=24, activation="relu", output="linear", include_output=True):
    """One panel per layer (hidden layers, then the output), one tile per unit: its activation over the plane.

    A tile's `values` are (resolution, resolution) with row 0 at the top (largest x2), ready to paint.
    One colour scale per layer (`vmax`), so a weakly responding unit looks pale next to a strong one.
    """
    grids = layer_grids(params, check_extent(extent), resolution, activation, output)[1:]
    names = hidden_activations(activation, len(params) - 1) + [output]
    panels = []
    for layer, (grid, name) in enumerate(zip(grids, names), start=1):
        is_output = layer == len(params)
        if is_output and not include_output:
            break
        vmax = _symmetric_max([grid])
        tiles = [{"label": f"unit {k}", "values": grid[::-1, :, k]} for k in range(grid.shape[-1])]
        title = ("output" if is_output else f"hidden layer {layer}") + f" ({name}), colour scale ±{fmt(vmax)}"
        panels.append({"title": title, "layer": layer, "vmax": vmax, "tiles": tiles, "smooth": True})
    return panels


def weight_panels(params, image_shape=None, layers=None):
    """A heatmap of each layer's W (inputs down, units across), and with `image_shape` each first-layer
    unit's incoming weights reshaped to a picture (for the digits: (8, 8)). One colour scale per panel."""
    panels = []
    chosen = range(len(params)) if layers is None else layers
    for layer in chosen:
        W = params[layer]["W"]
        panels.append({"title": f"layer {layer}: W, {W.shape[0]} inputs × {W.shape[1]} units", "layer": layer,
                       "vmax": _symmetric_max([W]), "smooth": False,
                       "tiles": [{"label": f"max |w| {fmt(np.nanmax(np.abs(W)) if W.size else 0)}",
                                  "values": W}]})
    if image_shape is not None:
        image_shape = tuple(int(n) for n in image_shape)
        W = params[0]["W"]
        if int(np.prod(image_shape)) != W.shape[0]:
            raise ShapeError(f"image_shape {image_shape} holds {int(np.prod(image_shape))} pixels, but the first "
                             f"layer has {W.shape[0]} inputs (W has shape {W.shape}).")
        panels.append({"title": f"layer 0: each unit's weights as an {image_shape[0]}×{image_shape[1]} image",
                       "layer": 0, "vmax": _symmetric_max([W]), "smooth": False,
                       "tiles": [{"label": f"unit {k}", "values": W[:, k].reshape(image_shape)}
                                 for k in range(W.shape[1])]})
    return panels


def _cell_size(rows, cols, smooth, n_tiles, style):
    """How many screen pixels one value gets, so that a tile is readable but not huge."""
    if smooth:
        return max(style.tile_size * 1.6 / max(rows, cols), 1.0)
    # a lone matrix may be big; a row of small pictures (8×8 digits weights) stays small
    longest = 240 if n_tiles == 1 else 80
    return float(np.clip(np.floor(longest / max(rows, cols)), 3, 26)) * (style.font_size / 12)


def describe_tile(title, label, values):
    """A tile in words, for a screen reader (its accessible name): what it is and the range of its values.

    >>> describe_tile("hidden layer 1 (relu)", "unit 0", np.array([[0.0, 0.5], [1.0, 2.0]]))
    'hidden layer 1 (relu), unit 0: values from 0.00 to 2.00 (blue positive, orange negative, pale near 0)'
    """
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return f"{title}, {label}: no finite values (grey)"
    return (f"{title}, {label}: values from {fmt(finite.min())} to {fmt(finite.max())} "
            "(blue positive, orange negative, pale near 0)")


def colour_panels(panels, style):
    """Add RGBA pixels and display sizes to panels; returns (panels for the browser, all pixels as bytes)."""
    chunks, offset, out = [], 0, []
    for panel in panels:
        tiles = []
        for tile in panel["tiles"]:
            rgba = diverging_rgba(tile["values"], panel["vmax"], style)
            rows, cols = tile["values"].shape
            cell = _cell_size(rows, cols, panel["smooth"], len(panel["tiles"]), style)
            tiles.append({"label": tile["label"], "rows": rows, "cols": cols, "offset": offset,
                          "display_width": round(cols * cell), "display_height": round(rows * cell),
                          "description": describe_tile(panel["title"], tile["label"], tile["values"])})
            chunks.append(rgba.reshape(-1))
            offset += rgba.size
        out.append({"title": panel["title"], "vmax": panel["vmax"], "smooth": panel["smooth"], "tiles": tiles,
                    "legend": [fmt(-panel["vmax"]), "0", fmt(panel["vmax"])]})
    pixels = np.concatenate(chunks) if chunks else np.zeros(0, np.uint8)
    return out, pixels


class TileGrid(CourseWidget):
    """Rows of small heatmaps; the base of NeuronHeatmaps and WeightMatrices (subclasses define `panels()`)."""

    _esm = front_end("tiles.js")
    params = traitlets.Any()
    redraws_on = ("params",)

    def __init__(self, params, style=None, title=None, **traits):
        self._title = title or ""
        super().__init__(style=style, params=as_params(params), **traits)
        self._draw_first()

    @traitlets.validate("params")
    def _valid_params(self, proposal):
        return self._check(as_params(proposal["value"]))

    def _check(self, params):
        return params

    def panels(self):
        raise NotImplementedError

    def _compute(self):
        panels = self.panels()
        colored, pixels = colour_panels(panels, self.style)
        warning = "" if all_finite(self.params) else "Some weights are NaN or infinite: those cells are grey."
        return {"panels": panels, "layout": colored, "pixels": pixels, "title": self._title, "warning": warning}

    def _browser_scene(self, drawn):
        # Only the coloured panels travel to the browser; `drawn["panels"]` keeps the raw values for Python.
        return {key: value for key, value in drawn.items() if key != "panels"}


class NeuronHeatmaps(TileGrid):
    """Each unit's activation over the input plane, as small tiles (one row per layer).

    NeuronHeatmaps(params, activation="relu", extent=(-1, 1, -1, 1), resolution=24, output="linear",
                   include_output=True, style=None)

    For a 2-input network. `extent` = (x1_min, x1_max, x2_min, x2_max); pass `boundary.extent` to match a
    DecisionBoundary. Blue = positive, orange = negative, pale = near 0 (a ReLU unit is never orange).

    >>> from course_lib import init_mlp
    >>> heatmaps = NeuronHeatmaps(init_mlp([2, 3, 1], seed=0), activation="tanh", resolution=8)
    >>> len(heatmaps.drawn["panels"][0]["tiles"])
    3
    """

    activation = traitlets.Any("relu")
    redraws_on = ("params", "activation")

    def __init__(self, params, activation="relu", extent=(-1.0, 1.0, -1.0, 1.0), resolution=24, output="linear",
                 include_output=True, style=None, title=None):
        params = as_params(params)
        hidden_activations(activation, len(params) - 1)
        self._check(params)
        self._extent = check_extent(extent)
        self._resolution = int(resolution)
        self._output = output
        self._include_output = include_output
        super().__init__(params, style=style, title=title, activation=activation)

    def _check(self, params):
        if params[0]["W"].shape[0] != 2:
            raise ShapeError(f"Neuron heatmaps draw the input plane, so the network needs 2 inputs; its first "
                             f"layer W has shape {params[0]['W'].shape}.")
        return params

    @property
    def extent(self):
        return self._extent

    def panels(self):
        return neuron_tiles(self.params, self._extent, self._resolution, self.activation, self._output,
                            self._include_output)


class WeightMatrices(TileGrid):
    """A heatmap of each layer's weight matrix; with `image_shape`, the first layer's weights as pictures.

    WeightMatrices(params, image_shape=None, layers=None, style=None)

    Rows are a layer's inputs, columns its units; blue = positive, orange = negative. For the digits network
    (64 inputs) `image_shape=(8, 8)` shows what each first-layer unit responds to, pixel by pixel.

    >>> from course_lib import init_mlp
    >>> matrices = WeightMatrices(init_mlp([64, 16, 10], seed=0), image_shape=(8, 8))
    >>> len(matrices.drawn["panels"])
    3
    """

    def __init__(self, params, image_shape=None, layers=None, style=None, title=None):
        self._image_shape = image_shape
        self._layers = layers
        super().__init__(params, style=style, title=title)

    def _check(self, params):
        weight_panels(params[:1], self._image_shape)   # raises a clear ShapeError for a wrong image_shape
        return params

    def panels(self):
        return weight_panels(self.params, self._image_shape, self._layers)

"""How fast a widget update is, in this Python process: new weights -> redrawn diagram and decision boundary.

`benchmark_update_latency(n=50)` times what happens in the kernel when a student moves a weight: the
diagram and the linked decision boundary recompute what they draw, and both messages are serialised as
the kernel would send them (JSON plus binary buffers). The browser's painting is not included (it runs in
another process, in parallel with the next update).

`compare_candidates(n=30)` times the alternatives we measured before choosing anywidget: a matplotlib
figure redrawn in full and encoded as PNG (what an Output widget or inline backend must do), the same
with blitting (`set_data` on the artists, restore the background, redraw only what changed), and ipympl
(when installed; it renders with Agg and sends PNG diffs). The figures are in course_lib/widgets/README.md.

Run from the repository root: `python -c "from bench.widget_candidates import compare_candidates as c; print(c(30))"`.

    >>> result = benchmark_update_latency(n=5)
    >>> sorted(result)
    ['bytes_per_update', 'config', 'max_ms', 'median_ms', 'min_ms', 'n']
"""
import io
import json
import statistics
import time

import numpy as np

from bench.recording_comm import RecordingComm


def _timings(update, n, warmup=3):
    for i in range(warmup):
        update(i)
    times = []
    for i in range(n):
        start = time.perf_counter()
        update(warmup + i)
        times.append((time.perf_counter() - start) * 1000)
    return {"median_ms": statistics.median(times), "min_ms": min(times), "max_ms": max(times), "n": n}


def _setup(layer_sizes, seed=0, n_points=200):
    from course_lib import datasets
    from course_lib.widgets._base import as_params
    from course_lib.initializers import init_mlp

    data = datasets.load("xor", n=n_points, seed=seed)
    return data, as_params(init_mlp(layer_sizes, seed=seed))


def _nudged(params, i):
    """The params with one weight moved, as a slider drag would."""
    moved = [{"W": layer["W"].copy(), "b": layer["b"].copy()} for layer in params]
    moved[0]["W"][0, 0] = np.sin(0.3 * i) * 2
    return moved


def benchmark_update_latency(n=50, layer_sizes=(2, 8, 8, 1), resolution=64, heatmaps=False, activation="tanh"):
    """Median / min / max milliseconds for one update of a linked NetworkDiagram + DecisionBoundary.

    Returns {"median_ms", "min_ms", "max_ms", "n", "bytes_per_update", "config"}.
    """
    from course_lib.widgets.boundary import DecisionBoundary
    from course_lib.widgets.diagram import NetworkDiagram
    from course_lib.widgets.linking import link_params

    data, params = _setup(list(layer_sizes))
    diagram = NetworkDiagram(params, activation=activation, x=data.x_train[0], heatmaps=heatmaps,
                             extent=(-1.5, 1.5, -1.5, 1.5))
    boundary = DecisionBoundary(params, data, activation=activation, resolution=resolution)
    comms = [RecordingComm(), RecordingComm()]
    diagram.comm, boundary.comm = comms
    link_params(diagram, boundary)

    def update(i):
        diagram.params = _nudged(params, i)

    result = _timings(update, n)
    total_messages = sum(c.messages for c in comms)
    result["bytes_per_update"] = sum(c.bytes for c in comms) // max(total_messages // 2, 1)
    result["config"] = (f"anywidget: NetworkDiagram{' with neuron tiles' if heatmaps else ''} + DecisionBoundary "
                        f"{resolution}x{resolution}, network {list(layer_sizes)}, {activation}, 200 points")
    for widget in (diagram, boundary):
        widget.comm = None
    return result


def _matplotlib_figure(params, data, resolution, activation):
    """A matplotlib version of the same two views: edges as a LineCollection, the boundary as an image."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.collections import LineCollection
    from matplotlib.figure import Figure
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from course_lib.widgets.boundary import boundary_scene
    from course_lib.widgets.diagram import diagram_layout

    figure = Figure(figsize=(8, 3.6), dpi=100)
    FigureCanvasAgg(figure)
    left, right = figure.subplots(1, 2)

    def frame(p):
        layout = diagram_layout(p, activation, x=data.x_train[0])
        scene = boundary_scene(p, data, activation, resolution=resolution)
        segments = [[(e["x1"], -e["y1"]), (e["x2"], -e["y2"])] for e in layout["edges"]]
        return layout, scene, segments

    layout, scene, segments = frame(params)
    edges = LineCollection(segments, linewidths=[e["width"] for e in layout["edges"]],
                           colors=[e["color"] for e in layout["edges"]])
    left.add_collection(edges)
    nodes = left.scatter([n["x"] for n in layout["nodes"]], [-n["y"] for n in layout["nodes"]], s=300,
                         c=[n["fill"] for n in layout["nodes"]], edgecolors="black", zorder=3)
    texts = [left.text(n["x"], -n["y"], n["value_text"], ha="center", va="center", fontsize=7, zorder=4)
             for n in layout["nodes"]]
    left.set_xlim(0, layout["width"])
    left.set_ylim(-layout["height"], 0)
    left.axis("off")
    image = right.imshow(scene["image"], extent=scene["extent"])
    for group in scene["points"]:
        right.scatter(group["xy"][:, 0], group["xy"][:, 1], c=group["colors"] / 255, s=9)
    caption = right.set_title(scene["caption"], fontsize=8)
    artists = [edges, nodes, image, caption, *texts]

    def redraw_artists(p):
        layout, scene, segments = frame(p)
        edges.set_segments(segments)
        edges.set_linewidths([e["width"] for e in layout["edges"]])
        edges.set_colors([e["color"] for e in layout["edges"]])
        nodes.set_facecolors([n["fill"] for n in layout["nodes"]])
        for text, node in zip(texts, layout["nodes"]):
            text.set_text(node["value_text"])
        image.set_data(scene["image"])
        caption.set_text(scene["caption"])

    return figure, artists, redraw_artists


def compare_candidates(n=30, layer_sizes=(2, 8, 8, 1), resolution=64, activation="tanh"):
    """Time each way of redrawing the diagram + boundary after a weight change; a dict name -> timings."""
    from PIL import Image

    data, params = _setup(list(layer_sizes))
    results = {"anywidget (chosen)": benchmark_update_latency(n, layer_sizes, resolution, activation=activation)}

    figure, artists, redraw_artists = _matplotlib_figure(params, data, resolution, activation)

    def full_redraw(i):
        redraw_artists(_nudged(params, i))
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")          # what inline / an Output widget sends each time

    results["matplotlib: full redraw + PNG"] = _timings(full_redraw, n)

    for artist in artists:
        artist.set_animated(True)
    canvas = figure.canvas
    canvas.draw()
    background = canvas.copy_from_bbox(figure.bbox)

    def blit(i):
        redraw_artists(_nudged(params, i))
        canvas.restore_region(background)
        for artist in artists:
            figure.draw_artist(artist)
        canvas.blit(figure.bbox)
        buffer = io.BytesIO()
        Image.fromarray(np.asarray(canvas.buffer_rgba())).save(buffer, format="png", compress_level=1)

    results["matplotlib: set_data + blitting + PNG"] = _timings(blit, n)

    def blit_only(i):
        redraw_artists(_nudged(params, i))
        canvas.restore_region(background)
        for artist in artists:
            figure.draw_artist(artist)
        canvas.blit(figure.bbox)

    results["matplotlib: set_data + blitting, no PNG (not displayable)"] = _timings(blit_only, n)

    try:
        results["ipympl: draw + PNG diff"] = _ipympl_timings(params, data, resolution, activation, n)
    except ImportError:
        results["ipympl: draw + PNG diff"] = {"skipped": "ipympl is not installed"}
    return results


def _ipympl_timings(params, data, resolution, activation, n):
    """ipympl's own path: a Canvas widget, draw_idle, then the browser's 'draw' request answered with a PNG diff."""
    from ipympl.backend_nbagg import new_figure_manager_given_figure

    figure, artists, redraw_artists = _matplotlib_figure(params, data, resolution, activation)
    manager = new_figure_manager_given_figure(1, figure)
    canvas = manager.canvas
    canvas.syncing_data_url = False     # as once a browser is attached
    canvas.comm = RecordingComm()
    manager.handle_json({"type": "refresh"})

    def update(i):
        redraw_artists(_nudged(params, i))
        canvas.draw_idle()
        manager.handle_json({"type": "draw"})

    return _timings(update, n)

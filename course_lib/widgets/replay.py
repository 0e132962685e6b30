"""Training replay: train once keeping snapshots of the weights, then scrub or play through the epochs.

Every view moves together: the network diagram (with its neuron tiles), the decision boundary, the weight
matrices and the loss curve with a marker at the epoch shown.

    params, history = course_lib.fit(init_mlp([2, 8, 1], seed=0), data.x_train, data.y_train, epochs=200,
                                     lr=0.3, activation="tanh", loss="binary_cross_entropy",
                                     x_val=data.x_test, y_val=data.y_test, snapshot_every=5)
    replay = TrainingReplay(history, data, activation="tanh")
    replay                      # press play, or drag the epoch slider
    replay.show(10)             # from Python: the 11th snapshot
"""
import ipywidgets

from course_lib.widgets._base import as_params, fmt, max_abs_weight, sizes_of
from course_lib.widgets.boundary import DecisionBoundary, as_plane_data
from course_lib.widgets.curves import LossCurve
from course_lib.widgets.diagram import NetworkDiagram
from course_lib.widgets.planes import plane_extent
from course_lib.widgets.style import get_style
from course_lib.widgets.tiles import WeightMatrices

LARGEST_DIAGRAM_LAYER = 16     # wider layers (the digits' 64 inputs) are shown as weight matrices instead


def snapshots_of(history):
    """[(epoch, params), ...] from a `fit(..., snapshot_every=k)` history, checked."""
    if not isinstance(history, dict) or not history.get("snapshots"):
        raise ValueError("This history has no snapshots of the weights. Train with "
                         "course_lib.fit(..., snapshot_every=5) to keep a copy every 5 epochs, then replay it.")
    return [(int(s["epoch"]), as_params(s["params"])) for s in history["snapshots"]]


def epoch_summary(history, epoch):
    """One line about an epoch: 'epoch 40 · train loss 0.31 · train accuracy 0.90 · validation loss ...'."""
    if epoch == 0:
        return "epoch 0 · the starting weights, before any training"
    parts = [f"epoch {epoch}"]
    epochs = list(history.get("epoch", []))
    if epoch in epochs:
        k = epochs.index(epoch)
        for key, name in (("train_loss", "train loss"), ("train_accuracy", "train accuracy"),
                          ("val_loss", "validation loss"), ("val_accuracy", "validation accuracy")):
            if key in history:
                parts.append(f"{name} {fmt(history[key][k], 3)}")
    return " · ".join(parts)


class TrainingReplay(ipywidgets.VBox):
    """Replay a training run: a play button and an epoch slider move every view together.

    TrainingReplay(history, data=None, activation="relu", image_shape=None, x=None, interval=300,
                   resolution=48, style=None)

    history: from `course_lib.fit(..., snapshot_every=k)`. data: the data set (for the decision boundary
    of a 2-input network). image_shape: (8, 8) for the digits, to show first-layer weights as images.
    x: one input to push through the diagram at every epoch. interval: milliseconds between frames.

    `replay.show(i)` shows snapshot i; `replay.index`, `replay.epoch`, `replay.params` say what is shown;
    `replay.views` holds the views ("diagram", "boundary", "matrices", "loss").
    """

    def __init__(self, history, data=None, activation="relu", image_shape=None, x=None, interval=300, resolution=48,
                 style=None):
        self.history = history
        self.snapshots = snapshots_of(history)
        self.activation = activation
        style = get_style(style)
        first = self.snapshots[0][1]
        sizes = sizes_of(first)
        scale = max(max_abs_weight(params) for _, params in self.snapshots)
        self.views = {}
        plane = sizes[0] == 2 and data is not None
        extent = None
        if plane:
            plane_data = as_plane_data(data)
            extent = plane_extent(plane_data.x_train, plane_data.x_test)
        if max(sizes) <= LARGEST_DIAGRAM_LAYER:
            self.views["diagram"] = NetworkDiagram(first, activation, x=x, heatmaps=plane, extent=extent,
                                                   weight_scale=scale, editable=False, style=style)
        if plane:
            self.views["boundary"] = DecisionBoundary(first, data, activation, resolution=resolution, extent=extent,
                                                      style=style)
        if image_shape is not None or max(sizes) > LARGEST_DIAGRAM_LAYER:
            self.views["matrices"] = WeightMatrices(first, image_shape=image_shape, style=style)
        self.views["loss"] = LossCurve(history, marker=self.snapshots[0][0], style=style)

        last = len(self.snapshots) - 1
        self.play = ipywidgets.Play(value=0, min=0, max=last, step=1, interval=int(interval),
                                    description="play", show_repeat=False)
        self.slider = ipywidgets.IntSlider(value=0, min=0, max=last, step=1, description="snapshot",
                                           readout=False, continuous_update=True,
                                           layout=ipywidgets.Layout(width="320px"))
        ipywidgets.jslink((self.play, "value"), (self.slider, "value"))
        self.label = ipywidgets.HTML(epoch_summary(history, self.snapshots[0][0]))
        self.slider.observe(lambda change: self._show(change["new"]), names="value")
        self.index = 0

        controls = ipywidgets.HBox([self.play, self.slider, self.label],
                                   layout=ipywidgets.Layout(align_items="center"))
        pictures = [self.views[name] for name in ("diagram", "boundary", "matrices") if name in self.views]
        row = ipywidgets.HBox(pictures, layout=ipywidgets.Layout(flex_flow="row wrap", align_items="flex-start"))
        super().__init__([controls, row, self.views["loss"]])

    @property
    def epoch(self):
        """The epoch of the snapshot shown."""
        return self.snapshots[self.index][0]

    @property
    def params(self):
        """The weights shown."""
        return self.snapshots[self.index][1]

    @property
    def epochs(self):
        """The epochs that have a snapshot."""
        return [epoch for epoch, _ in self.snapshots]

    def show(self, index):
        """Show snapshot `index` (0 = the starting weights, -1 = the last); moves the slider too."""
        index = int(index)
        if index < 0:
            index += len(self.snapshots)
        if not 0 <= index < len(self.snapshots):
            raise IndexError(f"There are {len(self.snapshots)} snapshots (0 to {len(self.snapshots) - 1}); "
                             f"got {index}.")
        if self.slider.value != index:
            self.slider.value = index      # its observer calls _show
        else:
            self._show(index)
        return self

    def _show(self, index):
        self.index = int(index)
        epoch, params = self.snapshots[self.index]
        for name in ("diagram", "boundary", "matrices"):
            if name in self.views:
                self.views[name].params = params
        self.views["loss"].marker_x = epoch
        self.label.value = epoch_summary(self.history, epoch)


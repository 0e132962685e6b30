"""The Playground: a TensorFlow-Playground-style lab in JupyterLab, on course_lib's own network and training.

Pick a data set, the input features, 0 to 6 hidden layers of 1 to 8 neurons (an activation per layer), the
learning rate, regularisation and batch size, then press play: the network trains in the kernel, in compiled
chunks of epochs (`course_lib.playground.train`, on the training core every course_lib trainer shares), and after
each chunk every view is redrawn: the network
diagram with a heatmap tile per neuron (each node's value over the input plane), the decision boundary (or the
regression surface) with the training points (dots) and the test points (rings), the loss curve, the losses as
numbers and the epoch counter. Click an edge of the diagram to set a weight by hand.

Beyond TensorFlow Playground: per-layer activations, export and import of the whole state as JSON, lesson
presets that hide chosen controls, the trained weights as an ordinary params list (`playground.params`), and
every setting scriptable from Python.

    from course_lib.widgets.playground import Playground
    playground = Playground()                       # or Playground(preset="lesson_depth")
    playground                                      # shows it; press play
    playground.set(dataset="spiral", hidden=(8, 8)) # what the controls do, from code
    playground.train(200)                           # 200 epochs now
    playground.params[0]["W"]                       # the first layer's weights, a NumPy array
    text = playground.export_json(); playground.import_json(text)
    playground.hide_controls(["features", "regularization"])

How play works: the kernel makes the updates on a timer of its own event loop (at most `max_updates_per_second`
a second), but only as many as the browser has asked for: its small front-end clock asks for a few updates past
the last one that arrived, and again when half of them have come. So updates never pile up however slow the
browser, the kernel stays free to handle clicks between updates (pause, a new learning rate), and the browser
sends one message every few updates rather than one each (each message it sends makes the kernel report busy,
then idle, and JupyterLab redraws its kernel indicators both times). The math is in
`course_lib.playground` (no widgets there); the views are in course_lib.widgets.playground_views and reuse the
course widgets' front ends (diagram.js, plane.js, lineplot.js).
"""
import asyncio
import time

import ipywidgets

from course_lib import playground as engine
from course_lib.playground import (CONTROLS, FEATURES, MAX_HIDDEN_LAYERS, MAX_NEURONS, PLAYGROUND_ACTIVATIONS,
                                   PlaygroundConfig, PlaygroundError)
from course_lib.widgets._base import fmt
from course_lib.widgets.playground_controls import (BUTTONS, CONTROL_TABLE, EPOCHS_PER_UPDATE, SECTION, Control,
                                                    button, feature_toggles, layer_rows, layout, lesson_html,
                                                    message_html)
from course_lib.widgets.playground_scenes import (feature_grids, feature_map, loss_curves, plane_extent_for,
                                                  playground_diagram, playground_plane)
from course_lib.widgets.playground_views import (PlaygroundClock, PlaygroundCurve, PlaygroundDiagram, PlaygroundLosses,
                                                 PlaygroundPlane)
from course_lib.widgets.style import get_style


# ------------------------------------------------------------------------------------------------ the Playground


class Playground(ipywidgets.VBox):
    """A TensorFlow-Playground-style lab: data, features, layers, training, all live. See the module docstring.

    Playground(config=None, preset=None, hide=(), max_updates_per_second=30, epochs_per_update=2,
               resolution=64, tile_resolution=16, diagram_interval=0.1, style=None)

    config: a `course_lib.playground.PlaygroundConfig` (or a dict of settings) to start from. preset: a lesson from
    `course_lib.playground.PRESETS` (its config and hidden controls; `config` then changes settings on top).
    hide: names of controls to hide (see `course_lib.playground.CONTROLS`). max_updates_per_second: the most
    updates play makes a second. epochs_per_update: epochs trained per update (also a control). resolution,
    tile_resolution: grid points per side of the output plane and of each node's tile. diagram_interval: while
    playing, the diagram (the costliest view to paint) is redrawn at most this often, in seconds; the output plane,
    the loss curve and the numbers follow every update.

    From Python: `.set(**settings)`, `.train(epochs)`, `.step()`, `.play()`, `.pause()`, `.reset()`,
    `.regenerate()`, `.load_state(state)`, `.params`, `.state`, `.config`, `.export_json()`,
    `.import_json(text)`, `.hide_controls(...)`, `.show_controls(...)`, `.drawn` (what each view draws).

    >>> playground = Playground(PlaygroundConfig(dataset="xor", hidden=(4,)))
    >>> playground.train(20).state.epoch
    20
    >>> [layer["W"].shape for layer in playground.params]
    [(2, 4), (4, 1)]
    """

    def __init__(self, config=None, preset=None, hide=(), max_updates_per_second=30, epochs_per_update=2,
                 resolution=64, tile_resolution=16, diagram_interval=0.1, style=None):
        title, text, hidden_controls = "", "", ()
        if preset is not None:
            preset_config, hidden_controls, title, text = engine.preset(preset)
            if isinstance(config, dict):
                config = preset_config.replace(**config)
            config = config or preset_config
        if isinstance(config, dict):
            config = PlaygroundConfig.from_dict(config)
        if config is not None and not isinstance(config, PlaygroundConfig):
            raise TypeError(f"config must be a PlaygroundConfig or a dict of settings; got {type(config).__name__}.")
        if epochs_per_update not in EPOCHS_PER_UPDATE:
            raise ValueError(f"epochs_per_update must be one of {EPOCHS_PER_UPDATE}; got {epochs_per_update!r}.")
        self._state = engine.new_state(config)
        self._style = get_style(style)
        self._extent = plane_extent_for(self._state.data)
        self.epochs_per_update = epochs_per_update
        self.diagram_interval = diagram_interval
        self._diagram_drawn_at = 0.0
        self._syncing = False           # True while the controls are being set to match the state
        self._drawing = False           # True while the views are being given a new state
        self._tick_times = []
        self._asked_until = 0            # the last frame the browser has asked for (see _on_clock_message)
        self._timer = None               # the kernel's next update, when one is due (an asyncio TimerHandle)
        self._next_update_at = 0.0
        self.timings = {"train_ms": [], "draw_ms": []}

        self.clock = PlaygroundClock(interval_ms=max(1, int(round(1000 / max_updates_per_second))))
        self.clock.on_msg(self._on_clock_message)
        self.diagram = PlaygroundDiagram(self._state, self._extent, tile_resolution, self._style)
        self.diagram.observe(self._on_diagram_edit, names="params")
        self.plane = PlaygroundPlane(self._state, self._extent, resolution, self._style)
        self.curve = PlaygroundCurve(self._state.history, x_label="epoch", y_label="loss", title="loss", width=330,
                                     height=190, style=self._style)
        self.losses = PlaygroundLosses(layout=layout(min_height="2.6em"))
        self.message = ipywidgets.HTML(layout=layout(max_width="1100px"))
        self.lesson = ipywidgets.HTML(lesson_html(title, text))
        self._build_controls()
        super().__init__(self._arrange())
        self.add_class("course-playground")
        self._sync_controls()
        self._render()
        if hide or hidden_controls:
            self.hide_controls(tuple(hidden_controls) + tuple(engine.check_controls(hide)))

    # -- the state -----------------------------------------------------------------------------------------

    @property
    def state(self):
        """The current `course_lib.playground.PlaygroundState` (settings, weights, epoch, history)."""
        return self._state

    @property
    def config(self):
        return self._state.config

    @property
    def params(self):
        """The network's weights now: an ordinary course_lib params list of NumPy float32 arrays (a copy)."""
        return self._state.numpy_params()

    @property
    def playing(self):
        return self.clock.running

    @property
    def views(self):
        return {"diagram": self.diagram, "boundary": self.plane, "loss": self.curve}

    @property
    def drawn(self):
        """What every view draws now: {"diagram", "boundary", "loss"} (see each view's `drawn`), plus the losses
        text, the epoch counter and the message shown."""
        return {"diagram": self.diagram.drawn, "boundary": self.plane.drawn, "loss": self.curve.drawn,
                "losses": self.losses.value, "epoch": self.clock.status, "message": self.message.value}

    def load_state(self, state):
        """Show another PlaygroundState (from `course_lib.playground`), with the controls set to match it."""
        if not isinstance(state, engine.PlaygroundState):
            raise TypeError(f"load_state needs a PlaygroundState; got {type(state).__name__}.")
        self._state = state
        # A new network (a click on + or −, another feature) needs a new training program: compile it in the
        # background now, so that play or step does not wait for it (a no-op when it is compiled already).
        engine.compile_ahead(state)
        self._extent = plane_extent_for(state.data)
        self._sync_controls()
        self._render()
        return self

    def set_params(self, params):
        """Give the network other weights (same architecture; a wrong shape names the layer and both shapes).
        The epoch and the history stay: `params = playground.params; params[0]["W"][0, 0] = 2.0;
        playground.set_params(params)`."""
        self._state = engine.with_params(self._state, params)
        self._render()
        return self

    def set(self, **settings):
        """Change settings as the controls do: `playground.set(dataset="spiral", hidden=(8, 8), learning_rate=0.1)`.

        Settings that change the data or the network start over (epoch 0); the others keep training the same
        weights. An impossible setting raises PlaygroundError and changes nothing."""
        self._show_message("")
        self.load_state(engine.update_config(self._state, **settings))
        return self

    # -- training ------------------------------------------------------------------------------------------

    def train(self, epochs, chunk=engine.DEFAULT_CHUNK):
        """Train `epochs` epochs now (in jitted chunks), then redraw. Returns the Playground."""
        self._state = engine.train(self._state, epochs, chunk)
        self._render()
        self._show_message(self._state.diverged, error=True)
        return self

    def step(self):
        """One epoch, then redraw (the step button)."""
        if self._state.diverged:
            self._show_message(self._state.diverged, error=True)
            return self
        return self.train(1)

    def play(self):
        """Start training continuously (in the browser: the kernel makes updates as fast as the browser takes them)."""
        if self._state.diverged:
            self._show_message(self._state.diverged, error=True)
            return self
        if not self.clock.running:                 # (play while playing keeps what was asked for)
            self._asked_until = self.clock.frame     # the browser asks for the updates once it sees `running`
        self.clock.running = True
        self._update_play_button()
        return self

    def _play_or_pause(self):
        return self.pause() if self.playing else self.play()

    def pause(self):
        self.clock.running = False
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._update_play_button()
        if self.diagram.state is not self._state:
            self._render()          # the diagram may be a few updates behind: show exactly where training stopped
        self._render_status()
        return self

    def reset(self):
        """The same settings, the starting weights again, epoch 0."""
        self._show_message("")
        self.load_state(engine.reset(self._state))
        return self

    def regenerate(self):
        """New random points for the same data set (and a fresh start)."""
        self._show_message("")
        self.load_state(engine.regenerate(self._state))
        return self

    def update(self):
        """One visual update as in play: train `epochs_per_update` epochs in one jitted chunk, redraw every view."""
        start = time.perf_counter()
        self._state = engine.train(self._state, self.epochs_per_update, chunk=self.epochs_per_update)
        trained = time.perf_counter()
        # The diagram's tiles are the costliest view to paint in the browser: while playing, it is redrawn at most
        # every `diagram_interval` seconds; the plane, the loss curve and the numbers follow every update.
        due = (not self.clock.running or trained - self._diagram_drawn_at >= self.diagram_interval)
        self._render(diagram=due)
        done = time.perf_counter()
        self.timings["train_ms"].append(1000 * (trained - start))
        self.timings["draw_ms"].append(1000 * (done - trained))
        del self.timings["train_ms"][:-200], self.timings["draw_ms"][:-200]
        if self._state.diverged:
            self.pause()
            self._show_message(self._state.diverged, error=True)
        return self

    def _on_clock_message(self, _widget, content, _buffers):
        """The browser asks for the updates up to frame `until`; the kernel's timer makes them (_next_update)."""
        if content.get("type") != "ask" or not self.clock.running:
            return      # a late message after pause
        # Frames are numbered, so two views asking for the same frames never train twice; and the kernel never
        # runs more than `frames_ahead` past the frame it has made, whatever a message says.
        until = content.get("until")
        if not isinstance(until, int):
            return
        until = min(until, self.clock.frame + self.clock.frames_ahead)
        self._asked_until = max(self._asked_until, until)
        self._schedule_update()

    def _schedule_update(self):
        if self._timer is not None or not self.clock.running or self.clock.frame >= self._asked_until:
            return
        try:
            loop = asyncio.get_running_loop()     # in a kernel: its event loop, which runs while it is idle
        except RuntimeError:                      # plain Python (no event loop): make the updates asked for now
            while self.clock.running and self.clock.frame < self._asked_until:
                self._next_update()
            return
        wait = max(0.0, self._next_update_at - time.perf_counter())
        self._timer = loop.call_later(wait, self._on_timer)

    def _on_timer(self):
        self._timer = None
        if self.clock.running and self.clock.frame < self._asked_until:
            self._next_update()
        self._schedule_update()

    def _next_update(self):
        """One update of play, then the frame number the browser counts."""
        self._next_update_at = time.perf_counter() + self.clock.interval_ms / 1000
        with self.clock.hold_sync():    # the epoch counter and the frame number leave in one message, last
            try:
                self.update()
                now = time.perf_counter()
                self._tick_times = [t for t in self._tick_times if now - t < 2.0] + [now]
            except Exception as error:   # noqa: BLE001 - show it and stop, never leave a half-dead loop
                self.pause()
                self._show_message(f"{type(error).__name__}: {error}", error=True)
            self._render_status()
            self.clock.frame += 1

    def updates_per_second(self):
        """How many updates per second play has made over the last two seconds (0 when paused)."""
        times = self._tick_times
        if not self.clock.running or len(times) < 3:
            return 0.0
        return (len(times) - 1) / (times[-1] - times[0])

    # -- JSON ----------------------------------------------------------------------------------------------

    def export_json(self, indent=None):
        """The whole state (settings, weights, optimizer state, epoch, history) as JSON text."""
        return engine.to_json(self._state, indent=indent)

    def import_json(self, text):
        """Load a state from `export_json`'s text. If the text is not a valid state, the Playground shows why and
        raises PlaygroundError, and nothing changes."""
        try:
            state = engine.from_json(text)
        except PlaygroundError as error:
            self._show_message(f"Import failed, nothing changed: {error}", error=True)
            raise
        previous = self._state
        self.pause()
        try:
            self.load_state(state)
        except Exception as error:   # noqa: BLE001 - a state that loads but cannot be shown: back to where we were
            self.load_state(previous)
            message = f"Import failed, nothing changed: the state could not be shown ({type(error).__name__}: {error})"
            self._show_message(message, error=True)
            raise PlaygroundError(message) from error
        self._show_message(f"Imported: epoch {state.epoch}, {engine.describe_architecture(state.config)}.")
        return self

    # -- hiding controls -----------------------------------------------------------------------------------

    def hide_controls(self, names):
        """Hide the named controls (see course_lib.playground.CONTROLS), e.g. for a lesson that fixes them."""
        for name in engine.check_controls(names):
            self._hidden.add(name)
            for widget in self._controls[name]:
                widget.layout.display = "none"
        return self

    def show_controls(self, names=None):
        """Show the named controls again (all of them when `names` is None)."""
        names = list(self._hidden) if names is None else engine.check_controls(names)
        for name in names:
            self._hidden.discard(name)
            for widget in self._controls[name]:
                widget.layout.display = None
        self._sync_controls()
        return self

    @property
    def hidden_controls(self):
        return tuple(name for name in CONTROLS if name in self._hidden)

    # -- building the controls -----------------------------------------------------------------------------

    def _build_controls(self):
        self._hidden = set()
        self._controls = {}                  # control name -> the widgets it shows and hides
        for control in CONTROL_TABLE:        # the controls of one setting each: made and wired from the table
            widget = control.make()
            setattr(self, control.attribute, widget)
            widget.observe(lambda change, control=control: self._from_control(control, change["new"]), names="value")
            self._controls[control.name] = [widget]
        for name, description, tooltip, width, method, options in BUTTONS:     # the buttons of one action each
            widget = button(description, tooltip, width, **options)
            widget.on_click(lambda _, method=method: self._guarded(getattr(self, method)))
            setattr(self, f"{name}_button", widget)
            self._controls[name] = [widget]

        self.feature_buttons = feature_toggles()
        for name, toggle in self.feature_buttons.items():
            toggle.observe(lambda change, name=name: self._toggle_feature(name, change["new"]), names="value")
        self.features_box = ipywidgets.GridBox(list(self.feature_buttons.values()),
                                               layout=layout(grid_template_columns="repeat(2, 80px)",
                                                              grid_gap="4px"))
        self._features_heading = ipywidgets.HTML(SECTION.format("FEATURES"))
        self._controls["features"] = [self.features_box, self._features_heading]

        # The hidden layers: + and − layers, then per layer its size (− and +) and its activation.
        self.add_layer_button = button("+", "add a hidden layer", "34px", "add-layer")
        self.remove_layer_button = button("−", "remove the last hidden layer", "34px", "remove-layer")
        self.add_layer_button.on_click(lambda _: self._change_layers(+1))
        self.remove_layer_button.on_click(lambda _: self._change_layers(-1))
        self.layers_label = ipywidgets.HTML()
        self.layers_box = ipywidgets.HBox([self.remove_layer_button, self.add_layer_button, self.layers_label],
                                          layout=layout(align_items="center"))
        self.layer_rows = layer_rows()
        for k, row in enumerate(self.layer_rows):
            row["minus"].on_click(lambda _, k=k: self._change_neurons(k, -1))
            row["plus"].on_click(lambda _, k=k: self._change_neurons(k, +1))
            row["activation"].observe(lambda change, k=k: self._change_layer_activation(k, change["new"]),
                                      names="value")
        self._layer_rows_box = ipywidgets.VBox([row["row"] for row in self.layer_rows])
        self._controls["layers"] = [self.layers_box]
        self._controls["neurons"] = [row[side] for side in ("minus", "plus") for row in self.layer_rows]
        self._controls["activation"] += [row["activation"] for row in self.layer_rows]

        # Export and import.
        self.json_box = ipywidgets.Textarea(placeholder="Export writes the state here as JSON; paste a state here "
                                                        "and press import.",
                                            layout=layout(width="100%", height="90px"))
        self.export_button = button("Export", "write the whole state as JSON below", "80px", "export-button")
        self.import_button = button("Import", "load the JSON state below", "80px", "import-button")
        self.export_button.on_click(lambda _: self._export_to_box())
        self.import_button.on_click(lambda _: self._import_from_box())
        self.export_box = ipywidgets.VBox([ipywidgets.HTML(SECTION.format("EXPORT / IMPORT")),
                                           ipywidgets.HBox([self.export_button, self.import_button]), self.json_box],
                                          layout=layout(width="100%"))
        self._controls["export"] = [self.export_box]
        assert set(self._controls) == set(CONTROLS)

        # CSS classes name every control in the page (for styling, and for the browser tests).
        for name, widgets in self._controls.items():
            for widget in widgets:
                widget.add_class(f"course-playground-{name}")
        for name, widget in {"json": self.json_box, "losses": self.losses, "message": self.message}.items():
            widget.add_class(f"course-playground-{name}")

    def _arrange(self):
        top = ipywidgets.HBox([self.play_button, self.step_button, self.reset_button, self.clock,
                               self.learning_rate_menu, self.activation_menu, self.regularization_menu,
                               self.regularization_rate_menu, self.task_menu],
                              layout=layout(flex_flow="row wrap", align_items="center", grid_gap="6px"))
        data_column = ipywidgets.VBox([ipywidgets.HTML(SECTION.format("DATA")), self.dataset_menu, self.noise_slider,
                                       self.train_fraction_slider, self.batch_size_slider, self.regenerate_button,
                                       self._features_heading, self.features_box],
                                      layout=layout(width="260px", min_width="260px"))
        network_column = ipywidgets.VBox([ipywidgets.HTML(SECTION.format("HIDDEN LAYERS")), self.layers_box,
                                          self._layer_rows_box, self.diagram],
                                         layout=layout(min_width="300px"))
        output_column = ipywidgets.VBox([ipywidgets.HTML(SECTION.format("OUTPUT")), self.losses, self.plane,
                                         self.curve, ipywidgets.HBox([self.optimizer_menu, self.speed_menu],
                                                                     layout=layout(flex_flow="row wrap"))],
                                        layout=layout(width="350px", min_width="350px"))
        middle = ipywidgets.HBox([data_column, network_column, output_column],
                                 layout=layout(flex_flow="row wrap", align_items="flex-start"))
        return [self.lesson, top, self.message, middle, self.export_box]

    # -- controls -> state -----------------------------------------------------------------------------------

    def _guarded(self, action, *args, **kwargs):
        """Run an action for a click; show a problem in the message line instead of raising into the void."""
        try:
            action(*args, **kwargs)
        except PlaygroundError as error:
            self._show_message(str(error), error=True)
            self._sync_controls()
        except Exception as error:   # noqa: BLE001 - a click must never leave the view broken and silent
            self._show_message(f"{type(error).__name__}: {error}", error=True)
            self._sync_controls()

    def _from_control(self, control, value):
        if self._syncing or value is None:
            return
        settings = control.apply(self, value)
        if settings:
            self._guarded(self.set, **settings)

    def _toggle_feature(self, name, on):
        if self._syncing:
            return
        chosen = [feature for feature in FEATURES if feature in self.config.features or feature == name]
        if not on:
            chosen.remove(name)
        self._guarded(self.set, features=tuple(chosen))

    def _change_layers(self, delta):
        hidden = list(self.config.hidden)
        if delta > 0:
            hidden.append(hidden[-1] if hidden else 4)
        elif hidden:
            hidden.pop()
        self._guarded(self.set, hidden=tuple(hidden))

    def _change_neurons(self, layer, delta):
        hidden = list(self.config.hidden)
        if layer < len(hidden):
            hidden[layer] += delta
            self._guarded(self.set, hidden=tuple(hidden))

    def _change_layer_activation(self, layer, name):
        if self._syncing:
            return
        activations = list(self.config.activations)
        if layer < len(activations):
            activations[layer] = name
            self._guarded(self.set, activations=tuple(activations))

    def _on_diagram_edit(self, change):
        """A weight edited in the diagram (click an edge, move the slider) becomes the Playground's weight."""
        if self._drawing:
            return
        self._guarded(self.set_params, change["new"])

    def _export_to_box(self):
        self.json_box.value = self.export_json(indent=1)
        self._show_message(f"Exported epoch {self._state.epoch} ({len(self.json_box.value):,} characters) to the box "
                           "below; copy it to keep it.")

    def _import_from_box(self):
        try:
            self.import_json(self.json_box.value)
        except PlaygroundError:
            pass        # import_json has shown the message
        except Exception as error:   # noqa: BLE001 - the button shows any problem; nothing reaches the notebook
            self._show_message(f"Import failed, nothing changed: {type(error).__name__}: {error}", error=True)

    # -- state -> controls and views -------------------------------------------------------------------------

    def _sync_controls(self):
        """Set every control to match the state, without triggering changes."""
        config = self._state.config
        self._syncing = True
        try:
            for control in CONTROL_TABLE:
                widget = getattr(self, control.attribute)
                if control.options is not None:
                    widget.options = control.options(self)
                widget.value = control.shown(self)
            for name, toggle in self.feature_buttons.items():
                toggle.value = name in config.features
            n = len(config.hidden)
            self.layers_label.value = f"{n} hidden layer{'s' if n != 1 else ''}"
            self.add_layer_button.disabled = n >= MAX_HIDDEN_LAYERS
            self.remove_layer_button.disabled = n == 0
            for k, row in enumerate(self.layer_rows):
                row["row"].layout.display = None if k < n else "none"
                if k < n:
                    size = config.hidden[k]
                    row["label"].value = f"layer {k + 1}: {size} neuron{'s' if size != 1 else ''}"
                    row["minus"].disabled = size <= 1
                    row["plus"].disabled = size >= MAX_NEURONS
                    name = config.activations[k]
                    if name not in row["activation"].options:
                        row["activation"].options = list(PLAYGROUND_ACTIVATIONS) + [name]
                    row["activation"].value = name
        finally:
            self._syncing = False
        self._update_play_button()

    def _update_play_button(self):
        self.play_button.description = "Pause" if self.playing else "Play"
        self.play_button.icon = "pause" if self.playing else "play"

    def _render(self, diagram=True):
        """Give every view the current state (each redraws once)."""
        self._drawing = True
        try:
            if diagram:
                self.diagram.show_state(self._state, self._extent)
                self._diagram_drawn_at = time.perf_counter()
            self.plane.show_state(self._state, self._extent)
            self.curve.show_history(self._state.history, self._state.epoch)
            losses = self._state.losses()
            lines = [[["Test loss", fmt(losses["val_loss"], 3)], ["Training loss", fmt(losses["train_loss"], 3)]]]
            if "val_accuracy" in losses:
                lines.append([["Test accuracy", f"{losses['val_accuracy']:.1%}"],
                              ["Training accuracy", f"{losses['train_accuracy']:.1%}"]])
            self.losses.lines = lines
        finally:
            self._drawing = False
        self._render_status()

    def _render_status(self):
        text = f"Epoch {self._state.epoch:,}"
        rate = self.updates_per_second()
        if rate:
            text += f" · {rate:.0f} updates/s"
        self.clock.status = text

    def _show_message(self, text, error=False):
        self.message.value = message_html(text, error)


__all__ = ["Playground", "PlaygroundDiagram", "PlaygroundPlane", "PlaygroundClock", "CONTROL_TABLE", "Control",
           "playground_diagram", "playground_plane", "feature_grids", "feature_map", "loss_curves",
           "plane_extent_for"]

"""The Playground's engine: data, input features, a small network and its training, as pure functions.

The Playground (notebook 10) is a TensorFlow-Playground-style lab. This package is its math and its state, with no
widgets: everything the Playground shows is computed here, so it can be tested, scripted in a notebook, and
saved. The view lives in `course_lib.widgets.playground`. Its rooms, each importing only the ones above it:

- `data`: the points (`make_data(config)`, from `course_lib.datasets`, stretched to the square [-3, 3]²) and the
  inputs the network sees (`make_features(x, features)`: x1, x2, x1², x2², x1·x2, sin x1, sin x2).
- `settings`: `PlaygroundConfig`, every setting (data set, noise, train/test split, input features, hidden layers
  and their activations, learning rate, regularisation, batch size, task, optimizer), checked when it is made.
- `engine`: `new_state(config)`, `train(state, epochs)`, `update_config(state, **changes)`: a `PlaygroundState`
  holds the config, the weights (an ordinary course_lib params list), the optimizer state, the epoch and the
  loss history. Training runs through the core every course_lib trainer shares
  (`course_lib.training.train_until`): the same `train_step`, batch orders and history names as `fit`.
- `saving`: `to_json(state)` / `from_json(text)`: the whole state as JSON, round-tripping exactly; bad input
  raises a `PlaygroundError` that says what is wrong.
- `presets`: `PRESETS`, lessons, each a config plus the controls an instructor hides.

>>> config = PlaygroundConfig(dataset="circles", features=("x1^2", "x2^2"), hidden=())
>>> state = train(new_state(config), epochs=50)
>>> state.epoch, state.history["val_accuracy"][-1] > 0.9
(50, True)
>>> from_json(to_json(state)).epoch
50
"""
from course_lib.playground.data import (DATASETS, FEATURE_LABELS, FEATURES, INPUT_SCALE, LOSS_FOR_TASK, TASKS,
                                        PlaygroundData, PlaygroundError, make_data, make_features, training_arrays)
from course_lib.playground.engine import (DEFAULT_CHUNK, PlaygroundState, compile_ahead, empty_history, epoch_order,
                                          evaluate, init_params, new_state, parameter_count, predict_plane,
                                          regenerate, reset, train, update_config, with_params)
from course_lib.playground.presets import CONTROLS, PRESETS, check_controls, preset
from course_lib.playground.saving import FORMAT, VERSION, from_json, states_equal, to_json
from course_lib.playground.settings import (CONFIG_FIELDS, DATA_FIELDS, LEARNING_RATES, MAX_HIDDEN_LAYERS,
                                            MAX_NEURONS, MODEL_FIELDS, PLAYGROUND_ACTIVATIONS, REGULARIZATION_RATES,
                                            REGULARIZATIONS, PlaygroundConfig, describe_architecture)

__all__ = ["PlaygroundConfig", "PlaygroundState", "PlaygroundData", "PlaygroundError", "FEATURES", "FEATURE_LABELS",
           "DATASETS", "CONTROLS", "PRESETS", "INPUT_SCALE", "make_features", "make_data", "init_params",
           "parameter_count", "new_state", "update_config", "reset", "regenerate", "train",
           "evaluate", "predict_plane", "with_params", "epoch_order", "compile_ahead", "to_json", "from_json",
           "states_equal", "preset", "check_controls", "describe_architecture"]

"""The Playground's lessons: each preset is a config and the controls an instructor hides (the view's controls,
named in CONTROLS).

>>> config, hidden, title, text = preset("lesson_depth")
>>> config.dataset, "features" in hidden
('spiral', True)
"""
from course_lib.playground.data import FEATURES, _fail
from course_lib.playground.settings import PlaygroundConfig

# The controls of the Playground's view, by name, for hiding them (course_lib.widgets.playground).
CONTROLS = ("play", "step", "reset", "task", "dataset", "noise", "train_fraction", "regenerate", "batch_size",
            "features", "layers", "neurons", "activation", "learning_rate", "regularization", "regularization_rate",
            "optimizer", "speed", "export")

PRESETS = {
    "playground": {
        "title": "Free play",
        "text": "Every control is there. Start from TensorFlow Playground's default: circles, two small tanh layers.",
        "config": {},
        "hide": [],
    },
    "lesson_features": {
        "title": "Features instead of hidden layers",
        "text": "No hidden layer: the network is a linear model of its features. Which features make the circle "
                "separable by one straight cut?",
        "config": {"dataset": "circles", "features": ["x1", "x2"], "hidden": [], "activations": [],
                   "learning_rate": 0.03},
        "hide": ["layers", "neurons", "activation", "regularization", "regularization_rate", "optimizer", "task"],
    },
    "lesson_depth": {
        "title": "The spiral needs depth",
        "text": "Only x1 and x2 as inputs. Add layers and neurons until the spiral is learned.",
        "config": {"dataset": "spiral", "features": ["x1", "x2"], "hidden": [2], "activations": ["tanh"],
                   "learning_rate": 0.03, "noise": 0.0},
        "hide": ["features", "regularization", "regularization_rate", "task", "optimizer"],
    },
    "lesson_regularization": {
        "title": "L1 pushes weights to zero",
        "text": "All seven features and a wide network on a simple problem. Train with and without L1 and watch "
                "the edges of the useless features fade.",
        "config": {"dataset": "gaussians", "features": list(FEATURES), "hidden": [8], "activations": ["tanh"],
                   "regularization": "l1", "regularization_rate": 0.003, "learning_rate": 0.03},
        "hide": ["features", "layers", "neurons", "task", "optimizer"],
    },
    "lesson_learning_rate": {
        "title": "Learning rate: too small, right, too large",
        "text": "Only the learning rate is yours to change. Try 0.0001, 0.03 and 3.",
        "config": {"dataset": "xor", "features": ["x1", "x2"], "hidden": [4], "activations": ["tanh"]},
        "hide": ["features", "layers", "neurons", "activation", "regularization", "regularization_rate",
                 "batch_size", "task", "optimizer", "dataset", "noise", "train_fraction", "regenerate"],
    },
}


def preset(name):
    """(config, hidden_controls, title, text) of the lesson preset `name` (see PRESETS)."""
    if name not in PRESETS:
        _fail(f"Unknown preset {name!r}. Presets are: {', '.join(PRESETS)}.")
    lesson = PRESETS[name]
    config = PlaygroundConfig.from_dict(lesson["config"])
    return config, check_controls(lesson["hide"]), lesson["title"], lesson["text"]


def check_controls(names):
    """The control names as a tuple, after checking each is one of CONTROLS."""
    names = (names,) if isinstance(names, str) else tuple(names)
    unknown = [name for name in names if name not in CONTROLS]
    if unknown:
        _fail(f"Unknown control {unknown[0]!r}. Controls are: {', '.join(CONTROLS)}.")
    return names


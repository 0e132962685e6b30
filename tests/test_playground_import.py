"""Importing a Playground state (course_lib.playground.saving.from_json and the view's Import button) never lets
anything but a PlaygroundError out, refuses a state that contradicts itself, and leaves the Playground as it was.

- The cases found by hand (issue 12): numbers no float holds, a 5000-digit integer, nesting 3000 deep, bytes that
  are not UTF-8, an Adam step of 2**31, epoch 1000 with 2 epochs of history, an accuracy of 7.5, a negative second
  moment in Adam's state.
- A seeded fuzz test: a few hundred mutations of saved states (values swapped for odd ones, keys removed, text
  cut or corrupted), each either loads as a state consistent with itself or is refused with a PlaygroundError; through
  the Import button, a refusal shows a message and the state and the drawing stay exactly as they were.
- Version-1 files (saved before the history names became val_*, made by the code of commit a445605) still load.
"""
import copy
import json
import pathlib
import random

import numpy as np
import pytest

from course_lib import playground as pg
from course_lib.widgets.playground import Playground

FIXTURES = pathlib.Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="module")
def adam_state():
    config = pg.PlaygroundConfig(n_points=60, hidden=(3, 2), optimizer="adam", dataset="xor")
    return pg.train(pg.new_state(config), 4)


@pytest.fixture(scope="module")
def saved(adam_state):
    return pg.to_json(adam_state)


def edited(text, change):
    document = json.loads(text)
    change(document)
    return json.dumps(document)


def refused(text):
    with pytest.raises(pg.PlaygroundError) as caught:
        pg.from_json(text)
    return str(caught.value)


# ------------------------------------------------------------------------------------ the cases found by hand


def test_numbers_no_float_holds_are_refused(saved):
    too_big = saved.replace('"W": [[', '"W": [[' + "1" + "0" * 309 + ", ", 1)       # an integer over 1e308
    assert "nothing in it is that large" in refused(too_big)
    beyond_float32 = edited(saved, lambda d: d["params"][0]["W"][0].__setitem__(0, 1e39))
    assert "beyond the largest float32" in refused(beyond_float32)
    huge_noise = edited(saved, lambda d: d["config"].update(noise=10 ** 400))
    assert "nothing in it is that large" in refused(huge_noise)
    assert "noise must be at least 0 and at most 1; got a whole number of about" in str(
        pytest.raises(pg.PlaygroundError, pg.PlaygroundConfig, noise=10 ** 400).value)


def test_a_5000_digit_integer_is_refused(saved):
    assert "a number too long to read" in refused(saved.replace('"epoch": 4', '"epoch": ' + "7" * 5000))


def test_nesting_3000_deep_is_refused(saved):
    deep = saved.replace('"diverged": ""', '"diverged": ' + "[" * 3000 + "]" * 3000)
    assert "nested too deeply" in refused(deep)
    assert "levels deep" in refused(saved.replace('"diverged": ""', '"diverged": ' + "[" * 20 + "]" * 20))


def test_bytes_that_are_not_utf8_are_refused(saved):
    assert "not UTF-8 text" in refused(saved.encode("utf-8")[:50] + b"\xff\xfe" + saved.encode("utf-8")[50:])
    assert pg.states_equal(pg.from_json(saved.encode("utf-8")), pg.from_json(saved))      # UTF-8 bytes load


def test_an_adam_step_out_of_range_is_refused(saved):
    def set_step(value):
        return edited(saved, lambda d: d["optimizer_state"][0].update(values=[value]))
    assert "step count 2147483648 is impossible after 4 epochs" in refused(set_step(2 ** 31))
    assert "is impossible after 4 epochs" in refused(set_step(-1))
    assert "is impossible after 4 epochs" in refused(set_step(4 * 60 + 1))     # more than one step per point
    pg.from_json(set_step(12))                       # possible: 4 epochs of 3 batches


def test_a_state_that_contradicts_itself_is_refused(saved):
    def history(change):
        return edited(saved, lambda d: change(d["history"]))
    assert "says epoch 1000 but its history has 4 entries" in refused(edited(saved, lambda d: d.update(epoch=1000)))
    assert "history.epoch must count the epochs 1, 2, ... 4" in refused(
        history(lambda h: h["epoch"].reverse()))
    assert "history.val_accuracy holds 7.5; an accuracy is a share" in refused(
        history(lambda h: h["val_accuracy"].__setitem__(1, 7.5)))
    assert "history.train_loss holds -0.1; a loss is never negative" in refused(
        history(lambda h: h["train_loss"].__setitem__(0, -0.1)))
    pg.from_json(history(lambda h: h["val_loss"].__setitem__(3, "NaN")))       # a diverged test loss is possible
    assert "has no history" in refused(edited(saved, lambda d: d.pop("history")))

    def negative_moment(document):
        leaves = document["optimizer_state"]
        second = leaves[1 + (len(leaves) - 1) // 2]      # AdamState(step, mean..., square...)
        second["values"][0] = -1e-3
    assert "Adam's second moment" in refused(edited(saved, negative_moment))


# ------------------------------------------------------------------------------------ the fuzz test

ODD_VALUES = [None, True, False, 0, -1, 1, 7.5, -0.5, 1e39, 2 ** 31, 2 ** 63 + 1, 10 ** 400, "NaN", "Infinity",
              "-Infinity", "x", "", [], {}, [[]], [1, 2], {"W": []}, "tanh", "adam", "spiral", [0.0] * 3]


def paths(node, here=()):
    """Every path (tuple of keys and indices) into a JSON document."""
    yield here
    if isinstance(node, dict):
        for key, value in node.items():
            yield from paths(value, here + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from paths(value, here + (index,))


def mutate(text, rng):
    """One random mutation of a saved state: an odd value somewhere, a key removed, an element duplicated, the text
    cut or corrupted, or bytes that are not UTF-8."""
    kind = rng.choice(["value", "value", "value", "remove", "duplicate", "cut", "corrupt", "bytes"])
    if kind == "cut":
        return text[: rng.randrange(len(text))]
    if kind == "corrupt":
        k = rng.randrange(len(text))
        return text[:k] + rng.choice(["}", "]", ",", "\"", "9" * 400, "-", "[" * 50]) + text[k + 1:]
    if kind == "bytes":
        raw = text.encode("utf-8")
        k = rng.randrange(len(raw))
        return raw[:k] + bytes([rng.choice([0x80, 0xC3, 0xFF])]) + raw[k:]
    document = json.loads(text)
    path = rng.choice([p for p in paths(document) if p])
    parent = document
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    if kind == "value":
        parent[last] = copy.deepcopy(rng.choice(ODD_VALUES))
    elif kind == "remove":
        del parent[last]
    elif isinstance(parent, list):                   # duplicate: one element more in a list
        parent.insert(last, copy.deepcopy(parent[last]))
    else:
        parent[last] = [copy.deepcopy(parent[last])] * 2
    return json.dumps(document)


def consistent(state):
    """What every loaded state must satisfy (the checks from_json promises)."""
    history = state.history
    assert history["epoch"] == list(range(1, state.epoch + 1))
    assert all(len(values) == state.epoch for values in history.values())
    for name, values in history.items():
        if name.endswith("accuracy"):
            assert all(0 <= v <= 1 for v in values)
        elif name != "epoch":
            assert not any(v < 0 for v in values)
    assert pg.states_equal(pg.from_json(pg.to_json(state)), state)          # and it saves again, exactly


@pytest.fixture(scope="module")
def originals(saved):
    regression = pg.train(pg.new_state(pg.PlaygroundConfig(n_points=40, hidden=(2,), task="regression",
                                                           dataset="regression_plane", optimizer="momentum")), 2)
    return [saved, pg.to_json(regression), (FIXTURES / "playground_v1_adam_xor.json").read_text(encoding="utf-8")]


def test_fuzz_from_json_refuses_only_with_a_playground_error(originals):
    rng = random.Random(12)
    outcomes = {"loaded": 0, "refused": 0}
    for n in range(400):
        text = mutate(rng.choice(originals), rng)
        try:
            state = pg.from_json(text)
        except pg.PlaygroundError as error:
            assert str(error), f"mutant {n}: a refusal without a message"
            outcomes["refused"] += 1
        else:
            consistent(state)
            outcomes["loaded"] += 1
    assert outcomes["refused"] > 250 and outcomes["loaded"] > 10, outcomes     # the fuzz reaches both outcomes


def test_fuzz_through_the_import_button_leaves_the_playground_intact(originals, adam_state):
    view = Playground(adam_state.config)
    view.load_state(adam_state)
    before_plane = view.plane.drawn["image"].copy()
    rng = random.Random(34)
    found_by_hand = [originals[0].replace('"epoch": 4', '"epoch": ' + "7" * 5000),
                     originals[0].replace('"diverged": ""', '"diverged": ' + "[" * 3000 + "]" * 3000),
                     edited(originals[0], lambda d: d["optimizer_state"][0].update(values=[2 ** 31]))]
    refusals = 0
    for n in range(150 + len(found_by_hand)):
        text = found_by_hand[n - 150] if n >= 150 else mutate(rng.choice(originals), rng)
        view.json_box.value = text if isinstance(text, str) else text.decode("utf-8", errors="replace")
        view.message.value = ""
        # The Import button. ipywidgets would only log an exception raised from here, so what counts is that the
        # student sees a message either way.
        view.import_button.click()
        if "Import failed, nothing changed" in view.message.value:
            refusals += 1
            assert pg.states_equal(view.state, adam_state), f"mutant {n} changed the state it was refused for"
            np.testing.assert_array_equal(view.plane.drawn["image"], before_plane)
        else:
            assert "Imported: epoch" in view.message.value, view.message.value
            consistent(view.state)
            view.load_state(adam_state)
    assert refusals > 80


# ------------------------------------------------------------------------------------ version 1 still loads


@pytest.mark.parametrize("name", ["playground_v1_adam_xor.json", "playground_v1_regression.json"])
def test_a_version_1_file_loads_with_the_names_of_today(name):
    text = (FIXTURES / name).read_text(encoding="utf-8")
    document = json.loads(text)
    assert document["version"] == 1 and "test_loss" in document["history"]      # saved by the code before
    state = pg.from_json(text)
    assert "val_loss" in state.history and "test_loss" not in state.history
    assert state.history["val_loss"] == [float(v) for v in document["history"]["test_loss"]]
    assert state.epoch == document["epoch"] and state.config.to_dict() == {**state.config.to_dict(),
                                                                            **document["config"]}
    for layer, saved_layer in zip(state.numpy_params(), document["params"]):
        np.testing.assert_array_equal(layer["W"], np.array(saved_layer["W"], np.float32))
    again = json.loads(pg.to_json(state))
    assert again["version"] == 2 and again["history"]["val_loss"] == document["history"]["test_loss"]
    assert pg.states_equal(pg.from_json(pg.to_json(state)), state)
    pg.train(state, 2)                                 # and it trains on

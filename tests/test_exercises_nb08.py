"""Notebook 08's exercises (count a network's FLOPs; place arrays on a device): the reference passes, the stub is
"not attempted", other right answers pass, and plausible wrong answers, written here independently of the bank's
own Mistake functions, are caught with their specific hint. The placement mistakes that only show with several
devices are checked in a subprocess with 8 simulated CPU devices (XLA_FLAGS must be set before JAX starts)."""
import json
import os
import subprocess
import sys
import textwrap

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import course_lib
from course_lib.exercises import nb08_hardware_jit_devices as bank
from exercise_helpers import assert_caught, assert_exercise_is_consistent, stub


def test_every_exercise_of_the_notebook_is_in_the_bank():
    assert set(bank.EXERCISES) == {"forward_flops", "place_on"}


@pytest.mark.parametrize("exercise", list(bank.EXERCISES.values()), ids=list(bank.EXERCISES))
def test_reference_passes_stub_not_attempted_and_every_mistake_caught(exercise):
    assert_exercise_is_consistent(exercise)


# -------------------------------------------------------------------------------------------------------- FLOPs


def test_forward_flops_other_right_answers_pass():
    def with_a_loop(layer_sizes, batch_size):
        total = 0
        for i in range(len(layer_sizes) - 1):
            weights = layer_sizes[i] * layer_sizes[i + 1]
            total += 2 * weights * batch_size + layer_sizes[i + 1] * batch_size
        return total

    def as_float(layer_sizes, batch_size):
        sizes = np.array(layer_sizes, dtype=float)
        return float(batch_size * np.sum(2 * sizes[:-1] * sizes[1:] + sizes[1:]))
    for answer in (with_a_loop, as_float):
        assert bank.forward_flops_exercise.check(answer).status == "correct"


@pytest.mark.parametrize("layer_sizes, batch", [([2, 3, 1], 1), ([64, 32, 10], 32), ([5, 7, 7, 2], 3)])
def test_forward_flops_is_what_xla_counts_for_a_network_without_activations(layer_sizes, batch):
    params = course_lib.init_mlp(layer_sizes, seed=0)
    forward = jax.jit(lambda p, x: course_lib.forward(p, x, activation="linear"))
    counted = forward.lower(params, jnp.ones((batch, layer_sizes[0]))).cost_analysis()["flops"]
    assert bank.forward_flops(layer_sizes, batch) == counted


def test_forward_flops_multiply_adds_are_caught():
    def macs(layer_sizes, batch_size):
        return batch_size * sum(a * b + b for a, b in zip(layer_sizes, layer_sizes[1:]))
    assert_caught(bank.forward_flops_exercise, macs, "A multiply-add (MAC) is two FLOPs")


def test_forward_flops_for_one_example_is_caught():
    def one_example(layer_sizes, batch_size):
        return sum(2 * a * b + b for a, b in zip(layer_sizes, layer_sizes[1:]))
    assert_caught(bank.forward_flops_exercise, one_example, "multiply by batch_size")


def test_forward_flops_without_biases_and_two_per_parameter_are_caught():
    def no_biases(layer_sizes, batch_size):
        return 2 * batch_size * sum(a * b for a, b in zip(layer_sizes, layer_sizes[1:]))

    def two_per_parameter(layer_sizes, batch_size):
        params = course_lib.init_mlp(layer_sizes, seed=0)
        return 2 * batch_size * course_lib.count_parameters(params)
    assert_caught(bank.forward_flops_exercise, no_biases, "You left out the biases")
    assert_caught(bank.forward_flops_exercise, two_per_parameter, "a bias is used for one addition only")


def test_forward_flops_first_layer_only_is_caught():
    assert_caught(bank.forward_flops_exercise, lambda s, b: b * (2 * s[0] * s[1] + s[1]), "only the first layer")


# ---------------------------------------------------------------------------------------------------- placement


def tree():
    return {"params": course_lib.init_mlp([3, 2], seed=0), "x": np.ones((4, 3), np.float32)}


def test_place_on_is_library_place_and_where_reports_it():
    placed = bank.place_on(jax.device_get(tree()), 0)
    assert course_lib.devices.where(placed) == {"params": [{"W": "cpu:0", "b": "cpu:0"}], "x": "cpu:0"}


def test_place_other_right_answers_pass():
    def leaf_by_leaf(tree, k):
        return jax.tree.map(lambda leaf: jax.device_put(leaf, jax.devices()[k]), tree)

    def with_the_library(tree, k):
        return course_lib.devices.place(tree, jax.devices()[k])
    for answer in (leaf_by_leaf, with_the_library):
        assert bank.place_exercise.check(answer).status == "correct"


def test_place_numpy_left_in_main_memory_is_caught():
    assert_caught(bank.place_exercise, lambda tree, k: tree, "still NumPy arrays")
    assert_caught(bank.place_exercise, lambda tree, k: jax.device_get(tree), "still NumPy arrays")   # get, not put
    result = bank.place_exercise.check(lambda tree, k: tree)
    assert "is in host (NumPy), not on cpu:" in result.message


def test_place_structure_lost_is_caught():
    def flat(tree, k):
        leaves, _ = jax.tree_util.tree_flatten(tree)
        return [jax.device_put(leaf, jax.devices()[k]) for leaf in leaves]
    assert_caught(bank.place_exercise, flat, "structure (the dict, the list of layers) is lost")


def test_place_changed_numbers_and_none_are_explained():
    result = bank.place_exercise.check(lambda tree, k: jax.device_put(jax.tree.map(lambda a: a + 1, tree),
                                                                       jax.devices()[k]))
    assert result.status == "wrong values" and "numbers changed" in result.message
    result = bank.place_exercise.check(lambda tree, k: None)
    assert result.status == "wrong values" and "forget to `return`" in result.message


def test_place_error_in_student_code_points_at_the_students_line():
    def broken(tree, k):
        device = jax.devices()[k]
        return jax.device_put(tree, device, "not a valid argument")
    result = bank.place_exercise.check(broken)
    assert result.status == "raised", result.message
    assert "in broken, line" in result.message


def test_place_default_device_mistake_only_exists_with_several_devices():
    result = bank.place_exercise.check(lambda tree, k: jax.device_put(tree))
    if len(jax.devices()) == 1:       # one device: the default device is the only place, so this answer is right
        assert result.status == "correct"
    else:
        assert result.status == "wrong values" and "default one" in result.hint


EIGHT_DEVICES = textwrap.dedent("""
    import json
    import jax
    from course_lib.exercises import nb08_hardware_jit_devices as bank

    exercise = bank.place_exercise
    exercise.self_test()
    results = {
        "devices": len(jax.devices()),
        "mistakes": len(exercise.mistakes),
        "reference": exercise.check(bank.place_on).status,
        "default": exercise.check(lambda tree, k: jax.device_put(tree)),
        "asarray": exercise.check(lambda tree, k: jax.tree.map(jax.numpy.asarray, tree)),
        "off_by_one": exercise.check(lambda tree, k: jax.device_put(tree, jax.devices()[k - 1])),
    }
    print(json.dumps({name: [r.status, r.message, r.hint] if hasattr(r, "status") else r
                      for name, r in results.items()}))
""")


@pytest.fixture(scope="module")
def on_eight_devices():
    env = dict(os.environ, XLA_FLAGS="--xla_force_host_platform_device_count=8", JAX_PLATFORMS="cpu")
    done = subprocess.run([sys.executable, "-c", EIGHT_DEVICES], env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_place_with_eight_devices_reference_passes_and_all_mistakes_are_caught(on_eight_devices):
    assert on_eight_devices["devices"] == 8
    assert on_eight_devices["mistakes"] == 3            # the default-device mistake joins with several devices
    assert on_eight_devices["reference"] == "correct"


@pytest.mark.parametrize("answer", ["default", "asarray"])
def test_place_on_the_default_device_is_caught_with_eight_devices(on_eight_devices, answer):
    status, message, hint = on_eight_devices[answer]
    assert status == "wrong values"
    assert "is on cpu:0, not on cpu:7" in message
    assert hint is not None and "jax.device_put(tree) without a device uses the default one" in hint


def test_place_on_the_wrong_device_names_both_devices(on_eight_devices):
    status, message, _ = on_eight_devices["off_by_one"]
    assert status == "wrong values" and "is on cpu:6, not on cpu:7" in message

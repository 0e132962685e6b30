"""Exercise bank for notebook 08 (hardware, jit and devices): count a network's FLOPs; put arrays on a device.

1. `forward_flops_exercise`: write `forward_flops(layer_sizes, batch_size)`, the floating-point operations of one
   forward pass of a dense network. The course's convention is XLA's: every weight is used once per example, for one
   multiplication and one addition (2 FLOPs); every bias for one addition (1 FLOP); activations are not counted.
   For a network without activations this is exactly what `jax.jit(f).lower(...).compile().cost_analysis()` reports.
2. `place_exercise`: write `place_on(tree, device)`, the same pytree with every array on `device`, compared with
   `course_lib.devices.place`. The checker looks at where each output array lives (see `placement`), not only at
   its values, so "returned the NumPy arrays unchanged" and "put them on the default device" are told apart.

In the notebook:

    from course_lib.exercises import nb08_hardware_jit_devices as exercises

    def forward_flops(layer_sizes, batch_size):
        ### BEGIN SOLUTION
        return sum(batch_size * (2 * n_in * n_out + n_out) for n_in, n_out in zip(layer_sizes, layer_sizes[1:]))
        ### END SOLUTION

    exercises.forward_flops_exercise.check(forward_flops)
"""
import numpy as np

from course_lib.exercises.checker import Exercise, Mistake

# ------------------------------------------------------------------------------------------------------- FLOPs


def forward_flops(layer_sizes, batch_size):
    """Floating-point operations (FLOPs) of one forward pass of a dense network on a batch.

    Per example, layer n_in -> n_out: each of its n_in·n_out weights gives one multiplication and one addition, each
    of its n_out biases one addition, so 2·n_in·n_out + n_out. Activations are not counted (they are a small part).

    >>> forward_flops([2, 3, 1], batch_size=1)        # (2·2·3 + 3) + (2·3·1 + 1)
    22
    >>> forward_flops([64, 32, 10], batch_size=32)
    152896
    """
    sizes = [int(n) for n in layer_sizes]
    per_example = sum(2 * n_in * n_out + n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))
    return int(batch_size) * per_example


# Why these inputs separate right from wrong: batches from 1 to 256 (forgetting the batch shows, except for the
# first input), networks of one to four layers of different widths (only the first layer, or the product of all
# sizes, shows), and exact integer answers (a MAC count, no biases or 2 per parameter are off by a known amount).


def make_flops_inputs(rng):
    """Networks from tiny to large, batches of 1 to 256; one with a random shape so no answer can be memorised."""
    random_sizes = [int(n) for n in rng.integers(2, 50, size=4)]
    return [([2, 3, 1], 1), ([64, 32, 10], 32), ([3, 4, 4, 4, 3], 5), ([784, 512, 512, 10], 256),
            (random_sizes, int(rng.integers(2, 100)))]


def _pairs(layer_sizes):
    return list(zip(layer_sizes[:-1], layer_sizes[1:]))


def _flops_multiply_adds(layer_sizes, batch_size):
    return batch_size * sum(n_in * n_out + n_out for n_in, n_out in _pairs(layer_sizes))


def _flops_one_example(layer_sizes, batch_size):
    return sum(2 * n_in * n_out + n_out for n_in, n_out in _pairs(layer_sizes))


def _flops_no_biases(layer_sizes, batch_size):
    return batch_size * sum(2 * n_in * n_out for n_in, n_out in _pairs(layer_sizes))


def _flops_two_per_parameter(layer_sizes, batch_size):
    return 2 * batch_size * sum(n_in * n_out + n_out for n_in, n_out in _pairs(layer_sizes))


def _flops_first_layer_only(layer_sizes, batch_size):
    n_in, n_out = layer_sizes[0], layer_sizes[1]
    return batch_size * (2 * n_in * n_out + n_out)


def _flops_product_of_sizes(layer_sizes, batch_size):
    return 2 * batch_size * int(np.prod(layer_sizes))


forward_flops_exercise = Exercise(
    name="forward_flops",
    reference=forward_flops,
    make_inputs=make_flops_inputs,
    rtol=0.0,
    atol=0.5,   # FLOPs are whole numbers: an answer as a float is fine, but it must be exact
    time_limit=60,   # an answer may build each network with course_lib.init_mlp, which compiles once per shape
    hints=[
        "Go layer by layer: between a layer of n_in nodes and one of n_out nodes, count the operations for one "
        "example, then multiply by the batch size. Add up the layers.",
        "For one example, each weight is used once: one multiplication (input × weight) and one addition (into the "
        "sum), so 2 FLOPs per weight. Each bias is added once: 1 FLOP. A layer has n_in·n_out weights and n_out "
        "biases.",
        "batch_size * sum(2 * n_in * n_out + n_out for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:]))",
    ],
    mistakes=[
        Mistake(_flops_multiply_adds, "You counted one operation per weight. A multiply-add (MAC) is two FLOPs: the "
                                      "multiplication and the addition each count. (Chip makers sometimes quote "
                                      "MACs; FLOPs are twice as many.)"),
        Mistake(_flops_one_example, "That is the count for one example. The forward pass runs on the whole batch: "
                                    "multiply by batch_size."),
        Mistake(_flops_no_biases, "You left out the biases: each of a layer's n_out nodes adds its bias once per "
                                  "example, one more FLOP per node (2·n_in·n_out + n_out per layer)."),
        Mistake(_flops_two_per_parameter, "You counted 2 FLOPs for every parameter, biases included. That is a good "
                                          "rule of thumb, but a bias is used for one addition only (1 FLOP per "
                                          "example), not a multiplication and an addition."),
        Mistake(_flops_first_layer_only, "You counted only the first layer. Add up every pair of consecutive "
                                         "layers: zip(layer_sizes[:-1], layer_sizes[1:])."),
        Mistake(_flops_product_of_sizes, "You multiplied all the layer sizes together. The weights connect "
                                         "consecutive layers only: count n_in·n_out for each pair and add them."),
    ],
    explanation="Per example a layer costs 2·n_in·n_out + n_out: almost exactly 2 FLOPs per parameter. So one "
                "forward pass costs about 2 × (number of parameters) × (batch size), and a training step (forward "
                "and backward) about 3 times that.",
)


# --------------------------------------------------------------------------------------------------- placement


def place_on(tree, k):
    """Every array of `tree` (one array, or a pytree such as {"params": [...], "x": ...}) copied onto device number
    `k`, that is `jax.devices()[k]`. The structure stays the same.

    >>> import jax
    >>> placed = place_on({"x": np.ones(2)}, 0)
    >>> placed["x"].devices() == {jax.devices()[0]}
    True
    """
    import jax

    from course_lib.devices import place

    return place(tree, jax.devices()[k])


def placement_and_values(tree):
    """What the checker compares for a placement answer: where each array lives (`course_lib.devices.where`:
    'cpu:3', 'host (NumPy)', ...) and its values, as {"where": ..., "values": ...}."""
    import jax

    from course_lib.devices import where

    return {"where": where(tree), "values": jax.tree.map(np.asarray, tree)}


def same_place_and_values(got, expected):
    """`compare` for placement answers (both sides from `placement_and_values`): the first array that is in the
    wrong place, or whose numbers changed, in words."""
    import jax

    from course_lib.exercises.compare import structure_problem

    if got["where"] is None:
        return False, "your function returned None: did you forget to `return` the placed pytree?"
    if structure_problem(expected["where"], got["where"]) is not None:
        return False, ("your output does not have the structure of the input (the same dicts and lists of arrays); "
                       "return the whole pytree, placed.")
    got_places = jax.tree_util.tree_flatten_with_path(got["where"])[0]
    for (path, expected_place), (_, got_place) in zip(jax.tree_util.tree_flatten_with_path(expected["where"])[0],
                                                      got_places):
        if got_place != expected_place:
            name = "the array" if not path else f"the array at {jax.tree_util.keystr(path)}"
            here = "in" if got_place.startswith("host") else "on"
            return False, f"{name} is {here} {got_place}, not on {expected_place}."
    for e, g in zip(jax.tree.leaves(expected["values"]), jax.tree.leaves(got["values"])):
        if e.shape != g.shape or not np.array_equal(e, g):
            return False, "the arrays are in the right place, but their numbers changed: copy them as they are."
    return True, ""


class _ReportingPlacement:
    """Calls `fn` and hands the checker `placement_and_values` of its result. Carries `fn`'s code object, so that
    an error in the student's function is still reported at the student's own line."""

    def __init__(self, fn):
        self.fn = fn
        self.__code__ = getattr(fn, "__code__", None)
        self.__name__ = getattr(fn, "__name__", "place_on")

    def __call__(self, *args, **kwargs):
        return placement_and_values(self.fn(*args, **kwargs))


class PlacementExercise(Exercise):
    """An Exercise on putting arrays on a device. Arrays with the right numbers can still be in the wrong place, so
    what is compared is `placement_and_values` of each output, not the output's values alone.

    `multi_device_mistakes` can only be told apart from a right answer when JAX has more than one device (on one
    device every array is on the default device anyway); they join `mistakes` only then.
    """

    def __init__(self, *args, multi_device_mistakes=(), **kwargs):
        self._multi_device_mistakes = list(multi_device_mistakes)
        super().__init__(*args, **kwargs)

    @property
    def mistakes(self):
        import jax

        return self._mistakes + (self._multi_device_mistakes if len(jax.devices()) > 1 else [])

    @mistakes.setter
    def mistakes(self, value):
        self._mistakes = list(value)

    def _outcomes(self, fn, time_limit=None):
        return super()._outcomes(_ReportingPlacement(fn), time_limit)


# Why these inputs separate right from wrong: the checker compares WHERE each output array lives, not only its
# values, so NumPy arrays handed back unchanged fail; a dict holding a list of layers and a batch, so a flat list of
# placed leaves fails; device numbers other than 0 (with 8 devices), so the default device fails.


def make_placement_inputs(rng):
    """A params list with a batch (as the notebook's dict), a single array, and a params list alone, each for the
    last device or one in the middle of jax.devices() (on a one-device machine all are device 0)."""
    import jax

    n = len(jax.devices())
    params = [{"W": rng.normal(size=(4, 3)).astype(np.float32), "b": np.zeros(3, np.float32)},
              {"W": rng.normal(size=(3, 2)).astype(np.float32), "b": np.zeros(2, np.float32)}]
    batch = rng.normal(size=(5, 4)).astype(np.float32)
    return [({"params": params, "x": batch}, n - 1), (rng.normal(size=(6,)).astype(np.float32), n // 2),
            (params, n // 2)]


def _place_unchanged(tree, k):
    return tree


def _place_leaves_only(tree, k):
    import jax

    return [jax.device_put(leaf, jax.devices()[k]) for leaf in jax.tree.leaves(tree)]


def _place_on_default_device(tree, k):
    import jax

    return jax.device_put(tree)


place_exercise = PlacementExercise(
    name="place_on",
    reference=place_on,
    make_inputs=make_placement_inputs,
    compare=same_place_and_values,
    hints=[
        "jax.devices() is a list of the devices JAX can use; device number k is jax.devices()[k]. One function "
        "copies arrays onto a device, and it accepts a whole pytree at once.",
        "jax.device_put(value, device) copies a NumPy array, or every array of a pytree (lists, dicts), onto "
        "`device` and returns the same structure.",
        "return jax.device_put(tree, jax.devices()[k])   (or course_lib.devices.place(tree, jax.devices()[k]))",
    ],
    mistakes=[
        Mistake(_place_unchanged, "Your arrays are still NumPy arrays in the computer's main memory (where() says "
                                  "'host (NumPy)'), on no JAX device. Copy them onto the device with "
                                  "jax.device_put(tree, jax.devices()[k]). (jax.device_get does the opposite: "
                                  "it brings arrays back to NumPy.)"),
        Mistake(_place_leaves_only, "Your arrays are on the device, but you returned a flat list of them: the "
                                    "structure (the dict, the list of layers) is lost. jax.device_put takes the "
                                    "whole pytree and keeps its structure."),
    ],
    multi_device_mistakes=[
        Mistake(_place_on_default_device, "Your arrays are on the default device, jax.devices()[0], not on device "
                                          "number k: jax.device_put(tree) without a device uses the default one. "
                                          "Pass the device: jax.device_put(tree, jax.devices()[k])."),
    ],
    explanation="jax.device_put works on whole pytrees, so one call places a params list and a batch together. "
                "course_lib.devices.place(tree, device) does the same, and uses the best device (a GPU or TPU if "
                "there is one) when no device is given.",
)

EXERCISES = {exercise.name: exercise for exercise in [forward_flops_exercise, place_exercise]}

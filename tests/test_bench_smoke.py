"""The benchmark suite still runs: its modules import, every installed reference trains, and a tiny
configuration of `bench/run.py` writes results with every key the report needs. Nothing here is timed:
speed targets live in bench/ as ratios, never in tests."""
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench import data as bench_data  # noqa: E402
from bench import digits, harness, notebooks, report  # noqa: E402
from bench.references import MODULES, Unavailable, load  # noqa: E402


def tiny_data(n=96, n_features=8, n_classes=3, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n + 32, n_features), dtype=np.float32)
    y = (x[:, 0] > 0).astype(np.int32) + (x[:, 1] > 0.5).astype(np.int32)     # learnable, 3 classes
    return bench_data.Data("tiny", x[:n], y[:n], x[n:], y[n:], n_classes)


# Same starting weights, same NumPy shuffle (seeded like course_lib.fit's): the same math must give the same
# test accuracy after every epoch. PyTorch draws its own shuffle; scikit-learn its own starting weights.
OWN_SHUFFLE, OWN_START = ("torch", "torch_1thread"), ("sklearn",)


def train_tiny(name, batch_size):
    try:
        reference = load(name)
    except Unavailable as missing:
        pytest.skip(str(missing))
    params = bench_data.initial_params([8, 16, 3], seed=0)
    before = [layer["W"].copy() for layer in params]
    run = reference.train(params, tiny_data(), epochs=5, lr=0.5, batch_size=batch_size, validate=True)
    for original, layer in zip(before, params):  # the caller's weights are not trained in place
        np.testing.assert_array_equal(original, layer["W"])
    assert isinstance(reference.DESCRIPTION, str) and reference.DESCRIPTION
    return run


@pytest.fixture(scope="module")
def course_curves():
    return {batch_size: train_tiny("course_lib.fit", batch_size).val_accuracy for batch_size in (32, None)}


@pytest.mark.parametrize("name", list(MODULES))
@pytest.mark.parametrize("batch_size", [32, None])
def test_every_reference_trains_like_course_lib(name, batch_size, course_curves):
    run = train_tiny(name, batch_size)
    assert run.epochs == 5
    assert run.samples == 96 * 5                 # batches of 32 divide 96: no example sits out
    assert len(run.val_accuracy) == 5 and all(0.0 <= a <= 1.0 for a in run.val_accuracy)
    assert run.val_accuracy[-1] > 0.5            # it learned (chance is about 1/3)
    same_shuffle = batch_size is None or name not in OWN_SHUFFLE
    if same_shuffle and name not in OWN_START:
        np.testing.assert_allclose(run.val_accuracy, course_curves[batch_size], atol=1.5 / 32)


@pytest.mark.parametrize("name", ["jax_scan", "numpy_1thread"])
def test_stop_at_ends_training_at_the_first_epoch_that_reaches_it(name):
    reference = load(name)
    full = reference.train(bench_data.initial_params([8, 16, 3]), tiny_data(), epochs=5, lr=0.5, batch_size=32,
                           validate=True)
    stop_at = full.val_accuracy[1]
    stopped = reference.train(bench_data.initial_params([8, 16, 3]), tiny_data(), epochs=5, lr=0.5, batch_size=32,
                              validate=True, stop_at=stop_at)
    assert stopped.epochs == digits.first_epoch_reaching(full.val_accuracy, stop_at) <= 2
    assert stopped.val_accuracy == full.val_accuracy[:stopped.epochs]
    assert stopped.samples == 96 * stopped.epochs


def test_unknown_implementation_is_named_in_the_error():
    with pytest.raises(KeyError, match="course_lib.fit"):
        load("tensorflow")


def test_flop_count_and_epoch_search():
    assert bench_data.training_flops_per_example([784, 1024, 1024, 10]) == 2 * (
        2 * (784 * 1024 + 1024 * 1024 + 1024 * 10) + (1024 * 1024 + 1024 * 10))
    assert digits.first_epoch_reaching([0.5, 0.96, 0.97, 0.99]) == 3
    assert digits.first_epoch_reaching([0.5, 0.96]) is None


def test_summaries_and_paired_ratios():
    assert harness.summarize([4.0, 1.0, 3.0, 2.0]) == {"median": 2.5, "min": 1.0, "max": 4.0, "n": 4,
                                                       "values": [4.0, 1.0, 3.0, 2.0]}
    assert harness.summarize([]) is None
    ratios = harness.paired_ratios([2.0, None, 9.0], [1.0, 5.0, 3.0])    # round 2 was not measured
    assert ratios["values"] == [2.0, 3.0]


def test_notebook_times_are_added_up_per_notebook():
    junit = ('<testsuites><testsuite>'
             '<testcase classname="solutions.01_x.ipynb" name="Cell 0" time="2.0"/>'
             '<testcase classname="solutions.01_x.ipynb" name="Cell 1" time="1.0"><error message="e"/></testcase>'
             '<testcase classname="notebooks.01_x.ipynb" name="Cell 0" time="0.5"/>'
             '</testsuite></testsuites>')
    assert notebooks.per_notebook(junit) == {
        "notebooks/01_x.ipynb": {"seconds": 0.5, "cells": 1, "failed": 0},
        "solutions/01_x.ipynb": {"seconds": 3.0, "cells": 2, "failed": 1}}


def test_playground_rate_is_measured_or_said_to_be_missing():
    from bench import widget_latency

    result = widget_latency.playground_rate(0.3)
    assert result["status"] in ("measured", "not available yet")
    if result["status"] == "measured":
        assert result["updates_per_s"] > 0 and result["n"] >= 1 and result["seconds"] == 0.3
        assert result["epochs_per_update"] >= 1 and result["bytes_per_update"] > 0
    else:
        assert result["why"]


def test_a_target_without_a_measurement_is_not_met():
    results = {"sections": {}, "meta": {}}
    assert all(t["met"] is None for t in report.targets(results))


@pytest.mark.slow
def test_quick_run_writes_every_section_of_the_results(tmp_path):
    """`bench/run.py --quick`, as the Makefile calls it, on two implementations (workers, cold runs and all)."""
    completed = subprocess.run(
        [sys.executable, "bench/run.py", "--quick", "--implementations", "course_lib.fit,numpy_1thread",
         "--sections", "digits,wide_mlp,widgets,cold_start", "--output-dir", str(tmp_path)],
        cwd=REPO, capture_output=True, text=True, timeout=600)
    assert completed.returncode == 0, completed.stderr[-2000:]
    results = json.loads((tmp_path / "results.json").read_text())

    meta = results["meta"]
    assert {"machine", "versions", "threads", "load_average_start", "load_average_end", "commit"} <= set(meta)
    assert meta["versions"]["jax"] and meta["machine"]["usable_cpus"] >= 1
    assert {"course_lib.fit", "numpy_1thread", "jax_scan"} <= set(meta["threads"])

    for config in ("batch_64", "full_batch"):
        implementations = results["sections"]["digits"]["configs"][config]["implementations"]
        course = implementations["course_lib.fit"]
        assert course["samples_per_s"]["median"] > 0
        assert {"epochs_to_target", "best_test_accuracy", "time_to_target_warm_s", "time_to_target_cold_s",
                "time_to_target_cold_cached_s"} <= set(course)
        assert course["time_to_target_cold_cached_s"]["n"] == 1
        assert "samples_per_s" in implementations["numpy_1thread"]["course_speedup"]

    wide = results["sections"]["wide_mlp"]
    assert wide["matmul_ceiling"]["gflops"]["median"] > 0
    assert 0 < wide["implementations"]["course_lib.fit"]["share_of_matmul_ceiling"]["median"]

    assert results["sections"]["widgets"]["widget_update"]["status"] in ("measured", "not available yet")
    assert results["sections"]["widgets"]["playground"]["status"] in ("measured", "not available yet")
    assert results["sections"]["cold_start"]["import_course_lib"]["n"] == 1
    assert results["sections"]["cold_start"]["first_fit_cache_filled"]["n"] == 1
    # The run's compilation caches are its own: set for the workers, gone afterwards, never the user's.
    cache_setting = meta["threads"]["course_lib.fit"]["environment"]["COURSE_LIB_COMPILATION_CACHE"]
    assert cache_setting and "course-bench-caches-" in cache_setting and not Path(cache_setting).exists()

    names = [t["name"] for t in results["targets"]]
    assert any("import course_lib" in n for n in names) and any("wide MLP" in n for n in names)
    assert any("empty compilation cache" in n for n in names) and any("cache filled" in n for n in names)
    text = (tmp_path / "results.md").read_text()
    assert "## Targets" in text and "## 1. Digits" in text and "## 2. Wide MLP" in text

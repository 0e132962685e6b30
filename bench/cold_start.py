"""Section 4: cold start, in a fresh interpreter each time (`python -m bench.cold_start` prints one JSON line).

What a student's first cells pay, step by step:
  import course_lib                  (cheap by design: submodules load on first use; target under 1 s)
  course_lib.init_mlp(...)           (first use, after `import numpy` as every notebook does: loads the
                                      initializers module and draws with NumPy; no JAX; target under 20 ms)
  course_lib.datasets.load_digits()  (the digits as shipped with course_lib)
  first course_lib.fit(...)          (digits, 1 epoch at batch 64: tracing and XLA compilation included)
  second, identical fit              (the compiled epoch is reused: what every later call costs)
"""
import json
import time


def measure():
    import numpy  # noqa: F401  (every notebook imports NumPy before it builds a network)

    seconds = {}
    start = time.perf_counter()
    import course_lib
    seconds["import_course_lib"] = time.perf_counter() - start

    start = time.perf_counter()
    params = course_lib.init_mlp([64, 128, 128, 10], seed=0)
    seconds["first_use_init_mlp"] = time.perf_counter() - start

    start = time.perf_counter()
    digits = course_lib.datasets.load_digits(seed=0)
    seconds["load_digits"] = time.perf_counter() - start

    def one_epoch():
        start = time.perf_counter()
        course_lib.fit(params, digits.x_train, digits.y_train, epochs=1, lr=0.1, batch_size=64)
        return time.perf_counter() - start

    seconds["first_fit"] = one_epoch()
    seconds["second_fit"] = one_epoch()
    return seconds


if __name__ == "__main__":
    print(json.dumps(measure()))

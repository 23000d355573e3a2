"""Measured, not promised: what the loop, the scan and one generated token cost on this machine, and the
committed results of `benchmarks/linear_recurrence.py`.

Introduced in notebook 09. `loop_and_scan_times` times the loop against the scan (numpy, TensorFlow, Keras)
for one sequence length; `generation_cost` times one generated token of softmax attention (a growing cache)
against linear attention (a fixed state); `load_benchmark` reads the sweep and the trainings too slow for the
notebook.
"""

import functools
import pathlib

import numpy as np

from . import data
from ._validation import Check, Count, Function, Int, Seed, Size, check_array, check_choice, check_count, validate
from .linear_recurrence import hillis_steele_scan, keras_scan, linear_recurrence

BENCHMARK_RESULTS = pathlib.Path(__file__).resolve().parent / "linear_recurrence_results.json"  # package data


@validate(checked_in_body=("path",))
def load_benchmark(path=BENCHMARK_RESULTS):
    """The committed results of `benchmarks/linear_recurrence.py`: the timing sweep and the trainings too slow
    for notebook 09 (`timing`, `memory`, `parity`, each a list of rows, and `machine`).

    Raises:
        TypeError: if `path` is not a path. FileNotFoundError: if the file is missing (the script makes it).
    """
    return data.benchmark_results(path, "benchmarks/linear_recurrence.py", "about half an hour on 2 cores")


@validate(run=Function("a function of no arguments"), repeats=Int(minimum=1, maximum=10_000))
def median_seconds(run, repeats=5):
    """The median wall time of `repeats` calls of `run()` (warm if you called it once before)."""
    import time

    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


# --- generation: one new token with a growing cache against a fixed state ---------------------------------------


def _softmax_token(q, K_cache, V_cache):
    """One token of softmax attention over the cache: every earlier key and value is read again."""
    scores = K_cache @ q / np.sqrt(q.size)
    weights = np.exp(scores - scores.max())
    return weights @ V_cache / weights.sum()


def _linear_token(q, k, v, S, z):
    """One token of linear attention: the state absorbs (k, v) and answers q; S and z are updated in place."""
    phi_q, phi_k = np.maximum(q, 0.0) + np.exp(np.minimum(q, 0.0)), np.maximum(k, 0.0) + np.exp(np.minimum(k, 0.0))
    S += np.outer(phi_k, v)
    z += phi_k
    return phi_q @ S / (phi_q @ z)


def _check_positions(name, positions):
    """Cache lengths: a 1-D array of counts, as a list of ints."""
    return [check_count("position", t) for t in check_array(name, positions, ndim=1).astype(int).tolist()]


@validate(positions=Check(_check_positions), d=Size(), repeats=Int(minimum=1, maximum=100_000), seed=Seed())
def generation_cost(positions, d=64, repeats=200, seed=0):
    """Time and memory of generating the token at each position: softmax cache against linear-attention state.

    Introduced in notebook 09. For a token at position t, softmax attention reads a cache of t keys and t
    values (2·t·d numbers) and the linear form a state of d·d + d numbers, whatever t is. Each time is the
    median of `repeats` warm calls (the first call is made and dropped).

    Args:
        positions: increasing ints >= 1, e.g. (64, 256, 1024, 4096). d: model width; an int in [1, 4096].
        repeats: calls per measurement; an int >= 1. seed: seeds the random queries, keys and values.

    Returns:
        DataFrame with columns `position, softmax_us, linear_us, softmax_floats, linear_floats`.
    """
    import pandas as pd

    rng = np.random.default_rng(seed)
    K, V = rng.standard_normal((max(positions), d)), rng.standard_normal((max(positions), d))
    q, k, v = rng.standard_normal((3, d)) / np.sqrt(d)
    S, z = np.abs(rng.standard_normal((d, d))), np.abs(rng.standard_normal(d)) + 1.0
    rows = []
    for t in positions:
        softmax = functools.partial(_softmax_token, q, K[:t], V[:t])
        linear = functools.partial(_linear_token, q, k, v, S, z)
        softmax(), linear()  # warm up
        rows.append({"position": t, "softmax_us": 1e6 * median_seconds(softmax, repeats),
                     "linear_us": 1e6 * median_seconds(linear, repeats),
                     "softmax_floats": 2 * t * d, "linear_floats": d * d + d})
    return pd.DataFrame(rows)


# --- measured, not promised: the loop against the scan on this machine ------------------------------------------

TIMED_METHODS = ("numpy loop", "numpy scan", "tf loop", "keras scan", "tf loop (XLA)")


def _timed_runs(a, b):
    """One function of no arguments per method in TIMED_METHODS, each computing all states of h_t = a_t h_{t-1} + b_t."""
    import tensorflow as tf

    a_tf, b_tf = tf.constant(a), tf.constant(b)

    def tf_loop(a, b):  # a compiled while loop over time (time-major for tf.scan)
        step = lambda h, ab: ab[0] * h + ab[1]  # noqa: E731
        return tf.transpose(tf.scan(step, (tf.transpose(a, (1, 0, 2)), tf.transpose(b, (1, 0, 2))),
                                    initializer=tf.zeros_like(a[:, 0])), (1, 0, 2))

    scan = tf.function(lambda a, b: keras_scan(a, b)[1])  # associative_scan; Hillis–Steele before Keras 3.14
    loop, xla = tf.function(tf_loop), tf.function(tf_loop, jit_compile=True)
    return {"numpy loop": lambda: linear_recurrence(a, b), "numpy scan": lambda: hillis_steele_scan(a, b),
            "tf loop": lambda: loop(a_tf, b_tf).numpy(), "keras scan": lambda: scan(a_tf, b_tf).numpy(),
            "tf loop (XLA)": lambda: xla(a_tf, b_tf).numpy()}


def _check_methods(name, methods):
    """A non-empty tuple of names from TIMED_METHODS, as a list."""
    if not isinstance(methods, (tuple, list)) or not methods:
        raise TypeError(f"{name} must be a non-empty tuple of names from {TIMED_METHODS}, got {methods!r}.")
    return [check_choice("method", m, TIMED_METHODS) for m in methods]


@validate(T=Count(), batch=Size(), units=Size(), repeats=Int(minimum=1, maximum=1000), methods=Check(_check_methods),
          seed=Seed())
def loop_and_scan_times(T, batch=32, units=64, repeats=5, methods=TIMED_METHODS, seed=0):
    """Cold and warm wall time of every method for one sequence length, and their largest difference.

    Introduced in notebook 09. Random gates a in (0, 1) and inputs b, float32 for the TensorFlow methods (the
    numpy ones work in float64). Cold: the first call (TensorFlow traces and compiles its graph then); warm:
    the median of `repeats` later calls.

    Returns:
        dict method -> `{"cold": seconds, "warm": seconds, "max_diff": largest |h - h_loop|}`.
    """
    import time

    rng = np.random.default_rng(seed)
    a = rng.uniform(0.5, 1.0, size=(batch, T, units)).astype(np.float32)
    b = (0.1 * rng.standard_normal((batch, T, units))).astype(np.float32)
    runs, reference = _timed_runs(a, b), linear_recurrence(a, b)
    times = {}
    for method in methods:
        start = time.perf_counter()
        out = runs[method]()
        cold = time.perf_counter() - start
        out = out[1] if isinstance(out, tuple) else out
        times[method] = {"cold": cold, "warm": median_seconds(runs[method], repeats),
                         "max_diff": float(np.abs(np.asarray(out, dtype=np.float64) - reference).max())}
    return times

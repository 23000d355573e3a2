"""Data made in code: sine series, one-step-ahead pairs, random-phase sine windows.

Nothing here downloads anything; every data set of the course is a few lines of numpy.
"""

import numpy as np

from ._validation import check_array, check_float, check_int


def sine_series(n, start=0.0, step=1.0):
    """Return `sin(start + step * k)` for `k = 0 .. n-1`.

    Introduced in notebook 01; the article's series is `sine_series(36)`: sin at the integers 0..35.

    Args:
        n: number of values; an int >= 1.
        start: the first x value.
        step: distance between consecutive x values (1.0 = one radian, as in the article).

    Returns:
        1-D float64 array of length `n`.
    """
    n = check_int("n", n, minimum=1)
    start = check_float("start", start)
    step = check_float("step", step, strictly_positive=True)
    return np.sin(start + step * np.arange(n))


def supervised_pairs(series):
    """Split a series into inputs and one-step-ahead targets: `x[t] = s[t]`, `y[t] = s[t+1]`.

    Introduced in notebook 01. The article trains on `supervised_pairs(sine_series(37))`: inputs sin(0..35)
    and targets sin(1..36).

    Args:
        series: 1-D array with at least 2 values.

    Returns:
        `(x, y)`, two 1-D float64 arrays of length `len(series) - 1`.
    """
    series = check_array("series", series, ndim=1)
    if series.size < 2:
        raise ValueError(f"series must hold at least 2 values to make a pair, got {series.size}.")
    return series[:-1].copy(), series[1:].copy()


def sine_windows(n_windows, length, step=1.0, seed=0):
    """Return windows of `sin(phase + step * k)` with phases drawn uniformly from [0, 2π).

    Introduced in notebook 01: with a random phase, the value sin(t) alone does not tell whether the
    sine is rising or falling, which is exactly what a feed-forward net cannot know.

    Args:
        n_windows: number of windows; an int >= 1.
        length: values per window; an int >= 1.
        step: distance between consecutive x values in radians.
        seed: seed of the random phases.

    Returns:
        float64 array of shape `(n_windows, length)`.
    """
    n_windows = check_int("n_windows", n_windows, minimum=1)
    length = check_int("length", length, minimum=1)
    step = check_float("step", step, strictly_positive=True)
    seed = check_int("seed", seed, minimum=0)
    phase = np.random.default_rng(seed).uniform(0.0, 2.0 * np.pi, size=(n_windows, 1))
    return np.sin(phase + step * np.arange(length))

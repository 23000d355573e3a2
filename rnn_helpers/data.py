"""Data made in code: sine series and the article's data, one-step-ahead pairs, random-phase sine windows cut
into feed-forward or recurrent examples, and the two memory tasks (recall the first value, the adding problem).

Nothing here downloads anything; every data set of the course is a few lines of numpy.
"""

import numpy as np

from ._validation import check_array, check_count, check_float, check_int

ARTICLE_POINTS = 36  # the article's series: sin(0) .. sin(35)
ARTICLE_HORIZON = 36  # the values a forecaster generates after it: sin(36) .. sin(71)


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
    n = check_count("n", n)
    start = check_float("start", start, minimum=-1e6, maximum=1e6)
    step = check_float("step", step, strictly_positive=True, maximum=1e3)
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


def article_data():
    """The article's training data: inputs sin(0..35) and targets sin(1..36).

    Introduced in notebook 06; notebooks 04-05 train their sine forecasters on it too.

    Returns:
        `(x, y)`, two 1-D float64 arrays of length `ARTICLE_POINTS` (36).
    """
    return supervised_pairs(sine_series(ARTICLE_POINTS + 1))


def article_continuation():
    """What a perfect forecaster generates after the article's series: sin(36..71).

    Introduced in notebook 06.

    Returns:
        1-D float64 array of length `ARTICLE_HORIZON` (36).
    """
    return sine_series(ARTICLE_HORIZON, start=ARTICLE_POINTS)


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
    n_windows = check_count("n_windows", n_windows)
    length = check_count("length", length)
    step = check_float("step", step, strictly_positive=True, maximum=1e3)
    seed = check_int("seed", seed, minimum=0)
    phase = np.random.default_rng(seed).uniform(0.0, 2.0 * np.pi, size=(n_windows, 1))
    return np.sin(phase + step * np.arange(length))


def lagged_pairs(windows, lags):
    """Cut windows into feed-forward examples: `lags` consecutive values in, the next value out.

    Introduced in notebook 01. From a window `s`, the example at position `t` is
    `x = (s[t-lags+1], ..., s[t])` and `y = s[t+1]`.

    Args:
        windows: `(n_windows, length)` array.
        lags: how many past values the network sees; an int in [1, length - 1].

    Returns:
        `(X, y)` with `X` of shape `(n, lags)` and `y` of shape `(n, 1)`, `n = n_windows · (length - lags)`.
    """
    windows = check_array("windows", windows, ndim=2)
    lags = check_int("lags", lags, minimum=1, maximum=windows.shape[1] - 1)
    length = windows.shape[1]
    X = np.stack([windows[:, k : length - lags + k] for k in range(lags)], axis=-1).reshape(-1, lags)
    y = windows[:, lags:].reshape(-1, 1)
    return X, y


def sequence_pairs(windows):
    """Turn windows into recurrent examples: the sequence in, the sequence shifted by one out.

    Introduced in notebook 02.

    Args:
        windows: `(n_windows, length)` array, length >= 2.

    Returns:
        `(X, Y)`, both `(n_windows, length - 1, 1)`; `Y[:, t]` is the value that follows `X[:, t]`.
    """
    windows = check_array("windows", windows, ndim=2)
    if windows.shape[1] < 2:
        raise ValueError(f"windows must hold at least 2 values each, got length {windows.shape[1]}.")
    return windows[:, :-1, None], windows[:, 1:, None]


def recall_first(n_samples, length, seed=0):
    """The "recall the first value" memory task: read `length` random values, then say what the first was.

    Introduced in notebook 03. Every value is uniform in [-1, 1); the answer depends only on the input
    `length - 1` steps before the last one, and everything after it is a distraction the network must not let
    overwrite its memory. Guessing the mean (0) gives R² = 0.

    Args:
        n_samples: number of sequences; an int >= 1.
        length: steps per sequence, which is how far back the answer lies; an int >= 1.
        seed: seed of the random values, an int >= 0.

    Returns:
        `(X, y)`: `X` float32 `(n_samples, length, 1)` and `y = X[:, 0, :]` float32 `(n_samples, 1)`.
    """
    n_samples = check_count("n_samples", n_samples)
    length = check_count("length", length)
    seed = check_int("seed", seed, minimum=0)
    X = np.random.default_rng(seed).uniform(-1.0, 1.0, size=(n_samples, length, 1)).astype(np.float32)
    return X, X[:, 0, :].copy()


def adding_problem(n_samples, length, seed=0):
    """The adding problem: add the two values that carry a marker in a long random sequence.

    Introduced in notebook 03. Each step has two features: a value uniform in [0, 1) and a marker that is 1
    at exactly two steps and 0 elsewhere. The first marker is in the first half of the sequence and the
    second in the second half, so the network must hold a value for about `length / 2` steps. The target is
    the sum of the two marked values; always guessing 1 gives a mean squared error of about 1/6.

    Args:
        n_samples: number of sequences; an int >= 1.
        length: steps per sequence; an int >= 2.
        seed: seed of the values and marker positions, an int >= 0.

    Returns:
        `(X, y)`: `X` float32 `(n_samples, length, 2)` and `y` float32 `(n_samples, 1)`.
    """
    n_samples = check_count("n_samples", n_samples)
    length = check_count("length", length, minimum=2)
    seed = check_int("seed", seed, minimum=0)
    rng = np.random.default_rng(seed)
    values = rng.uniform(0.0, 1.0, size=(n_samples, length))
    half = length // 2
    first = rng.integers(0, half, size=n_samples)
    second = rng.integers(half, length, size=n_samples)
    markers = np.zeros((n_samples, length))
    rows = np.arange(n_samples)
    markers[rows, first] = 1.0
    markers[rows, second] = 1.0
    X = np.stack([values, markers], axis=-1).astype(np.float32)
    y = (values[rows, first] + values[rows, second])[:, None].astype(np.float32)
    return X, y

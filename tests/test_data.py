import numpy as np
import pytest

import rnn_helpers as rh


def test_sine_series_is_the_articles_series():
    np.testing.assert_allclose(rh.data.sine_series(36), [np.sin(x) for x in range(36)])


def test_sine_series_start_and_step():
    np.testing.assert_allclose(rh.data.sine_series(3, start=36, step=0.5), np.sin([36, 36.5, 37]))


def test_supervised_pairs_shift_by_one():
    x, y = rh.data.supervised_pairs(rh.data.sine_series(37))
    assert x.shape == y.shape == (36,)
    np.testing.assert_allclose(x[1:], y[:-1])
    np.testing.assert_allclose(y, np.sin(np.arange(1, 37)))


def test_sine_windows_have_random_phases_and_are_reproducible():
    a = rh.data.sine_windows(100, 5, seed=3)
    assert a.shape == (100, 5)
    np.testing.assert_array_equal(a, rh.data.sine_windows(100, 5, seed=3))
    assert not np.allclose(a[:, 0], a[0, 0])  # different phases
    # every window is a sine with step 1: s[t+1] = 2 cos(1) s[t] - s[t-1]
    np.testing.assert_allclose(a[:, 2], 2 * np.cos(1) * a[:, 1] - a[:, 0], atol=1e-12)


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: rh.data.sine_series(0), ValueError, "n must be >= 1, got 0"),
        (lambda: rh.data.sine_series(2.5), TypeError, "n must be an int"),
        (lambda: rh.data.sine_series(5, step=0), ValueError, "step must be > 0"),
        (lambda: rh.data.supervised_pairs([1.0]), ValueError, "at least 2 values"),
        (lambda: rh.data.supervised_pairs([[1.0, 2.0]]), ValueError, "must be 1-D"),
        (lambda: rh.data.supervised_pairs([1.0, np.nan, 2.0]), ValueError, "NaN"),
        (lambda: rh.data.supervised_pairs("abc"), TypeError, "array of numbers"),
        (lambda: rh.data.sine_windows(0, 5), ValueError, "n_windows must be >= 1"),
        (lambda: rh.data.sine_windows(5, 5, seed=-1), ValueError, "seed must be >= 0"),
    ],
)
def test_bad_input_is_explained(call, error, match):
    with pytest.raises(error, match=match):
        call()

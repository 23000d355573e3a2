"""rnn_helpers.data: every data set of the course, made in code."""

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


def test_article_data_is_sin_0_to_35_with_targets_one_step_ahead():
    x, y = rh.data.article_data()
    np.testing.assert_allclose(x, np.sin(np.arange(36)))
    np.testing.assert_allclose(y, np.sin(np.arange(1, 37)))
    np.testing.assert_allclose(rh.data.article_continuation(), np.sin(np.arange(36, 72)))


def test_lagged_pairs_line_up_inputs_and_next_values():
    windows = np.arange(12.0).reshape(2, 6)
    X, y = rh.data.lagged_pairs(windows, lags=2)
    assert X.shape == (8, 2) and y.shape == (8, 1)
    np.testing.assert_array_equal(X[0], [0.0, 1.0])
    np.testing.assert_array_equal(y[:, 0], X[:, 1] + 1)  # the next value follows the latest input
    np.testing.assert_array_equal(X[4], [6.0, 7.0])  # second window starts fresh


def test_sequence_pairs_shift_by_one():
    windows = rh.data.sine_windows(5, 9, seed=0)
    X, Y = rh.data.sequence_pairs(windows)
    assert X.shape == Y.shape == (5, 8, 1)
    np.testing.assert_array_equal(Y[:, :-1], X[:, 1:])
    np.testing.assert_array_equal(Y[:, -1, 0], windows[:, -1])


def test_recall_first_and_adding_problem_targets():
    X, y = rh.data.recall_first(50, 7, seed=1)
    assert X.shape == (50, 7, 1) and y.shape == (50, 1)
    np.testing.assert_array_equal(y, X[:, 0])
    X, y = rh.data.adding_problem(200, 10, seed=1)
    assert X.shape == (200, 10, 2) and y.shape == (200, 1)
    markers = X[:, :, 1]
    np.testing.assert_array_equal(markers.sum(axis=1), 2)
    assert np.all(markers[:, :5].sum(axis=1) == 1) and np.all(markers[:, 5:].sum(axis=1) == 1)
    np.testing.assert_allclose(y[:, 0], (X[:, :, 0] * markers).sum(axis=1), rtol=1e-6)
    assert np.var(y) == pytest.approx(1 / 6, rel=0.2)
    np.testing.assert_array_equal(rh.data.adding_problem(3, 10, seed=4)[0], rh.data.adding_problem(3, 10, seed=4)[0])


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
        (lambda: rh.data.lagged_pairs(np.zeros(5), 1), ValueError, "windows must be 2-D"),
        (lambda: rh.data.lagged_pairs(np.zeros((2, 5)), 5), ValueError, "lags must be <= 4"),
        (lambda: rh.data.lagged_pairs(np.zeros((2, 5)), 0), ValueError, "lags must be >= 1"),
        (lambda: rh.data.sequence_pairs(np.zeros((2, 1))), ValueError, "at least 2 values"),
        (lambda: rh.data.recall_first(0, 5), ValueError, "n_samples must be >= 1"),
        (lambda: rh.data.recall_first(5, 0), ValueError, "length must be >= 1"),
        (lambda: rh.data.adding_problem(5, 1), ValueError, "length must be >= 2"),
        (lambda: rh.data.adding_problem(5, 4, seed=1.5), TypeError, "seed must be an int"),
    ],
)
def test_bad_input_is_explained(call, error, match):
    with pytest.raises(error, match=match):
        call()

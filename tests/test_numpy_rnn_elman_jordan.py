"""The numpy Elman and Jordan forward passes of rnn_helpers.numpy_rnn (notebook 02).

Each is checked against the equations written out independently here, against properties that must hold
(splitting a sequence, cutting the feedback), and for clear errors on bad input.
"""

import numpy as np
import pytest

from random_weights import elman_weights, jordan_weights

from rnn_helpers import numpy_rnn

SHAPES = [(1, 1, 1, 1, 1), (3, 5, 2, 4, 1), (2, 7, 3, 6, 2)]  # batch, time, features, units, outputs


@pytest.mark.parametrize("batch, time, features, units, outputs", SHAPES)
def test_elman_forward_follows_the_equation(batch, time, features, units, outputs):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(batch, time, features))
    W_xh, W_hh, b_h = elman_weights(rng, features, units)
    H = numpy_rnn.elman_forward(X, W_xh, W_hh, b_h)
    assert H.shape == (batch, time, units)
    for b in range(batch):  # one sequence at a time, one unit at a time
        h = np.zeros(units)
        for t in range(time):
            h = np.array([np.tanh(X[b, t] @ W_xh[:, j] + h @ W_hh[:, j] + b_h[j]) for j in range(units)])
            np.testing.assert_allclose(H[b, t], h, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("batch, time, features, units, outputs", SHAPES)
def test_jordan_forward_follows_the_equations(batch, time, features, units, outputs):
    rng = np.random.default_rng(2)
    X = rng.normal(size=(batch, time, features))
    W_xh, W_yh, b_h, W_hy, b_y = jordan_weights(rng, features, units, outputs)
    Y, H = numpy_rnn.jordan_forward(X, W_xh, W_yh, b_h, W_hy, b_y)
    assert Y.shape == (batch, time, outputs) and H.shape == (batch, time, units)
    for b in range(batch):
        y = np.zeros(outputs)
        for t in range(time):
            h = np.tanh(X[b, t] @ W_xh + y @ W_yh + b_h)
            y = h @ W_hy + b_y
            np.testing.assert_allclose(H[b, t], h, rtol=1e-12, atol=1e-12)
            np.testing.assert_allclose(Y[b, t], y, rtol=1e-12, atol=1e-12)


def test_elman_state_carries_over_when_a_sequence_is_split():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(4, 10, 2))
    W_xh, W_hh, b_h = elman_weights(rng, 2, 5)
    whole = numpy_rnn.elman_forward(X, W_xh, W_hh, b_h)
    first = numpy_rnn.elman_forward(X[:, :4], W_xh, W_hh, b_h)
    second = numpy_rnn.elman_forward(X[:, 4:], W_xh, W_hh, b_h, h0=first[:, -1])
    np.testing.assert_allclose(np.concatenate([first, second], axis=1), whole, rtol=1e-12, atol=1e-12)


def test_jordan_state_carries_over_when_a_sequence_is_split():
    rng = np.random.default_rng(4)
    X = rng.normal(size=(3, 9, 1))
    weights = jordan_weights(rng, 1, 4, 2)
    Y_whole, _ = numpy_rnn.jordan_forward(X, *weights)
    Y_first, _ = numpy_rnn.jordan_forward(X[:, :5], *weights)
    Y_second, _ = numpy_rnn.jordan_forward(X[:, 5:], *weights, y0=Y_first[:, -1])
    np.testing.assert_allclose(np.concatenate([Y_first, Y_second], axis=1), Y_whole, rtol=1e-12, atol=1e-12)


def test_jordan_without_feedback_is_a_feed_forward_network_applied_per_step():
    rng = np.random.default_rng(5)
    X = rng.normal(size=(3, 6, 2))
    W_xh, W_yh, b_h, W_hy, b_y = jordan_weights(rng, 2, 4, 1)
    Y, _ = numpy_rnn.jordan_forward(X, W_xh, np.zeros_like(W_yh), b_h, W_hy, b_y)
    np.testing.assert_allclose(Y, np.tanh(X @ W_xh + b_h) @ W_hy + b_y, rtol=1e-12, atol=1e-12)


def test_elman_state_depends_on_the_past():
    rng = np.random.default_rng(6)
    W_xh, W_hh, b_h = elman_weights(rng, 1, 3)
    X = rng.normal(size=(1, 5, 1))
    X_other_start = X.copy()
    X_other_start[0, 0, 0] += 1.0  # change only the first input
    last = numpy_rnn.elman_forward(X, W_xh, W_hh, b_h)[0, -1]
    last_other = numpy_rnn.elman_forward(X_other_start, W_xh, W_hh, b_h)[0, -1]
    assert np.max(np.abs(last - last_other)) > 1e-6


@pytest.mark.parametrize(
    "change, error, match",
    [
        ({"X": np.zeros((4, 3))}, ValueError, "X must be 3-D"),
        ({"X": "abc"}, TypeError, "X must be an array of numbers"),
        ({"X": np.full((1, 2, 1), np.nan)}, ValueError, "finite"),
        ({"W_hh": np.zeros((3, 2))}, ValueError, r"W_xh must have shape \(1, 3\)"),  # units come from W_hh
        ({"W_xh": np.zeros((2, 2))}, ValueError, r"W_xh must have shape \(1, 2\)"),
        ({"b_h": np.zeros(3)}, ValueError, r"b_h must have shape \(2,\)"),
        ({"h0": np.zeros((5, 2))}, ValueError, r"h0 must have shape \(1, 2\)"),
    ],
)
def test_elman_forward_rejects_bad_input(change, error, match):
    arguments = {"X": np.zeros((1, 2, 1)), "W_xh": np.zeros((1, 2)), "W_hh": np.zeros((2, 2)), "b_h": np.zeros(2)}
    with pytest.raises(error, match=match):
        numpy_rnn.elman_forward(**{**arguments, **change})


@pytest.mark.parametrize(
    "change, error, match",
    [
        ({"X": np.zeros(3)}, ValueError, "X must be 3-D"),
        ({"W_yh": np.zeros((2, 2))}, ValueError, r"W_yh must have shape \(1, 2\)"),
        ({"W_hy": np.zeros(2)}, ValueError, "W_hy must be 2-D"),
        ({"b_y": np.zeros(2)}, ValueError, r"b_y must have shape \(1,\)"),
        ({"y0": np.zeros((1, 3))}, ValueError, r"y0 must have shape \(1, 1\)"),
        ({"b_h": None}, TypeError, "b_h must be an array of numbers"),
    ],
)
def test_jordan_forward_rejects_bad_input(change, error, match):
    arguments = {
        "X": np.zeros((1, 2, 1)), "W_xh": np.zeros((1, 2)), "W_yh": np.zeros((1, 2)), "b_h": np.zeros(2),
        "W_hy": np.zeros((2, 1)), "b_y": np.zeros(1),
    }
    with pytest.raises(error, match=match):
        numpy_rnn.jordan_forward(**{**arguments, **change})

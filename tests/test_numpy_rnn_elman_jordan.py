"""The numpy Elman and Jordan forward passes of rnn_helpers.numpy_rnn (notebook 02).

Each is checked against the equations written out independently here, against properties that must hold
(splitting a sequence, cutting the feedback), and for clear errors on bad input.
"""

import numpy as np
import pytest

from random_weights import parity_params

from rnn_helpers import numpy_rnn

SHAPES = [(1, 1, 1, 1, 1), (3, 5, 2, 4, 1), (2, 7, 3, 6, 2)]  # batch, time, features, units, outputs


@pytest.mark.parametrize("batch, time, features, units, outputs", SHAPES)
def test_elman_forward_follows_the_equation(batch, time, features, units, outputs):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(batch, time, features))
    p = parity_params("elman", features, units, seed=rng)
    H = numpy_rnn.elman_forward(X, p)
    assert H.shape == (batch, time, units)
    for b in range(batch):  # one sequence at a time, one unit at a time
        h = np.zeros(units)
        for t in range(time):
            h = np.array([np.tanh(X[b, t] @ p["W_xh"][:, j] + h @ p["W_hh"][:, j] + p["b_h"][j]) for j in range(units)])
            np.testing.assert_allclose(H[b, t], h, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("batch, time, features, units, outputs", SHAPES)
def test_jordan_forward_follows_the_equations(batch, time, features, units, outputs):
    rng = np.random.default_rng(2)
    X = rng.normal(size=(batch, time, features))
    p = parity_params("jordan", features, units, outputs, seed=rng)
    Y, H = numpy_rnn.jordan_forward(X, p)
    assert Y.shape == (batch, time, outputs) and H.shape == (batch, time, units)
    for b in range(batch):
        y = np.zeros(outputs)
        for t in range(time):
            h = np.tanh(X[b, t] @ p["W_xh"] + y @ p["W_yh"] + p["b_h"])
            y = h @ p["W_hy"] + p["b_y"]
            np.testing.assert_allclose(H[b, t], h, rtol=1e-12, atol=1e-12)
            np.testing.assert_allclose(Y[b, t], y, rtol=1e-12, atol=1e-12)


def test_the_steps_are_the_forward_passes_for_one_step():
    rng = np.random.default_rng(11)
    X, h0, y0 = rng.normal(size=(3, 1, 2)), rng.normal(size=(3, 4)), rng.normal(size=(3, 2))
    p = parity_params("elman", 2, 4, seed=rng)
    np.testing.assert_allclose(numpy_rnn.elman_step(X[:, 0], h0, p), numpy_rnn.elman_forward(X, p, h0=h0)[:, 0])
    q = parity_params("jordan", 2, 4, 2, seed=rng)
    y_step, h_step = numpy_rnn.jordan_step(X[:, 0], y0, q)
    Y, H = numpy_rnn.jordan_forward(X, q, y0=y0)
    np.testing.assert_allclose(y_step, Y[:, 0])
    np.testing.assert_allclose(h_step, H[:, 0])


def test_elman_state_carries_over_when_a_sequence_is_split():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(4, 10, 2))
    p = parity_params("elman", 2, 5, seed=rng)
    whole = numpy_rnn.elman_forward(X, p)
    first = numpy_rnn.elman_forward(X[:, :4], p)
    second = numpy_rnn.elman_forward(X[:, 4:], p, h0=first[:, -1])
    np.testing.assert_allclose(np.concatenate([first, second], axis=1), whole, rtol=1e-12, atol=1e-12)


def test_jordan_state_carries_over_when_a_sequence_is_split():
    rng = np.random.default_rng(4)
    X = rng.normal(size=(3, 9, 1))
    p = parity_params("jordan", 1, 4, 2, seed=rng)
    Y_whole, _ = numpy_rnn.jordan_forward(X, p)
    Y_first, _ = numpy_rnn.jordan_forward(X[:, :5], p)
    Y_second, _ = numpy_rnn.jordan_forward(X[:, 5:], p, y0=Y_first[:, -1])
    np.testing.assert_allclose(np.concatenate([Y_first, Y_second], axis=1), Y_whole, rtol=1e-12, atol=1e-12)


def test_jordan_without_feedback_is_a_feed_forward_network_applied_per_step():
    rng = np.random.default_rng(5)
    X = rng.normal(size=(3, 6, 2))
    p = parity_params("jordan", 2, 4, 1, seed=rng)
    Y, _ = numpy_rnn.jordan_forward(X, {**p, "W_yh": np.zeros_like(p["W_yh"])})
    np.testing.assert_allclose(Y, np.tanh(X @ p["W_xh"] + p["b_h"]) @ p["W_hy"] + p["b_y"], rtol=1e-12, atol=1e-12)
    Y_fed_back, _ = numpy_rnn.jordan_forward(X, p)  # and with the feedback, the past matters
    assert np.max(np.abs(Y_fed_back - Y)) > 1e-3


def test_elman_state_depends_on_the_past():
    rng = np.random.default_rng(6)
    p = parity_params("elman", 1, 3, seed=rng)
    X = rng.normal(size=(1, 5, 1))
    X_other_start = X.copy()
    X_other_start[0, 0, 0] += 1.0  # change only the first input
    last = numpy_rnn.elman_forward(X, p)[0, -1]
    last_other = numpy_rnn.elman_forward(X_other_start, p)[0, -1]
    assert np.max(np.abs(last - last_other)) > 1e-6


def test_param_names_and_random_params_agree_on_shapes():
    assert numpy_rnn.param_names("elman") == ("W_xh", "W_hh", "b_h")
    assert numpy_rnn.param_names("jordan") == ("W_xh", "W_yh", "b_h", "W_hy", "b_y")
    p = numpy_rnn.random_params(numpy_rnn.param_names("jordan"), features=2, units=5, outputs=3, seed=1)
    assert {k: v.shape for k, v in p.items()} == {
        "W_xh": (2, 5), "W_yh": (3, 5), "b_h": (5,), "W_hy": (5, 3), "b_y": (3,)}
    again = numpy_rnn.random_params(numpy_rnn.param_names("jordan"), features=2, units=5, outputs=3, seed=1)
    other = numpy_rnn.random_params(numpy_rnn.param_names("jordan"), features=2, units=5, outputs=3, seed=2)
    assert all(np.array_equal(p[k], again[k]) for k in p)  # same seed, same draws
    assert not np.array_equal(p["W_xh"], other["W_xh"])
    wide = numpy_rnn.random_params(("W_xh",), 1, 2000, scale=0.1, seed=0)["W_xh"]
    assert wide.std() == pytest.approx(0.1, rel=0.05)


ELMAN_OK = {"W_xh": np.zeros((1, 2)), "W_hh": np.zeros((2, 2)), "b_h": np.zeros(2)}


@pytest.mark.parametrize(
    "change, error, match",
    [
        ({"X": np.zeros((4, 3))}, ValueError, "X must be 3-D"),
        ({"X": "abc"}, TypeError, "X must be an array of numbers"),
        ({"X": np.full((1, 2, 1), np.nan)}, ValueError, "finite"),
        ({"params": [1, 2]}, TypeError, "params must be a dict"),
        ({"params": {**ELMAN_OK, "W_hh": np.zeros((3, 2))}}, ValueError, r"W_hh must have shape \(2, 2\)"),
        ({"params": {**ELMAN_OK, "W_xh": np.zeros((2, 2))}}, ValueError, r"W_xh must have shape \(1, 2\)"),
        ({"params": {**ELMAN_OK, "b_h": np.zeros(3)}}, ValueError, r"b_h must have shape \(2,\)"),
        ({"params": {"W_xh": np.zeros((1, 2))}}, ValueError, r"missing \['W_hh', 'b_h'\]"),
        ({"params": {**ELMAN_OK, "W_yh": np.zeros((1, 2))}}, ValueError, r"unexpected \['W_yh'\]"),
        ({"h0": np.zeros((5, 2))}, ValueError, r"h0 must have shape \(1, 2\)"),
    ],
)
def test_elman_forward_rejects_bad_input(change, error, match):
    arguments = {"X": np.zeros((1, 2, 1)), "params": ELMAN_OK}
    with pytest.raises(error, match=match):
        numpy_rnn.elman_forward(**{**arguments, **change})


JORDAN_OK = {"W_xh": np.zeros((1, 2)), "W_yh": np.zeros((1, 2)), "b_h": np.zeros(2),
             "W_hy": np.zeros((2, 1)), "b_y": np.zeros(1)}


@pytest.mark.parametrize(
    "change, error, match",
    [
        ({"X": np.zeros(3)}, ValueError, "X must be 3-D"),
        ({"params": {**JORDAN_OK, "W_yh": np.zeros((2, 2))}}, ValueError, r"W_yh must have shape \(1, 2\)"),
        ({"params": {**JORDAN_OK, "W_hy": np.zeros(2)}}, ValueError, "W_hy must be 2-D"),
        ({"params": {**JORDAN_OK, "b_y": np.zeros(2)}}, ValueError, r"W_yh must have shape \(2, 2\)"),  # outputs from b_y
        ({"params": {**JORDAN_OK, "b_h": None}}, TypeError, "b_h must be an array of numbers"),
        ({"y0": np.zeros((1, 3))}, ValueError, r"y0 must have shape \(1, 1\)"),
    ],
)
def test_jordan_forward_rejects_bad_input(change, error, match):
    arguments = {"X": np.zeros((1, 2, 1)), "params": JORDAN_OK}
    with pytest.raises(error, match=match):
        numpy_rnn.jordan_forward(**{**arguments, **change})


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: numpy_rnn.param_names("rnn"), ValueError, r"cell must be one of \['elman'"),
        (lambda: numpy_rnn.param_names("gru", reset_after=1), TypeError, "reset_after must be True or False"),
        (lambda: numpy_rnn.random_params("W_xh", 1, 2), TypeError, "names must be a non-empty tuple"),
        (lambda: numpy_rnn.random_params((), 1, 2), TypeError, "names must be a non-empty tuple"),
        (lambda: numpy_rnn.random_params(("kernel",), 1, 2), ValueError, "start with 'W_' or 'b_'"),
        (lambda: numpy_rnn.random_params(("W_xh",), 0, 2), ValueError, "features must be >= 1"),
        (lambda: numpy_rnn.random_params(("W_xh",), 1, 2, scale=0), ValueError, "scale must be > 0"),
        (lambda: numpy_rnn.random_params(("W_xh",), 1, 2, seed=-1), ValueError, "seed must be >= 0"),
    ],
)
def test_param_names_and_random_params_reject_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()

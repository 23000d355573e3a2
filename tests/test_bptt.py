"""rnn_helpers.bptt: hand-written BPTT against finite differences and GradientTape, truncation, bad input."""

import numpy as np
import pytest

from rnn_helpers import bptt, numpy_rnn

INITS = {"elman": bptt.init_elman, "jordan": bptt.init_jordan}
BY_HAND = {"elman": bptt.elman_loss_and_grads, "jordan": bptt.jordan_loss_and_grads}
# (batch, time, features, units, outputs), random but fixed
SHAPES = [(1, 1, 1, 1, 1), (2, 5, 1, 3, 1), (4, 9, 3, 6, 2), (3, 12, 2, 8, 1)]


def random_problem(shape, seed):
    batch, time, features, units, outputs = shape
    rng = np.random.default_rng(seed)
    return rng.standard_normal((batch, time, features)), rng.standard_normal((batch, time, outputs))


@pytest.mark.parametrize("cell", ["elman", "jordan"])
@pytest.mark.parametrize("shape", SHAPES)
def test_bptt_matches_central_finite_differences_in_float64(cell, shape):
    X, Y_target = random_problem(shape, seed=sum(shape))
    params = INITS[cell](shape[2], shape[3], shape[4], seed=len(cell), scale=0.7)
    assert bptt.gradient_check(cell, X, Y_target, params) < 1e-7


@pytest.mark.parametrize("cell", ["elman", "jordan"])
@pytest.mark.parametrize("shape", SHAPES[1:])
def test_bptt_matches_gradient_tape(cell, shape):
    X, Y_target = random_problem(shape, seed=7 + sum(shape))
    params = INITS[cell](shape[2], shape[3], shape[4], seed=3)
    loss, grads = BY_HAND[cell](X, Y_target, params)
    tf_loss, tf_grads = bptt.keras_gradients(cell, X, Y_target, params)
    assert tf_loss == pytest.approx(loss, rel=1e-5)
    assert bptt.relative_error(grads, tf_grads) < 1e-5          # float32
    _, tf64_grads = bptt.keras_gradients(cell, X, Y_target, params, dtype="float64")
    assert bptt.relative_error(grads, tf64_grads) < 1e-12


def test_forward_passes_match_the_numpy_cells_of_notebook_02():
    X, _ = random_problem((3, 6, 2, 4, 2), seed=1)
    p = bptt.init_elman(2, 4, 2, seed=1)
    Y, cache = bptt.elman_forward_with_cache(X, p)
    H = numpy_rnn.elman_forward(X, {name: p[name] for name in numpy_rnn.param_names("elman")})
    np.testing.assert_allclose(cache["H"][:, 1:], H, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(Y, H @ p["W_hy"] + p["b_y"], rtol=1e-12, atol=1e-12)
    q = bptt.init_jordan(2, 4, 2, seed=1)
    Y_j, cache_j = bptt.jordan_forward_with_cache(X, q)
    Y_ref, H_ref = numpy_rnn.jordan_forward(X, q)
    np.testing.assert_allclose(Y_j, Y_ref, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(cache_j["H"], H_ref, rtol=1e-12, atol=1e-12)


def test_initial_state_is_used_and_differentiated_through():
    X, Y_target = random_problem((2, 4, 1, 3, 1), seed=2)
    p = bptt.init_elman(1, 3, 1, seed=2)
    h0 = np.full((2, 3), 0.3)
    Y0, _ = bptt.elman_forward_with_cache(X, p)
    Y1, _ = bptt.elman_forward_with_cache(X, p, h0=h0)
    assert not np.allclose(Y0, Y1)
    error = bptt.relative_error(
        bptt.elman_loss_and_grads(X, Y_target, p, h0=h0)[1],
        bptt.numerical_gradients(lambda q: bptt.elman_loss_and_grads(X, Y_target, q, h0=h0)[0], p),
    )
    assert error < 1e-7


@pytest.mark.parametrize("cell", ["elman", "jordan"])
def test_truncation_to_the_full_length_is_full_bptt(cell):
    X, Y_target = random_problem((3, 8, 2, 5, 1), seed=4)
    params = INITS[cell](2, 5, 1, seed=4)
    _, full = BY_HAND[cell](X, Y_target, params)
    _, truncated = BY_HAND[cell](X, Y_target, params, truncate=8)
    _, longer = BY_HAND[cell](X, Y_target, params, truncate=50)
    assert bptt.relative_error(full, truncated) < 1e-14
    assert bptt.relative_error(full, longer) < 1e-14


@pytest.mark.parametrize("cell", ["elman", "jordan"])
def test_truncation_error_shrinks_as_k_grows(cell):
    X, Y_target = random_problem((4, 20, 1, 6, 1), seed=5)
    params = INITS[cell](1, 6, 1, seed=5)
    _, full = BY_HAND[cell](X, Y_target, params)
    errors = [bptt.relative_error(full, BY_HAND[cell](X, Y_target, params, truncate=k)[1]) for k in (1, 2, 4, 8, 16)]
    assert errors[0] > 1e-2
    assert all(later < earlier for earlier, later in zip(errors, errors[1:]))


def test_one_step_truncation_treats_the_previous_state_as_a_constant():
    """truncate=1: the gradient of W_hh is sum_t h_{t-1}^T da_t with no path to earlier steps."""
    X, Y_target = random_problem((2, 5, 1, 3, 1), seed=6)
    p = bptt.init_elman(1, 3, 1, seed=6)
    Y, cache = bptt.elman_forward_with_cache(X, p)
    H = cache["H"]
    dY = (Y - Y_target) / 2
    da = (1 - H[:, 1:] ** 2) * (dY @ p["W_hy"].T)
    expected = np.einsum("btu,btv->uv", H[:, :-1], da)
    _, grads = bptt.elman_loss_and_grads(X, Y_target, p, truncate=1)
    np.testing.assert_allclose(grads["W_hh"], expected)


def test_output_layer_gradient_does_not_depend_on_truncation_for_elman():
    X, Y_target = random_problem((2, 6, 1, 3, 1), seed=8)
    p = bptt.init_elman(1, 3, 1, seed=8)
    full = bptt.elman_loss_and_grads(X, Y_target, p)[1]
    one = bptt.elman_loss_and_grads(X, Y_target, p, truncate=1)[1]
    np.testing.assert_allclose(full["W_hy"], one["W_hy"])
    assert not np.allclose(full["W_hh"], one["W_hh"])


def test_relative_error_is_zero_for_equal_and_positive_for_different_gradients():
    g = {"a": np.ones((2, 2)), "b": np.zeros(3)}
    assert bptt.relative_error(g, g) == 0.0
    assert bptt.relative_error(g, {"a": 2 * np.ones((2, 2)), "b": np.zeros(3)}) == pytest.approx(1 / 3)


# ------------------------------------------------------------------------------------------ bad input
X_OK, Y_OK = random_problem((2, 3, 1, 2, 1), seed=0)
P_OK = bptt.init_elman(1, 2, 1)


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: bptt.init_elman(0, 2), ValueError, "features must be >= 1"),
        (lambda: bptt.init_elman(1, 2.5), TypeError, "units must be an int"),
        (lambda: bptt.init_jordan(1, 2, seed=-1), ValueError, "seed must be >= 0"),
        (lambda: bptt.init_jordan(1, 2, scale=0), ValueError, "scale must be > 0"),
        (lambda: bptt.elman_forward_with_cache(X_OK[0], P_OK), ValueError, "must be 3-D"),
        (lambda: bptt.elman_forward_with_cache(X_OK, [1, 2]), TypeError, "params must be a dict"),
        (lambda: bptt.elman_forward_with_cache(X_OK, {"W_xh": P_OK["W_xh"]}), ValueError, r"missing \['W_hh'"),
        (lambda: bptt.elman_forward_with_cache(X_OK, {**P_OK, "W_hh": np.ones((3, 3))}), ValueError, "W_hh must have shape"),
        (lambda: bptt.elman_forward_with_cache(np.ones((2, 3, 4)), P_OK), ValueError, "W_xh must have shape"),
        (lambda: bptt.elman_forward_with_cache(X_OK, {**P_OK, "b_h": np.array([np.nan, 0])}), ValueError, "finite"),
        (lambda: bptt.elman_forward_with_cache(X_OK, P_OK, h0=np.zeros((5, 2))), ValueError, "h0 must have shape"),
        (lambda: bptt.jordan_forward_with_cache(X_OK, P_OK), ValueError, r"missing \['W_yh'\], unexpected \['W_hh'\]"),
        (lambda: bptt.jordan_forward_with_cache(X_OK, bptt.init_jordan(1, 2), y0=np.zeros(2)), ValueError, "must be 2-D"),
        (lambda: bptt.elman_loss_and_grads(X_OK, Y_OK[:, :2], P_OK), ValueError, "same batch and time"),
        (lambda: bptt.elman_loss_and_grads(X_OK, np.ones((2, 3, 2)), P_OK), ValueError, "Y_target must have shape"),
        (lambda: bptt.elman_loss_and_grads(X_OK, Y_OK, P_OK, truncate=0), ValueError, "truncate must be >= 1"),
        (lambda: bptt.jordan_loss_and_grads(X_OK, Y_OK, bptt.init_jordan(1, 2), truncate=1.5), TypeError,
         "truncate must be an int"),
        (lambda: bptt.elman_backward(np.ones((2, 3, 1)), {"X": 1}), TypeError, "cache must be"),
        (lambda: bptt.elman_backward(np.ones((2, 4, 1)), bptt.elman_forward_with_cache(X_OK, P_OK)[1]), ValueError,
         "dY must have shape"),
        (lambda: bptt.jordan_backward(np.ones((2, 3, 1)), bptt.elman_forward_with_cache(X_OK, P_OK)[1]), TypeError,
         "jordan_forward_with_cache"),
        (lambda: bptt.gradient_check("lstm", X_OK, Y_OK, P_OK), ValueError, r"one of \['elman', 'jordan'\]"),
        (lambda: bptt.gradient_check(3, X_OK, Y_OK, P_OK), TypeError, "cell must be a string"),
        (lambda: bptt.keras_gradients("gru", X_OK, Y_OK, P_OK), ValueError, r"one of \['elman', 'jordan'\]"),
        (lambda: bptt.keras_gradients("elman", X_OK, Y_OK, P_OK, dtype="float16"), ValueError, "dtype must be one of"),
        (lambda: bptt.numerical_gradients("not a function", P_OK), TypeError, "loss_fn must be a function"),
        (lambda: bptt.numerical_gradients(lambda p: 0.0, {}), TypeError, "non-empty dict"),
        (lambda: bptt.numerical_gradients(lambda p: 0.0, P_OK, eps=-1), ValueError, "eps must be > 0"),
        (lambda: bptt.relative_error({"a": np.ones(2)}, {"b": np.ones(2)}), ValueError, "same keys"),
        (lambda: bptt.relative_error({"a": np.ones(2)}, {"a": np.ones(3)}), ValueError, "must match"),
        (lambda: bptt.relative_error([1], {"a": 1}), TypeError, "dicts of arrays"),
    ],
)
def test_bad_input_gives_a_clear_error(call, error, match):
    with pytest.raises(error, match=match):
        call()

"""rnn_helpers.linear_recurrence: every form of the linear recurrence equals the plain loop, and bad input is explained."""

import keras
import numpy as np
import pytest

import rnn_helpers as rh
from rnn_helpers import linear_recurrence as lr


def random_min_gru(seed=0, features=3, units=5, batch=2, time=37):
    p = rh.numpy_rnn.random_params(lr.min_param_names("mingru"), features, units, seed=seed)
    return np.random.default_rng(seed).normal(size=(batch, time, features)), p


def gru_loop_without_state_in_the_gates(X, p):
    """A minGRU written as notebook 05's GRU step with the recurrent kernels and the reset gate removed."""
    h, H = np.zeros((X.shape[0], p["b_z"].size)), []
    for t in range(X.shape[1]):
        z = 1 / (1 + np.exp(-(X[:, t] @ p["W_xz"] + p["b_z"])))
        h = z * h + (1 - z) * (X[:, t] @ p["W_xh"] + p["b_h"])
        H.append(h)
    return np.stack(H, axis=1)


@pytest.mark.parametrize("time", [1, 2, 3, 5, 8, 37, 64])
def test_scan_equals_loop_equals_the_gru_without_state_in_its_gates(time):
    X, p = random_min_gru(time=time)
    loop = lr.min_gru_forward(X, p)
    np.testing.assert_allclose(loop, gru_loop_without_state_in_the_gates(X, p), atol=1e-12)
    np.testing.assert_allclose(lr.min_gru_forward(X, p, method="scan"), loop, atol=1e-12)
    h0 = np.random.default_rng(9).normal(size=(2, 5))
    np.testing.assert_allclose(lr.min_gru_forward(X, p, h0=h0, method="scan"), lr.min_gru_forward(X, p, h0=h0),
                               atol=1e-12)


def test_the_scan_takes_ceil_log2_rounds_and_the_cost_table_counts_its_combines():
    for T in (1, 2, 3, 4, 5, 64, 100):
        a = np.full((1, T, 1), 0.5)
        *_, rounds = lr.hillis_steele_scan(a, a)
        cost = lr.scan_cost(T)
        assert rounds == cost["scan_depth"] == int(np.ceil(np.log2(T)))
        assert cost["scan_work"] == sum(T - 2**k for k in range(rounds))
    assert lr.scan_cost(4096) == {"loop_depth": 4096, "loop_work": 4096, "scan_depth": 12, "scan_work": 45057}


def test_combine_is_associative_and_not_commutative():
    rng = np.random.default_rng(1)
    s1, s2, s3 = (tuple(rng.normal(size=(2, 6))) for _ in range(3))
    for x, y in zip(lr.combine(lr.combine(s1, s2), s3), lr.combine(s1, lr.combine(s2, s3))):
        np.testing.assert_allclose(x, y, atol=1e-12)
    assert np.abs(lr.combine(s1, s2)[1] - lr.combine(s2, s1)[1]).max() > 0.1


def test_min_lstm_normalises_its_gates_and_runs_as_a_linear_recurrence():
    p = rh.numpy_rnn.random_params(lr.min_param_names("minlstm"), 2, 3, seed=4)
    X = np.random.default_rng(4).normal(size=(2, 9, 2))
    a, b = lr.min_lstm_gates(X, p)
    f, i = (1 / (1 + np.exp(-(X @ p[w] + p[c]))) for w, c in (("W_xf", "b_f"), ("W_xi", "b_i")))
    np.testing.assert_allclose(a + b / (X @ p["W_xh"] + p["b_h"]), 1.0, atol=1e-12)  # the shares sum to one
    np.testing.assert_allclose(a, f / (f + i), atol=1e-12)


def test_log_space_equals_the_loop_over_twenty_thousand_steps_where_the_closed_form_breaks():
    rng = np.random.default_rng(2)
    log_a = -np.logaddexp(0, -rng.normal(size=(1, 20_000, 3)))
    log_b = np.log(lr.g(rng.normal(size=(1, 20_000, 3)))) - np.logaddexp(0, rng.normal(size=(1, 20_000, 3)))
    loop = lr.linear_recurrence(np.exp(log_a), np.exp(log_b))
    assert np.abs(lr.log_space_recurrence(log_a, log_b) - loop).max() < 1e-10
    with np.errstate(all="ignore"):
        A = np.cumprod(np.exp(log_a), axis=1)
        assert np.mean(~np.isfinite(A * np.cumsum(np.exp(log_b) / A, axis=1))) > 0.5


def test_g_is_continuous_and_positive():
    x = np.array([-30.0, -1.0, -1e-12, 0.0, 2.0])
    np.testing.assert_allclose(lr.g(x), [1 / (1 + np.exp(30)), 1 / (1 + np.e), 0.5, 0.5, 2.5], rtol=1e-9)
    assert np.all(lr.g(np.linspace(-50, 50, 101)) > 0)


def test_the_gradient_of_a_min_gru_is_the_product_of_its_gates():
    X, p = random_min_gru(seed=3, batch=1, time=20)
    a, b = lr.min_gru_gates(X, p)
    norms = lr.min_gru_gradient_norms(X, p)
    assert norms.shape == (20,)
    for k in (1, 7, 20):  # nudge h_{T-k} (the map from it to h_T is linear) and read the change of h_T
        h_before = np.zeros((1, 5)) if k == 20 else lr.linear_recurrence(a, b)[:, -k - 1]
        nudged = lr.linear_recurrence(a[:, -k:], b[:, -k:], h0=h_before + 1e-3)[0, -1]
        plain = lr.linear_recurrence(a[:, -k:], b[:, -k:], h0=h_before)[0, -1]
        assert (nudged - plain).max() / 1e-3 == pytest.approx(norms[k - 1], rel=1e-9)


def coefficients(seed, time, dtype):
    rng = np.random.default_rng(seed)
    return rng.uniform(0.5, 1.0, (3, time, 4)).astype(dtype), rng.normal(size=(3, time, 4)).astype(dtype)


@pytest.mark.parametrize("time", [1, 2, 3, 5, 8, *(pytest.param(n, marks=pytest.mark.slow) for n in (37, 64))])  # long: make test
def test_the_keras_hillis_steele_fallback_equals_the_loop_and_associative_scan_in_a_graph(time):
    import tensorflow as tf

    fallback = tf.function(lambda a, b: lr.keras_hillis_steele(a, b))
    a, b = coefficients(time, time, "float64")
    A, B = (np.asarray(x) for x in fallback(a, b))
    np.testing.assert_allclose(B, lr.linear_recurrence(a, b), atol=1e-12)  # h_t = B_t from h_0 = 0
    np.testing.assert_allclose(A, np.cumprod(a, axis=1), rtol=1e-12)
    a, b = coefficients(time, time, "float32")
    library = tf.function(lambda a, b: keras.ops.associative_scan(lr.combine, (a, b), axis=1))(a, b)
    for ours, theirs in zip(fallback(a, b), library):
        np.testing.assert_allclose(np.asarray(ours), np.asarray(theirs), atol=2e-6)


def test_the_version_switch_uses_associative_scan_from_keras_3_14_on_tensorflow():
    assert not lr.keras_scan_traces("3.13.2", "tensorflow")  # Colab's in 2026: recurses while tracing
    assert lr.keras_scan_traces("3.14.0", "tensorflow") and lr.keras_scan_traces("3.15.1", "tensorflow")
    assert lr.keras_scan_traces("4.0.0", "tensorflow") and lr.keras_scan_traces("3.13.2", "jax")
    assert lr.keras_scan_traces() == lr.keras_scan_traces(keras.version(), keras.backend.backend())


def test_keras_scan_takes_the_path_the_switch_picks(monkeypatch):
    a, b = coefficients(0, 100, "float32")
    library = [np.asarray(x) for x in keras.ops.associative_scan(lr.combine, (a, b), axis=1)]
    fallback = [np.asarray(x) for x in lr.keras_hillis_steele(a, b)]
    assert np.abs(library[1] - fallback[1]).max() > 0  # the two scans round differently: the output tells them apart
    expected = library if lr.keras_scan_traces() else fallback
    for ours, theirs in zip(lr.keras_scan(a, b), expected):
        np.testing.assert_array_equal(np.asarray(ours), theirs)
    monkeypatch.setattr(lr, "keras_scan_traces", lambda: False)  # as on Keras 3.13 with TensorFlow
    for ours, theirs in zip(lr.keras_scan(a, b), fallback):
        np.testing.assert_array_equal(np.asarray(ours), theirs)


def test_prefix_parity_labels_every_step_with_the_running_parity():
    X, y = rh.data.prefix_parity(50, 9, seed=1)
    assert X.shape == y.shape == (50, 9, 1) and X.dtype == np.float32
    np.testing.assert_array_equal(y[:, 0], X[:, 0])
    np.testing.assert_array_equal(y[:, 1:], np.abs(y[:, :-1] - X[:, 1:]))  # each 1 flips the parity


def test_three_forms_of_causal_linear_attention_agree_and_differ_from_softmax():
    Q, K, V = np.random.default_rng(5).normal(size=(3, 40, 6))
    masked = lr.linear_attention_masked(Q, K, V)
    np.testing.assert_allclose(lr.linear_attention_cumsum(Q, K, V), masked, atol=1e-12)
    np.testing.assert_allclose(lr.linear_attention_recurrent(Q, K, V), masked, atol=1e-12)
    np.testing.assert_allclose(masked[0], V[0], atol=1e-12)  # the first step sees only itself
    softmax = lr.softmax_attention_causal(Q, K, V)
    np.testing.assert_allclose(softmax[0], V[0], atol=1e-12)
    assert np.abs(softmax - masked).max() > 0.1


def test_softmax_attention_matches_a_direct_weighted_average():
    Q, K, V = np.random.default_rng(6).normal(size=(3, 7, 4))
    t = 4
    w = np.exp(Q[t] @ K[: t + 1].T / 2.0)
    np.testing.assert_allclose(lr.softmax_attention_causal(Q, K, V)[t], w @ V[: t + 1] / w.sum(), atol=1e-12)


def test_ssm_recurrence_equals_its_fft_convolution_and_its_kernel_is_c_a_to_the_k_b():
    A, B, C = np.array([0.9, -0.5, 0.3]), np.array([1.0, 2.0, -1.0]), np.array([0.5, 0.1, 2.0])
    u = np.random.default_rng(7).normal(size=513)
    np.testing.assert_allclose(lr.ssm_convolution(u, A, B, C), lr.ssm_recurrence(u, A, B, C), atol=1e-12)
    np.testing.assert_allclose(lr.ssm_kernel(A, B, C, 3), [C @ B, C @ (A * B), C @ (A**2 * B)], atol=1e-15)
    impulse = np.zeros(10)
    impulse[0] = 1.0
    np.testing.assert_allclose(lr.ssm_recurrence(impulse, A, B, C), lr.ssm_kernel(A, B, C, 10), atol=1e-15)


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: lr.min_param_names("gru"), ValueError, "must be one of"),
        (lambda: lr.min_gru_gates(np.zeros((2, 3)), {}), ValueError, "must be 3-D"),
        (lambda: lr.min_gru_gates(np.zeros((1, 2, 3)), {"W_xz": np.zeros((3, 2))}), ValueError, "missing"),
        (lambda: lr.linear_recurrence(np.zeros((1, 2, 3)), np.zeros((1, 3, 3))), ValueError, "same shape"),
        (lambda: lr.linear_recurrence(np.zeros((1, 2, 3)), np.zeros((1, 2, 3)), h0=np.zeros(3)), ValueError, "2-D"),
        (lambda: lr.combine((1.0, 2.0), 3.0), TypeError, "pair"),
        (lambda: lr.scan_cost(0), ValueError, ">= 1"),
        (lambda: lr.min_gru_forward(np.zeros((1, 2, 1)), {}, method="fast"), ValueError, "loop"),
        (lambda: lr.min_gru_gradient_norms(*random_min_gru(batch=2)), ValueError, "one sequence"),
        (lambda: lr.log_space_recurrence(np.zeros((1, 2, 1)), np.zeros((1, 3, 1))), ValueError, "same shape"),
        (lambda: lr.linear_attention_cumsum(np.zeros((4, 2)), np.zeros((4, 3)), np.zeros((4, 2))), ValueError, "same d"),
        (lambda: lr.linear_attention_masked(np.zeros((4, 2)), np.zeros((4, 2)), np.zeros((3, 2))), ValueError,
         "one row per step"),
        (lambda: lr.linear_attention_step(np.zeros(2), np.zeros(2), np.zeros(3), np.zeros((3, 3)), np.zeros(2)),
         ValueError, "S must have shape"),
        (lambda: lr.ssm_recurrence(np.zeros(5), np.zeros(2), np.zeros(3), np.zeros(2)), ValueError, "B must"),
        (lambda: lr.ssm_kernel(np.zeros(2), np.zeros(2), np.zeros(2), 0), ValueError, ">= 1"),
        (lambda: rh.data.prefix_parity(0, 4), ValueError, ">= 1"),
    ],
)
def test_bad_input_is_explained(call, error, match):
    with pytest.raises(error, match=match):
        call()



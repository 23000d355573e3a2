"""rnn_helpers.gradient_flow: gradient norms through time and clipping, measurements that mean what they say."""

import keras
import numpy as np
import pytest

from rnn_helpers import bptt, gradient_flow


def elman_jacobian_by_hand(W_xh, W_hh, b_h, x):
    """∂h_T/∂h_t = J_{t+1} ... J_T with J_s = W_hh diag(1 - h_s²), in numpy; norms for T - t = 1 .. T."""
    h = np.zeros(W_hh.shape[0])
    hs = []
    for x_t in x:
        h = np.tanh(x_t @ W_xh + h @ W_hh + b_h)
        hs.append(h)
    product = np.eye(W_hh.shape[0])
    norms = []
    for h_s in reversed(hs):
        product = (W_hh * (1 - h_s**2)) @ product
        norms.append(np.linalg.norm(product, 2))
    return np.array(norms)


def test_orthogonal_times_has_the_requested_spectral_radius():
    W = gradient_flow.orthogonal_times(1.7, 12, seed=3)
    np.testing.assert_allclose(np.abs(np.linalg.eigvals(W)), 1.7)
    np.testing.assert_allclose(W @ W.T, 1.7**2 * np.eye(12), atol=1e-12)


def test_elman_gradient_norms_match_the_product_of_jacobians():
    norms = gradient_flow.gradient_norms("elman", length=30, units=8, radius=1.3, seed=2)
    keras.utils.set_random_seed(2)
    cell = keras.layers.SimpleRNNCell(8)
    cell.build((None, 1))
    x = np.random.default_rng(2).standard_normal((30, 1))
    W_xh, _, b_h = (np.asarray(w, dtype=np.float64) for w in cell.get_weights())
    expected = elman_jacobian_by_hand(W_xh, gradient_flow.orthogonal_times(1.3, 8, seed=2), b_h, x)
    np.testing.assert_allclose(norms, expected, rtol=2e-4)


def test_first_lag_of_an_elman_cell_is_bounded_by_the_radius():
    for radius in (0.5, 1.0, 2.0):
        norms = gradient_flow.gradient_norms("elman", length=5, units=6, radius=radius)
        assert norms[0] <= radius + 1e-6


def test_lstm_gradient_counts_the_cell_state_path():
    """With the recurrent weights zeroed, h_t reaches h_T only through c: the norm must stay positive."""
    keras.utils.set_random_seed(0)
    cell = keras.layers.LSTMCell(4)
    cell.build((None, 1))
    cell.recurrent_kernel.assign(np.zeros((4, 16)))
    norms = gradient_flow.state_jacobian_norms(cell, np.ones((6, 1)))
    assert np.all(norms > 0)
    assert norms.shape == (6,)


def test_clipping_keeps_every_step_short():
    clip_norm, learning_rate, steps = 0.5, 0.1, 20
    run = gradient_flow.clipping_run(clip_norm=clip_norm, learning_rate=learning_rate, steps=steps, length=10)
    assert not run["diverged"] and len(run["loss"]) == steps
    assert np.any(run["grad_norm"] > clip_norm)  # some raw gradients are longer than the clip: clipping acts
    # replay the run's updates: the losses match the run's, so its steps are these, and each is at most lr * clip
    replay = gradient_flow.clipping_params()
    X_run, Y_run = gradient_flow.clipping_data(10)
    for t in range(steps):
        loss, grads = bptt.elman_loss_and_grads(X_run, Y_run, replay)
        assert loss == pytest.approx(run["loss"][t], rel=1e-9)
        norm = np.sqrt(sum(np.sum(g**2) for g in grads.values()))
        step = {name: -learning_rate * min(1.0, clip_norm / norm) * g for name, g in grads.items()}
        assert np.sqrt(sum(np.sum(s**2) for s in step.values())) <= learning_rate * clip_norm * (1 + 1e-9)
        replay = {name: replay[name] + step[name] for name in replay}
    params = gradient_flow.clipping_params()
    X, Y = gradient_flow.clipping_data(10)
    assert X.shape == Y.shape == (32, 10, 1)
    np.testing.assert_allclose(X[:, 1:], Y[:, :-1])
    assert np.abs(np.linalg.eigvals(params["W_hh"])).max() == pytest.approx(2.0)


def test_a_nudge_moves_the_start_by_its_size_and_a_zero_nudge_changes_nothing():
    plain = gradient_flow.clipping_run(clip_norm=1.0, steps=3, length=10)
    zero = gradient_flow.clipping_run(clip_norm=1.0, steps=3, length=10, nudge=0.0)
    nudged = gradient_flow.clipping_run(clip_norm=1.0, steps=3, length=10, nudge=1e-12)
    np.testing.assert_array_equal(zero["loss"], plain["loss"])
    assert nudged["loss"][0] != plain["loss"][0]                                 # a different start ...
    assert nudged["loss"][0] == pytest.approx(plain["loss"][0], rel=1e-9)        # ... by a change in the last digits


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: gradient_flow.orthogonal_times(0, 3), ValueError, "radius must be > 0"),
        (lambda: gradient_flow.orthogonal_times(1.0, "3"), TypeError, "units must be an int"),
        (lambda: gradient_flow.gradient_norms("rnn"), ValueError, "cell must be one of"),
        (lambda: gradient_flow.gradient_norms("jordan"), ValueError, "cell must be one of"),
        (lambda: gradient_flow.gradient_norms("lstm", radius=1.0), ValueError, "Elman cell only"),
        (lambda: gradient_flow.gradient_norms("elman", length=0), ValueError, "length must be >= 1"),
        (lambda: gradient_flow.state_jacobian_norms(keras.layers.Dense(3), np.ones((2, 1))), TypeError, "layer.cell"),
        (lambda: gradient_flow.state_jacobian_norms(keras.layers.GRUCell(3), np.ones((2, 1))), ValueError,
         "must be built"),
        (lambda: gradient_flow.clipping_run(clip_norm=0), ValueError, "clip_norm must be > 0"),
        (lambda: gradient_flow.clipping_run(learning_rate="fast"), TypeError, "learning_rate must be a number"),
        (lambda: gradient_flow.clipping_run(steps=0), ValueError, "steps must be >= 1"),
        (lambda: gradient_flow.clipping_run(nudge=0.1), ValueError, "nudge must be <= 0.001"),
        (lambda: gradient_flow.clipping_run(nudge="1e-12"), TypeError, "nudge must be a number"),
        (lambda: gradient_flow.clipping_params(radius=-1), ValueError, "radius must be > 0"),
        (lambda: gradient_flow.clipping_data(length=0), ValueError, "length must be >= 1"),
    ],
)
def test_bad_input_gives_a_clear_error(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_state_jacobian_norms_checks_the_input_width():
    cell = keras.layers.GRUCell(3)
    cell.build((None, 2))
    with pytest.raises(ValueError, match="2 feature"):
        gradient_flow.state_jacobian_norms(cell, np.ones((4, 1)))

"""rnn_helpers.memory and the memory tasks in rnn_helpers.data: measurements that mean what they say."""

import keras
import numpy as np
import pytest

from rnn_helpers import data, memory


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
    W = memory.orthogonal_times(1.7, 12, seed=3)
    np.testing.assert_allclose(np.abs(np.linalg.eigvals(W)), 1.7)
    np.testing.assert_allclose(W @ W.T, 1.7**2 * np.eye(12), atol=1e-12)


def test_elman_gradient_norms_match_the_product_of_jacobians():
    norms = memory.gradient_norms("elman", length=30, units=8, radius=1.3, seed=2)
    keras.utils.set_random_seed(2)
    cell = keras.layers.SimpleRNNCell(8)
    cell.build((None, 1))
    x = np.random.default_rng(2).standard_normal((30, 1))
    W_xh, _, b_h = (np.asarray(w, dtype=np.float64) for w in cell.get_weights())
    expected = elman_jacobian_by_hand(W_xh, memory.orthogonal_times(1.3, 8, seed=2), b_h, x)
    np.testing.assert_allclose(norms, expected, rtol=2e-4)


def test_first_lag_of_an_elman_cell_is_bounded_by_the_radius():
    for radius in (0.5, 1.0, 2.0):
        norms = memory.gradient_norms("elman", length=5, units=6, radius=radius)
        assert norms[0] <= radius + 1e-6


def test_lstm_gradient_counts_the_cell_state_path():
    """With the recurrent weights zeroed, h_t reaches h_T only through c: the norm must stay positive."""
    keras.utils.set_random_seed(0)
    cell = keras.layers.LSTMCell(4)
    cell.build((None, 1))
    cell.recurrent_kernel.assign(np.zeros((4, 16)))
    norms = memory.state_jacobian_norms(cell, np.ones((6, 1)))
    assert np.all(norms > 0)
    assert norms.shape == (6,)


def test_clipping_keeps_every_step_short():
    run = memory.clipping_run(clip_norm=0.5, steps=20, length=10)
    assert not run["diverged"] and len(run["loss"]) == 20
    params = memory.clipping_params()
    X, Y = memory.clipping_data(10)
    assert X.shape == Y.shape == (32, 10, 1)
    np.testing.assert_allclose(X[:, 1:], Y[:, :-1])
    assert np.abs(np.linalg.eigvals(params["W_hh"])).max() == pytest.approx(2.0)


def test_recall_first_and_adding_problem_targets():
    X, y = data.recall_first(50, 7, seed=1)
    assert X.shape == (50, 7, 1) and y.shape == (50, 1)
    np.testing.assert_array_equal(y, X[:, 0])
    X, y = data.adding_problem(200, 10, seed=1)
    assert X.shape == (200, 10, 2) and y.shape == (200, 1)
    markers = X[:, :, 1]
    np.testing.assert_array_equal(markers.sum(axis=1), 2)
    assert np.all(markers[:, :5].sum(axis=1) == 1) and np.all(markers[:, 5:].sum(axis=1) == 1)
    np.testing.assert_allclose(y[:, 0], (X[:, :, 0] * markers).sum(axis=1), rtol=1e-6)
    assert np.var(y) == pytest.approx(1 / 6, rel=0.2)
    np.testing.assert_array_equal(data.adding_problem(3, 10, seed=4)[0], data.adding_problem(3, 10, seed=4)[0])


def test_train_memory_task_learns_a_short_recall():
    result = memory.train_memory_task("gru", 3, task="recall_first", epochs=3, n_samples=512, batch_size=64)
    assert result["r2"] > 0.8
    assert result["updates"] == 24 and result["params"] > 0 and result["train_seconds"] > 0


def test_memory_experiment_has_one_row_per_run_of_the_plan():
    plan = [("adding", ["elman", "jordan"], [3, 4]), ("recall_first", ["gru"], [3])]
    table = memory.memory_experiment(plan, progress=False, epochs=1, n_samples=64)
    assert list(zip(table.task, table.cell, table.lag)) == [
        ("adding", "elman", 3), ("adding", "jordan", 3), ("adding", "elman", 4), ("adding", "jordan", 4),
        ("recall_first", "gru", 3)]


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: memory.orthogonal_times(0, 3), ValueError, "radius must be > 0"),
        (lambda: memory.orthogonal_times(1.0, "3"), TypeError, "units must be an int"),
        (lambda: memory.gradient_norms("rnn"), ValueError, "cell must be one of"),
        (lambda: memory.gradient_norms("lstm", radius=1.0), ValueError, "Elman cell only"),
        (lambda: memory.gradient_norms("elman", length=0), ValueError, "length must be >= 1"),
        (lambda: memory.state_jacobian_norms(keras.layers.Dense(3), np.ones((2, 1))), TypeError, "layer.cell"),
        (lambda: memory.state_jacobian_norms(keras.layers.GRUCell(3), np.ones((2, 1))), ValueError, "must be built"),
        (lambda: memory.clipping_run(clip_norm=0), ValueError, "clip_norm must be > 0"),
        (lambda: memory.clipping_run(learning_rate="fast"), TypeError, "learning_rate must be a number"),
        (lambda: memory.clipping_run(steps=0), ValueError, "steps must be >= 1"),
        (lambda: memory.clipping_params(radius=-1), ValueError, "radius must be > 0"),
        (lambda: memory.build_memory_model("rnn", 1), ValueError, "cell must be one of"),
        (lambda: memory.train_memory_task("gru", 1), ValueError, "lag must be >= 2"),
        (lambda: memory.train_memory_task("gru", 5, task="copy"), ValueError, "task must be one of"),
        (lambda: memory.train_memory_task("gru", 5, learning_rate=0), ValueError, "learning_rate must be > 0"),
        (lambda: memory.memory_experiment("adding"), TypeError, "plan must be a list"),
        (lambda: memory.memory_experiment([("adding", ["gru"])]), ValueError, "triple"),
        (lambda: memory.memory_experiment([("adding", "gru", [10])]), TypeError, "must be lists"),
        (lambda: memory.memory_experiment([("adding", ["rnn"], [10])]), ValueError, "cell must be one of"),
        (lambda: memory.memory_experiment([("sum", ["gru"], [10])]), ValueError, "task must be one of"),
        (lambda: memory.memory_experiment([("adding", ["gru"], [])]), ValueError, "at least one"),
        (lambda: memory.memory_experiment(task="adding"), TypeError, "from each plan entry"),
        (lambda: data.recall_first(0, 5), ValueError, "n_samples must be >= 1"),
        (lambda: data.adding_problem(5, 1), ValueError, "length must be >= 2"),
        (lambda: data.adding_problem(5, 4, seed=1.5), TypeError, "seed must be an int"),
    ],
)
def test_bad_input_gives_a_clear_error(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_state_jacobian_norms_checks_the_input_width():
    cell = keras.layers.GRUCell(3)
    cell.build((None, 2))
    with pytest.raises(ValueError, match="2 feature"):
        memory.state_jacobian_norms(cell, np.ones((4, 1)))

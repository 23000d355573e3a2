"""Every claim notebooks 04 (LSTM gates) and 05 (GRU gates) make in words, with their own settings and seeds.

Cost: six small trainings (three cells on the sine, three on the adding problem), about 20-30 s of CPU.
Timing claims compare the fastest epoch of each run, which other programs on the machine disturb least.
"""

import keras
import numpy as np
import pytest

import rnn_helpers as rh
from notebook_settings import read_settings

NAMES = ("SEED", "UNITS", "SINE_EPOCHS", "ADDING_LENGTH")
S04 = read_settings("04_lstm_gates.ipynb", *NAMES)
S05 = read_settings("05_gru_gates.ipynb", *NAMES, "KINDS")
SEED, UNITS, SINE_EPOCHS, ADDING_LENGTH, KINDS = (S05[name] for name in (*NAMES, "KINDS"))


def test_the_two_notebooks_train_with_the_same_settings():
    # the fixtures below serve both notebooks, which is only right while their settings agree
    assert S04 == {name: S05[name] for name in NAMES}
    assert set(KINDS) == {"SimpleRNN", "GRU", "LSTM"}


@pytest.fixture(scope="module")
def sine():
    """Notebook 05 section 5: the same call, the same arguments. Notebook 04 section 4 trains the LSTM alone
    with `train_sine_forecaster`, which gives the same model (tests/test_gates.py checks this)."""
    return rh.gates.race_sine(KINDS, units=UNITS, epochs=SINE_EPOCHS, seed=SEED, progress=False)


@pytest.fixture(scope="module")
def adding():
    """Notebook 05 section 5 (notebook 04 section 5 trains the same LSTM alone with `train_memory`)."""
    return rh.gates.race_memory(KINDS, task="adding", length=ADDING_LENGTH, units=UNITS, seed=SEED, progress=False)


# --- notebook 04 ----------------------------------------------------------------------------------------------


def test_04_numpy_lstm_matches_keras_only_in_the_order_i_f_c_o():
    keras.utils.set_random_seed(SEED)
    layer = keras.layers.LSTM(4, return_sequences=True, return_state=True)
    X = np.random.default_rng(SEED).normal(size=(3, 12, 2)).astype("float32")
    H_keras, h_last, c_last = layer(X)
    # "Keras starts the forget gate's bias at 1 and all others at 0"
    assert np.array_equal(layer.get_weights()[2].reshape(4, 4), np.repeat([[0.0], [1.0], [0.0], [0.0]], 4, axis=1))
    params = rh.gates.lstm_params_from_keras(layer)
    H_np, C_np, _ = rh.numpy_rnn.lstm_forward(X, params)
    swapped = dict(params)
    for a, b in (("W_xc", "W_xo"), ("W_hc", "W_ho"), ("b_c", "b_o")):
        swapped[a], swapped[b] = params[b], params[a]
    H_wrong, _, _ = rh.numpy_rnn.lstm_forward(X, swapped)
    assert np.abs(H_np - np.asarray(H_keras)).max() < 1e-6
    assert np.abs(H_np[:, -1] - np.asarray(h_last)).max() < 1e-6
    assert np.abs(C_np[:, -1] - np.asarray(c_last)).max() < 1e-6
    assert np.abs(H_wrong - np.asarray(H_keras)).max() > 0.05


def test_04_the_lstm_continues_the_sine_alone(sine):
    assert sine["LSTM"]["mse_36"] < 1e-3
    assert sine["LSTM"]["max_abs_err_36"] < 0.05


def test_04_on_the_sine_the_gates_barely_move_while_the_cell_state_swings(sine):
    x_train, _ = rh.data.supervised_pairs(rh.data.sine_series(37))
    sequence = np.concatenate([x_train, sine["LSTM"]["generated"]])
    trace = rh.gates.lstm_gate_trace(sine["LSTM"]["model"].get_layer("lstm"), sequence)
    mean = {g: trace[g].mean() for g in ("f", "i", "o")}
    swing = {g: trace[g].std(axis=0).mean() for g in ("f", "i", "o", "c_tilde", "c")}
    assert mean["f"] > mean["i"] and mean["f"] > mean["o"]            # forget gate the most open on average
    assert trace["f"].min() > 1 / 3                                    # keeps over a third at every step
    assert max(swing[g] for g in ("f", "i", "o")) < 0.1                # gates swing by less than 0.1
    assert min(swing["c_tilde"], swing["c"]) >= 3 * max(swing[g] for g in ("f", "i", "o"))


def test_04_on_the_adding_problem_the_input_gate_is_a_switch(adding):
    lstm = adding["LSTM"]["model"].get_layer("lstm")
    X_test, _ = rh.data.adding_problem(256, ADDING_LENGTH, seed=SEED + 2)
    marked = X_test[:, :, 1] == 1
    means = rh.gates.gate_means_by_mask(lstm, X_test, marked)
    gap = {g: means[g][0] - means[g][1] for g in ("f", "i", "o")}
    k = int(np.argmax(gap["i"]))
    assert adding["LSTM"]["r2"] > 0.9
    assert means["i"][0][k] > 0.8 and means["i"][1][k] < 0.3
    assert np.abs(gap["i"]).max() > max(np.abs(gap["f"]).max(), np.abs(gap["o"]).max())
    # the explorer's frozen picture: open at the first marker, shut one step later
    one = rh.gates.lstm_gate_trace(lstm, X_test[0])
    first_marker = int(np.flatnonzero(marked[0])[0])
    assert rh.widgets.lstm_cell_values(one, first_marker, k)["i"] > 0.8
    assert rh.widgets.lstm_cell_values(one, first_marker + 1, k)["i"] < 0.3


# --- notebook 05 ----------------------------------------------------------------------------------------------


def test_05_numpy_gru_matches_keras_in_both_forms():
    keras.utils.set_random_seed(SEED)
    X = np.random.default_rng(SEED).normal(size=(3, 12, 2)).astype("float32")
    for reset_after in (True, False):
        layer = keras.layers.GRU(4, reset_after=reset_after, return_sequences=True, return_state=True)
        H_keras, h_last = layer(X)
        H_np, _ = rh.numpy_rnn.gru_forward(X, rh.gates.gru_params_from_keras(layer), reset_after=reset_after)
        assert np.abs(H_np - np.asarray(H_keras)).max() < 1e-6
        assert np.abs(H_np[:, -1] - np.asarray(h_last)).max() < 1e-6


def test_05_parameter_counts_and_ratios():
    for n, u in ((1, 16), (8, 64)):
        for kind, reset_after in (("SimpleRNN", True), ("GRU", False), ("GRU", True), ("LSTM", True)):
            assert rh.gates.param_count(kind, n, u, reset_after=reset_after) == \
                rh.gates.keras_param_count(kind, n, u, reset_after=reset_after)
        lstm = rh.gates.param_count("LSTM", n, u)
        assert rh.gates.param_count("GRU", n, u, reset_after=False) / lstm == 0.75
        assert rh.gates.param_count("SimpleRNN", n, u) / lstm == 0.25
        assert 0.75 < rh.gates.param_count("GRU", n, u, reset_after=True) / lstm < 0.8
    assert round(rh.gates.param_count("GRU", 1, 16) / rh.gates.param_count("LSTM", 1, 16), 2) == 0.79


def test_05_all_three_cells_continue_the_sine(sine):
    for kind in KINDS:
        assert sine[kind]["mse_36"] < 1e-3, kind


def test_05_only_the_gated_cells_learn_the_adding_problem_and_the_gru_best(adding):
    assert adding["GRU"]["r2"] > 0.9 and adding["LSTM"]["r2"] > 0.9
    assert adding["SimpleRNN"]["r2"] < 0.2
    assert adding["GRU"]["r2"] > adding["LSTM"]["r2"]
    first_good = {kind: int(np.argmax(r["losses"] < 0.05)) + 1 for kind, r in adding.items()
                  if (r["losses"] < 0.05).any()}
    assert first_good["GRU"] < first_good["LSTM"]


def test_05_the_gru_update_gate_holds_between_markers_and_drops_at_them(adding):
    gru = adding["GRU"]["model"].get_layer("gru")
    X_test, _ = rh.data.adding_problem(256, ADDING_LENGTH, seed=SEED + 2)
    marked = X_test[:, :, 1] == 1
    means = rh.gates.gate_means_by_mask(gru, X_test, marked)
    gap = {g: means[g][0] - means[g][1] for g in ("z", "r")}
    assert means["z"][1].mean() > 0.8                      # high between markers: hold the state
    assert np.sum(gap["z"] < -0.1) > UNITS / 2             # drops at a marker in more than half of the units
    assert np.abs(gap["r"]).max() < np.abs(gap["z"]).max()  # the reset gate changes less


def test_05_fewer_weights_did_not_mean_proportionally_faster_epochs(sine, adding):
    for results in (sine, adding):
        ratio_weights = results["GRU"]["params"] / results["LSTM"]["params"]
        ratio_time = results["GRU"]["seconds_per_epoch"] / results["LSTM"]["seconds_per_epoch"]
        assert ratio_time > ratio_weights
        # the SimpleRNN, with the fewest operations, had the fastest epochs on both tasks
        assert results["SimpleRNN"]["seconds_per_epoch"] < min(results[k]["seconds_per_epoch"] for k in ("GRU", "LSTM"))

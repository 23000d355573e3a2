"""Claims of notebook 04: the LSTM's gates.

How the claims are checked, once for all nine files: `tests/records.py`.
"""


import numpy as np
import pytest
from notebook_settings import read_settings
from records import notebook_record

import rnn_helpers as rh

pytestmark = pytest.mark.slow  # re-trains the notebooks' networks: part of make test, not make check

NAMES = ("SEED", "UNITS", "SINE_EPOCHS", "ADDING_LENGTH")
S04 = read_settings("04_lstm_gates.ipynb", *NAMES)
SEED, UNITS, SINE_EPOCHS, ADDING_LENGTH = (S04[name] for name in NAMES)  # notebook 05 checks it shares them


@pytest.fixture(scope="module")
def nb04():
    return notebook_record("04_lstm_gates.ipynb")


# --- notebook 04 ----------------------------------------------------------------------------------------------


def test_04_numpy_lstm_matches_keras_only_in_the_order_i_f_c_o(nb04):
    # "Keras starts the forget gate's bias at 1 and all others at 0"
    assert np.array_equal(nb04["bias"].reshape(4, 4), np.repeat([[0.0], [1.0], [0.0], [0.0]], 4, axis=1))
    assert nb04["diff_h"] < 1e-6 and nb04["diff_states"] < 1e-6
    assert nb04["diff_wrong"] > 0.05


def test_04_the_lstm_continues_the_sine_alone(nb04):
    assert nb04["sine"]["mse_36"] < 1e-3
    assert nb04["sine"]["max_abs_err_36"] < 0.05


def test_04_on_the_sine_the_gates_barely_move_while_the_cell_state_swings(nb04):
    trace = nb04["trace"]
    assert trace["f"].shape == (72, UNITS)
    mean = {g: trace[g].mean() for g in ("f", "i", "o")}
    swing = {g: trace[g].std(axis=0).mean() for g in ("f", "i", "o", "c_tilde", "c")}
    assert mean["f"] > mean["i"] and mean["f"] > mean["o"]            # forget gate the most open on average
    assert trace["f"].min() > 1 / 3                                    # keeps over a third at every step
    assert max(swing[g] for g in ("f", "i", "o")) < 0.1                # gates swing by less than 0.1
    assert min(swing["c_tilde"], swing["c"]) >= 3 * max(swing[g] for g in ("f", "i", "o"))


def test_04_the_gate_trace_is_the_trained_layers(nb04):
    sequence = np.concatenate([nb04["x_train"], nb04["sine"]["generated"]])
    again = rh.gates.lstm_gate_trace(nb04["sine"]["model"].get_layer("lstm"), sequence)
    np.testing.assert_allclose(again["f"], nb04["trace"]["f"], atol=1e-6)   # the recorded model is the one drawn


def test_04_on_the_adding_problem_the_input_gates_react_to_markers_but_few_switch(nb04):
    means, gap, k, marked, one = nb04["means"], nb04["gap"], nb04["k"], nb04["marked"], nb04["one"]
    assert nb04["adding"]["r2"] > 0.9
    assert np.abs(gap["i"]).max() > max(np.abs(gap["f"]).max(), np.abs(gap["o"]).max())
    assert np.sum(gap["i"] > 0) > UNITS / 2                   # "most units open their input gate further there"
    assert 1 <= np.sum(gap["i"] > 0.3) <= UNITS // 4          # "only a few units work as a clean switch"
    assert means["i"][0][k] > 0.8 and means["i"][1][k] < 0.3  # the clearest switch: open at markers, shut elsewhere
    by_step = one["i"].mean(axis=1)
    assert by_step[marked[0]].min() > by_step[~marked[0]].max()  # heat map: the marked columns are the darkest
    unmarked_i = one["i"][~marked[0]]
    assert np.mean((unmarked_i > 0.3) & (unmarked_i < 0.7)) > 0.5  # "most sit half open at the unmarked steps"
    # the explorer's frozen picture: open at the first marker, shut one step later
    first_marker = int(np.flatnonzero(marked[0])[0])
    assert rh.numpy_rnn.lstm_cell_values(one, first_marker, k)["i"] > 0.8
    assert rh.numpy_rnn.lstm_cell_values(one, first_marker + 1, k)["i"] < 0.3


# --- notebook 04, exercises -----------------------------------------------------------------------------------


def test_04_exercise_1_the_equations_of_section_1_pass_both_checks():
    sigmoid = rh.numpy_rnn.sigmoid

    def my_forget(x_t, h_prev, W_xf, W_hf, b_f):
        return sigmoid(x_t @ W_xf + h_prev @ W_hf + b_f)

    def my_step(x_t, h_prev, c_prev, W, U, b):
        i, f, c_tilde, o = np.split(x_t @ W + h_prev @ U + b, 4, axis=-1)      # Keras order i, f, c, o
        c = sigmoid(f) * c_prev + sigmoid(i) * np.tanh(c_tilde)
        return sigmoid(o) * np.tanh(c), c

    assert rh.checks.forget_gate(my_forget) is True
    assert rh.checks.lstm_step(my_step) is True


def test_04_exercise_2_a_shut_input_gate_and_an_open_forget_gate_keep_the_cell_state(nb04):
    X = np.random.default_rng(SEED).normal(size=(1, 100, 1))
    for forget_bias in (10.0, -10.0):
        p = {name: value.copy() for name, value in nb04["p"].items()}
        p["b_f"][:], p["b_i"][:] = forget_bias, -10.0
        _, C, _ = rh.numpy_rnn.lstm_forward(X, p, h0=nb04["h_prev"], c0=nb04["c_prev"])
        if forget_bias > 0:
            assert np.abs(C[0, -1] - nb04["c_prev"][0]).max() < 0.01      # "perfect memory"
        else:
            assert np.abs(C).max() < 1e-3                                # wiped at the first step


def test_04_exercise_3_an_lstm_has_4u_n_u_1_weights():
    assert rh.gates.keras_param_count("lstm", 1, 16) == 4 * 16 * (1 + 16 + 1) == 1152


def test_04_exercise_4_one_unit_follows_the_input_and_another_the_slope(nb04):
    c, sequence = nb04["trace"]["c"], nb04["sequence"].ravel()
    follows = {name: [abs(np.corrcoef(c[:, u], signal)[0, 1]) for u in range(UNITS)]
               for name, signal in (("input", sequence), ("slope", np.gradient(sequence)))}
    assert max(follows["input"]) > 0.95 and max(follows["slope"]) > 0.95
    assert np.argmax(follows["input"]) != np.argmax(follows["slope"])


def test_04_exercise_5_another_seed_learns_the_task_with_another_switch_unit(nb04):
    adding = rh.training.train_memory("lstm", task="adding", length=ADDING_LENGTH, units=UNITS, seed=SEED + 1,
                                      progress=False)
    X_test, _ = rh.data.adding_problem(256, ADDING_LENGTH, seed=SEED + 2)     # section 5's test sequences
    means = rh.gates.gate_means_by_mask(adding["model"].get_layer("lstm"), X_test, X_test[:, :, 1] == 1)
    assert adding["r2"] > 0.9
    assert int(np.argmax(means["i"][0] - means["i"][1])) != nb04["k"]

"""Claims of notebook 09: where recurrence went next.

How the claims are checked, once for all nine files: `tests/records.py`.
"""

import json

import keras
import numpy as np
import pytest
from notebook_settings import read_settings
from records import notebook_record

import rnn_helpers as rh

pytestmark = pytest.mark.slow  # re-trains the notebooks' networks: part of make test, not make check

S09 = read_settings("09_where_recurrence_went.ipynb", "SEED", "UNITS", "GRADIENT_LENGTH", "LONG_LENGTH",
                    "LIVE_LENGTHS", "PARITY_LENGTH", "GENERATION_POSITIONS")


@pytest.fixture(scope="module")
def nb09():
    return notebook_record("09_where_recurrence_went.ipynb")


@pytest.fixture(scope="module")
def bench09():
    path = rh.recurrence_costs.BENCHMARK_RESULTS
    return json.loads(path.read_text())


def _medians09(rows, keys):
    groups = {}
    for row in rows:
        groups.setdefault(tuple(row[k] for k in keys), []).append(row["score"])
    return {key: float(np.median(scores)) for key, scores in groups.items()}


def test_09_every_form_of_the_linear_recurrence_equals_the_loop(nb09):
    for name in ("diff_helper", "diff_minlstm", "assoc_diff", "scan_diff", "keras_diff", "helper_layer_diff"):
        assert nb09[name] < 1e-12, name  # "to round-off" in float64
    assert max(nb09["attention_diffs"].values()) < 1e-12 and nb09["ssm_diff"] < 1e-10
    assert nb09["weight_counts"]["minGRU"] == 64 and nb09["weight_counts"]["GRU (Keras default)"] == 912


def test_09_log_space_holds_where_the_closed_form_breaks(nb09):
    assert nb09["log_diff"] < 1e-10  # "agrees with the loop to about 1e-11"
    assert nb09["naive_broken"] > 0.5  # "mostly inf or NaN"


def test_09_the_scan_has_log_depth_more_work_and_loses_on_two_cores(nb09, bench09):
    costs = nb09["costs"]
    assert costs.loc[4096, "scan_depth"] == 12 and 8 < costs.loc[1024, "scan work / loop work"] < 11
    live = nb09["live_table"].set_index(["T", "method"])["warm ms"]
    for T in S09["LIVE_LENGTHS"]:
        assert live[(T, "keras scan")] > live[(T, "numpy loop")], T
    assert live[(1024, "numpy scan")] > live[(1024, "numpy loop")]  # "takes longer than the loop"
    warm = {(row["T"], row["method"]): row["warm"] for row in bench09["timing"]}
    cold = {(row["T"], row["method"]): row["cold"] for row in bench09["timing"]}
    for T in sorted({T for T, _ in warm}):
        assert warm[(T, "keras scan")] > max(warm[(T, "tf loop")], warm[(T, "numpy loop")]), T
        assert cold[(T, "keras scan")] > 3 * cold[(T, "tf loop")], T  # "several times as long as the compiled loop's"
    assert all(row["max_diff"] < 1e-5 for row in bench09["timing"])


def test_09_the_min_gru_gradient_is_a_product_of_gates(nb09):
    norms = nb09["grad_norms"]
    assert nb09["product_diff"] < 1e-9
    fresh, kept = norms["minGRU, gate bias 0"], norms["minGRU, gate bias 3"]
    assert fresh[S09["GRADIENT_LENGTH"] - 1] < norms["GRU"][S09["GRADIENT_LENGTH"] - 1]  # "faster than the GRU"
    assert 0.4 < fresh[-1] ** (1 / S09["GRADIENT_LENGTH"]) < 0.6  # "fades like 2^-k": about 0.5 per step
    assert kept[S09["GRADIENT_LENGTH"] - 1] > 100 * norms["GRU"][S09["GRADIENT_LENGTH"] - 1]  # "orders of magnitude"


def test_09_memory_grid_the_min_gru_sums_but_cannot_pick(bench09):
    median = _medians09(bench09["memory"], ("task", "length", "model"))
    for lag in (10, 30, 100):
        assert median[("recall_first", lag, "mingru")] < 0.1 and median[("recall_first", lag, "mingru, keep bias 3")] < 0.3
    assert median[("recall_first", 10, "gru")] > 0.9 and median[("recall_first", 10, "lstm")] > 0.9
    assert median[("adding", 10, "mingru")] > 0.8 and median[("adding", 30, "mingru")] > 0.8
    assert median[("adding", 100, "mingru, keep bias 3")] > 0.9 > 0.5 > median[("adding", 100, "mingru")]
    assert median[("adding", 100, "lstm")] < 0.5 and all(median[("adding", lag, "gru")] > 0.9 for lag in (10, 30, 100))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_09_prefix_parity_separates_the_cells_with_every_seed(nb09, seed):
    if seed == S09["SEED"]:
        scores = nb09["parity_scores"]
    else:
        scores = {cell: rh.min_gru.memory_run(cell, "parity", S09["PARITY_LENGTH"], units=S09["UNITS"],
                                              seed=seed)["score"] for cell in ("mingru", "gru", "lstm")}
    assert scores["gru"] > 0.9 and scores["lstm"] > 0.9, scores  # "almost every time"
    assert abs(scores["mingru"] - 0.5) < 0.1, scores  # "the 50% of a coin toss"


def test_09_stacking_min_gru_layers_helps_only_very_short_strings(bench09):
    median = _medians09(bench09["parity"], ("length", "model"))
    assert median[(4, "mingru")] < 0.6 < median[(4, "mingru × 2")] and median[(4, "mingru × 3")] > 0.6
    for length in (8, 16):
        for model in ("mingru", "mingru × 2", "mingru × 3"):
            assert median[(length, model)] < 0.65, (length, model)
    for length in (4, 8, 16):
        assert median[(length, "gru")] > 0.9 and median[(length, "lstm")] > 0.9, length


def test_09_a_fixed_state_costs_the_same_at_every_position_and_a_cache_grows(nb09):
    table = nb09["generation"].set_index("position")
    first, last = min(S09["GENERATION_POSITIONS"]), max(S09["GENERATION_POSITIONS"])
    assert table.loc[last, "softmax_us"] > 3 * table.loc[first, "softmax_us"]
    assert table.loc[last, "linear_us"] < 2 * table.loc[first, "linear_us"]
    assert table.loc[last, "softmax_us"] > 2 * table.loc[last, "linear_us"]  # "many times slower"
    assert table.loc[last, "softmax_floats"] > 100 * table.loc[last, "linear_floats"]  # exercise 5


def test_09_exercises_1_to_4():
    p = rh.numpy_rnn.random_params(rh.linear_recurrence.min_param_names("mingru"), features=2, units=4, seed=S09["SEED"])
    X = np.random.default_rng(S09["SEED"]).normal(size=(3, 50, 2))
    ones = np.ones((3, 4))
    scan = rh.linear_recurrence.min_gru_forward(X, p, h0=ones, method="scan")
    assert np.abs(scan - rh.linear_recurrence.min_gru_forward(X, p, h0=ones)).max() < 1e-12  # exercise 1
    a, b = rh.linear_recurrence.min_gru_gates(X, p)
    A, B, shift = a.copy(), b.copy(), 1
    while shift < A.shape[1]:  # exercise 2: the operator in the wrong order
        A_left, B_left = A[:, :-shift].copy(), B[:, :-shift].copy()
        A[:, shift:], B[:, shift:] = A_left * A[:, shift:], A_left * B[:, shift:] + B_left
        shift *= 2
    assert np.abs(B - rh.linear_recurrence.linear_recurrence(a, b)).max() > 1e-3
    cost = rh.linear_recurrence.scan_cost(4096)  # exercise 3
    assert cost["scan_depth"] == 12 and cost["scan_work"] == 45057 and round(cost["scan_work"] / 4096) == 11
    x = np.random.default_rng(S09["SEED"]).standard_normal((S09["GRADIENT_LENGTH"], 1))  # exercise 4
    keras.utils.set_random_seed(S09["SEED"])
    layer = rh.min_gru.MinGRU(S09["UNITS"], gate_bias=5.0)
    layer.build((None, S09["GRADIENT_LENGTH"], 1))
    params = dict(zip(("W_xz", "b_z", "W_xh", "b_h"), layer.get_weights()))
    assert rh.linear_recurrence.min_gru_gradient_norms(x[None], params)[-1] > 0.1

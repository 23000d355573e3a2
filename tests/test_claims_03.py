"""Claims of notebook 03 (backpropagation through time), re-measured with the notebook's own settings and seeds.

Every sentence of the notebook that states a measured result has an assertion here, calling the same helpers
with the same arguments. Cost: about 1–2 minutes on 2 cores (the memory experiment trains 10 small networks;
the forecast comparison trains the article's LSTM twice).
"""

import numpy as np
import pytest

import rnn_helpers as rh

SEED = 0
SHAPES = [(2, 5, 1, 3, 1), (4, 9, 3, 6, 2), (3, 12, 2, 8, 1)]  # the notebook's (B, T, F, units, outputs)
INITS = {"elman": rh.bptt.init_elman, "jordan": rh.bptt.init_jordan}


def notebook_problems():
    """The notebook draws X and Y_target for each shape from one generator, first for 2.1 then for 2.2."""
    rng = np.random.default_rng(SEED)
    first = [(rng.standard_normal(s[:3]), rng.standard_normal((s[0], s[1], s[4]))) for s in SHAPES]
    second = [(rng.standard_normal(s[:3]), rng.standard_normal((s[0], s[1], s[4]))) for s in SHAPES]
    return first, second


# ---------------------------------------------------------------------------------------- section 2
def test_bptt_agrees_with_finite_differences_to_about_nine_digits():
    first, _ = notebook_problems()
    errors = [rh.bptt.gradient_check(cell, X, Y, INITS[cell](s[2], s[3], s[4], seed=SEED))
              for s, (X, Y) in zip(SHAPES, first) for cell in INITS]
    assert max(errors) < 1e-8


def test_bptt_agrees_with_gradient_tape_to_float32_precision():
    _, second = notebook_problems()
    by_hand = {"elman": rh.bptt.elman_loss_and_grads, "jordan": rh.bptt.jordan_loss_and_grads}
    for s, (X, Y) in zip(SHAPES, second):
        for cell in INITS:
            params = INITS[cell](s[2], s[3], s[4], seed=SEED)
            loss, grads = by_hand[cell](X, Y, params)
            tf_loss, tf_grads = rh.bptt.keras_gradients(cell, X, Y, params)
            assert tf_loss == pytest.approx(loss, rel=1e-5)
            assert rh.bptt.relative_error(grads, tf_grads) < 1e-5


# ---------------------------------------------------------------------------------------- section 3
def truncation_errors(radius):
    sine = rh.data.sine_windows(32, 37, seed=SEED)
    X, Y = sine[:, :-1, None], sine[:, 1:, None]
    params = rh.bptt.init_elman(1, 16, 1, seed=SEED, scale=0.5)
    params["W_hh"] = rh.memory.orthogonal_times(radius, 16, seed=SEED)
    _, full = rh.bptt.elman_loss_and_grads(X, Y, params)
    return np.array([rh.bptt.relative_error(full, rh.bptt.elman_loss_and_grads(X, Y, params, truncate=k)[1])
                     for k in [1, 2, 3, 4, 6, 8, 12, 16, 24, 36]])


def test_truncated_gradient_is_far_off_at_k1_and_converges_slower_near_radius_1():
    small, large = truncation_errors(0.5), truncation_errors(0.9)
    for errors in (small, large):
        assert errors[0] > 0.1                                   # k = 1 is far from full BPTT
        assert np.all(np.diff(errors) < 0)                       # and the gap closes as k grows
        assert errors[-1] < 1e-12                                # k = T is full BPTT
    assert np.all(small[:-1] < large[:-1])                       # faster for the smaller radius


def test_full_bptt_forecast_is_hundreds_of_times_more_accurate_and_faster_than_the_articles_recipe():
    article = rh.forecast.run_method("compiled", seed=SEED, progress=False)
    full = rh.forecast.run_method("bptt", seed=SEED, progress=False)
    assert article["epochs"] == 1000 and full["epochs"] == 400
    assert 1e-2 < article["mse_36"] < 5e-2                       # "about 2e-2"
    assert full["mse_36"] < 1e-4                                 # "about 5e-5"
    assert article["mse_36"] / full["mse_36"] > 100
    assert full["train_seconds"] < article["train_seconds"]


# ---------------------------------------------------------------------------------------- section 4
@pytest.fixture(scope="module")
def norms():
    configs = {"0.8": ("elman", 0.8), "1.0": ("elman", 1.0), "1.5": ("elman", 1.5), "lstm": ("lstm", None),
               "gru": ("gru", None)}
    return {name: rh.memory.gradient_norms(cell, radius=radius, seed=SEED) for name, (cell, radius) in configs.items()}


def test_gradient_norm_decays_with_distance_below_radius_1(norms):
    n = norms["0.8"]
    assert n[99] < n[49] < n[9] < n[0]
    assert 1e-8 < n[49] / n[0] < 1e-6                            # "about 1e-7 of what it was after one step"
    assert norms["1.0"][99] < norms["1.0"][0] / 100              # radius 1: tanh still pulls it down


def test_gradient_norm_grows_with_distance_above_radius_1(norms):
    n = norms["1.5"]
    assert n[99] > n[9] > n[0]
    assert n[99] / n[0] > 100                                    # "grows by orders of magnitude"


def test_fresh_lstm_and_gru_gradients_vanish_too(norms):
    for name in ("lstm", "gru"):
        assert norms[name][99] < 1e-5 * norms[name][0]


def test_clipping_keeps_the_loss_finite_where_the_unclipped_run_diverges():
    unclipped = rh.memory.clipping_run(clip_norm=None)
    clipped = rh.memory.clipping_run(clip_norm=1.0)
    assert unclipped["diverged"] and not np.isfinite(unclipped["loss"][-1])
    assert not clipped["diverged"] and len(clipped["loss"]) == 200
    assert clipped["loss"][-1] < clipped["loss"][0] / 100        # "falls by more than two orders of magnitude"


def test_at_this_learning_rate_the_unclipped_run_diverges_even_from_radius_half():
    assert rh.memory.clipping_run(clip_norm=None, radius=0.5)["diverged"]


def test_the_exploding_gradient_comes_from_the_long_paths():
    X, Y = rh.memory.clipping_data()
    _, full = rh.bptt.elman_loss_and_grads(X, Y, rh.memory.clipping_params())
    _, one_step = rh.bptt.elman_loss_and_grads(X, Y, rh.memory.clipping_params(), truncate=1)
    assert np.linalg.norm(full["W_hh"]) > 10 * np.linalg.norm(one_step["W_hh"])


# ---------------------------------------------------------------------------------------- section 5
@pytest.fixture(scope="module")
def memory():
    table = rh.memory.memory_experiment(rh.memory.NOTEBOOK_PLAN, progress=False)
    return {(row.task, row.cell, row.lag): row for row in table.itertuples()}


def test_elman_wins_the_recall_task_at_lag_40(memory):
    elman = memory[("recall_first", "elman", 40)].r2
    assert elman > 0.2                                           # "recovers part of the answer (≈ 0.4)"
    for cell in ("lstm", "gru"):
        assert abs(memory[("recall_first", cell, 40)].r2) < 0.1  # "learned nothing (≈ 0)"
        assert elman > memory[("recall_first", cell, 40)].r2 + 0.2


def test_adding_problem_at_lag_10_is_learned_by_all_but_jordan(memory):
    for cell in ("elman", "lstm", "gru"):
        assert memory[("adding", cell, 10)].r2 > 0.9
    assert abs(memory[("adding", "jordan", 10)].r2) < 0.1


def test_gated_cells_win_the_adding_problem_at_lag_40(memory):
    elman, lstm, gru = (memory[("adding", cell, 40)].r2 for cell in ("elman", "lstm", "gru"))
    assert elman < 0.1                                           # "nothing left"
    assert 0.3 < lstm < 0.8                                      # "about half-way"
    assert gru > 0.9                                             # "still near 1"


def test_gated_cells_have_three_and_four_times_the_weights(memory):
    elman, lstm, gru = (memory[("adding", cell, 40)].params for cell in ("elman", "lstm", "gru"))
    assert 2.5 < gru / elman < 3.5 and 3.5 < lstm / elman < 4.5


def test_training_opens_the_gated_cells_gradient_path(memory):
    X_probe, _ = rh.data.adding_problem(1, 40, seed=SEED + 1)
    norms = {cell: rh.memory.state_jacobian_norms(memory[("adding", cell, 40)].model.layers[0].cell, X_probe[0])
             for cell in ("elman", "lstm", "gru")}
    assert norms["lstm"][-1] > 0.1 and norms["gru"][-1] > 0.1    # "order 0.1–1 across all 40 steps"
    assert norms["elman"][-1] < 1e-4                             # "about 1e-5"

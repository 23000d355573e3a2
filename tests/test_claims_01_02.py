"""Every claim notebooks 01 and 02 make in words, asserted with the notebooks' own settings and seeds.

The settings are read from the notebooks' setup cells, and the tests call the same `rnn_helpers.one_step`
functions with the same arguments, so the two cannot drift apart. Cost: one training of each notebook
model, about 35 s of CPU in total.
"""

import keras
import numpy as np
import pytest

from notebook_settings import read_settings
import rnn_helpers as rh
from rnn_helpers import one_step

S01 = read_settings("01_perceptron_limits.ipynb", "SEED", "PERCEPTRON_RUNS", "WINDOW_UNITS", "WINDOW_EPOCHS")
S02 = read_settings(
    "02_elman_and_jordan.ipynb",
    "SEED", "UNITS", "EPOCHS", "CONTEXTS", "WARMUP_VALUES", "GENERATE_STEPS", "FORECAST_PHASE",
)
FLOOR = one_step.floor_mse()


# ---------------------------------------------------------------- notebook 01


@pytest.fixture(scope="module")
def perceptrons():
    runs = S01["PERCEPTRON_RUNS"]
    assert runs == [(4, 20), (16, 20), (64, 20), (16, 80)], "notebook 01's prose describes exactly these runs"
    return [one_step.train_feedforward(lags=1, units=u, epochs=e, seed=S01["SEED"]) for u, e in runs]


def test_01_each_value_has_two_possible_successors():
    x_now, x_next = one_step.lagged_pairs(one_step.task_windows("train", seed=S01["SEED"]), lags=1)
    at_zero = np.abs(x_now[:, 0]) < 0.02
    assert x_next[at_zero].min() < -0.8 and x_next[at_zero].max() > 0.8


def test_01_the_formula_floor_matches_the_best_predictor_on_the_test_pairs():
    x_now, x_next = one_step.lagged_pairs(one_step.task_windows("test", seed=S01["SEED"]), lags=1)
    assert FLOOR == pytest.approx(0.354, abs=5e-4)
    assert np.mean((one_step.best_one_value_prediction(x_now) - x_next) ** 2) == pytest.approx(FLOOR, rel=0.01)
    assert FLOOR / np.mean(x_next**2) == pytest.approx(0.71, abs=0.01)  # "about 71 % of guessing 0"


def test_01_every_perceptron_ends_within_a_fraction_of_a_percent_of_the_floor(perceptrons):
    for result in perceptrons:
        assert abs(result.mse / FLOOR - 1) < 0.01, f"{result.name}: MSE {result.mse:.4f} vs floor {FLOOR:.4f}"
    assert [r.params for r in perceptrons] == [13, 49, 193, 49]


def test_01_training_longer_changes_nothing(perceptrons):
    short, long = perceptrons[1], perceptrons[3]  # 16 units for 20 and for 80 epochs
    assert abs(long.mse - short.mse) < 0.01 * FLOOR
    assert min(long.losses[20:]) > 0.99 * FLOOR  # the training loss never dips below the floor either


def test_01_the_perceptron_sits_on_the_line_cos1_x(perceptrons):
    x_grid = np.linspace(-1, 1, 201)[:, None]
    learned = one_step.predict(perceptrons[1].model, x_grid)[:, 0]
    assert np.max(np.abs(learned - one_step.best_one_value_prediction(x_grid[:, 0]))) < 0.05  # "a few hundredths"


def test_01_two_values_make_the_error_collapse():
    window_in, window_next = one_step.lagged_pairs(one_step.task_windows("test", seed=S01["SEED"]), lags=2)
    identity = 2 * np.cos(1.0) * window_in[:, 1] - window_in[:, 0]
    assert np.max(np.abs(identity - window_next[:, 0])) < 1e-12
    window_model = one_step.train_feedforward(
        lags=2, units=S01["WINDOW_UNITS"], epochs=S01["WINDOW_EPOCHS"], seed=S01["SEED"]
    )
    assert window_model.mse < 1e-4  # "below 1e-4"
    assert FLOOR / window_model.mse > 1000  # "thousands of times lower", "more than a thousandfold"


# ---------------------------------------------------------------- notebook 02


@pytest.fixture(scope="module")
def race():
    assert S02["CONTEXTS"] == [1, 2], "notebook 02's prose compares exactly these Jordan widths"
    units, epochs, seed = S02["UNITS"], S02["EPOCHS"], S02["SEED"]
    return {
        "elman": one_step.train_recurrent("elman", units=units, context=1, epochs=epochs, seed=seed),
        "jordan_1": one_step.train_recurrent("jordan", units=units, context=1, epochs=epochs, seed=seed),
        "jordan_2": one_step.train_recurrent("jordan", units=units, context=2, epochs=epochs, seed=seed),
    }


@pytest.fixture(scope="module")
def test_windows():
    return one_step.task_windows("test", seed=S02["SEED"])


def test_02_elman_is_thousands_of_times_below_the_floor(race):
    assert FLOOR / race["elman"].mse > 1000


def test_02_classic_jordan_is_below_the_floor_but_only_a_few_times(race):
    jordan = race["jordan_1"]
    assert jordan.mse < FLOOR
    assert FLOOR / jordan.mse < 10
    assert 0.1 < jordan.mse < 0.2  # "its MSE of about 0.15"


def test_02_one_extra_fed_back_output_beats_elman_with_a_third_of_the_parameters(race):
    assert race["jordan_2"].mse < race["elman"].mse
    assert race["jordan_2"].mse < race["jordan_1"].mse / 1000  # "the error collapses"
    assert 3 * race["jordan_2"].params <= race["elman"].params


def test_02_jordan_memory_follows_the_input_and_its_error_carries_the_direction(race, test_windows):
    arriving, fed_back, rising = one_step.fed_back_vs_input(race["jordan_1"].model, test_windows)
    assert np.corrcoef(arriving.ravel(), fed_back.ravel())[0, 1] > 0.8
    gap = fed_back - arriving
    assert gap[rising].mean() < 0 < gap[~rising].mean()  # below x_t before a rise, above before a fall


def test_02_every_output_after_the_first_sits_on_the_true_values(race, test_windows):
    window = test_windows[0]
    every_step = one_step.predict(race["elman"].model, window[None, :-1, None])[0, :, 0]
    assert abs(every_step[0] - window[1]) > 0.1  # the first output is a guess from one value
    assert np.max(np.abs(every_step[-10:] - window[-10:])) < 0.05


def test_02_the_last_output_model_gives_the_every_step_models_last_output(race, test_windows):
    window = test_windows[0]
    last_only = keras.Sequential(
        [keras.Input((None, 1)), keras.layers.SimpleRNN(S02["UNITS"]), keras.layers.Dense(1)]
    )
    last_only.set_weights(race["elman"].model.get_weights())
    every_step = one_step.predict(race["elman"].model, window[None, :-1, None])[0, :, 0]
    np.testing.assert_allclose(one_step.predict(last_only, window[None, :-1, None])[0, 0], every_step[-1], atol=1e-6)


def test_02_every_network_starts_near_the_floor_and_the_warm_up_would_hide_elman(race, test_windows):
    for result in race.values():
        first = one_step.per_step_mse(result.model, test_windows)[0]
        assert 0.7 * FLOOR < first < 1.5 * FLOOR, f"{result.name}: step-0 MSE {first:.3f}"
    elman_steps = one_step.per_step_mse(race["elman"].model, test_windows)
    assert elman_steps.mean() > 100 * elman_steps[one_step.WARMUP:].mean()


def test_02_generation_from_one_value_starts_small_then_swings_full_size(race, test_windows):
    generated = rh.stateful.generate(race["elman"].model, [test_windows[0, 0]], S02["GENERATE_STEPS"])
    assert np.ptp(generated[:8]) < 0.6  # the first outputs stay small
    assert np.ptp(generated[-15:]) > 1.6  # then a full-size sine (which spans 2)


def test_02_after_a_warm_up_generation_follows_the_truth_for_30_steps(race):
    warmup, steps = S02["WARMUP_VALUES"], S02["GENERATE_STEPS"]
    assert (warmup, steps) == (8, 30), "notebook 02's prose says 8 real values, then 30 steps"
    series = np.sin(S02["FORECAST_PHASE"] + np.arange(warmup + steps))
    forecast = rh.stateful.generate(race["elman"].model, series[:warmup], steps)
    errors = np.abs(forecast - series[warmup:])
    assert errors[:8].max() < 0.05
    assert errors.max() < 0.15

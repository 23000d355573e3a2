"""Claims of notebook 02: Elman and Jordan cells.

How the claims are checked, once for all nine files: `tests/records.py`.
"""


import numpy as np
import pytest
from notebook_settings import read_settings
from records import notebook_record

import rnn_helpers as rh
from rnn_helpers import one_step

pytestmark = pytest.mark.slow  # re-trains the notebooks' networks: part of make test, not make check

S02 = read_settings(
    "02_elman_and_jordan.ipynb",
    "SEED", "UNITS", "EPOCHS", "CONTEXTS", "WARMUP_VALUES", "GENERATE_STEPS", "FORECAST_PHASE",
)
FLOOR = one_step.floor_mse()

# ---------------------------------------------------------------- notebook 02
RACE_SEEDS = (S02["SEED"], S02["SEED"] + 1, S02["SEED"] + 2)  # the notebook trains the first; its words hold for all


@pytest.fixture(scope="module")
def nb02():
    return notebook_record("02_elman_and_jordan.ipynb")


@pytest.fixture(scope="module")
def race(nb02):
    """{seed: {"elman", "jordan_1", "jordan_2": OneStepResult}}: the notebook's own networks for its seed, the
    same helper with the same settings for the two other seeds."""
    assert S02["CONTEXTS"] == [1, 2], "notebook 02's prose compares exactly these Jordan widths"
    races = {S02["SEED"]: {name: nb02[name] for name in ("elman", "jordan_1", "jordan_2")}}
    for seed in RACE_SEEDS[1:]:
        races[seed] = {
            name: one_step.train_recurrent(kind, units=S02["UNITS"], context=context, epochs=S02["EPOCHS"], seed=seed)
            for name, kind, context in (("elman", "elman", 1), ("jordan_1", "jordan", 1), ("jordan_2", "jordan", 2))
        }
    return races


def test_02_the_notebook_trains_what_the_helper_trains(nb02):
    again = one_step.train_recurrent("jordan", units=S02["UNITS"], context=1, epochs=S02["EPOCHS"], seed=S02["SEED"])
    assert again.mse == pytest.approx(nb02["jordan_1"].mse, rel=1e-6)   # the notebook trains with this helper


def test_02_elman_is_thousands_of_times_below_the_floor_on_every_seed(race):
    for seed, nets in race.items():
        assert FLOOR / nets["elman"].mse > 1000, seed


def test_02_classic_jordan_is_below_the_floor_but_only_a_few_times_on_every_seed(race):
    for seed, nets in race.items():
        jordan = nets["jordan_1"]
        assert FLOOR / 10 < jordan.mse < FLOOR, seed
        assert 0.1 < jordan.mse < 0.2, seed                               # "its MSE of about 0.15"


def test_02_one_extra_fed_back_output_beats_elman_on_every_seed_with_a_third_of_the_parameters(race):
    for seed, nets in race.items():
        assert nets["jordan_2"].mse < nets["elman"].mse, seed                # "lower still than the Elman network"
        assert nets["jordan_2"].mse < nets["jordan_1"].mse / 1000, seed      # "the error collapses"
        assert 3 * nets["jordan_2"].params <= nets["elman"].params


def test_02_jordan_memory_follows_the_input_and_its_error_carries_the_direction(nb02):
    arriving, fed_back, rising = nb02["arriving"], nb02["fed_back"], nb02["rising"]
    assert np.corrcoef(arriving.ravel(), fed_back.ravel())[0, 1] > 0.8
    gap = fed_back - arriving
    assert gap[rising].mean() < 0 < gap[~rising].mean()  # below x_t before a rise, above before a fall


def test_02_every_output_after_the_first_sits_on_the_true_values(nb02):
    window, every_step = nb02["window"], nb02["every_step"]
    assert abs(every_step[0] - window[1]) > 0.1  # the first output is a guess from one value
    assert np.max(np.abs(every_step[3:] - window[4:])) < 0.05  # figure: "from the fourth step on"


def test_02_the_last_output_model_gives_the_every_step_models_last_output(nb02):
    window, lengths, last_outputs = nb02["window"], nb02["lengths"], np.asarray(nb02["last_outputs"])
    np.testing.assert_allclose(last_outputs[-1], nb02["every_step"][-1], atol=1e-6)
    errors = np.abs(last_outputs - window[lengths])
    # figure: far from the dot for n = 1, 2, close for n = 3, on it from n = 4
    assert errors[:2].min() > 0.1 and errors[2] < 0.1 and errors[3:].max() < 0.05


def test_02_every_network_starts_near_the_floor_and_the_warm_up_would_hide_elman(race):
    windows = one_step.task_windows("test", seed=S02["SEED"])
    for result in race[S02["SEED"]].values():
        first = one_step.per_step_mse(result.model, windows)[0]
        assert 0.7 * FLOOR < first < 1.5 * FLOOR, f"{result.name}: step-0 MSE {first:.3f}"
    elman_steps = one_step.per_step_mse(race[S02["SEED"]]["elman"].model, windows)
    assert elman_steps.mean() > 100 * elman_steps[one_step.WARMUP:].mean()


def test_02_generation_from_one_value_starts_small_then_swings_full_size(nb02):
    generated = nb02["generated"]
    assert len(generated) == S02["GENERATE_STEPS"]
    assert np.ptp(generated[:8]) < 0.6  # the first outputs stay small
    assert np.ptp(generated[-15:]) > 1.6  # then a full-size sine (which spans 2)


def test_02_after_a_warm_up_generation_follows_the_truth_for_30_steps(nb02):
    assert (S02["WARMUP_VALUES"], S02["GENERATE_STEPS"]) == (8, 30), "the prose says 8 real values, then 30 steps"
    errors = np.abs(nb02["forecast"] - nb02["series"][S02["WARMUP_VALUES"]:])
    assert len(errors) == 30
    assert errors[:8].max() < 0.05
    assert errors.max() < 0.15


# --- notebook 02, exercises: every "Check:" answer, with the notebook's settings ----------------------------------


def test_02_exercise_1_each_wider_output_adds_33_parameters_but_no_power_of_ten(race):
    context_2 = race[S02["SEED"]]["jordan_2"]
    wider = [one_step.train_recurrent("jordan", units=S02["UNITS"], context=c, epochs=S02["EPOCHS"], seed=S02["SEED"])
             for c in (3, 4)]
    assert [context_2.params, *(r.params for r in wider)] == [98, 131, 164]
    for result in wider:
        assert FLOOR / result.mse > 1000            # "thousands of times below the floor"
        assert result.mse > context_2.mse / 10      # "neither gains another power of ten over context 2"


def test_02_exercise_2_a_wider_hidden_layer_leaves_the_classic_jordan_network_at_about_015():
    wide = one_step.train_recurrent("jordan", units=64, context=1, epochs=S02["EPOCHS"], seed=S02["SEED"])
    assert 0.1 < wide.mse < 0.2


def test_02_exercise_3_two_elman_units_are_far_below_the_floor_and_one_is_level_with_jordan(race):
    small = {units: one_step.train_recurrent("elman", units=units, epochs=S02["EPOCHS"], seed=S02["SEED"])
             for units in (4, 2, 1)}
    assert FLOOR / small[4].mse > 100 and FLOOR / small[2].mse > 100
    assert FLOOR / small[1].mse < 10
    assert 0.5 < small[1].mse / race[S02["SEED"]]["jordan_1"].mse < 2


def test_02_exercise_4_each_extra_warm_up_value_improves_the_start_of_the_forecast(nb02):
    largest = []
    for warmup in (1, 2, 3):
        series = np.sin(S02["FORECAST_PHASE"] + np.arange(warmup + S02["GENERATE_STEPS"]))
        forecast = rh.stateful.generate(nb02["elman"].model, series[:warmup], S02["GENERATE_STEPS"])
        largest.append(np.abs(forecast - series[warmup:])[:8].max())
    assert largest[0] > largest[1] > largest[2] and largest[2] < 0.05


def test_02_exercise_5_a_numpy_elman_with_the_trained_weights_reproduces_the_predictions(nb02):
    W_xh, W_hh, b_h, W_hy, b_y = nb02["elman"].model.get_weights()
    H = rh.numpy_rnn.elman_forward(nb02["window"][None, :-1, None], {"W_xh": W_xh, "W_hh": W_hh, "b_h": b_h})
    assert np.abs((H @ W_hy + b_y)[0, :, 0] - nb02["every_step"]).max() < 1e-5

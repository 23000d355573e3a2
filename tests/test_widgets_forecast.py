"""The forecast explorer without a browser: set the controls, click Train, check what ran and what changed."""

import time

import numpy as np
import pytest

import rnn_helpers as rh


@pytest.fixture(scope="module")
def explorer():
    return rh.widgets.forecast_explorer()


def test_starts_with_the_notebooks_defaults_and_no_training(explorer):
    assert explorer.method.value == "bptt"
    assert explorer.epochs.value == rh.forecast.DEFAULTS["bptt"]["epochs"]
    assert explorer.cells.value == 16 and explorer.seed.value == 0
    assert explorer.results == [] and bytes(explorer.image.value) == b""


@pytest.mark.slow  # trains for seconds: make test
def test_train_uses_the_slider_values_and_redraws(explorer):
    explorer.epochs.value, explorer.cells.value, explorer.seed.value = 30, 5, 3
    explorer.train_button.click()
    result = explorer.results[-1]
    assert (result["method"], result["epochs"], result["cells"], result["seed"]) == ("bptt", 30, 5, 3)
    first_picture = bytes(explorer.image.value)
    assert first_picture.startswith(b"\x89PNG")
    assert "36-step MSE" in explorer.summary.value and "30 epochs" in explorer.summary.value
    assert not explorer.train_button.disabled and not explorer.epochs.disabled

    explorer.epochs.value = 60
    explorer.train_button.click()
    assert len(explorer.results) == 2 and explorer.results[-1]["epochs"] == 60
    assert bytes(explorer.image.value) != first_picture
    assert explorer.results[-1]["mse_36"] != result["mse_36"]


def test_a_click_while_training_is_ignored(explorer):
    explorer.train_button.disabled = True  # what the explorer sets while a training runs
    count = len(explorer.results)
    explorer.train_button.click()
    assert len(explorer.results) == count
    explorer.train_button.disabled = False


@pytest.mark.slow  # trains for about a second: make test
def test_repeated_clicks_train_once_each(explorer):
    count = len(explorer.results)
    explorer.epochs.value = 20
    for _ in range(2):
        explorer.train_button.click()
    assert len(explorer.results) == count + 2
    assert [r["epochs"] for r in explorer.results[-2:]] == [20, 20]


def test_choosing_a_method_offers_its_default_epochs(explorer):
    explorer.method.value = "compiled"
    assert explorer.epochs.value == rh.forecast.DEFAULTS["compiled"]["epochs"]
    explorer.method.value = "bptt"
    assert explorer.epochs.value == rh.forecast.DEFAULTS["bptt"]["epochs"]


@pytest.mark.slow  # trains for seconds: make test
def test_a_click_after_the_first_trains_the_kept_model_and_gives_a_fresh_trainings_result():
    from rnn_helpers import forecast

    explorer = rh.widgets.forecast_explorer(epochs=40, cells=3)
    explorer.train_button.click()  # the first training of this size traces TensorFlow's graphs once
    kept_model, _, twin = forecast._KEPT[("bptt", 3)]
    train_function = kept_model.train_function
    explorer.seed.value = 1
    start = time.perf_counter()
    explorer.train_button.click()
    print(f"click-to-plot after the first training (warm): {time.perf_counter() - start:.2f} s")
    result = explorer.results[-1]
    assert result["seed"] == 1 and result["model"] is twin  # the kept model again...
    assert kept_model.train_function is train_function  # ...and its traced training function: nothing traced
    fresh = rh.forecast.run_method("bptt", epochs=40, cells=3, seed=1, progress=False)  # a new model
    np.testing.assert_array_equal(result["generated"], fresh["generated"])


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"method": "fast"}, ValueError, "method must be one of"),
        ({"epochs": 0}, ValueError, "epochs must be >= 1"),
        ({"cells": 65}, ValueError, "cells must be <= 64"),
        ({"seed": "0"}, TypeError, "seed must be an int"),
    ],
)
def test_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        rh.widgets.forecast_explorer(**kwargs)

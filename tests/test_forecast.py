import json
import subprocess
import sys

import numpy as np
import pytest

import rnn_helpers as rh


def test_article_model_matches_the_article():
    model = rh.forecast.build_article_model(16)
    lstm, dense = model.layers
    assert tuple(model.inputs[0].shape) == (1, 1, 1)
    assert lstm.stateful and lstm.units == 16 and dense.units == 1


def test_compiled_loop_makes_exactly_the_articles_updates():
    x, y = rh.data.article_data()
    article, article_losses = rh.forecast.train_article(x, y, epochs=2, cells=4, seed=3, progress=False)
    compiled, compiled_losses = rh.forecast.train_compiled(x, y, epochs=2, cells=4, seed=3, progress=False)
    np.testing.assert_allclose(compiled_losses, article_losses, rtol=1e-5)
    for a, c in zip(article.get_weights(), compiled.get_weights()):
        np.testing.assert_allclose(c, a, atol=1e-6)


def test_compiled_variants_change_the_training():
    x, y = rh.data.article_data()
    _, ordered = rh.forecast.train_compiled(x, y, epochs=3, cells=4, seed=0, progress=False)
    _, carried = rh.forecast.train_compiled(x, y, epochs=3, cells=4, seed=0, progress=False, reset_states=False)
    _, shuffled = rh.forecast.train_compiled(x, y, epochs=3, cells=4, seed=0, progress=False, shuffle=True)
    assert ordered[0] == pytest.approx(carried[0])  # the first epoch starts from zeros either way
    assert ordered[1] != pytest.approx(carried[1])
    assert ordered[0] != pytest.approx(shuffled[0])


def test_run_method_reports_everything_and_is_repeatable():
    first = rh.forecast.run_method("bptt", epochs=20, cells=4, seed=1, progress=False)
    for key in ("train_seconds", "generate_seconds", "mse_36", "max_abs_err_36"):
        assert first[key] >= 0
    assert first["generated"].shape == first["abs_err_by_horizon"].shape == (36,)
    assert first["losses"].shape == (20,)
    assert first["mse_36"] == pytest.approx(np.mean((first["generated"] - first["expected"]) ** 2))
    again = rh.forecast.run_method("bptt", epochs=20, cells=4, seed=1, progress=False)
    np.testing.assert_allclose(again["generated"], first["generated"], atol=1e-6)


def test_defaults_are_used_when_not_given():
    result = rh.forecast.run_method("compiled", epochs=2, seed=0, progress=False)
    assert result["cells"] == rh.forecast.DEFAULTS["compiled"]["cells"] == 16


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: rh.forecast.run_method("magic"), ValueError, r"method must be one of \['article', 'bptt', 'compiled'\]"),
        (lambda: rh.forecast.run_method("bptt", epochs=0), ValueError, "epochs must be >= 1, got 0"),
        (lambda: rh.forecast.run_method("bptt", cells=0), ValueError, "cells must be >= 1, got 0"),
        (lambda: rh.forecast.run_method("bptt", epochs=2.5), TypeError, "epochs must be an int"),
        (lambda: rh.forecast.run_method("bptt", seed=-1), ValueError, "seed must be >= 0"),
        (lambda: rh.forecast.train_bptt([1.0, 2.0], [1.0], 5), ValueError, "same length"),
        (lambda: rh.forecast.train_bptt([1.0, 2.0], [1.0, 3.0], 5, learning_rate=0), ValueError, "learning_rate must be > 0"),
        (lambda: rh.forecast.train_compiled([1.0, 2.0], [1.0, 3.0], 1, shuffle="yes"), TypeError, "True or False"),
        (lambda: rh.forecast.build_article_model(cells=0), ValueError, "cells must be >= 1"),
    ],
)
def test_bad_input_is_explained_before_any_training(call, error, match):
    with pytest.raises(error, match=match):
        call()


def run_cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "rnn_helpers.forecast", *args], capture_output=True, text=True, timeout=300
    )


def test_cli_prints_one_json_object(tmp_path):
    png = tmp_path / "forecast.png"
    done = run_cli("--method", "bptt", "--epochs", "10", "--cells", "4", "--seed", "2", "--json", "--plot", str(png))
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert {"method": "bptt", "epochs": 10, "cells": 4, "seed": 2}.items() <= result.items()
    for key in ("train_seconds", "generate_seconds", "mse_36", "max_abs_err_36"):
        assert isinstance(result[key], float)
    assert png.stat().st_size > 10_000
    assert done.stderr == ""  # no TensorFlow log lines


@pytest.mark.parametrize(
    "args, message",
    [
        (["--method", "magic"], "invalid choice"),
        (["--epochs", "0"], "expected a number >= 1"),
        (["--cells", "many"], "expected a whole number"),
        (["--seed", "-3"], "expected a number >= 0"),
    ],
)
def test_cli_bad_arguments_print_usage_and_exit_2(args, message):
    done = run_cli(*args)
    assert done.returncode == 2
    assert "usage:" in done.stderr and message in done.stderr
    assert "Traceback" not in done.stderr

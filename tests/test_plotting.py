import matplotlib.pyplot as plt
import numpy as np
import pytest

import rnn_helpers as rh


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_forecast_figure_draws_the_shared_series_then_both_continuations():
    series, expected = np.sin(np.arange(36.0)), np.sin(np.arange(36.0, 72.0))
    generated = expected + 0.1
    ax = rh.plotting.forecast_figure(series, expected, generated, title="t")
    truth, forecast = ax.get_lines()
    np.testing.assert_allclose(truth.get_ydata(), np.concatenate([series, expected]))
    np.testing.assert_allclose(forecast.get_ydata(), np.concatenate([series, generated]))
    assert ax.get_title() == "t"


def test_figure_helpers_draw_on_the_axes_they_are_given_and_one_line_per_label():
    _, (left, right) = plt.subplots(1, 2)
    assert rh.plotting.error_by_horizon({"a": np.ones(5), "b": np.zeros(5)}, ax=left) is left
    assert len(left.get_lines()) == 2
    assert rh.plotting.loss_curves({"a": np.linspace(1, 0.1, 10)}, ax=right) is right
    assert len(right.get_lines()) == 1


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: rh.plotting.forecast_figure([0.0, 1.0], [1.0, 2.0], [1.0]), ValueError, "same length"),
        (lambda: rh.plotting.forecast_figure([[0.0]], [1.0], [1.0]), ValueError, "series must be 1-D"),
        (lambda: rh.plotting.error_by_horizon([0.1, 0.2]), TypeError, "dict of label -> 1-D array"),
        (lambda: rh.plotting.error_by_horizon({"a": [np.nan]}), ValueError, "NaN"),
        (lambda: rh.plotting.loss_curves({}), TypeError, "non-empty dict"),
    ],
)
def test_bad_input_is_explained(call, error, match):
    with pytest.raises(error, match=match):
        call()

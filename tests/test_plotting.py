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


# ---------------------------------------------------------------------------------------------------------
# Notebook 07 · Reading sequences
# ---------------------------------------------------------------------------------------------------------


def test_digit_gallery_draws_each_image_with_its_title_and_hides_spare_axes():
    _, axes = plt.subplots(1, 4)
    images = np.random.default_rng(0).uniform(size=(3, 8, 8))
    drawn = rh.plotting.digit_gallery(images, ["a", "b", "c"], axes=axes)
    assert [ax.get_title() for ax in drawn[:3]] == ["a", "b", "c"]
    np.testing.assert_allclose(drawn[1].get_images()[0].get_array(), images[1])
    assert not drawn[3].axison


def test_confusion_heatmap_writes_every_nonzero_count():
    ax = rh.plotting.confusion_heatmap(np.array([[5, 0], [2, 3]]), ["x", "y"], title="t")
    assert sorted(t.get_text() for t in ax.texts) == ["2", "3", "5"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["x", "y"] and ax.get_title() == "t"


def test_reading_steps_titles_each_row_with_the_best_guess():
    beliefs = np.full((8, 10), 0.02)
    beliefs[np.arange(8), [1, 1, 7, 7, 7, 7, 7, 7]] = 0.82
    axes = rh.plotting.reading_steps(np.zeros((8, 8)), beliefs)
    assert axes[0].get_title() == "row 1: 1 (82%)" and axes[7].get_title() == "row 8: 7 (82%)"


def test_belief_curves_draw_one_styled_line_per_class():
    beliefs = np.tile(np.linspace(0.0, 1.0, 10), (8, 1))
    ax = rh.plotting.belief_curves(beliefs, [9, 3], labels=["nine", "three"])
    lines = ax.get_lines()
    assert len(lines) == 2 and lines[0].get_linestyle() != lines[1].get_linestyle()
    np.testing.assert_allclose(lines[1].get_ydata(), beliefs[:, 3])


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: rh.plotting.digit_gallery(np.zeros((2, 8, 8)), ["one"]), ValueError, "list of 2 strings"),
        (lambda: rh.plotting.digit_gallery(np.zeros((0, 8, 8)), []), ValueError, "nothing to draw"),
        (lambda: rh.plotting.confusion_heatmap(np.zeros((2, 3)), ["a", "b"]), ValueError, "square"),
        (lambda: rh.plotting.reading_steps(np.zeros((8, 8)), np.zeros((7, 10))), ValueError, "one row per image row"),
        (lambda: rh.plotting.belief_curves(np.zeros((8, 10)), [10]), ValueError, r"indices in 0..9"),
    ],
)
def test_notebook_07_figures_explain_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()
